//! `zhushu quotations review`: loads the edition, detects its recurring
//! quotations, applies the editor's decisions and lists the clusters by
//! doubt (`quotation_decisions::review_of`), each named by its id on the
//! site. A command on top of the layers: it needs load, enrich and render
//! (the quotations index gives the ids), which enrich itself must not know.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::Result;
use crate::enrich::quotation_decisions::{
    Review, apply, load as load_decisions, near_miss_items, review_of,
};
use crate::enrich::quotations::{Quotation, QuotationOptions, detect, detect_with_near_misses};
use crate::load;
use crate::model::{Edition, TextUnit};
use crate::render::quotations::QuotationIndex;

/// Loads the edition, detects its clusters, applies the decisions (the
/// first that fails is the error, as in the build) and lists the clusters
/// by doubt, then the first `near_misses` of the recurring words that
/// detection refused (none looked for when 0).
pub fn review(root: &Path, drafts: bool, near_misses: usize) -> Result<Review> {
    let edition = load::load(root, drafts)?;
    let decisions = load_decisions(root)?;
    let (quotations, near) = if edition.config.options.quotations.disabled {
        (Vec::new(), Vec::new())
    } else {
        let options = QuotationOptions::for_edition(&edition.config);
        let (found, near) = if near_misses > 0 {
            detect_with_near_misses(&edition, &options)
        } else {
            (detect(&edition, &options), Vec::new())
        };
        (apply(&edition, found, decisions.as_ref())?, near)
    };
    let ids = site_ids(&edition, &quotations);
    let mut review = review_of(
        &edition,
        &quotations,
        ids,
        decisions.map_or(0, |d| d.decisions.len() + d.problems.len()),
    );
    (review.near_misses, review.near_misses_found) =
        near_miss_items(&edition, &quotations, near, near_misses);
    Ok(review)
}

/// Each cluster's id on the site (`q3`), as the quotations index gives it.
fn site_ids(edition: &Edition, quotations: &[Quotation]) -> Vec<String> {
    let index = QuotationIndex::new(edition, quotations, &serde_json::Value::Null);
    type Signature = Vec<(String, String, String)>;
    let by_places: HashMap<Signature, &str> = index
        .views
        .iter()
        .map(|v| {
            let places = (v.places.views().into_iter())
                .map(|p| (p.chapter, p.paragraph, p.text))
                .collect();
            (places, v.id.as_str())
        })
        .collect();
    let units: Vec<Vec<TextUnit>> = edition
        .chapters
        .iter()
        .map(|c| c.document.units())
        .collect();
    quotations
        .iter()
        .map(|q| {
            let places: Signature = q
                .occurrences
                .iter()
                .map(|o| {
                    (
                        edition.chapters[o.chapter].slug.clone(),
                        units[o.chapter][o.unit].id.to_owned(),
                        o.text.clone(),
                    )
                })
                .collect();
            by_places.get(&places).map_or("?", |id| id).to_owned()
        })
        .collect()
}
