//! The edition's own text as the background against which a recurrence is
//! judged: a passage is a quotation when it is unlikely to recur by chance,
//! and what is likely is learnt from the rest of the edition. Formulaic
//! prose (不仅要……，而且要……) repeats its stock phrases and frames, so a
//! short stretch made of them recurs by chance in a large edition; a
//! sentence someone said recurs only where it is quoted.
//!
//! The model is a Markov chain of order `order` over tokens: counts of the
//! n-grams of `order` and `order - 1` tokens. Only the n-grams of the
//! candidates being judged are counted (one pass over the edition looks
//! each of its n-grams up), so its memory follows the candidates, not the
//! corpus, and the counts are exact.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

/// What a step back to a shorter context costs (Brants et al.'s 0.4).
const BACKOFF: f64 = 0.4;

/// Bits of the filter in front of the candidates' n-grams (2^24 bits: 2 MB).
const FILTER_BITS: u32 = 24;

/// Keys that are already 64-bit hashes need no hashing again.
#[derive(Default, Clone, Copy)]
struct Prehashed;

impl std::hash::BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

struct PrehashedHasher(u64);

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
}

pub struct Background {
    /// An n-gram's hash to its count, for the n-grams of the candidates
    /// only: exact counts, in memory that grows with what is judged, not
    /// with the edition.
    counts: HashMap<u64, u32, Prehashed>,
    order: usize,
    tokens: u64,
}

impl Background {
    /// Counts, over every unit's keys, the n-grams of `order` and
    /// `order - 1` tokens that stand in the `candidates`.
    pub fn new<'a>(
        units: &[&[u32]],
        order: usize,
        candidates: impl Iterator<Item = &'a [u32]>,
    ) -> Background {
        let mut index: HashMap<u64, usize, Prehashed> = HashMap::default();
        // A bit per 2^FILTER_BITS hash buckets in front of the map: most of
        // the edition's n-grams are no candidate's, and a bit test is far
        // cheaper than a lookup.
        let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        let bucket = |h: u64| (h >> (64 - FILTER_BITS)) as usize;
        for keys in candidates {
            for n in 1..=order {
                for gram in keys.windows(n) {
                    let h = hash(gram);
                    let next = index.len();
                    index.entry(h).or_insert(next);
                    filter[bucket(h) / 64] |= 1 << (bucket(h) % 64);
                }
            }
        }
        let tally: Vec<AtomicU32> = (0..index.len()).map(|_| AtomicU32::new(0)).collect();
        if !index.is_empty() {
            units.par_iter().for_each(|keys| {
                for n in 1..=order {
                    for gram in keys.windows(n) {
                        let h = hash(gram);
                        if filter[bucket(h) / 64] & 1 << (bucket(h) % 64) == 0 {
                            continue;
                        }
                        if let Some(&i) = index.get(&h) {
                            tally[i].fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        let counts = index
            .into_iter()
            .map(|(h, i)| (h, tally[i].load(Ordering::Relaxed)))
            .collect();
        Background {
            counts,
            order,
            tokens: units.iter().map(|k| k.len() as u64).sum(),
        }
    }

    fn count(&self, gram: &[u32]) -> u64 {
        self.counts.get(&hash(gram)).copied().unwrap_or(0) as u64
    }

    /// How many times the rest of the edition would let `keys` stand by
    /// chance: the expected count of the passage under the model, with
    /// the `own` stretches where it stands (with variants) taken out: each
    /// n-gram's count loses the times it stands in them. A stock frame
    /// found in eight places with eight different fillings keeps the
    /// counts its frame has everywhere else.
    pub fn chance(&self, keys: &[u32], own: &[&[u32]]) -> f64 {
        let n = self.order;
        let mut inside: HashMap<u64, u64, Prehashed> = HashMap::default();
        for stretch in own {
            for len in 1..=n {
                for gram in stretch.windows(len) {
                    *inside.entry(hash(gram)).or_default() += 1;
                }
            }
        }
        self.expected(keys, |gram| inside.get(&hash(gram)).copied().unwrap_or(0))
    }

    fn expected(&self, keys: &[u32], own: impl Fn(&[u32]) -> u64) -> f64 {
        let n = self.order;
        let count = |gram: &[u32]| self.count(gram).saturating_sub(own(gram));
        if keys.len() < n {
            return count(keys) as f64;
        }
        let mut expected = count(&keys[..n]) as f64;
        for end in n + 1..=keys.len() {
            if expected == 0.0 {
                break;
            }
            expected *= self.next(&keys[end - n..end], &count);
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
        0.0
    }

    /// The most chance recurrences a quotation may have: one expected in
    /// the whole edition, spread over every place a passage could start,
    /// so that the edition as a whole expects about one false quotation.
    pub fn threshold(&self) -> f64 {
        1.0 / self.tokens.max(1) as f64
    }
}

/// FNV-1a over the keys, 64 bits, the length mixed in, then mixed once more.
fn hash(gram: &[u32]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ gram.len() as u64;
    for &key in gram {
        hash = (hash ^ key as u64).wrapping_mul(0x100_0000_01b3);
    }
    // FNV mixes only upwards: a final mix spreads every key into the low
    // bits (the map's buckets) and the high bits (the filter's) alike.
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
        let refs: Vec<&[u32]> = units.iter().map(|k| k.as_slice()).collect();
        let frame = keys("不仅要加强党建而且要改进作风");
        let model = Background::new(&refs, 4, [frame.as_slice(), said.as_slice()].into_iter());
        assert!(
            model.chance(&frame, &[&frame]) > 0.01,
            "{}",
            model.chance(&frame, &[&frame])
        );
        assert_eq!(model.chance(&said, &[&said, &said]), 0.0);
    }
}
