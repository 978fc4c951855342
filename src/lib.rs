//! zhushu (注疏): a static site generator for annotated digital editions.
//!
//! The pipeline runs one way: `load` reads content/ into the `model`,
//! `render` turns the model into pages with a `theme`, and `output` swaps
//! the finished site into place. See ARCHITECTURE.md for the map.

pub mod build;
pub mod check;
pub mod config;
pub mod date;
pub mod diagnostic;
pub(crate) mod digest;
pub mod enrich;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod memory;
pub mod model;
pub mod output;
pub mod pdf;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod yaml;

pub use build::{BuildOptions, BuildReport, build};
pub use diagnostic::{Error, Result};
