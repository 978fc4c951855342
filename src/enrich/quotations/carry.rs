//! Quotations carried over an edit, for `zhushu serve`: detection reads the
//! whole edition (at 1,000 pieces it is half a rebuild), so after an edit
//! serve first renders with the last detection's clusters, moved to where
//! their words now stand, and detects again when the edits pause.
//!
//! A chapter is known by its slug and the digest of its file: the clusters'
//! places in chapters whose file is unchanged are kept as they were (with
//! the chapter's new position in reading order); in an edited chapter each
//! place is looked for by its words, in its own paragraph first, then in
//! the nearest others, nearest its old offset; a place whose words are gone
//! is dropped, and a cluster left in fewer than two chapters goes. What
//! edits change beyond that (a passage newly quoted, an origin moved by a
//! new date) waits for the detection that follows.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Occurrence, Quotation, QuotationOptions, never_cross, sort_in_reading_order};
use crate::model::Edition;

/// The last detection, kept by `zhushu serve` across its builds, and the
/// clusters last carried over from it.
#[derive(Default)]
pub struct LastDetection(Mutex<Option<Detection>>, Mutex<Option<Detection>>);

impl std::fmt::Debug for LastDetection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let clusters = self
            .0
            .lock()
            .map_or(0, |d| d.as_ref().map_or(0, |d| d.found.len()));
        write!(f, "LastDetection({clusters} clusters)")
    }
}

struct Detection {
    /// The detection's settings, by their digest.
    options: u64,
    /// Each chapter's slug and file digest, in reading order.
    chapters: Vec<(String, u64)>,
    /// What detection found (or carrying gave), before the editor's
    /// decisions.
    found: Vec<Quotation>,
}

impl Detection {
    fn of(edition: &Edition, options: &QuotationOptions, found: &[Quotation]) -> Detection {
        Detection {
            options: options_digest(options),
            chapters: fingerprints(edition),
            found: found.to_vec(),
        }
    }
}

/// The last detection's clusters, over the edition as it is now.
#[derive(Debug)]
pub enum Carried {
    /// No chapter changed: what detection would find again.
    Same(Vec<Quotation>),
    /// Moved over edited chapters: detection may find otherwise.
    Moved(Vec<Quotation>),
}

impl LastDetection {
    /// Keeps what a detection over `edition` found.
    pub fn remember(&self, edition: &Edition, options: &QuotationOptions, found: &[Quotation]) {
        *self.0.lock().expect("no builder panicked") = Some(Detection::of(edition, options, found));
    }

    /// Whether a detection over `edition` that `found` these gives what
    /// the last carrying gave over the same edition: then the site built
    /// from the carried clusters stands.
    pub fn carried_the_same(
        &self,
        edition: &Edition,
        options: &QuotationOptions,
        found: &[Quotation],
    ) -> bool {
        let carried = self.1.lock().expect("no builder panicked");
        carried.as_ref().is_some_and(|c| {
            c.options == options_digest(options)
                && c.chapters == fingerprints(edition)
                && same_places(&c.found, found)
        })
    }

    /// The last detection's clusters carried over to `edition`; none when
    /// nothing was detected yet or the settings changed.
    pub fn carry(&self, edition: &Edition, options: &QuotationOptions) -> Option<Carried> {
        let last = self.0.lock().expect("no builder panicked");
        let last = last.as_ref()?;
        if last.options != options_digest(options) {
            return None;
        }
        let now = fingerprints(edition);
        if now == last.chapters {
            return Some(Carried::Same(last.found.clone()));
        }
        let moved = carry_over(last, &now, edition);
        *self.1.lock().expect("no builder panicked") = Some(Detection {
            options: last.options,
            chapters: now,
            found: moved.clone(),
        });
        Some(Carried::Moved(moved))
    }
}

fn options_digest(options: &QuotationOptions) -> u64 {
    crate::digest::key(|h| crate::digest::feed_debug(h, options))
}

fn fingerprints(edition: &Edition) -> Vec<(String, u64)> {
    (edition.chapters.iter())
        .map(|c| (c.slug.clone(), c.source_digest))
        .collect()
}

/// Where each of the last detection's chapters is now, by slug: its
/// position, and whether its file is unchanged.
fn chapter_moves(last: &[(String, u64)], now: &[(String, u64)]) -> Vec<Option<(usize, bool)>> {
    let position: HashMap<&str, usize> = (now.iter().enumerate())
        .map(|(i, (slug, _))| (slug.as_str(), i))
        .collect();
    last.iter()
        .map(|(slug, digest)| {
            position
                .get(slug.as_str())
                .map(|&i| (i, now[i].1 == *digest))
        })
        .collect()
}

fn carry_over(last: &Detection, now: &[(String, u64)], edition: &Edition) -> Vec<Quotation> {
    let moves = chapter_moves(&last.chapters, now);
    let mut carried: Vec<Quotation> = Vec::with_capacity(last.found.len());
    for quotation in &last.found {
        let origin = &quotation.occurrences[quotation.origin];
        let mut origin_now = None;
        let mut occurrences: Vec<Occurrence> = Vec::with_capacity(quotation.occurrences.len());
        for occurrence in &quotation.occurrences {
            let Some((chapter, unchanged)) = moves[occurrence.chapter] else {
                continue;
            };
            let moved = if unchanged {
                Some(Occurrence {
                    chapter,
                    ..occurrence.clone()
                })
            } else {
                find_again(occurrence, chapter, edition)
            };
            let Some(moved) = moved else { continue };
            if occurrences.contains(&moved) {
                continue;
            }
            if std::ptr::eq(occurrence, origin) {
                origin_now = Some(moved.clone());
            }
            occurrences.push(moved);
        }
        occurrences.sort_by_key(|o| (o.chapter, o.unit, o.start));
        let origin = origin_now
            .and_then(|o| occurrences.iter().position(|x| *x == o))
            .unwrap_or(0);
        let mut chapters: Vec<usize> = occurrences.iter().map(|o| o.chapter).collect();
        chapters.dedup();
        if chapters.len() >= 2 {
            carried.push(Quotation {
                occurrences,
                origin,
                ..quotation.clone()
            });
        }
    }
    // Moved places may now cross others.
    never_cross(&mut carried);
    sort_in_reading_order(&mut carried);
    carried
}

/// The place in the edited `chapter` where the words of `occurrence` stand:
/// in its old paragraph if they are still there, else in the nearest
/// paragraph that has them; nearest its old offset within the paragraph.
fn find_again(occurrence: &Occurrence, chapter: usize, edition: &Edition) -> Option<Occurrence> {
    if occurrence.text.is_empty() {
        return None;
    }
    let units = edition.chapters[chapter].document.units();
    let nearest_first = {
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by_key(|&u| u.abs_diff(occurrence.unit));
        order
    };
    nearest_first.into_iter().find_map(|u| {
        let text = units[u].text;
        let start = (text.match_indices(occurrence.text.as_str()))
            .map(|(byte, _)| text[..byte].chars().count())
            .min_by_key(|&start| start.abs_diff(occurrence.start))?;
        Some(Occurrence {
            chapter,
            unit: u,
            start,
            end: start + occurrence.text.chars().count(),
            ..occurrence.clone()
        })
    })
}

/// Whether two lists of clusters mark the same places, of the same kinds,
/// with the same origins: all the site shows of them. (Their evidence,
/// which `zhushu quotations review` shows, moves with any edit: the chance
/// of a passage is counted over the whole edition.)
fn same_places(a: &[Quotation], b: &[Quotation]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.kind == b.kind && a.origin == b.origin && a.occurrences == b.occurrences
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::quotations::{Kind, detect};

    const SAYING: &str = "“为政以德，譬如北辰，居其所而众星共之。”";

    /// An edition of one chapter a `(slug, body)`, each known by its
    /// body's digest as `load` knows a file.
    fn edition(chapters: &[(&str, String)]) -> Edition {
        let config = "title: T\nlanguage: zh-CN\n";
        Edition {
            root: Default::default(),
            config: crate::config::EditionConfig::parse(config, std::path::Path::new("e")).unwrap(),
            chapters: (chapters.iter().enumerate())
                .map(|(i, (slug, body))| crate::model::Chapter {
                    file: Default::default(),
                    front: Default::default(),
                    slug: slug.to_string(),
                    number: i + 1,
                    document: crate::markdown::parse(body),
                    source_digest: crate::digest::key(|h| std::hash::Hash::hash(body, h)),
                })
                .collect(),
        }
    }

    fn three_pieces() -> Vec<(&'static str, String)> {
        vec![
            (
                "a",
                format!("开篇一段话。\n\n他引用孔子的话：{SAYING}这是根本。\n"),
            ),
            ("b", format!("会上讲到：{SAYING}\n\n其余的话。\n")),
            ("c", format!("文章说，{SAYING}要记住。\n")),
        ]
    }

    fn options() -> QuotationOptions {
        QuotationOptions::for_language("zh-CN")
    }

    fn remembered(edition: &Edition) -> (LastDetection, Vec<Quotation>) {
        let found = detect(edition, &options());
        assert!(
            found.iter().any(|q| q.text().contains("譬如北辰")),
            "{found:#?}"
        );
        let last = LastDetection::default();
        last.remember(edition, &options(), &found);
        (last, found)
    }

    fn moved(carried: Option<Carried>) -> Vec<Quotation> {
        match carried {
            Some(Carried::Moved(found)) => found,
            other => panic!("moved over the edit: {other:?}"),
        }
    }

    fn places(found: &[Quotation]) -> Vec<Vec<(usize, usize, usize, usize)>> {
        (found.iter())
            .map(|q| {
                (q.occurrences.iter())
                    .map(|o| (o.chapter, o.unit, o.start, o.end))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_unchanged_edition_carries_the_detection_itself() {
        let before = edition(&three_pieces());
        let (last, found) = remembered(&before);
        match last.carry(&edition(&three_pieces()), &options()) {
            Some(Carried::Same(carried)) => assert_eq!(carried, found),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn changed_settings_carry_nothing() {
        let before = edition(&three_pieces());
        let (last, _) = remembered(&before);
        let mut other = options();
        other.min_tokens += 1;
        assert!(last.carry(&before, &other).is_none());
        assert!(
            LastDetection::default()
                .carry(&before, &options())
                .is_none()
        );
    }

    #[test]
    fn places_move_with_their_words_as_detection_would_find_them() {
        let (last, _) = remembered(&edition(&three_pieces()));
        // A paragraph added before the saying, words added before it in its
        // paragraph, and the chapters in another order.
        let mut pieces = three_pieces();
        pieces[0].1 = format!(
            "新加的一段。\n\n{}",
            pieces[0].1.replace("他引用", "他当时引用")
        );
        pieces.swap(1, 2);
        let after = edition(&pieces);
        let carried = moved(last.carry(&after, &options()));
        assert_eq!(places(&carried), places(&detect(&after, &options())));
        for q in &carried {
            for o in &q.occurrences {
                let units = after.chapters[o.chapter].document.units();
                let stands: String = (units[o.unit].text.chars())
                    .skip(o.start)
                    .take(o.end - o.start)
                    .collect();
                assert_eq!(stands, o.text);
            }
        }
    }

    #[test]
    fn a_place_whose_words_are_gone_is_dropped_and_a_cluster_left_alone_goes() {
        let (last, _) = remembered(&edition(&three_pieces()));
        let mut pieces = three_pieces();
        pieces[2].1 = "文章说，要记住。\n".to_owned();
        let carried = moved(last.carry(&edition(&pieces), &options()));
        let saying = carried
            .iter()
            .find(|q| q.text().contains("譬如北辰"))
            .expect("two places are left");
        assert_eq!(saying.chapters(), [0, 1]);

        // A chapter removed as well: one place left, no cluster.
        pieces.remove(1);
        let carried = moved(last.carry(&edition(&pieces), &options()));
        assert!(
            !carried.iter().any(|q| q.text().contains("譬如北辰")),
            "{carried:#?}"
        );
    }

    #[test]
    fn the_origin_stays_the_place_it_was_when_places_before_it_go() {
        // The origin is the earliest by date: the second piece's speech.
        let mut before = edition(&three_pieces());
        for (chapter, year) in before.chapters.iter_mut().zip(["2019", "2012", "2015"]) {
            chapter.front.date = crate::date::PartialDate::parse(year);
        }
        let found = detect(&before, &options());
        let saying = |found: &[Quotation]| {
            let q = found
                .iter()
                .find(|q| q.text().contains("譬如北辰"))
                .cloned();
            q.expect("the saying is found")
        };
        assert_eq!(saying(&found).occurrences[saying(&found).origin].chapter, 1);
        let last = LastDetection::default();
        last.remember(&before, &options(), &found);
        // The first piece's place goes: the origin is now first of two.
        let mut pieces = three_pieces();
        pieces[0].1 = "开篇一段话。\n\n他引用孔子的话，这是根本。\n".to_owned();
        let mut after = edition(&pieces);
        for (chapter, year) in after.chapters.iter_mut().zip(["2019", "2012", "2015"]) {
            chapter.front.date = crate::date::PartialDate::parse(year);
        }
        let carried = saying(&moved(last.carry(&after, &options())));
        assert_eq!(carried.chapters(), [1, 2]);
        assert_eq!(carried.occurrences[carried.origin].chapter, 1);
        let detected = saying(&detect(&after, &options()));
        assert_eq!(
            carried.occurrences[carried.origin],
            detected.occurrences[detected.origin]
        );
    }

    #[test]
    fn what_was_carried_is_known_when_detection_comes_again() {
        let (last, _) = remembered(&edition(&three_pieces()));
        let mut pieces = three_pieces();
        pieces[1].1.push_str("\n补一句。\n");
        let after = edition(&pieces);
        moved(last.carry(&after, &options()));
        let found = detect(&after, &options());
        assert!(last.carried_the_same(&after, &options(), &found));
        // Detection over another edition, or finding otherwise, is not.
        pieces[2].1 = "文章说，要记住。\n".to_owned();
        let other = edition(&pieces);
        assert!(!last.carried_the_same(&other, &options(), &detect(&other, &options())));
        assert!(!last.carried_the_same(&after, &options(), &[]));
        // Nor finding the same places with another origin, or of another
        // kind: the site would show them otherwise.
        let mut found = found;
        let saying = (found.iter_mut())
            .find(|q| q.text().contains("譬如北辰"))
            .expect("the saying is found");
        saying.origin = (saying.origin + 1) % saying.occurrences.len();
        assert!(!last.carried_the_same(&after, &options(), &found));
        let saying = (found.iter_mut())
            .find(|q| q.text().contains("譬如北辰"))
            .expect("the saying is found");
        saying.origin = (saying.origin + saying.occurrences.len() - 1) % saying.occurrences.len();
        saying.kind = match saying.kind {
            Kind::Formula => Kind::Quotation,
            _ => Kind::Formula,
        };
        assert!(!last.carried_the_same(&after, &options(), &found));
    }

    #[test]
    fn a_place_is_found_again_in_its_paragraph_nearest_where_it_was() {
        let after = edition(&[("a", "甲乙丙。\n\n甲乙丙，又甲乙丙。\n".to_owned())]);
        let at = |unit, start| Occurrence {
            chapter: 7,
            unit,
            start,
            end: start + 3,
            text: "甲乙丙".to_owned(),
            quoted: false,
        };
        let found = |o: &Occurrence| find_again(o, 0, &after).map(|o| (o.chapter, o.unit, o.start));
        assert_eq!(found(&at(1, 5)), Some((0, 1, 5)));
        assert_eq!(found(&at(1, 2)), Some((0, 1, 0)));
        assert_eq!(found(&at(0, 9)), Some((0, 0, 0)));
        // Its paragraph gone: the nearest that has the words.
        assert_eq!(found(&at(4, 0)), Some((0, 1, 0)));
        let gone = Occurrence {
            text: "丁戊".to_owned(),
            ..at(0, 0)
        };
        assert_eq!(found(&gone), None);
    }
}
