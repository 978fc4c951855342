//! Witnesses that quote a passage with its words or clauses in another
//! order ("That government is best which governs least" / "the best
//! government is that which governs least"): no seed n-gram survives the
//! reordering, so alignment cannot find them. A stretch in quotation marks
//! whose tokens are nearly the same bag as a found quotation's is one more
//! place of that quotation.

use std::collections::HashMap;

use rayon::prelude::*;

use super::places::Texts;
use super::tokens::tokenize;
use super::{Kind, Occurrence, Quotation, Unit};

/// Share of the two bags' union that both must hold (multiset Jaccard).
const SAME_BAG: f64 = 0.8;

/// A token found in more quotations than this says nothing about which
/// one a quoted stretch is (the, of; 的, 要).
const MAX_POSTINGS: usize = 16;

/// Adds to `quotations` the quoted stretches of `units` that hold their
/// words in another order. `min_tokens` is the shortest passage that
/// counts without quotation marks: a shorter bag is too easily matched.
pub fn add_reordered(
    quotations: &mut [Quotation],
    units: &[Unit],
    texts: &Texts,
    min_tokens: usize,
) {
    let bags: Vec<Option<Vec<u32>>> = quotations
        .iter()
        .map(|q| {
            (q.kind == Kind::Quotation).then(|| {
                let chars: Vec<char> = q.text().chars().collect();
                let mut keys: Vec<u32> = tokenize(&chars).iter().map(|t| t.key).collect();
                keys.sort_unstable();
                keys
            })
        })
        .collect();
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (q, bag) in bags.iter().enumerate() {
        let Some(bag) = bag else { continue };
        let mut distinct = bag.clone();
        distinct.dedup();
        for key in distinct {
            postings.entry(key).or_default().push(q);
        }
    }
    postings.retain(|_, list| list.len() <= MAX_POSTINGS);
    // Each unit's quoted stretches are matched on their own: in parallel,
    // and collected in the units' order.
    let found: Vec<(usize, usize, (u32, u32))> = units
        .par_iter()
        .enumerate()
        .flat_map_iter(|(u, unit)| {
            let mut found = Vec::new();
            for &(first, last) in &unit.quoted {
                let keys = &unit.keys[first as usize..last as usize];
                if keys.len() < min_tokens {
                    continue;
                }
                let mut bag = keys.to_vec();
                bag.sort_unstable();
                let mut candidates: Vec<usize> = bag
                    .iter()
                    .filter_map(|k| postings.get(k))
                    .flatten()
                    .copied()
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                for q in candidates {
                    let theirs = bags[q].as_deref().expect("a quotation's bag");
                    if same_bag(&bag, theirs) && !stands_there(&quotations[q], unit) {
                        found.push((q, u, (first, last)));
                    }
                }
            }
            found
        })
        .collect();
    for (q, u, (first, last)) in found {
        let text = texts.text(u);
        let (chars, tokens, _) = &*text;
        let (start, end) = (
            tokens[first as usize].start(),
            tokens[last as usize - 1].end(),
        );
        let quotation = &mut quotations[q];
        quotation.add_places([Occurrence {
            chapter: units[u].chapter,
            unit: units[u].unit,
            start,
            end,
            text: chars[start..end].iter().collect(),
            quoted: true,
        }]);
        quotation.evidence.quoted = true;
    }
}

/// Whether the quotation already stands in `unit`'s paragraph.
fn stands_there(quotation: &Quotation, unit: &Unit) -> bool {
    quotation
        .occurrences
        .iter()
        .any(|o| o.chapter == unit.chapter && o.unit == unit.unit)
}

/// Multiset Jaccard of two sorted bags of keys, at least `SAME_BAG`.
fn same_bag(a: &[u32], b: &[u32]) -> bool {
    // What two bags share is at most the smaller: bags of lengths too far
    // apart cannot reach the share, and most candidates end here.
    let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
    if (small as f64) < SAME_BAG * large as f64 {
        return false;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    shared as f64 >= SAME_BAG * union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bag(text: &str) -> Vec<u32> {
        let chars: Vec<char> = text.chars().collect();
        let mut keys: Vec<u32> = tokenize(&chars).iter().map(|t| t.key).collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn reordered_words_are_the_same_bag_and_other_words_are_not() {
        let motto = bag("That government is best which governs least");
        assert!(same_bag(
            &bag("the best government is that which governs least"),
            &motto
        ));
        assert!(!same_bag(
            &bag("that government is worst which governs most"),
            &motto
        ));
        assert!(same_bag(
            &bag("只有坚持实事求是，才能把工作做好"),
            &bag("把工作做好，只有坚持实事求是才能")
        ));
        assert!(!same_bag(
            &bag("只有坚持实事求是，才能把工作做好"),
            &bag("只有坚持群众路线，才能把队伍带好")
        ));
        // Four words of five, all shared: four fifths, the least that is
        // the same bag.
        assert!(same_bag(
            &bag("which governs not all"),
            &bag("which governs not at all")
        ));
        assert!(!same_bag(
            &bag("which governs all"),
            &bag("which governs not at all")
        ));
        // Bags of words counted: a word five times in one bag and once in
        // the other is shared once, either way round.
        assert!(!same_bag(&bag("好学生团结"), &bag("好好好好好")));
        assert!(!same_bag(&bag("好好好好好"), &bag("好学生团结")));
    }

    #[test]
    fn a_quotation_stands_in_a_paragraph_only_where_one_of_its_places_is() {
        let place = |chapter, unit| Occurrence {
            chapter,
            unit,
            start: 0,
            end: 1,
            text: "甲".to_owned(),
            quoted: false,
        };
        let quotation = Quotation {
            kind: Kind::Quotation,
            occurrences: vec![place(0, 3), place(2, 1)],
            origin: 0,
            evidence: Default::default(),
        };
        let unit = |chapter, unit| Unit {
            chapter,
            unit,
            text: "",
            keys: Default::default(),
            quoted: Box::default(),
            walls: Box::default(),
            clauses: Default::default(),
        };
        assert!(stands_there(&quotation, &unit(0, 3)));
        assert!(stands_there(&quotation, &unit(2, 1)));
        // The same chapter, another paragraph; the same paragraph number in
        // another chapter.
        assert!(!stands_there(&quotation, &unit(0, 1)));
        assert!(!stands_there(&quotation, &unit(1, 3)));
    }
}
