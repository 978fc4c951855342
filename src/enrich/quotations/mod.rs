//! Recurring quotations: passages that stand in two or more chapters,
//! word for word or with small edits (a word dropped, added or replaced),
//! found, clustered and given an origin; and formulas, short enumerations
//! and coinages that recur. Produces anchors into paragraph text, never
//! markup.
//!
//! The method, in the manner of text-reuse detection (passim, the Chinese
//! Text Project's parallel passages):
//! - `tokens`: text cut into tokens (a CJK character, or a Latin word with
//!   case, apostrophes and line-end hyphens folded), punctuation and
//!   spacing ignored but offsets kept;
//! - `align`: token n-grams shared across chapters seed candidate matches;
//!   each is extended both ways into a maximal alignment that tolerates
//!   small edits; short passages count when quoted in two chapters;
//!   overlapping matches are clustered;
//! - `background`: a passage is a quotation only if it is unlikely to recur
//!   by chance, judged by a Markov model of the edition's own n-grams, so
//!   that the stock phrases and sentence frames of formulaic prose stay
//!   out without a hand-written list;
//! - `places`: each cluster's occurrences cut to the clause they stand in
//!   (variants included), the evidence that they are somebody's words
//!   (quotation marks, reporting verbs, whole clauses), and the origin;
//! - `formulas`: enumerations and paired coinages, found by their shape.
//!
//! Occurrences of different clusters never cross in a paragraph: they
//! nest or stand apart, so that their marks nest in the HTML.

mod align;
mod background;
pub mod carry;
mod formulas;
pub mod near_misses;
mod places;
mod reordered;
mod tokens;
mod units;
mod variants;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::model::Edition;
use align::Overlap;
use background::Background;
use near_misses::{Collector, NearMiss, Refusal};
use units::{ChapterTokens, Scratch, Tokenized, tokenize_chapter};

#[derive(Debug, Clone)]
pub struct QuotationOptions {
    /// Minimum length in tokens (CJK characters or words) of a passage
    /// found without quotation marks.
    pub min_tokens: usize,
    /// Shortest quoted passage that counts.
    pub min_quoted_tokens: usize,
    /// Passages containing one of these are stock phrases, not quotations.
    pub stop_list: Vec<String>,
    /// How many characters before a passage are searched for a reporting
    /// verb (说, 指出; said, wrote).
    pub report_window: usize,
    /// Tokens in a seed n-gram: 6 CJK characters, 4 words.
    pub seed: usize,
    /// Order of the background model: 5 CJK characters (four of context,
    /// about two words) or 3 words; shorter contexts are backed off to.
    pub order: usize,
    /// The edition's language is written in CJK characters.
    pub cjk: bool,
}

impl QuotationOptions {
    /// The edition's settings over the defaults of its language.
    pub fn for_edition(config: &crate::config::EditionConfig) -> QuotationOptions {
        let defaults = QuotationOptions::for_language(&config.language);
        let settings = &config.options.quotations;
        QuotationOptions {
            min_tokens: settings
                .min_length
                .unwrap_or(defaults.min_tokens)
                .max(defaults.seed),
            min_quoted_tokens: settings
                .min_quoted_length
                .unwrap_or(defaults.min_quoted_tokens)
                .max(2),
            stop_list: settings.stop_list.clone(),
            ..defaults
        }
    }

    /// 12 characters for CJK editions, 8 words for others.
    pub fn for_language(language: &str) -> QuotationOptions {
        let cjk = matches!(language.split('-').next(), Some("zh" | "ja" | "ko"));
        QuotationOptions {
            min_tokens: if cjk { 12 } else { 8 },
            // Shorter quoted items are terms (“五个坚持”, “总开关”): the
            // glossary's matter, not quotations.
            min_quoted_tokens: if cjk { 6 } else { 3 },
            stop_list: Vec::new(),
            report_window: if cjk { 8 } else { 24 },
            seed: if cjk { SEED } else { WORD_SEED },
            order: if cjk { 5 } else { 3 },
            cjk,
        }
    }
}

/// One place where a quotation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub chapter: usize,
    /// Index into the chapter's `Document::units()`.
    pub unit: usize,
    /// Character offsets in the unit's text.
    pub start: usize,
    pub end: usize,
    /// The passage exactly as it stands there.
    pub text: String,
    /// Inside quotation marks there.
    pub quoted: bool,
}

/// What kind of recurrence a cluster is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Somebody's words repeated: a sentence, a clause or a saying.
    Quotation,
    /// A short enumeration or paired coinage (清、慎、勤; “前哨”“后院”).
    Formula,
}

/// Why a cluster was kept: what `zhushu quotations review` shows, and what
/// its doubt is computed from.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Stands in quotation marks in at least one place.
    pub quoted: bool,
    /// Introduced by a reporting verb (指出, said) in at least one place.
    pub reported: bool,
    /// Begins and ends at clause boundaries in at least one place.
    pub bounded: bool,
    /// Length of the longest aligned witness, in tokens.
    pub tokens: usize,
    /// How many times the rest of the edition's text would let the words
    /// recur by chance (a Markov model of its n-grams, the passage's own
    /// places left out); the smaller, the surer.
    pub chance: f64,
    /// Set by an editor's decision in content/quotations.yaml.
    pub decided: bool,
    /// Bare words whose later places stand in pieces that quote the
    /// origin's piece elsewhere: a piece that draws on another repeats
    /// more of its words than it puts in quotation marks.
    pub beside_quotation: bool,
}

impl Evidence {
    /// 0 (sure) to 1 (doubtful): what `zhushu quotations review` sorts by.
    pub fn doubt(&self) -> f64 {
        if self.decided {
            return 0.0;
        }
        let mut doubt = (self.chance.max(1e-12).log10() + 12.0) / 12.0;
        if self.quoted || self.reported {
            doubt *= 0.5;
        }
        if !self.bounded {
            doubt = doubt * 0.5 + 0.5;
        }
        doubt.clamp(0.0, 1.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quotation {
    pub kind: Kind,
    /// In reading order of the edition.
    pub occurrences: Vec<Occurrence>,
    /// Index into `occurrences`: the earliest dated piece in which the
    /// passage is not itself quoted, else the earliest.
    pub origin: usize,
    pub evidence: Evidence,
}

impl Quotation {
    pub fn text(&self) -> &str {
        &self.occurrences[self.origin].text
    }

    /// Adds places found after the cluster was made, keeping the
    /// occurrences in reading order and the origin where it was.
    fn add_places(&mut self, places: impl IntoIterator<Item = Occurrence>) {
        let origin = self.occurrences[self.origin].clone();
        self.occurrences.extend(places);
        self.occurrences
            .sort_by_key(|o| (o.chapter, o.unit, o.start));
        self.origin = self
            .occurrences
            .iter()
            .position(|o| *o == origin)
            .expect("the origin is still there");
    }

    pub fn chapters(&self) -> Vec<usize> {
        let mut chapters: Vec<usize> = self.occurrences.iter().map(|o| o.chapter).collect();
        chapters.dedup();
        chapters
    }
}

struct Unit<'a> {
    chapter: usize,
    unit: usize,
    /// The unit's text, borrowed from the edition: characters are collected
    /// only for the few units where a quotation stands.
    text: &'a str,
    /// The tokens' keys only, 4 bytes a token: an edition of 10,000
    /// chapters has over 20 million tokens, and their offsets are needed
    /// only in the few units where a quotation stands. In a detection,
    /// borrowed from its chapter's keys (`ChapterTokens`).
    keys: Cow<'a, [u32]>,
    /// Token ranges inside quotation marks: short ones may make a quoted
    /// saying (`align::quoted_matches`), and any is evidence that the
    /// words are somebody's.
    quoted: Box<[(u32, u32)]>,
    /// Token indices before which an alignment stops (sorted): where a
    /// quotation of passage length opens or closes, so that the words
    /// that report it (……在……会议上的讲话中指出：) never join the words
    /// reported, which would chain every quotation of one speaker.
    walls: Box<[u32]>,
    /// Token indices where a clause begins (after ，。；…), 0 left out.
    /// Borrowed like `keys`.
    clauses: Cow<'a, [u32]>,
}

impl<'a> Unit<'a> {
    /// The tokens between the walls around token `at`: `lo..hi`.
    fn between_walls(&self, at: usize) -> (usize, usize) {
        let k = self.walls.partition_point(|&w| (w as usize) <= at);
        let lo = k.checked_sub(1).map_or(0, |k| self.walls[k] as usize);
        let hi = self.walls.get(k).map_or(self.keys.len(), |&w| w as usize);
        (lo, hi)
    }

    /// The unit as the background counts it.
    fn background_text(&self) -> background::Text<'_> {
        background::Text {
            keys: &self.keys,
            clauses: &self.clauses,
        }
    }

    /// Whether a wall stands strictly inside tokens `start..end`.
    fn walls_inside(&self, start: usize, end: usize) -> bool {
        let k = self.walls.partition_point(|&w| (w as usize) <= start);
        self.walls.get(k).is_some_and(|&w| (w as usize) < end)
    }
}

/// Seed length in CJK characters: the shortest stretch detection starts from.
pub const SEED: usize = 6;
/// Pieces past which a passage must stand in quotation marks to count.
const OFTEN: usize = 12;

/// The most chance recurrences a passage quoted in quotation marks may have.
const QUOTED_CHANCE: f64 = 0.5;

/// How much less likely than `Background::threshold` a passage that no
/// place quotes or reports must be.
const BARE: f64 = 0.01;
/// The same for words that are a whole clause or sentence in every place:
/// evidence of their own, so a tenth of the bar, not a hundredth.
const BARE_BOUNDED: f64 = 0.1;
/// The most of a passage's n-grams that may stand beyond its places for
/// its words to be its pieces' own rather than the genre's
/// (`vouched_for`).
const OWN_WORDS: f64 = 0.25;

/// Seed length in words.
pub const WORD_SEED: usize = 4;

pub fn detect(edition: &Edition, options: &QuotationOptions) -> Vec<Quotation> {
    detect_unless(edition, options, &|| false).expect("never stopped")
}

/// `detect`, given up (`None`) as soon as `stop` says so between its
/// stages: `zhushu serve` drops a detection that an edit has made stale.
pub fn detect_unless(
    edition: &Edition,
    options: &QuotationOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Quotation>> {
    detection(edition, options, stop, None).map(|(found, _)| found)
}

/// `detect`, and the recurring words it refused nearest the bar
/// (`near_misses`): what `zhushu quotations review` offers the editor to
/// accept. Slower than `detect` by the places of the clusters refused.
pub fn detect_with_near_misses(
    edition: &Edition,
    options: &QuotationOptions,
) -> (Vec<Quotation>, Vec<NearMiss>) {
    let refused = Collector::default();
    detection(edition, options, &|| false, Some(&refused)).expect("never stopped")
}

/// `detect_unless`, and the near misses `near` collected (none when not
/// given).
fn detection(
    edition: &Edition,
    options: &QuotationOptions,
    stop: &(dyn Fn() -> bool + Sync),
    near: Option<&Collector>,
) -> Option<(Vec<Quotation>, Vec<NearMiss>)> {
    let (mut chapters, tokenized): (Vec<ChapterTokens>, Vec<Vec<Tokenized>>) = edition
        .chapters
        .par_iter()
        .map_init(Scratch::default, |scratch, chapter| {
            let units = chapter.document.units();
            tokenize_chapter(units.iter().map(|unit| unit.text), options, scratch)
        })
        .unzip();
    // Each chapter's lists, and where its units begin among the edition's.
    let mut first = 0;
    let listed: Vec<(usize, Vec<formulas::Listed>)> = (chapters.iter_mut().zip(&tokenized))
        .map(|(chapter, units)| {
            first += units.len();
            (first - units.len(), chapter.take_lists())
        })
        .collect();
    // Filled in order into a vector of their number: collected on both
    // cores, the records were gathered in parts and copied again (0.4–1.1
    // s at 100,000 pieces, where there are 2.2 million); each chapter's
    // tokenized units go as they are made into records.
    let mut units: Vec<Unit> = Vec::with_capacity(tokenized.iter().map(Vec::len).sum());
    for (c, (chapter, tokenized)) in chapters.iter().zip(tokenized).enumerate() {
        units.extend(chapter.units(c, tokenized));
    }
    if stop() {
        return None;
    }
    // The tokenizers' scratch, freed on every thread, goes back first.
    crate::memory::give_back();
    let mut spans = Vec::new();
    let mut links = Vec::new();
    align::long_matches(
        &units,
        options.seed,
        options.min_tokens,
        &mut spans,
        &mut links,
        stop,
    );
    if stop() {
        return None;
    }
    let quoted_from = spans.len();
    // A passage in more chapters than this is the genre's stock: a tenth
    // of a small edition, a two-hundredth of a large one.
    let max_chapters = (edition.chapters.len() / 200).max(12);
    align::quoted_matches(
        &units,
        (options.min_quoted_tokens, options.min_tokens),
        options.min_quoted_tokens + 1,
        max_chapters,
        &mut spans,
        &mut links,
    );
    if stop() {
        return None;
    }
    // A large edition's spans are a million or more: no room to spare.
    spans.shrink_to_fit();
    links.shrink_to_fit();
    let all: Vec<usize> = (0..spans.len()).collect();
    // Clustering is serial (union-find over a large edition's million
    // links): the formula candidates are found on the other cores
    // meanwhile.
    let (clusters, formulas) = rayon::join(
        || {
            split_chains(
                align::cluster(&spans, &links, &all, quoted_from, Overlap::HalfShorter),
                &units,
                &spans,
                &links,
                quoted_from,
                max_chapters,
            )
        },
        || formulas::candidates(&units, listed),
    );
    // Only clusters in two chapters or more, and in no more than a saying
    // may be, are judged (and counted in the background).
    let clusters: Vec<Vec<usize>> = clusters
        .into_par_iter()
        .filter(|members| (2..=max_chapters).contains(&chapter_count(&units, &spans, members)))
        .collect();
    // Clustered: the links and the clustering's tables go before the
    // background takes its memory.
    if stop() {
        return None;
    }
    drop((all, links));
    crate::memory::give_back();
    // Each cluster's longest span.
    let longest: Vec<align::Span> = clusters
        .par_iter()
        .filter_map(|members| longest_span(&spans, members))
        .collect();
    // The whole clauses of each longest (cut on both cores: a large
    // edition's clusters are a hundred thousand).
    let whole_clauses: Vec<&[u32]> = longest
        .par_iter()
        .flat_map_iter(|&s| clause_pieces(&units[s.unit], s))
        .filter(|&(_, whole)| whole)
        .map(|(piece, _)| piece)
        .collect();
    let wordings = formulas.wordings();
    let texts_keys: Vec<background::Text> = units.par_iter().map(Unit::background_text).collect();
    // The background is counted for what is to be judged: each cluster's
    // longest stretch and each formula's shortest wording, and the whole
    // clauses of each longest. (A place is judged on the n-grams it shares
    // with its cluster's longest: one it does not share counts as never
    // seen, which keeps the place. Counting every place's n-grams too took
    // a third longer for the same clusters at 10,000 pieces.)
    let background = Background::new(
        &texts_keys,
        options.order,
        longest
            .iter()
            .map(|s| &units[s.unit].keys[s.start..s.end])
            .chain(wordings.iter().map(Vec::as_slice)),
        whole_clauses.iter().copied(),
    );
    if stop() {
        return None;
    }
    drop((texts_keys, whole_clauses));
    crate::memory::give_back();
    let threshold = background.threshold();
    let texts = places::Texts::new(&units);
    // Judged on tokens, before any text is looked at again: most clusters
    // of a formulaic edition end here.
    // Each kept with its longest span, its chance and its bar; those
    // refused near the bar kept aside when near misses are asked for.
    let refused_near: std::sync::Mutex<Vec<(Vec<usize>, f64)>> = Default::default();
    let judged: Vec<(Vec<usize>, align::Span, f64, f64)> = clusters
        .into_par_iter()
        .filter_map(|members| {
            let longest = longest_span(&spans, &members)?;
            let stretches = stretches_of(&spans, &members);
            let own = own_keys(&units, &stretches);
            let chance = background.passage_chance(
                &units[longest.unit].keys[longest.start..longest.end],
                &clause_pieces(&units[longest.unit], longest),
                &own,
            );
            // Words that stand in quotation marks were marked as somebody's
            // by the text itself: they need only be less likely than one
            // chance recurrence, not less than one in the whole edition.
            let quoted = members
                .iter()
                .any(|&m| m >= quoted_from || in_marks(&units[spans[m].unit], spans[m]));
            let bar = if quoted { QUOTED_CHANCE } else { threshold };
            if chance > bar {
                if near.is_some() && chance <= bar * near_misses::NEAR {
                    let mut refused = refused_near.lock().expect("no judge panicked");
                    refused.push((members, chance));
                }
                return None;
            }
            Some((members, longest, chance, bar))
        })
        .collect();
    if let Some(near) = near {
        let refused = refused_near.into_inner().expect("no judge panicked");
        refused.into_par_iter().for_each(|(members, chance)| {
            // (What the places' own rules refuse is no near miss of
            // chance.)
            let found = places::quotation(
                &units,
                &texts,
                &spans,
                &members,
                edition,
                options,
                (chance, None),
            );
            for q in found.kept {
                let over = chance / bar_for(&q, threshold, || whole_everywhere(&units, &q));
                near.refuse_on_chance(q, over);
            }
        });
    }
    // The passages that stand, looked for where no seed joined them: a
    // witness whose variant cut every n-gram it shares with the others
    // but the genre's stock.
    let passages: Vec<variants::Passage> = judged
        .par_iter()
        .map(|(members, longest, ..)| {
            let mut held: Vec<usize> = members.iter().map(|&m| spans[m].unit).collect();
            held.sort_unstable();
            held.dedup();
            variants::Passage {
                span: *longest,
                held,
            }
        })
        .collect();
    let found = variants::find(&units, &passages, options.seed, |gram| {
        background.seen(gram) <= variants::ANCHOR_MOST
    });
    drop(passages);
    let judged: Vec<(Vec<usize>, f64, f64)> = judged
        .into_iter()
        .zip(found)
        .map(|((mut members, _, chance, bar), witnesses)| {
            for span in witnesses {
                spans.push(span);
                members.push(spans.len() - 1);
            }
            (members, chance, bar)
        })
        .collect();
    let (quotations, unattested): (Vec<Vec<Quotation>>, Vec<Vec<Quotation>>) = judged
        .into_par_iter()
        .map(|(members, mut chance, bar)| {
            let stretches = stretches_of(&spans, &members);
            let mut found = places::quotation(
                &units,
                &texts,
                &spans,
                &members,
                edition,
                options,
                (chance, near),
            );
            // A passage that is somebody's may still be met by chance: a
            // place that shares only a stock stretch of it (既要推进体制机制
            // 创新，又要……) is the genre's frame, not a witness, whether or
            // not the passage is quoted elsewhere. (Only once the passage
            // stands: the stock places are what tells the rules of `places`
            // that a frame is a frame.)
            if !(found.kept.is_empty() && found.unattested.is_empty()) {
                let witnesses = witnesses_not_by_chance(
                    &units,
                    &spans,
                    &members,
                    &stretches,
                    &background,
                    (threshold, options.seed),
                );
                if witnesses.len() < members.len() {
                    // Judged again as what it now is: the places met by
                    // chance stand in the background like the rest.
                    chance = cluster_chance(&units, &spans, &witnesses, &background);
                    found = if chance > bar || chapter_count(&units, &spans, &witnesses) < 2 {
                        if let Some(near) = near.filter(|_| chance > bar) {
                            for q in found.kept.into_iter().chain(found.unattested) {
                                let bar = bar_for(&q, threshold, || whole_everywhere(&units, &q));
                                near.refuse_on_chance(q, chance / bar);
                            }
                        }
                        places::Found::default()
                    } else {
                        places::quotation(
                            &units,
                            &texts,
                            &spans,
                            &witnesses,
                            edition,
                            options,
                            (chance, near),
                        )
                    };
                }
            }
            // Past a dozen pieces, words that nobody puts in quotation
            // marks are the genre's stock, however rare their wording
            // elsewhere (and 强调 stands before half its sentences).
            // And words that nobody quotes or reports, standing in most of
            // the edition's pieces, are its own refrain (坚持以人民为中心，
            // 推动……), however few the pieces.
            let most = (edition.chapters.len() / 2 + 1).max(4);
            let places::Found {
                kept: found,
                unattested,
            } = found;
            let (found, stock): (Vec<Quotation>, Vec<Quotation>) =
                found.into_iter().partition(|q| {
                    let chapters = q.chapters().len();
                    q.evidence.quoted
                        || (chapters <= OFTEN && (q.evidence.reported || chapters < most))
                });
            if let Some(near) = near {
                for q in stock {
                    let pieces = q.chapters().len();
                    near.refuse(q, Refusal::Stock { pieces });
                }
            }
            // Words that no place quotes or reports must be far less
            // likely: the genre's frames, filled from a small vocabulary,
            // recur by chance more often than a model of n-grams can tell.
            // Less so if they are a whole clause or sentence in every
            // place: the frames' chance recurrences mostly start or end
            // inside a clause (努力赢得群众的信任和支持。既要完善……).
            let (found, bare): (Vec<Quotation>, Vec<Quotation>) =
                found.into_iter().partition(|q| {
                    q.evidence.quoted
                        || q.evidence.reported
                        || bare_words_rare_enough(chance, threshold, || whole_everywhere(&units, q))
                });
            if let Some(near) = near {
                for q in bare {
                    let bar = bar_for(&q, threshold, || whole_everywhere(&units, &q));
                    near.refuse_on_chance(q, chance / bar);
                }
            }
            // Words nothing in their places says are somebody's may yet be
            // vouched for by the pieces they stand in (`vouched_for`): if
            // they are as rare as bare words must be, in no more pieces
            // than a saying nobody quotes, and the pieces' own.
            let (unattested, refused): (Vec<Quotation>, Vec<Quotation>) =
                unattested.into_iter().partition(|q| {
                    let pieces = q.chapters().len();
                    pieces <= OFTEN
                        && pieces < most
                        && bare_words_rare_enough(chance, threshold, || whole_everywhere(&units, q))
                        && longest_span(&spans, &members).is_some_and(|s| {
                            let keys = &units[s.unit].keys[s.start..s.end];
                            background.seen_elsewhere(keys, q.occurrences.len()) <= OWN_WORDS
                        })
                });
            if let Some(near) = near {
                for q in refused {
                    near.refuse(q, Refusal::NoEvidence);
                }
            }
            (found, unattested)
        })
        .unzip();
    let quotations: Vec<Quotation> = quotations.into_iter().flatten().collect();
    // A recurring list found by alignment is a formula all the same; and
    // a set phrase that ends with one (不断增强人民群众的获得感、幸福感、
    // 安全感) is the genre's, unless somebody puts it in quotation marks:
    // a news item reports a meeting's stock phrases as readily as its
    // own words (会议指出，要树立正确的……).
    let (mut quotations, set_phrases): (Vec<Quotation>, Vec<Quotation>) = quotations
        .into_iter()
        .partition(|q| q.evidence.quoted || !formulas::is_set_phrase(q.text()));
    if let Some(near) = near {
        for q in set_phrases {
            near.refuse(q, Refusal::SetPhrase);
        }
    }
    for q in &mut quotations {
        if formulas::is_list(q.text()) {
            q.kind = Kind::Formula;
        }
    }
    let (vouched, refused) = vouched_for(&quotations, unattested.into_iter().flatten());
    quotations.extend(vouched);
    if let Some(near) = near {
        for q in refused {
            near.refuse(q, Refusal::NoEvidence);
        }
    }
    quotations.extend(formulas::judge(
        &formulas,
        &units,
        &texts,
        edition,
        &background,
        (max_chapters, near),
    ));
    formulas::drop_inside_quotations(&mut quotations);
    drop_repeats(&mut quotations);
    absorb_parts(&mut quotations);
    reordered::add_reordered(&mut quotations, &units, &texts, options.min_tokens);
    never_cross(&mut quotations);
    sort_in_reading_order(&mut quotations);
    let near = near.map_or_else(Vec::new, |near| {
        near.list(&quotations, |q| {
            q.evidence.chance / bar_for(q, threshold, || whole_everywhere(&units, q))
        })
    });
    Some((quotations, near))
}

/// Of `unattested` words, those vouched for by the pieces they stand in,
/// and the rest: words that a later piece retells, bare, beside its
/// quotation of the same stretch of an earlier piece (a report of a
/// speech quotes one sentence and retells the next in the speech's
/// words). Their origin is their earliest piece; in each of their other
/// pieces, a quotation that stands, whose origin is in the origin's piece,
/// has a place in the same paragraph or the next one to either side, and
/// so it has beside the origin's place. Lists are left to the formulas,
/// set phrases out.
fn vouched_for(
    quotations: &[Quotation],
    unattested: impl Iterator<Item = Quotation>,
) -> (Vec<Quotation>, Vec<Quotation>) {
    let mut by_origin: HashMap<usize, Vec<&Quotation>> = HashMap::new();
    for q in quotations.iter().filter(|q| q.kind == Kind::Quotation) {
        by_origin
            .entry(q.occurrences[q.origin].chapter)
            .or_default()
            .push(q);
    }
    let beside = |q: &Quotation, o: &Occurrence| {
        q.occurrences
            .iter()
            .any(|p| p.chapter == o.chapter && p.unit.abs_diff(o.unit) <= 1)
    };
    unattested
        .map(|mut q| {
            let origin = &q.occurrences[q.origin];
            let quoting = by_origin
                .get(&origin.chapter)
                .map_or(&[][..], Vec::as_slice);
            let vouched = !formulas::is_list(q.text())
                && !formulas::is_set_phrase(q.text())
                && q.occurrences
                    .iter()
                    .filter(|o| o.chapter != origin.chapter)
                    .all(|o| quoting.iter().any(|v| beside(v, origin) && beside(v, o)));
            q.evidence.beside_quotation = vouched;
            q
        })
        .partition(|q| q.evidence.beside_quotation)
}

/// The index among `units` (in the edition's order) of unit `unit` of
/// chapter `chapter`.
fn unit_index(units: &[Unit], chapter: usize, unit: usize) -> usize {
    units.partition_point(|u| u.chapter < chapter) + unit
}

/// Clusters in the order of their first place in the edition.
fn sort_in_reading_order(quotations: &mut [Quotation]) {
    quotations.sort_by_key(|q| {
        let first = &q.occurrences[0];
        (first.chapter, first.unit, first.start, q.kind)
    });
}

/// The most chance recurrences words with `q`'s evidence may have: what
/// `detection` asks of quoted words, of reported ones, and of bare ones
/// (`bare_words_rare_enough`).
fn bar_for(q: &Quotation, threshold: f64, whole_everywhere: impl FnOnce() -> bool) -> f64 {
    if q.evidence.quoted {
        QUOTED_CHANCE
    } else if q.evidence.reported {
        threshold
    } else if whole_everywhere() {
        threshold * BARE_BOUNDED
    } else {
        threshold * BARE
    }
}

/// Whether every place of `q` is a whole clause or sentence.
fn whole_everywhere(units: &[Unit], q: &Quotation) -> bool {
    q.occurrences.iter().all(|o| {
        let unit = &units[unit_index(units, o.chapter, o.unit)];
        let chars: Vec<char> = unit.text.chars().collect();
        places::is_bounded(&chars, o.start, o.end)
    })
}

/// Whether words that no place quotes or reports are rare enough to be
/// somebody's: their `chance` a hundredth of the `threshold`, or a tenth
/// when they stand as a whole clause or sentence in every place.
fn bare_words_rare_enough(
    chance: f64,
    threshold: f64,
    whole_everywhere: impl FnOnce() -> bool,
) -> bool {
    chance <= threshold * BARE || (chance <= threshold * BARE_BOUNDED && whole_everywhere())
}

/// Each of `stretches` with its unit's keys there.
fn own_keys<'u>(units: &'u [Unit], stretches: &[align::Span]) -> Vec<(usize, &'u [u32])> {
    stretches
        .iter()
        .map(|s| (s.unit, &units[s.unit].keys[s.start..s.end]))
        .collect()
}

/// How many times the rest of the edition would let the passage of the
/// cluster `members` stand by chance (`Background::passage_chance` of its
/// longest span, its own stretches taken out).
fn cluster_chance(
    units: &[Unit],
    spans: &[align::Span],
    members: &[usize],
    background: &Background,
) -> f64 {
    let Some(longest) = longest_span(spans, members) else {
        return f64::INFINITY;
    };
    background.passage_chance(
        &units[longest.unit].keys[longest.start..longest.end],
        &clause_pieces(&units[longest.unit], longest),
        &own_keys(units, &stretches_of(spans, members)),
    )
}

/// The longest of the spans `members`.
fn longest_span(spans: &[align::Span], members: &[usize]) -> Option<align::Span> {
    members
        .iter()
        .map(|&m| spans[m])
        .max_by_key(|s| s.end - s.start)
}

/// The stretches where a cluster's passage stands: its member spans of a
/// unit that overlap make one (a paragraph that holds the passage twice,
/// far apart, has two, not all between).
fn stretches_of(spans: &[align::Span], members: &[usize]) -> Vec<align::Span> {
    let mut sorted: Vec<align::Span> = members.iter().map(|&m| spans[m]).collect();
    sorted.sort_by_key(|s| (s.unit, s.start));
    let mut stretches: Vec<align::Span> = Vec::new();
    for s in sorted {
        match stretches.last_mut() {
            Some(last) if last.unit == s.unit && s.start <= last.end => {
                last.end = last.end.max(s.end)
            }
            _ => stretches.push(s),
        }
    }
    stretches
}

/// The `members` whose place is no chance recurrence: a place that holds
/// two thirds of the longest stretch or more, one in quotation marks, or
/// one whose words are as unlikely as a bare passage must be (`bar`, on the
/// chance the rest of the edition would let them stand, the cluster's own
/// stretches taken out) and that has a `seed` of words that stand nowhere
/// but in the passage's places (or as many as the longest stretch has): a
/// place that is the genre's frame and a word or two of the passage
/// (既要推进……，又要……，把为人民) shares those few words only, however
/// rare they are.
fn witnesses_not_by_chance(
    units: &[Unit],
    spans: &[align::Span],
    members: &[usize],
    stretches: &[align::Span],
    background: &Background,
    (bar, seed): (f64, usize),
) -> Vec<usize> {
    let own = own_keys(units, stretches);
    // A witness with a variant is two stretches or more of its unit:
    // judged as one, from the first to the last.
    let places = places_of(stretches);
    let most = stretches.iter().map(|s| s.end - s.start).max().unwrap_or(0);
    // The longest stretch first, then each place.
    let longest = stretches.iter().max_by_key(|s| s.end - s.start);
    let chances = background.chances(
        longest
            .into_iter()
            .chain(&places)
            .map(|s| &units[s.unit].keys[s.start..s.end]),
        &own,
    );
    let Some(((_, passage_unseen), chances)) = chances.split_first() else {
        return members.to_vec();
    };
    // The words of its own a witness must share: a seed of them, or all
    // the passage has if fewer.
    let own_words = (*passage_unseen).min(seed);
    let kept: Vec<align::Span> = places
        .iter()
        .zip(chances)
        .filter(|&(&s, &(chance, unseen))| {
            (s.end - s.start) * 3 >= most * 2
                || (chance <= bar && unseen >= own_words)
                || in_marks(&units[s.unit], s)
        })
        .map(|(&s, _)| s)
        .collect();
    if kept.len() == places.len() {
        return members.to_vec();
    }
    members
        .iter()
        .copied()
        .filter(|&m| {
            let span = spans[m];
            kept.iter()
                .any(|p| p.unit == span.unit && p.start <= span.start && span.end <= p.end)
        })
        .collect()
}

/// The places where a passage stands: `stretches` (sorted) of a unit that
/// stand close (a variant's differing words between them) make one, from
/// the first to the last, as `places::quotation` makes its occurrences.
fn places_of(stretches: &[align::Span]) -> Vec<align::Span> {
    let mut places: Vec<align::Span> = Vec::new();
    for &s in stretches {
        match places.last_mut() {
            Some(last)
                if last.unit == s.unit
                    && s.start <= last.end + 2 * (last.end - last.start).max(s.end - s.start) =>
            {
                last.end = last.end.max(s.end)
            }
            _ => places.push(s),
        }
    }
    places
}

/// In how many chapters the spans `members` stand.
fn chapter_count(units: &[Unit], spans: &[align::Span], members: &[usize]) -> usize {
    let mut chapters: Vec<usize> = members
        .iter()
        .map(|&m| units[spans[m].unit].chapter)
        .collect();
    chapters.sort_unstable();
    chapters.dedup();
    chapters.len()
}

/// A cluster in more chapters than a saying may be is most often several
/// passages chained by stretches that overlap in one paragraph: it is
/// clustered again, joining only spans that are nearly the same stretch.
fn split_chains(
    clusters: Vec<Vec<usize>>,
    units: &[Unit],
    spans: &[align::Span],
    links: &[(usize, usize)],
    quoted_from: usize,
    max_chapters: usize,
) -> Vec<Vec<usize>> {
    let chapters = |members: &[usize]| chapter_count(units, spans, members);
    let (chains, mut kept): (Vec<Vec<usize>>, Vec<Vec<usize>>) = clusters
        .into_iter()
        .partition(|m| chapters(m) > max_chapters);
    if chains.is_empty() {
        return kept;
    }
    // Each chain's links, found in one pass over all links.
    let mut chain_of = vec![usize::MAX; spans.len()];
    for (c, members) in chains.iter().enumerate() {
        for &m in members {
            chain_of[m] = c;
        }
    }
    let mut chain_links: Vec<Vec<(usize, usize)>> = vec![Vec::new(); chains.len()];
    for &(a, b) in links {
        if chain_of[a] != usize::MAX {
            chain_links[chain_of[a]].push((a, b));
        }
    }
    for (members, links) in chains.iter().zip(&chain_links) {
        kept.extend(align::cluster(
            spans,
            links,
            members,
            quoted_from,
            Overlap::MostOfLonger,
        ));
    }
    kept
}

/// `span` cut at its unit's clause starts: each piece's keys, and whether
/// it is a whole clause.
fn clause_pieces<'u>(unit: &'u Unit, span: align::Span) -> Vec<(&'u [u32], bool)> {
    let is_start = |i: usize| i == 0 || unit.clauses.binary_search(&(i as u32)).is_ok();
    let is_end = |i: usize| i == unit.keys.len() || is_start(i);
    let mut cuts: Vec<usize> = vec![span.start];
    cuts.extend(
        unit.clauses
            .iter()
            .map(|&c| c as usize)
            .filter(|&c| c > span.start && c < span.end),
    );
    cuts.push(span.end);
    cuts.windows(2)
        .map(|w| (&unit.keys[w[0]..w[1]], is_start(w[0]) && is_end(w[1])))
        .collect()
}

/// Whether most of `span` stands inside quotation marks.
fn in_marks(unit: &Unit, span: align::Span) -> bool {
    unit.quoted.iter().any(|&(first, last)| {
        let overlap = (last as usize)
            .min(span.end)
            .saturating_sub((first as usize).max(span.start));
        overlap * 2 >= span.end - span.start
    })
}

/// A cluster whose every place is nearly the same stretch as a place of a
/// larger cluster (the same passage found twice: once quoted, once by
/// alignment) says nothing the larger one does not.
fn drop_repeats(quotations: &mut Vec<Quotation>) {
    let same = |a: &Occurrence, b: &Occurrence| {
        let overlap = a.end.min(b.end).saturating_sub(a.start.max(b.start));
        a.chapter == b.chapter
            && a.unit == b.unit
            && overlap * 5 >= (a.end - a.start).max(b.end - b.start) * 4
    };
    let mut by_place: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (q, quotation) in quotations.iter().enumerate() {
        for o in &quotation.occurrences {
            by_place.entry((o.chapter, o.unit)).or_default().push(q);
        }
    }
    let mut order: Vec<usize> = (0..quotations.len()).collect();
    // Larger clusters first: they are the ones kept.
    order.sort_by_key(|&q| std::cmp::Reverse(quotations[q].occurrences.len()));
    let mut dropped = vec![false; quotations.len()];
    for &b in &order {
        let covered_by = |a: usize| {
            a != b
                && !dropped[a]
                && quotations[a].kind == quotations[b].kind
                && quotations[a].occurrences.len() >= quotations[b].occurrences.len()
                && quotations[b]
                    .occurrences
                    .iter()
                    .all(|ob| quotations[a].occurrences.iter().any(|oa| same(oa, ob)))
        };
        let first = &quotations[b].occurrences[0];
        if by_place[&(first.chapter, first.unit)]
            .iter()
            .any(|&a| covered_by(a))
        {
            dropped[b] = true;
        }
    }
    let mut k = 0;
    quotations.retain(|_| {
        k += 1;
        !dropped[k - 1]
    });
}

/// A cluster most of whose places lie inside the places of a longer
/// quotation is that quotation, quoted in part where it stands alone (a
/// speaker who repeats the second half of what he quoted; a report that
/// breaks off mid-sentence): its other places join the longer one as
/// partial witnesses, instead of a second cluster for the same words. A
/// saying that stands alone more often than inside the passage stays a
/// cluster of its own.
fn absorb_parts(quotations: &mut Vec<Quotation>) {
    let inside = |o: &Occurrence, a: &Occurrence| {
        o.chapter == a.chapter && o.unit == a.unit && a.start <= o.start && o.end <= a.end
    };
    let mut by_place: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (q, quotation) in quotations.iter().enumerate() {
        for o in &quotation.occurrences {
            by_place.entry((o.chapter, o.unit)).or_default().push(q);
        }
    }
    // Shorter passages first, so that a part is absorbed before the
    // passage it belongs to is looked at as a part of something longer.
    let length = |q: &Quotation| q.occurrences[q.origin].end - q.occurrences[q.origin].start;
    let mut order: Vec<usize> = (0..quotations.len()).collect();
    order.sort_by_key(|&q| length(&quotations[q]));
    let mut absorbed = vec![false; quotations.len()];
    for &b in &order {
        if quotations[b].kind != Kind::Quotation {
            continue;
        }
        // How many of b's places each longer quotation holds.
        let mut holds: BTreeMap<usize, usize> = BTreeMap::new();
        for ob in &quotations[b].occurrences {
            let mut holders: Vec<usize> = by_place[&(ob.chapter, ob.unit)]
                .iter()
                .copied()
                .filter(|&a| {
                    a != b
                        && !absorbed[a]
                        && quotations[a].kind == Kind::Quotation
                        && length(&quotations[a]) > length(&quotations[b])
                        && quotations[a].occurrences.iter().any(|oa| inside(ob, oa))
                })
                .collect();
            holders.dedup();
            for a in holders {
                *holds.entry(a).or_default() += 1;
            }
        }
        let total = quotations[b].occurrences.len();
        let Some((a, held)) = holds
            .into_iter()
            .max_by_key(|&(a, n)| (n, std::cmp::Reverse(a)))
        else {
            continue;
        };
        if held < 2 || held * 2 <= total {
            continue;
        }
        let alone: Vec<Occurrence> = quotations[b]
            .occurrences
            .iter()
            .filter(|ob| {
                !quotations[a].occurrences.iter().any(|oa| {
                    oa.chapter == ob.chapter
                        && oa.unit == ob.unit
                        && oa.start < ob.end
                        && ob.start < oa.end
                })
            })
            .cloned()
            .collect();
        absorbed[b] = true;
        let evidence = quotations[b].evidence.clone();
        for o in &alone {
            by_place.entry((o.chapter, o.unit)).or_default().push(a);
        }
        let target = &mut quotations[a];
        target.add_places(alone);
        target.evidence.quoted |= evidence.quoted;
        target.evidence.reported |= evidence.reported;
    }
    let mut k = 0;
    quotations.retain(|_| {
        k += 1;
        !absorbed[k - 1]
    });
}

/// Occurrences of different clusters in one paragraph either nest or stand
/// apart. Where two cross, the one of the shorter passage gives way: it is
/// cut back to where the other begins or ends if most of it is left, and
/// dropped otherwise; a cluster left in fewer than two chapters goes.
/// Again until nothing crosses: a place that gives way to one that gives
/// way in its turn is cut back only once the other has been (5..20 and
/// 10..40 cross, 10..40 and 30..80 cross: 10..40 is cut to 10..30, which
/// 5..20 still crosses). The rounds end: in each, the earliest of the
/// longest places that cross gives way to none, every place that crosses
/// it is cut shorter or dropped, and places only ever shrink.
fn never_cross(quotations: &mut Vec<Quotation>) {
    while give_way(quotations) {}
}

/// One round of `never_cross`: whether any place gave way.
fn give_way(quotations: &mut Vec<Quotation>) -> bool {
    let mut places: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for (q, quotation) in quotations.iter().enumerate() {
        for (o, occ) in quotation.occurrences.iter().enumerate() {
            places
                .entry((occ.chapter, occ.unit))
                .or_default()
                .push((q, o));
        }
    }
    let mut dropped: HashSet<(usize, usize)> = HashSet::new();
    for list in places.values_mut() {
        // Sorted by start, an occurrence can only cross those that start
        // before it ends.
        list.sort_by_key(|&(q, o)| quotations[q].occurrences[o].start);
        for (x, &(qa, oa)) in list.iter().enumerate() {
            for &(qb, ob) in &list[x + 1..] {
                let a = &quotations[qa].occurrences[oa];
                let b = &quotations[qb].occurrences[ob];
                if b.start >= a.end {
                    break;
                }
                if qa == qb || dropped.contains(&(qa, oa)) || dropped.contains(&(qb, ob)) {
                    continue;
                }
                // b starts inside a: they cross when b ends past a.
                let cross = a.start < b.start && a.end < b.end;
                if !cross {
                    continue;
                }
                let weaker = if (a.end - a.start) < (b.end - b.start) {
                    (qa, oa)
                } else {
                    (qb, ob)
                };
                dropped.insert(weaker);
            }
        }
    }
    if dropped.is_empty() {
        return false;
    }
    let mut dropped: Vec<(usize, usize)> = dropped.into_iter().collect();
    dropped.sort_unstable();
    for &(q, o) in &dropped {
        // Cut back: keep the part outside the stronger occurrence when
        // it is most of the passage.
        let occ = &quotations[q].occurrences[o];
        let (chapter, unit) = (occ.chapter, occ.unit);
        let strongest = places[&(chapter, unit)]
            .iter()
            .filter(|&&(qs, os)| qs != q && dropped.binary_search(&(qs, os)).is_err())
            .map(|&(qs, os)| &quotations[qs].occurrences[os])
            .find(|s| {
                (s.start < occ.start && occ.start < s.end && s.end < occ.end)
                    || (occ.start < s.start && s.start < occ.end && occ.end < s.end)
            })
            .map(|s| (s.start, s.end));
        let Some((s0, s1)) = strongest else { continue };
        let (mut start, mut end) = (occ.start, occ.end);
        if s0 > start {
            end = s0;
        } else {
            start = s1;
        }
        let text: String = occ
            .text
            .chars()
            .skip(start - occ.start)
            .take(end - start)
            .collect();
        let kept = text
            .chars()
            .filter(|c| crate::markdown::is_letter_or_digit(*c))
            .count();
        let whole = occ
            .text
            .chars()
            .filter(|c| crate::markdown::is_letter_or_digit(*c))
            .count();
        if kept * 3 >= whole * 2 {
            let occ = &mut quotations[q].occurrences[o];
            let trimmed = text.trim_matches(|c: char| !crate::markdown::is_letter_or_digit(c));
            let lead = text
                .chars()
                .take_while(|c| !crate::markdown::is_letter_or_digit(*c))
                .count();
            occ.start = start + lead;
            occ.end = occ.start + trimmed.chars().count();
            occ.text = trimmed.to_owned();
        } else {
            quotations[q].occurrences[o].end = quotations[q].occurrences[o].start;
        }
    }
    for q in quotations.iter_mut() {
        let kept = |o: &Occurrence| o.start < o.end;
        // The origin's place among the occurrences kept, or the first.
        q.origin = if kept(&q.occurrences[q.origin]) {
            q.occurrences[..q.origin].iter().filter(|o| kept(o)).count()
        } else {
            0
        };
        q.occurrences.retain(kept);
    }
    quotations.retain(|q| {
        let mut chapters: Vec<usize> = q.occurrences.iter().map(|o| o.chapter).collect();
        chapters.dedup();
        chapters.len() >= 2
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_found_by_its_chapter_and_its_place_in_it() {
        let options = QuotationOptions::for_language("zh");
        let units: Vec<Unit> = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (3, 0)]
            .into_iter()
            .map(|(c, u)| Unit::new(c, u, "", &options))
            .collect();
        for (index, unit) in units.iter().enumerate() {
            assert_eq!(unit_index(&units, unit.chapter, unit.unit), index);
        }
    }

    /// Doubt is the chance's order of magnitude on a scale from one in
    /// 10^12 (0) to one (1), halved by marks or a reporting verb, raised
    /// half way to 1 when no place is a whole clause; an editor's decision
    /// leaves none.
    #[test]
    fn doubt_grows_with_the_chance_and_falls_with_the_evidence() {
        let doubt = |chance: f64, quoted: bool, reported: bool, bounded: bool| {
            let evidence = Evidence {
                quoted,
                reported,
                bounded,
                chance,
                ..Evidence::default()
            };
            evidence.doubt()
        };
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(doubt(1e-12, false, false, true), 0.0));
        assert!(close(doubt(1e-6, false, false, true), 0.5));
        assert!(close(doubt(1e-3, false, false, true), 0.75));
        assert!(close(doubt(1e-6, true, false, true), 0.25));
        assert!(close(doubt(1e-6, false, true, true), 0.25));
        assert!(close(doubt(1e-6, false, false, false), 0.75));
        assert!(close(doubt(1e-6, true, false, false), 0.625));
        // Clamped: no chance at all, or more than one.
        assert!(close(doubt(0.0, false, false, true), 0.0));
        assert!(close(doubt(10.0, false, false, false), 1.0));
        let decided = Evidence {
            chance: 1.0,
            decided: true,
            ..Evidence::default()
        };
        assert_eq!(decided.doubt(), 0.0);
    }

    #[test]
    fn bare_words_need_a_hundredth_of_the_bar_or_a_tenth_when_whole_everywhere() {
        let bar = 1e-6;
        let whole = || true;
        let cut = || false;
        // Far below the bar: kept, whole or cut out of a clause.
        assert!(bare_words_rare_enough(0.005 * bar, bar, cut));
        assert!(bare_words_rare_enough(0.01 * bar, bar, cut));
        // Between a hundredth and a tenth: only words whole everywhere.
        assert!(bare_words_rare_enough(0.05 * bar, bar, whole));
        assert!(!bare_words_rare_enough(0.05 * bar, bar, cut));
        assert!(bare_words_rare_enough(0.1 * bar, bar, whole));
        // Above a tenth: dropped either way.
        assert!(!bare_words_rare_enough(0.2 * bar, bar, whole));
        assert!(!bare_words_rare_enough(0.2 * bar, bar, cut));
    }

    fn span(unit: usize, start: usize, end: usize) -> align::Span {
        align::Span { unit, start, end }
    }

    /// Numbers drawn from `seed` (a linear congruential generator): the
    /// same on every run, each below the bound asked.
    pub(super) fn draws(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |below| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % below
        }
    }

    /// A cluster of `kind` at `places` (chapter, unit, start, end), its
    /// origin the first, each place's text naming where it stands.
    pub(super) fn cluster_at(
        kind: Kind,
        places: &[(usize, usize, usize, usize)],
        quoted: bool,
    ) -> Quotation {
        Quotation {
            kind,
            occurrences: places
                .iter()
                .map(|&(chapter, unit, start, end)| Occurrence {
                    chapter,
                    unit,
                    start,
                    end,
                    text: format!("{chapter}/{unit}/{start}"),
                    quoted,
                })
                .collect(),
            origin: 0,
            evidence: Evidence {
                quoted,
                ..Evidence::default()
            },
        }
    }

    /// Bare words are vouched for where, in each of their later pieces, a
    /// quotation whose origin is in their origin's piece stands in the same
    /// paragraph or the next one to either side, as it does beside their
    /// origin's place. Not where the quotation stands two paragraphs off in
    /// either piece, where it quotes the later piece rather than the
    /// earlier, where it is a formula, where a piece of the words quotes
    /// nothing of the origin's; nor when the words are a list.
    #[test]
    fn bare_words_retold_beside_a_quotation_of_their_piece_are_vouched_for() {
        let q = Kind::Quotation;
        // A quotation of piece 0's paragraph 4 in piece 2's paragraph 7.
        let quoting = cluster_at(q, &[(0, 4, 0, 20), (2, 7, 0, 20)], true);
        let words = |places: &[(usize, usize, usize, usize)]| cluster_at(q, places, false);
        let vouched = |words: Quotation, by: &[Quotation]| {
            let (kept, refused) = vouched_for(by, std::iter::once(words));
            assert_eq!(kept.len() + refused.len(), 1);
            assert!(kept.iter().all(|k| k.evidence.beside_quotation));
            assert!(refused.iter().all(|r| !r.evidence.beside_quotation));
            kept.len() == 1
        };
        let by = std::slice::from_ref(&quoting);
        assert!(vouched(words(&[(0, 4, 30, 45), (2, 8, 0, 15)]), by));
        assert!(vouched(words(&[(0, 5, 0, 15), (2, 6, 3, 18)]), by));
        assert!(vouched(words(&[(0, 3, 0, 15), (2, 7, 30, 45)]), by));
        // Two paragraphs off, in the later piece or in the origin's.
        assert!(!vouched(words(&[(0, 4, 30, 45), (2, 9, 0, 15)]), by));
        assert!(!vouched(words(&[(0, 2, 0, 15), (2, 7, 30, 45)]), by));
        // The quotation's origin in the later piece: it vouches for
        // nothing the earlier piece says.
        let reversed = Quotation {
            origin: 1,
            ..quoting.clone()
        };
        assert!(!vouched(
            words(&[(0, 4, 30, 45), (2, 7, 30, 45)]),
            &[reversed]
        ));
        let formula = Quotation {
            kind: Kind::Formula,
            ..quoting.clone()
        };
        assert!(!vouched(
            words(&[(0, 4, 30, 45), (2, 7, 30, 45)]),
            &[formula]
        ));
        // A third piece that quotes nothing of piece 0.
        assert!(!vouched(
            words(&[(0, 4, 30, 45), (2, 7, 30, 45), (3, 7, 30, 45)]),
            by
        ));
        // The same words, a list: left to the formulas.
        let mut list = words(&[(0, 4, 30, 35), (2, 7, 30, 35)]);
        for o in &mut list.occurrences {
            o.text = "清、慎、勤".to_owned();
        }
        assert!(!vouched(list, by));
    }

    /// 他指出 (3 tokens), a quotation of 14 in quotation marks, then a
    /// clause of 7 after it.
    const REPORTED: &str = "他指出：“一二三四五六七八九十百千万亿”，我们要好好学习。";

    #[test]
    fn a_unit_knows_its_clauses_its_quotation_marks_and_the_walls_of_a_long_quotation() {
        let options = QuotationOptions::for_language("zh");
        let unit = Unit::new(0, 0, REPORTED, &options);
        assert_eq!(unit.keys.len(), 24);
        assert_eq!(&*unit.quoted, [(3, 17)]);
        assert_eq!(&*unit.walls, [3, 17]);
        assert_eq!(&*unit.clauses, [3, 17]);
        assert_eq!(unit.between_walls(0), (0, 3));
        assert_eq!(unit.between_walls(3), (3, 17));
        assert_eq!(unit.between_walls(16), (3, 17));
        assert_eq!(unit.between_walls(20), (17, 24));
        assert!(unit.walls_inside(2, 4));
        assert!(
            !unit.walls_inside(3, 17),
            "walls at the edges are not inside"
        );
        assert!(!unit.walls_inside(18, 24));
        // A short quotation is marked, but walls no alignment.
        let short = Unit::new(0, 1, "他说：“一二三四五六”，好。", &options);
        assert_eq!(&*short.quoted, [(2, 8)]);
        assert!(short.walls.is_empty());
        assert_eq!(short.between_walls(5), (0, 9));
        // Twelve tokens, the shortest passage: walls.
        let twelve = Unit::new(0, 2, "他说：“一二三四五六七八九十百千”，好。", &options);
        assert_eq!(&*twelve.walls, [2, 14]);
    }

    #[test]
    fn a_span_is_cut_at_clauses_and_each_piece_known_whole_or_not() {
        let options = QuotationOptions::for_language("zh");
        let unit = Unit::new(0, 0, REPORTED, &options);
        let pieces = |s| -> Vec<(usize, bool)> {
            clause_pieces(&unit, s)
                .iter()
                .map(|&(keys, whole)| (keys.len(), whole))
                .collect()
        };
        assert_eq!(pieces(span(0, 0, 24)), [(3, true), (14, true), (7, true)]);
        assert_eq!(pieces(span(0, 1, 10)), [(2, false), (7, false)]);
        assert_eq!(pieces(span(0, 3, 17)), [(14, true)]);
        // Mostly inside the marks, or not.
        assert!(in_marks(&unit, span(0, 3, 17)));
        assert!(in_marks(&unit, span(0, 0, 6)), "three of six inside");
        assert!(!in_marks(&unit, span(0, 0, 5)), "two of five inside");
        assert!(in_marks(&unit, span(0, 14, 20)));
    }

    #[test]
    fn a_clusters_spans_make_stretches_where_they_overlap_and_places_where_they_stand_close() {
        let spans = [
            span(1, 10, 20),
            span(0, 0, 5),
            span(1, 15, 30),
            span(1, 40, 50),
            span(0, 5, 8),
            span(1, 200, 210),
        ];
        let stretches = stretches_of(&spans, &[0, 1, 2, 3, 4, 5]);
        assert_eq!(
            stretches,
            [
                span(0, 0, 8),
                span(1, 10, 30),
                span(1, 40, 50),
                span(1, 200, 210)
            ]
        );
        // 40 is within twice the longer's length of 30: one witness with
        // different words between; 200 is not.
        assert_eq!(
            places_of(&stretches),
            [span(0, 0, 8), span(1, 10, 50), span(1, 200, 210)]
        );
        // Close by the longer's measure: a short stretch after a long one.
        assert_eq!(
            places_of(&[span(2, 0, 20), span(2, 50, 52)]),
            [span(2, 0, 52)]
        );
        // And by the longer's measure when the long one comes second.
        assert_eq!(
            places_of(&[span(2, 0, 2), span(2, 20, 30)]),
            [span(2, 0, 30)]
        );
        assert_eq!(
            places_of(&[span(2, 0, 2), span(2, 50, 60)]),
            [span(2, 0, 2), span(2, 50, 60)]
        );
        assert_eq!(
            stretches_of(&spans, &[3, 0]),
            [span(1, 10, 20), span(1, 40, 50)]
        );
        // The longest span: the last of the longest.
        assert_eq!(longest_span(&spans, &[1, 0, 3]), Some(span(1, 40, 50)));
        assert_eq!(longest_span(&spans, &[2]), Some(span(1, 15, 30)));
        assert_eq!(longest_span(&spans, &[]), None);
    }

    #[test]
    fn a_chain_in_more_chapters_than_a_saying_may_be_is_split_where_its_passages_only_overlap() {
        let options = QuotationOptions::for_language("zh");
        // Units 0 and 1 in chapter 0; 2, 3, 4 in chapters 1, 2, 3.
        let units: Vec<Unit> = [0, 0, 1, 2, 3]
            .iter()
            .map(|&c| Unit::new(c, 0, "", &options))
            .collect();
        let spans = [
            span(0, 0, 40),
            span(2, 0, 40),
            span(0, 10, 50),
            span(3, 0, 40),
            span(1, 0, 20),
            span(4, 0, 20),
        ];
        let links = [(0, 1), (2, 3), (4, 5)];
        assert_eq!(chapter_count(&units, &spans, &[0, 1, 2, 3]), 3);
        assert_eq!(chapter_count(&units, &spans, &[0, 4]), 1);
        // 0..40 and 10..50 overlap by three quarters: clustered as one,
        // in three chapters; a saying may stand in two here.
        let chained = vec![vec![0, 1, 2, 3], vec![4, 5]];
        assert_eq!(
            split_chains(chained.clone(), &units, &spans, &links, 6, 2),
            [vec![4, 5], vec![0, 1], vec![2, 3]]
        );
        // In three, nothing is split.
        assert_eq!(
            split_chains(chained.clone(), &units, &spans, &links, 6, 3),
            chained
        );
    }

    #[test]
    fn quotations_are_sorted_by_where_they_first_stand_then_by_kind() {
        let at = |chapter, unit, start, kind| Quotation {
            kind,
            occurrences: vec![Occurrence {
                chapter,
                unit,
                start,
                end: start + 10,
                text: String::new(),
                quoted: false,
            }],
            origin: 0,
            evidence: Evidence::default(),
        };
        let mut quotations = vec![
            at(1, 0, 0, Kind::Quotation),
            at(0, 2, 0, Kind::Quotation),
            at(0, 1, 5, Kind::Formula),
            at(0, 1, 5, Kind::Quotation),
            at(0, 1, 2, Kind::Formula),
        ];
        sort_in_reading_order(&mut quotations);
        let order: Vec<(usize, usize, usize, Kind)> = quotations
            .iter()
            .map(|q| {
                let o = &q.occurrences[0];
                (o.chapter, o.unit, o.start, q.kind)
            })
            .collect();
        assert_eq!(
            order,
            [
                (0, 1, 2, Kind::Formula),
                (0, 1, 5, Kind::Quotation),
                (0, 1, 5, Kind::Formula),
                (0, 2, 0, Kind::Quotation),
                (1, 0, 0, Kind::Quotation)
            ]
        );
    }

    /// A cluster whose every place is nearly (four fifths) a place of a
    /// cluster as large or larger, of its kind, is the same passage found
    /// twice: it goes. Not so when a place stands elsewhere (another unit,
    /// another chapter, far off), when the overlap falls short, or when
    /// the clusters are of different kinds.
    #[test]
    fn a_cluster_that_repeats_a_larger_ones_places_goes() {
        let cluster =
            |kind, places: &[(usize, usize, usize, usize)]| cluster_at(kind, places, false);
        let kept = |quotations: Vec<Quotation>| {
            let mut quotations = quotations;
            drop_repeats(&mut quotations);
            quotations.len()
        };
        let large = || {
            cluster(
                Kind::Quotation,
                &[(0, 1, 10, 30), (2, 0, 0, 20), (3, 4, 5, 25)],
            )
        };
        let q = Kind::Quotation;
        for (first, second, expected) in [
            // The same passage found twice: at 16 of 20 characters, and
            // with fewer places.
            (cluster(q, &[(0, 1, 14, 30), (2, 0, 0, 20)]), large(), 1),
            (large(), cluster(q, &[(0, 1, 10, 26)]), 1),
            // 15 of 20: not nearly the same.
            (cluster(q, &[(0, 1, 15, 30), (2, 0, 0, 20)]), large(), 2),
            // Another unit, another chapter, another kind.
            (cluster(q, &[(0, 2, 10, 30), (2, 0, 0, 20)]), large(), 2),
            (cluster(q, &[(0, 1, 10, 30), (1, 0, 0, 20)]), large(), 2),
            (
                cluster(Kind::Formula, &[(0, 1, 10, 30), (2, 0, 0, 20)]),
                large(),
                2,
            ),
        ] {
            let case = format!("{:?}", first.occurrences);
            assert_eq!(kept(vec![first, second]), expected, "{case}");
        }
    }

    /// A shorter cluster most of whose places lie inside a longer one's
    /// (the second half of a passage, repeated on its own by a speaker)
    /// joins it: its places outside it become the longer one's partial
    /// witnesses, and its quotation marks and reporting verbs its
    /// evidence. One whose places stand mostly alone, or inside the longer
    /// one once only, stays a cluster; a formula neither joins nor holds.
    #[test]
    fn a_part_that_stands_mostly_inside_a_longer_passage_joins_it() {
        let cluster = cluster_at;
        let q = Kind::Quotation;
        // Passage A in chapters 0, 1 and 2, at 10..40.
        let passage = || cluster(q, &[(0, 3, 10, 40), (1, 0, 10, 40), (2, 5, 10, 40)], false);
        let absorbed = |part: Quotation, with: Vec<Quotation>| {
            let mut all = vec![passage(), part];
            all.extend(with);
            absorb_parts(&mut all);
            all
        };
        // Its second half, inside A in chapters 0 and 1, alone in 4.
        let half = cluster(q, &[(0, 3, 25, 40), (1, 0, 25, 40), (4, 2, 0, 15)], true);
        let after = absorbed(half, Vec::new());
        assert_eq!(after.len(), 1, "{after:#?}");
        let places: Vec<&str> = after[0]
            .occurrences
            .iter()
            .map(|o| o.text.as_str())
            .collect();
        assert_eq!(places, ["0/3/10", "1/0/10", "2/5/10", "4/2/0"]);
        assert_eq!(after[0].text(), "0/3/10", "the origin stays");
        assert!(after[0].evidence.quoted);
        // Its places beside A's in A's paragraph, just after or just
        // before, are partial witnesses too; and a reporting verb is
        // evidence for A.
        for (beside, place) in [((2, 5, 40, 55), "2/5/40"), ((2, 5, 0, 10), "2/5/0")] {
            let mut half = cluster(q, &[(0, 3, 25, 40), (1, 0, 25, 40), beside], false);
            half.evidence.reported = true;
            let after = absorbed(half, Vec::new());
            assert_eq!(after.len(), 1, "{after:#?}");
            assert!(
                after[0].occurrences.iter().any(|o| o.text == place),
                "{after:#?}"
            );
            assert_eq!(after[0].occurrences.len(), 4);
            assert!(after[0].evidence.reported && !after[0].evidence.quoted);
        }
        // Inside A in three of four places: most.
        let most = cluster(
            q,
            &[
                (0, 3, 25, 40),
                (1, 0, 25, 40),
                (2, 5, 25, 40),
                (4, 2, 0, 15),
            ],
            false,
        );
        assert_eq!(absorbed(most, Vec::new()).len(), 1);
        let most = cluster(
            q,
            &[
                (0, 3, 25, 40),
                (1, 0, 25, 40),
                (2, 5, 25, 40),
                (4, 2, 0, 15),
                (5, 0, 0, 15),
            ],
            false,
        );
        assert_eq!(absorbed(most, Vec::new()).len(), 1);
        // Inside A in two of four places: half is not most.
        let alone = cluster(
            q,
            &[(0, 3, 25, 40), (1, 0, 25, 40), (4, 2, 0, 15), (5, 0, 0, 15)],
            false,
        );
        assert_eq!(absorbed(alone, Vec::new()).len(), 2);
        // Inside A once, in a paragraph of its own once more: one place
        // held is no part.
        let once = cluster(q, &[(0, 3, 25, 40), (6, 1, 0, 15)], false);
        assert_eq!(absorbed(once, Vec::new()).len(), 2);
        // Beside A in its unit, or in the same places of another unit: not
        // inside.
        let beside = cluster(q, &[(0, 3, 35, 50), (1, 0, 25, 40), (4, 2, 0, 15)], false);
        assert_eq!(absorbed(beside, Vec::new()).len(), 2);
        let elsewhere = cluster(q, &[(0, 4, 25, 40), (1, 1, 25, 40), (4, 2, 0, 15)], false);
        assert_eq!(absorbed(elsewhere, Vec::new()).len(), 2);
        // A formula inside A stays a formula.
        let formula = cluster(Kind::Formula, &[(0, 3, 25, 30), (1, 0, 25, 30)], false);
        assert_eq!(absorbed(formula, Vec::new()).len(), 2);
        // A cluster as long as the part is no holder (equal lengths are
        // one passage cut twice, for `drop_repeats`).
        let part = cluster(q, &[(0, 3, 25, 40), (1, 0, 25, 40)], false);
        let same_length = cluster(q, &[(0, 3, 25, 40), (1, 0, 25, 40), (7, 0, 0, 15)], false);
        let mut two = vec![part, same_length];
        absorb_parts(&mut two);
        assert_eq!(two.len(), 2, "{two:#?}");
    }

    /// The place a crossing place is cut back against is one it truly
    /// crosses, whatever other places of the paragraph come first: not one
    /// that only touches it, nests in it or holds it (sharing an edge or
    /// not), nor one that gives way itself. Each layout is one paragraph
    /// (chapter 0, unit 0), each cluster also in a chapter of its own.
    #[test]
    fn a_place_is_cut_back_only_against_a_place_it_crosses() {
        // Each place's text: as many letters as it is long.
        let placed = |spans: &[(usize, usize)]| -> Vec<Quotation> {
            (spans.iter().enumerate())
                .map(|(q, &(start, end))| {
                    let mut cluster = cluster_at(
                        Kind::Quotation,
                        &[(0, 0, start, end), (q + 1, 0, 0, 4)],
                        false,
                    );
                    cluster.occurrences[0].text = "字".repeat(end - start);
                    cluster.occurrences[1].text = "字字字字".to_owned();
                    cluster
                })
                .collect()
        };
        // What stands in the paragraph afterwards, by cluster (the
        // cluster's own chapter tells which), checked never to cross.
        let after = |spans: &[(usize, usize)]| -> Vec<(usize, usize, usize)> {
            let mut quotations = placed(spans);
            never_cross(&mut quotations);
            let mut left: Vec<(usize, usize, usize)> = quotations
                .iter()
                .filter_map(|q| {
                    let here = q.occurrences.iter().find(|o| o.chapter == 0)?;
                    let own = q.occurrences.iter().find(|o| o.chapter != 0)?;
                    Some((own.chapter - 1, here.start, here.end))
                })
                .collect();
            left.sort_unstable();
            for a in &left {
                for b in &left {
                    assert!(
                        !(a.1 < b.1 && b.1 < a.2 && a.2 < b.2),
                        "{a:?} crosses {b:?} in {left:?}"
                    );
                }
            }
            left
        };
        // 0 crosses 2 and gives way; 1 shares 0's start and nests in it:
        // 0 keeps 5..10 of 5..20, too little, and goes.
        assert_eq!(
            after(&[(5, 20), (5, 8), (10, 40)]),
            [(1, 5, 8), (2, 10, 40)]
        );
        // 1 only touches 0's start.
        assert_eq!(
            after(&[(5, 20), (0, 5), (10, 40)]),
            [(1, 0, 5), (2, 10, 40)]
        );
        // 1 holds 0 and 2, sharing 0's end: 0 is cut back against 2 to
        // 50..70 of 45..70.
        assert_eq!(
            after(&[(45, 70), (5, 70), (10, 50)]),
            [(0, 50, 70), (1, 5, 70), (2, 10, 50)]
        );
        // 1 holds 0 and 2, sharing 0's start: 0 keeps 5..40 of 5..50.
        assert_eq!(
            after(&[(5, 50), (5, 110), (40, 100)]),
            [(0, 5, 40), (1, 5, 110), (2, 40, 100)]
        );
        // 1 nests in 0 before 2 begins: 0 keeps 5..40 of 5..50.
        assert_eq!(
            after(&[(5, 50), (6, 8), (40, 100)]),
            [(0, 5, 40), (1, 6, 8), (2, 40, 100)]
        );
        // 1 crosses 0 and gives way to it; 0 crosses 2 and gives way: 0
        // is cut back against 2, not against 1, which gave way.
        assert_eq!(
            after(&[(5, 20), (2, 8), (10, 40)]),
            [(1, 2, 8), (2, 10, 40)]
        );
        // 1 shares 0's start and nests in it; 0 is cut back against 2
        // alone, keeping its start: 5..40 of 5..50.
        assert_eq!(
            after(&[(5, 50), (5, 8), (40, 100)]),
            [(0, 5, 40), (1, 5, 8), (2, 40, 100)]
        );
        // 1 crosses 0 and gives way to it; 0 gives way to 2: 0 is cut back
        // against 2 (5..40), then 1 against 0 (2..5 of 2..8, too little).
        assert_eq!(
            after(&[(5, 50), (2, 8), (40, 100)]),
            [(0, 5, 40), (2, 40, 100)]
        );
        // A chain: 0 gives way to 1, 1 to 2. 1 is cut back to 10..30
        // against 2, and 0 then against 1, to too little.
        assert_eq!(
            after(&[(5, 20), (10, 40), (30, 80)]),
            [(1, 10, 30), (2, 30, 80)]
        );
        // The same, 0 long enough to keep 5..10 of 5..12 once 1 is cut
        // back to 10..30.
        assert_eq!(
            after(&[(5, 12), (10, 40), (30, 80)]),
            [(0, 5, 10), (1, 10, 30), (2, 30, 80)]
        );
    }

    /// Places of two clusters that cross in a paragraph (each holds part
    /// of the other) could not nest in the HTML: the shorter passage's
    /// place gives way, cut back to where the longer's begins or ends when
    /// two thirds of its letters are left (its punctuation at the cut
    /// trimmed), dropped otherwise, and the cluster with it when it is
    /// left in one piece; the origin moves to the first place kept. Places
    /// that nest or only touch stay as they are.
    #[test]
    fn of_two_places_that_cross_the_shorter_passage_gives_way() {
        let place = |chapter, start: usize, text: &str| Occurrence {
            chapter,
            unit: 0,
            start,
            end: start + text.chars().count(),
            text: text.to_owned(),
            quoted: false,
        };
        let cluster = |occurrences: Vec<Occurrence>| Quotation {
            kind: Kind::Quotation,
            occurrences,
            origin: 0,
            evidence: Evidence::default(),
        };
        let long = "abcdefghijklmnopqrstuvwxyzABCD";
        let passage = || cluster(vec![place(0, 0, long), place(2, 0, long)]);
        // 20 characters from 25: five inside the passage, then a comma.
        let reaching = "vwxyz，ABCDEFGHIJKLMN";
        let mut all = vec![
            passage(),
            cluster(vec![place(0, 25, reaching), place(1, 0, reaching)]),
            // Inside the passage: it stays.
            cluster(vec![place(0, 5, "fghijklmno"), place(3, 0, "fghijklmno")]),
            // Just after the passage, inside the place that reaches past
            // it: once that place is cut back to 31..45, this one (30..40)
            // crosses it and gives way in its turn, to nothing but its
            // comma, and its cluster goes.
            cluster(vec![place(0, 30, "，ABCDEFGHI"), place(4, 0, "ABCDEFGHI")]),
            // Just after the place that reaches past the passage, touching
            // it only: it stays.
            cluster(vec![place(0, 45, "OPQRSTUVWX"), place(5, 0, "OPQRSTUVWX")]),
        ];
        let before = all.clone();
        never_cross(&mut all);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0], before[0]);
        assert_eq!(all[1].occurrences[0], place(0, 31, "ABCDEFGHIJKLMN"));
        assert_eq!(all[1].occurrences[1], before[1].occurrences[1]);
        assert_eq!(all[2], before[2]);
        assert_eq!(all[3], before[4]);
        // As long as the passage and mostly inside it: dropped, and its
        // cluster with it, left in one piece.
        let mut all = vec![
            passage(),
            cluster(vec![place(0, 10, long), place(1, 0, long)]),
        ];
        never_cross(&mut all);
        assert_eq!(all, [passage()]);
        // The passage shorter, its origin the place that goes: it keeps
        // its other places, the first of them its origin.
        let short = "abcdefghijklmnopqrst";
        let mut all = vec![
            cluster(vec![
                place(0, 5, short),
                place(2, 0, short),
                place(3, 0, short),
            ]),
            cluster(vec![place(0, 15, long), place(1, 0, long)]),
        ];
        never_cross(&mut all);
        assert_eq!(all[0].occurrences, [place(2, 0, short), place(3, 0, short)]);
        assert_eq!(all[0].origin, 0);
        assert_eq!(all[1].occurrences.len(), 2);
    }

    /// A passage somebody wrote may share a stock stretch with the genre's
    /// frames (既要推进体制机制创新，又要……): places that hold only that
    /// stretch met the passage by chance, unless quotation marks say
    /// otherwise; places that hold most of it are witnesses, variants and
    /// all.
    #[test]
    fn places_that_share_only_a_stock_stretch_are_no_witnesses() {
        let options = QuotationOptions::for_language("zh");
        let frame = "既要推进体制机制创新，又要";
        let passage =
            "既要推进体制机制创新，又要如履薄冰，进一步强化业务建设；上级的指示就像机器的齿轮。";
        let variant =
            "既要推进体制机制创新，又要如履薄冰，进一步加强业务建设；上级的指示就像机器的齿轮。";
        let fillings = [
            "提高工作效率",
            "服从工作大局",
            "强化责任担当",
            "提升服务水平",
        ];
        // A place that holds two thirds of the passage (25 tokens of 37).
        let partial =
            "既要推进体制机制创新，又要如履薄冰，进一步强化业务建设；基层的声音更要认真倾听。";
        // Long words before the frame in its first place.
        let before = "在全省档案工作会议上他强调，";
        let mut texts: Vec<String> = vec![passage.to_owned(), variant.to_owned()];
        // The frame with fillings of its own, and once in quotation marks.
        texts.extend(fillings.iter().map(|f| format!("{frame}{f}。")));
        texts[2].insert_str(0, before);
        texts.push(format!("我们常讲“{frame}”"));
        texts.push(partial.to_owned());
        // The frame and the passage's next six words (a `seed`), then five.
        texts.push(format!("{frame}如履薄冰，进一招商引资。"));
        texts.push(format!("{frame}如履薄冰，进退有据。"));
        // The rest of the edition: the frame with every filling.
        for f in fillings.iter().cycle().take(60) {
            texts.push(format!("会议强调，{frame}{f}。"));
        }
        let units: Vec<Unit> = texts
            .iter()
            .enumerate()
            .map(|(c, t)| Unit::new(c, 0, t, &options))
            .collect();
        let frame_len = frame.chars().filter(|c| c.is_alphanumeric()).count();
        let before_len = before.chars().filter(|c| c.is_alphanumeric()).count();
        // The two witnesses whole; the frame in the next five places
        // (after the long words in the first, after 我们常讲 in the
        // last); two thirds of the passage in the partial place; the frame
        // and six words, and five, in the last two.
        let spans: Vec<align::Span> = (0..10)
            .map(|u| {
                let start = match u {
                    2 => before_len,
                    6 => 4,
                    _ => 0,
                };
                align::Span {
                    unit: u,
                    start,
                    end: match u {
                        0 | 1 => units[u].keys.len(),
                        7 => 25,
                        8 => frame_len + 6,
                        9 => frame_len + 5,
                        _ => start + frame_len,
                    },
                }
            })
            .collect();
        let members: Vec<usize> = (0..spans.len()).collect();
        let stretches = stretches_of(&spans, &members);
        let texts_keys: Vec<background::Text> = units.iter().map(Unit::background_text).collect();
        let background = Background::new(
            &texts_keys,
            options.order,
            stretches
                .iter()
                .map(|s| &units[s.unit].keys[s.start..s.end]),
            std::iter::empty(),
        );
        let kept_with = |bar: f64| {
            witnesses_not_by_chance(
                &units,
                &spans,
                &members,
                &stretches,
                &background,
                (bar, options.seed),
            )
        };
        assert_eq!(units[0].keys.len(), 37);
        assert_eq!(kept_with(background.threshold()), [0, 1, 6, 7, 8]);
        // Places that hold two thirds of the passage or more, and words in
        // quotation marks, need no bar (here one that no chance, even
        // none, meets).
        assert_eq!(kept_with(-1.0), [0, 1, 6, 7]);
        // Whatever the bar, a place must have a seed of words that stand
        // nowhere but in the passage's places: not the frames, nor the
        // frame and five words.
        assert_eq!(kept_with(f64::INFINITY), [0, 1, 6, 7, 8]);
    }
}
