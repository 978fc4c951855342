//! `zhushu-bench glossary`: times glossary linking — finding every
//! occurrence of N terms in a synthetic edition and deciding the links —
//! through the library, on the cached synthetic corpus. Target: 10,000
//! chapters against 5,000 terms in under 2 s.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use zhushu::config::LinkMode;
use zhushu::enrich::glossary::{Entry, Glossary, find};

pub struct Options {
    pub terms: usize,
    pub runs: usize,
    pub check: bool,
}

pub const TARGET: Duration = Duration::from_secs(2);

pub fn glossary(options: &Options, corpus: &Path) -> Result<ExitCode, String> {
    let edition = zhushu::load::load(corpus, false).map_err(|e| e.to_string())?;
    let glossary = terms_from(&edition, options.terms);
    let mut times = Vec::new();
    let mut places = 0;
    for _ in 0..options.runs.max(1) {
        let start = Instant::now();
        let found = find(&edition, &glossary, LinkMode::FirstPerChapter);
        times.push(start.elapsed());
        places = found.len();
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "glossary linking: {} chapters, {} terms, {places} places: median {:.1} ms, min {:.1} ms ({} runs)",
        edition.chapters.len(),
        glossary.entries.len(),
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times.len()
    );
    let pass = median < TARGET;
    println!(
        "  {}  median {:.1} ms < {} ms",
        if pass { "PASS" } else { "FAIL" },
        median.as_secs_f64() * 1000.0,
        TARGET.as_millis()
    );
    Ok(if pass || !options.check {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// N distinct terms of 2 to 4 characters, taken at regular places in the
/// text so that they occur (deterministic: no randomness needed).
fn terms_from(edition: &zhushu::model::Edition, n: usize) -> Glossary {
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::new();
    'chapters: for (c, chapter) in edition.chapters.iter().enumerate() {
        for unit in chapter.document.units() {
            let chars: Vec<char> = unit.text.chars().filter(|c| c.is_alphanumeric()).collect();
            let mut i = c % 7;
            while i + 4 <= chars.len() {
                let len = 2 + (i + c) % 3;
                let term: String = chars[i..i + len].iter().collect();
                if seen.insert(term.clone()) {
                    entries.push(Entry {
                        term,
                        aliases: Vec::new(),
                        definition: "synthetic".to_owned(),
                        see_also: Vec::new(),
                        category: None,
                    });
                    if entries.len() == n {
                        break 'chapters;
                    }
                }
                i += 97;
            }
        }
    }
    Glossary {
        entries,
        file: "synthetic".into(),
        lines: Vec::new(),
    }
}
