//! Formulas: short enumerations and paired coinages that recur across
//! pieces (清、慎、勤; “总开关”“总枢纽”“总调度”; “前哨”和“后院”), in or out
//! of quotation marks. Too short to be found by alignment, they are found
//! by their shape: two to five members of one to four tokens each, joined
//! by 、 or standing side by side in quotation marks. Two lists are the
//! same formula when they have as many members and each member of one
//! ends the matching member of the other (前哨 / 坚强前哨).

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::model::Edition;

use super::background::Background;
use super::near_misses::{Collector, Refusal};
use super::places::{Texts, is_bounded, origin};
use super::tokens::{Token, is_clause_mark, quoted_ranges, tokenize};
use super::{Evidence, Kind, Occurrence, Quotation, Unit};

const MAX_MEMBER: usize = 4;
const MIN_MEMBERS: usize = 2;
const MAX_MEMBERS: usize = 5;

/// One list found in a unit.
struct List {
    unit: usize,
    /// Each member's token range.
    members: Vec<(usize, usize)>,
    quoted: bool,
    /// A member was cut to its neighbour's length: the list's edge is a
    /// guess.
    cut: bool,
}

/// A list found in a unit, with its members' keys and the character
/// offsets it covers, first member to last.
pub struct Candidate {
    list: List,
    keys: Vec<Vec<u32>>,
    start: usize,
    end: usize,
}

/// Lists that recur in two chapters or more, grouped by formula.
pub struct Candidates {
    lists: Vec<Candidate>,
    groups: Vec<Vec<usize>>,
}

impl Candidates {
    /// Each group's shortest wording: what the background must judge.
    pub fn wordings(&self) -> Vec<Vec<u32>> {
        self.groups
            .iter()
            .map(|g| shortest(g, &self.lists))
            .collect()
    }
}

fn shortest(group: &[usize], lists: &[Candidate]) -> Vec<u32> {
    group
        .iter()
        .map(|&i| lists[i].keys.concat())
        .min_by_key(|k| k.len())
        .unwrap_or_default()
}

/// A list found as its unit was tokenized (`listed_in`), with the
/// character offsets it covers.
pub struct Listed {
    list: List,
    start: usize,
    end: usize,
}

/// Pushes onto `found` the lists of unit `unit` (of its chapter), whose
/// words are `text`, as characters `chars`, tokens `tokens` and ranges in
/// quotation marks `quoted`. Called as the unit is tokenized for
/// detection: gathering its characters and tokenizing it a second time
/// for the formulas took as long as finding its lists.
pub fn listed_in(
    (unit, text): (usize, &str),
    chars: &[char],
    tokens: &[Token],
    quoted: &[(usize, usize)],
    found: &mut Vec<Listed>,
) {
    if !text.contains(['、', '“', '‘', '「']) {
        return;
    }
    found.extend(
        lists_in(unit, chars, tokens, quoted)
            .into_iter()
            .map(|list| Listed {
                start: tokens[list.members[0].0].start(),
                end: tokens[list.members.last().expect("two members or more").1 - 1].end(),
                list,
            }),
    );
}

/// The formula candidates of `units`, from the lists `listed_in` found in
/// each chapter: (the chapter's first unit in `units`, its lists).
pub fn candidates(units: &[Unit], listed: Vec<(usize, Vec<Listed>)>) -> Candidates {
    let lists: Vec<Candidate> = listed
        .into_par_iter()
        .flat_map_iter(|(first, lists)| {
            lists.into_iter().map(move |listed| {
                let Listed {
                    mut list,
                    start,
                    end,
                } = listed;
                list.unit += first;
                let keys = &units[list.unit].keys;
                Candidate {
                    keys: (list.members.iter())
                        .map(|&(a, b)| keys[a..b].to_vec())
                        .collect(),
                    start,
                    end,
                    list,
                }
            })
        })
        .collect();
    // Candidates meet when they have as many members ending alike.
    let mut buckets: BTreeMap<Vec<u32>, Vec<usize>> = BTreeMap::new();
    for (i, c) in lists.iter().enumerate() {
        let ends: Vec<u32> = c
            .keys
            .iter()
            .map(|m| *m.last().expect("members are non-empty"))
            .collect();
        buckets.entry(ends).or_default().push(i);
    }
    let groups = buckets
        .into_values()
        .flat_map(|bucket| same_formula(&bucket, &lists))
        .filter(|g| {
            let chapters: HashSet<usize> = g
                .iter()
                .map(|&i| units[lists[i].list.unit].chapter)
                .collect();
            chapters.len() >= 2
        })
        .collect();
    Candidates { lists, groups }
}

/// The groups that are formulas; `near`, when given, is told of those
/// refused as too likely by chance, of short members unquoted, or in more
/// chapters than a saying may be.
pub fn judge(
    candidates: &Candidates,
    units: &[Unit],
    texts: &Texts,
    edition: &Edition,
    background: &Background,
    (max_chapters, near): (usize, Option<&Collector>),
) -> Vec<Quotation> {
    let chapters_of = |g: &[usize]| -> HashSet<usize> {
        g.iter()
            .map(|&i| units[candidates.lists[i].list.unit].chapter)
            .collect()
    };
    // Each group is judged on its own (in order: the output is the same
    // on every run).
    let mut formulas = candidates
        .groups
        .par_iter()
        // A list in more chapters than a saying may be is the genre's
        // stock (讲政治、顾大局、守纪律 in a third of the pieces).
        .filter(|g| near.is_some() || chapters_of(g).len() <= max_chapters)
        .filter_map(|g| {
            let found = formula(
                g,
                &candidates.lists,
                units,
                texts,
                edition,
                background,
                near,
            )?;
            Some((found, shortest(g, &candidates.lists)))
        })
        .collect::<Vec<_>>();
    found_bare(&mut formulas, units, texts, edition);
    let (kept, stock): (Vec<Quotation>, Vec<Quotation>) = formulas
        .into_iter()
        .map(|(f, _)| f)
        .partition(|f| f.chapters().len() <= max_chapters);
    if let Some(near) = near {
        for f in stock {
            let pieces = f.chapters().len();
            near.refuse(f, Refusal::Stock { pieces });
        }
    }
    kept
}

/// Tokens a formula's wording needs to be looked for where no list shape
/// marks it.
const BARE_MIN: usize = 4;

/// Adds to each formula the places where its wording stands without the
/// shape of a list being clear (就是谋在细、冲在先这二条: a pair whose both
/// edges run into the words around it), found by one search of every
/// formula's shortest wording.
fn found_bare(
    formulas: &mut [(Quotation, Vec<u32>)],
    units: &[Unit],
    texts: &Texts,
    edition: &Edition,
) {
    // Each searched wording with the index of its formula.
    let (index, searchable): (Vec<usize>, Vec<&[u32]>) = formulas
        .iter()
        .enumerate()
        .filter(|(_, (_, keys))| keys.len() >= BARE_MIN)
        .map(|(i, (_, keys))| (i, keys.as_slice()))
        .unzip();
    let places = super::align::bare_places(units, &searchable);
    for (p, span) in places {
        let (formula, _) = &mut formulas[index[p]];
        let unit = &units[span.unit];
        let held = formula
            .occurrences
            .iter()
            .any(|o| o.chapter == unit.chapter && o.unit == unit.unit);
        if held {
            continue;
        }
        let text = texts.text(span.unit);
        let (chars, tokens, _) = &*text;
        let (start, end) = (tokens[span.start].start(), tokens[span.end - 1].end());
        formula.occurrences.push(Occurrence {
            chapter: unit.chapter,
            unit: unit.unit,
            start,
            end,
            text: chars[start..end].iter().collect(),
            quoted: false,
        });
    }
    for (formula, _) in formulas.iter_mut() {
        formula
            .occurrences
            .sort_by_key(|o| (o.chapter, o.unit, o.start));
        let reporting: Vec<bool> = formula.occurrences.iter().map(|o| o.quoted).collect();
        formula.origin = origin(edition, &formula.occurrences, &reporting);
    }
}

/// Where a formula and a quotation hold one another, one cluster stays:
/// - a quotation that in every place is a formula and a few words around
///   it (努力当好后院、显微镜、桥头堡; 概括起来，就是“精”“公”“透”“专”这四条)
///   is that formula in its frame: the formula stays;
/// - a formula that stands only inside a longer quotation is that
///   quotation's words: the quotation stays.
pub fn drop_inside_quotations(quotations: &mut Vec<Quotation>) {
    let mut keep = vec![true; quotations.len()];
    // A formula and a quotation meet only in a unit where both stand (or
    // where one stands nowhere, vacuously): each formula is held against
    // the quotations of its units, not all of them (a large edition's
    // thousands of formulas against its tens of thousands of quotations
    // took a second at 100,000 pieces). In the same order as all pairs:
    // what an earlier pair dropped is dropped for a later one.
    let mut by_unit: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    let mut nowhere = Vec::new();
    for (q, quotation) in quotations.iter().enumerate() {
        if quotation.kind != Kind::Quotation {
            continue;
        }
        if quotation.occurrences.is_empty() {
            nowhere.push(q);
        }
        for o in &quotation.occurrences {
            by_unit.entry((o.chapter, o.unit)).or_default().push(q);
        }
    }
    let mut met = Vec::new();
    for f in 0..quotations.len() {
        if quotations[f].kind != Kind::Formula {
            continue;
        }
        met.clear();
        met.extend_from_slice(&nowhere);
        for o in &quotations[f].occurrences {
            met.extend(by_unit.get(&(o.chapter, o.unit)).into_iter().flatten());
        }
        if quotations[f].occurrences.is_empty() {
            met.clear();
            met.extend(0..quotations.len());
        }
        met.sort_unstable();
        met.dedup();
        for &q in &met {
            meet(quotations, &mut keep, f, q);
        }
    }
    retain_kept(quotations, &keep);
}

/// Formula `f` met with cluster `q`, if `q` is a quotation still kept:
/// the quotation goes if it is the formula in its frame; else the formula
/// goes if it stands only inside the quotation.
fn meet(quotations: &[Quotation], keep: &mut [bool], f: usize, q: usize) {
    if !keep[q] || quotations[q].kind != Kind::Quotation {
        return;
    }
    let (formula, quotation) = (&quotations[f], &quotations[q]);
    if quotation.evidence.tokens <= 2 * formula.evidence.tokens + FRAME
        && holds_in_every_place(formula, quotation)
    {
        keep[q] = false;
    } else if keep[f] && stands_inside(formula, quotation) {
        keep[f] = false;
    }
}

/// Whether every place of `formula` stands inside a place of `quotation`.
fn stands_inside(formula: &Quotation, quotation: &Quotation) -> bool {
    formula.occurrences.iter().all(|o| {
        quotation.occurrences.iter().any(|p| {
            p.chapter == o.chapter && p.unit == o.unit && p.start <= o.start && o.end <= p.end
        })
    })
}

/// The `quotations` whose `keep` is true, in their order.
fn retain_kept(quotations: &mut Vec<Quotation>, keep: &[bool]) {
    let mut k = 0;
    quotations.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Tokens a quotation may have beyond twice its formula's and still be
/// the formula in its frame (要做到……; 概括起来，就是……这四条).
const FRAME: usize = 6;

/// A clause of this many letters or more outside the formula is words of
/// their own (加强主观世界改造，树立正确的世界观、人生观、价值观), not a
/// frame.
const OWN_CLAUSE: usize = 6;

/// Whether every place of `quotation` holds a place of `formula`, with no
/// whole clause of its own beside it.
fn holds_in_every_place(formula: &Quotation, quotation: &Quotation) -> bool {
    quotation.occurrences.iter().all(|p| {
        formula.occurrences.iter().any(|o| {
            p.chapter == o.chapter
                && p.unit == o.unit
                && p.start <= o.start
                && o.end <= p.end
                && !clause_beside(p, o.start - p.start, o.end - p.start)
        })
    })
}

/// Whether `place`'s text has a clause of `OWN_CLAUSE` letters or more
/// wholly outside characters `start..end`.
fn clause_beside(place: &Occurrence, start: usize, end: usize) -> bool {
    let mut clause_start = 0;
    let mut letters = 0;
    for (i, c) in place.text.chars().chain(std::iter::once('。')).enumerate() {
        if super::tokens::is_clause_mark(c) {
            let outside = i <= start || clause_start >= end;
            if outside && letters >= OWN_CLAUSE {
                return true;
            }
            clause_start = i + 1;
            letters = 0;
        } else if crate::markdown::is_letter_or_digit(c) {
            letters += 1;
        }
    }
    false
}

/// Whether `text` is a list and little else: most of its tokens are the
/// members of one list (门户、领头雁、执行部; “硬哨兵”“硬瞭望塔”).
pub fn is_list(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let tokens = tokenize(&chars);
    lists_in_words(&chars, &tokens).iter().any(|list| {
        let members: usize = list.members.iter().map(|&(a, b)| b - a).sum();
        members * 5 >= tokens.len() * 4
    })
}

/// Whether `text` is a set phrase of the genre: one clause that ends with
/// a list after `SET_PHRASE_LEAD` tokens or more (不断增强人民群众的获得感、
/// 幸福感、安全感). Such words recur as the genre's, not as anybody's,
/// unless quotation marks say otherwise (`detect_unless`).
pub fn is_set_phrase(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let tokens = tokenize(&chars);
    lists_in_words(&chars, &tokens).iter().any(|list| {
        let (first, _) = list.members[0];
        let (_, last) = list.members[list.members.len() - 1];
        let lead = &chars[..tokens[first].start()];
        last == tokens.len() && first >= SET_PHRASE_LEAD && !lead.iter().any(|&c| is_clause_mark(c))
    })
}

/// Splits a bucket into groups whose members end one another.
fn same_formula(bucket: &[usize], lists: &[Candidate]) -> Vec<Vec<usize>> {
    let alike = |a: &[Vec<u32>], b: &[Vec<u32>]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.ends_with(y) || y.ends_with(x))
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in bucket {
        match groups
            .iter_mut()
            .find(|g| alike(&lists[g[0]].keys, &lists[i].keys))
        {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

fn formula(
    group: &[usize],
    lists: &[Candidate],
    units: &[Unit],
    texts: &Texts,
    edition: &Edition,
    background: &Background,
    near: Option<&Collector>,
) -> Option<Quotation> {
    // A pair's first member is cut wherever a verb stands before it: a
    // pair needs one place where both its edges are marked.
    if lists[group[0]].keys.len() == 2 && group.iter().all(|&i| lists[i].list.cut) {
        return None;
    }
    let quoted = group.iter().any(|&i| lists[i].list.quoted);
    let members = lists[group[0]].keys.len();
    let shortest = shortest(group, lists);
    // Unquoted, a pair must be of longer members (实干为上、创新为先, not
    // 改革、发展); and no list the genre uses everywhere (the background).
    let short_pair = members < 3 && shortest.len() < 6;
    if shortest.len() < 3 {
        return None;
    }
    // Refused below, and told to `near` once made.
    let mut refusal = None;
    if !quoted && short_pair {
        refusal = Some((Refusal::ShortPair, None));
        near?;
    }
    // A list that nobody quotes, standing in every place after the same
    // words, is the end of a set phrase of the genre (树立正确的世界观、
    // 人生观、价值观; 不断增强人民群众的获得感、幸福感、安全感), not a
    // coinage of its own: the phrase is what recurs, and it is judged as
    // a passage, with the evidence a passage needs.
    if !quoted && shared_lead(group, lists, units) >= SET_PHRASE_LEAD {
        return None;
    }
    let own: Vec<(usize, Vec<u32>)> = group
        .iter()
        .map(|&i| (lists[i].list.unit, lists[i].keys.concat()))
        .collect();
    let own: Vec<(usize, &[u32])> = own.iter().map(|(u, k)| (*u, k.as_slice())).collect();
    let chance = background.chance(&shortest, &own);
    // A list is a formula by its shape and its recurrence; the background
    // only keeps out a wording the rest of the edition would give more
    // often by chance than it stands in the group (a list the genre uses
    // everywhere, in wordings the group does not hold).
    if chance > group.len() as f64 && refusal.is_none() {
        refusal = Some((Refusal::Chance, Some(chance / group.len() as f64)));
        near?;
    }
    let mut bounded = false;
    let mut occurrences: Vec<(Occurrence, bool)> = group
        .iter()
        .map(|&i| {
            let Candidate {
                list, start, end, ..
            } = &lists[i];
            let (start, end) = (*start, *end);
            let unit = &units[list.unit];
            let text = texts.text(list.unit);
            let chars = &text.0;
            bounded |= is_bounded(chars, start, end);
            (
                Occurrence {
                    chapter: unit.chapter,
                    unit: unit.unit,
                    start,
                    end,
                    text: chars[start..end].iter().collect(),
                    quoted: list.quoted,
                },
                list.quoted,
            )
        })
        .collect();
    occurrences.sort_by_key(|(o, _)| (o.chapter, o.unit, o.start));
    occurrences.dedup_by_key(|(o, _)| (o.chapter, o.unit, o.start));
    let reporting: Vec<bool> = occurrences.iter().map(|(_, q)| *q).collect();
    let occurrences: Vec<Occurrence> = occurrences.into_iter().map(|(o, _)| o).collect();
    let origin = origin(edition, &occurrences, &reporting);
    let formula = Quotation {
        kind: Kind::Formula,
        occurrences,
        origin,
        evidence: Evidence {
            quoted,
            reported: false,
            bounded,
            tokens: shortest.len(),
            chance,
            decided: false,
            beside_quotation: false,
        },
    };
    match (refusal, near) {
        (None, _) => Some(formula),
        (Some((_, Some(over))), Some(near)) => {
            near.refuse_on_chance(formula, over);
            None
        }
        (Some((why, None)), Some(near)) => {
            near.refuse(formula, why);
            None
        }
        (Some(_), None) => None,
    }
}

/// Tokens before a list, the same in every place of the group, past
/// which it is the end of a set phrase (`formula`): 树立正确的 is five.
const SET_PHRASE_LEAD: usize = 5;

/// How many tokens just before its first member every list of `group`
/// has the same.
fn shared_lead(group: &[usize], lists: &[Candidate], units: &[Unit]) -> usize {
    let leads: Vec<&[u32]> = group
        .iter()
        .map(|&i| {
            let list = &lists[i].list;
            &units[list.unit].keys[..list.members[0].0]
        })
        .collect();
    let Some((first, others)) = leads.split_first() else {
        return 0;
    };
    first
        .iter()
        .rev()
        .enumerate()
        .take_while(|&(n, key)| {
            others
                .iter()
                .all(|lead| lead.len() > n && lead[lead.len() - 1 - n] == *key)
        })
        .count()
}

/// `lists_in` words that stand alone (a passage's, not a unit's).
fn lists_in_words(chars: &[char], tokens: &[Token]) -> Vec<List> {
    lists_in(0, chars, tokens, &quoted_ranges(chars))
}

/// The lists in one unit (its characters, tokens, and character ranges in
/// quotation marks, `quoted_ranges`): runs of quoted members side by side,
/// and runs of members joined by 、.
fn lists_in(unit: usize, chars: &[char], tokens: &[Token], quoted: &[(usize, usize)]) -> Vec<List> {
    let token_range = |start: usize, end: usize| {
        let first = tokens.partition_point(|t| t.start() < start);
        let last = tokens.partition_point(|t| t.end() <= end);
        (first, last.max(first))
    };
    let mut lists = Vec::new();
    // “前哨”“后院”, “前哨”和“后院”, ‘总开关’‘总枢纽’‘总调度’.
    let mut quoted: Vec<(usize, usize)> = quoted.to_vec();
    quoted.sort_unstable();
    let mut run: Vec<(usize, usize)> = Vec::new();
    let mut last_end = None;
    let flush = |run: &mut Vec<(usize, usize)>, lists: &mut Vec<List>| {
        if (MIN_MEMBERS..=MAX_MEMBERS).contains(&run.len()) {
            lists.push(List {
                unit,
                members: run.iter().map(|&(a, b)| token_range(a, b)).collect(),
                quoted: true,
                cut: false,
            });
        }
        run.clear();
    };
    for &(start, end) in &quoted {
        let (first, last) = token_range(start, end);
        let size = last - first;
        let inner = chars[start..end]
            .iter()
            .any(|c| matches!(c, '“' | '‘' | '、'));
        if size == 0 || size > MAX_MEMBER || inner {
            flush(&mut run, &mut lists);
            last_end = None;
            continue;
        }
        let joined = last_end.is_some_and(|e: usize| {
            if e > start {
                return false;
            }
            let between: String = chars[e..start].iter().collect();
            let between = between.trim_matches(|c| {
                matches!(c, '”' | '’' | '“' | '‘' | '」' | '「' | '』' | '『' | ' ')
            });
            matches!(
                between,
                "" | "、" | "和" | "与" | "及" | "," | "，" | "and" | "or"
            )
        });
        if !joined {
            flush(&mut run, &mut lists);
        }
        run.push((start, end));
        last_end = Some(end + 1);
    }
    flush(&mut run, &mut lists);
    // 清、慎、勤; 世界观、人生观、价值观. The first and last members run to
    // the clause mark before and after; when that is longer than a member
    // may be, they take their neighbour's length (牢固树立正确的世界观 →
    // 世界观).
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '、' {
            i += 1;
            continue;
        }
        let run_start = i;
        let mut seps = vec![i];
        let mut j = i + 1;
        while j < chars.len() {
            if chars[j] == '、' {
                seps.push(j);
            } else if super::tokens::is_clause_mark(chars[j]) {
                break;
            }
            j += 1;
        }
        i = j;
        let before = chars[..run_start]
            .iter()
            .rposition(|&c| super::tokens::is_clause_mark(c))
            .map_or(0, |p| p + 1);
        let mut bounds: Vec<(usize, usize)> = Vec::new();
        bounds.push(token_range(before, seps[0]));
        for w in seps.windows(2) {
            bounds.push(token_range(w[0] + 1, w[1]));
        }
        bounds.push(token_range(seps[seps.len() - 1] + 1, j));
        if bounds.len() > MAX_MEMBERS || bounds.len() < MIN_MEMBERS {
            continue;
        }
        let n = bounds.len();
        let size = |b: (usize, usize)| b.1 - b.0;
        // The first member is cut to its neighbour's length: what goes
        // before a list is usually its verb (树立正确的 世界观; 做到 公、深、
        // 慎、稳; 当好 硬哨兵、硬瞭望塔), what follows a last member is not.
        let mut cut = false;
        if size(bounds[0]) > size(bounds[1]) {
            bounds[0].0 = bounds[0].1 - size(bounds[1]);
            cut = true;
        }
        // The last member may run on into the words after the list
        // (公、深、慎、稳的要求): cut it to its neighbour's length when it is
        // clearly longer (two tokens or more; 经得住考验 after 顶得上去 stays).
        if n >= 3 && size(bounds[n - 1]) >= size(bounds[n - 2]) + 2 {
            bounds[n - 1].1 = bounds[n - 1].0 + size(bounds[n - 2]);
            cut = true;
        }
        if bounds.iter().all(|&b| (1..=MAX_MEMBER).contains(&size(b))) {
            let quoted = quoted.iter().any(|&(qs, qe)| {
                qs <= tokens[bounds[0].0].start() && tokens[bounds[n - 1].1 - 1].end() <= qe
            });
            lists.push(List {
                unit,
                members: bounds,
                quoted,
                cut,
            });
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cluster of `kind` and `tokens` with a place in each chapter:
    /// (chapter, character offset, the words there).
    fn cluster(kind: Kind, tokens: usize, places: &[(usize, usize, &str)]) -> Quotation {
        Quotation {
            kind,
            occurrences: (places.iter())
                .map(|&(chapter, start, text)| Occurrence {
                    chapter,
                    unit: 0,
                    start,
                    end: start + text.chars().count(),
                    text: text.to_owned(),
                    quoted: false,
                })
                .collect(),
            origin: 0,
            evidence: Evidence {
                tokens,
                ..Evidence::default()
            },
        }
    }

    /// A set phrase is one clause ending with a list after five tokens or
    /// more.
    #[test]
    fn a_set_phrase_is_one_clause_that_ends_with_a_list_after_five_words() {
        for (text, set) in [
            ("不断增强人民群众的获得感、幸福感、安全感", true),
            ("树立正确的世界观、人生观、价值观", true),
            // Four words before the list.
            ("立正确的世界观、人生观、价值观", false),
            ("让古籍藏得住、修得好、用得活", false),
            ("世界观、人生观、价值观", false),
            // A clause before it; words after it.
            ("加强主观世界改造，树立正确的世界观、人生观、价值观", false),
            ("树立正确的世界观、人生观、价值观，加强学习", false),
            ("要以推进治理体系和治理能力现代化为统领", false),
        ] {
            assert_eq!(is_set_phrase(text), set, "{text}");
        }
    }

    #[test]
    fn a_formula_in_its_frame_stays_and_a_formula_inside_a_longer_quotation_goes() {
        let q = Kind::Quotation;
        let f = Kind::Formula;
        let mut found = vec![
            // A formula, and a quotation that is the formula in its frame
            // (要做到……) in every place: the quotation goes.
            cluster(f, 3, &[(0, 3, "清、慎、勤"), (1, 3, "清、慎、勤")]),
            cluster(
                q,
                6,
                &[(0, 0, "要做到清、慎、勤"), (1, 0, "要做到清、慎、勤")],
            ),
            // A formula that stands only inside a quotation far longer
            // than a frame: the formula goes.
            cluster(f, 4, &[(2, 10, "前哨、后院"), (3, 10, "前哨、后院")]),
            cluster(
                q,
                30,
                &[
                    (
                        2,
                        0,
                        "办公厅要当好党委工作的坚强前哨、后院，始终做到忠诚可靠",
                    ),
                    (
                        3,
                        0,
                        "办公厅要当好党委工作的坚强前哨、后院，始终做到忠诚可靠",
                    ),
                ],
            ),
            // Short enough for a frame, but a clause of its own beside the
            // formula (加强主观世界改造): words of its own, which stay,
            // and the formula inside them goes.
            cluster(f, 6, &[(4, 9, "讲政治、顾大局"), (5, 9, "讲政治、顾大局")]),
            cluster(
                q,
                14,
                &[
                    (4, 0, "加强主观世界改造，讲政治、顾大局"),
                    (5, 0, "加强主观世界改造，讲政治、顾大局"),
                ],
            ),
        ];
        drop_inside_quotations(&mut found);
        let left: Vec<(Kind, &str)> = found.iter().map(|c| (c.kind, c.text())).collect();
        assert_eq!(
            left,
            [
                (f, "清、慎、勤"),
                (q, "办公厅要当好党委工作的坚强前哨、后院，始终做到忠诚可靠"),
                (q, "加强主观世界改造，讲政治、顾大局")
            ]
        );
    }

    /// Holding each formula against the quotations of its own units drops
    /// what holding it against every quotation drops, in the same order:
    /// random clusters over a few units, overlapping, nested, some with
    /// no place at all.
    #[test]
    fn formulas_meet_only_the_quotations_of_their_units_with_the_same_outcome() {
        type Places = Vec<(usize, usize, usize, usize)>;
        // Every formula against every quotation, in order.
        fn all_pairs(quotations: &mut Vec<Quotation>) {
            let mut keep = vec![true; quotations.len()];
            for f in 0..quotations.len() {
                if quotations[f].kind == Kind::Formula {
                    for q in 0..quotations.len() {
                        meet(quotations, &mut keep, f, q);
                    }
                }
            }
            retain_kept(quotations, &keep);
        }
        let mut draw = crate::enrich::quotations::tests::draws(5);
        let mut next = |below: usize| draw(below as u64) as usize;
        let (mut total, mut left) = (0, 0);
        for _ in 0..400 {
            let found: Vec<Quotation> = (0..next(12))
                .map(|_| {
                    let kind = [Kind::Formula, Kind::Quotation][next(2)];
                    let occurrences = (0..next(4))
                        .map(|_| {
                            let start = next(6);
                            let end = start + 1 + next(if kind == Kind::Formula { 4 } else { 14 });
                            Occurrence {
                                chapter: next(3),
                                unit: next(2),
                                start,
                                end,
                                text: (start..end).map(|i| ['清', '，', '勤'][i % 3]).collect(),
                                quoted: false,
                            }
                        })
                        .collect();
                    Quotation {
                        kind,
                        occurrences,
                        origin: 0,
                        evidence: Evidence {
                            tokens: 1 + next(14),
                            ..Evidence::default()
                        },
                    }
                })
                .collect();
            let (mut indexed, mut expected) = (found.clone(), found);
            drop_inside_quotations(&mut indexed);
            total += expected.len();
            all_pairs(&mut expected);
            left += expected.len();
            let places_of = |q: &[Quotation]| -> Vec<(Kind, Places)> {
                (q.iter())
                    .map(|c| {
                        let places = (c.occurrences.iter())
                            .map(|o| (o.chapter, o.unit, o.start, o.end))
                            .collect();
                        (c.kind, places)
                    })
                    .collect()
            };
            assert_eq!(places_of(&indexed), places_of(&expected));
        }
        // Enough dropped, and enough left, for the outcome to tell.
        assert!(
            left > total / 2 && left + 200 < total,
            "{left} clusters left of {total}"
        );
    }

    /// A quotation only a little longer than its formula, whose places
    /// each hold the formula and no clause of their own, is the formula in
    /// its frame up to twice the formula's tokens and six more; past that
    /// it is a quotation that holds a formula.
    #[test]
    fn a_frame_is_at_most_twice_the_formula_and_six_tokens() {
        let (q, f) = (Kind::Quotation, Kind::Formula);
        for (tokens, quotation_stays) in [(12, false), (13, true)] {
            let mut found = vec![
                cluster(f, 3, &[(0, 3, "清、慎、勤"), (1, 3, "清、慎、勤")]),
                cluster(
                    q,
                    tokens,
                    &[(0, 0, "要做到清、慎、勤"), (1, 0, "要做到清、慎、勤")],
                ),
            ];
            drop_inside_quotations(&mut found);
            let kinds: Vec<Kind> = found.iter().map(|c| c.kind).collect();
            // A quotation that stays holds the formula in every place:
            // the formula is its words and goes.
            let expected = if quotation_stays { [q] } else { [f] };
            assert_eq!(kinds, expected, "a quotation of {tokens} tokens");
        }
    }

    /// A formula's place holds a quotation's place only in the same
    /// chapter and unit, and a clause beside the formula is read at the
    /// formula's offsets within the quotation's place, wherever that place
    /// starts in its unit.
    #[test]
    fn a_formula_holds_a_quotation_place_by_place() {
        let (f, q) = (Kind::Formula, Kind::Quotation);
        let formula = cluster(f, 3, &[(0, 8, "清、慎、勤"), (1, 8, "清、慎、勤")]);
        // The frame 要做到 before the formula, both starting five
        // characters into their units.
        let framed = |[a, b]: [usize; 2]| {
            cluster(
                q,
                6,
                &[(a, 5, "要做到清、慎、勤"), (b, 5, "要做到清、慎、勤")],
            )
        };
        assert!(holds_in_every_place(&formula, &framed([0, 1])));
        // A quotation whose second place is in a chapter the formula is
        // not in.
        assert!(!holds_in_every_place(&formula, &framed([0, 2])));
        // A clause of its own after the formula (这是古人总结的为官之道),
        // the places again five characters into their units.
        let formula = cluster(f, 3, &[(0, 5, "清、慎、勤"), (1, 5, "清、慎、勤")]);
        let said = "清、慎、勤，这是古人总结的为官之道";
        let said = cluster(q, 16, &[(0, 5, said), (1, 5, said)]);
        assert!(!holds_in_every_place(&formula, &said));
    }

    /// Each group's shortest wording, its members' keys end to end, is what
    /// the background counts for it.
    #[test]
    fn each_formula_is_counted_in_its_shortest_wording() {
        let options = super::super::QuotationOptions::for_language("zh");
        let texts = [
            "要做到清、慎、勤。",
            "为官要坚持清、慎、勤。",
            "当好坚强前哨、后院。",
            "当好前哨、后院。",
            // In one chapter only: no formula.
            "要讲政治、顾大局。",
        ];
        let units: Vec<Unit> = (texts.iter().enumerate())
            .map(|(c, text)| Unit::new(c, 0, text, &options))
            .collect();
        let keys = |words: &str| words.chars().map(|c| c as u32).collect::<Vec<u32>>();
        let mut wordings = candidates_of(&units).wordings();
        wordings.sort();
        let mut expected = vec![keys("清慎勤"), keys("前哨后院")];
        expected.sort();
        assert_eq!(wordings, expected);
    }

    /// The candidates of `units`, each unit's lists found in its text.
    fn candidates_of(units: &[Unit]) -> Candidates {
        let listed = (units.iter().enumerate())
            .map(|(u, unit)| {
                let chars: Vec<char> = unit.text.chars().collect();
                let mut found = Vec::new();
                let tokens = tokenize(&chars);
                let quoted = quoted_ranges(&chars);
                listed_in((0, unit.text), &chars, &tokens, &quoted, &mut found);
                (u, found)
            })
            .collect();
        candidates(units, listed)
    }

    /// The lists `lists_in` finds in `text`: each member's words, whether
    /// the list is quoted, and whether a member was cut.
    fn lists(text: &str) -> Vec<(Vec<String>, bool, bool)> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(&chars);
        lists_in_words(&chars, &tokens)
            .into_iter()
            .map(|list| {
                let members = (list.members.iter())
                    .map(|&(a, b)| {
                        chars[tokens[a].start()..tokens[b - 1].end()]
                            .iter()
                            .collect()
                    })
                    .collect();
                (members, list.quoted, list.cut)
            })
            .collect()
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn members_joined_by_the_enumeration_comma_are_a_list_its_verb_cut_off() {
        assert_eq!(
            lists("要做到清、慎、勤。"),
            [(words(&["清", "慎", "勤"]), false, true)]
        );
        assert_eq!(
            lists("牢固树立正确的世界观、人生观、价值观，"),
            [(words(&["世界观", "人生观", "价值观"]), false, true)]
        );
        // At the start of a clause nothing is cut.
        assert_eq!(
            lists("清、慎、勤，"),
            [(words(&["清", "慎", "勤"]), false, false)]
        );
        // A last member running on into the words after it is cut to its
        // neighbour's length when two tokens or more longer...
        assert_eq!(
            lists("公、深、慎、稳的要求。"),
            [(words(&["公", "深", "慎", "稳"]), false, true)]
        );
        // ... not when one longer, nor in a pair.
        assert_eq!(
            lists("顶得上、经得住、打得赢了。"),
            [(words(&["顶得上", "经得住", "打得赢了"]), false, false)]
        );
        assert_eq!(
            lists("好、经得住考。"),
            [(words(&["好", "经得住考"]), false, false)]
        );
    }

    /// The last member is cut to its neighbour's length when it is longer
    /// by two tokens or more; a list is quoted only inside one quotation.
    #[test]
    fn a_last_member_that_runs_on_is_cut_to_its_neighbour() {
        let list = |members: &[&str]| (words(members), false, true);
        // Longer by one: it stands (the first member is cut, its verb).
        assert_eq!(lists("要做到清、慎、勤奋。"), [list(&["清", "慎", "勤奋"])]);
        assert_eq!(
            lists("要做到清、慎、勤的要求。"),
            [list(&["清", "慎", "勤"])]
        );
        // Cut to its own neighbour, the fourth of five, not the third.
        assert_eq!(
            lists("要做到公、正、廉洁、明、勤的要求。"),
            [list(&["公", "正", "廉洁", "明", "勤"])]
        );
        assert_eq!(
            lists("要做到公、正、廉洁、明、勤于事。"),
            [list(&["公", "正", "廉洁", "明", "勤"])]
        );
        // A quotation before the list in its paragraph does not quote it.
        assert_eq!(
            lists("他说“前进”，要做到清、慎、勤。"),
            [list(&["清", "慎", "勤"])]
        );
    }

    #[test]
    fn a_list_has_two_to_five_members_of_at_most_four_tokens() {
        assert_eq!(lists("甲、乙、丙、丁、戊。").len(), 1);
        assert!(lists("甲、乙、丙、丁、戊、己。").is_empty());
        assert!(lists("甲乙丙丁戊、己庚辛壬癸。").is_empty());
        assert_eq!(lists("甲乙丙丁、己庚辛壬。").len(), 1);
        assert!(lists("没有顿号的一句话。").is_empty());
    }

    #[test]
    fn quoted_members_side_by_side_or_joined_by_a_conjunction_are_a_list() {
        let pair = || (words(&["前哨", "后院"]), true, false);
        assert_eq!(lists("当好“前哨”“后院”。"), [pair()]);
        assert_eq!(lists("当好“前哨”和“后院”。"), [pair()]);
        assert_eq!(lists("当好“前哨”、“后院”。"), [pair()]);
        assert_eq!(
            lists("当好‘总开关’‘总枢纽’‘总调度’。"),
            [(words(&["总开关", "总枢纽", "总调度"]), true, false)]
        );
        // Words between two quoted ones part them; one alone is no list.
        assert!(lists("当好“前哨”，守好“后院”。").is_empty());
        // A member of more than four tokens, or one holding a list, ends a run.
        assert!(lists("“前哨”“一个很长的说法”。").is_empty());
        // Members joined by 、 inside quotation marks are a quoted list.
        assert_eq!(
            lists("即“清、慎、勤”。"),
            [(words(&["清", "慎", "勤"]), true, false)]
        );
        // Corner brackets, single and double, as well.
        assert_eq!(lists("当好「前哨」「后院」。"), [pair()]);
        assert_eq!(lists("当好『前哨』和『后院』。"), [pair()]);
        // A quotation inside another is not the next member of a run.
        assert!(lists("当好“前哨「后院」”。").is_empty());
    }

    #[test]
    fn lists_are_one_formula_when_each_member_ends_the_others() {
        let candidate = |members: &[&str]| {
            let keys: Vec<Vec<u32>> = (members.iter())
                .map(|m| m.chars().map(|c| c as u32).collect())
                .collect();
            Candidate {
                list: List {
                    unit: 0,
                    members: Vec::new(),
                    quoted: true,
                    cut: false,
                },
                keys,
                start: 0,
                end: 0,
            }
        };
        let lists = [
            candidate(&["前哨", "后院"]),
            candidate(&["坚强前哨", "后院"]),
            candidate(&["哨", "大后院"]),
            candidate(&["前哨", "后院", "门户"]),
            candidate(&["岗哨", "后院"]),
        ];
        assert_eq!(
            same_formula(&[0, 1, 2, 3, 4], &lists),
            [vec![0, 1, 2], vec![3], vec![4]]
        );
    }

    #[test]
    fn a_clause_of_its_own_beside_a_formula_is_words_of_their_own() {
        let place = |text: &str| Occurrence {
            chapter: 0,
            unit: 0,
            start: 0,
            end: text.chars().count(),
            text: text.to_owned(),
            quoted: false,
        };
        let text = "加强主观世界改造，树立正确的世界观、人生观、价值观";
        let at = text[..text.find("世界观").unwrap()].chars().count();
        let list = at + "世界观、人生观、价值观".chars().count();
        assert!(clause_beside(&place(text), at, list));
        // A frame of fewer than six letters is no clause of its own.
        let text = "要做到清、慎、勤";
        assert!(!clause_beside(&place(text), 3, 8));
        let text = "努力做到，清、慎、勤";
        assert!(!clause_beside(&place(text), 5, 10));
        // After the formula, too.
        let text = "清、慎、勤，这是古人总结的为官之道";
        assert!(clause_beside(&place(text), 0, 5));
        // The clause after begins past its mark, even where the range
        // given takes the mark in.
        assert!(clause_beside(&place(text), 0, 6));
    }

    #[test]
    fn a_list_and_little_else_is_a_list() {
        assert!(is_list("门户、领头雁、执行部"));
        assert!(is_list("“硬哨兵”“硬瞭望塔”"));
        assert!(is_list("当好门户、领头雁、执行部"));
        assert!(!is_list("我们一定要做到清、慎、勤这三个方面的要求"));
        assert!(!is_list("没有列表的一句话"));
        // Half its words a list: a list in a sentence, not a list.
        assert!(!is_list("要做到清、慎、勤"));
    }
}
