//! `zhushu-bench score`: the clusters of recurring quotations a build found
//! (`site/data/quotations.json`) scored against what was planted
//! (`planted.json`, written by the formulaic corpus or curated by hand).
//!
//! A detected cluster *matches* a planted item when, in at least two of the
//! item's chapters, one of the cluster's occurrences overlaps the planted
//! occurrence by at least half of the shorter of the two texts (longest
//! common substring, punctuation and whitespace left out), and those
//! chapters are at least half of the cluster's chapters (a cluster that
//! spans many more chapters than the item is a stock phrase that happens
//! to stand in it, not the item). Matches count only between a cluster and
//! an item of the same kind (`quotation` or `formula`; a cluster without a
//! kind is a quotation); a match across kinds is reported on its own.
//!
//! - recall (per kind): items matched by one cluster that covers all their
//!   chapters; "found, some chapters missing" when matched only partly;
//! - precision (per kind): clusters that match an item / clusters;
//! - split: items matched by two clusters or more;
//! - with stray chapters: matching clusters that also hold chapters where
//!   the item is not.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The words of a text, for comparing: letters and digits only.
pub fn normalize(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The length of the longest common substring of `a` and `b`, in characters.
pub fn longest_common_substring(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    let mut best = 0;
    for &ca in a {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb { prev[j] + 1 } else { 0 };
            best = best.max(cur[j + 1]);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}

/// Whether two normalized texts overlap by at least half of the shorter.
pub fn overlaps(a: &[char], b: &[char]) -> bool {
    let shorter = a.len().min(b.len());
    shorter > 0 && 2 * longest_common_substring(a, b) >= shorter
}

#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub passages: Vec<PlantedItem>,
}

#[derive(Debug, Deserialize)]
pub struct PlantedItem {
    pub id: String,
    #[serde(default = "quotation")]
    pub kind: String,
    pub text: String,
    pub occurrences: Vec<PlantedOccurrence>,
}

#[derive(Debug, Deserialize)]
pub struct PlantedOccurrence {
    pub chapter: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Detected {
    pub quotations: Vec<Cluster>,
}

#[derive(Debug, Deserialize)]
pub struct Cluster {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub text: String,
    pub occurrences: Vec<DetectedOccurrence>,
}

#[derive(Debug, Deserialize)]
pub struct DetectedOccurrence {
    pub chapter: String,
    #[serde(default)]
    pub text: String,
}

fn quotation() -> String {
    "quotation".to_owned()
}

impl Cluster {
    fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or("quotation")
    }
}

/// The figures of one kind.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct KindScore {
    pub planted: usize,
    /// Matched by one cluster that has all their chapters.
    pub found: usize,
    /// Matched, but no cluster has all their chapters.
    pub found_partly: usize,
    pub missed: usize,
    /// Not matched by a cluster of their kind, but by one of another kind.
    pub found_as_other_kind: usize,
    pub recall: Option<f64>,
    /// (found + found partly) / planted.
    pub recall_soft: Option<f64>,
    pub detected: usize,
    pub correct: usize,
    pub precision: Option<f64>,
    /// Items matched by two clusters or more.
    pub split: usize,
    /// Clusters that match an item but also hold chapters where it is not
    /// (fewer than half of theirs, or they would not match).
    pub with_stray_chapters: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Listed {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub chapters: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Score {
    pub kinds: BTreeMap<String, KindScore>,
    /// False positives, those with the most chapters first.
    pub worst_false_positives: Vec<Listed>,
    /// Planted items no cluster of their kind matches.
    pub missed: Vec<Listed>,
}

pub const LISTED: usize = 10;

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

pub fn score(manifest: &Manifest, detected: &Detected) -> Score {
    // Planted occurrences by chapter, normalized.
    let planted_norm: Vec<Vec<Vec<char>>> = manifest
        .passages
        .iter()
        .map(|item| {
            item.occurrences
                .iter()
                .map(|o| normalize(&o.text).chars().collect())
                .collect()
        })
        .collect();
    let mut by_chapter: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, item) in manifest.passages.iter().enumerate() {
        for (j, o) in item.occurrences.iter().enumerate() {
            by_chapter.entry(&o.chapter).or_default().push((i, j));
        }
    }

    // For each cluster, the chapters where it overlaps each item.
    // matches[c] = (item, chapters matched) for every item it matches.
    let mut matches: Vec<Vec<(usize, usize)>> = Vec::with_capacity(detected.quotations.len());
    for cluster in &detected.quotations {
        let chapters: HashSet<&str> = cluster
            .occurrences
            .iter()
            .map(|o| o.chapter.as_str())
            .collect();
        let mut hits: BTreeMap<usize, HashSet<&str>> = BTreeMap::new();
        for o in &cluster.occurrences {
            let Some(places) = by_chapter.get(o.chapter.as_str()) else {
                continue;
            };
            let text: Vec<char> = normalize(&o.text).chars().collect();
            for &(i, j) in places {
                if overlaps(&text, &planted_norm[i][j]) {
                    hits.entry(i).or_default().insert(&o.chapter);
                }
            }
        }
        matches.push(
            hits.into_iter()
                .filter(|(_, ch)| ch.len() >= 2 && 2 * ch.len() >= chapters.len())
                .map(|(i, ch)| (i, ch.len()))
                .collect(),
        );
    }

    let mut kinds: BTreeMap<String, KindScore> = BTreeMap::new();
    // Per item: clusters of its kind that match it, the best coverage, and
    // whether one of another kind does.
    let n = manifest.passages.len();
    let mut same_kind = vec![0usize; n];
    let mut best = vec![0usize; n];
    let mut other_kind = vec![false; n];
    let mut false_positives = Vec::new();
    for (c, cluster) in detected.quotations.iter().enumerate() {
        let kind = cluster.kind();
        let mut correct = false;
        let mut stray = false;
        let chapters: HashSet<&str> = cluster
            .occurrences
            .iter()
            .map(|o| o.chapter.as_str())
            .collect();
        for &(i, hit) in &matches[c] {
            if manifest.passages[i].kind == kind {
                correct = true;
                stray |= hit < chapters.len();
                same_kind[i] += 1;
                best[i] = best[i].max(hit);
            } else {
                other_kind[i] = true;
            }
        }
        let k = kinds.entry(kind.to_owned()).or_default();
        k.detected += 1;
        if correct {
            k.correct += 1;
            k.with_stray_chapters += usize::from(stray);
        } else {
            false_positives.push(Listed {
                id: cluster.id.clone(),
                kind: kind.to_owned(),
                text: cluster.text.clone(),
                chapters: chapters.len(),
            });
        }
    }
    let mut missed = Vec::new();
    for (i, item) in manifest.passages.iter().enumerate() {
        let chapters: HashSet<&str> = item
            .occurrences
            .iter()
            .map(|o| o.chapter.as_str())
            .collect();
        let k = kinds.entry(item.kind.clone()).or_default();
        k.planted += 1;
        if same_kind[i] >= 2 {
            k.split += 1;
        }
        if same_kind[i] == 0 {
            k.missed += 1;
            if other_kind[i] {
                k.found_as_other_kind += 1;
            }
            missed.push(Listed {
                id: item.id.clone(),
                kind: item.kind.clone(),
                text: item.text.clone(),
                chapters: chapters.len(),
            });
        } else if best[i] >= chapters.len() {
            k.found += 1;
        } else {
            k.found_partly += 1;
        }
    }
    for k in kinds.values_mut() {
        k.recall = ratio(k.found, k.planted);
        k.recall_soft = ratio(k.found + k.found_partly, k.planted);
        k.precision = ratio(k.correct, k.detected);
    }
    false_positives.sort_by(|a, b| b.chapters.cmp(&a.chapters).then(a.text.cmp(&b.text)));
    Score {
        kinds,
        worst_false_positives: false_positives,
        missed,
    }
}

/// Targets of `score --check` (issue 13).
pub const QUOTATION_RECALL: f64 = 0.97;
pub const QUOTATION_PRECISION: f64 = 0.95;
pub const FORMULA_RECALL: f64 = 0.8;

/// The targets a score misses, as sentences (none: it passes).
pub fn missed_targets(score: &Score) -> Vec<String> {
    let mut out = Vec::new();
    let get = |kind: &str| score.kinds.get(kind).filter(|k| k.planted > 0);
    if let Some(q) = get("quotation") {
        let recall = q.recall.unwrap_or(0.0);
        if recall < QUOTATION_RECALL {
            out.push(format!("quotation recall {recall:.3} < {QUOTATION_RECALL}"));
        }
        let precision = q.precision.unwrap_or(0.0);
        if precision < QUOTATION_PRECISION {
            out.push(format!(
                "quotation precision {precision:.3} < {QUOTATION_PRECISION}"
            ));
        }
    }
    if let Some(f) = get("formula") {
        let recall = f.recall.unwrap_or(0.0);
        if recall < FORMULA_RECALL {
            out.push(format!("formula recall {recall:.3} < {FORMULA_RECALL}"));
        }
    }
    out
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// A text cut to `n` characters for a summary line.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(n).collect();
        s.push('…');
        s
    }
}

/// The kinds of a score, quotations first, then formulas, then any other.
fn ordered(score: &Score) -> Vec<(&String, &KindScore)> {
    let rank = |k: &str| match k {
        "quotation" => 0,
        "formula" => 1,
        _ => 2,
    };
    let mut kinds: Vec<(&String, &KindScore)> = score.kinds.iter().collect();
    kinds.sort_by_key(|(k, _)| rank(k));
    kinds
}

/// One line: recall and precision of each kind.
pub fn one_line(score: &Score) -> String {
    ordered(score)
        .into_iter()
        .map(|(kind, k)| {
            format!(
                "{kind}s: recall {} (found partly {}), precision {} ({} of {} clusters), split {}, with stray chapters {}",
                fmt(k.recall),
                k.found_partly,
                fmt(k.precision),
                k.correct,
                k.detected,
                k.split,
                k.with_stray_chapters
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The readable summary.
/// The table, then the first `listed` false positives and missed items.
pub fn summary(score: &Score, listed: usize) -> String {
    let header = [
        "kind",
        "planted",
        "found",
        "found partly",
        "missed",
        "as other kind",
        "recall",
        "soft recall",
        "clusters",
        "correct",
        "precision",
        "split",
        "stray",
    ];
    let rows: Vec<Vec<String>> = ordered(score)
        .into_iter()
        .map(|(kind, k)| {
            vec![
                kind.clone(),
                k.planted.to_string(),
                k.found.to_string(),
                k.found_partly.to_string(),
                k.missed.to_string(),
                k.found_as_other_kind.to_string(),
                fmt(k.recall),
                fmt(k.recall_soft),
                k.detected.to_string(),
                k.correct.to_string(),
                fmt(k.precision),
                k.split.to_string(),
                k.with_stray_chapters.to_string(),
            ]
        })
        .collect();
    let mut out = super::markdown_table(&header, &rows);
    if !score.worst_false_positives.is_empty() {
        out.push_str("\nworst false positives (chapters, kind, text):\n");
        for l in score.worst_false_positives.iter().take(listed) {
            out.push_str(&format!(
                "  {:>5}  {:<9}  {}\n",
                l.chapters,
                l.kind,
                cut(&l.text, 60)
            ));
        }
    }
    if !score.missed.is_empty() {
        out.push_str("\nmissed (id, kind, chapters, text):\n");
        for l in score.missed.iter().take(listed) {
            out.push_str(&format!(
                "  {:<6} {:<9} {:>2}  {}\n",
                l.id,
                l.kind,
                l.chapters,
                cut(&l.text, 60)
            ));
        }
    }
    out
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn read_detected(path: &Path) -> Result<Detected, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The files `score` reads for a corpus folder.
pub fn paths(corpus: &Path, quotations: Option<&Path>) -> (PathBuf, PathBuf) {
    (
        corpus.join("planted.json"),
        quotations.map_or_else(
            || corpus.join("site/data/quotations.json"),
            Path::to_path_buf,
        ),
    )
}

/// Scores the files of a corpus folder.
pub fn score_files(corpus: &Path, quotations: Option<&Path>) -> Result<Score, String> {
    let (planted, detected) = paths(corpus, quotations);
    Ok(score(&read_manifest(&planted)?, &read_detected(&detected)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        serde_json::from_str(
            r#"{"passages":[
              {"id":"p1","kind":"quotation","text":"只有吃透上情，才能切实加强调查研究",
               "occurrences":[
                 {"chapter":"c1","text":"只有吃透上情，才能切实加强调查研究"},
                 {"chapter":"c2","text":"只有吃透上情，才能切实强化调查研究"},
                 {"chapter":"c3","text":"只有吃透上情，才能切实加强调查研究"}]},
              {"id":"p2","kind":"quotation","text":"机要保密工作无小事，做到如履薄冰",
               "occurrences":[
                 {"chapter":"c4","text":"机要保密工作无小事，做到如履薄冰"},
                 {"chapter":"c5","text":"机要保密工作无小事，做到如履冰"}]},
              {"id":"f1","kind":"formula","text":"清、慎、勤",
               "occurrences":[
                 {"chapter":"c2","text":"清、慎、勤"},
                 {"chapter":"c6","text":"“清”“慎”“勤”"}]}
            ]}"#,
        )
        .unwrap()
    }

    fn detected(json: &str) -> Detected {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_perfect_detection_scores_one() {
        let d = detected(
            r#"{"quotations":[
              {"id":"q1","text":"只有吃透上情，才能切实加强调查研究","origin":{},"occurrences":[
                 {"chapter":"c1","order":1,"paragraph":"p1","text":"只有吃透上情，才能切实加强调查研究","variant":false},
                 {"chapter":"c2","order":2,"paragraph":"p3","text":"只有吃透上情，才能切实强化调查研究","variant":true},
                 {"chapter":"c3","order":3,"paragraph":"p2","text":"只有吃透上情，才能切实加强调查研究","variant":false}]},
              {"id":"q2","text":"机要保密工作无小事","occurrences":[
                 {"chapter":"c4","text":"机要保密工作无小事，做到如履薄冰"},
                 {"chapter":"c5","text":"机要保密工作无小事，做到如履冰"}]},
              {"id":"q3","kind":"formula","text":"清、慎、勤","occurrences":[
                 {"chapter":"c2","text":"清、慎、勤"},
                 {"chapter":"c6","text":"清”“慎”“勤"}]}
            ]}"#,
        );
        let s = score(&manifest(), &d);
        let q = &s.kinds["quotation"];
        assert_eq!((q.planted, q.found, q.detected, q.correct), (2, 2, 2, 2));
        assert_eq!(q.recall, Some(1.0));
        assert_eq!(q.precision, Some(1.0));
        let f = &s.kinds["formula"];
        assert_eq!((f.recall, f.precision), (Some(1.0), Some(1.0)));
        assert!(s.worst_false_positives.is_empty() && s.missed.is_empty());
        assert!(missed_targets(&s).is_empty());
    }

    #[test]
    fn an_extra_cluster_and_a_missing_one() {
        // p1 found in two of its three chapters, p2 missed, a stock phrase
        // in four chapters reported, the formula reported as a quotation.
        let d = detected(
            r#"{"quotations":[
              {"id":"q1","text":"只有吃透上情","occurrences":[
                 {"chapter":"c1","text":"只有吃透上情，才能切实加强调查研究"},
                 {"chapter":"c3","text":"只有吃透上情，才能切实加强调查研究"}]},
              {"id":"q2","text":"全面建成小康社会","occurrences":[
                 {"chapter":"c1","text":"全面建成小康社会"},
                 {"chapter":"c4","text":"全面建成小康社会"},
                 {"chapter":"c7","text":"全面建成小康社会"},
                 {"chapter":"c8","text":"全面建成小康社会"}]},
              {"id":"q3","text":"清、慎、勤","occurrences":[
                 {"chapter":"c2","text":"清、慎、勤"},
                 {"chapter":"c6","text":"清慎勤"}]}
            ]}"#,
        );
        let s = score(&manifest(), &d);
        let q = &s.kinds["quotation"];
        assert_eq!(q.planted, 2);
        assert_eq!((q.found, q.found_partly, q.missed), (0, 1, 1));
        assert_eq!(q.recall, Some(0.0));
        assert_eq!(q.recall_soft, Some(0.5));
        assert_eq!((q.detected, q.correct), (3, 1));
        assert!((q.precision.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        let f = &s.kinds["formula"];
        assert_eq!((f.planted, f.missed, f.found_as_other_kind), (1, 1, 1));
        assert_eq!(f.precision, None);
        assert_eq!(s.worst_false_positives[0].text, "全面建成小康社会");
        assert_eq!(s.worst_false_positives[0].chapters, 4);
        assert_eq!(s.worst_false_positives.len(), 2);
        let missed: Vec<&str> = s.missed.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(missed, ["p2", "f1"]);
        assert_eq!(missed_targets(&s).len(), 3);
        assert!(summary(&s, LISTED).contains("全面建成小康社会"));
    }

    #[test]
    fn splits_and_stock_fragments() {
        // p1 in two clusters; a fragment of its frame in many chapters does
        // not match it (most of its chapters are elsewhere).
        let d = detected(
            r#"{"quotations":[
              {"text":"a","occurrences":[
                 {"chapter":"c1","text":"只有吃透上情，才能切实加强调查研究"},
                 {"chapter":"c2","text":"只有吃透上情，才能切实强化调查研究"}]},
              {"text":"b","occurrences":[
                 {"chapter":"c2","text":"才能切实强化调查研究"},
                 {"chapter":"c3","text":"才能切实加强调查研究"}]},
              {"text":"切实加强调查研究","occurrences":[
                 {"chapter":"c1","text":"切实加强调查研究"},
                 {"chapter":"c3","text":"切实加强调查研究"},
                 {"chapter":"c7","text":"切实加强调查研究"},
                 {"chapter":"c8","text":"切实加强调查研究"},
                 {"chapter":"c9","text":"切实加强调查研究"}]}
            ]}"#,
        );
        let s = score(&manifest(), &d);
        let q = &s.kinds["quotation"];
        assert_eq!((q.split, q.found, q.found_partly), (1, 0, 1));
        assert_eq!((q.detected, q.correct), (3, 2));
        assert_eq!(q.with_stray_chapters, 0);
        // A match with one chapter of three elsewhere.
        let d = detected(
            r#"{"quotations":[{"text":"a","occurrences":[
                 {"chapter":"c1","text":"只有吃透上情，才能切实加强调查研究"},
                 {"chapter":"c2","text":"只有吃透上情，才能切实强化调查研究"},
                 {"chapter":"c9","text":"只有吃透上情"}]}]}"#,
        );
        let q = &score(&manifest(), &d).kinds["quotation"];
        assert_eq!(
            (q.correct, q.with_stray_chapters, q.found_partly),
            (1, 1, 1)
        );
    }

    #[test]
    fn overlap_is_half_of_the_shorter() {
        let c = |s: &str| normalize(s).chars().collect::<Vec<char>>();
        assert_eq!(longest_common_substring(&c("abcdef"), &c("xxcdey")), 3);
        assert!(overlaps(&c("清、慎、勤"), &c("“清”“慎”“勤”")));
        assert!(overlaps(&c("abcd"), &c("zzzzabzz")));
        assert!(!overlaps(&c("abcd"), &c("azzzbzzz")));
        assert!(!overlaps(&c(""), &c("abc")));
    }
}
