//! Candidate recurrences: shared token n-grams ("seeds") between units of
//! different chapters, each extended both ways into the longest alignment
//! that tolerates small edits (a word dropped, added or replaced), and
//! short passages that stand in quotation marks in two chapters. The
//! matched stretches are grouped into clusters by union-find.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::Unit;
use super::background::{BitFilter, Prehashed};

/// A passage in one unit, in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub unit: usize,
    pub start: usize,
    pub end: usize,
}

/// Above this many tokens, seeds are winnowed (see `seed_pairs`) and a
/// seed must be confirmed (see `long_matches`).
const WINNOW_ABOVE: usize = 4_000_000;
/// An n-gram found in more places than this is a formula of the book (its
/// subject's long name, say), not a seed of a quotation.
const MAX_SEED_PLACES: usize = 12;
/// Tokens of the edition per pass over its seed n-grams: a pass holds
/// about half this many n-grams (winnowed), 8 bytes each, some 130 MB at
/// most. Each pass reads the whole edition's keys again (0.1 s a pass at
/// 10,000 pieces of formulaic prose, 24 million tokens, which now take one
/// pass: two took 0.1 s longer for a peak 39 MiB lower), the price of a
/// peak that does not grow with the edition.
const PASS_TOKENS: usize = 32_000_000;
/// Passes at most: past 64 million tokens (some 30,000 pieces) a pass holds
/// more, rather than every pass reading the edition again.
const MAX_PASSES: usize = 8;
/// Bits of a seed n-gram's place, below its hash (`seed_pairs`): places fit
/// in 32 bits up to four billion tokens, some 12 GB of text.
const PLACE_BITS: u32 = 32;
/// Places a block of `seed_pairs`' table of units by place: 4,096.
const BLOCK_BITS: u32 = 12;
/// Buckets of a pass's n-grams by hash (`seed_pairs`), at most: some ten
/// thousand n-grams each at 10,000 pieces, sorted in the cache.
const BUCKETS: usize = 1024;
/// N-grams a bucket is made for: a small edition takes few buckets (the
/// seed's 1,024 buckets, most nearly empty, took it 3 ms longer).
const BUCKET_GRAMS: usize = 8192;
/// Buckets of the seed pairs by their first unit (`seed_pairs`), at most:
/// some 30,000 pairs each at 10,000 pieces.
const PAIR_BUCKETS: usize = 64;
/// Units a bucket of pairs is made for.
const BUCKET_UNITS: usize = 2048;

/// How many buckets the n-grams of a pass and the pairs take.
#[derive(Clone, Copy, Debug)]
struct Buckets {
    grams: usize,
    pairs: usize,
}

impl Buckets {
    /// For `units` of `tokens` tokens in all, winnowed in `window`s, in
    /// `passes`.
    fn for_edition(tokens: usize, units: usize, window: usize, passes: usize) -> Buckets {
        Buckets {
            grams: (tokens / window / passes / BUCKET_GRAMS)
                .next_power_of_two()
                .min(BUCKETS),
            pairs: (units / BUCKET_UNITS).clamp(1, PAIR_BUCKETS),
        }
    }
}

/// Two places that share a seed: unit a, unit b, place in a, place in b.
type SeedPair = (u32, u32, u32, u32);

/// Token ranges `a0..a1` and `b0..b1` of two units that align.
type Alignment = (usize, usize, usize, usize);

/// Every pair of stretches of two chapters that align over at least
/// `min_tokens` tokens on both sides, found from shared `seed`-grams.
pub fn long_matches(
    units: &[Unit],
    seed: usize,
    min_tokens: usize,
    spans: &mut Vec<Span>,
    links: &mut Vec<(usize, usize)>,
    stop: &(dyn Fn() -> bool + Sync),
) {
    let tokens: usize = units.iter().map(|u| u.keys.len()).sum();
    // A large edition's seeds are winnowed and confirmed: all the seeds
    // of 10,000 pieces would be some 24 million n-grams, and three pairs
    // in four the genre's words meeting by chance. (Decided apart, in
    // `Seeding::for_edition`, so that the bound is tested without an
    // edition of that size.)
    let seeding = Seeding::for_edition(tokens, stop);
    matches_from_seeds(units, seed, min_tokens, seeding, spans, links);
}

/// How seeds are taken: in a large edition, one n-gram in every `window`
/// of three, and only those that another seed `confirm`s (or other
/// evidence) aligned.
#[derive(Clone, Copy)]
struct Seeding<'a> {
    window: usize,
    confirm: bool,
    /// Says when to give up (`detect_unless`): checked once the seeds are
    /// paired, the stage's first half.
    stop: &'a (dyn Fn() -> bool + Sync),
}

/// `long_matches`, with seeds taken as `seeding` says.
fn matches_from_seeds(
    units: &[Unit],
    seed: usize,
    min_tokens: usize,
    seeding: Seeding,
    spans: &mut Vec<Span>,
    links: &mut Vec<(usize, usize)>,
) {
    let (pairs, stock) = seed_pairs(units, seed, seeding.window);
    let mostly_stock = |keys: &[u32]| mostly_stock(keys, seed, &stock, min_tokens);
    if (seeding.stop)() {
        return;
    }
    // The longest alignment around a shared seed, kept if it is long enough
    // and not only the genre's stock.
    let extend = |&(ua, ub, pa, pb): &SeedPair| {
        let (ua, ub, pa, pb) = (ua as usize, ub as usize, pa as usize, pb as usize);
        let (a, b) = (&units[ua], &units[ub]);
        // Equal hashes may hide different n-grams; a seed across a wall is
        // the reporter's words meeting the quoted ones, and other seeds
        // find the quotation. (Checked here, not as the pairs are made: of
        // the millions of pairs, only those aligned read their units.)
        if a.keys[pa..pa + seed] != b.keys[pb..pb + seed]
            || a.walls_inside(pa, pa + seed)
            || b.walls_inside(pb, pb + seed)
        {
            return None;
        }
        // An alignment never crosses a wall: it runs within the stretch
        // between the walls around its seed.
        let (a_lo, a_hi) = a.between_walls(pa);
        let (b_lo, b_hi) = b.between_walls(pb);
        let (a0, a1, b0, b1) = align(
            &a.keys[a_lo..a_hi],
            &b.keys[b_lo..b_hi],
            pa - a_lo,
            pb - b_lo,
            seed,
        );
        let (a0, a1, b0, b1) = (a0 + a_lo, a1 + a_lo, b0 + b_lo, b1 + b_lo);
        let kept = a1 - a0 >= min_tokens && b1 - b0 >= min_tokens && !mostly_stock(&a.keys[a0..a1]);
        Some((
            (a0, a1, b0, b1),
            kept.then_some([ua, a0, a1, ub, b0, b1].map(|x| x as u32)),
        ))
    };
    // In a large edition (whose seeds are winnowed), a seed that no other
    // seed of the same two units confirms nearby is most often the genre's
    // words meeting by chance at a junction of its stock phrases: such
    // pairs are many (three in four at 10,000 pieces of formulaic prose),
    // and the alignments kept from them (400,000 there) were judged, and
    // nearly all refused, at every later stage. They are aligned only
    // where there is other evidence of a passage: a place that the
    // confirmed pairs' alignments cover (another witness of a passage
    // found, which shares fewer seeds with the rest where it has
    // variants), or one inside quotation marks of passage length. A
    // passage made of stock phrases, with one rare junction, may have no
    // other evidence.
    let confirmed = if seeding.confirm {
        confirmed_pairs(&pairs, min_tokens)
    } else {
        vec![true; pairs.len()]
    };
    let mut parts = align_pairs(&pairs, |k| confirmed[k], &extend);
    if seeding.confirm {
        // Where there is evidence of a passage: the confirmed pairs'
        // alignments, and quotation marks of passage length. (Gathered in
        // one list by unit, so that a lone pair is judged without reading
        // its second unit, which stands anywhere in memory.)
        let aligned = parts
            .iter()
            .flatten()
            .flat_map(|&[ua, a0, a1, ub, b0, b1]| [(ua, a0, a1), (ub, b0, b1)]);
        let quoted = units.iter().enumerate().flat_map(|(u, unit)| {
            unit.quoted
                .iter()
                .filter(|&&(first, last)| (last - first) as usize >= min_tokens)
                .map(move |&(first, last)| (u as u32, first, last))
        });
        let evidence = Stretches::of(units.len(), aligned.chain(quoted));
        let weak = align_pairs(
            &pairs,
            |k| {
                let (ua, ub, pa, pb) = pairs[k];
                !confirmed[k] && (evidence.holds(ua, pa) || evidence.holds(ub, pb))
            },
            &extend,
        );
        parts.extend(weak);
    }
    drop(pairs);
    crate::memory::give_back();
    let matches: usize = parts.iter().map(Vec::len).sum();
    spans.reserve_exact(2 * matches);
    links.reserve_exact(matches);
    for part in parts {
        for [ua, a0, a1, ub, b0, b1] in part.into_iter().map(|m| m.map(|x| x as usize)) {
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

/// The alignments kept from the `pairs` (sorted) that `take` says, by
/// index, those of each first unit aligned in one piece of work. A pair
/// inside a stretch already aligned for the same two units is not aligned
/// again. Each piece keeps its alignments in one vector, six u32 each:
/// collected a match at a time through rayon's lists, and as spans of
/// three usizes, a large edition's half million alignments would hold
/// their memory twice over beside the pairs.
fn align_pairs(
    pairs: &[SeedPair],
    take: impl Fn(usize) -> bool + Sync,
    extend: &(impl Fn(&SeedPair) -> Option<(Alignment, Option<[u32; 6]>)> + Sync),
) -> Vec<Vec<[u32; 6]>> {
    let bounds: Vec<usize> = (0..pairs.len())
        .filter(|&k| k == 0 || pairs[k - 1].0 != pairs[k].0)
        .chain([pairs.len()])
        .collect();
    bounds
        .par_windows(2)
        .fold(Vec::new, |mut found, range| {
            let mut covered: Vec<Alignment> = Vec::new();
            for k in range[0]..range[1] {
                let pair = &pairs[k];
                // The stretches aligned so far are those of this pair of
                // units.
                if k > range[0] && pairs[k - 1].1 != pair.1 {
                    covered.clear();
                }
                if !take(k) {
                    continue;
                }
                let (pa, pb) = (pair.2 as usize, pair.3 as usize);
                if covered
                    .iter()
                    .any(|&(a0, a1, b0, b1)| pa >= a0 && pa < a1 && pb >= b0 && pb < b1)
                {
                    continue;
                }
                if let Some((alignment, kept)) = extend(pair) {
                    covered.push(alignment);
                    found.extend(kept);
                }
            }
            found
        })
        .collect()
}

/// Whether each of the `pairs` (sorted) has another of the same two units
/// nearby: its place in the first unit within `reach` tokens, and on the
/// same diagonal give or take two tokens (a word or two dropped or added).
fn confirmed_pairs(pairs: &[SeedPair], reach: usize) -> Vec<bool> {
    let diagonal = |p: &SeedPair| p.2 as i64 - p.3 as i64;
    pairs
        .par_chunk_by(|x, y| (x.0, x.1) == (y.0, y.1))
        .flat_map_iter(|group| {
            group.iter().enumerate().map(move |(k, p)| {
                // Sorted by place in the first unit: the neighbours are
                // those within `reach` either side.
                let near = |q: &SeedPair| {
                    (q.2 as usize).abs_diff(p.2 as usize) <= reach
                        && (diagonal(q) - diagonal(p)).abs() <= 2
                };
                group[..k]
                    .iter()
                    .rev()
                    .take_while(|q| p.2 - q.2 <= reach as u32)
                    .any(near)
                    || group[k + 1..]
                        .iter()
                        .take_while(|q| q.2 - p.2 <= reach as u32)
                        .any(near)
            })
        })
        .collect()
}

/// Stretches of units (unit, start, end), those that overlap or touch
/// merged, in order, with where each unit's begin: whether a place lies in
/// one reads the unit's few (a binary search over all of them, for the
/// millions of lone seeds of a large edition, took a third of a second).
struct Stretches {
    merged: Vec<(u32, u32)>,
    /// Unit u's stretches are `merged[first[u]..first[u + 1]]`.
    first: Vec<u32>,
}

impl Stretches {
    fn of(units: usize, stretches: impl Iterator<Item = (u32, u32, u32)>) -> Stretches {
        let mut all: Vec<(u32, u32, u32)> = stretches.collect();
        all.par_sort_unstable();
        let mut merged: Vec<(u32, u32, u32)> = Vec::with_capacity(all.len());
        for (unit, start, end) in all {
            match merged.last_mut() {
                Some(last) if last.0 == unit && start <= last.2 => last.2 = last.2.max(end),
                _ => merged.push((unit, start, end)),
            }
        }
        let first = (0..=units as u32)
            .map(|u| merged.partition_point(|&(unit, _, _)| unit < u) as u32)
            .collect();
        Stretches {
            merged: merged
                .into_iter()
                .map(|(_, start, end)| (start, end))
                .collect(),
            first,
        }
    }

    fn holds(&self, unit: u32, place: u32) -> bool {
        let (from, to) = (self.first[unit as usize], self.first[unit as usize + 1]);
        self.merged[from as usize..to as usize]
            .iter()
            .any(|&(start, end)| (start..end).contains(&place))
    }
}

/// Every pair of places of two chapters that share a seed n-gram's hash, as
/// (unit a, unit b, place in a, place in b), in order, and the hashes of the n-grams
/// in more places than a seed may have (the genre's stock). (Equal hashes
/// may hide different n-grams: the n-grams are compared when aligned.)
///
/// Every seed n-gram is one u64, its hash above its place (the index of its
/// first token in the edition's token sequence), sorted so that equal
/// n-grams stand together: a flat vector of integers is far smaller than a
/// map of lists. They are sorted in buckets by hash, each small enough to
/// sort in the cache, on both cores. A large edition's n-grams
/// are taken in passes, each over a range of hashes: the memory of one
/// pass's n-grams is bounded, whatever the edition's size. A `window` of
/// 3 keeps one n-gram in every three (the one with the least hash,
/// "winnowing"): half the memory, and every shared run of seed + 2 tokens
/// or more still shares a kept n-gram; a window of 1 keeps them all.
fn seed_pairs(
    units: &[Unit],
    seed: usize,
    window: usize,
) -> (Vec<SeedPair>, HashSet<u32, Prehashed>) {
    let tokens: usize = units.iter().map(|u| u.keys.len()).sum();
    let passes = tokens.div_ceil(PASS_TOKENS).clamp(1, MAX_PASSES);
    let buckets = Buckets::for_edition(tokens, units.len(), window, passes);
    seed_pairs_in_passes(units, seed, window, passes, buckets)
}

/// A range of hashes cut into `count` buckets of equal width, so that
/// equal hashes fall in one bucket and hashes spread evenly fill the
/// buckets evenly.
struct HashBuckets {
    lo: u64,
    /// 2^32 times the buckets per hash.
    scale: u64,
    count: u64,
}

impl HashBuckets {
    fn new(range: std::ops::Range<u64>, count: usize) -> HashBuckets {
        let count = count as u64;
        HashBuckets {
            lo: range.start,
            scale: (count << 32).div_ceil((range.end - range.start).max(1)),
            count,
        }
    }

    /// The bucket of `h`, a hash in the range. One multiplication, not a
    /// division: h - lo < hi - lo, so the product stays under 2^43.
    fn of(&self, h: u32) -> usize {
        (((h as u64 - self.lo) * self.scale) >> 32).min(self.count - 1) as usize
    }
}

/// The bucket of a pair whose first unit is `unit`, of `count` buckets
/// that share the edition's `units` evenly, in order.
fn pair_bucket(unit: u32, count: usize, units: usize) -> usize {
    unit as usize * count / units.max(1)
}

/// The least hash of each pass but the first. Winnowing keeps the least
/// hash of each window, so kept hashes crowd the low end: the passes'
/// ranges are cut at the quantiles of the kept hashes' law, so that each
/// pass holds its share of the n-grams (even cuts gave the first of three
/// passes 61 % of them).
fn pass_bounds(passes: usize, window: usize) -> Vec<u32> {
    (1..passes)
        .map(|k| kept_quantile(k as f64 / passes as f64, window))
        .collect()
}

/// `seed_pairs`, over the n-grams in `passes` passes, in `buckets`.
fn seed_pairs_in_passes(
    units: &[Unit],
    seed: usize,
    window: usize,
    passes: usize,
    buckets: Buckets,
) -> (Vec<SeedPair>, HashSet<u32, Prehashed>) {
    let mut first_token: Vec<u64> = Vec::with_capacity(units.len() + 1);
    let mut total = 0u64;
    for unit in units {
        first_token.push(total);
        total += unit.keys.len() as u64;
    }
    assert!(total < 1 << PLACE_BITS, "an edition of over 2^32 tokens");
    let bounds = pass_bounds(passes, window);
    // Each block of places' first unit: a place's unit is searched among
    // the few units of its block, which stand close in memory, rather than
    // over the whole table (whose search missed the cache at every step).
    // (No unit, no place: nothing is located.)
    let block_first: Vec<usize> = (0..=(total >> BLOCK_BITS) + 1)
        .map(|b| {
            first_token
                .partition_point(|&f| f <= b << BLOCK_BITS)
                .saturating_sub(1)
        })
        .collect();
    // A place back to its unit and position.
    let locate = |gram: u64| {
        let place = gram & ((1 << PLACE_BITS) - 1);
        let block = (place >> BLOCK_BITS) as usize;
        let (lo, hi) = (block_first[block], block_first[block + 1]);
        let unit = lo + first_token[lo..=hi].partition_point(|&f| f <= place) - 1;
        (unit, (place - first_token[unit]) as usize)
    };
    // Each unit's chapter, in a table small enough to stay in the cache
    // (the units stand all over memory).
    let chapter_of: Vec<u32> = units.iter().map(|u| u.chapter as u32).collect();
    // Each unit's keys, likewise: a place's neighbours are read from its
    // keys alone (a unit's record, six times the size, missed the cache
    // too).
    let keys_of: Vec<&[u32]> = units.iter().map(|u| &u.keys[..]).collect();
    let mut stock: HashSet<u32, Prehashed> = HashSet::default();
    // The pairs by their first unit's share of the edition, each bucket's
    // parts as found.
    let pair_bucket = |unit: u32| pair_bucket(unit, buckets.pairs, units.len());
    let mut parts: Vec<Vec<Vec<SeedPair>>> = vec![Vec::new(); buckets.pairs];
    for pass in 0..passes {
        // The pass's range of hashes, cut into buckets by their share of
        // it: equal n-grams fall in one bucket, and each bucket is sorted
        // and grouped alone, in the cache (sorting the pass's ten
        // million n-grams as one vector took a tenth of the stage).
        let lo = if pass == 0 {
            0
        } else {
            bounds[pass - 1] as u64
        };
        let hi = bounds.get(pass).map_or(1 << 32, |&b| b as u64);
        let range = HashBuckets::new(lo..hi, buckets.grams);
        let bucket_of = |h: u32| range.of(h);
        let by_bucket = grams_by_bucket(
            units,
            &first_token,
            seed,
            (window, (passes > 1).then_some(lo..hi)),
            (buckets.grams, bucket_of),
        );
        let (pass_stock, pass_pairs): (Vec<Vec<u32>>, Vec<Vec<Vec<SeedPair>>>) = by_bucket
            .into_par_iter()
            .map(|parts| {
                let mut grams = parts.concat();
                drop(parts);
                // By place already (each chunk's part in order, the
                // chunks in order): sorted by hash, stably, they are
                // sorted as a whole.
                sort_by_hash(&mut grams);
                // N-grams in more places than a seed may have are the
                // genre's stock; those in two places up to that many make
                // pairs.
                let mut stock = Vec::new();
                let mut found = Vec::new();
                for group in grams.chunk_by(|a, b| a >> PLACE_BITS == b >> PLACE_BITS) {
                    if group.len() > MAX_SEED_PLACES {
                        stock.push((group[0] >> PLACE_BITS) as u32);
                        continue;
                    }
                    if group.len() < 2 {
                        continue;
                    }
                    let list: Vec<(usize, usize)> = group.iter().map(|&g| locate(g)).collect();
                    if window > 1 && list.len() > ALL_PAIRS_UP_TO {
                        neighbour_pairs(&list, &keys_of, seed, &chapter_of, &mut found);
                        continue;
                    }
                    for (x, &(ua, pa)) in list.iter().enumerate() {
                        for &(ub, pb) in &list[x + 1..] {
                            if chapter_of[ua] != chapter_of[ub] {
                                found.push((ua as u32, ub as u32, pa as u32, pb as u32));
                            }
                        }
                    }
                }
                // By their first unit's share of the edition.
                let mut by_unit: Vec<Vec<SeedPair>> = vec![Vec::new(); buckets.pairs];
                for pair in found {
                    by_unit[pair_bucket(pair.0)].push(pair);
                }
                (stock, by_unit)
            })
            .unzip();
        stock.extend(pass_stock.into_iter().flatten());
        add_parts(&mut parts, pass_pairs);
        // The pass's n-grams have given their pairs: their memory goes
        // before the next pass takes its own.
        crate::memory::give_back();
    }
    (sorted_pairs(parts), stock)
}

/// The pairs of `buckets` (by first unit, each bucket's parts), in order:
/// each bucket sorted in the cache (sorting the two million pairs of
/// 10,000 pieces as one vector took 0.06 s), into its place in the whole.
fn sorted_pairs(buckets: Vec<Vec<Vec<SeedPair>>>) -> Vec<SeedPair> {
    let sizes: Vec<usize> = buckets
        .iter()
        .map(|b| b.iter().map(Vec::len).sum())
        .collect();
    let mut pairs: Vec<SeedPair> = vec![(0, 0, 0, 0); sizes.iter().sum()];
    let mut places: Vec<&mut [SeedPair]> = Vec::with_capacity(buckets.len());
    let mut rest = pairs.as_mut_slice();
    for &size in &sizes {
        let (place, after) = rest.split_at_mut(size);
        places.push(place);
        rest = after;
    }
    places
        .into_par_iter()
        .zip(buckets)
        .for_each(|(place, parts)| {
            let mut bucket = parts.concat();
            drop(parts);
            bucket.sort_unstable();
            place.copy_from_slice(&bucket);
        });
    pairs
}

/// The seed n-grams of `units` (each unit's first token at `first_token`),
/// winnowed in `window`s, whose hash is in the pass's range (all when
/// none), each its hash above its place, in `count` buckets by
/// `bucket_of` its hash, each bucket by place. (Each of a few chunks of
/// units a thread fills buckets of its own, in place order; the buckets
/// take the chunks' parts in the chunks' order.)
fn grams_by_bucket(
    units: &[Unit],
    first_token: &[u64],
    seed: usize,
    (window, pass): (usize, Option<std::ops::Range<u64>>),
    (count, bucket_of): (usize, impl Fn(u32) -> usize + Sync),
) -> Vec<Vec<Vec<u64>>> {
    let chunk = units
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    let chunks: Vec<Vec<Vec<u64>>> = units
        .par_chunks(chunk)
        .zip(first_token.par_chunks(chunk))
        .map(|(units, firsts)| {
            let mut buckets: Vec<Vec<u64>> = vec![Vec::new(); count];
            let (mut hashes, mut starts) = (Vec::new(), Vec::new());
            for (unit, &first) in units.iter().zip(firsts) {
                gram_hashes_into(&unit.keys, seed, &mut hashes);
                match &pass {
                    None => winnow(&hashes, window, &mut starts),
                    Some(range) => winnow_in(&hashes, window, range, &mut starts),
                }
                for &p in &starts {
                    let h = hashes[p as usize];
                    buckets[bucket_of(h)].push((h as u64) << PLACE_BITS | (first + p as u64));
                }
            }
            buckets
        })
        .collect();
    let mut by_bucket: Vec<Vec<Vec<u64>>> = (0..count)
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    add_parts(&mut by_bucket, chunks);
    by_bucket
}

/// Each chunk's buckets (in the chunks' order) added to the parts of
/// `buckets`, bucket by bucket: the parts of a bucket stay in order.
fn add_parts<T>(buckets: &mut [Vec<Vec<T>>], chunks: Vec<Vec<Vec<T>>>) {
    for chunk in chunks {
        for (bucket, part) in buckets.iter_mut().zip(chunk) {
            bucket.push(part);
        }
    }
}

/// A seed n-gram in more places than this, in an edition whose seeds are
/// winnowed, pairs each place with its neighbours (`neighbour_pairs`), not
/// with every other place.
const ALL_PAIRS_UP_TO: usize = 6;

/// The pairs of a seed n-gram found in many places (`list`, by place, each
/// (unit, place in it); `keys_of` holds each unit's keys): each place with
/// the next in the order of the words that follow them, and in the order
/// of the words before them, if they are in different chapters. Two
/// witnesses of a passage share their words on one side at least (a
/// variant is on one side of the n-gram): they stand side by side in one
/// order, while the places the n-gram meets by chance (the genre's stock phrase, in seven places to twelve)
/// stand apart. Each place meets a few others, not all: at 10,000 pieces
/// of formulaic prose such n-grams made two thirds of the pairs (2.4
/// million), nearly all aligned and refused. Clustering joins the places
/// of a passage all the same, pair by pair.
fn neighbour_pairs(
    list: &[(usize, usize)],
    keys_of: &[&[u32]],
    seed: usize,
    chapter_of: &[u32],
    found: &mut Vec<SeedPair>,
) {
    let mut pairs: Vec<SeedPair> = Vec::with_capacity(2 * list.len());
    for after in [true, false] {
        // Each place's words on that side, hashed, beside its index.
        let mut order: Vec<(u32, usize)> = list
            .iter()
            .enumerate()
            .map(|(x, &(u, p))| {
                let keys = keys_of[u];
                let side = if after {
                    &keys[(p + seed).min(keys.len())..(p + 2 * seed).min(keys.len())]
                } else {
                    &keys[p.saturating_sub(seed)..p]
                };
                (gram_hash(side), x)
            })
            .collect();
        order.sort_unstable();
        for next in order.windows(2) {
            // By place: the pair's first place is the earlier.
            let (x, y) = (next[0].1.min(next[1].1), next[0].1.max(next[1].1));
            let ((ua, pa), (ub, pb)) = (list[x], list[y]);
            if chapter_of[ua] != chapter_of[ub] {
                pairs.push((ua as u32, ub as u32, pa as u32, pb as u32));
            }
        }
    }
    // Side by side in both orders, a pair is made once: a second copy
    // would confirm itself (`confirmed_pairs`).
    pairs.sort_unstable();
    pairs.dedup();
    found.extend(pairs);
}

/// The hash below which a `share` of the n-grams that winnowing keeps lie,
/// for hashes spread evenly. With a window of 3, a hash at `x` (as a
/// fraction of the range) is kept when it is the least of one of the three
/// windows that hold it, which happens with chance 3y² − 2y³ (y = 1 − x,
/// the chance that a neighbour is greater); the kept hashes' law is then
/// 1 − 2y³ + y⁴. A window of 1 keeps every hash: the law is x.
fn kept_quantile(share: f64, window: usize) -> u32 {
    let below = |x: f64| match window {
        1 => x,
        3 => {
            let y = 1.0 - x;
            1.0 - 2.0 * y.powi(3) + y.powi(4)
        }
        _ => unreachable!("seeds are winnowed in windows of 1 or 3"),
    };
    // The law grows with x: bisection to a 2^-32 of the range.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if below(mid) < share {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo * 4_294_967_296.0).min(u32::MAX as f64) as u32
}

/// N-grams (each its hash above its place) sorted by hash, those of equal
/// hashes left in the order they stand: a radix sort over the hash's four
/// bytes from the lowest, which skips a byte that all of them share (a
/// bucket's top bits). Three passes over a bucket in the cache took a
/// fifth of the time of a comparison sort.
fn sort_by_hash(grams: &mut Vec<u64>) {
    let byte = |gram: u64, d: usize| ((gram >> (32 + 8 * d)) & 0xff) as usize;
    let mut counts = [[0u32; 256]; 4];
    for &gram in grams.iter() {
        for (d, count) in counts.iter_mut().enumerate() {
            count[byte(gram, d)] += 1;
        }
    }
    let mut sorted = vec![0u64; grams.len()];
    for (d, count) in counts.iter().enumerate() {
        if count.iter().any(|&n| n as usize == grams.len()) {
            continue;
        }
        let mut next = [0u32; 256];
        let mut total = 0;
        for (slot, &n) in next.iter_mut().zip(count) {
            *slot = total;
            total += n;
        }
        for &gram in grams.iter() {
            let b = byte(gram, d);
            sorted[next[b] as usize] = gram;
            next[b] += 1;
        }
        std::mem::swap(grams, &mut sorted);
    }
}

/// The starts of the n-grams kept of `hashes` (one per start), in order,
/// into `kept`: in every `window` (1 or 3) of consecutive starts the one
/// with the least hash (the first of equals), each once; a window of 1
/// keeps every one. Written without branches on the hashes: they are
/// random, and a branch on them went the wrong way every other time (most
/// of the seeds' time at 10,000 pieces).
fn winnow(hashes: &[u32], window: usize, kept: &mut Vec<u32>) {
    kept.clear();
    match window {
        1 => kept.extend(0..hashes.len() as u32),
        3 => {
            kept.resize(hashes.len().saturating_sub(2), 0);
            let (mut n, mut last) = (0, u32::MAX);
            for (start, w) in hashes.windows(3).enumerate() {
                // A later hash is taken only if strictly less.
                let one = w[1] < w[0];
                let least = if one { w[1] } else { w[0] };
                let p = start as u32 + if w[2] < least { 2 } else { one as u32 };
                kept[n] = p;
                n += (p != last) as usize;
                last = p;
            }
            kept.truncate(n);
        }
        _ => unreachable!("seeds are winnowed in windows of 1 or 3"),
    }
}

/// What `winnow` keeps of `hashes`, only those whose hash is in `range`
/// (a pass's). Each hash in the range is judged alone, by its neighbours:
/// each of a large edition's passes holds a few of the n-grams, and
/// winnowing them all again at every pass made the seven passes of
/// 100,000 pieces 6.9–7.1 s, against 5.2–6.0 s this way (with
/// `gram_hashes_into`).
fn winnow_in(hashes: &[u32], window: usize, range: &std::ops::Range<u64>, kept: &mut Vec<u32>) {
    kept.clear();
    let inside = |h: u32| range.contains(&(h as u64));
    match window {
        1 => kept.extend((0..hashes.len() as u32).filter(|&p| inside(hashes[p as usize]))),
        3 => {
            // Windows start at 0 to n - 3.
            let Some(last_start) = hashes.len().checked_sub(3) else {
                return;
            };
            for (p, &h) in hashes.iter().enumerate() {
                if !inside(h) {
                    continue;
                }
                // `p` is the least of the window starting at `s` (the first
                // of equals) when the hashes between s and p are greater
                // and those after p up to s + 2 are not less: s may go back
                // as far as the greater run before p, and forward while the
                // window's end stays in the run after p that is not less.
                let greater_before = (1..=2).take_while(|&k| p >= k && hashes[p - k] > h).count();
                let not_less_after = (1..=2)
                    .take_while(|&k| hashes.get(p + k).is_some_and(|&g| g >= h))
                    .count();
                let first = p - greater_before;
                let last = (p + not_less_after).checked_sub(2);
                if last.is_some_and(|last| first <= last.min(last_start)) {
                    kept.push(p as u32);
                }
            }
        }
        _ => unreachable!("seeds are winnowed in windows of 1 or 3"),
    }
}

/// FNV-1a over the tokens' keys: the same n-gram always hashes alike, so
/// the order of work (and the output) is the same on every run.
pub(super) fn gram_hash(keys: &[u32]) -> u32 {
    keys.iter().fold(0x811c_9dc5u32, |hash, key| {
        (hash ^ key).wrapping_mul(0x0100_0193)
    })
}

/// `gram_hash` of every n-gram of `n` keys in `keys`, in order.
fn gram_hashes(keys: &[u32], n: usize) -> impl Iterator<Item = u32> + '_ {
    keys.windows(n).map(gram_hash)
}

/// `gram_hashes` of `keys` into `hashes`, computed a key position at a
/// time over every n-gram at once: the same values, in a loop the
/// compiler runs several n-grams wide (a quarter faster than hashing each
/// n-gram alone; it counts at every pass of a large edition).
fn gram_hashes_into(keys: &[u32], n: usize, hashes: &mut Vec<u32>) {
    hashes.clear();
    let Some(count) = (keys.len() + 1).checked_sub(n) else {
        return;
    };
    hashes.resize(count, 0x811c_9dc5);
    for k in 0..n {
        for (hash, &key) in hashes.iter_mut().zip(&keys[k..k + count]) {
            *hash = (*hash ^ key).wrapping_mul(0x0100_0193);
        }
    }
}

/// Extends a shared seed at `a[i..i+seed]`, `b[j..j+seed]` both ways into
/// the longest alignment whose edits stay within about a tenth of its
/// length.
pub fn align(a: &[u32], b: &[u32], i: usize, j: usize, seed: usize) -> Alignment {
    let eq = |x: usize, y: usize| a[x] == b[y];
    // Forward.
    let (mut ai, mut bj, mut edits, mut length) = (i + seed, j + seed, 0usize, seed);
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

/// Short passages that stand in quotation marks in one chapter at least
/// and, quoted or not, in two: a saying quoted in one piece and repeated
/// bare in another (“凡事预则立，不预则废” / 凡事预则立，不预则废), if it has
/// `bare_min` tokens or more (else it must be quoted in two). A passage
/// in more than `max_chapters` chapters is the genre's stock, not a saying.
pub fn quoted_matches(
    units: &[Unit],
    (min_quoted, min_long): (usize, usize),
    bare_min: usize,
    max_chapters: usize,
    spans: &mut Vec<Span>,
    links: &mut Vec<(usize, usize)>,
) {
    let mut by_key: BTreeMap<&[u32], Vec<Span>> = BTreeMap::new();
    for (u, unit) in units.iter().enumerate() {
        for &(first, last) in &unit.quoted {
            let (first, last) = (first as usize, last as usize);
            // Longer ones are found by `long_matches`.
            if !(min_quoted..min_long).contains(&(last - first)) {
                continue;
            }
            by_key
                .entry(&unit.keys[first..last])
                .or_default()
                .push(Span {
                    unit: u,
                    start: first,
                    end: last,
                });
        }
    }
    // Only sayings long enough not to be a term (“核心要害部门”) are looked
    // for bare.
    let patterns: Vec<&[u32]> = by_key
        .keys()
        .copied()
        .filter(|k| k.len() >= bare_min)
        .collect();
    for (key, span) in bare_places(units, &patterns) {
        let list = by_key.get_mut(patterns[key]).expect("a pattern is a key");
        if !list.contains(&span) {
            list.push(span);
        }
    }
    for mut list in by_key.into_values() {
        list.sort_by_key(|s| (s.unit, s.start));
        list.dedup_by_key(|s| (s.unit, s.start));
        let chapters: HashSet<usize> = list.iter().map(|s| units[s.unit].chapter).collect();
        if chapters.len() < 2 || chapters.len() > max_chapters {
            continue;
        }
        let base = spans.len();
        spans.extend(list.iter().copied());
        for k in base + 1..spans.len() {
            links.push((base, k));
        }
    }
}

/// Every place where one of the `patterns` stands, as (pattern, span), in
/// reading order within each unit: one pass over the edition's keys with a
/// rolling hash of as many keys as the shortest pattern has, looked up in
/// the patterns' openings (a bit filter first: most places open none), and
/// each hit compared whole.
pub(super) fn bare_places(units: &[Unit], patterns: &[&[u32]]) -> Vec<(usize, Span)> {
    // (An empty pattern stands nowhere.)
    let Some(width) = patterns.iter().map(|p| p.len()).filter(|&w| w > 0).min() else {
        return Vec::new();
    };
    let opening = |keys: &[u32]| {
        keys.iter()
            .fold(0u64, |h, &k| h.wrapping_mul(ROLL).wrapping_add(k as u64))
    };
    let mut openings: HashMap<u64, Vec<u32>, Prehashed> = HashMap::default();
    for (i, pattern) in patterns.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        openings
            .entry(opening(&pattern[..width]))
            .or_default()
            .push(i as u32);
    }
    let filter = BitFilter::new(openings.keys().copied(), openings.len(), OPENING_BITS);
    // ROLL^width: what the key leaving the window weighs.
    let top = (0..width).fold(1u64, |t, _| t.wrapping_mul(ROLL));
    units
        .par_iter()
        .enumerate()
        .flat_map_iter(|(u, unit)| {
            let keys = &unit.keys;
            let mut found = Vec::new();
            if keys.len() < width {
                return found;
            }
            let mut h = opening(&keys[..width]);
            for start in 0..=keys.len() - width {
                if start > 0 {
                    h = h
                        .wrapping_mul(ROLL)
                        .wrapping_add(keys[start + width - 1] as u64)
                        .wrapping_sub((keys[start - 1] as u64).wrapping_mul(top));
                }
                if !filter.may_hold(h) {
                    continue;
                }
                let Some(list) = openings.get(&h) else {
                    continue;
                };
                for &i in list {
                    let pattern = patterns[i as usize];
                    if keys[start..].starts_with(pattern) {
                        found.push((
                            i as usize,
                            Span {
                                unit: u,
                                start,
                                end: start + pattern.len(),
                            },
                        ));
                    }
                }
            }
            found
        })
        .collect()
}

/// The rolling hash's base (odd, so that it is invertible mod 2^64).
const ROLL: u64 = 0x0000_0100_0000_01b3;
/// Most bits of the filter in front of the patterns' openings (2^22: 512
/// KB).
const OPENING_BITS: u32 = 22;

/// How much two spans of one unit must overlap to be one passage.
#[derive(Clone, Copy)]
pub enum Overlap {
    /// Half the shorter: a passage found by several pairs of witnesses,
    /// each cut a little differently, is one.
    HalfShorter,
    /// Four fifths of the longer: only the same stretch found twice.
    MostOfLonger,
}

impl Overlap {
    fn joins(self, a: Span, b: Span) -> bool {
        let overlap = a.end.min(b.end).saturating_sub(a.start.max(b.start));
        let (la, lb) = (a.end - a.start, b.end - b.start);
        overlap > 0
            && match self {
                Overlap::HalfShorter => overlap * 2 >= la.min(lb),
                Overlap::MostOfLonger => overlap * 5 >= la.max(lb) * 4,
            }
    }
}

/// Groups the spans `members` (indices into `spans`) linked by a match in
/// `links`, and spans of one unit that overlap as `overlap` says, into
/// clusters (union-find). Spans from `quoted_from` on are short quoted
/// sayings: joined by their own links and to nearly the same stretch only,
/// so that a saying inside a longer passage is a cluster of its own (it
/// may be quoted in more places than the passage), nested in the
/// passage's.
pub fn cluster(
    spans: &[Span],
    links: &[(usize, usize)],
    members: &[usize],
    quoted_from: usize,
    overlap: Overlap,
) -> Vec<Vec<usize>> {
    // A span's index among `members`: a dense table when they are most of
    // the spans (the first clustering), a map when a few (a chain).
    let dense = members.len() * 4 >= spans.len();
    // Local indices in 32 bits: a large edition has a million spans, and
    // these tables stand beside them.
    let table: Vec<u32> = if dense {
        let mut t = vec![u32::MAX; spans.len()];
        for (k, &i) in members.iter().enumerate() {
            t[i] = k as u32;
        }
        t
    } else {
        Vec::new()
    };
    let map: HashMap<usize, usize> = if dense {
        HashMap::new()
    } else {
        members.iter().enumerate().map(|(k, &i)| (i, k)).collect()
    };
    let local = |i: usize| {
        if dense {
            Some(table[i])
                .filter(|&k| k != u32::MAX)
                .map(|k| k as usize)
        } else {
            map.get(&i).copied()
        }
    };
    let mut parent: Vec<u32> = (0..members.len() as u32).collect();
    fn root(parent: &mut [u32], x: usize) -> usize {
        let mut x = x as u32;
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x as usize
    }
    let union = |parent: &mut Vec<u32>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb) as u32;
        }
    };
    // Members by unit, then start: a span can only overlap those of its
    // unit that start before it ends, so no quadratic scan of a unit.
    // (Sorted as keys beside their index: a key looked up through
    // `members` at every comparison made this sort a third of the whole
    // clustering of a large edition.)
    let mut keyed: Vec<(u32, u32, u32, u32)> = members
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let s = spans[m];
            (s.unit as u32, s.start as u32, s.end as u32, k as u32)
        })
        .collect();
    keyed.par_sort_unstable();
    let sorted: Vec<usize> = keyed.into_iter().map(|(.., k)| k as usize).collect();
    let by_unit: Vec<&[usize]> = sorted
        .chunk_by(|&a, &b| spans[members[a]].unit == spans[members[b]].unit)
        .collect();
    let minor = minor_spans(spans, members, &by_unit, quoted_from);
    for &(a, b) in links {
        if let (Some(a), Some(b)) = (local(a), local(b)) {
            // A clause that two different passages share (我在……工作的
            //时候就讲过) matches inside both: it must not make them one.
            if !(minor[a] && minor[b]) {
                union(&mut parent, a, b);
            }
        }
    }
    // (shorter, longer) pairs of overlapping spans, the shorter mostly
    // inside the longer.
    let mut nested: Vec<(usize, usize)> = Vec::new();
    for list in &by_unit {
        for (x, &p) in list.iter().enumerate() {
            for &q in &list[x + 1..] {
                let (i, j) = (members[p], members[q]);
                if spans[j].start >= spans[i].end {
                    break;
                }
                // A quoted saying joins only the same stretch found another
                // way, never a longer passage around it.
                let rule = if i < quoted_from && j < quoted_from {
                    overlap
                } else {
                    Overlap::MostOfLonger
                };
                if !rule.joins(spans[i], spans[j]) {
                    continue;
                }
                let (li, lj) = (spans[i].end - spans[i].start, spans[j].end - spans[j].start);
                let overlap = spans[i].end.min(spans[j].end) - spans[j].start;
                // Two stretches that share only part of each (a saying, and
                // different words on either side) are treated like a part
                // and its passage: joined only if nothing else holds it.
                let shared = overlap * 5 >= li.min(lj) * 4;
                if clearly_longer(li, lj) || (!shared && li >= lj) {
                    nested.push((q, p));
                } else if clearly_longer(lj, li) || !shared {
                    nested.push((p, q));
                } else {
                    union(&mut parent, p, q);
                }
            }
        }
    }
    // A part of a longer passage joins the passage only when it is part of
    // no other: a saying that several passages carry (宁可慢一点把事情办对，
    // 也不快一步把事情办错) is a cluster of its own, nested in each.
    // Each join may leave another part with one holder less: until none.
    loop {
        // (part's root, holder's root), sorted: each part's holders together.
        let mut holders: Vec<(u32, u32)> = nested
            .iter()
            .map(|&(short, long)| (root(&mut parent, short), root(&mut parent, long)))
            .filter(|(rs, rl)| rs != rl)
            .map(|(rs, rl)| (rs as u32, rl as u32))
            .collect();
        holders.sort_unstable();
        holders.dedup();
        let mut joined = false;
        for group in holders.chunk_by(|a, b| a.0 == b.0) {
            let (short, long) = (group[0].0 as usize, group[0].1 as usize);
            if group.len() == 1 && root(&mut parent, short) != root(&mut parent, long) {
                union(&mut parent, short, long);
                joined = true;
            }
        }
        if !joined {
            break;
        }
    }
    // Members by their root (the least member of the group): the groups in
    // order of their first member, each in the members' order.
    let mut by_root: Vec<(u32, u32)> = (0..members.len())
        .map(|k| (root(&mut parent, k) as u32, k as u32))
        .collect();
    drop(parent);
    by_root.sort_unstable();
    by_root
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| group.iter().map(|&(_, k)| members[k as usize]).collect())
        .collect()
}

/// Longer by a quarter, and by four tokens at least.
fn clearly_longer(long: usize, short: usize) -> bool {
    long >= short + (short / 4).max(4)
}

/// Which members (by local index) lie mostly inside a span of their unit
/// clearly longer: a part of a longer passage there.
fn minor_spans(
    spans: &[Span],
    members: &[usize],
    by_unit: &[&[usize]],
    quoted_from: usize,
) -> Vec<bool> {
    let mut minor = vec![false; members.len()];
    for list in by_unit {
        for (x, &p) in list.iter().enumerate() {
            for &q in &list[x + 1..] {
                let (a, b) = (spans[members[p]], spans[members[q]]);
                if b.start >= a.end {
                    break;
                }
                if members[p] >= quoted_from || members[q] >= quoted_from {
                    continue;
                }
                let overlap = a.end.min(b.end) - b.start;
                let (la, lb) = (a.end - a.start, b.end - b.start);
                if overlap * 5 >= lb * 4 && clearly_longer(la, lb) {
                    minor[q] = true;
                }
                if overlap * 5 >= la * 4 && clearly_longer(lb, la) {
                    minor[p] = true;
                }
            }
        }
    }
    minor
}

/// Whether an alignment's `keys` are mostly the genre's stock: their
/// `seed`-grams that are not `stock` cover fewer than `min_tokens` tokens.
/// Such an alignment is its phrases and frames meeting by chance, and
/// would chain unrelated places into one cluster. One that is mostly stock
/// but joins its phrases in a way found nowhere else is judged by the
/// background: a speaker's sentence in formulaic prose is made of the
/// genre's words.
fn mostly_stock(
    keys: &[u32],
    seed: usize,
    stock: &HashSet<u32, Prehashed>,
    min_tokens: usize,
) -> bool {
    let (mut covered, mut reach) = (0, 0);
    for (p, hash) in gram_hashes(keys, seed).enumerate() {
        if !stock.contains(&hash) {
            covered += (p + seed).saturating_sub(reach.max(p));
            reach = p + seed;
            // Enough is rare: the rest of a kept alignment (most of it)
            // need not be hashed and looked up.
            if covered >= min_tokens {
                return false;
            }
        }
    }
    true
}

impl<'a> Seeding<'a> {
    /// Every seed of an edition of up to `WINNOW_ABOVE` tokens; above,
    /// one in three, confirmed.
    fn for_edition(tokens: usize, stop: &'a (dyn Fn() -> bool + Sync)) -> Seeding<'a> {
        let large = tokens > WINNOW_ABOVE;
        Seeding {
            window: if large { 3 } else { 1 },
            confirm: large,
            stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::quotations::tokens::tokenize;

    /// Keys drawn from a small alphabet by a fixed generator, so that
    /// n-grams repeat as a formulaic text's do.
    fn keys(count: usize, alphabet: u64) -> Vec<u32> {
        let mut next = crate::enrich::quotations::tests::draws(11);
        (0..count).map(|_| 0x4e00 + next(alphabet) as u32).collect()
    }

    /// The n-grams of a pass go to buckets by hash, the pairs to buckets
    /// by their first unit: each bucket takes an even share, in order. (The
    /// edition's seeds would be the same in one bucket; only the work's
    /// balance between the buckets and the cache would suffer.)
    #[test]
    fn buckets_take_even_shares_in_order() {
        for (range, count) in [
            (0..1u64 << 32, 1024),
            (1 << 30..3 << 30, 64),
            (5..1_000_005, 7),
        ] {
            let buckets = HashBuckets::new(range.clone(), count);
            let mut held = vec![0usize; count];
            let step = (range.end - range.start) / 100_000;
            let mut last = 0;
            for k in 0..100_000 {
                let bucket = buckets.of((range.start + k * step) as u32);
                assert!(bucket >= last, "{range:?}: out of order at {k}");
                last = bucket;
                held[bucket] += 1;
            }
            for (bucket, &n) in held.iter().enumerate() {
                let share = n as f64 * count as f64 / 100_000.0;
                assert!(
                    (0.9..1.1).contains(&share),
                    "{range:?}, bucket {bucket}: {n}"
                );
            }
        }
        let mut held = [0usize; 64];
        for unit in 0..6_400 {
            held[pair_bucket(unit, 64, 6_400)] += 1;
        }
        assert_eq!(held, [100; 64]);
        assert_eq!(pair_bucket(6_399, 64, 6_400), 63);
    }

    #[test]
    fn each_pass_holds_an_even_share_of_the_kept_n_grams() {
        let hashes: Vec<u32> = gram_hashes(&keys(300_000, 5_000), 6).collect();
        for (window, passes) in [(1, 3), (3, 2), (3, 3), (3, 8)] {
            let bounds = pass_bounds(passes, window);
            let mut held = vec![0usize; passes];
            let mut kept = Vec::new();
            winnow(&hashes, window, &mut kept);
            for &p in &kept {
                held[bounds.partition_point(|&b| b <= hashes[p as usize])] += 1;
            }
            let total: usize = held.iter().sum();
            for (pass, &count) in held.iter().enumerate() {
                let share = count as f64 * passes as f64 / total as f64;
                assert!(
                    (0.95..1.05).contains(&share),
                    "window {window}, pass {pass} of {passes}: {count} of {total}"
                );
            }
        }
    }

    /// An alignment is mostly stock while the tokens its rare n-grams
    /// cover, each token once, are fewer than the bar.
    #[test]
    fn an_alignment_is_mostly_stock_until_its_rare_n_grams_cover_the_bar() {
        let keys: Vec<u32> = (0..20).map(|k| 0x4e00 + k).collect();
        let (seed, bar) = (4, 8);
        // Every n-gram stock but those starting at `rare`.
        let stock_but = |rare: &[usize]| -> HashSet<u32, Prehashed> {
            (gram_hashes(&keys, seed).enumerate())
                .filter(|(p, _)| !rare.contains(p))
                .map(|(_, h)| h)
                .collect()
        };
        // Two overlapping rare n-grams cover tokens 5 to 9: five.
        assert!(mostly_stock(&keys, seed, &stock_but(&[5, 6]), bar));
        // And one more apart, 12 to 15: nine, past the bar.
        assert!(!mostly_stock(&keys, seed, &stock_but(&[5, 6, 12]), bar));
        // Four overlapping ones cover seven tokens, not sixteen.
        assert!(mostly_stock(&keys, seed, &stock_but(&[0, 1, 2, 3]), bar));
        assert!(!mostly_stock(&keys, seed, &stock_but(&[0, 4]), bar));
        assert!(!mostly_stock(&keys, seed, &HashSet::default(), bar));
    }

    /// Seeds are winnowed and confirmed only past `WINNOW_ABOVE` tokens.
    #[test]
    fn only_a_large_edition_winnows_and_confirms_its_seeds() {
        let never = || false;
        for (tokens, window, confirm) in [
            (0, 1, false),
            (WINNOW_ABOVE, 1, false),
            (WINNOW_ABOVE + 1, 3, true),
            (10 * WINNOW_ABOVE, 3, true),
        ] {
            let seeding = Seeding::for_edition(tokens, &never);
            assert_eq!(
                (seeding.window, seeding.confirm),
                (window, confirm),
                "{tokens}"
            );
        }
    }

    /// A pass's kept n-grams fill buckets of about `BUCKET_GRAMS` each
    /// (each sorted in the cache), 1,024 at most; a small edition takes
    /// one. The pairs take a bucket for every `BUCKET_UNITS` units, 64 at
    /// most.
    #[test]
    fn buckets_are_made_for_the_n_grams_and_units_they_hold() {
        let for_grams = |grams_per_pass: usize, window: usize, passes: usize| {
            Buckets::for_edition(grams_per_pass * window * passes, 1, window, passes).grams
        };
        assert_eq!(for_grams(4 * BUCKET_GRAMS, 3, 2), 4);
        assert_eq!(for_grams(4 * BUCKET_GRAMS, 1, 1), 4);
        assert_eq!(for_grams(5 * BUCKET_GRAMS, 3, 3), 8);
        assert_eq!(for_grams(100, 3, 1), 1);
        assert_eq!(for_grams(5000 * BUCKET_GRAMS, 3, 2), BUCKETS);
        let for_units = |units: usize| Buckets::for_edition(1, units, 1, 1).pairs;
        assert_eq!(for_units(10), 1);
        assert_eq!(for_units(5 * BUCKET_UNITS), 5);
        assert_eq!(for_units(1000 * BUCKET_UNITS), PAIR_BUCKETS);
    }

    #[test]
    fn a_seed_is_confirmed_by_another_of_the_same_two_units_on_a_near_diagonal() {
        let pairs: Vec<SeedPair> = vec![
            // Six tokens apart on one diagonal: each confirms the other.
            (0, 1, 10, 20),
            (0, 1, 16, 26),
            // A token dropped between them: the diagonal moves by one.
            (0, 1, 40, 50),
            (0, 1, 47, 58),
            // Three tokens dropped: two passages, not one.
            (0, 1, 80, 90),
            (0, 1, 85, 98),
            // Too far apart (20 > 12).
            (0, 1, 120, 130),
            (0, 1, 140, 150),
            // The same places in a first unit, but another second unit.
            (0, 1, 200, 10),
            (0, 2, 204, 14),
            (1, 2, 5, 5),
            // At the very start of the first unit, and twelve tokens on.
            (3, 4, 0, 7),
            (3, 4, 12, 19),
        ];
        assert_eq!(
            confirmed_pairs(&pairs, 12),
            [
                true, true, true, true, false, false, false, false, false, false, false, true, true
            ]
        );
    }

    #[test]
    fn an_n_gram_in_many_places_pairs_witnesses_that_share_a_side_and_not_the_rest() {
        // Ten places of one n-gram (tokens 1..=6), each in its own unit
        // and chapter but units 8 and 9 (one chapter). Units 2 and 7
        // share the words after it; units 4 and 6 those before it; the
        // rest meet it by chance, with words of their own either side
        // (after it, all but the first two, which all share: a side is
        // the n-gram's length, not less).
        let gram: Vec<u32> = (1..=6).collect();
        let own = |u: u32| (0..6).map(move |k| 1000 * (u + 1) + k);
        let own_after = |u: u32| [50, 51].into_iter().chain(own(u + 20).take(4)).collect();
        let place = |before: Vec<u32>, after: Vec<u32>| {
            let mut keys = before;
            keys.extend(&gram);
            keys.extend(after);
            keys
        };
        let shared_after: Vec<u32> = (50..56).collect();
        let shared_before: Vec<u32> = (60..66).collect();
        let keys: Vec<Vec<u32>> = (0..10u32)
            .map(|u| match u {
                2 | 7 => place(own(u).collect(), shared_after.clone()),
                4 | 6 => place(shared_before.clone(), own_after(u)),
                _ => place(own(u).collect(), own_after(u)),
            })
            .collect();
        let units: Vec<Unit> = keys
            .iter()
            .enumerate()
            .map(|(u, k)| Unit {
                chapter: u.min(8),
                unit: 0,
                text: "",
                keys: k.clone().into(),
                quoted: Box::default(),
                walls: Box::default(),
                clauses: Default::default(),
            })
            .collect();
        let chapter_of: Vec<u32> = units.iter().map(|u| u.chapter as u32).collect();
        let list: Vec<(usize, usize)> = (0..10).map(|u| (u, 6)).collect();
        let mut found = Vec::new();
        let keys_of: Vec<&[u32]> = units.iter().map(|u| &u.keys[..]).collect();
        neighbour_pairs(&list, &keys_of, 6, &chapter_of, &mut found);
        let pairs: Vec<(u32, u32)> = found.iter().map(|p| (p.0, p.1)).collect();
        assert!(pairs.contains(&(2, 7)), "{pairs:?}");
        assert!(pairs.contains(&(4, 6)), "{pairs:?}");
        // Each place meets a few others, each pair once, earlier first,
        // never two places of one chapter, all at the n-gram's place.
        assert!(pairs.len() <= 2 * 9, "{pairs:?}");
        let mut unique = pairs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), pairs.len());
        assert!(pairs.iter().all(|&(a, b)| a < b && (a, b) != (8, 9)));
        assert!(found.iter().all(|p| (p.2, p.3) == (6, 6)));
        // Fewer than every pair: 45 less the one inside a chapter.
        assert!(pairs.len() < 44);
    }

    #[test]
    fn stretches_merge_what_overlaps_in_a_unit_and_hold_their_places() {
        let stretches = Stretches::of(
            4,
            [
                (2, 12, 20),
                (0, 10, 20),
                (1, 40, 50),
                (1, 5, 15),
                (0, 18, 30),
                (2, 0, 12),
                (0, 12, 16),
            ]
            .into_iter(),
        );
        // Unit 0: 10..30 (three overlapping, one inside another); unit 1:
        // 5..15 and 40..50; unit 2: 0..12 and 12..20 (touching, one).
        assert_eq!(stretches.merged, [(10, 30), (5, 15), (40, 50), (0, 20)]);
        assert_eq!(stretches.first, [0, 1, 3, 4, 4]);
        let held: Vec<bool> = [
            (0, 9),
            (0, 10),
            (0, 29),
            (0, 30),
            (1, 20),
            (1, 45),
            (2, 19),
            (3, 0),
        ]
        .map(|(u, p)| stretches.holds(u, p))
        .into();
        assert_eq!(held, [false, true, true, false, false, true, true, false]);
    }

    /// A unit of its own chapter: `filler` tokens no other unit has, then
    /// `passage`, then more filler; quoted if `quoted`.
    fn unit_with(chapter: usize, passage: &[u32], quoted: bool) -> Unit<'static> {
        let filler = |k: u32| 100_000 * (chapter as u32 + 1) + k;
        let mut keys: Vec<u32> = (0..20).map(filler).collect();
        keys.extend_from_slice(passage);
        keys.extend((20..40).map(filler));
        let quoted: Box<[(u32, u32)]> = if quoted {
            Box::new([(20, 20 + passage.len() as u32)])
        } else {
            Box::default()
        };
        Unit {
            chapter,
            unit: 0,
            text: "",
            keys: keys.into(),
            quoted,
            walls: Box::default(),
            clauses: Default::default(),
        }
    }

    /// `passage` with every sixth token from the seventh on replaced: it
    /// shares one seed of six tokens with the passage, and aligns with it
    /// over 18 tokens (two edits).
    fn variant(passage: &[u32]) -> Vec<u32> {
        passage
            .iter()
            .enumerate()
            .map(|(k, &key)| {
                if k >= 6 && k % 6 == 0 {
                    90_000 + k as u32
                } else {
                    key
                }
            })
            .collect()
    }

    #[test]
    fn a_seed_alone_is_aligned_only_beside_a_passage_found_or_inside_quotation_marks() {
        let passage = |first: u32| (first..first + 30).collect::<Vec<u32>>();
        let (found, alone) = (passage(1000), passage(2000));
        let (quoted, quoted_after) = (passage(3000), passage(4000));
        let short_quoted = passage(5000);
        // (Pairs of units are taken first unit first: the evidence is
        // looked for on either side.)
        let units = vec![
            // A passage in two pieces, and with variants in one between.
            unit_with(0, &found, false),
            unit_with(1, &variant(&found), false),
            unit_with(2, &found, false),
            // A passage in one piece, and with variants in another.
            unit_with(3, &alone, false),
            unit_with(4, &variant(&alone), false),
            // The same, in quotation marks in the first, then the second.
            unit_with(5, &quoted, true),
            unit_with(6, &variant(&quoted), false),
            unit_with(7, &variant(&quoted_after), false),
            unit_with(8, &quoted_after, true),
            // Quotation marks around fewer tokens than a passage's are no
            // evidence, even far into their unit.
            Unit {
                quoted: Box::new([(20, 28)]),
                ..unit_with(9, &short_quoted, false)
            },
            unit_with(10, &variant(&short_quoted), false),
        ];
        let matched = |confirm: bool| {
            let (mut spans, mut links) = (Vec::new(), Vec::new());
            let seeding = Seeding {
                window: 1,
                confirm,
                stop: &|| false,
            };
            matches_from_seeds(&units, 6, 12, seeding, &mut spans, &mut links);
            let mut pairs: Vec<(usize, usize, usize)> = links
                .iter()
                .map(|&(a, b)| (spans[a].unit, spans[b].unit, spans[a].end - spans[a].start))
                .collect();
            pairs.sort();
            pairs
        };
        // Each seed aligned: every pair of witnesses; the variants align
        // over 18 tokens.
        assert_eq!(
            matched(false),
            [
                (0, 1, 18),
                (0, 2, 30),
                (1, 2, 18),
                (3, 4, 18),
                (5, 6, 18),
                (7, 8, 18),
                (9, 10, 18)
            ]
        );
        // Seeds confirmed: the passage in two pieces stands on many seeds;
        // its variant's one seed lies in it; the lone passage's variant
        // has no evidence but its seed; quotation marks are evidence.
        assert_eq!(
            matched(true),
            [(0, 1, 18), (0, 2, 30), (1, 2, 18), (5, 6, 18), (7, 8, 18)]
        );
    }

    /// The links `matches_from_seeds` makes between `units`, every seed
    /// taken, as (unit, start, end) on each side.
    fn linked(units: &[Unit], min_tokens: usize) -> Vec<[(usize, usize, usize); 2]> {
        let (mut spans, mut links) = (Vec::new(), Vec::new());
        let seeding = Seeding {
            window: 1,
            confirm: false,
            stop: &|| false,
        };
        matches_from_seeds(units, 6, min_tokens, seeding, &mut spans, &mut links);
        // Made at their size: a large edition's million spans and links
        // are not doubled as they are added.
        assert_eq!(spans.capacity(), spans.len());
        assert_eq!(links.capacity(), links.len());
        let place = |s: Span| (s.unit, s.start, s.end);
        (links.iter())
            .map(|&(a, b)| [place(spans[a]), place(spans[b])])
            .collect()
    }

    /// Two n-grams of one hash but other words (a hash is 32 bits) are no
    /// seed: the alignment starts where the words agree.
    #[test]
    fn equal_hashes_of_different_n_grams_are_no_seed() {
        let shared: Vec<u32> = (5000..5016).collect();
        // FNV-1a: a second key that brings another first key's hash back
        // to the same state.
        let (k0, k1, other) = (7001u32, 7002u32, 7003u32);
        let state = |k: u32| (0x811c_9dc5u32 ^ k).wrapping_mul(0x0100_0193);
        let k1_other = k1 ^ state(k0) ^ state(other);
        let a: Vec<u32> = [k0, k1].into_iter().chain(shared.clone()).collect();
        let b: Vec<u32> = [other, k1_other].into_iter().chain(shared).collect();
        assert_ne!(a[..6], b[..6]);
        assert_eq!(gram_hash(&a[..6]), gram_hash(&b[..6]));
        let units = [unit_with(0, &a, false), unit_with(1, &b, false)];
        // (Each passage after twenty tokens of its unit's own.)
        assert_eq!(linked(&units, 12), [[(0, 22, 38), (1, 22, 38)]]);
    }

    /// A part of a passage that a unit repeats right after it (quoted
    /// again, with a variant) is aligned again where the other unit holds
    /// that part: a seed just past an aligned stretch is on another
    /// diagonal, and here the repeat's only seed.
    #[test]
    fn a_part_repeated_right_after_its_passage_is_aligned_again() {
        let passage: Vec<u32> = (7000..7024).collect();
        let repeated: Vec<u32> = (passage.iter().copied())
            .chain(variant(&passage[6..18]))
            .collect();
        let units = [
            unit_with(0, &repeated, false),
            unit_with(1, &passage, false),
        ];
        assert_eq!(
            linked(&units, 12),
            [[(0, 20, 44), (1, 20, 44)], [(0, 44, 56), (1, 26, 38)]]
        );
        let units = [
            unit_with(0, &passage, false),
            unit_with(1, &repeated, false),
        ];
        assert_eq!(
            linked(&units, 12),
            [[(0, 20, 44), (1, 20, 44)], [(0, 26, 38), (1, 44, 56)]]
        );
    }

    /// An alignment is kept when it is long enough on both sides: a
    /// witness that drops a word may fall short where the other does not.
    #[test]
    fn an_alignment_is_kept_only_when_long_enough_on_both_sides() {
        let passage: Vec<u32> = (6000..6013).collect();
        let dropped: Vec<u32> = (passage.iter().enumerate())
            .filter(|&(k, _)| k != 9)
            .map(|(_, &key)| key)
            .collect();
        for (first, second) in [(&passage, &dropped), (&dropped, &passage)] {
            let units = [unit_with(0, first, false), unit_with(1, second, false)];
            let (a, b) = (20 + first.len(), 20 + second.len());
            assert_eq!(linked(&units, 12), [[(0, 20, a), (1, 20, b)]]);
            assert!(linked(&units, 13).is_empty());
        }
    }

    /// Units of keys from a small alphabet, three to a chapter: their
    /// n-grams of six stand in one place to a dozen and more.
    fn formulaic_units(count: usize, length: usize, alphabet: u64) -> Vec<Unit<'static>> {
        let all = keys(count * length, alphabet);
        all.chunks(length)
            .enumerate()
            .map(|(u, keys)| Unit {
                chapter: u / 3,
                unit: u % 3,
                text: "",
                keys: keys.to_vec().into(),
                quoted: Box::default(),
                walls: Box::default(),
                clauses: Default::default(),
            })
            .collect()
    }

    /// `seed_pairs_in_passes`, the pairs and stock n-grams in order, the
    /// same in one bucket, in the edition's count and in the most.
    fn sorted_pairs(units: &[Unit], window: usize, passes: usize) -> (Vec<SeedPair>, Vec<u32>) {
        let tokens = units.iter().map(|u| u.keys.len()).sum();
        let counts = [
            Buckets { grams: 1, pairs: 1 },
            Buckets::for_edition(tokens, units.len(), window, passes),
            Buckets {
                grams: BUCKETS,
                pairs: PAIR_BUCKETS,
            },
        ];
        let found: Vec<(Vec<SeedPair>, Vec<u32>)> = counts
            .iter()
            .map(|&buckets| {
                let (pairs, stock) = seed_pairs_in_passes(units, 6, window, passes, buckets);
                // In order as they come (`matches_from_seeds` reads them so).
                assert!(pairs.is_sorted());
                let mut stock: Vec<u32> = stock.into_iter().collect();
                stock.sort_unstable();
                (pairs, stock)
            })
            .collect();
        assert!(found.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
        found.into_iter().next().expect("three counts")
    }

    #[test]
    fn seed_pairs_are_every_pair_of_places_of_an_n_gram_in_two_to_twelve() {
        let units = formulaic_units(300, 200, 4);
        // Every place of every n-gram, by hash, in order of place.
        let mut places: BTreeMap<u32, Vec<(usize, usize)>> = BTreeMap::new();
        for (u, unit) in units.iter().enumerate() {
            for (p, hash) in gram_hashes(&unit.keys, 6).enumerate() {
                places.entry(hash).or_default().push((u, p));
            }
        }
        let mut pairs = Vec::new();
        let mut stock = Vec::new();
        for (&hash, list) in &places {
            if list.len() > MAX_SEED_PLACES {
                stock.push(hash);
                continue;
            }
            for (x, &(ua, pa)) in list.iter().enumerate() {
                for &(ub, pb) in &list[x + 1..] {
                    if units[ua].chapter != units[ub].chapter {
                        pairs.push((ua as u32, ub as u32, pa as u32, pb as u32));
                    }
                }
            }
        }
        pairs.sort_unstable();
        // The corpus has both kinds.
        assert!(
            pairs.len() > 10_000 && stock.len() > 100,
            "{} {}",
            pairs.len(),
            stock.len()
        );
        for passes in [1, 3] {
            assert_eq!(
                sorted_pairs(&units, 1, passes),
                (pairs.clone(), stock.clone())
            );
        }
    }

    #[test]
    fn no_unit_or_no_token_makes_no_seed_pair() {
        let empty = |chapter| Unit {
            chapter,
            unit: 0,
            text: "",
            keys: Default::default(),
            quoted: Box::default(),
            walls: Box::default(),
            clauses: Default::default(),
        };
        for units in [Vec::new(), vec![empty(0), empty(1)]] {
            for (window, passes) in [(1, 1), (3, 1), (3, 3)] {
                let (pairs, stock) = sorted_pairs(&units, window, passes);
                assert!(pairs.is_empty() && stock.is_empty());
            }
        }
    }

    /// Winnowed, an n-gram in two to six places pairs every two of them;
    /// in seven to twelve, each place with its neighbours
    /// (`neighbour_pairs`); in more, it is stock.
    #[test]
    fn winnowed_n_grams_in_seven_places_or_more_pair_only_neighbours() {
        let units = formulaic_units(300, 200, 4);
        let mut places: BTreeMap<u32, Vec<(usize, usize)>> = BTreeMap::new();
        let mut kept = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            let hashes: Vec<u32> = gram_hashes(&unit.keys, 6).collect();
            winnow(&hashes, 3, &mut kept);
            for &p in &kept {
                places
                    .entry(hashes[p as usize])
                    .or_default()
                    .push((u, p as usize));
            }
        }
        let keys_of: Vec<&[u32]> = units.iter().map(|u| &u.keys[..]).collect();
        let chapter_of: Vec<u32> = units.iter().map(|u| u.chapter as u32).collect();
        let (mut pairs, mut stock) = (Vec::new(), Vec::new());
        let mut sizes = [0usize; 3];
        for (&hash, list) in &places {
            match list.len() {
                0..=1 => {}
                2..=ALL_PAIRS_UP_TO => {
                    sizes[0] += 1;
                    for (x, &(ua, pa)) in list.iter().enumerate() {
                        for &(ub, pb) in &list[x + 1..] {
                            if chapter_of[ua] != chapter_of[ub] {
                                pairs.push((ua as u32, ub as u32, pa as u32, pb as u32));
                            }
                        }
                    }
                }
                7..=MAX_SEED_PLACES => {
                    sizes[1] += 1;
                    neighbour_pairs(list, &keys_of, 6, &chapter_of, &mut pairs);
                }
                _ => {
                    sizes[2] += 1;
                    stock.push(hash);
                }
            }
        }
        pairs.sort_unstable();
        // The corpus has n-grams of each kind, and six places make all
        // their pairs while seven make fewer.
        assert!(sizes.iter().all(|&n| n > 50), "{sizes:?}");
        assert_eq!(sorted_pairs(&units, 3, 1), (pairs, stock));
    }

    #[test]
    fn winnowed_seed_pairs_are_the_same_in_one_pass_or_many() {
        let units = formulaic_units(300, 200, 4);
        let one = sorted_pairs(&units, 3, 1);
        assert!(
            one.0.len() > 5_000 && one.1.len() > 50,
            "{} {}",
            one.0.len(),
            one.1.len()
        );
        for passes in [2, 3, 8] {
            assert_eq!(sorted_pairs(&units, 3, passes), one, "{passes} passes");
        }
    }

    #[test]
    fn n_grams_sorted_by_hash_keep_the_order_of_places() {
        // Hashes that share their top byte, or top two (a bucket's), or
        // none, each at many places in order.
        for mask in [0x00ff_ffffu64, 0x0000_ffff, 0xffff_ffff, 0x0000_0003] {
            let mut state = 7u64;
            let grams: Vec<u64> = (0..20_000u64)
                .map(|place| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let hash = 0x5a00_0000 | ((state >> 32) & mask);
                    hash << 32 | place
                })
                .collect();
            let mut sorted = grams.clone();
            sort_by_hash(&mut sorted);
            let mut expected = grams;
            expected.sort_unstable();
            assert_eq!(sorted, expected, "mask {mask:x}");
        }
        let mut none: Vec<u64> = Vec::new();
        sort_by_hash(&mut none);
        assert!(none.is_empty());
    }

    /// Winnowing a pass's range keeps what winnowing the whole keeps in
    /// that range, ties, edges and short units included.
    #[test]
    fn winnowing_in_a_range_keeps_what_winnowing_keeps_there() {
        let mut next = crate::enrich::quotations::tests::draws(11);
        let (mut all, mut some) = (Vec::new(), Vec::new());
        for round in 0..3_000 {
            // Few values, so that ties are common; lengths from 0 up.
            let len = next(12) as usize;
            let alphabet = [3, 8, 1 << 20][round % 3];
            let hashes: Vec<u32> = (0..len).map(|_| next(alphabet) as u32).collect();
            let lo = next(alphabet + 1);
            let hi = lo + next(alphabet + 1 - lo + 1);
            for window in [1, 3] {
                winnow(&hashes, window, &mut all);
                all.retain(|&p| (lo..hi).contains(&(hashes[p as usize] as u64)));
                winnow_in(&hashes, window, &(lo..hi), &mut some);
                assert_eq!(some, all, "{hashes:?} in {lo}..{hi}, window {window}");
            }
        }
    }

    #[test]
    fn gram_hashes_at_once_are_each_n_grams_hash() {
        let keys = keys(1_000, 50);
        let mut hashes = Vec::new();
        for n in [1, 4, 6, 999, 1_000, 1_001] {
            gram_hashes_into(&keys, n, &mut hashes);
            assert_eq!(hashes, gram_hashes(&keys, n).collect::<Vec<_>>(), "{n}");
        }
    }

    #[test]
    fn winnowing_keeps_the_least_hash_of_every_window_once() {
        let hashes = [5, 3, 9, 3, 7, 1, 8, 8, 2];
        let mut kept = Vec::new();
        winnow(&hashes, 3, &mut kept);
        // Windows' least: 3@1, 3@1, 3@3 (the first of equals is 1, then 3
        // once 1 has left), 1@5, 1@5, 1@5, 2@8.
        assert_eq!(kept, [1, 3, 5, 8]);
        // Ties: the first (4@0, 4@1), until a less comes in (2@4, twice).
        winnow(&[4, 4, 4, 4, 2, 2], 3, &mut kept);
        assert_eq!(kept, [0, 1, 4]);
        // Too few for a window: none.
        winnow(&[1, 2], 3, &mut kept);
        assert!(kept.is_empty());
        winnow(&hashes, 1, &mut kept);
        assert_eq!(kept, (0..hashes.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn bare_places_finds_every_place_of_every_pattern_and_nothing_else() {
        // Keys from a small alphabet, so that patterns overlap, repeat and
        // share openings; checked against a plain scan.
        let mut next = crate::enrich::quotations::tests::draws(7);
        let texts: Vec<Vec<u32>> = (0..40)
            .map(|_| (0..next(300)).map(|_| 0x4e00 + next(4) as u32).collect())
            .collect();
        let units: Vec<Unit> = texts
            .iter()
            .enumerate()
            .map(|(u, keys)| Unit {
                chapter: u,
                unit: 0,
                text: "",
                keys: keys.clone().into(),
                quoted: Box::default(),
                walls: Box::default(),
                clauses: Default::default(),
            })
            .collect();
        let patterns: Vec<Vec<u32>> = (0..30)
            .map(|_| (0..2 + next(6)).map(|_| 0x4e00 + next(4) as u32).collect())
            .collect();
        let refs: Vec<&[u32]> = patterns.iter().map(Vec::as_slice).collect();
        let mut found = bare_places(&units, &refs);
        let mut expected = Vec::new();
        for (u, keys) in texts.iter().enumerate() {
            for start in 0..keys.len() {
                for (i, p) in patterns.iter().enumerate() {
                    if keys[start..].starts_with(p) {
                        let span = Span {
                            unit: u,
                            start,
                            end: start + p.len(),
                        };
                        expected.push((i, span));
                    }
                }
            }
        }
        let key = |&(i, s): &(usize, Span)| (s.unit, s.start, i);
        found.sort_by_key(key);
        expected.sort_by_key(key);
        assert!(expected.len() > 1000);
        assert_eq!(found, expected);
    }

    #[test]
    fn clusters_join_linked_and_overlapping_spans_and_keep_shared_parts_apart() {
        let span = |unit, start, end| Span { unit, start, end };
        let spans = [
            // 0-3: passage P, found by two pairs of witnesses, cut a
            // little differently in unit 1.
            span(0, 0, 40),
            span(1, 0, 40),
            span(1, 2, 40),
            span(2, 0, 38),
            // 4, 5, 8: saying Q, inside P in unit 0 and inside R in unit 4.
            span(0, 10, 20),
            span(3, 0, 10),
            // 6, 7: passage R.
            span(4, 0, 30),
            span(5, 0, 30),
            span(4, 5, 15),
            // 9-11: passage S, whose last clause (11) also stands inside P
            // (12): a clause two passages share.
            span(6, 0, 40),
            span(7, 0, 40),
            span(6, 30, 38),
            span(1, 30, 38),
            // 13, 14: a short quoted saying, inside P's witness in unit 2.
            span(2, 5, 11),
            span(3, 20, 26),
        ];
        let links = [
            (0, 1),
            (2, 3),
            (4, 5),
            (6, 7),
            (8, 5),
            (9, 10),
            (11, 12),
            (13, 14),
        ];
        let all: Vec<usize> = (0..spans.len()).collect();
        let clusters = cluster(&spans, &links, &all, 13, Overlap::HalfShorter);
        assert_eq!(
            clusters,
            [
                vec![0, 1, 2, 3, 12],
                vec![4, 5, 8],
                vec![6, 7],
                vec![9, 10, 11],
                vec![13, 14]
            ]
        );
        // The same, clustering only some of the spans (as a chain is
        // split): links to spans left out count for nothing.
        let clusters = cluster(&spans, &links, &[0, 1, 4, 5, 6], 13, Overlap::HalfShorter);
        assert_eq!(clusters, [vec![0, 1, 4, 5], vec![6]]);
        // Two stretches of like length that share only part of each (a
        // saying, and different words either side) are a part and its
        // passage: B overlaps A's second half in one unit, and C's in
        // another, so it is part of two passages and joins neither.
        let spans = [
            span(0, 0, 20),
            span(1, 0, 20),
            span(2, 0, 20),
            span(3, 0, 20),
            span(0, 8, 28),
            span(2, 8, 28),
        ];
        let links = [(0, 1), (2, 3), (4, 5)];
        let clusters = cluster(&spans, &links, &[0, 1, 2, 3, 4, 5], 6, Overlap::HalfShorter);
        assert_eq!(clusters, [vec![0, 1], vec![2, 3], vec![4, 5]]);
        // Two stretches nearly the same (19 of 20 and 19 shared) are one
        // passage, not a part and its passage: joined, though one of
        // them is also part of a longer passage elsewhere, which then
        // holds it alone and joins too.
        let spans = [
            span(0, 0, 20),
            span(1, 0, 20),
            span(0, 1, 20),
            span(2, 0, 19),
            span(2, 0, 40),
            span(3, 0, 40),
        ];
        let clusters = cluster(&spans, &links, &[0, 1, 2, 3, 4, 5], 6, Overlap::HalfShorter);
        assert_eq!(clusters, [vec![0, 1, 2, 3, 4, 5]]);
    }

    /// A clause that two passages share at their start (我在……工作的时候就
    /// 讲过，……) is a part of each, as one at their end is: its link does
    /// not make the passages one, and each place joins the passage around
    /// it. A span that only reaches into a passage (a third of it inside)
    /// is no part of it: its link holds. Nor is one barely shorter than the
    /// stretch it lies in, wherever in the unit the two stand: its link
    /// joins the two stretches it lies in.
    #[test]
    fn a_part_is_a_span_mostly_inside_one_clearly_longer_at_its_start_or_anywhere() {
        let span = |unit, start, end| Span { unit, start, end };
        let spans = [
            // 0, 1: passage S; 2, 3: passage T.
            span(0, 0, 40),
            span(1, 0, 40),
            span(2, 0, 40),
            span(3, 0, 40),
            // 4, 5: the clause both open with, in S and in T.
            span(0, 0, 8),
            span(2, 0, 8),
        ];
        let links = [(0, 1), (2, 3), (4, 5)];
        let all: Vec<usize> = (0..spans.len()).collect();
        assert_eq!(
            cluster(&spans, &links, &all, spans.len(), Overlap::HalfShorter),
            [vec![0, 1, 4], vec![2, 3, 5]]
        );
        let spans = [
            // 0, 1: passage P, at 10..50 of both units.
            span(0, 10, 50),
            span(1, 10, 50),
            // 2, 3: X, at 45..60, five of its fifteen tokens inside P.
            span(0, 45, 60),
            span(1, 45, 60),
            // 4, 5 (units 2 and 3): Y and W, 12 tokens at 20..32, found by
            // no match; 6, 7: Z, 10 of them at 22..32, matched: not
            // clearly shorter (by a quarter and four tokens).
            span(2, 20, 32),
            span(3, 20, 32),
            span(2, 22, 32),
            span(3, 22, 32),
            // 8, 9: V, at 10..50 of units 4 and 5; 10, 11: U, at 0..15,
            // reaching five tokens into V from before it.
            span(4, 10, 50),
            span(5, 10, 50),
            span(4, 0, 15),
            span(5, 0, 15),
        ];
        let links = [(0, 1), (2, 3), (6, 7), (8, 9), (10, 11)];
        let all: Vec<usize> = (0..spans.len()).collect();
        assert_eq!(
            cluster(&spans, &links, &all, spans.len(), Overlap::HalfShorter),
            [
                vec![0, 1],
                vec![2, 3],
                vec![4, 5, 6, 7],
                vec![8, 9],
                vec![10, 11]
            ]
        );
    }

    #[test]
    fn clearly_longer_is_a_quarter_longer_and_four_tokens_at_least() {
        assert!(clearly_longer(14, 10) && !clearly_longer(13, 10));
        assert!(clearly_longer(50, 40) && !clearly_longer(49, 40));
        assert!(clearly_longer(125, 100) && !clearly_longer(124, 100));
    }

    /// `align` of `a` and `b` from a shared seed of 6 at `i`, `j`.
    fn aligned(a: &[u32], b: &[u32], i: usize, j: usize) -> Alignment {
        align(a, b, i, j, 6)
    }

    /// An edit one token before a text's end leaves one token to agree
    /// after it, not the two a resync needs: the alignment stops at the
    /// edit, and never reads past the end.
    #[test]
    fn an_edit_next_to_a_texts_end_is_not_run_through() {
        let shared: Vec<u32> = (1..=20).collect();
        let a: Vec<u32> = shared.iter().copied().chain([100, 21]).collect();
        let b: Vec<u32> = shared.iter().copied().chain([200, 21, 22]).collect();
        assert_eq!(align(&a, &b, 0, 0, 6), (0, 20, 0, 20));
        assert_eq!(align(&b, &a, 0, 0, 6), (0, 20, 0, 20));
        // Backward, the same at the texts' start.
        let a: Vec<u32> = [21, 100]
            .into_iter()
            .chain(shared.iter().copied())
            .collect();
        let b: Vec<u32> = [22, 21, 200]
            .into_iter()
            .chain(shared.iter().copied())
            .collect();
        assert_eq!(align(&a, &b, 16, 17, 6), (2, 22, 3, 23));
        assert_eq!(align(&b, &a, 17, 16, 6), (3, 23, 2, 22));
    }

    #[test]
    fn an_alignment_runs_through_small_edits_both_ways_and_stops_where_the_texts_part() {
        let a: Vec<u32> = (0..30).collect();
        let with = |edit: &dyn Fn(&mut Vec<u32>)| {
            let mut b = a.clone();
            edit(&mut b);
            b
        };
        // Word for word.
        assert_eq!(aligned(&a, &a, 10, 10), (0, 30, 0, 30));
        // A token replaced after the seed, and one before it.
        let b = with(&|b| b[22] = 99);
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 30));
        let b = with(&|b| b[3] = 99);
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 30));
        // Replaced two tokens from either edge: the two after it agree,
        // which is enough there.
        let b = with(&|b| b[27] = 99);
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 30));
        let b = with(&|b| b[2] = 99);
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 30));
        // Two tokens added, one dropped, two dropped.
        let b = with(&|b| b.splice(20..20, [98, 99]).for_each(drop));
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 32));
        let b = with(&|b| {
            b.remove(20);
        });
        assert_eq!(aligned(&a, &b, 10, 10), (0, 30, 0, 29));
        let b = with(&|b| b.drain(3..5).for_each(drop));
        assert_eq!(aligned(&a, &b, 10, 8), (0, 30, 0, 28));
        // The texts part: the alignment ends at the last shared token, on
        // both sides of the seed.
        let b = with(&|b| b[18..].iter_mut().for_each(|k| *k += 100));
        assert_eq!(aligned(&a, &b, 10, 10), (0, 18, 0, 18));
        let b = with(&|b| b[..6].iter_mut().for_each(|k| *k += 100));
        assert_eq!(aligned(&a, &b, 10, 10), (6, 30, 6, 30));
        // The seed at the very edges.
        assert_eq!(aligned(&a, &a, 0, 0), (0, 30, 0, 30));
        assert_eq!(aligned(&a, &a, 24, 24), (0, 30, 0, 30));
    }

    #[test]
    fn an_alignment_spends_about_one_edit_in_ten_tokens() {
        // Forward from a seed at the start: tokens replaced at 12, 16 and
        // 20. Twelve tokens allow two edits (12 / 10 + 1), made at 12 and
        // 16; at 20 the alignment has 18 tokens, still two edits' worth.
        let a: Vec<u32> = (0..40).collect();
        // `a` with the tokens at `places` replaced.
        let replaced = |places: [usize; 3]| {
            let mut b = a.clone();
            for k in places {
                b[k] = 1000 + k as u32;
            }
            b
        };
        assert_eq!(aligned(&a, &replaced([12, 16, 20]), 0, 0), (0, 20, 0, 20));
        // Backward, the same edits mirrored.
        assert_eq!(
            aligned(&a, &replaced([27, 23, 19]), 34, 34),
            (20, 40, 20, 40)
        );
        // A token later, the alignment has 19 tokens and the skipped one
        // makes 20: a third edit's worth, both ways.
        assert_eq!(aligned(&a, &replaced([12, 16, 21]), 0, 0), (0, 40, 0, 40));
        assert_eq!(aligned(&a, &replaced([27, 23, 18]), 34, 34), (0, 40, 0, 40));
        // Each edit needs the next tokens to agree again: two edits in a
        // row (a substitution of two) are one skip, three are none.
        let mut b = a.clone();
        b[12] = 1012;
        b[13] = 1013;
        assert_eq!(aligned(&a, &b, 0, 0), (0, 40, 0, 40));
        b[14] = 1014;
        assert_eq!(aligned(&a, &b, 0, 0), (0, 12, 0, 12));
    }

    #[test]
    fn alignment_tolerates_a_dropped_character() {
        let a = tokenize(
            &"他说运筹于帷幄之中，决胜于千里之外，此之谓也"
                .chars()
                .collect::<Vec<_>>(),
        );
        let b = tokenize(&"运筹帷幄之中，决胜千里之外。".chars().collect::<Vec<_>>());
        let i = a.iter().position(|t| t.key == '帷' as u32).unwrap();
        let j = b.iter().position(|t| t.key == '帷' as u32).unwrap();
        let key = |tokens: &[crate::enrich::quotations::tokens::Token]| {
            tokens.iter().map(|t| t.key).collect::<Vec<_>>()
        };
        let (a0, a1, b0, b1) = align(&key(&a), &key(&b), i, j, 4);
        let text: String = "他说运筹于帷幄之中，决胜于千里之外，此之谓也"
            .chars()
            .collect::<Vec<_>>()[a[a0].start()..a[a1 - 1].end()]
            .iter()
            .collect();
        assert_eq!(text, "运筹于帷幄之中，决胜于千里之外");
        assert_eq!((b0, b1), (0, b.len()));
    }
}
