//! Passes over the loaded edition that find places in the text. They
//! produce anchors (offsets into paragraph and heading text), never markup;
//! render turns anchors into HTML.

mod delimited;
pub mod glossary;
pub mod indexes;
pub mod notes;
pub mod quotation_decisions;
pub mod quotations;
