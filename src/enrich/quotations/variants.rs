//! Witnesses that no seed joined. A passage found and judged to be
//! somebody's may also stand, with a word or two changed, where every
//! n-gram it shares with the other witnesses is either cut by the change or
//! the genre's stock (in more places than a seed may have: 业务建设就像机器
//! 之齿轮；持续围绕党委中心工作 beside ……机器的齿轮；……), or was winnowed
//! away. Each passage kept is looked for in one pass over the edition by
//! its n-grams that are `rare`, and a place that aligns with nearly all of
//! it is one more witness.

use rayon::prelude::*;

use super::Unit;
use super::align::{self, Span};
use super::background::BitFilter;

/// An n-gram in more of the passages than this is the genre's stock among
/// them too: looked for, it would meet half the edition's paragraphs.
const MAX_PASSAGES_A_GRAM: usize = 8;

/// A passage is looked for by its n-grams that stand in no more places
/// than this (`Background::seen`): the genre's stock phrases in it meet
/// thousands of places (at 10,000 pieces of formulaic prose, all n-grams
/// looked for met 11.6 million, and took half a second), and a witness
/// with a variant still shares a rarer one (recall 0.980 with a bound of
/// 100, 0.979 with 30, 0.976 with 12).
pub(super) const ANCHOR_MOST: f64 = 32.0;

/// The share of a passage's tokens that the alignment at a new place must
/// cover: the whole passage, give or take an edge.
const COVERED: (usize, usize) = (9, 10);

/// Bits of the filter in front of the passages' n-grams.
const FILTER_BITS: u32 = 22;

/// A passage looked for: where it stands (its longest witness), and the
/// units where it stands already (sorted).
pub(super) struct Passage {
    pub span: Span,
    pub held: Vec<usize>,
}

/// For each of the `passages`, the places of other units where it stands
/// with small edits, each a span of tokens inside the walls around it,
/// found from its n-grams of `seed` tokens that are `rare`.
pub(super) fn find(
    units: &[Unit],
    passages: &[Passage],
    seed: usize,
    rare: impl Fn(&[u32]) -> bool + Sync,
) -> Vec<Vec<Span>> {
    let keys_of = |s: &Span| &units[s.unit].keys[s.start..s.end];
    // Every n-gram of every passage, (hash, passage, offset), sorted by
    // hash, without those that many passages share.
    let mut grams: Vec<(u32, u32, u32)> = passages
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            keys_of(&p.span)
                .windows(seed)
                .enumerate()
                .filter(|(_, w)| rare(w))
                .map(move |(i, w)| (polynomial(w), k as u32, i as u32))
        })
        .collect();
    grams.par_sort_unstable();
    let grams: Vec<(u32, u32, u32)> = grams
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|group| {
            let mut passages = group.iter().map(|g| g.1).collect::<Vec<_>>();
            passages.dedup();
            passages.len() <= MAX_PASSAGES_A_GRAM
        })
        .flatten()
        .copied()
        .collect();
    if grams.is_empty() {
        return passages.iter().map(|_| Vec::new()).collect();
    }
    let filter = BitFilter::new(grams.iter().map(|g| g.0 as u64), grams.len(), FILTER_BITS);
    let found: Vec<(usize, Span)> = units
        .par_iter()
        .enumerate()
        .flat_map_iter(|(u, unit)| {
            // (passage, diagonal, offset in the passage, place in the unit)
            let mut hits: Vec<(u32, i64, u32, u32)> = Vec::new();
            for (p, h) in rolled(&unit.keys, seed).enumerate() {
                if !filter.may_hold(h as u64) || unit.walls_inside(p, p + seed) {
                    continue;
                }
                let w = &unit.keys[p..p + seed];
                let from = grams.partition_point(|g| g.0 < h);
                for &(_, k, i) in grams[from..].iter().take_while(|g| g.0 == h) {
                    // Equal hashes may hide different n-grams: an
                    // alignment starts from one that is the same.
                    let at = passages[k as usize].span.start + i as usize;
                    if units[passages[k as usize].span.unit].keys[at..at + seed] == *w {
                        hits.push((k, p as i64 - i as i64, i, p as u32));
                    }
                }
            }
            hits.sort_unstable();
            // The hits of one passage on near diagonals (a word or two
            // dropped or added between them) are one place.
            let mut places = Vec::new();
            for run in hits.chunk_by(|a, b| a.0 == b.0 && b.1 - a.1 <= 2) {
                let k = run[0].0 as usize;
                let passage = &passages[k];
                if passage.held.binary_search(&u).is_ok() {
                    continue;
                }
                let length = passage.span.end - passage.span.start;
                let &(_, _, i, p) = run.iter().min_by_key(|h| (h.2, h.3)).expect("a run");
                let (i, p) = (i as usize, p as usize);
                let (lo, hi) = unit.between_walls(p);
                let (a0, a1, b0, b1) =
                    align::align(keys_of(&passage.span), &unit.keys[lo..hi], i, p - lo, seed);
                if (a1 - a0) * COVERED.1 >= length * COVERED.0 {
                    let span = Span {
                        unit: u,
                        start: b0 + lo,
                        end: b1 + lo,
                    };
                    places.push((k, span));
                }
            }
            places
        })
        .collect();
    let mut by_passage: Vec<Vec<Span>> = passages.iter().map(|_| Vec::new()).collect();
    for (k, span) in found {
        by_passage[k].push(span);
    }
    by_passage
}

/// The multiplier of `polynomial`: odd, so that two n-grams that differ
/// in one key never sum alike.
const BASE: u32 = 0x9e37_79b1;

/// The n-gram `keys` as a polynomial in `BASE` (mod 2^32): the passages'
/// n-grams are looked for by it in every unit of the edition, each unit's
/// rolled along it a token at a time (`rolled`), not hashed anew at each
/// place. (Not mixed: `BitFilter` mixes what it is given, and equal
/// n-grams sum alike.)
fn polynomial(keys: &[u32]) -> u32 {
    keys.iter()
        .fold(0, |sum, &key| sum.wrapping_mul(BASE).wrapping_add(key))
}

/// `polynomial` of every n-gram of `n` keys in `keys`, in order: each from
/// the last, its first key taken out and the next added.
fn rolled(keys: &[u32], n: usize) -> impl Iterator<Item = u32> + '_ {
    let n = n.max(1);
    let first = BASE.wrapping_pow(n as u32 - 1);
    let mut sum = polynomial(&keys[..keys.len().min(n - 1)]);
    keys.iter()
        .zip(keys.iter().skip(n - 1))
        .map(move |(&gone, &next)| {
            sum = sum.wrapping_mul(BASE).wrapping_add(next);
            let whole = sum;
            sum = sum.wrapping_sub(gone.wrapping_mul(first));
            whole
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit of `chapter` whose keys are its own filler around `passage`
    /// (from token 10), with walls at `walls`.
    fn unit(chapter: usize, passage: &[u32], walls: &[u32]) -> Unit<'static> {
        let filler = |k: u32| 100_000 * (chapter as u32 + 1) + k;
        let mut keys: Vec<u32> = (0..10).map(filler).collect();
        keys.extend_from_slice(passage);
        keys.extend((10..20).map(filler));
        Unit {
            chapter,
            unit: 0,
            text: "",
            keys: keys.into(),
            quoted: Box::default(),
            walls: walls.into(),
            clauses: Default::default(),
        }
    }

    fn changed(passage: &[u32], at: &[usize]) -> Vec<u32> {
        let mut keys = passage.to_vec();
        for &k in at {
            keys[k] = 90_000 + k as u32;
        }
        keys
    }

    #[test]
    fn a_passage_is_found_where_it_stands_with_small_edits_and_nowhere_else() {
        let passage: Vec<u32> = (1..=20).collect();
        let units = vec![
            // Where it was found, and a unit that already holds it.
            unit(0, &passage, &[]),
            unit(1, &passage, &[]),
            // One word changed, and two (the budget of twenty tokens).
            unit(2, &changed(&passage, &[8]), &[]),
            unit(3, &changed(&passage, &[5, 14]), &[]),
            // Four changed: another sentence on the same frame.
            unit(4, &changed(&passage, &[3, 8, 12, 16]), &[]),
            // Its first half only.
            unit(5, &passage[..10], &[]),
            // Whole, but a wall (a quotation mark) cuts it in two.
            unit(6, &passage, &[20]),
            // A wall after its second token: the witness is the rest, from
            // the first n-gram inside the walls.
            unit(7, &passage, &[12]),
            // A wall before its last token: the witness is the rest.
            unit(8, &passage, &[29]),
            // Its second half only.
            unit(9, &passage[10..], &[]),
        ];
        let passages = [Passage {
            span: Span {
                unit: 0,
                start: 10,
                end: 30,
            },
            held: vec![0, 1],
        }];
        let found = find(&units, &passages, 6, |_| true);
        let places: Vec<(usize, usize, usize)> =
            found[0].iter().map(|s| (s.unit, s.start, s.end)).collect();
        assert_eq!(places, [(2, 10, 30), (3, 10, 30), (7, 12, 30), (8, 10, 29)]);
        // Looked for by no n-gram (all the genre's stock), it is found
        // nowhere.
        let found = find(&units, &passages, 6, |_| false);
        assert!(found[0].is_empty());
        // Looked for by its first n-gram only, it is found where that
        // stands (units 2 and 8), not where a change cut it (unit 3, token
        // 5) or a wall stands inside it (unit 7).
        let first: Vec<u32> = passage[..6].to_vec();
        let found = find(&units, &passages, 6, |gram| gram == first.as_slice());
        let places: Vec<usize> = found[0].iter().map(|s| s.unit).collect();
        assert_eq!(places, [2, 8]);
    }

    #[test]
    fn an_n_gram_that_many_passages_share_is_not_looked_for() {
        // Passages that open alike (the genre's frame), each in a unit of
        // its own, and a unit that holds the first of them.
        let frame: Vec<u32> = (1..=6).collect();
        let passage = |k: u32| -> Vec<u32> {
            let mut keys = frame.clone();
            keys.extend((0..14).map(|t| 1000 * (k + 1) + t));
            keys
        };
        let find_first = |count: u32| {
            let mut units: Vec<Unit> = (0..count)
                .map(|k| unit(k as usize, &passage(k), &[]))
                .collect();
            units.push(unit(count as usize, &passage(0), &[]));
            let passages: Vec<Passage> = (0..count as usize)
                .map(|k| Passage {
                    span: Span {
                        unit: k,
                        start: 10,
                        end: 30,
                    },
                    held: vec![k],
                })
                .collect();
            // Looked for by the frame only.
            let found = find(&units, &passages, 6, |gram| gram == frame.as_slice());
            found[0].iter().map(|s| s.unit).collect::<Vec<usize>>()
        };
        assert_eq!(find_first(MAX_PASSAGES_A_GRAM as u32), [8]);
        assert!(find_first(MAX_PASSAGES_A_GRAM as u32 + 1).is_empty());
    }

    #[test]
    fn a_unit_may_hold_a_passage_twice_and_two_passages_at_one_place() {
        let a: Vec<u32> = (1..=20).collect();
        // B differs from A in its first token only.
        let b: Vec<u32> = std::iter::once(500).chain(2..=20).collect();
        // A twice, far apart (diagonals 30 and 55), then once more.
        let mut twice: Vec<u32> = (0..30).map(|k| 7000 + k).collect();
        twice.extend(&a);
        twice.extend((0..5).map(|k| 8000 + k));
        twice.extend(&a);
        let mut units = vec![unit(0, &a, &[]), unit(1, &b, &[]), unit(2, &a, &[])];
        units[2].keys = twice.into();
        let span = |unit| Span {
            unit,
            start: 10,
            end: 30,
        };
        let passages = [
            Passage {
                span: span(0),
                held: vec![0],
            },
            Passage {
                span: span(1),
                held: vec![1],
            },
        ];
        let found = find(&units, &passages, 6, |_| true);
        let places = |k: usize| -> Vec<(usize, usize, usize)> {
            found[k].iter().map(|s| (s.unit, s.start, s.end)).collect()
        };
        // A in B's unit, and B in A's (one token off: nineteen of twenty).
        assert_eq!(places(0), [(1, 11, 30), (2, 30, 50), (2, 55, 75)]);
        assert_eq!(places(1), [(0, 11, 30), (2, 31, 50), (2, 56, 75)]);
    }

    #[test]
    fn each_rolled_sum_is_its_n_grams_polynomial() {
        let keys: Vec<u32> = (0..200u32)
            .map(|k| k.wrapping_mul(0x9e37_79b9) ^ k << 20)
            .collect();
        for n in [1, 2, 6, 9] {
            let rolled: Vec<u32> = rolled(&keys, n).collect();
            let whole: Vec<u32> = keys.windows(n).map(polynomial).collect();
            assert_eq!(rolled, whole, "{n}");
        }
        assert_eq!(rolled(&keys[..3], 6).count(), 0);
        // Two n-grams that differ in one key never sum alike.
        assert_ne!(polynomial(&[1, 2, 3]), polynomial(&[1, 2, 4]));
    }

    #[test]
    fn an_n_gram_that_only_hashes_alike_is_no_seed() {
        // Two different n-grams with one hash, found by trying. (Each key
        // a bijection of k, not linear in it: the hash is a polynomial.)
        let gram = |k: u32| {
            let [a, b, c] = [0x9e37_79b9u32, 0x85eb_ca6b, 0xc2b2_ae35]
                .map(|m| (k ^ k >> 7).wrapping_mul(m).rotate_left(11));
            [k, a, b, c, 4, 5]
        };
        let mut seen = std::collections::HashMap::new();
        let (x, y) = (0..1_000_000u32)
            .find_map(|k| {
                let h = polynomial(&gram(k));
                seen.insert(h, k).map(|other| (other, k))
            })
            .expect("a collision of 32-bit hashes in a million tries");
        assert!((0..4).all(|t| gram(x)[t] != gram(y)[t]));
        // The passage opens with one; a unit has the other in its place
        // (four tokens changed, past the budget of twenty) and the rest
        // of the passage after it.
        let mut passage: Vec<u32> = gram(x).to_vec();
        passage.extend(2_000_000..2_000_014);
        let mut lookalike: Vec<u32> = gram(y).to_vec();
        lookalike.extend(&passage[6..]);
        let units = vec![unit(0, &passage, &[]), unit(1, &lookalike, &[])];
        let passages = [Passage {
            span: Span {
                unit: 0,
                start: 10,
                end: 30,
            },
            held: vec![0],
        }];
        assert!(find(&units, &passages, 6, |_| true)[0].is_empty());
    }
}
