//! Model → files: pages through the theme's templates, and the site's
//! machine-readable companions (sitemap).

pub mod body;
pub mod glossary;
pub mod highlight;
pub mod notes;
pub mod pages;
pub mod quotations;
pub mod sitemap;
