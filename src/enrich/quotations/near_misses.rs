//! Near misses: recurring words that detection judged and refused, kept
//! (only when asked) so that `zhushu quotations review` can show an editor
//! what to `accept`. A detector that must keep a formulaic edition's
//! stock out will refuse some passages a reader would link (a clause that
//! a news item repeats from a speech without quoting it); the editor can
//! only accept what they know of, so the refusals are listed, the words
//! least likely to recur by chance first, each with the entry that
//! accepts it.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Occurrence, Quotation};

/// Words are listed up to this many times the chance their evidence
/// allows: a hundredfold is two orders of magnitude of a model's doubt,
/// past which a formulaic edition's frames would fill the list.
pub const NEAR: f64 = 100.0;

/// Recurring words refused, with their places as the cluster they would
/// have made.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    pub quotation: Quotation,
    pub refusal: Refusal,
    /// How many times as likely to recur by chance as words with their
    /// evidence may be (quotation marks, a reporting verb, whole clauses:
    /// the less evidence, the lower the bar); under 1 when chance was not
    /// what refused them.
    pub over: f64,
}

/// Why the words were refused.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Refusal {
    /// Too likely to recur by chance.
    Chance,
    /// Nothing says they are somebody's: not in quotation marks, after no
    /// reporting verb, not a whole clause or sentence, and short.
    NoEvidence,
    /// Built into a clause of its own words in some place, as a noun
    /// phrase is (从实现……的高度), and nowhere quoted or reported.
    PhraseInClause,
    /// A frame with a slot: in three places or more, ending no clause
    /// anywhere, each place going on with words of its own.
    Frame,
    /// Only in news reports, unquoted: the reporters' narration.
    Narration,
    /// A run of capitalised words: a name or a title.
    Name,
    /// A pair of short members that nobody quotes (改革、发展): the
    /// genre's words, not a coinage.
    ShortPair,
    /// Never in quotation marks, and in `pieces` pieces: more than words
    /// nobody quotes may stand in before they are the genre's own.
    Stock { pieces: usize },
    /// A set phrase ending in a list (…的获得感、幸福感、安全感), never
    /// quoted.
    SetPhrase,
}

impl Refusal {
    /// In words, for the review.
    pub fn describe(&self, over: f64) -> String {
        match self {
            Refusal::Chance => format!(
                "would recur by chance {over:.1} times as often as words with its evidence may"
            ),
            Refusal::NoEvidence => "nothing says they are somebody's words: not in quotation \
                marks, after no reporting verb, not a whole clause or sentence, and short"
                .to_owned(),
            Refusal::PhraseInClause => "built into another clause as a phrase somewhere, \
                and nowhere quoted or reported"
                .to_owned(),
            Refusal::Frame => {
                "a frame with a slot: ends no clause anywhere, each place going on its own way"
                    .to_owned()
            }
            Refusal::Narration => "only in news reports, unquoted: their narration".to_owned(),
            Refusal::Name => "a run of capitalised words: a name or a title".to_owned(),
            Refusal::ShortPair => {
                "a pair of short members that nobody quotes: the genre's words".to_owned()
            }
            Refusal::Stock { pieces } => {
                format!("in {pieces} pieces and never in quotation marks: the genre's stock")
            }
            Refusal::SetPhrase => {
                "a set phrase ending in a list, never in quotation marks".to_owned()
            }
        }
    }

    /// Among words as likely by chance, the refusals most often wrong
    /// first.
    fn rank(&self) -> u8 {
        match self {
            Refusal::NoEvidence => 0,
            Refusal::Chance => 1,
            Refusal::PhraseInClause => 2,
            Refusal::Narration => 3,
            Refusal::Frame => 4,
            Refusal::Name => 5,
            Refusal::ShortPair => 6,
            Refusal::Stock { .. } => 7,
            Refusal::SetPhrase => 8,
        }
    }
}

/// Where a detection that was asked for them collects its near misses, on
/// whichever thread refuses them.
#[derive(Debug, Default)]
pub struct Collector(Mutex<Vec<(Quotation, Refusal, Option<f64>)>>);

impl Collector {
    /// Words refused for `why`; how far over the bar they are is worked out
    /// at the end (`into_list`).
    pub fn refuse(&self, quotation: Quotation, why: Refusal) {
        self.push(quotation, why, None);
    }

    /// Words refused on a chance `over` times the bar (which may not be
    /// their evidence's chance: a cluster judged again without the places
    /// met by chance).
    pub fn refuse_on_chance(&self, quotation: Quotation, over: f64) {
        if over <= NEAR {
            self.push(quotation, Refusal::Chance, Some(over));
        }
    }

    fn push(&self, quotation: Quotation, why: Refusal, over: Option<f64>) {
        (self.0.lock().expect("no collector panicked")).push((quotation, why, over));
    }

    /// The near misses in two pieces or more and at most `NEAR` times the
    /// bar (`over` tells it for words whose chance is their evidence's),
    /// least likely by chance first, none standing where a quotation that
    /// was kept stands, nor one whose every place is nearly a place of one
    /// listed before it (words refused in several clusters are listed
    /// once, at their best; a shorter passage inside a longer one refused
    /// is listed too: a formula in a refused sentence, say).
    pub fn list(&self, kept: &[Quotation], over: impl Fn(&Quotation) -> f64) -> Vec<NearMiss> {
        let refused = std::mem::take(&mut *self.0.lock().expect("no collector panicked"));
        let mut all: Vec<NearMiss> = refused
            .into_iter()
            .filter(|(q, ..)| q.chapters().len() >= 2)
            .map(|(quotation, refusal, known)| {
                let over = known.unwrap_or_else(|| over(&quotation));
                NearMiss {
                    quotation,
                    refusal,
                    over,
                }
            })
            .filter(|m| m.over <= NEAR)
            .collect();
        all.sort_by(|a, b| {
            a.over
                .total_cmp(&b.over)
                .then(a.refusal.rank().cmp(&b.refusal.rank()))
                .then_with(|| first_place(&a.quotation).cmp(&first_place(&b.quotation)))
        });
        let taken = Places::of(kept.iter().flat_map(|q| &q.occurrences));
        let mut listed = Places::default();
        let mut list: Vec<NearMiss> = Vec::new();
        for miss in all {
            let places = &miss.quotation.occurrences;
            if places.iter().any(|o| taken.meets(o, false))
                || places.iter().all(|o| listed.meets(o, true))
            {
                continue;
            }
            for o in places {
                listed.add(o);
            }
            list.push(miss);
        }
        list
    }
}

/// The near misses of which no place shares a character with a place of
/// `kept`: what is left to offer once the editor's decisions have made
/// their clusters.
pub fn apart_from(kept: &[Quotation], near: Vec<NearMiss>) -> Vec<NearMiss> {
    let taken = Places::of(kept.iter().flat_map(|q| &q.occurrences));
    near.into_iter()
        .filter(|m| {
            !m.quotation
                .occurrences
                .iter()
                .any(|o| taken.meets(o, false))
        })
        .collect()
}

/// Places by paragraph: (start, end) of each, under (chapter, unit).
#[derive(Default)]
struct Places(HashMap<(usize, usize), Vec<(usize, usize)>>);

impl Places {
    fn of<'o>(places: impl Iterator<Item = &'o Occurrence>) -> Places {
        let mut all = Places::default();
        places.for_each(|o| all.add(o));
        all
    }

    fn add(&mut self, o: &Occurrence) {
        (self.0.entry((o.chapter, o.unit)).or_default()).push((o.start, o.end))
    }

    /// Whether `o` shares a character with one of the places, or (`most`)
    /// is nearly the same stretch as one: four fifths of the longer.
    fn meets(&self, o: &Occurrence, most: bool) -> bool {
        self.0.get(&(o.chapter, o.unit)).is_some_and(|spans| {
            spans.iter().any(|&(start, end)| {
                let shared = end.min(o.end).saturating_sub(start.max(o.start));
                let longer = (end - start).max(o.end - o.start);
                shared > 0 && (!most || shared * 5 >= longer * 4)
            })
        })
    }
}

fn first_place(q: &Quotation) -> (usize, usize, usize) {
    q.occurrences
        .first()
        .map_or((0, 0, 0), |o| (o.chapter, o.unit, o.start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::quotations::Kind;

    /// Words standing at `places` (chapter, unit, start, end), with
    /// `chance` as their evidence's.
    fn words(places: &[(usize, usize, usize, usize)], chance: f64) -> Quotation {
        let mut words =
            crate::enrich::quotations::tests::cluster_at(Kind::Quotation, places, false);
        words.evidence.chance = chance;
        words
    }

    fn listed(near: &Collector, kept: &[Quotation]) -> Vec<(String, Refusal, f64)> {
        near.list(kept, |q| q.evidence.chance)
            .into_iter()
            .map(|m| (m.quotation.occurrences[0].text.clone(), m.refusal, m.over))
            .collect()
    }

    #[test]
    fn the_least_likely_by_chance_come_first_then_the_refusals_most_often_wrong() {
        let near = Collector::default();
        near.refuse(words(&[(0, 0, 0, 5), (1, 0, 0, 5)], 2.0), Refusal::Frame);
        near.refuse(
            words(&[(0, 1, 0, 5), (2, 0, 0, 5)], 0.0),
            Refusal::Stock { pieces: 13 },
        );
        near.refuse(
            words(&[(0, 2, 0, 5), (3, 0, 0, 5)], 0.0),
            Refusal::NoEvidence,
        );
        near.refuse_on_chance(words(&[(0, 3, 0, 5), (4, 0, 0, 5)], 1e-9), 1.5);
        let list = listed(&near, &[]);
        assert_eq!(
            list,
            [
                ("0/2/0".to_owned(), Refusal::NoEvidence, 0.0),
                ("0/1/0".to_owned(), Refusal::Stock { pieces: 13 }, 0.0),
                // Refused on chance: how far over is what it was refused on,
                // not its evidence's chance.
                ("0/3/0".to_owned(), Refusal::Chance, 1.5),
                ("0/0/0".to_owned(), Refusal::Frame, 2.0),
            ]
        );
        // Listed once.
        assert!(listed(&near, &[]).is_empty());
    }

    #[test]
    fn only_words_in_two_pieces_and_near_the_bar_are_listed() {
        let near = Collector::default();
        // One piece, twice.
        near.refuse(
            words(&[(0, 0, 0, 5), (0, 1, 0, 5)], 0.0),
            Refusal::NoEvidence,
        );
        near.refuse(
            words(&[(0, 2, 0, 5), (1, 0, 0, 5)], NEAR * 1.01),
            Refusal::Name,
        );
        near.refuse_on_chance(words(&[(0, 3, 0, 5), (2, 0, 0, 5)], 0.0), NEAR * 1.01);
        near.refuse(words(&[(0, 4, 0, 5), (3, 0, 0, 5)], NEAR), Refusal::Name);
        near.refuse_on_chance(words(&[(0, 5, 0, 5), (4, 0, 0, 5)], 0.0), NEAR);
        let list = listed(&near, &[]);
        let places: Vec<&str> = list.iter().map(|(p, ..)| p.as_str()).collect();
        assert_eq!(places, ["0/5/0", "0/4/0"]);
    }

    #[test]
    fn words_where_a_kept_quotation_or_a_nearer_miss_stands_are_not_listed() {
        let kept = [words(&[(0, 0, 10, 20), (1, 0, 0, 10)], 0.0)];
        let near = Collector::default();
        let no_evidence = |places: &[(usize, usize, usize, usize)], chance: f64| {
            near.refuse(words(places, chance), Refusal::NoEvidence)
        };
        // Overlaps the kept quotation by one character at its start, in one
        // of its places: not listed.
        no_evidence(&[(0, 0, 19, 30), (2, 0, 0, 5)], 0.0);
        // Touches it only: listed (A).
        no_evidence(&[(0, 0, 20, 30), (2, 1, 0, 5)], 0.1);
        // Nearly A's places (four fifths of each): A refused again, not
        // listed.
        no_evidence(&[(0, 0, 22, 30), (2, 1, 0, 4)], 0.15);
        // A's first place, and a place of its own: listed.
        no_evidence(&[(0, 0, 20, 30), (5, 0, 0, 5)], 0.2);
        // Inside A's first place, by less than four fifths of it, and in
        // A's second place: shorter words in A's, listed.
        no_evidence(&[(0, 0, 21, 28), (2, 1, 0, 5)], 0.25);
        // The same offsets as A in other units and chapters: listed.
        no_evidence(&[(0, 1, 20, 30), (3, 1, 0, 5)], 0.3);
        no_evidence(&[(4, 0, 20, 30), (2, 2, 0, 5)], 0.4);
        let list = listed(&near, &kept);
        let places: Vec<&str> = list.iter().map(|(p, ..)| p.as_str()).collect();
        assert_eq!(places, ["0/0/20", "0/0/20", "0/0/21", "0/1/20", "4/0/20"]);
    }

    #[test]
    fn each_refusal_is_told_in_words() {
        assert!(
            Refusal::Chance
                .describe(6.04)
                .contains("6.0 times as often")
        );
        assert!(
            Refusal::Stock { pieces: 14 }
                .describe(0.0)
                .contains("in 14 pieces")
        );
        for refusal in [
            Refusal::NoEvidence,
            Refusal::PhraseInClause,
            Refusal::Frame,
            Refusal::Narration,
            Refusal::Name,
            Refusal::ShortPair,
            Refusal::SetPhrase,
        ] {
            assert!(refusal.describe(0.0).len() > 20);
        }
    }
}
