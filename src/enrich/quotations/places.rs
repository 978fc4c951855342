//! From a cluster of matched token stretches to a quotation as the reader
//! meets it: one occurrence per paragraph, cut to its quotation marks and
//! to the clause it stands in (a variant's differing words included), the
//! evidence that it is somebody's words, and its origin.

use std::sync::OnceLock;

use crate::markdown::is_letter_or_digit;
use crate::model::{Chapter, Edition};

use super::align::Span;
use super::near_misses::{Collector, Refusal};
use super::tokens::{Token, is_clause_mark, quoted_ranges, tokenize};
use super::{Evidence, Kind, Occurrence, Quotation, QuotationOptions, Unit};

/// Words that introduce reported speech just before a passage.
pub const REPORTING: &[&str] = &[
    "指出", "强调", "说", "提出", "要求", "讲", "认为", "写道", "所说", "曾说", "告诫", "嘱咐",
    "称", "said", "says", "wrote", "stated", "noted", "remarked", "declared", "words",
];

/// One witness being cut, before it becomes an `Occurrence`.
struct Witness<'t> {
    unit: usize,
    chars: &'t [char],
    tokens: &'t [Token],
    /// The unit's stretches inside quotation marks.
    quoted: &'t [(usize, usize)],
    start: usize,
    end: usize,
}

/// A unit's characters, tokens and stretches inside quotation marks.
pub(super) type UnitText = (Vec<char>, Vec<Token>, Vec<(usize, usize)>);

/// Each unit's characters, tokens and quotation marks: a long unit's made
/// once, for the first cluster that stands there, and shared by the others
/// (a paragraph the size of a book that holds a thousand passages is not
/// cut into tokens a thousand times); a short one's made anew each time it
/// is asked for (in microseconds), so that the ten thousand paragraphs
/// where a large edition's quotations stand are not all held at once.
pub struct Texts<'u, 'a> {
    units: &'u [Unit<'a>],
    /// Boxed: an empty cell is then 16 bytes, not the 80 of three
    /// vectors, over the 200,000 units of a large edition.
    cache: Vec<OnceLock<Box<UnitText>>>,
}

/// Units of at least this many bytes are cut into tokens once and kept.
const KEPT_TEXT_BYTES: usize = 4096;

/// A unit's text: kept in the cache, or made for this use.
pub(super) enum TextRef<'t> {
    Kept(&'t UnitText),
    Made(Box<UnitText>),
}

impl std::ops::Deref for TextRef<'_> {
    type Target = UnitText;
    fn deref(&self) -> &UnitText {
        match self {
            TextRef::Kept(text) => text,
            TextRef::Made(text) => text,
        }
    }
}

impl<'u, 'a> Texts<'u, 'a> {
    pub fn new(units: &'u [Unit<'a>]) -> Self {
        Texts {
            units,
            cache: (0..units.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    pub(super) fn text(&self, unit: usize) -> TextRef<'_> {
        let make = || {
            let chars: Vec<char> = self.units[unit].text.chars().collect();
            let tokens = tokenize(&chars);
            let quoted = quoted_ranges(&chars);
            Box::new((chars, tokens, quoted))
        };
        if self.units[unit].text.len() >= KEPT_TEXT_BYTES {
            TextRef::Kept(self.cache[unit].get_or_init(make))
        } else {
            TextRef::Made(make())
        }
    }
}

/// What the places of a cluster make: the quotations that stand, and
/// the words refused only because nothing in their places says they are
/// somebody's (`unattested`), which a piece that quotes their origin's
/// piece elsewhere may still vouch for (`super::vouched_for`).
#[derive(Default)]
pub struct Found {
    pub kept: Vec<Quotation>,
    pub unattested: Vec<Quotation>,
}

pub fn quotation(
    units: &[Unit],
    texts: &Texts,
    spans: &[Span],
    members: &[usize],
    edition: &Edition,
    options: &QuotationOptions,
    (chance, near): (f64, Option<&Collector>),
) -> Found {
    // One occurrence per run of spans in a unit that overlap or stand
    // close (a witness that inserts a sentence is cut in two by the
    // alignment): a passage that stands twice, far apart, in one
    // paragraph is two occurrences, never one stretch from the first to
    // the second.
    let mut sorted: Vec<Span> = members.iter().map(|&m| spans[m]).collect();
    sorted.sort_by_key(|s| (s.unit, s.start));
    let mut runs: Vec<(usize, (usize, usize))> = Vec::new();
    for s in sorted {
        match runs.last_mut() {
            Some((u, (start, end)))
                if *u == s.unit && s.start <= *end + 2 * (*end - *start).max(s.end - s.start) =>
            {
                *end = (*end).max(s.end)
            }
            _ => runs.push((s.unit, (s.start, s.end))),
        }
    }
    let held: Vec<TextRef> = runs.iter().map(|&(u, _)| texts.text(u)).collect();
    let mut witnesses: Vec<Witness> = runs
        .into_iter()
        .zip(&held)
        .map(|((u, (first, last)), text)| {
            let (chars, tokens, quoted) = &**text;
            let (start, end) = trim(
                tokens,
                chars,
                quoted,
                tokens[first].start(),
                tokens[last - 1].end(),
            );
            Witness {
                unit: u,
                chars,
                tokens,
                quoted,
                start,
                end,
            }
        })
        .filter(|w| w.start < w.end)
        .collect();
    snap_to_clauses(&mut witnesses, options);
    let echoes = drop_partial_echoes(&mut witnesses);
    let echo = echo_witnesses(&witnesses, echoes);
    let mut found = Found::default();
    for w in [witnesses, echo] {
        match judge(w, units, edition, options, (chance, near.is_some())) {
            None => {}
            Some(Judged::Kept(kept)) => found.kept.push(kept),
            Some(Judged::Unattested(words)) => found.unattested.push(words),
            Some(Judged::Refused(refused, why)) => {
                if let Some(near) = near {
                    near.refuse(refused, why);
                }
            }
        }
    }
    found
}

/// What `judge` makes of a cluster's places.
enum Judged {
    Kept(Quotation),
    /// Refused for no reason but that nothing says they are somebody's.
    Unattested(Quotation),
    /// Refused, and why (only when refusals are asked for).
    Refused(Quotation, Refusal),
}

/// The places that share only part of a passage (a short saying that a
/// longer passage around it carries) are a passage of their own: they and
/// the same words inside the longer witnesses.
fn echo_witnesses<'t>(kept: &[Witness<'t>], echoes: Vec<Witness<'t>>) -> Vec<Witness<'t>> {
    let Some(shortest) = echoes.iter().min_by_key(|w| token_count(w, w.start, w.end)) else {
        return Vec::new();
    };
    let keys: Vec<u32> = token_range(shortest, shortest.start, shortest.end)
        .iter()
        .map(|t| t.key)
        .collect();
    let mut found: Vec<Witness<'t>> = kept
        .iter()
        .filter_map(|w| {
            let inside = token_range(w, w.start, w.end);
            let at = inside
                .windows(keys.len())
                .position(|g| g.iter().map(|t| t.key).eq(keys.iter().copied()))?;
            Some(Witness {
                start: inside[at].start(),
                end: inside[at + keys.len() - 1].end(),
                ..*w
            })
        })
        .collect();
    found.extend(echoes);
    found.sort_by_key(|w| (w.unit, w.start));
    found
}

/// The witness's tokens that lie within `start..end`.
fn token_range<'t>(w: &Witness<'t>, start: usize, end: usize) -> &'t [Token] {
    let first = w.tokens.partition_point(|t| t.start() < start);
    let last = w.tokens.partition_point(|t| t.end() <= end);
    &w.tokens[first..last.max(first)]
}

/// The evidence that the witnesses are somebody's words, and the origin:
/// the quotation; or the words that lack only evidence that they are
/// somebody's; or (when `refusals` are asked for) the quotation the words
/// would have made and why they are refused; `None` when they stand in one
/// piece only.
fn judge(
    witnesses: Vec<Witness>,
    units: &[Unit],
    edition: &Edition,
    options: &QuotationOptions,
    (chance, refusals): (f64, bool),
) -> Option<Judged> {
    if witnesses.len() < 2 {
        return None;
    }

    // Quoted: inside quotation marks that hold mostly this passage, not a
    // phrase inside a longer quoted text (the rules quoted at length).
    let quoted_at = |w: &Witness| {
        w.quoted.iter().any(|&(qs, qe)| {
            qs <= w.start
                && w.end <= qe
                && token_count(w, qs, qe) <= 2 * token_count(w, w.start, w.end)
        })
    };
    // Reported: after 指出 or "said", and running to the end of a clause
    // there (in formulaic prose 强调 stands before every other sentence,
    // and a fragment that stops mid-clause is not what was said).
    let reported_at = |w: &Witness| {
        if !ends_clause(w.chars, w.end) {
            return false;
        }
        let before: String = w.chars[w.start.saturating_sub(options.report_window)..w.start]
            .iter()
            .collect::<String>()
            .to_lowercase();
        REPORTING.iter().any(|verb| before.contains(verb))
    };
    // The words that introduce a quotation in most of their places (……在
    // ……会议上的讲话中指出：“; as he wrote: ") are the reporter's frame,
    // however often one speaker is reported.
    let introducing = witnesses
        .iter()
        .filter(|w| introduces(w.chars, w.end, options.report_window))
        .count();
    let introduced = introducing * 2 > witnesses.len();
    let flags: Vec<(bool, bool)> = witnesses
        .iter()
        .map(|w| (quoted_at(w), reported_at(w)))
        .collect();
    let occurrences: Vec<Occurrence> = witnesses
        .iter()
        .zip(&flags)
        .map(|(w, &(quoted, _))| Occurrence {
            chapter: units[w.unit].chapter,
            unit: units[w.unit].unit,
            start: w.start,
            end: w.end,
            text: w.chars[w.start..w.end].iter().collect(),
            quoted,
        })
        .collect();
    let mut chapters: Vec<usize> = occurrences.iter().map(|o| o.chapter).collect();
    chapters.dedup();
    if chapters.len() < 2 {
        return None;
    }
    let tokens = witnesses
        .iter()
        .map(|w| token_count(w, w.start, w.end))
        .max()
        .unwrap_or(0);
    let quoted = flags.iter().any(|f| f.0);
    let reported = flags.iter().any(|f| f.1);
    let bounded = witnesses
        .iter()
        .any(|w| is_bounded(w.chars, w.start, w.end));
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
    // A word carries about as much as two CJK characters.
    let (sentence, long) = if options.cjk { (20, 30) } else { (12, 18) };
    // Every place ends where a clause or sentence ends, and the words run
    // over several clauses: they may begin where the places differ (it
    // will / the agitation would | not cease, until a crisis …, and passed).
    let ends_everywhere = witnesses.iter().all(|w| ends_clause(w.chars, w.end));
    let sentence_like = (bounded && (separators >= 2 || tokens >= sentence))
        || (ends_everywhere && separators >= 2);
    // No place ends a clause, and the passage holds none: the words stop
    // where every place goes on with words of its own (in the year of our
    // Lord eighteen hundred and | fifty-eight / thirty-seven): a frame with
    // a slot, the genre's formula, whoever puts it in quotation marks.
    let slot_frame = separators == 0
        && witnesses.len() >= 3
        && !witnesses.iter().any(|w| ends_clause(w.chars, w.end));
    // A place where the words stand inside a clause, its words on both
    // sides (从实现……中国梦的高度), uses them as a noun phrase: words that
    // nobody quotes or reports and that another piece builds into its own
    // clause are the genre's stock phrase, not somebody's sentence.
    let phrase_somewhere = witnesses.iter().any(|w| {
        !starts_clause(w.chars, w.start)
            && !ends_clause(w.chars, w.end)
            && !w.chars[w.start..w.end]
                .iter()
                .any(|c| "。！？；：，.!?;:,".contains(*c))
    });
    let stock_phrase = !quoted && !reported && phrase_somewhere;
    let evidence = quoted || reported || sentence_like || tokens >= long;
    let stopped = options
        .stop_list
        .iter()
        .any(|s| !s.is_empty() && occurrences.iter().any(|o| o.text.contains(s.as_str())));
    // Words that stand, unquoted, only in news reports are the reporters'
    // narration where they open every report (……会议在……召开。……出席
    // 会议并讲话: a yearly meeting's lede recurs every year), or where the
    // reports may be of one event, however often it is reported. A
    // sentence deep in reports years apart repeats somebody's words.
    let narration = !quoted
        && !reported
        && occurrences
            .iter()
            .all(|o| is_news(edition.chapters[o.chapter].front.kind.as_deref()))
        && (occurrences
            .iter()
            .all(|o| opens_report(&edition.chapters[o.chapter], o.unit))
            || may_be_one_event(occurrences.iter().map(|o| &edition.chapters[o.chapter])));
    // A run of capitalised words joined by small ones, with no clause in
    // it (the Constitution of the United States), is a name or a title.
    let name = !options.cjk && occurrences.iter().all(|o| is_name(&o.text));
    // The first reason that refuses the words (the editor's stop list and
    // a reporter's frame are not worth telling as near misses).
    let refusal = [
        (introduced || stopped, None),
        (!evidence, Some(Refusal::NoEvidence)),
        (narration, Some(Refusal::Narration)),
        (name, Some(Refusal::Name)),
        (slot_frame, Some(Refusal::Frame)),
        (stock_phrase, Some(Refusal::PhraseInClause)),
    ]
    .into_iter()
    .find_map(|(refused, why)| refused.then_some(why));
    // Refused only for want of evidence, and ending a clause in every
    // place as words retold do (…躺在县级馆和乡镇文化站的柜子里，), not
    // stopping inside one (The annual report of the committee was | read).
    let unattested = !evidence
        && ends_everywhere
        && !(introduced || stopped || narration || name || slot_frame || stock_phrase);
    if refusal == Some(None) || (refusal.is_some() && !refusals && !unattested) {
        return None;
    }
    let reporting: Vec<bool> = flags.iter().map(|&(q, r)| q || r).collect();
    let origin = origin(edition, &occurrences, &reporting);
    let quotation = Quotation {
        kind: Kind::Quotation,
        occurrences,
        origin,
        evidence: Evidence {
            quoted,
            reported,
            bounded,
            tokens,
            chance,
            decided: false,
            beside_quotation: false,
        },
    };
    Some(match refusal {
        _ if unattested => Judged::Unattested(quotation),
        Some(Some(why)) => Judged::Refused(quotation, why),
        _ => Judged::Kept(quotation),
    })
}

fn token_count(w: &Witness, start: usize, end: usize) -> usize {
    token_range(w, start, end).len()
}

/// The origin: where the words were said or first written. Places that
/// report them (in quotation marks, after 指出 or "said") come after
/// places that simply say them; then the earliest date; then a speech or
/// interview before an article or news item; then reading order.
pub fn origin(edition: &Edition, occurrences: &[Occurrence], reporting: &[bool]) -> usize {
    let key = |i: usize| {
        let front = &edition.chapters[occurrences[i].chapter].front;
        (
            reporting[i],
            front.date.is_none(),
            front.date,
            kind_rank(front.kind.as_deref()),
            occurrences[i].chapter,
        )
    };
    (0..occurrences.len()).min_by_key(|&i| key(i)).unwrap_or(0)
}

/// Whether `text` is a name or a title: its words are capitalised but
/// for short joining words (of, the, and), two of them at least, and no
/// clause mark stands between them.
fn is_name(text: &str) -> bool {
    const JOINING: &[&str] = &[
        "a", "an", "the", "of", "and", "for", "in", "on", "to", "at", "by", "de", "la", "von",
    ];
    if text.contains([',', ';', ':', '.', '!', '?']) {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    capitalised >= 2
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || JOINING.contains(&w.to_lowercase().as_str())
        })
}

/// Whether reports dated as `chapters` may be of one event: their dates
/// lie within `ONE_EVENT_DAYS` of each other (a date known only to the
/// month or the year may be any day in it; an undated report, any day).
fn may_be_one_event<'c>(chapters: impl Iterator<Item = &'c Chapter>) -> bool {
    let (mut latest_first, mut earliest_last) = (i64::MIN, i64::MAX);
    for chapter in chapters {
        if let Some(date) = &chapter.front.date {
            let (first, last) = date.day_range();
            latest_first = latest_first.max(first);
            earliest_last = earliest_last.min(last);
        }
    }
    latest_first.saturating_sub(earliest_last) <= ONE_EVENT_DAYS
}

/// Whether unit `unit` of `chapter` is its first paragraph (headings
/// before it left aside): a report's lede.
fn opens_report(chapter: &Chapter, unit: usize) -> bool {
    let first = chapter.document.paragraphs().first().map(|p| p.id.as_str());
    chapter
        .document
        .units()
        .get(unit)
        .is_some_and(|u| Some(u.id) == first)
}

/// How far apart two reports of one event (a meeting, a visit) may be.
const ONE_EVENT_DAYS: i64 = 31;

/// Whether a piece of this kind is a news report.
fn is_news(kind: Option<&str>) -> bool {
    const NEWS: &[&str] = &["news", "report", "dispatch", "新闻", "报道", "消息", "通讯"];
    kind.is_some_and(|k| NEWS.iter().any(|n| n.eq_ignore_ascii_case(k.trim())))
}

/// 0 for kinds in which words are said or first written, 1 for kinds that
/// report or compile them.
fn kind_rank(kind: Option<&str>) -> u8 {
    const SAID: &[&str] = &[
        "speech",
        "interview",
        "talk",
        "remarks",
        "address",
        "lecture",
        "letter",
        "conversation",
        "essay",
        "instruction",
        "sermon",
        "statement",
        "讲话",
        "谈话",
        "访谈",
        "书信",
    ];
    match kind {
        Some(k) if SAID.iter().any(|s| s.eq_ignore_ascii_case(k.trim())) => 0,
        _ => 1,
    }
}

/// Whether a quotation opens within `window` characters after `end`,
/// after a colon or comma, before the sentence ends: the words before
/// `end` introduce it.
fn introduces(chars: &[char], end: usize, window: usize) -> bool {
    let after = &chars[end..(end + window + 3).min(chars.len())];
    after
        .iter()
        .take_while(|&&c| !matches!(c, '。' | '；' | '！' | '？' | '.' | ';' | '!' | '?'))
        .collect::<String>()
        .split(['：', ':', '，', ','])
        .skip(1)
        .any(|rest| rest.trim_start().starts_with(['“', '「', '『', '"', '‘']))
}

/// Both edges rest on a clause mark (or the paragraph's edge): the passage
/// is a clause or sentence, not a phrase inside one.
pub fn is_bounded(chars: &[char], start: usize, end: usize) -> bool {
    starts_clause(chars, start) && ends_clause(chars, end)
}

/// What precedes `start` is a clause mark or the paragraph's start.
fn starts_clause(chars: &[char], start: usize) -> bool {
    is_edge(chars[..start].iter().rev().find(|c| !c.is_whitespace()))
}

/// What follows `end` is a clause mark or the paragraph's end.
fn ends_clause(chars: &[char], end: usize) -> bool {
    is_edge(chars[end..].iter().find(|c| !c.is_whitespace()))
}

fn is_edge(c: Option<&char>) -> bool {
    c.is_none_or(|&c| is_clause_mark(c) || c == '、')
}

/// Tokens between an edge and the nearest clause mark beyond it, if there
/// are few enough to belong to the same wording.
fn extension(w: &Witness, left: bool, limit: usize) -> Option<Vec<u32>> {
    let (from, to) = if left {
        let mark = w.chars[..w.start]
            .iter()
            .rposition(|&c| is_clause_mark(c))
            .map_or(0, |p| p + 1);
        (mark, w.start)
    } else {
        let mark = w.chars[w.end..]
            .iter()
            .position(|&c| is_clause_mark(c))
            .map_or(w.chars.len(), |p| w.end + p);
        (w.end, mark)
    };
    // Tokens stand in order: the stretch's are found by bisection, not by
    // a pass over a paragraph that may be a whole book.
    let first = w.tokens.partition_point(|t| t.start() < from);
    let last = w.tokens.partition_point(|t| t.end() <= to);
    let keys: Vec<u32> = w.tokens[first..last.max(first)]
        .iter()
        .map(|t| t.key)
        .collect();
    (keys.len() <= limit).then_some(keys)
}

/// An alignment stops where the witnesses differ, which cuts a variant's
/// differing words off (围绕中心 / 围绕大局、服务大局). Where every witness
/// reaches a clause mark within a few tokens, and their words there are
/// mostly the same, the occurrence takes them in.
fn snap_to_clauses(witnesses: &mut [Witness], options: &QuotationOptions) {
    let limit = if options.cjk { 4 } else { 3 };
    for left in [true, false] {
        let exts: Vec<Option<Vec<u32>>> = witnesses
            .iter()
            .map(|w| extension(w, left, limit))
            .collect();
        if exts.iter().any(Option::is_none) {
            continue;
        }
        let exts: Vec<Vec<u32>> = exts.into_iter().flatten().collect();
        for (i, w) in witnesses.iter_mut().enumerate() {
            let mine = &exts[i];
            if mine.is_empty() {
                continue;
            }
            let agrees = exts.iter().enumerate().any(|(j, theirs)| {
                j != i && {
                    let shared = mine.iter().filter(|k| theirs.contains(k)).count();
                    shared * 2 >= mine.len() && !theirs.is_empty()
                }
            });
            if !agrees {
                continue;
            }
            let inside: &[Token] = if left {
                &w.tokens[..w.tokens.partition_point(|t| t.end() <= w.start)]
            } else {
                &w.tokens[w.tokens.partition_point(|t| t.start() < w.end)..]
            };
            if left {
                if let Some(t) = inside.iter().rev().nth(mine.len() - 1) {
                    w.start = t.start();
                }
            } else if let Some(t) = inside.get(mine.len() - 1) {
                w.end = t.end();
            }
        }
    }
}

/// A place that shares only part of the passage with the others (a stock
/// clause or a saying that a longer quotation happens to contain) is not
/// one of its occurrences: kept are the places at least two thirds as long
/// as the median witness; the others are returned (`echo_witnesses`).
fn drop_partial_echoes<'t>(witnesses: &mut Vec<Witness<'t>>) -> Vec<Witness<'t>> {
    if witnesses.len() < 3 {
        return Vec::new();
    }
    let mut lengths: Vec<usize> = witnesses
        .iter()
        .map(|w| token_count(w, w.start, w.end))
        .collect();
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    let (kept, echoes) = std::mem::take(witnesses)
        .into_iter()
        .partition(|w| token_count(w, w.start, w.end) * 3 >= median * 2);
    *witnesses = kept;
    echoes
}

/// Alignment runs on past the edges of what was quoted when the words
/// around agree too (“指出：“…”). An occurrence mostly inside quotation
/// marks is cut to them; a short run past the end of a sentence is dropped.
fn trim(
    tokens: &[Token],
    text: &[char],
    quoted: &[(usize, usize)],
    mut start: usize,
    mut end: usize,
) -> (usize, usize) {
    let length = end - start;
    for &(qs, qe) in quoted {
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
        let first = tokens.partition_point(|t| t.start() < a);
        let last = tokens.partition_point(|t| t.end() <= b);
        last.saturating_sub(first)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::PartialDate;

    /// The words before `end` introduce a quotation that opens after a
    /// comma or colon within the window (and three characters more for
    /// the marks), before the sentence ends.
    #[test]
    fn a_quotation_opens_within_the_window_after_the_words_that_introduce_it() {
        // 他在会上指出 ends at 6; the quotation mark stands at 8 + gap.
        let introduced = |gap: usize, end_of_sentence: &str| {
            let text = format!(
                "他在会上指出，{}{end_of_sentence}：“为政以德”",
                "大".repeat(gap)
            );
            let chars: Vec<char> = text.chars().collect();
            introduces(&chars, 6, 8)
        };
        assert!(introduced(0, ""));
        assert!(introduced(8, ""));
        // At 6 + 8 + 3, past the window.
        assert!(!introduced(9, ""));
        // A sentence ends before it.
        assert!(!introduced(2, "。"));
        // No comma or colon before the mark: not introduced.
        let chars: Vec<char> = "他在会上指出“为政以德”".chars().collect();
        assert!(!introduces(&chars, 6, 8));
    }

    /// An edition of empty chapters, each with a date and a kind.
    fn edition(fronts: &[(Option<&str>, Option<&str>)]) -> Edition {
        let config = "title: T\nlanguage: zh-CN\n";
        Edition {
            root: Default::default(),
            config: crate::config::EditionConfig::parse(config, std::path::Path::new("e")).unwrap(),
            chapters: (fronts.iter().enumerate())
                .map(|(i, (date, kind))| Chapter {
                    file: Default::default(),
                    front: crate::model::FrontMatter {
                        date: date.and_then(PartialDate::parse),
                        kind: kind.map(str::to_owned),
                        ..Default::default()
                    },
                    slug: format!("c{i}"),
                    number: i + 1,
                    document: crate::markdown::parse("段落。\n"),
                    source_digest: 0,
                })
                .collect(),
        }
    }

    /// Each text's characters, tokens and quoted stretches.
    fn unit_texts(texts: &[&str]) -> Vec<UnitText> {
        texts
            .iter()
            .map(|t| {
                let chars: Vec<char> = t.chars().collect();
                let tokens = tokenize(&chars);
                let quoted = quoted_ranges(&chars);
                (chars, tokens, quoted)
            })
            .collect()
    }

    /// A witness of each text from the first character of `from` to the
    /// last of `to`.
    fn witnesses<'t>(texts: &'t [UnitText], from: &str, to: &str) -> Vec<Witness<'t>> {
        texts
            .iter()
            .enumerate()
            .map(|(unit, (chars, tokens, quoted))| {
                let text: String = chars.iter().collect();
                let at = |words: &str| text[..text.find(words).unwrap()].chars().count();
                Witness {
                    unit,
                    chars,
                    tokens,
                    quoted,
                    start: at(from),
                    end: at(to) + to.chars().count(),
                }
            })
            .collect()
    }

    fn spans(witnesses: &[Witness]) -> Vec<String> {
        witnesses
            .iter()
            .map(|w| w.chars[w.start..w.end].iter().collect())
            .collect()
    }

    #[test]
    fn occurrences_take_in_a_variants_few_words_up_to_the_clause_mark_when_they_mostly_agree() {
        let options = QuotationOptions::for_language("zh");
        // The alignment stopped at 开展, where 围绕中心 and 围绕大局 part.
        let texts = unit_texts(&[
            "，围绕中心开展工作，做到三个服务。",
            "，围绕大局开展工作，做到三个服务。",
        ]);
        let mut w = witnesses(&texts, "开展", "服务");
        snap_to_clauses(&mut w, &options);
        assert_eq!(
            spans(&w),
            [
                "围绕中心开展工作，做到三个服务",
                "围绕大局开展工作，做到三个服务"
            ]
        );
        // Words that share nothing are not the same wording.
        let texts = unit_texts(&["，围绕中心开展工作。", "，坚持不懈开展工作。"]);
        let mut w = witnesses(&texts, "开展", "工作");
        snap_to_clauses(&mut w, &options);
        assert_eq!(spans(&w), ["开展工作", "开展工作"]);
        // Five tokens to the mark are more than a variant's few (four).
        let texts = unit_texts(&["，要围绕中心开展工作。", "，要围绕大局开展工作。"]);
        let mut w = witnesses(&texts, "开展", "工作");
        snap_to_clauses(&mut w, &options);
        assert_eq!(spans(&w), ["开展工作", "开展工作"]);
        // The same on the right, from the end to the next mark.
        let texts = unit_texts(&["开展工作要围绕中心，好。", "开展工作要围绕大局，好。"]);
        let mut w = witnesses(&texts, "开展", "要");
        snap_to_clauses(&mut w, &options);
        assert_eq!(spans(&w), ["开展工作要围绕中心", "开展工作要围绕大局"]);
        assert_eq!(extension(&w[0], false, 4), Some(vec![]));
        assert_eq!(extension(&w[0], true, 4), Some(vec![]));
    }

    #[test]
    fn a_place_much_shorter_than_the_median_witness_is_an_echo() {
        let texts = unit_texts(&["一二三四五六七八九十"; 4]);
        // Witnesses of the given lengths, each from the first character.
        let of = |lengths: &[usize]| -> Vec<Witness> {
            (lengths.iter().zip(&texts).enumerate())
                .map(|(unit, (&length, (chars, tokens, quoted)))| Witness {
                    unit,
                    chars,
                    tokens,
                    quoted,
                    start: 0,
                    end: length,
                })
                .collect()
        };
        let mut w = of(&[10, 10, 6]);
        assert_eq!(token_count(&w[2], 0, 6), 6);
        let echoes = drop_partial_echoes(&mut w);
        assert_eq!(spans(&echoes), ["一二三四五六"]);
        assert_eq!(spans(&w), ["一二三四五六七八九十"; 2]);
        // Two thirds of the median or more: a witness.
        let mut w = of(&[10, 10, 7]);
        assert!(drop_partial_echoes(&mut w).is_empty());
        assert_eq!(w.len(), 3);
        // The median, not the longest: of 4, 6, 6 and 10 it is 6, and 4
        // is two thirds of it.
        let mut w = of(&[4, 6, 6, 10]);
        assert!(drop_partial_echoes(&mut w).is_empty());
        let mut w = of(&[3, 6, 6, 10]);
        assert_eq!(spans(&drop_partial_echoes(&mut w)), ["一二三"]);
        // Two witnesses: nothing to measure against.
        let mut w = of(&[10, 2]);
        assert!(drop_partial_echoes(&mut w).is_empty());
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn a_long_units_text_is_cut_once_and_kept_a_short_ones_made_each_time() {
        let options = QuotationOptions::for_language("zh-CN");
        let long = "长段落的文字。".repeat(KEPT_TEXT_BYTES / 21 + 1);
        let units = [
            Unit::new(0, 0, "短。", &options),
            Unit::new(0, 1, &long, &options),
        ];
        let texts = Texts::new(&units);
        assert!(matches!(texts.text(0), TextRef::Made(_)));
        let kept = texts.text(1);
        assert!(matches!(kept, TextRef::Kept(_)));
        assert_eq!(kept.0.len(), long.chars().count());
        // The same cut, not cut again.
        assert!(std::ptr::eq(&*kept, &*texts.text(1)));
    }

    fn places(chapters: &[usize]) -> Vec<Occurrence> {
        (chapters.iter())
            .map(|&chapter| Occurrence {
                chapter,
                unit: 0,
                start: 0,
                end: 2,
                text: "段落".to_owned(),
                quoted: false,
            })
            .collect()
    }

    #[test]
    fn the_origin_says_the_words_first_and_does_not_report_them() {
        let e = edition(&[
            (Some("2019-05"), Some("article")),
            (Some("2012-11-17"), Some("news")),
            (Some("2012-11-17"), Some("Speech ")),
            (None, Some("speech")),
        ]);
        let all = places(&[0, 1, 2, 3]);
        // The earliest date; on the same day, a speech before a report.
        assert_eq!(origin(&e, &all, &[false; 4]), 2);
        // A place that reports the words comes after any that says them.
        assert_eq!(origin(&e, &all, &[false, false, true, true]), 1);
        assert_eq!(origin(&e, &all, &[true, true, true, false]), 3);
        // An undated place comes after dated ones; reading order last.
        assert_eq!(origin(&e, &places(&[3, 0]), &[false; 2]), 1);
        let undated = edition(&[(None, None), (None, None)]);
        assert_eq!(origin(&undated, &places(&[1, 0]), &[false; 2]), 1);
        assert_eq!(origin(&undated, &[], &[]), 0);
    }

    #[test]
    fn kinds_that_say_the_words_rank_before_kinds_that_report_them() {
        for said in ["speech", "Interview", " 讲话 ", "letter", "sermon"] {
            assert_eq!(kind_rank(Some(said)), 0, "{said}");
        }
        for reported in ["article", "news", "speeches", ""] {
            assert_eq!(kind_rank(Some(reported)), 1, "{reported}");
        }
        assert_eq!(kind_rank(None), 1);
        assert!(is_news(Some("News")) && is_news(Some(" 报道")) && is_news(Some("dispatch")));
        assert!(!is_news(Some("newsletter")) && !is_news(Some("speech")) && !is_news(None));
    }

    #[test]
    fn reports_a_month_apart_at_most_may_be_of_one_event() {
        let e = edition(&[
            (Some("2019-03-01"), None),
            (Some("2019-03-30"), None),
            (Some("2019-05-02"), None),
            (Some("2019-04"), None),
            (None, None),
        ]);
        let of = |chapters: &[usize]| may_be_one_event(chapters.iter().map(|&c| &e.chapters[c]));
        assert!(of(&[0, 1]));
        assert!(!of(&[0, 2]));
        // A month's date may be any day in it: near both.
        assert!(of(&[1, 3]) && of(&[2, 3]));
        // An undated report may be of any day.
        assert!(of(&[0, 4]) && of(&[4]));
        assert!(!of(&[0, 2, 4]));
        // Thirty-one days apart is one event still; thirty-two is not.
        let apart = edition(&[
            (Some("2019-03-01"), None),
            (Some("2019-04-01"), None),
            (Some("2019-04-02"), None),
        ]);
        let of =
            |chapters: &[usize]| may_be_one_event(chapters.iter().map(|&c| &apart.chapters[c]));
        assert!(of(&[0, 1]));
        assert!(!of(&[0, 2]));
    }

    #[test]
    fn a_passage_is_bounded_when_clause_marks_or_the_paragraphs_edges_hold_it() {
        let chars: Vec<char> = "他说，为政以德。 譬如北辰、居其所".chars().collect();
        let at = |s: &str| {
            let text: String = chars.iter().collect();
            text[..text.find(s).unwrap()].chars().count()
        };
        assert!(is_bounded(&chars, at("为政"), at("。")));
        assert!(is_bounded(&chars, at("譬如"), at("、")));
        assert!(is_bounded(&chars, at("居其所"), chars.len()));
        assert!(is_bounded(&chars, 0, at("，")));
        assert!(!is_bounded(&chars, at("政以"), at("。")));
        assert!(!is_bounded(&chars, at("为政"), at("德")));
    }

    #[test]
    fn words_before_a_colon_or_comma_and_a_quotation_mark_introduce_it() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        let text = chars("他指出：“为政以德。”");
        assert!(introduces(&text, 3, 4));
        let text = chars("He said, \"Government is best.\"");
        assert!(introduces(&text, 7, 4));
        // The sentence ends first, or no mark comes within the window.
        assert!(!introduces(&chars("他指出了问题。“为政以德。”"), 3, 10));
        assert!(!introduces(&chars("他指出：为政以德"), 3, 4));
        assert!(!introduces(&chars("他指出：一二三四五六“为政以德”"), 3, 4));
    }

    #[test]
    fn a_witness_is_trimmed_to_its_quotation_marks_and_its_sentence() {
        let trimmed = |text: &str, from: &str, to: &str| {
            let chars: Vec<char> = text.chars().collect();
            let tokens = tokenize(&chars);
            let quoted = quoted_ranges(&chars);
            let index = |s: &str| text[..text.find(s).unwrap()].chars().count();
            let (start, end) = trim(&tokens, &chars, &quoted, index(from), index(to));
            chars[start..end].iter().collect::<String>()
        };
        // Mostly inside quotation marks: cut to them.
        assert_eq!(
            trimmed("他指出：“为政以德，譬如北辰。”大家", "指出", "大家"),
            "为政以德，譬如北辰"
        );
        // Half inside is not mostly.
        assert_eq!(trimmed("甲乙丙丁“戊己庚辛”", "乙", "”"), "乙丙丁“戊己庚辛");
        assert_eq!(trimmed("甲乙丙丁“戊己庚辛”", "丙", "”"), "戊己庚辛");
        // A short run into the next sentence is dropped, and a short
        // lead-in from the sentence before.
        assert_eq!(
            trimmed("为政以德，譬如北辰，居其所。众星共之", "为政", "之"),
            "为政以德，譬如北辰，居其所"
        );
        assert_eq!(
            trimmed("之至。为政以德，譬如北辰，居其所", "之至", "所") + "|",
            "为政以德，譬如北辰，居其|"
        );
        // A reporting verb the alignment took along.
        assert_eq!(
            trimmed("他强调，为政以德，譬如北辰", "强调", "辰") + "|",
            "为政以德，譬如北|"
        );
        // Four words past the last sentence's end are kept, three are
        // not (above).
        assert_eq!(
            trimmed("为政以德，譬如北辰。众星共之也", "为政", "也"),
            "为政以德，譬如北辰。众星共之"
        );
        // The lead-in dropped, then the punctuation it leaves at the edge.
        assert_eq!(
            trimmed("说了。（为政以德譬如北辰众星共之", "说了", "之") + "|",
            "为政以德譬如北辰众星共|"
        );
        // Nothing but punctuation: nothing, not a span turned inside out;
        // and at the paragraph's end, nothing read past it.
        for text in ["甲。，；乙", "甲。，；"] {
            let chars: Vec<char> = text.chars().collect();
            let tokens = tokenize(&chars);
            assert_eq!(trim(&tokens, &chars, &[], 1, 4), (4, 4), "{text}");
        }
    }

    #[test]
    fn names_and_titles_are_told_from_sentences() {
        assert!(is_name("the Constitution of the United States"));
        assert!(is_name("Declaration of Independence"));
        assert!(!is_name("Four score and seven years ago"));
        assert!(!is_name("That government is best which governs least"));
        // A list of names is a formula's matter, not a name.
        assert!(!is_name("Free Soil, Free Speech, Free Labor, and Free Men"));
        assert!(!is_name("London"));
    }
}
