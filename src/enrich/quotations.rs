//! Recurring quotations: passages that stand in two or more chapters,
//! word for word or with small edits (a character dropped or replaced),
//! found, clustered and given an origin. Produces anchors into paragraph
//! text, never markup.
//!
//! The method, in the manner of text-reuse detection (passim, the Chinese
//! Text Project's parallel passages): text is cut into tokens (a CJK
//! character, or a Latin word) with punctuation and spacing ignored but
//! their offsets kept; token n-grams shared across chapters seed candidate
//! matches; each seed is extended both ways into a maximal alignment that
//! tolerates insertions, deletions and substitutions up to about a tenth of
//! its length; overlapping matches are clustered into one quotation.
//! Passages shorter than the minimum count only when they stand in
//! quotation marks in two or more chapters. Stock phrases of the genre are
//! kept out by evidence: a passage must be quoted, introduced by a
//! reporting verb, or long and sentence-like, and must not be on the
//! edition's stop list.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::markdown::{is_cjk, is_letter_or_digit};
use crate::model::Edition;

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
}

impl QuotationOptions {
    /// The edition's settings over the defaults of its language.
    pub fn for_edition(config: &crate::config::EditionConfig) -> QuotationOptions {
        let defaults = QuotationOptions::for_language(&config.language);
        let settings = &config.options.quotations;
        QuotationOptions {
            min_tokens: settings.min_length.unwrap_or(defaults.min_tokens).max(SEED),
            min_quoted_tokens: settings
                .min_quoted_length
                .unwrap_or(defaults.min_quoted_tokens)
                .max(2),
            stop_list: settings.stop_list.clone(),
            report_window: defaults.report_window,
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
            report_window: if cjk { 8 } else { 20 },
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

#[derive(Debug, Clone)]
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

    pub fn chapters(&self) -> Vec<usize> {
        let mut chapters: Vec<usize> = self.occurrences.iter().map(|o| o.chapter).collect();
        chapters.dedup();
        chapters
    }
}

/// A token: a CJK character or a Latin word, folded; with the character
/// offsets it covers in the unit's text.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// A CJK character's code point, or a word's hash with the top bit
    /// set; 32 bits, since an edition may have tens of millions of tokens.
    key: u32,
    start: u32,
    end: u32,
}

impl Token {
    fn start(&self) -> usize {
        self.start as usize
    }
    fn end(&self) -> usize {
        self.end as usize
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
    /// only in the few units where a quotation stands (`Unit::tokens`).
    keys: Vec<u32>,
    /// Token ranges inside quotation marks, of a length that may make a
    /// short quoted passage (`quoted_matches`).
    quoted: Vec<(u32, u32)>,
}

impl Unit<'_> {
    fn chars(&self) -> Vec<char> {
        self.text.chars().collect()
    }
}

pub const SEED: usize = 6;
/// Above this many tokens, seeds are winnowed (see `long_matches`).
const WINNOW_ABOVE: usize = 4_000_000;
/// An n-gram found in more places than this is a formula of the book (its
/// subject's long name, say), not a seed of a quotation.
const MAX_SEED_PLACES: usize = 12;

pub fn detect(edition: &Edition, options: &QuotationOptions) -> Vec<Quotation> {
    let units: Vec<Unit> = edition
        .chapters
        .par_iter()
        .enumerate()
        .flat_map(|(c, chapter)| {
            chapter
                .document
                .units()
                .into_iter()
                .enumerate()
                .map(move |(u, unit)| {
                    let chars: Vec<char> = unit.text.chars().collect();
                    let mut tokens = tokenize(&chars);
                    mask_stock_phrases(&mut tokens, unit.text, &options.stop_list);
                    Unit {
                        chapter: c,
                        unit: u,
                        text: unit.text,
                        keys: tokens.iter().map(|t| t.key).collect(),
                        quoted: quoted_candidates(&chars, &tokens, options),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let mut spans: Vec<Span> = Vec::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    long_matches(&units, options, &mut spans, &mut links);
    quoted_matches(&units, &mut spans, &mut links);

    let clusters = cluster(&spans, &links);
    let mut quotations: Vec<Quotation> = clusters
        .into_iter()
        .filter_map(|members| quotation(&units, &spans, &members, edition, options))
        .collect();
    quotations.sort_by_key(|q| {
        let first = &q.occurrences[0];
        (first.chapter, first.unit, first.start)
    });
    quotations
}

/// Token ranges inside quotation marks short enough to be missed by
/// `long_matches` and long enough to be more than a term.
fn quoted_candidates(
    chars: &[char],
    tokens: &[Token],
    options: &QuotationOptions,
) -> Vec<(u32, u32)> {
    quoted_ranges(chars.iter().copied())
        .into_iter()
        .filter_map(|(start, end)| {
            let first = tokens.partition_point(|t| t.start() < start);
            let last = tokens.partition_point(|t| t.end() <= end);
            let n = last.checked_sub(first).filter(|&n| n > 0)?;
            (n >= options.min_quoted_tokens && n < options.min_tokens)
                .then_some((first as u32, last as u32))
        })
        .collect()
}

fn tokenize(text: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = fold(text[i]);
        if is_cjk(c) && is_letter_or_digit(c) {
            tokens.push(Token {
                key: c as u32,
                start: i as u32,
                end: i as u32 + 1,
            });
            i += 1;
        } else if is_letter_or_digit(c) {
            let start = i;
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            while i < text.len() {
                let c = fold(text[i]);
                if !is_letter_or_digit(c) || is_cjk(c) {
                    break;
                }
                for lower in c.to_lowercase() {
                    hash = (hash ^ lower as u64).wrapping_mul(0x100_0000_01b3);
                }
                i += 1;
            }
            // Words live above the character range so they never equal one.
            tokens.push(Token {
                key: (hash as u32) | 1 << 31,
                start: start as u32,
                end: i as u32,
            });
        } else {
            i += 1;
        }
    }
    tokens
}

static MASKED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Tokens inside a stop-list phrase get keys of their own, so that stock
/// phrases neither seed matches nor carry an alignment across them.
fn mask_stock_phrases(tokens: &mut [Token], text: &str, stop_list: &[String]) {
    for phrase in stop_list.iter().filter(|p| !p.is_empty()) {
        for (byte, _) in text.match_indices(phrase.as_str()) {
            let start = text[..byte].chars().count();
            let end = start + phrase.chars().count();
            for (k, token) in tokens.iter_mut().enumerate() {
                if token.start() >= start && token.end() <= end {
                    // A key of its own, equal to no other token anywhere.
                    let n = MASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    token.key = (1 << 30) | (n & 0x3fff_ffff);
                    let _ = k;
                }
            }
        }
    }
}

/// Full-width Latin letters and digits read as their half-width forms.
fn fold(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// A passage in one unit, in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    unit: usize,
    start: usize,
    end: usize,
}

fn long_matches(
    units: &[Unit],
    options: &QuotationOptions,
    spans: &mut Vec<Span>,
    links: &mut Vec<(usize, usize)>,
) {
    // Every seed n-gram as one u64, its hash above its place (the index of
    // its first token in the edition's token sequence), sorted so that equal
    // n-grams stand together: a flat vector of integers is far smaller than
    // a map of lists, and sorts fast on both cores.
    let mut first_token: Vec<u64> = Vec::with_capacity(units.len() + 1);
    let mut total = 0u64;
    for unit in units {
        first_token.push(total);
        total += unit.keys.len() as u64;
    }
    // Large editions keep one n-gram in every window of three (the one
    // with the least hash, "winnowing"): a third of the memory, and every
    // shared run of eight tokens or more still shares a kept n-gram.
    let window = if total as usize > WINNOW_ABOVE { 3 } else { 1 };
    // Places fit in 32 bits up to four billion tokens, some 12 GB of text.
    let place_bits = 32;
    assert!(total < 1 << place_bits, "an edition of over 2^32 tokens");
    let mut grams: Vec<u64> = units
        .par_iter()
        .zip(&first_token)
        .flat_map_iter(|(unit, &first)| {
            let hashes: Vec<u32> = (0..unit.keys.len().saturating_sub(SEED - 1))
                .map(|p| gram_hash(&unit.keys[p..p + SEED]))
                .collect();
            let mut kept: Vec<u64> = Vec::new();
            let mut last_kept = None;
            for start in 0..hashes.len().saturating_sub(window - 1) {
                let (p, h) = (start..start + window)
                    .map(|p| (p, hashes[p]))
                    .min_by_key(|&(p, h)| (h, p))
                    .expect("a window is never empty");
                if last_kept != Some(p) {
                    kept.push((h as u64) << place_bits | (first + p as u64));
                    last_kept = Some(p);
                }
            }
            kept
        })
        .collect();
    grams.par_sort_unstable();
    // A place back to its unit and position.
    let locate = |gram: u64| {
        let place = gram & ((1 << place_bits) - 1);
        let unit = first_token.partition_point(|&f| f <= place) - 1;
        (unit, (place - first_token[unit]) as usize)
    };
    // Per pair of units, the diagonals already covered by an alignment.
    let mut covered: HashMap<(usize, usize), Vec<Alignment>> = HashMap::new();
    let groups = grams
        .chunk_by(|a, b| a >> place_bits == b >> place_bits)
        .filter(|g| g.len() > 1 && g.len() <= MAX_SEED_PLACES);
    for group in groups {
        let list: Vec<(usize, usize)> = group.iter().map(|&g| locate(g)).collect();
        for (x, &(ua, pa)) in list.iter().enumerate() {
            for &(ub, pb) in &list[x + 1..] {
                if units[ua].chapter == units[ub].chapter {
                    continue;
                }
                // Equal hashes may hide different n-grams.
                let same = units[ua].keys[pa..pa + SEED] == units[ub].keys[pb..pb + SEED];
                if !same {
                    continue;
                }
                let done = covered.get(&(ua, ub)).is_some_and(|ranges| {
                    ranges
                        .iter()
                        .any(|&(a0, a1, b0, b1)| pa >= a0 && pa < a1 && pb >= b0 && pb < b1)
                });
                if done {
                    continue;
                }
                let (a0, a1, b0, b1) = align(&units[ua].keys, &units[ub].keys, pa, pb);
                covered.entry((ua, ub)).or_default().push((a0, a1, b0, b1));
                if a1 - a0 >= options.min_tokens && b1 - b0 >= options.min_tokens {
                    spans.push(Span {
                        unit: ua,
                        start: a0,
                        end: a1,
                    });
                    spans.push(Span {
                        unit: ub,
                        start: b0,
                        end: b1,
                    });
                    links.push((spans.len() - 2, spans.len() - 1));
                }
            }
        }
    }
}

/// FNV-1a over the tokens' keys: the same n-gram always hashes alike, so
/// the order of work (and the output) is the same on every run.
fn gram_hash(keys: &[u32]) -> u32 {
    keys.iter().fold(0x811c_9dc5u32, |hash, key| {
        (hash ^ key).wrapping_mul(0x0100_0193)
    })
}

/// Token ranges `a0..a1` and `b0..b1` of two units that align.
type Alignment = (usize, usize, usize, usize);

/// Extends a shared seed at `a[i..i+SEED]`, `b[j..j+SEED]` both ways into the
/// longest alignment whose edits stay within about a tenth of its length.
fn align(a: &[u32], b: &[u32], i: usize, j: usize) -> Alignment {
    let eq = |x: usize, y: usize| a[x] == b[y];
    // Forward.
    let (mut ai, mut bj, mut edits, mut length) = (i + SEED, j + SEED, 0usize, SEED);
    let (mut a_end, mut b_end) = (ai, bj);
    loop {
        while ai < a.len() && bj < b.len() && eq(ai, bj) {
            ai += 1;
            bj += 1;
            length += 1;
        }
        a_end = a_end.max(ai);
        b_end = b_end.max(bj);
        if ai >= a.len() || bj >= b.len() {
            break;
        }
        let agree = |da: usize, db: usize| {
            let n = (0..3)
                .take_while(|k| ai + da + k < a.len() && bj + db + k < b.len())
                .count();
            n >= 2 && (0..n).all(|k| eq(ai + da + k, bj + db + k))
        };
        match resync(agree) {
            Some((da, db)) if edits + da.max(db) <= budget(length + da.max(db)) => {
                edits += da.max(db);
                ai += da;
                bj += db;
            }
            _ => break,
        }
    }
    // Backward.
    let (mut ai, mut bj) = (i, j);
    loop {
        while ai > 0 && bj > 0 && eq(ai - 1, bj - 1) {
            ai -= 1;
            bj -= 1;
            length += 1;
        }
        if ai == 0 || bj == 0 {
            break;
        }
        let agree = |da: usize, db: usize| {
            let n = (0..3).take_while(|k| ai > da + k && bj > db + k).count();
            n >= 2 && (0..n).all(|k| eq(ai - 1 - da - k, bj - 1 - db - k))
        };
        match resync(agree) {
            Some((da, db)) if edits + da.max(db) <= budget(length + da.max(db)) => {
                edits += da.max(db);
                ai -= da;
                bj -= db;
            }
            _ => break,
        }
    }
    (ai, a_end, bj, b_end)
}

/// Edits allowed in an alignment of `length` tokens: a tenth, and one more,
/// so that a twelve-character passage may drop a character or two.
fn budget(length: usize) -> usize {
    length / 10 + 1
}

/// The cheapest skip (in a, in b) after which the next three tokens (or
/// the two or so left before an edge) agree again: a substitution, an
/// insertion or a deletion of one or two tokens.
fn resync(agree: impl Fn(usize, usize) -> bool) -> Option<(usize, usize)> {
    const STEPS: [(usize, usize); 8] = [
        (1, 1),
        (1, 0),
        (0, 1),
        (2, 2),
        (2, 0),
        (0, 2),
        (2, 1),
        (1, 2),
    ];
    STEPS.into_iter().find(|&(da, db)| agree(da, db))
}

/// Short passages in quotation marks that stand quoted in two chapters.
fn quoted_matches(units: &[Unit], spans: &mut Vec<Span>, links: &mut Vec<(usize, usize)>) {
    let mut by_key: BTreeMap<Vec<u32>, Vec<Span>> = BTreeMap::new();
    for (u, unit) in units.iter().enumerate() {
        for &(first, last) in &unit.quoted {
            let (first, last) = (first as usize, last as usize);
            let key = unit.keys[first..last].to_vec();
            by_key.entry(key).or_default().push(Span {
                unit: u,
                start: first,
                end: last,
            });
        }
    }
    for list in by_key.into_values() {
        let chapters: HashSet<usize> = list.iter().map(|s| units[s.unit].chapter).collect();
        if chapters.len() < 2 {
            continue;
        }
        let base = spans.len();
        spans.extend(list.iter().copied());
        for k in base + 1..spans.len() {
            links.push((base, k));
        }
    }
}

/// Character ranges inside quotation marks (the marks excluded).
fn quoted_ranges(text: impl Iterator<Item = char>) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    for (i, c) in text.enumerate() {
        let closing = match c {
            '”' => Some('“'),
            '’' => Some('‘'),
            '」' => Some('「'),
            '』' => Some('『'),
            _ => None,
        };
        if matches!(c, '“' | '‘' | '「' | '『') {
            open.push((c, i + 1));
        } else if let Some(opening) = closing {
            if let Some(pos) = open.iter().rposition(|(o, _)| *o == opening) {
                let (_, start) = open[pos];
                open.truncate(pos);
                ranges.push((start, i));
            }
        }
    }
    ranges
}

/// Groups spans linked by a match, and spans of one unit that overlap by
/// half the shorter, into clusters (union-find).
fn cluster(spans: &[Span], links: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..spans.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    for &(a, b) in links {
        union(&mut parent, a, b);
    }
    let mut by_unit: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, s) in spans.iter().enumerate() {
        by_unit.entry(s.unit).or_default().push(i);
    }
    for members in by_unit.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (a, b) = (spans[i], spans[j]);
                let overlap = a.end.min(b.end).saturating_sub(a.start.max(b.start));
                let shorter = (a.end - a.start).min(b.end - b.start);
                if overlap * 2 >= shorter && overlap > 0 {
                    union(&mut parent, i, j);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..spans.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Alignment runs on past the edges of what was quoted when the words
/// around agree too (“指出：“…”). An occurrence mostly inside quotation
/// marks is cut to them; a short run past the end of a sentence is dropped.
fn trim(tokens: &[Token], text: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    let length = end - start;
    for (qs, qe) in quoted_ranges(text.iter().copied()) {
        let overlap = end.min(qe).saturating_sub(start.max(qs));
        if overlap * 2 > length {
            start = start.max(qs);
            end = end.min(qe);
            break;
        }
    }
    let stop = |c: &char| {
        matches!(
            c,
            '。' | '！' | '？' | '；' | '：' | '.' | '!' | '?' | ';' | ':'
        )
    };
    let tokens_in = |a: usize, b: usize| {
        tokens
            .iter()
            .filter(|t| t.start() >= a && t.end() <= b)
            .count()
    };
    if let Some(last_stop) = text[start..end].iter().rposition(stop) {
        let cut = start + last_stop + 1;
        if cut < end && tokens_in(cut, end) <= 3 {
            end = cut - 1;
        }
    }
    if let Some(first_stop) = text[start..end].iter().position(stop) {
        let cut = start + first_stop + 1;
        if tokens_in(start, cut) <= 3 && tokens_in(cut, end) >= 6 {
            start = cut;
        }
    }
    // "强调，……": a reporting verb that the alignment took along.
    if let Some(comma) = text[start..end]
        .iter()
        .position(|c| matches!(c, '，' | ',' | '：' | ':'))
    {
        let head: String = text[start..start + comma].iter().collect();
        if comma <= 4 && REPORTING.iter().any(|verb| head.ends_with(verb)) {
            start += comma + 1;
        }
    }
    // No punctuation or spaces at either edge.
    while start < end && !is_letter_or_digit(text[start]) {
        start += 1;
    }
    while end > start && !is_letter_or_digit(text[end - 1]) {
        end -= 1;
    }
    (start, end)
}

const REPORTING: &[&str] = &[
    "指出", "强调", "说", "提出", "要求", "讲", "认为", "写道", "所说", "曾说", "告诫", "嘱咐",
    "称", "said", "says", "wrote", "stated", "noted", "remarked",
];

fn quotation(
    units: &[Unit],
    spans: &[Span],
    members: &[usize],
    edition: &Edition,
    options: &QuotationOptions,
) -> Option<Quotation> {
    // One occurrence per unit: the union of the spans that fell there.
    let mut per_unit: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for &m in members {
        let s = spans[m];
        let e = per_unit.entry(s.unit).or_insert((s.start, s.end));
        e.0 = e.0.min(s.start);
        e.1 = e.1.max(s.end);
    }
    let per_unit_keys: Vec<usize> = per_unit.keys().copied().collect();
    let occurrences: Vec<Occurrence> = per_unit
        .into_iter()
        .map(|(u, (first, last))| {
            let unit = &units[u];
            let chars = unit.chars();
            // The tokens again, for their offsets (masked keys would differ
            // from the first pass, but keys are not read here).
            let tokens = tokenize(&chars);
            let (start, end) = trim(
                &tokens,
                &chars,
                tokens[first].start(),
                tokens[last - 1].end(),
            );
            let quoted = quoted_ranges(chars.iter().copied())
                .iter()
                .any(|&(qs, qe)| qs <= start && end <= qe);
            Occurrence {
                chapter: unit.chapter,
                unit: unit.unit,
                start,
                end,
                text: chars[start..end].iter().collect(),
                quoted,
            }
        })
        .collect();
    let chapters: HashSet<usize> = occurrences.iter().map(|o| o.chapter).collect();
    if chapters.len() < 2 {
        return None;
    }
    let longest = occurrences
        .iter()
        .map(|o| o.text.chars().count())
        .max()
        .unwrap_or(0);
    let tokens = members
        .iter()
        .map(|&m| spans[m].end - spans[m].start)
        .max()
        .unwrap_or(0);
    let quoted = occurrences.iter().any(|o| o.quoted);
    let reported = per_unit_keys.iter().zip(&occurrences).any(|(&u, o)| {
        // The few words before: 说, 指出, "said that", "as ... wrote,".
        let window = options.report_window;
        let before: String = units[u].chars()[o.start.saturating_sub(window)..o.start]
            .iter()
            .collect();
        REPORTING.iter().any(|verb| before.contains(verb))
    });
    // Stock phrases of the genre are names and formulas: no inner
    // punctuation. A passage with a list (、) or clauses (，) in it that
    // recurs word for word is somebody's words being repeated.
    let separators = occurrences
        .iter()
        .map(|o| {
            o.text
                .chars()
                .filter(|c| matches!(c, '，' | '；' | '、' | ',' | ';'))
                .count()
        })
        .max()
        .unwrap_or(0);
    let evidence =
        quoted || reported || separators >= 2 || (tokens >= 20 && separators >= 1) || tokens >= 30;
    let stopped = options
        .stop_list
        .iter()
        .any(|s| !s.is_empty() && occurrences.iter().any(|o| o.text.contains(s.as_str())));
    if !evidence || stopped || longest == 0 {
        return None;
    }
    // The origin: earliest dated piece where the passage is not quoted.
    let date = |o: &Occurrence| edition.chapters[o.chapter].front.date;
    let key = |o: &Occurrence| (date(o).is_none(), date(o), o.chapter);
    let origin = (0..occurrences.len())
        .filter(|&i| !occurrences[i].quoted)
        .min_by_key(|&i| key(&occurrences[i]))
        .or_else(|| (0..occurrences.len()).min_by_key(|&i| key(&occurrences[i])))?;
    Some(Quotation {
        kind: Kind::Quotation,
        occurrences,
        origin,
        evidence: Evidence {
            quoted,
            reported,
            bounded: false,
            tokens,
            chance: 0.0,
            decided: false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Token> {
        tokenize(&text.chars().collect::<Vec<_>>())
    }

    #[test]
    fn tokens_ignore_punctuation_and_width() {
        let t = keys("办公厅（室），ＡＢ c 12");
        assert_eq!(t.len(), 7);
        assert_eq!((t[4].start(), t[4].end()), (7, 9), "ＡＢ is one word");
        assert_eq!(keys("AB")[0].key, t[4].key);
    }

    #[test]
    fn alignment_tolerates_a_dropped_character() {
        let a = keys("他说运筹于帷幄之中，决胜于千里之外，此之谓也");
        let b = keys("运筹帷幄之中，决胜千里之外。");
        let i = a.iter().position(|t| t.key == '帷' as u32).unwrap();
        let j = b.iter().position(|t| t.key == '帷' as u32).unwrap();
        let key = |tokens: &[Token]| tokens.iter().map(|t| t.key).collect::<Vec<_>>();
        let (a0, a1, b0, b1) = align(&key(&a), &key(&b), i, j);
        let text: String = "他说运筹于帷幄之中，决胜于千里之外，此之谓也"
            .chars()
            .collect::<Vec<_>>()[a[a0].start()..a[a1 - 1].end()]
            .iter()
            .collect();
        assert_eq!(text, "运筹于帷幄之中，决胜于千里之外");
        assert_eq!((b0, b1), (0, b.len()));
    }

    #[test]
    fn quoted_ranges_nest() {
        let text: Vec<char> = "要当好“‘前哨’和‘后院’”。".chars().collect();
        let ranges = quoted_ranges(text.iter().copied());
        assert_eq!(ranges.len(), 3);
    }
}
