//! The editor's decisions about recurring quotations
//! (`content/quotations.yaml`), applied after detection and before
//! rendering: reject a cluster, accept a passage the detector missed, merge
//! or split clusters, set a cluster's origin. Each decision finds its place
//! by quoting words, as stand-off notes do (`notes::find_words`, and
//! `notes::nearest` when they are gone); words that no longer stand, stand
//! in no cluster, or stand in several without saying which, are errors at
//! the decision's line.
//!
//! Decisions apply in a fixed order whatever their order in the file —
//! every `accept`, then `merge`, `split`, `reject`, `origin`, each kind in
//! the file's order — and each finds its words in the clusters as the
//! decisions before it left them. A cluster a decision touched has
//! `evidence.decided` set.
//!
//! Also here: `review_of`, the clusters after decisions with their evidence,
//! most doubtful first, for `zhushu quotations review` (`crate::review`
//! loads the edition and names the clusters as the site does).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Error, Result, did_you_mean};
use crate::enrich::notes::{find_words, nearest};
use crate::enrich::quotations::near_misses::{self, NearMiss, Refusal};
use crate::enrich::quotations::{Evidence, Kind, Occurrence, Quotation};
use crate::files::read_text;
use crate::markdown::{is_cjk, is_letter_or_digit};
use crate::model::{Edition, TextUnit};
use crate::yaml;

/// Where the decisions are, relative to the edition's root.
pub const FILE: &str = "content/quotations.yaml";

/// The keys that name what a decision does, in the order they apply.
const ACTIONS: [&str; 5] = ["accept", "merge", "split", "reject", "origin"];

/// content/quotations.yaml as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DecisionsFile {
    #[serde(default)]
    decisions: Vec<Entry>,
}

/// One entry as written; `load` turns it into a `Decision` or an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    reject: Option<String>,
    accept: Option<String>,
    merge: Option<Vec<String>>,
    split: Option<String>,
    origin: Option<String>,
    kind: Option<KindName>,
    chapters: Option<Vec<String>>,
    chapter: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum KindName {
    Quotation,
    Formula,
}

/// What a decision does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The cluster standing at these words is dropped.
    Reject(String),
    /// Every place where these words stand (punctuation and spacing
    /// ignored, case folded), in the chapters named or in all, becomes one
    /// cluster of this kind.
    Accept {
        words: String,
        kind: Kind,
        chapters: Vec<String>,
    },
    /// The clusters standing at these words become one (the first one's
    /// origin and kind).
    Merge(Vec<String>),
    /// The occurrences standing at these words leave their cluster and
    /// form one of their own.
    Split(String),
    /// The cluster at these words takes as origin its occurrence in the
    /// decision's `chapter`.
    Origin(String),
}

impl Action {
    /// The key it is written with.
    pub fn key(&self) -> &'static str {
        match self {
            Action::Reject(_) => "reject",
            Action::Accept { .. } => "accept",
            Action::Merge(_) => "merge",
            Action::Split(_) => "split",
            Action::Origin(_) => "origin",
        }
    }

    /// Its place in the order decisions apply in.
    fn phase(&self) -> usize {
        ACTIONS
            .iter()
            .position(|k| *k == self.key())
            .unwrap_or(ACTIONS.len())
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub action: Action,
    /// The chapter (slug) where the quoted words are to be found.
    pub chapter: Option<String>,
    /// Words just before and just after the quoted ones, to tell places
    /// apart as a note's `prefix` and `suffix` do.
    pub prefix: String,
    pub suffix: String,
    /// The editor's comment.
    pub note: Option<String>,
    /// Where the decision's key stands in the file (1-based).
    pub line: usize,
    pub column: usize,
    /// Where its `chapter` (or `accept`'s `chapters`) stands, if given.
    pub chapter_at: (usize, usize),
}

/// content/quotations.yaml, read and checked entry by entry.
#[derive(Debug, Clone)]
pub struct Decisions {
    /// Relative to the edition's root.
    pub file: PathBuf,
    /// The file's text, quoted in errors.
    source: String,
    pub decisions: Vec<Decision>,
    /// Entries that do not say one sound thing (no action or two, empty
    /// words, a key that does not go with the action), each at its line.
    pub problems: Vec<Error>,
}

impl Decisions {
    fn error(&self, line: usize, column: usize, message: String) -> Error {
        Error::at(message, &self.file, &self.source, line, column)
    }
}

/// Reads `content/quotations.yaml`, if the edition has one. Invalid YAML or
/// an unknown key is an error; an entry that does not make sense is kept
/// in `problems` (reported with the decisions that fail to apply).
pub fn load(root: &Path) -> Result<Option<Decisions>> {
    let path = root.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let file = PathBuf::from(FILE);
    let source = read_text(&path)?;
    let parsed: DecisionsFile = yaml::parse_file(&source, &file)?;
    let items = yaml::list_item_lines(&source);
    let mut decisions = Decisions {
        file,
        source,
        decisions: Vec::new(),
        problems: Vec::new(),
    };
    for (k, entry) in parsed.decisions.into_iter().enumerate() {
        let first = items.get(k).copied().unwrap_or(1);
        let last = items.get(k + 1).map(|next| next - 1).unwrap_or(usize::MAX);
        let lines = ItemLines {
            source: &decisions.source,
            first,
            last,
        };
        match decision(entry, &lines) {
            Ok(decision) => decisions.decisions.push(decision),
            Err((line, column, message, help)) => {
                let mut error = decisions.error(line, column, message);
                if let Some(help) = help {
                    error = error.with_help(help);
                }
                decisions.problems.push(error);
            }
        }
    }
    Ok(Some(decisions))
}

/// The lines of one list item, to point at its keys.
struct ItemLines<'a> {
    source: &'a str,
    first: usize,
    last: usize,
}

impl ItemLines<'_> {
    /// Line and column of `key:` within the item, or the item's first line.
    fn key(&self, key: &str) -> (usize, usize) {
        self.source
            .lines()
            .enumerate()
            .skip(self.first.saturating_sub(1))
            .take_while(|(i, _)| *i < self.last)
            .find_map(|(i, line)| {
                let rest = line.trim_start();
                let rest = rest.strip_prefix('-').map(str::trim_start).unwrap_or(rest);
                let after = rest.strip_prefix(key)?;
                if !after.trim_start().starts_with(':') {
                    return None;
                }
                let column = line.chars().count() - rest.chars().count() + 1;
                Some((i + 1, column))
            })
            .unwrap_or((self.first, 1))
    }
}

type Problem = (usize, usize, String, Option<String>);

/// One entry checked: one action, words that are not empty, and only the
/// keys that go with that action.
fn decision(entry: Entry, lines: &ItemLines) -> std::result::Result<Decision, Problem> {
    let problem = |key: &str, message: String, help: Option<&str>| {
        let (line, column) = lines.key(key);
        (line, column, message, help.map(str::to_owned))
    };
    let has_kind = entry.kind.is_some();
    let has_chapters = entry.chapters.is_some();
    let has_chapter = entry.chapter.is_some();
    let given: Vec<&str> = [
        ("reject", entry.reject.is_some()),
        ("accept", entry.accept.is_some()),
        ("merge", entry.merge.is_some()),
        ("split", entry.split.is_some()),
        ("origin", entry.origin.is_some()),
    ]
    .iter()
    .filter(|(_, given)| *given)
    .map(|(key, _)| *key)
    .collect();
    let key = match given.as_slice() {
        [key] => *key,
        [] => {
            return Err((
                lines.first,
                1,
                "this decision does nothing: it needs one of `reject`, `accept`, `merge`, `split`, `origin`".into(),
                Some("see “Recurring quotations” in README.md".into()),
            ));
        }
        [first, second, ..] => {
            return Err(problem(
                second,
                format!("one decision does one thing: this one has both `{first}` and `{second}`"),
                Some("write them as two entries, each starting with `- `"),
            ));
        }
    };
    let words = |text: Option<String>| -> std::result::Result<String, Problem> {
        let text = text.unwrap_or_default();
        if text.trim().is_empty() {
            Err(problem(
                key,
                format!("`{key}` quotes no words"),
                Some("quote the words of the passage as they stand in the text"),
            ))
        } else {
            Ok(text)
        }
    };
    let action = match key {
        "reject" => Action::Reject(words(entry.reject)?),
        "split" => Action::Split(words(entry.split)?),
        "origin" => Action::Origin(words(entry.origin)?),
        "accept" => Action::Accept {
            words: words(entry.accept)?,
            kind: match entry.kind {
                Some(KindName::Formula) => Kind::Formula,
                Some(KindName::Quotation) | None => Kind::Quotation,
            },
            chapters: entry.chapters.unwrap_or_default(),
        },
        _ => {
            let items = entry.merge.unwrap_or_default();
            if items.len() < 2 {
                return Err(problem(
                    key,
                    "`merge` needs the words of two clusters or more".into(),
                    Some("write `merge: [words of one, words of another]`"),
                ));
            }
            let mut checked = Vec::new();
            for item in items {
                checked.push(words(Some(item))?);
            }
            Action::Merge(checked)
        }
    };
    let accept = matches!(action, Action::Accept { .. });
    if !accept && has_kind {
        return Err(problem(
            "kind",
            format!("`kind` goes with `accept`, not with `{key}`"),
            Some("a cluster the detector found keeps its kind; remove `kind`"),
        ));
    }
    if !accept && has_chapters {
        return Err(problem(
            "chapters",
            format!("`chapters` goes with `accept`, not with `{key}`"),
            Some("did you mean `chapter`? (the one piece where the words are to be found)"),
        ));
    }
    if accept && has_chapter {
        return Err(problem(
            "chapter",
            "`accept` takes `chapters: [slug, slug, ...]`, the pieces to look in".into(),
            Some("a passage accepted in one piece alone would not recur: use `chapters`"),
        ));
    }
    let has_context = entry.prefix.is_some() || entry.suffix.is_some();
    if has_context && matches!(action, Action::Accept { .. } | Action::Merge(_)) {
        let which = if entry.prefix.is_some() {
            "prefix"
        } else {
            "suffix"
        };
        return Err(problem(
            which,
            format!("`{which}` does not go with `{key}`"),
            Some(
                "`prefix` and `suffix` tell apart the places of one passage: use them with `reject`, `split` or `origin`",
            ),
        ));
    }
    if matches!(action, Action::Origin(_)) && !has_chapter {
        return Err(problem(
            key,
            "`origin` needs `chapter`: the piece whose occurrence becomes the origin".into(),
            Some("add `chapter: SLUG` below it"),
        ));
    }
    let (line, column) = lines.key(key);
    let chapter_at = lines.key(if accept { "chapters" } else { "chapter" });
    Ok(Decision {
        action,
        chapter: entry.chapter,
        prefix: entry.prefix.unwrap_or_default(),
        suffix: entry.suffix.unwrap_or_default(),
        note: entry.note,
        line,
        column,
        chapter_at,
    })
}

/// Applies the decisions; the first that fails (by its line in the file)
/// stops the build.
pub fn apply(
    edition: &Edition,
    quotations: Vec<Quotation>,
    decisions: Option<&Decisions>,
) -> Result<Vec<Quotation>> {
    let (quotations, mut errors) = apply_each(edition, quotations, decisions);
    if errors.is_empty() {
        Ok(quotations)
    } else {
        Err(errors.remove(0))
    }
}

/// Applies every decision that can be applied, and returns with the
/// clusters the reason each other one could not, in the file's order
/// (`zhushu check` reports them all).
pub fn apply_each(
    edition: &Edition,
    quotations: Vec<Quotation>,
    decisions: Option<&Decisions>,
) -> (Vec<Quotation>, Vec<Error>) {
    let Some(decisions) = decisions else {
        return (quotations, Vec::new());
    };
    let text = Text::new(edition);
    let mut clusters: Vec<Option<Quotation>> = quotations.into_iter().map(Some).collect();
    let mut errors = decisions.problems.clone();
    let mut order: Vec<&Decision> = decisions.decisions.iter().collect();
    order.sort_by_key(|d| d.action.phase());
    for decision in order {
        let applied = Applier {
            text: &text,
            decisions,
            decision,
        }
        .apply(&mut clusters);
        if let Err(error) = applied {
            errors.push(error);
        }
    }
    errors.sort_by_key(|e| e.location.as_ref().map(|l| (l.line, l.column)));
    let mut quotations: Vec<Quotation> = clusters.into_iter().flatten().collect();
    quotations.sort_by_key(|q| {
        let first = &q.occurrences[0];
        (first.chapter, first.unit, first.start)
    });
    (quotations, errors)
}

/// The edition's text units, by chapter, and its slugs.
struct Text<'e> {
    edition: &'e Edition,
    units: Vec<Vec<TextUnit<'e>>>,
    slugs: HashMap<&'e str, usize>,
}

/// A stretch of one unit's text: where quoted words stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    chapter: usize,
    unit: usize,
    start: usize,
    end: usize,
}

/// An occurrence as `Occupancy` keeps it: cluster, occurrence, start, end.
type Held = (usize, usize, usize, usize);

/// The clusters' occurrences by the unit (chapter, unit) they stand in.
struct Occupancy {
    by_unit: HashMap<(usize, usize), Vec<Held>>,
}

impl Occupancy {
    fn new(clusters: &[Option<Quotation>]) -> Occupancy {
        let mut by_unit: HashMap<_, Vec<_>> = HashMap::new();
        for (c, cluster) in clusters.iter().enumerate() {
            let Some(cluster) = cluster else { continue };
            for (k, o) in cluster.occurrences.iter().enumerate() {
                by_unit
                    .entry((o.chapter, o.unit))
                    .or_default()
                    .push((c, k, o.start, o.end));
            }
        }
        Occupancy { by_unit }
    }

    /// Which cluster the places stand in, and at which of its occurrences.
    /// An occurrence stands at a place when they overlap; when some of them
    /// are mostly the quoted words (their overlap at least half of the two
    /// together), only those count, so that words quoting a short
    /// occurrence are not taken for a longer passage around them.
    fn standing(&self, places: &[Place]) -> Standing {
        let mut touching: Vec<(usize, usize, f64)> = Vec::new();
        for place in places {
            let Some(here) = self.by_unit.get(&(place.chapter, place.unit)) else {
                continue;
            };
            for &(c, k, start, end) in here {
                let fit = overlap((place.start, place.end), (start, end));
                if fit > 0.0 {
                    touching.push((c, k, fit));
                }
            }
        }
        if touching.is_empty() {
            return Standing::Nowhere;
        }
        if touching.iter().any(|t| t.2 >= 0.5) {
            touching.retain(|t| t.2 >= 0.5);
        }
        let found: BTreeSet<usize> = touching.iter().map(|t| t.0).collect();
        if found.len() > 1 {
            return Standing::Several(found.into_iter().collect());
        }
        let cluster = touching[0].0;
        let occurrences: BTreeSet<usize> = touching.iter().map(|t| t.1).collect();
        Standing::One {
            cluster,
            occurrences: occurrences.into_iter().collect(),
        }
    }
}

/// How much two stretches of one unit overlap: what they share over what
/// they cover together (0 apart, 1 the same).
fn overlap(a: (usize, usize), b: (usize, usize)) -> f64 {
    let shared = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    if shared == 0 {
        return 0.0;
    }
    shared as f64 / (a.1.max(b.1) - a.0.min(b.0)) as f64
}

/// Where quoted words stand among the clusters.
enum Standing {
    /// They stand in no cluster's occurrence.
    Nowhere,
    /// In one cluster, at these of its occurrences.
    One {
        cluster: usize,
        occurrences: Vec<usize>,
    },
    /// In several clusters, equally well.
    Several(Vec<usize>),
}

impl<'e> Text<'e> {
    fn new(edition: &'e Edition) -> Text<'e> {
        Text {
            edition,
            units: edition
                .chapters
                .iter()
                .map(|c| c.document.units())
                .collect(),
            slugs: edition
                .chapters
                .iter()
                .enumerate()
                .map(|(i, c)| (c.slug.as_str(), i))
                .collect(),
        }
    }

    fn slug(&self, chapter: usize) -> &str {
        &self.edition.chapters[chapter].slug
    }

    /// `slug#p12`: how a place is named to the editor.
    fn at(&self, chapter: usize, unit: usize) -> String {
        format!("{}#{}", self.slug(chapter), self.units[chapter][unit].id)
    }

    /// Every place where `words` stand exactly, with `prefix` before and
    /// `suffix` after, in the given chapters.
    fn find(&self, chapters: &[usize], words: &str, prefix: &str, suffix: &str) -> Vec<Place> {
        let length = words.chars().count();
        chapters
            .iter()
            .flat_map(|&chapter| {
                let texts: Vec<&str> = self.units[chapter].iter().map(|u| u.text).collect();
                find_words(&texts, words, prefix, suffix)
                    .into_iter()
                    .map(move |(unit, start)| Place {
                        chapter,
                        unit,
                        start,
                        end: start + length,
                    })
            })
            .collect()
    }

    /// Every place where `words` stand with punctuation and spacing
    /// ignored and case and width folded (Latin words whole), in the given
    /// chapters: what `accept` finds.
    fn find_folded(&self, chapters: &[usize], words: &str) -> Vec<Place> {
        let (needle, _) = folded(words);
        if needle.is_empty() {
            return Vec::new();
        }
        let latin_start = needle.chars().next().is_some_and(is_latin);
        let latin_end = needle.chars().last().is_some_and(is_latin);
        chapters
            .par_iter()
            .flat_map_iter(|&chapter| {
                let mut places = Vec::new();
                for (unit, text) in self.units[chapter].iter().enumerate() {
                    let (hay, from) = folded(text.text);
                    if hay.len() < needle.len() {
                        continue;
                    }
                    let chars: Vec<char> = text.text.chars().collect();
                    for (byte, matched) in hay.match_indices(needle.as_str()) {
                        let start = from[byte];
                        let end = from[byte + matched.len() - 1] + 1;
                        let cut_before = latin_start
                            && start > 0
                            && is_latin(fold(chars[start - 1]).next().unwrap_or(' '));
                        let cut_after = latin_end
                            && end < chars.len()
                            && is_latin(fold(chars[end]).next().unwrap_or(' '));
                        if !cut_before && !cut_after {
                            places.push(Place {
                                chapter,
                                unit,
                                start,
                                end,
                            });
                        }
                    }
                }
                places
            })
            .collect()
    }

    /// The chapter of this slug, or the slug most like it.
    fn chapter(&self, slug: &str) -> std::result::Result<usize, Option<&str>> {
        self.slugs.get(slug).copied().ok_or_else(|| {
            let mut known: Vec<&str> = self.slugs.keys().copied().collect();
            known.sort_unstable();
            did_you_mean(slug, &known)
        })
    }

    /// The text most like `words` in the given chapters, and where, to say
    /// what became of words that no longer stand. Only units that keep a
    /// piece of the words (their start, middle or end) are compared.
    fn nearest(&self, chapters: &[usize], words: &str) -> Option<(String, String)> {
        let chars: Vec<char> = words.chars().collect();
        let width = chars.len().min(3);
        if width == 0 {
            return None;
        }
        let middle = (chars.len() - width) / 2;
        let probes: Vec<String> = [0, middle, chars.len() - width]
            .iter()
            .map(|&at| chars[at..at + width].iter().collect())
            .collect();
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        'chapters: for &chapter in chapters {
            for (unit, text) in self.units[chapter].iter().enumerate() {
                if probes.iter().any(|p| text.text.contains(p.as_str())) {
                    candidates.push((chapter, unit));
                    if candidates.len() >= 200 {
                        break 'chapters;
                    }
                }
            }
        }
        let texts: Vec<&str> = candidates
            .iter()
            .map(|&(c, u)| self.units[c][u].text)
            .collect();
        let (k, text) = nearest(&texts, words)?;
        let (chapter, unit) = candidates[k];
        Some((text, self.at(chapter, unit)))
    }

    /// An occurrence of the stretch `start..end` of a unit.
    fn occurrence(&self, chapter: usize, unit: usize, start: usize, end: usize) -> Occurrence {
        let chars: Vec<char> = self.units[chapter][unit].text.chars().collect();
        Occurrence {
            chapter,
            unit,
            start,
            end,
            text: chars[start..end].iter().collect(),
            quoted: in_quotation_marks(&chars, start, end),
        }
    }

    /// A cluster as the editor is told of it: its words and pieces.
    fn describe(&self, cluster: &Quotation) -> String {
        let slugs: Vec<&str> = cluster
            .chapters()
            .into_iter()
            .map(|c| self.slug(c))
            .collect();
        format!("“{}” ({})", cluster.text(), slugs.join(", "))
    }

    /// The origin a new cluster gets: the earliest dated piece where the
    /// words are not in quotation marks, else the earliest.
    fn earliest(&self, occurrences: &[Occurrence]) -> usize {
        let key = |o: &Occurrence| {
            let date = self.edition.chapters[o.chapter].front.date;
            (date.is_none(), date, o.chapter, o.unit, o.start)
        };
        let all = 0..occurrences.len();
        all.clone()
            .filter(|&i| !occurrences[i].quoted)
            .min_by_key(|&i| key(&occurrences[i]))
            .or_else(|| all.min_by_key(|&i| key(&occurrences[i])))
            .unwrap_or(0)
    }
}

/// One decision being applied.
struct Applier<'a, 'e> {
    text: &'a Text<'e>,
    decisions: &'a Decisions,
    decision: &'a Decision,
}

impl Applier<'_, '_> {
    fn error(&self, message: String) -> Error {
        self.decisions
            .error(self.decision.line, self.decision.column, message)
    }

    fn key(&self) -> &'static str {
        self.decision.action.key()
    }

    /// The chapter a slug names, or an error at the decision's `chapter`.
    fn chapter(&self, slug: &str) -> Result<usize> {
        self.text.chapter(slug).map_err(|like| {
            let (line, column) = self.decision.chapter_at;
            let error = self.decisions.error(
                line,
                column,
                format!(
                    "`{}` names chapter `{slug}`, which the edition does not have",
                    self.key()
                ),
            );
            match like {
                Some(k) => error.with_help(format!("did you mean `{k}`?")),
                None => error.with_help("a chapter is named by its slug, as in its page's address"),
            }
        })
    }

    fn apply(&self, clusters: &mut Vec<Option<Quotation>>) -> Result<()> {
        match &self.decision.action {
            Action::Accept {
                words,
                kind,
                chapters,
            } => self.accept(clusters, words, *kind, chapters),
            Action::Merge(items) => {
                let mut found: Vec<usize> = Vec::new();
                for words in items {
                    let (cluster, _) = self.resolve(clusters, words)?;
                    if !found.contains(&cluster) {
                        found.push(cluster);
                    }
                }
                merge(self.text, clusters, &found);
                Ok(())
            }
            Action::Split(words) => {
                let (cluster, at) = self.resolve(clusters, words)?;
                let whole = clusters[cluster]
                    .as_ref()
                    .map_or(0, |q| q.occurrences.len());
                if at.len() == whole {
                    return Err(self
                        .error(format!(
                            "`split` quotes “{words}”, which stands at every place of its cluster: nothing would be split off"
                        ))
                        .with_help("quote the words of the places to take out, as they stand there (`zhushu quotations review` shows them)"));
                }
                split(self.text, clusters, cluster, &at);
                Ok(())
            }
            Action::Reject(words) => {
                let (cluster, _) = self.resolve(clusters, words)?;
                clusters[cluster] = None;
                Ok(())
            }
            Action::Origin(words) => {
                let (cluster, at) = self.resolve(clusters, words)?;
                if let Some(q) = clusters[cluster].as_mut() {
                    q.origin = at[0];
                    q.evidence.decided = true;
                }
                Ok(())
            }
        }
    }

    /// The cluster the words stand in, and the occurrences they stand at.
    fn resolve(&self, clusters: &[Option<Quotation>], words: &str) -> Result<(usize, Vec<usize>)> {
        let d = self.decision;
        let key = self.key();
        let scope = match &d.chapter {
            Some(slug) => vec![self.chapter(slug)?],
            None => (0..self.text.edition.chapters.len()).collect(),
        };
        let in_chapter = match &d.chapter {
            Some(slug) => format!("chapter `{slug}`"),
            None => "the edition".to_owned(),
        };
        let places = self.text.find(&scope, words, &d.prefix, &d.suffix);
        if places.is_empty() {
            let context = if d.prefix.is_empty() && d.suffix.is_empty() {
                ""
            } else {
                " with that prefix and suffix"
            };
            let mut error = self.error(format!(
                "`{key}` quotes “{words}”, which {in_chapter} does not contain{context}"
            ));
            if let Some((text, at)) = self.text.nearest(&scope, words) {
                error = error.with_help(format!(
                    "the nearest text is “{text}” in {at}: has the text changed?"
                ));
            }
            return Err(error);
        }
        let at: Vec<String> = places
            .iter()
            .take(4)
            .map(|p| self.text.at(p.chapter, p.unit))
            .collect();
        match Occupancy::new(clusters).standing(&places) {
            Standing::One {
                cluster,
                occurrences,
            } => Ok((cluster, occurrences)),
            Standing::Nowhere => Err(self
                .error(format!(
                    "`{key}` quotes “{words}”, which stands in no recurring quotation ({}{})",
                    at.join(", "),
                    if places.len() > at.len() { ", …" } else { "" }
                ))
                .with_help(if key == "reject" {
                    "the detector no longer links these words: remove this decision"
                } else {
                    "quote the words of a cluster as they stand (`zhushu quotations review` lists them)"
                })),
            Standing::Several(found) => {
                let described: Vec<String> = found
                    .iter()
                    .filter_map(|&c| clusters[c].as_ref())
                    .map(|q| self.text.describe(q))
                    .collect();
                Err(self
                    .error(format!(
                        "`{key}` quotes “{words}”, which stands in {} clusters: {}",
                        found.len(),
                        described.join("; ")
                    ))
                    .with_help(
                        "say which: add `chapter: SLUG` (where the words are to be found), `prefix` or `suffix`, or quote more of the words",
                    ))
            }
        }
    }

    fn accept(
        &self,
        clusters: &mut Vec<Option<Quotation>>,
        words: &str,
        kind: Kind,
        chapters: &[String],
    ) -> Result<()> {
        let text = self.text;
        let scope = if chapters.is_empty() {
            (0..text.edition.chapters.len()).collect()
        } else {
            let mut scope = Vec::new();
            for slug in chapters {
                scope.push(self.chapter(slug)?);
            }
            scope.sort_unstable();
            scope.dedup();
            scope
        };
        if folded(words).0.is_empty() {
            return Err(self.error(format!(
                "`accept` quotes “{words}”, which has no letters or digits to find"
            )));
        }
        let places = text.find_folded(&scope, words);
        let in_where = if chapters.is_empty() {
            "the edition".to_owned()
        } else {
            format!("chapters {}", chapters.join(", "))
        };
        if places.is_empty() {
            let mut error = self.error(format!(
                "`accept` quotes “{words}”, which {in_where} does not contain"
            ));
            if let Some((near, at)) = text.nearest(&scope, words) {
                error = error.with_help(format!(
                    "the nearest text is “{near}” in {at}: has the text changed?"
                ));
            }
            return Err(error);
        }
        let pieces: BTreeSet<usize> = places.iter().map(|p| p.chapter).collect();
        if pieces.len() < 2 {
            let at: Vec<String> = places.iter().map(|p| text.at(p.chapter, p.unit)).collect();
            return Err(self
                .error(format!(
                    "`accept` quotes “{words}”, which stands in one piece only ({}): a recurring quotation stands in two or more",
                    at.join(", ")
                ))
                .with_help("check the words against the other pieces where the passage stands (punctuation and spacing do not count)"));
        }
        let occurrences: Vec<Occurrence> = places
            .iter()
            .map(|p| text.occurrence(p.chapter, p.unit, p.start, p.end))
            .collect();
        let origin = text.earliest(&occurrences);
        let evidence = Evidence {
            quoted: occurrences.iter().any(|o| o.quoted),
            reported: false,
            bounded: false,
            tokens: occurrences
                .iter()
                .map(|o| token_count(&o.text))
                .max()
                .unwrap_or(0),
            chance: 0.0,
            decided: true,
            beside_quotation: false,
        };
        // Clusters of the same passage join it: those standing at one of
        // its places (overlapping by half or more), and fragments of it
        // (every occurrence inside its places).
        let at_place = |o: &Occurrence| {
            places.iter().any(|p| {
                (p.chapter, p.unit) == (o.chapter, o.unit)
                    && overlap((p.start, p.end), (o.start, o.end)) >= 0.5
            })
        };
        let inside = |o: &Occurrence| {
            places.iter().any(|p| {
                (p.chapter, p.unit) == (o.chapter, o.unit) && p.start <= o.start && o.end <= p.end
            })
        };
        let mut found = vec![clusters.len()];
        for (c, cluster) in clusters.iter().enumerate() {
            if let Some(q) = cluster
                && (q.occurrences.iter().any(at_place) || q.occurrences.iter().all(inside))
            {
                found.push(c);
            }
        }
        clusters.push(Some(Quotation {
            kind,
            occurrences,
            origin,
            evidence,
        }));
        merge(text, clusters, &found);
        Ok(())
    }
}

/// The clusters `found` become the first of them: occurrences together
/// (overlapping ones in one unit joined), the first's kind and origin,
/// evidence combined.
fn merge(text: &Text, clusters: &mut [Option<Quotation>], found: &[usize]) {
    let Some(&first) = found.first() else { return };
    let mut all: Vec<(Occurrence, bool)> = Vec::new();
    let mut evidence = clusters[first]
        .as_ref()
        .map(|q| q.evidence.clone())
        .unwrap_or_default();
    let kind = clusters[first].as_ref().map_or(Kind::Quotation, |q| q.kind);
    for (n, &c) in found.iter().enumerate() {
        let Some(q) = clusters[c].take() else {
            continue;
        };
        // (The first's own evidence combined with itself is unchanged.)
        evidence.quoted |= q.evidence.quoted;
        evidence.reported |= q.evidence.reported;
        evidence.bounded |= q.evidence.bounded;
        evidence.beside_quotation |= q.evidence.beside_quotation;
        evidence.tokens = evidence.tokens.max(q.evidence.tokens);
        evidence.chance = evidence.chance.min(q.evidence.chance);
        for (k, o) in q.occurrences.into_iter().enumerate() {
            all.push((o, n == 0 && k == q.origin));
        }
    }
    all.sort_by_key(|(o, _)| (o.chapter, o.unit, o.start, o.end));
    let mut joined: Vec<(Occurrence, bool)> = Vec::new();
    for (o, origin) in all {
        match joined.last_mut() {
            Some((last, last_origin))
                if (last.chapter, last.unit) == (o.chapter, o.unit) && o.start < last.end =>
            {
                let end = last.end.max(o.end);
                *last = text.occurrence(last.chapter, last.unit, last.start, end);
                *last_origin |= origin;
            }
            _ => joined.push((o, origin)),
        }
    }
    let origin = joined.iter().position(|(_, o)| *o).unwrap_or(0);
    evidence.decided = true;
    clusters[first] = Some(Quotation {
        kind,
        occurrences: joined.into_iter().map(|(o, _)| o).collect(),
        origin,
        evidence,
    });
}

/// The occurrences `at` of `cluster` leave it and form a cluster of their
/// own; either part is dropped if it stands in fewer than two pieces.
fn split(text: &Text, clusters: &mut Vec<Option<Quotation>>, cluster: usize, at: &[usize]) {
    let Some(q) = clusters[cluster].take() else {
        return;
    };
    let old_origin = q.origin;
    let mut kept = Vec::new();
    let mut kept_origin = None;
    let mut left = Vec::new();
    for (k, o) in q.occurrences.into_iter().enumerate() {
        if at.contains(&k) {
            left.push(o);
        } else {
            if k == old_origin {
                kept_origin = Some(kept.len());
            }
            kept.push(o);
        }
    }
    let part = |occurrences: Vec<Occurrence>, origin: Option<usize>, evidence: &Evidence| {
        let pieces: BTreeSet<usize> = occurrences.iter().map(|o| o.chapter).collect();
        (pieces.len() >= 2).then(|| Quotation {
            kind: q.kind,
            origin: origin.unwrap_or_else(|| text.earliest(&occurrences)),
            evidence: Evidence {
                quoted: occurrences.iter().any(|o| o.quoted),
                decided: true,
                ..evidence.clone()
            },
            occurrences,
        })
    };
    let left_evidence = Evidence {
        tokens: left.iter().map(|o| token_count(&o.text)).max().unwrap_or(0),
        ..q.evidence.clone()
    };
    clusters[cluster] = part(kept, kept_origin, &q.evidence);
    clusters.push(part(left, None, &left_evidence));
}

/// Latin letters and digits: the characters of a word that must be found
/// whole.
fn is_latin(c: char) -> bool {
    is_letter_or_digit(c) && !is_cjk(c)
}

/// A character as `accept` compares it: full-width forms as half-width,
/// case folded.
fn fold(c: char) -> std::char::ToLowercase {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    c.to_lowercase()
}

/// The letters and digits of `text`, folded, and for each byte of the
/// result the character offset in `text` it comes from.
fn folded(text: &str) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut from = Vec::new();
    for (i, c) in text.chars().enumerate() {
        for f in fold(c) {
            if is_letter_or_digit(f) {
                out.push(f);
                from.extend(std::iter::repeat_n(i, f.len_utf8()));
            }
        }
    }
    (out, from)
}

/// CJK characters and Latin words in `text`.
fn token_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_latin(c) {
            count += usize::from(!in_word);
            in_word = true;
        } else {
            in_word = false;
            count += usize::from(is_letter_or_digit(c));
        }
    }
    count
}

/// Whether `start..end` lies inside a pair of quotation marks.
fn in_quotation_marks(chars: &[char], start: usize, end: usize) -> bool {
    let mut open: Vec<(char, usize)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let opening = match c {
            '“' | '‘' | '「' | '『' => {
                open.push((c, i + 1));
                continue;
            }
            '”' => '“',
            '’' => '‘',
            '」' => '「',
            '』' => '『',
            _ => continue,
        };
        if let Some(pos) = open.iter().rposition(|(o, _)| *o == opening) {
            let inner = open[pos].1;
            open.truncate(pos);
            if inner <= start && end <= i {
                return true;
            }
        }
    }
    false
}

// ---- zhushu quotations review ---------------------------------------------

/// The clusters after decisions, most doubtful first: what `zhushu
/// quotations review` shows (as text, or as this object in JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Clusters after the decisions.
    pub clusters: usize,
    /// How many of them a decision touched.
    pub decided: usize,
    /// Decisions in content/quotations.yaml.
    pub decisions: usize,
    pub items: Vec<ReviewItem>,
    /// Recurring words the detector refused, nearest the bar first, as
    /// many as were asked for (`near_misses`).
    pub near_misses: Vec<NearMissItem>,
    /// How many near misses there were in all.
    pub near_misses_found: usize,
}

/// Recurring words the detector refused: what `accept` would make a
/// cluster of.
#[derive(Debug, Clone, Serialize)]
pub struct NearMissItem {
    /// Position among the near misses, from 1 (the nearest the bar).
    pub number: usize,
    pub refusal: Refusal,
    /// The refusal in words.
    pub why: String,
    /// How many times as likely to recur by chance as words with its
    /// evidence may be (under 1: refused for another reason).
    pub over: f64,
    pub evidence: Evidence,
    /// Every place, in reading order (none is the origin: there is no
    /// cluster).
    pub places: Vec<ReviewPlace>,
    /// The `accept` entry to paste under `decisions:`: the longest wording
    /// of a place that the others hold too.
    pub accept: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    /// Position in the review, from 1 (the most doubtful).
    pub number: usize,
    /// The cluster's anchor on quotations.html and its id in
    /// data/quotations.json (`q3`).
    pub id: String,
    pub kind: Kind,
    /// 0 (sure) to 1 (doubtful).
    pub doubt: f64,
    pub evidence: Evidence,
    /// The origin's words.
    pub text: String,
    pub origin: ReviewPlace,
    /// Every place, in reading order.
    pub places: Vec<ReviewPlace>,
    /// Entries to paste under `decisions:` in content/quotations.yaml.
    pub decide: Suggestions,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewPlace {
    /// The chapter's slug.
    pub chapter: String,
    /// The paragraph's (or heading's, or table row's) id: `p12`.
    pub paragraph: String,
    /// `slug#p12`.
    pub at: String,
    /// Exactly as it stands there.
    pub text: String,
    pub quoted: bool,
    pub origin: bool,
}

/// YAML list items, ready to paste under `decisions:`.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestions {
    pub reject: String,
    /// With `WORDS OF THE OTHER CLUSTER` to be replaced.
    pub merge: String,
}

/// The placeholder in a suggested `merge`.
pub const OTHER_WORDS: &str = "WORDS OF THE OTHER CLUSTER";

/// The review of clusters already detected and decided; `ids` are their
/// ids on the site, in the same order (the quotations index gives them,
/// which this layer does not know: `crate::review` passes them).
pub fn review_of(
    edition: &Edition,
    quotations: &[Quotation],
    ids: Vec<String>,
    decisions: usize,
) -> Review {
    let text = Text::new(edition);
    let suggestions = suggestions(&text, quotations);
    let mut items: Vec<ReviewItem> = quotations
        .iter()
        .zip(ids)
        .zip(suggestions)
        .map(|((q, id), decide)| {
            let places: Vec<ReviewPlace> = q
                .occurrences
                .iter()
                .enumerate()
                .map(|(k, o)| {
                    let paragraph = text.units[o.chapter][o.unit].id.to_owned();
                    ReviewPlace {
                        chapter: text.slug(o.chapter).to_owned(),
                        at: text.at(o.chapter, o.unit),
                        paragraph,
                        text: o.text.clone(),
                        quoted: o.quoted,
                        origin: k == q.origin,
                    }
                })
                .collect();
            ReviewItem {
                number: 0,
                id,
                kind: q.kind,
                doubt: q.evidence.doubt(),
                evidence: q.evidence.clone(),
                text: q.text().to_owned(),
                origin: places[q.origin].clone(),
                places,
                decide,
            }
        })
        .collect();
    // Most doubtful first; equal doubts in the site's order.
    items.sort_by(|a, b| {
        b.doubt
            .total_cmp(&a.doubt)
            .then_with(|| site_number(&a.id).cmp(&site_number(&b.id)))
            .then_with(|| a.id.cmp(&b.id))
    });
    for (n, item) in items.iter_mut().enumerate() {
        item.number = n + 1;
    }
    Review {
        clusters: quotations.len(),
        decided: quotations.iter().filter(|q| q.evidence.decided).count(),
        decisions,
        items,
        near_misses: Vec::new(),
        near_misses_found: 0,
    }
}

/// The review's near misses: the first `limit` of `near` (nearest the bar
/// first), none standing where a cluster kept after the decisions stands
/// (an `accept` already made takes its near miss off the list).
pub fn near_miss_items(
    edition: &Edition,
    quotations: &[Quotation],
    near: Vec<NearMiss>,
    limit: usize,
) -> (Vec<NearMissItem>, usize) {
    let text = Text::new(edition);
    let near = near_misses::apart_from(quotations, near);
    let found = near.len();
    let items = near
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(n, miss)| {
            let q = &miss.quotation;
            let places = q
                .occurrences
                .iter()
                .map(|o| ReviewPlace {
                    chapter: text.slug(o.chapter).to_owned(),
                    paragraph: text.units[o.chapter][o.unit].id.to_owned(),
                    at: text.at(o.chapter, o.unit),
                    text: o.text.clone(),
                    quoted: o.quoted,
                    origin: false,
                })
                .collect();
            let mut map = yaml::Mapping::new();
            map.insert("accept".into(), accepted_wording(q).into());
            if q.kind == Kind::Formula {
                map.insert("kind".into(), "formula".into());
            }
            NearMissItem {
                number: n + 1,
                refusal: miss.refusal,
                why: miss.refusal.describe(miss.over),
                over: miss.over,
                evidence: q.evidence.clone(),
                places,
                accept: list_item(&yaml::to_string(&map)),
            }
        })
        .collect();
    (items, found)
}

/// The words an `accept` should quote for the places of `q`: the longest
/// wording of one of them that places in two pieces or more hold (as
/// `accept` compares them, folded); where the places differ (a variant),
/// the longest stretch of the shortest wording that they do.
fn accepted_wording(q: &Quotation) -> String {
    let places: Vec<(usize, String)> = q
        .occurrences
        .iter()
        .map(|o| (o.chapter, folded(&o.text).0))
        .collect();
    let held_in_two = |text: &str| {
        let want = folded(text).0;
        let mut pieces: Vec<usize> = (places.iter())
            .filter(|(_, place)| place.contains(&want))
            .map(|&(chapter, _)| chapter)
            .collect();
        pieces.dedup();
        !want.is_empty() && pieces.len() >= 2
    };
    let mut wordings: Vec<&str> = q.occurrences.iter().map(|o| o.text.as_str()).collect();
    wordings.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    if let Some(whole) = wordings.iter().find(|w| held_in_two(w)) {
        return (*whole).to_owned();
    }
    let shortest: Vec<char> = wordings
        .last()
        .map_or_else(Vec::new, |w| w.chars().collect());
    // Stretches from the longest down, each from a letter to a letter.
    let letter = |c: char| is_letter_or_digit(c);
    for length in (1..=shortest.len()).rev() {
        for start in 0..=shortest.len() - length {
            let stretch = &shortest[start..start + length];
            if letter(stretch[0]) && letter(stretch[length - 1]) {
                let stretch: String = stretch.iter().collect();
                if held_in_two(&stretch) {
                    return stretch;
                }
            }
        }
    }
    shortest.iter().collect()
}

/// A cluster's number in the site's order, from its id (`q12`, `f3`):
/// compared as numbers, q2 comes before q10.
fn site_number(id: &str) -> usize {
    id.trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(usize::MAX)
}

/// For each cluster, the `reject` and `merge` entries that would find it:
/// its origin's words, with the origin's chapter when the words alone
/// would stand in another cluster too. Every cluster's words are looked
/// for in one pass over the text (Aho-Corasick).
fn suggestions(text: &Text, quotations: &[Quotation]) -> Vec<Suggestions> {
    let clusters: Vec<Option<Quotation>> = quotations.iter().cloned().map(Some).collect();
    let occupancy = Occupancy::new(&clusters);
    let mut patterns: Vec<&str> = Vec::new();
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let cluster_pattern: Vec<usize> = quotations
        .iter()
        .map(|q| {
            *pattern_of.entry(q.text()).or_insert_with(|| {
                patterns.push(q.text());
                patterns.len() - 1
            })
        })
        .collect();
    let mut places: Vec<Vec<Place>> = vec![Vec::new(); patterns.len()];
    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .ok()
        .filter(|_| !patterns.iter().any(|p| p.is_empty()));
    if let Some(matcher) = &matcher {
        let found: Vec<(usize, Place)> = (0..text.units.len())
            .into_par_iter()
            .flat_map_iter(|chapter| {
                let mut found = Vec::new();
                for (unit, u) in text.units[chapter].iter().enumerate() {
                    for m in matcher.find_overlapping_iter(u.text) {
                        let start = u.text[..m.start()].chars().count();
                        let end = start + u.text[m.start()..m.end()].chars().count();
                        found.push((
                            m.pattern().as_usize(),
                            Place {
                                chapter,
                                unit,
                                start,
                                end,
                            },
                        ));
                    }
                }
                found
            })
            .collect();
        for (pattern, place) in found {
            places[pattern].push(place);
        }
    }
    quotations
        .par_iter()
        .enumerate()
        .map(|(c, q)| {
            let words = q.text();
            let origin = &q.occurrences[q.origin];
            let needs_chapter = !matches!(
                occupancy.standing(&places[cluster_pattern[c]]),
                Standing::One { cluster, .. } if cluster == c
            );
            let chapter = needs_chapter.then(|| text.slug(origin.chapter).to_owned());
            let item = |key: &str, value: yaml::Value| {
                let mut map = yaml::Mapping::new();
                map.insert(key.into(), value);
                if let Some(slug) = &chapter {
                    map.insert("chapter".into(), slug.as_str().into());
                }
                list_item(&yaml::to_string(&map))
            };
            Suggestions {
                reject: item("reject", words.into()),
                merge: item(
                    "merge",
                    yaml::Value::Sequence(vec![words.into(), OTHER_WORDS.into()]),
                ),
            }
        })
        .collect()
}

/// A YAML mapping as an item of the `decisions:` list, indented as the
/// README shows it.
fn list_item(mapping: &str) -> String {
    let mut out = String::new();
    for (i, line) in mapping.lines().enumerate() {
        out.push_str(if i == 0 { "  - " } else { "    " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

impl Review {
    /// The review as a person reads it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} cluster{} ({} decided by {} decision{} in {FILE}), most doubtful first",
            self.clusters,
            if self.clusters == 1 { "" } else { "s" },
            self.decided,
            self.decisions,
            if self.decisions == 1 { "" } else { "s" },
        );
        for item in &self.items {
            let e = &item.evidence;
            let yes = |flag: bool, name: &str| {
                if flag {
                    name.to_owned()
                } else {
                    format!("not {name}")
                }
            };
            let _ = writeln!(
                out,
                "\n#{} {}  {}  doubt {:.2}{}",
                item.number,
                item.id,
                match item.kind {
                    Kind::Quotation => "quotation",
                    Kind::Formula => "formula",
                },
                item.doubt,
                if e.decided { "  (decided)" } else { "" }
            );
            let _ = writeln!(
                out,
                "  evidence: {}, {}, {}, {} tokens, chance {:.2e}{}",
                yes(e.quoted, "quoted"),
                yes(e.reported, "reported"),
                yes(e.bounded, "bounded"),
                e.tokens,
                e.chance,
                if e.beside_quotation {
                    ", retold beside a quotation of its origin's piece"
                } else {
                    ""
                }
            );
            let _ = writeln!(out, "  origin:   {}  “{}”", item.origin.at, item.text);
            let _ = writeln!(out, "  places:");
            for place in &item.places {
                let _ = writeln!(
                    out,
                    "    {}{}  “{}”",
                    place.at,
                    if place.origin { " (origin)" } else { "" },
                    place.text
                );
            }
            let _ = writeln!(out, "  to reject it, add to {FILE}:");
            out.push_str(&indent(&item.decide.reject, "  "));
            let _ = writeln!(
                out,
                "  to merge it with another, add (the other's words for {OTHER_WORDS}):"
            );
            out.push_str(&indent(&item.decide.merge, "  "));
        }
        if self.near_misses_found > 0 {
            let _ = writeln!(
                out,
                "\n{} near miss{}: recurring words the detector refused, the least likely by chance first{}",
                self.near_misses_found,
                if self.near_misses_found == 1 {
                    ""
                } else {
                    "es"
                },
                if self.near_misses.len() < self.near_misses_found {
                    format!(
                        " (the first {}; --near-misses N for more)",
                        self.near_misses.len()
                    )
                } else {
                    String::new()
                }
            );
        }
        for miss in &self.near_misses {
            let e = &miss.evidence;
            let _ = writeln!(out, "\n~{}  {}", miss.number, miss.why);
            let _ = writeln!(
                out,
                "  evidence: {}, {}, {} tokens, chance {:.2e}",
                if e.quoted { "quoted" } else { "not quoted" },
                if e.reported {
                    "reported"
                } else {
                    "not reported"
                },
                e.tokens,
                e.chance
            );
            let _ = writeln!(out, "  places:");
            for place in &miss.places {
                let _ = writeln!(out, "    {}  “{}”", place.at, place.text);
            }
            let _ = writeln!(out, "  to accept it, add to {FILE}:");
            out.push_str(&indent(&miss.accept, "  "));
        }
        out
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_punctuation_spacing_case_and_width() {
        assert_eq!(folded("凡事预则立，不预则废").0, "凡事预则立不预则废");
        assert_eq!(folded("Know  thy-self!").0, "knowthyself");
        assert_eq!(folded("ＡＢＣ１").0, "abc1");
        let (text, from) = folded("a，b");
        assert_eq!(text, "ab");
        assert_eq!(from, [0, 2]);
    }

    #[test]
    fn tokens_are_characters_and_words() {
        assert_eq!(token_count("凡事预则立，不预则废"), 9);
        assert_eq!(token_count("Know thyself, and 知己"), 5);
    }

    #[test]
    fn quotation_marks_enclose() {
        let chars: Vec<char> = "他说“凡事预则立”。".chars().collect();
        assert!(in_quotation_marks(&chars, 3, 7));
        assert!(!in_quotation_marks(&chars, 0, 4));
        // A stretch that holds the opening mark is not inside it.
        assert!(!in_quotation_marks(&chars, 2, 7));
        for text in [
            "他说‘凡事预则立’。",
            "他说「凡事预则立」。",
            "他说『凡事预则立』。",
        ] {
            let chars: Vec<char> = text.chars().collect();
            assert!(in_quotation_marks(&chars, 3, 7), "{text}");
        }
    }

    #[test]
    fn keys_are_found_in_their_item() {
        let source =
            "decisions:\n  - reject: a\n    note: x\n  -\n    merge: [a, b]\n    chapter: c\n";
        let items = yaml::list_item_lines(source);
        assert_eq!(items, [2, 4]);
        let first = ItemLines {
            source,
            first: 2,
            last: 3,
        };
        assert_eq!(first.key("reject"), (2, 5));
        assert_eq!(first.key("note"), (3, 5));
        assert_eq!(first.key("chapter"), (2, 1));
        let second = ItemLines {
            source,
            first: 4,
            last: usize::MAX,
        };
        assert_eq!(second.key("merge"), (5, 5));
        assert_eq!(second.key("chapter"), (6, 5));
    }

    /// A key the item does not hold on a line of its own (a flow mapping)
    /// points at the item, never at the same key in the next item.
    #[test]
    fn a_key_is_never_looked_for_in_the_next_item() {
        let source = "decisions:\n  - {reject: a, merge: [a, b]}\n  - merge: [c, d]\n";
        let only_its_line = ItemLines {
            source,
            first: 2,
            last: 2,
        };
        assert_eq!(only_its_line.key("merge"), (2, 1));

        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content")).unwrap();
        std::fs::write(root.path().join(FILE), source).unwrap();
        let decisions = load(root.path()).unwrap().expect("the file is read");
        assert_eq!(decisions.problems.len(), 1, "{:?}", decisions.problems);
        let message = decisions.problems[0].to_string();
        assert!(message.contains(":2:1"), "{message}");
    }

    #[test]
    fn site_numbers_are_read_from_ids() {
        assert_eq!(site_number("q12"), 12);
        assert_eq!(site_number("f3"), 3);
        assert!(site_number("q2") < site_number("q10"));
        assert_eq!(site_number("q"), usize::MAX);
    }

    #[test]
    fn list_items_are_indented() {
        assert_eq!(
            list_item("reject: 总揽全局\nchapter: a\n"),
            "  - reject: 总揽全局\n    chapter: a\n"
        );
    }
}
