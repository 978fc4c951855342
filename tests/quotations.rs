//! Recurring quotations measured on the seed against a hand-checked list
//! (tests/fixtures/quotations/seed.yaml): recall of the listed passages with
//! the right set of pieces, and precision of what is reported.

mod common;

use serde::Deserialize;
use std::collections::BTreeSet;
use zhushu::enrich::quotations::{QuotationOptions, detect};

#[derive(Deserialize)]
struct Fixture {
    expected: Vec<Entry>,
    acceptable: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    text: String,
    chapters: Vec<usize>,
    #[serde(default)]
    also: Vec<usize>,
}

fn key(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[test]
fn seed_recall_and_precision() {
    let root = common::repo_root();
    let edition = zhushu::load::load(&root, false).unwrap();
    let fixture: Fixture = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/quotations/seed.yaml")).unwrap(),
    )
    .unwrap();
    let found = detect(&edition, &QuotationOptions::for_edition(&edition.config));
    let chapters = |q: &zhushu::enrich::quotations::Quotation| -> BTreeSet<usize> {
        q.occurrences
            .iter()
            .map(|o| edition.chapters[o.chapter].number)
            .collect()
    };
    let matches = |entry: &Entry, q: &zhushu::enrich::quotations::Quotation| {
        let want: BTreeSet<usize> = entry.chapters.iter().copied().collect();
        let allowed: BTreeSet<usize> = want.iter().chain(&entry.also).copied().collect();
        let got = chapters(q);
        q.occurrences
            .iter()
            .any(|o| key(&o.text).contains(&key(&entry.text)))
            && want.is_subset(&got)
            && got.is_subset(&allowed)
    };
    let mut missed = Vec::new();
    for entry in &fixture.expected {
        if !found.iter().any(|q| matches(entry, q)) {
            missed.push(format!("{} {:?}", entry.text, entry.chapters));
        }
    }
    let mut wrong = Vec::new();
    for q in &found {
        let good = fixture
            .expected
            .iter()
            .chain(&fixture.acceptable)
            .any(|e| matches(e, q));
        if !good {
            wrong.push(format!("{} {:?}", q.text(), chapters(q)));
        }
    }
    let recall = 1.0 - missed.len() as f64 / fixture.expected.len() as f64;
    let precision = 1.0 - wrong.len() as f64 / found.len().max(1) as f64;
    println!(
        "recurring quotations on the seed: {} found; recall {:.1} % ({} of {} listed), precision {:.1} %",
        found.len(),
        recall * 100.0,
        fixture.expected.len() - missed.len(),
        fixture.expected.len(),
        precision * 100.0
    );
    println!("missed: {missed:#?}\nnot on the list: {wrong:#?}");
    assert!(recall >= 0.95, "recall {recall:.3}; missed: {missed:#?}");
    assert!(
        precision >= 0.90,
        "precision {precision:.3}; not quotations: {wrong:#?}"
    );
}

#[test]
fn every_occurrence_is_the_text_that_stands_there() {
    let root = common::repo_root();
    let edition = zhushu::load::load(&root, false).unwrap();
    for q in detect(&edition, &QuotationOptions::for_edition(&edition.config)) {
        assert!(q.chapters().len() >= 2, "{}", q.text());
        for o in &q.occurrences {
            let units = edition.chapters[o.chapter].document.units();
            let text: String = units[o.unit]
                .text
                .chars()
                .skip(o.start)
                .take(o.end - o.start)
                .collect();
            assert_eq!(text, o.text);
        }
    }
}

/// An English edition: a sentence quoted in a later piece with a word
/// changed, a short saying quoted in two pieces, and a stock phrase that
/// recurs without being anyone's words.
#[test]
fn english_passages_with_variants() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("content/edition.yaml", "title: T\nlanguage: en\n");
    write(
        "content/chapters/01-speech.md",
        "---\ntitle: The Speech\ndate: 1990-03\n---\n\nThe office is the hinge on which the whole of the work turns, and it must never rust. \
         As the old saying goes, “haste makes waste” in every office.\n\nThe annual report of the standing committee was read.\n",
    );
    write(
        "content/chapters/02-article.md",
        "---\ntitle: The Article\ndate: 2014\n---\n\nHe said that the office is the hinge upon which the whole of the work turns, and it must never rust. \
         We remember that “haste makes waste”.\n\nThe annual report of the standing committee was adopted.\n",
    );
    write(
        "content/chapters/03-other.md",
        "---\ntitle: Other\ndate: 2015\n---\n\nNothing is repeated here at all.\n",
    );
    let edition = zhushu::load::load(root, false).unwrap();
    let found = detect(&edition, &QuotationOptions::for_edition(&edition.config));
    let texts: Vec<&str> = found.iter().map(|q| q.text()).collect();
    assert_eq!(found.len(), 2, "{texts:?}");
    let hinge = found
        .iter()
        .find(|q| q.text().contains("hinge"))
        .expect("the long passage");
    assert_eq!(hinge.occurrences.len(), 2);
    assert_eq!(
        edition.chapters[hinge.occurrences[hinge.origin].chapter].slug, "speech",
        "the earlier piece is the origin"
    );
    assert!(
        hinge
            .occurrences
            .iter()
            .any(|o| o.text.contains("upon which")),
        "the variant is found"
    );
    assert!(
        found.iter().any(|q| q.text() == "haste makes waste"),
        "{texts:?}"
    );
}
