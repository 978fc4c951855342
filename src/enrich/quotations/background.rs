//! The edition's own text as the background against which a recurrence is
//! judged: a passage is a quotation when it is unlikely to recur by chance,
//! and what is likely is learnt from the rest of the edition. Formulaic
//! prose (不仅要……，而且要……) repeats its stock phrases and frames, so a
//! short stretch made of them recurs by chance in a large edition; a
//! sentence someone said recurs only where it is quoted.
//!
//! The model is a Markov chain of order `order` over tokens that backs off
//! to shorter contexts ("stupid backoff"), from counts of the n-grams of 1
//! to `order` tokens; and counts of whole clauses, for frames that join
//! clauses too far apart for any n-gram. Only the n-grams and clauses of
//! the candidates being judged are counted (one pass over the edition
//! looks each of its n-grams up), so its memory follows the candidates,
//! not the corpus. Clauses are counted exactly; n-grams exactly up to a
//! budget of tokens (`SAMPLE_TOKENS`), and over about one unit in k of a
//! larger edition, so that the pass's time is bounded too.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

/// What a step back to a shorter context costs (Brants et al.'s 0.4).
const BACKOFF: f64 = 0.4;

/// Most bits of the filter in front of the candidates' n-grams (2^24
/// bits: 2 MB).
const FILTER_BITS: u32 = 24;

/// Tokens the n-grams are counted over: an edition larger than this is
/// sampled, about one unit in k (`in_sample`), so that the count's time is bounded by a
/// budget, not by the corpus. Six million tokens are about 1,800 pieces
/// of the seed's length: the frames and stock phrases of a genre stand
/// in such a sample hundreds of times each, and their ratios (all the
/// model uses above single tokens) do not change with more of the same.
const SAMPLE_TOKENS: u64 = 6_000_000;

/// A bit for each of 2^bits buckets of hashes, set for the hashes of a
/// set: a hash whose bit is clear is in no set's, tested far faster than a
/// map is looked up. Sized to the set (some 16 bits an item, up to
/// 2^`max_bits`): a small edition's filter fits in its cache and costs no
/// page faults.
pub(super) struct BitFilter {
    words: Vec<u64>,
    shift: u32,
}

impl BitFilter {
    pub(super) fn new(hashes: impl Iterator<Item = u64>, items: usize, max_bits: u32) -> BitFilter {
        let bits = (items.max(1) * 16)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, max_bits);
        let mut filter = BitFilter {
            words: vec![0; 1 << (bits - 6)],
            shift: 64 - bits,
        };
        for h in hashes {
            let b = filter.bucket(h);
            filter.words[b / 64] |= 1 << (b % 64);
        }
        filter
    }

    /// Whether `h` may be one of the set's hashes (it is not if false).
    pub(super) fn may_hold(&self, h: u64) -> bool {
        let b = self.bucket(h);
        self.words[b / 64] & 1 << (b % 64) != 0
    }

    /// The hash's top bits, after a multiply that spreads keys that are
    /// not yet hashes (rolling sums) over them.
    fn bucket(&self, h: u64) -> usize {
        (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }
}

/// Keys that are already 64-bit hashes need no hashing again.
#[derive(Default, Clone, Copy)]
pub(super) struct Prehashed;

impl std::hash::BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

pub(super) struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The hashes of the candidates' n-grams in a table of open addressing
/// (linear probing, at most half full), each at its slot: the tally is
/// indexed by slot. The edition's every n-gram is looked up in it, most
/// found (formulaic prose is made of the candidates' words): one probe of
/// 8 bytes, where a map's lookup read its control bytes and a 16-byte
/// entry, in memory twice the size (a third of the background's time at
/// 10,000 pieces).
struct Slots {
    /// A hash, or `EMPTY`.
    slots: Vec<u64>,
    held: usize,
}

/// An empty slot. A hash equal to it is stored as `EMPTY + 1`, one more
/// collision of 64-bit hashes.
const EMPTY: u64 = 0;

impl Slots {
    fn of(hashes: HashSet<u64, Prehashed>) -> Slots {
        let size = (2 * hashes.len()).next_power_of_two().max(2);
        let mut table = Slots {
            slots: vec![EMPTY; size],
            held: 0,
        };
        for h in hashes {
            let h = Slots::stored(h);
            let mut s = table.home(h);
            while table.slots[s] != EMPTY && table.slots[s] != h {
                s = (s + 1) & (size - 1);
            }
            table.held += (table.slots[s] == EMPTY) as usize;
            table.slots[s] = h;
        }
        table
    }

    fn stored(h: u64) -> u64 {
        if h == EMPTY { EMPTY + 1 } else { h }
    }

    /// A hash's first slot: its low bits (the hashes are mixed, `finish`).
    fn home(&self, h: u64) -> usize {
        h as usize & (self.slots.len() - 1)
    }

    /// The slot that holds `h`, if any.
    fn slot(&self, h: u64) -> Option<usize> {
        let h = Slots::stored(h);
        let mut s = self.home(h);
        loop {
            match self.slots[s] {
                x if x == h => return Some(s),
                EMPTY => return None,
                _ => s = (s + 1) & (self.slots.len() - 1),
            }
        }
    }

    fn len(&self) -> usize {
        self.held
    }

    fn is_empty(&self) -> bool {
        self.held == 0
    }

    fn slots(&self) -> usize {
        self.slots.len()
    }

    fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().copied().filter(|&h| h != EMPTY)
    }
}

pub struct Background {
    /// The hashes of the candidates' n-grams only, each at a slot: exact
    /// counts, in memory that grows with what is judged, not with the
    /// edition.
    index: Slots,
    /// The count of the n-gram in each of `index`'s slots.
    tally: Vec<u32>,
    /// A whole clause's hash to how many times it stands as a clause, for
    /// the clauses of the candidates only.
    clause_counts: HashMap<u64, u32, Prehashed>,
    order: usize,
    /// Tokens of the whole edition.
    tokens: u64,
    /// Tokens of the units counted (all, or the sample).
    counted: u64,
    /// Whether each unit is counted (empty when all are: about one in k
    /// is, k the edition's tokens over the budget).
    in_sample: Vec<bool>,
    clauses: u64,
}

/// One unit's tokens' keys and where its clauses begin (token indices,
/// sorted, 0 left out).
pub struct Text<'a> {
    pub keys: &'a [u32],
    pub clauses: &'a [u32],
}

impl Text<'_> {
    /// The unit's clauses, as key slices.
    fn clauses(&self) -> impl Iterator<Item = &[u32]> {
        let starts = std::iter::once(0).chain(self.clauses.iter().map(|&c| c as usize));
        let ends =
            (self.clauses.iter().map(|&c| c as usize)).chain(std::iter::once(self.keys.len()));
        (starts.zip(ends))
            .map(|(start, end)| &self.keys[start..end])
            .filter(|c| !c.is_empty())
    }
}

impl Background {
    /// Counts, over every unit's keys, the n-grams of 1 to `order` tokens
    /// that stand in the `candidates`, and the whole clauses that are
    /// `candidate_clauses`.
    pub fn new<'a>(
        units: &[Text],
        order: usize,
        candidates: impl Iterator<Item = &'a [u32]>,
        candidate_clauses: impl Iterator<Item = &'a [u32]>,
    ) -> Background {
        Background::sampled(units, order, candidates, candidate_clauses, SAMPLE_TOKENS)
    }

    /// `new`, counting n-grams over about `budget` tokens.
    fn sampled<'a>(
        units: &[Text],
        order: usize,
        candidates: impl Iterator<Item = &'a [u32]>,
        candidate_clauses: impl Iterator<Item = &'a [u32]>,
        budget: u64,
    ) -> Background {
        let (clause_counts, clauses) = count_clauses(units, candidate_clauses);
        let tokens: u64 = units.iter().map(|t| t.keys.len() as u64).sum();
        let stride = tokens.div_ceil(budget.max(1)).max(1) as usize;
        let in_sample: Vec<bool> = match stride {
            1 => Vec::new(),
            _ => units.iter().map(|t| in_sample(t.keys, stride)).collect(),
        };
        let units: Vec<&[u32]> = (units.iter().enumerate())
            .filter(|&(u, _)| in_sample.get(u).copied().unwrap_or(true))
            .map(|(_, t)| t.keys)
            .collect();
        // The candidates' n-grams, gathered on every thread (each
        // candidate's of all orders hashed as they grow from each place),
        // then each given its place in the tally.
        let candidates: Vec<&[u32]> = candidates.collect();
        let chunk = candidates
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(1);
        let grams: HashSet<u64, Prehashed> = candidates
            .par_chunks(chunk)
            .map(|chunk| {
                let mut grams: HashSet<u64, Prehashed> = HashSet::default();
                for keys in chunk {
                    for start in 0..keys.len() {
                        let mut state = BASIS;
                        for (n, &key) in keys[start..].iter().take(order).enumerate() {
                            state = step(state, key);
                            grams.insert(finish(state, n + 1));
                        }
                    }
                }
                grams
            })
            .reduce(HashSet::default, |mut a, mut b| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                a.extend(b);
                a
            });
        let index = Slots::of(grams);
        // A bit filter in front of the table: most of the edition's
        // n-grams are no candidate's, and a bit test is cheaper than a
        // probe of a table some megabytes large.
        let filter = BitFilter::new(index.hashes(), index.len(), FILTER_BITS);
        // Each thread counts into its own tally (the candidates' single
        // tokens stand everywhere: shared counters would bounce between the
        // cores). From each place, n-grams grow one token at a time, and
        // stop as soon as one is no candidate's: no longer one can be,
        // since every part of a candidate's n-gram is counted too.
        let tally: Vec<u32> = if index.is_empty() {
            Vec::new()
        } else {
            // A few large chunks a thread: each split of the work makes a
            // tally of its own, and a tally is the size of the index.
            let chunk = units
                .len()
                .div_ceil(4 * rayon::current_num_threads())
                .max(1);
            units
                .par_chunks(chunk)
                .fold(
                    || vec![0u32; index.slots()],
                    |mut tally, chunk| {
                        for keys in chunk {
                            for start in 0..keys.len() {
                                let mut state = BASIS;
                                for (n, &key) in keys[start..].iter().take(order).enumerate() {
                                    state = step(state, key);
                                    let h = finish(state, n + 1);
                                    if !filter.may_hold(h) {
                                        break;
                                    }
                                    match index.slot(h) {
                                        Some(i) => tally[i] += 1,
                                        None => break,
                                    }
                                }
                            }
                        }
                        tally
                    },
                )
                .reduce(
                    || vec![0u32; index.slots()],
                    |mut a, b| {
                        a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                        a
                    },
                )
        };
        Background {
            index,
            tally,
            clause_counts,
            order,
            tokens,
            counted: units.iter().map(|k| k.len() as u64).sum(),
            in_sample,
            clauses,
        }
    }

    /// How many times the rest of the edition would let a passage stand by
    /// chance: the likelier of the model of tokens (`chance`) and of the
    /// passage judged clause by clause (`pieces`, its clauses; `true` for a
    /// whole clause): each whole clause as often as it stands as a clause
    /// elsewhere, any piece at least as often as the model of tokens makes
    /// likely. Formulaic prose joins stock clauses to a sentence frame far
    /// apart (让我们……，为……而努力奋斗), which a model of five tokens
    /// cannot see.
    pub fn passage_chance(
        &self,
        keys: &[u32],
        pieces: &[(&[u32], bool)],
        own: &[(usize, &[u32])],
    ) -> f64 {
        let inside = self.inside(own);
        let by_tokens = self.expected(keys, &inside);
        let slots = self.clauses.max(1) as f64;
        let mut by_clauses = slots;
        for &(piece, whole) in pieces {
            let mut seen = self.expected(piece, &inside);
            if whole {
                let in_own = own
                    .iter()
                    .filter(|(_, o)| o.windows(piece.len()).any(|w| w == piece))
                    .count() as u64;
                let count = self
                    .clause_counts
                    .get(&clause_hash(piece))
                    .copied()
                    .unwrap_or(0) as u64;
                seen = seen.max(count.saturating_sub(in_own) as f64);
            }
            by_clauses *= (seen / slots).min(1.0);
        }
        by_tokens.max(by_clauses)
    }

    /// How many times the rest of the edition would let `keys` stand by
    /// chance: the expected count of the passage under the model, with
    /// the `own` stretches where it stands (with variants) taken out: each
    /// n-gram's count loses the times it stands in them. A stock frame
    /// found in eight places with eight different fillings keeps the
    /// counts its frame has everywhere else. Each of `own` is named by its
    /// unit (the index into the units the model was made from).
    pub fn chance(&self, keys: &[u32], own: &[(usize, &[u32])]) -> f64 {
        self.expected(keys, &self.inside(own))
    }

    /// `chance` of each of `passages`, all judged with the same `own`,
    /// and how many of its tokens are `unseen`.
    pub fn chances<'k>(
        &self,
        passages: impl Iterator<Item = &'k [u32]>,
        own: &[(usize, &[u32])],
    ) -> Vec<(f64, usize)> {
        let inside = self.inside(own);
        passages
            .map(|keys| (self.expected(keys, &inside), self.unseen(keys, &inside)))
            .collect()
    }

    /// How many of `keys`' tokens stand in no n-gram of the model's order
    /// (or of all of `keys`, if shorter) that the edition holds outside
    /// `inside`: the words a passage has of its own, not the genre's.
    fn unseen(&self, keys: &[u32], inside: &HashMap<u64, u64, Prehashed>) -> usize {
        let width = self.order.min(keys.len()).max(1);
        let mut seen = vec![false; keys.len()];
        for (start, gram) in keys.windows(width).enumerate() {
            let h = hash(gram);
            let all = self.index.slot(h).map_or(0, |s| self.tally[s]) as u64;
            if all > inside.get(&h).copied().unwrap_or(0) {
                seen[start..start + width].fill(true);
            }
        }
        seen.iter().filter(|&&s| !s).count()
    }

    /// How many times each n-gram the model uses stands in `own`, in the
    /// units it counted.
    fn inside(&self, own: &[(usize, &[u32])]) -> HashMap<u64, u64, Prehashed> {
        let mut inside: HashMap<u64, u64, Prehashed> = HashMap::default();
        let counted = |unit: usize| self.in_sample.get(unit).copied().unwrap_or(true);
        for (_, stretch) in own.iter().filter(|&&(unit, _)| counted(unit)) {
            for start in 0..stretch.len() {
                let mut state = BASIS;
                for (n, &key) in stretch[start..].iter().take(self.order).enumerate() {
                    state = step(state, key);
                    *inside.entry(finish(state, n + 1)).or_default() += 1;
                }
            }
        }
        inside
    }

    fn expected(&self, keys: &[u32], inside: &HashMap<u64, u64, Prehashed>) -> f64 {
        let count = |gram: &[u32]| {
            let h = hash(gram);
            let all = self.index.slot(h).map_or(0, |s| self.tally[s]) as u64;
            all.saturating_sub(inside.get(&h).copied().unwrap_or(0))
        };
        let Some(first) = keys.first() else {
            return 0.0;
        };
        // From the first token's count, each next token after as much of
        // what precedes it as the model's order holds: a passage whose
        // opening words stand nowhere else still begins as often as its
        // shorter openings make likely.
        // Counted in a sample, the first token stands `tokens / counted`
        // times more often in the whole edition; the ratios after it are
        // the same.
        let mut expected = count(std::slice::from_ref(first)) as f64 * self.tokens as f64
            / self.counted.max(1) as f64;
        for end in 2..=keys.len() {
            if expected == 0.0 {
                break;
            }
            expected *= self.next(&keys[end.saturating_sub(self.order)..end], &count);
        }
        expected
    }

    /// The chance of a gram's last token after the others: from the
    /// longest context seen with it elsewhere, each step back to a shorter
    /// one costing `BACKOFF` ("stupid backoff"). A junction the rest of the
    /// edition never has (推进民生改善 | 是实现……) is as likely as its
    /// shorter contexts make it, not impossible: formulaic prose fills its
    /// frames with every word of its vocabulary in turn.
    fn next(&self, gram: &[u32], count: &impl Fn(&[u32]) -> u64) -> f64 {
        let mut weight = 1.0;
        for start in 0..gram.len() - 1 {
            let (seen, context) = (count(&gram[start..]), count(&gram[start..gram.len() - 1]));
            if seen > 0 && context > 0 {
                return weight * (seen as f64 / context as f64).min(1.0);
            }
            weight *= BACKOFF;
        }
        // No context at all: how often the token stands.
        let last = &gram[gram.len() - 1..];
        weight * count(last) as f64 / self.counted.max(1) as f64
    }

    /// About how many times `gram` stands in the edition: at most as
    /// often as its least frequent part the model counted (of `order`
    /// tokens), its count in the sample scaled to the whole. A part that
    /// is no candidate's was not counted: the gram is then taken as rare.
    pub fn seen(&self, gram: &[u32]) -> f64 {
        let least = gram
            .windows(self.order.min(gram.len()).max(1))
            .map(|part| self.index.slot(hash(part)).map_or(0, |s| self.tally[s]))
            .min()
            .unwrap_or(0);
        least as f64 * self.tokens as f64 / self.counted.max(1) as f64
    }

    /// The share of the n-grams of `keys` (of `order` tokens) that stand
    /// more often than its `places`: how much of a passage is words the
    /// edition uses elsewhere. (Counted in a sample, a count is scaled up,
    /// and words seen once beyond the places may count as elsewhere.)
    pub fn seen_elsewhere(&self, keys: &[u32], places: usize) -> f64 {
        let grams = keys.windows(self.order.min(keys.len()).max(1));
        let total = grams.len();
        let elsewhere = grams.filter(|g| self.seen(g) > places as f64).count();
        elsewhere as f64 / total.max(1) as f64
    }

    /// The most chance recurrences a quotation may have: one expected in
    /// the whole edition, spread over every place a passage could start,
    /// so that the edition as a whole expects about one false quotation.
    pub fn threshold(&self) -> f64 {
        1.0 / self.tokens.max(1) as f64
    }
}

/// Counts how many times each of `candidates` stands as a whole clause in
/// `units`; and how many clauses there are.
fn count_clauses<'a>(
    units: &[Text],
    candidates: impl Iterator<Item = &'a [u32]>,
) -> (HashMap<u64, u32, Prehashed>, u64) {
    let wanted: HashMap<u64, usize, Prehashed> = {
        let mut map: HashMap<u64, usize, Prehashed> = HashMap::default();
        for c in candidates {
            let next = map.len();
            map.entry(clause_hash(c)).or_insert(next);
        }
        map
    };
    let tally: Vec<AtomicU32> = (0..wanted.len()).map(|_| AtomicU32::new(0)).collect();
    let clauses: u64 = units
        .par_iter()
        .map(|text| {
            let mut n = 0;
            for clause in text.clauses() {
                n += 1;
                if let Some(&i) = wanted.get(&clause_hash(clause)) {
                    tally[i].fetch_add(1, Ordering::Relaxed);
                }
            }
            n
        })
        .sum();
    let counts = wanted
        .into_iter()
        .map(|(h, i)| (h, tally[i].load(Ordering::Relaxed)))
        .collect();
    (counts, clauses)
}

/// A clause's hash, apart from any n-gram's of the same keys.
fn clause_hash(clause: &[u32]) -> u64 {
    hash(clause) ^ 0x5bd1_e995_c1a5_5eed
}

/// FNV-1a over the keys, 64 bits, then `finish`ed.
/// Whether a unit is one of the sample's, about one in `stride`: chosen by
/// its words (its first tokens and its length), not by its place. A
/// paragraph added at the top of a piece moves every unit after it one
/// place on; chosen by place (every k-th), the whole sample changed with
/// it, and a detection made again after a one-paragraph edit (`zhushu
/// serve`) judged passages near the bar otherwise and renumbered them:
/// half the pages of a 10,000-piece edition rebuilt. Chosen by words, an
/// edit changes the sample only where it changed the words (or where it
/// moves the edition's size past a multiple of the budget, which changes
/// `stride`).
fn in_sample(keys: &[u32], stride: usize) -> bool {
    const OPENING: usize = 32;
    let opening = &keys[..keys.len().min(OPENING)];
    let state = opening.iter().fold(BASIS, |state, &key| step(state, key));
    finish(state, keys.len()).is_multiple_of(stride as u64)
}

fn hash(gram: &[u32]) -> u64 {
    finish(
        gram.iter().fold(BASIS, |state, &key| step(state, key)),
        gram.len(),
    )
}

const BASIS: u64 = 0xcbf2_9ce4_8422_2325;

fn step(state: u64, key: u32) -> u64 {
    (state ^ key as u64).wrapping_mul(0x100_0000_01b3)
}

/// The length mixed in, then mixed once more: FNV mixes only upwards, and
/// a final mix spreads every key into the low bits (the map's buckets) and
/// the high bits (the filter's) alike.
fn finish(state: u64, len: usize) -> u64 {
    let mut hash = state ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    hash ^= hash >> 32;
    hash = hash.wrapping_mul(0xd6e8_feb8_6659_fd93);
    hash ^ hash >> 32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<u32> {
        text.chars().map(|c| c as u32).collect()
    }

    /// Units as the model reads them, without clause marks.
    fn texts(units: &[Vec<u32>]) -> Vec<Text<'_>> {
        units
            .iter()
            .map(|k| Text {
                keys: k,
                clauses: &[],
            })
            .collect()
    }

    #[test]
    fn a_units_clauses_are_cut_where_they_begin_and_counted_whole() {
        let text = Text {
            keys: &[1, 2, 3, 4, 5, 6, 7],
            clauses: &[3, 5],
        };
        let clauses: Vec<&[u32]> = text.clauses().collect();
        assert_eq!(clauses, [&[1, 2, 3][..], &[4, 5], &[6, 7]]);
        let other = Text {
            keys: &[9, 4, 5, 1, 2, 3],
            clauses: &[1, 3],
        };
        let (counts, clauses) = count_clauses(
            &[text, other],
            [&[4, 5][..], &[1, 2], &[1, 2, 3]].into_iter(),
        );
        assert_eq!(clauses, 6);
        let count = |c: &[u32]| counts.get(&clause_hash(c)).copied();
        // A clause counts where it stands whole, not inside a longer one.
        assert_eq!(count(&[4, 5]), Some(2));
        assert_eq!(count(&[1, 2, 3]), Some(2));
        assert_eq!(count(&[1, 2]), Some(0));
        assert_eq!(count(&[6, 7]), None);
    }

    #[test]
    fn the_prehashed_hasher_keeps_distinct_keys_apart() {
        use std::hash::{BuildHasher, Hasher};
        let distinct = |write: &dyn Fn(&mut PrehashedHasher, u32)| {
            let hashes: std::collections::HashSet<u64> = (0..1000u32)
                .map(|i| {
                    let mut h = Prehashed.build_hasher();
                    write(&mut h, i);
                    h.finish()
                })
                .collect();
            hashes.len()
        };
        assert_eq!(distinct(&|h, i| h.write_u64(u64::from(i) << 20)), 1000);
        assert_eq!(distinct(&|h, i| h.write_u32(i)), 1000);
        assert_eq!(distinct(&|h, i| h.write(&i.to_le_bytes())), 1000);
        // A u64 key is its own hash.
        let mut h = Prehashed.build_hasher();
        h.write_u64(0xdead_beef);
        assert_eq!(h.finish(), 0xdead_beef);
    }

    #[test]
    fn the_slots_hold_each_hash_once_at_a_slot_of_its_own_and_nothing_else() {
        // Hashes that share their low bits probe past one another, and
        // past the table's end; 0, the empty slot's mark, is held too.
        let size = 16u64;
        let held: Vec<u64> = vec![3, 3 + size, 3 + 2 * size, 15, 15 + size, 0, 7];
        let table = Slots::of(held.iter().copied().chain([7]).collect());
        assert_eq!(table.len(), held.len());
        assert_eq!(table.slots(), size as usize);
        let slots: HashSet<usize> = held
            .iter()
            .map(|&h| table.slot(h).expect("a held hash is found"))
            .collect();
        assert_eq!(slots.len(), held.len(), "one slot a hash");
        // 15 and 31 both begin at the last slot (in the set's order): one
        // holds it, the other wraps round to the first.
        let ends: HashSet<Option<usize>> = [table.slot(15), table.slot(15 + size)].into();
        assert_eq!(ends, [Some(15), Some(0)].into(), "probing wraps round");
        for missing in [4, 3 + 3 * size, 15 + 2 * size, 8] {
            assert_eq!(table.slot(missing), None, "{missing}");
        }
        let mut listed: Vec<u64> = table.hashes().collect();
        listed.sort_unstable();
        assert_eq!(listed, vec![1, 3, 7, 15, 19, 31, 35]);
        assert!(Slots::of(HashSet::default()).is_empty());
        assert_eq!(Slots::of(HashSet::default()).slot(5), None);
        // At most half full, whatever the count: a probe that misses stops
        // within a few slots.
        for n in [1u64, 2, 5, 9, 17, 100, 1000] {
            let table = Slots::of(
                (1..=n)
                    .map(|k| k.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .collect(),
            );
            assert_eq!(table.len(), n as usize);
            assert!(table.slots() >= 2 * table.len(), "{n} in {}", table.slots());
        }
    }

    #[test]
    fn a_bit_filter_holds_its_set_and_turns_most_others_away() {
        // Rolling sums and small numbers, as the counts' keys are.
        let set: Vec<u64> = (0..1000u64).map(|i| i * 7919 + 3).collect();
        let filter = BitFilter::new(set.iter().copied(), set.len(), 20);
        assert!(set.iter().all(|&h| filter.may_hold(h)));
        // Some 16 bits an item: about one other in sixteen gets through.
        let others = (0..10_000u64)
            .map(|i| i * 7919 + 5)
            .filter(|&h| filter.may_hold(h));
        assert!(others.count() < 1_500);
    }

    /// The chance of a token after its context: its count after the
    /// longest context both seen, over the context's count; each step back
    /// to a shorter context costs `BACKOFF`; with no context, how often the
    /// token stands, backed off all the way.
    #[test]
    fn the_next_token_backs_off_to_the_longest_context_seen_with_it() {
        let units = vec![keys("甲乙丙丁戊己")];
        let refs = texts(&units);
        let model = Background::new(&refs, 4, std::iter::empty(), std::iter::empty());
        assert_eq!(model.counted, 6);
        let gram = keys("甲乙丙丁");
        let next = |counts: &[(&str, u64)]| {
            let counts: HashMap<Vec<u32>, u64> =
                counts.iter().map(|&(g, n)| (keys(g), n)).collect();
            model.next(&gram, &|g: &[u32]| counts.get(g).copied().unwrap_or(0))
        };
        // The whole context seen with it: no cost.
        assert_eq!(next(&[("甲乙丙丁", 2), ("甲乙丙", 4)]), 0.5);
        // Never after the longest context (which is seen): one step back.
        assert_eq!(
            next(&[("甲乙丙", 5), ("乙丙丁", 3), ("乙丙", 6)]),
            BACKOFF * 0.5
        );
        // A context never counted is no context, however often the gram
        // is said to stand after it.
        assert_eq!(
            next(&[("甲乙丙丁", 2), ("丙丁", 1), ("丙", 4)]),
            BACKOFF * BACKOFF * 0.25
        );
        // No context at all: the token's own share of the counted tokens.
        assert_eq!(next(&[("丁", 3)]), BACKOFF * BACKOFF * BACKOFF * 3.0 / 6.0);
        // Never more likely than certain.
        assert_eq!(next(&[("甲乙丙丁", 5), ("甲乙丙", 4)]), 1.0);
    }

    /// How often a gram stands: its least counted part of `order` tokens,
    /// scaled to the whole edition; a part no candidate has is not counted.
    /// The counts are kept by hash alone: distinct n-grams and clauses of
    /// one length (a million of them, about as many as a large edition's
    /// clauses) must not share a hash, which 32 or 34 bits would not
    /// promise (some 30 to 100 collisions expected).
    #[test]
    fn distinct_grams_and_clauses_have_distinct_hashes() {
        let grams: Vec<[u32; 3]> = (0..1_000_000u32)
            .map(|i| [0x4e00 + i % 1_000, 0x4e00 + i / 1_000, 0x3002])
            .collect();
        for hasher in [hash as fn(&[u32]) -> u64, clause_hash] {
            let mut hashes: Vec<u64> = grams.iter().map(|g| hasher(g)).collect();
            hashes.sort_unstable();
            hashes.dedup();
            assert_eq!(hashes.len(), grams.len());
        }
    }

    #[test]
    fn a_gram_is_seen_as_often_as_its_least_counted_part() {
        let units = vec![
            keys("天下兴亡匹夫有责"),
            keys("天下兴亡匹夫有责"),
            keys("天下兴亡之事"),
            keys("其他的话"),
        ];
        let refs = texts(&units);
        let candidate = keys("天下兴亡匹夫有责");
        let model = Background::new(
            &refs,
            4,
            [candidate.as_slice()].into_iter(),
            std::iter::empty(),
        );
        assert_eq!(model.seen(&keys("天下兴亡")), 3.0);
        assert_eq!(model.seen(&candidate), 2.0);
        assert_eq!(model.seen(&keys("其他的话")), 0.0);
        // One chance recurrence in the whole edition: one in its 26 tokens.
        assert_eq!(model.threshold(), 1.0 / 26.0);
        // Of the candidate's five 4-grams, 天下兴亡 stands beyond its two
        // places: a fifth of it is words used elsewhere; with three
        // places, none is.
        assert_eq!(model.seen_elsewhere(&candidate, 2), 0.2);
        assert_eq!(model.seen_elsewhere(&candidate, 3), 0.0);
        assert_eq!(model.seen_elsewhere(&keys("天下兴亡"), 1), 1.0);
    }

    #[test]
    fn a_stock_frame_is_chance_and_a_sentence_is_not() {
        // Formulaic prose: two frames filled with a few words, over and over.
        let words = ["加强党建", "改进作风", "深化改革", "服务群众", "推动发展"];
        let mut units = Vec::new();
        for (i, a) in words.iter().enumerate() {
            for (j, b) in words.iter().enumerate() {
                if i != j {
                    units.push(keys(&format!("不仅要{a}而且要{b}")));
                    units.push(keys(&format!("只有{b}才能{a}")));
                }
            }
        }
        let said = keys("天下兴亡匹夫有责此话至今不错");
        units.push(said.clone());
        units.push(said.clone());
        let refs = texts(&units);
        let frame = keys("不仅要加强党建而且要改进作风");
        let model = Background::new(
            &refs,
            4,
            [frame.as_slice(), said.as_slice()].into_iter(),
            std::iter::empty(),
        );
        assert!(
            model.chance(&frame, &[(0, &frame)]) > 0.01,
            "{}",
            model.chance(&frame, &[(0, &frame)])
        );
        let (n, m) = (refs.len() - 2, refs.len() - 1);
        assert_eq!(model.chance(&said, &[(n, &said), (m, &said)]), 0.0);
    }

    #[test]
    fn two_stock_clauses_joined_are_chance_though_the_junction_is_rare() {
        // 让我们……，为……而努力奋斗: each clause stands whole in twenty units,
        // with other words beside it; the two meet in two units only.
        let (a, b) = (keys("让我们团结起来"), keys("为实现目标而努力奋斗"));
        let fillers = ["加强党建", "改进作风", "深化改革", "服务群众", "推动发展"];
        let mut units: Vec<(Vec<u32>, u32)> = Vec::new();
        for i in 0..20 {
            let filler = keys(&format!("{}第{i}项", fillers[i % 5]));
            units.push(([a.clone(), filler.clone()].concat(), a.len() as u32));
            units.push(([filler.clone(), b.clone()].concat(), filler.len() as u32));
        }
        let passage = [a.clone(), b.clone()].concat();
        units.push((passage.clone(), a.len() as u32));
        units.push((passage.clone(), a.len() as u32));
        let starts: Vec<[u32; 1]> = units.iter().map(|(_, c)| [*c]).collect();
        let refs: Vec<Text> = (units.iter().zip(&starts))
            .map(|((keys, _), c)| Text { keys, clauses: c })
            .collect();
        let model = Background::new(
            &refs,
            4,
            [passage.as_slice()].into_iter(),
            [a.as_slice(), b.as_slice()].into_iter(),
        );
        let (n, m) = (refs.len() - 2, refs.len() - 1);
        let own = [(n, passage.as_slice()), (m, passage.as_slice())];
        // By its tokens the junction is seen nowhere else...
        assert!(
            model.chance(&passage, &own) < 0.1,
            "{}",
            model.chance(&passage, &own)
        );
        // ... but two clauses each this common meet by chance.
        let pieces = [(a.as_slice(), true), (b.as_slice(), true)];
        let chance = model.passage_chance(&passage, &pieces, &own);
        assert!(chance > 1.0, "{chance}");
    }

    #[test]
    fn a_sample_judges_as_the_whole_edition_does() {
        // Sixty units of formulaic prose, each a frame filled in turn, and
        // a sentence said in two of them.
        let words = ["加强党建", "改进作风", "深化改革", "服务群众", "推动发展"];
        let mut units = Vec::new();
        for i in 0..60 {
            let (a, b) = (words[i % 5], words[(i / 5 + i + 1) % 5]);
            units.push(keys(&format!("不仅要{a}而且要{b}只有{b}才能{a}")));
        }
        let said = keys("天下兴亡匹夫有责此话至今不错");
        units[7].extend(&said);
        units[40].extend(&said);
        let refs = texts(&units);
        let frame = keys("不仅要深化改革而且要服务群众");
        let candidates = || [frame.as_slice(), said.as_slice()].into_iter();
        let whole = Background::new(&refs, 4, candidates(), std::iter::empty());
        let tokens: u64 = units.iter().map(|k| k.len() as u64).sum();
        // About every fourth unit counted (a quarter of the tokens).
        let sample = Background::sampled(&refs, 4, candidates(), std::iter::empty(), tokens / 4);
        let counted = sample.in_sample.iter().filter(|&&c| c).count();
        assert!((5..=30).contains(&counted), "{counted} of 60 units counted");
        let own = [(12, frame.as_slice())];
        let (exact, estimate) = (whole.chance(&frame, &own), sample.chance(&frame, &own));
        assert!(
            estimate > exact / 2.0 && estimate < exact * 2.0,
            "whole edition {exact}, sample {estimate}"
        );
        // The sentence's own places are left out where they were counted
        // and not counted where they were not.
        let own = [(7, said.as_slice()), (40, said.as_slice())];
        assert_eq!(sample.chance(&said, &own), 0.0);
        assert_eq!(whole.chance(&said, &own), 0.0);
    }

    #[test]
    fn the_sample_follows_the_words_not_their_places() {
        let units: Vec<Vec<u32>> = (0..400)
            .map(|i| {
                keys(&format!(
                    "第{i}段，不仅要加强党建，而且要改进作风{}",
                    i * 7 % 13
                ))
            })
            .collect();
        let tokens: u64 = units.iter().map(|k| k.len() as u64).sum();
        let budget = tokens / 4 + 10;
        let chosen = |units: &[Vec<u32>]| -> Vec<bool> {
            let refs = texts(units);
            let model =
                Background::sampled(&refs, 4, std::iter::empty(), std::iter::empty(), budget);
            model.in_sample
        };
        let before = chosen(&units);
        let counted = before.iter().filter(|&&c| c).count();
        assert!(
            (60..=140).contains(&counted),
            "{counted} of 400 units counted"
        );
        // A unit added before the others (a short one: the stride stays)
        // leaves every other unit in or out of the sample as it was.
        let mut added = vec![keys("新")];
        added.extend(units.iter().cloned());
        let after = chosen(&added);
        assert_eq!(&after[1..], &before[..]);
    }
}
