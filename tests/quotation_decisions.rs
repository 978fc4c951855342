//! The editor's decisions about recurring quotations
//! (`content/quotations.yaml`) and `zhushu quotations review`: each kind of
//! decision changes what `site/data/quotations.json` holds; a decision that
//! no longer finds its words stops the build at its line with the previous
//! site intact; `zhushu check` reports every bad decision at once; the
//! review lists the clusters by doubt, as text and as JSON.
//!
//! Two small editions written here: four Chinese pieces (a speech, an
//! article that reports it, an interview, a news item) and three English
//! ones (a speech, an essay, an interview).

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

const ZH_EDITION: &str = "title: 决定测试\nlanguage: zh-CN\n";

const ZH_CHAPTERS: &[(&str, &str)] = &[
    (
        "01-jiang-hua.md",
        "---
title: 在办公厅工作座谈会上的讲话
date: 2014-05-08
kind: speech
slug: jiang-hua
---

同志们，今天我们在这里召开座谈会。我们要把对党忠诚作为办公厅工作的第一位要求，始终做到绝对忠诚、绝对可靠、绝对纯洁，这是办公厅的立身之本。

凡事预则立，不预则废。办公厅工作千头万绪，必须提前谋划。

要坚持围绕中心、服务大局，把工作放到全局中去思考。

要教育干部坚定理想信念，树立正确的世界观、人生观、价值观，经受住各种考验。
",
    ),
    (
        "02-wen-zhang.md",
        "---
title: 学习讲话的体会
date: 2016-03-01
kind: article
slug: wen-zhang
---

总书记指出：“要把对党忠诚作为办公厅工作的第一位要求，始终做到绝对忠诚、绝对可靠、绝对纯洁。”全厅上下认真学习。

我们体会到，“文件要经得起历史检验，每一个字都要反复推敲，不能有丝毫差错”，这是做好文稿工作的基本遵循。

各级办公厅都要坚持围绕中心、服务大局，发挥参谋助手作用。

要引导年轻同志坚定理想信念，树立正确的世界观、人生观、价值观。
",
    ),
    (
        "03-fang-tan.md",
        "---
title: 老同志访谈录
date: 2017-06-01
kind: interview
slug: fang-tan
---

记者问起当年的情形，他回忆说，会上要求我们要把对党忠诚作为办公厅工作的第一位要求，始终做到绝对忠诚、绝对可靠、绝对纯洁。

他还说，凡事预则立、不预则废，准备工作一定要做在前面。

他强调，要坚持围绕大局、服务大局，不能各行其是。

年轻干部首先要坚定理想信念，树立正确的世界观，人生观，价值观。
",
    ),
    (
        "04-xin-wen.md",
        "---
title: 文稿工作会议召开
date: 2019-01-01
kind: news
slug: xin-wen
---

会议强调，“文件要经得起历史检验，每一个字都要反复推敲，不能有丝毫差错”，要以更高标准做好文稿服务。

会议要求坚持围绕大局、服务大局，提高服务水平。

会议指出，必须引导干部坚定理想信念，树立正确的世界观，人生观，价值观。
",
    ),
];

const EN_EDITION: &str = "title: Speeches and Essays\nlanguage: en\n";

const EN_CHAPTERS: &[(&str, &str)] = &[
    (
        "01-speech.md",
        "---
title: An Address at the Harbour
date: 1990-06-01
kind: speech
slug: harbour-address
---

Friends, we meet in a hard season. We shall go forward together, for the strength of a nation lies in the character of its people and in their willingness to serve.

The old motto carved above the door says: Know thyself. It is advice for nations as much as for men.

As Curran said, “the price of liberty is eternal vigilance, and that vigilance begins in the small duties of every day.”
",
    ),
    (
        "02-essay.md",
        "---
title: On Public Duty
date: 1995-02-01
kind: article
slug: public-duty
---

In his harbour address the speaker said that \"we shall go forward together, for the strength of a nation lies in the character of its people and in their willingness to serve.\"

The ancients wrote KNOW THY-SELF above their temple, and every citizen should know
thyself before judging others.
",
    ),
    (
        "03-interview.md",
        "---
title: A Conversation with the Mayor
date: 1998-09-12
kind: interview
slug: mayor-interview
---

Asked about his method, the mayor said: “The price of liberty is eternal vigilance, and that vigilance begins in the small duties of every day.”

He keeps a card on his desk: a ship is safe in harbour, but that is not what ships are for.
",
    ),
];

/// An edition written from the pieces above, with the repository's themes.
fn write_edition(edition: &str, chapters: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("chapters")).unwrap();
    fs::write(content.join("edition.yaml"), edition).unwrap();
    for (file, text) in chapters {
        fs::write(content.join("chapters").join(file), text).unwrap();
    }
    copy_dir(&repo_root().join("themes"), &dir.path().join("themes"));
    dir
}

fn zh() -> tempfile::TempDir {
    write_edition(ZH_EDITION, ZH_CHAPTERS)
}

fn en() -> tempfile::TempDir {
    write_edition(EN_EDITION, EN_CHAPTERS)
}

fn decide(root: &Path, yaml: &str) {
    fs::write(root.join("content/quotations.yaml"), yaml).unwrap();
}

/// A cluster as data/quotations.json gives it.
#[derive(Debug)]
struct Cluster {
    id: String,
    origin: String,
    /// (chapter slug, text) of every occurrence, in reading order.
    places: Vec<(String, String)>,
}

impl Cluster {
    fn chapters(&self) -> Vec<&str> {
        let mut chapters: Vec<&str> = self.places.iter().map(|(c, _)| c.as_str()).collect();
        chapters.dedup();
        chapters
    }

    fn has(&self, words: &str) -> bool {
        self.places.iter().any(|(_, text)| text.contains(words))
    }
}

/// Builds the edition into `<root>/site` and reads data/quotations.json.
fn built(root: &Path) -> Vec<Cluster> {
    let out = build(root, &root.join("site"), &[]);
    assert!(out.status.success(), "the build failed:\n{}", stderr(&out));
    let json = fs::read_to_string(root.join("site/data/quotations.json")).unwrap();
    let data: Value = serde_json::from_str(&json).unwrap();
    data["quotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Cluster {
            id: q["id"].as_str().unwrap().to_owned(),
            origin: q["origin"]["chapter"].as_str().unwrap().to_owned(),
            places: q["occurrences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    (
                        o["chapter"].as_str().unwrap().to_owned(),
                        o["text"].as_str().unwrap().to_owned(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// The clusters with an occurrence containing `words`.
fn with<'a>(clusters: &'a [Cluster], words: &str) -> Vec<&'a Cluster> {
    clusters.iter().filter(|c| c.has(words)).collect()
}

/// The one cluster with an occurrence containing `words`.
fn one<'a>(clusters: &'a [Cluster], words: &str) -> &'a Cluster {
    let found = with(clusters, words);
    assert_eq!(
        found.len(),
        1,
        "one cluster should hold “{words}”: {clusters:#?}"
    );
    found[0]
}

const DOCUMENTS: &str = "文件要经得起历史检验";
const LOYALTY: &str = "把对党忠诚作为办公厅工作的第一位要求";
const OUTLOOK: &str = "树立正确的世界观";

#[test]
fn a_rejected_cluster_is_gone() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    one(&before, DOCUMENTS);
    one(&before, LOYALTY);

    decide(
        root,
        "decisions:\n  - reject: 文件要经得起历史检验\n    note: 套话，不是引文\n",
    );
    let after = built(root);
    assert!(with(&after, DOCUMENTS).is_empty(), "{after:#?}");
    assert_eq!(after.len(), before.len() - 1, "{after:#?}");
    one(&after, LOYALTY);
}

#[test]
fn an_accepted_passage_is_a_cluster_in_the_chapters_it_stands_in() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    // Nine characters, unquoted: too short for the detector.
    assert!(with(&before, "不预则废").is_empty(), "{before:#?}");

    // Punctuation does not count: 凡事预则立、不预则废 stands in fang-tan.
    decide(
        root,
        "decisions:\n  - accept: 凡事预则立，不预则废\n    kind: formula\n",
    );
    let after = built(root);
    let saying = one(&after, "不预则废");
    assert_eq!(saying.chapters(), ["jiang-hua", "fang-tan"]);
    let texts: Vec<&str> = saying.places.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["凡事预则立，不预则废", "凡事预则立、不预则废"]);
    assert_eq!(saying.origin, "jiang-hua", "the earlier, dated piece");
    assert_eq!(after.len(), before.len() + 1);

    // Restricted to chapters where it stands once, it would not recur.
    decide(
        root,
        "decisions:\n  - accept: 凡事预则立，不预则废\n    chapters: [jiang-hua, wen-zhang]\n",
    );
    let message = refused(root);
    assert!(message.contains("content/quotations.yaml:2:5"), "{message}");
    assert!(
        message.contains("one piece only (jiang-hua#p2)"),
        "{message}"
    );
}

#[test]
fn an_english_passage_is_accepted_whatever_its_case_punctuation_and_line_breaks() {
    let edition = en();
    let root = edition.path();
    let before = built(root);
    assert!(with(&before, "thyself").is_empty(), "{before:#?}");
    one(&before, "price of liberty");

    decide(
        root,
        "decisions:
  - accept: Know thyself
  - reject: the price of liberty is eternal vigilance
",
    );
    let after = built(root);
    let motto = one(&after, "thyself");
    assert_eq!(motto.chapters(), ["harbour-address", "public-duty"]);
    let texts: Vec<&str> = motto.places.iter().map(|(_, t)| t.as_str()).collect();
    // The essay's line break reads as a space.
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert_eq!(texts[0], "Know thyself");
    assert_eq!(texts[1], "KNOW THY-SELF");
    let wrapped: Vec<&str> = texts[2].split_whitespace().collect();
    assert_eq!(wrapped, ["know", "thyself"], "{texts:?}");
    assert!(with(&after, "price of liberty").is_empty(), "{after:#?}");
    one(&after, "go forward together");
}

#[test]
fn an_accepted_word_is_found_whole() {
    let edition = en();
    let root = edition.path();
    // “arbour” stands only inside “harbour”: not a word of the text.
    decide(root, "decisions:\n  - accept: arbour\n");
    let message = refused(root);
    assert!(
        message.contains("“arbour”, which the edition does not contain"),
        "{message}"
    );
}

#[test]
fn merged_clusters_are_one() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    let documents = one(&before, DOCUMENTS).places.len();
    let loyalty = one(&before, LOYALTY).places.len();

    decide(
        root,
        "decisions:
  - merge: [文件要经得起历史检验, 始终做到绝对忠诚、绝对可靠、绝对纯洁]
  # Two sayings the detector misses, accepted, then made one.
  - accept: 围绕中心、服务大局
  - accept: 围绕大局、服务大局
  - merge:
      - 坚持围绕中心、服务大局
      - 围绕大局、服务大局
",
    );
    let after = built(root);
    let merged = one(&after, DOCUMENTS);
    assert!(merged.has(LOYALTY), "{merged:#?}");
    assert_eq!(merged.places.len(), documents + loyalty);
    assert_eq!(
        merged.chapters(),
        ["jiang-hua", "wen-zhang", "fang-tan", "xin-wen"]
    );
    // The first named cluster's origin.
    assert_eq!(merged.origin, "wen-zhang");

    let sayings = one(&after, "服务大局");
    assert!(
        sayings.has("围绕中心") && sayings.has("围绕大局"),
        "{sayings:#?}"
    );
    assert_eq!(
        sayings.chapters(),
        ["jiang-hua", "wen-zhang", "fang-tan", "xin-wen"]
    );
}

#[test]
fn a_split_makes_two_clusters() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    assert_eq!(
        one(&before, OUTLOOK).chapters(),
        ["jiang-hua", "wen-zhang", "fang-tan", "xin-wen"]
    );

    // The places that write it with commas leave the cluster.
    decide(
        root,
        "decisions:\n  - split: 树立正确的世界观，人生观，价值观\n",
    );
    let after = built(root);
    let parts = with(&after, OUTLOOK);
    assert_eq!(parts.len(), 2, "{after:#?}");
    assert_eq!(parts[0].chapters(), ["jiang-hua", "wen-zhang"]);
    assert_eq!(parts[1].chapters(), ["fang-tan", "xin-wen"]);
    assert!(
        parts[1]
            .places
            .iter()
            .all(|(_, t)| t.contains("，人生观，"))
    );
    assert_eq!(parts[0].origin, "jiang-hua");
    assert_eq!(parts[1].origin, "fang-tan");
    assert_eq!(after.len(), before.len() + 1);

    // A split that leaves one piece alone drops it.
    decide(
        root,
        "decisions:\n  - split: 树立正确的世界观，人生观，价值观\n    chapter: xin-wen\n",
    );
    let after = built(root);
    let parts = with(&after, OUTLOOK);
    assert_eq!(parts.len(), 1, "{after:#?}");
    assert_eq!(parts[0].chapters(), ["jiang-hua", "wen-zhang", "fang-tan"]);
}

#[test]
fn the_origin_is_the_chosen_chapter() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    assert_eq!(
        one(&before, LOYALTY).origin,
        "jiang-hua",
        "the speech, dated first"
    );

    decide(
        root,
        "decisions:\n  - origin: 把对党忠诚作为办公厅工作的第一位要求\n    chapter: fang-tan\n",
    );
    let after = built(root);
    let loyalty = one(&after, LOYALTY);
    assert_eq!(loyalty.origin, "fang-tan");
    assert_eq!(loyalty.places, one(&before, LOYALTY).places);
}

#[test]
fn decisions_apply_in_their_fixed_order() {
    let edition = zh();
    let root = edition.path();
    // Written last, the split still comes before the reject, which then
    // finds its words in two clusters and is told which by `chapter`.
    decide(
        root,
        "decisions:
  - reject: 树立正确的世界观
    chapter: xin-wen
  - split: 树立正确的世界观，人生观，价值观
",
    );
    let after = built(root);
    let left = one(&after, OUTLOOK);
    assert_eq!(left.chapters(), ["jiang-hua", "wen-zhang"]);

    // `prefix` tells places apart as it does for a note.
    decide(
        root,
        "decisions:
  - reject: 树立正确的世界观
    prefix: 教育干部坚定理想信念，
  - split: 树立正确的世界观，人生观，价值观
",
    );
    let after = built(root);
    let left = one(&after, OUTLOOK);
    assert_eq!(left.chapters(), ["fang-tan", "xin-wen"]);
}

/// Builds, breaks the edition with `spoil`, builds again: exit 1, each
/// `expected` fragment in the message, the first site byte for byte.
/// The build's message when it refuses the edition (exit code 1).
fn refused(root: &Path) -> String {
    let out = build(root, &root.join("site"), &[]);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    message
}

fn fails_cleanly(root: &Path, spoil: impl FnOnce(&Path), expected: &[&str]) -> String {
    let out = root.join("site");
    let first = build(root, &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&out);
    spoil(root);
    let second = build(root, &out, &[]);
    let message = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{message}");
    assert!(message.starts_with("error: "), "{message}");
    for fragment in expected {
        assert!(
            message.contains(fragment),
            "expected {fragment:?} in:\n{message}"
        );
    }
    assert_eq!(snapshot(&out), before, "the previous site changed");
    message
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replace(from, to)).unwrap();
}

#[test]
fn a_decision_whose_words_are_gone_stops_the_build() {
    let edition = zh();
    let root = edition.path();
    decide(
        root,
        "decisions:
  - origin: 把对党忠诚作为办公厅工作的第一位要求
    chapter: fang-tan
  - reject: 文件要经得起历史检验
",
    );
    fails_cleanly(
        root,
        |root| {
            for file in ["02-wen-zhang.md", "04-xin-wen.md"] {
                let file = format!("content/chapters/{file}");
                edit(root, &file, "经得起历史检验", "经得起实践检验");
            }
        },
        &[
            "`reject` quotes “文件要经得起历史检验”, which the edition does not contain",
            "--> content/quotations.yaml:4:5",
            "4 |   - reject: 文件要经得起历史检验",
            "the nearest text is “文件要经得起实践检验” in wen-zhang#p2",
        ],
    );
}

#[test]
fn an_unknown_key_suggests_the_right_one() {
    let edition = zh();
    let root = edition.path();
    fails_cleanly(
        root,
        |root| {
            decide(
                root,
                "decisions:\n  - reject: 文件要经得起历史检验\n  - rejct: 凡事预则立\n",
            )
        },
        &[
            "unknown field `rejct`",
            "content/quotations.yaml:3:5",
            "did you mean `reject`?",
        ],
    );
}

#[test]
fn words_in_several_clusters_must_say_which() {
    let edition = zh();
    let root = edition.path();
    fails_cleanly(
        root,
        |root| {
            decide(
                root,
                "decisions:\n  - split: 树立正确的世界观，人生观，价值观\n  - reject: 树立正确的世界观\n",
            )
        },
        &[
            "`reject` quotes “树立正确的世界观”, which stands in 2 clusters",
            // Each cluster told by its words and pieces.
            "“干部坚定理想信念，树立正确的世界观、人生观、价值观” (jiang-hua, wen-zhang); \
             “坚定理想信念，树立正确的世界观，人生观，价值观” (fang-tan, xin-wen)",
            "content/quotations.yaml:3:5",
            "add `chapter: SLUG`",
        ],
    );
}

#[test]
fn check_reports_every_bad_decision_at_once() {
    let edition = zh();
    let root = edition.path();
    decide(
        root,
        "decisions:
  - reject: 文件要经得起历史的检验
  - reject: 办公厅工作千头万绪
  - origin: 把对党忠诚作为办公厅工作的第一位要求
    chapter: fang-tang
  - merge: [文件要经得起历史检验]
",
    );
    let out = zhushu(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "content/quotations.yaml")
        .collect();
    let lines: Vec<u64> = ours.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 5, 6], "{report:#}");
    assert!(ours.iter().all(|d| d["severity"] == "error"), "{report:#}");
    let messages: Vec<&str> = ours
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("does not contain"), "{messages:?}");
    assert!(
        messages[1].contains("stands in no recurring quotation"),
        "{messages:?}"
    );
    assert!(messages[2].contains("chapter `fang-tang`"), "{messages:?}");
    assert_eq!(ours[2]["help"], "did you mean `fang-tan`?");
    assert!(messages[3].contains("two clusters or more"), "{messages:?}");
    assert!(!root.join("site").exists(), "check wrote a site");

    // As text, each at its place.
    let out = zhushu(&["check", "--root", root.to_str().unwrap()]);
    let text = stderr(&out);
    for line in [2, 3, 5, 6] {
        assert!(
            text.contains(&format!("--> content/quotations.yaml:{line}:")),
            "{text}"
        );
    }
}

fn review(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["quotations", "review", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    zhushu(&args)
}

/// `zhushu quotations review --format json`, which must succeed.
fn review_json(root: &Path) -> Value {
    let out = review(root, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_json_review_is_sorted_by_doubt() {
    let edition = zh();
    let root = edition.path();
    decide(root, "decisions:\n  - accept: 凡事预则立，不预则废\n");
    let review = review_json(root);
    let items = review["items"].as_array().unwrap();
    let site = built(root);
    assert_eq!(items.len(), site.len());
    assert_eq!(review["clusters"], site.len());
    assert_eq!(review["decisions"], 1);
    assert_eq!(review["decided"], 1);
    let doubts: Vec<f64> = items.iter().map(|i| i["doubt"].as_f64().unwrap()).collect();
    assert!(
        doubts.windows(2).all(|w| w[0] >= w[1]),
        "not sorted by doubt: {doubts:?}"
    );
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item["number"], n + 1);
        for field in [
            "quoted", "reported", "bounded", "tokens", "chance", "decided",
        ] {
            assert!(!item["evidence"][field].is_null(), "{field} in {item:#}");
        }
        assert!(["quotation", "formula"].contains(&item["kind"].as_str().unwrap()));
        // Its id is the cluster's on the site, with the same places.
        let cluster = site
            .iter()
            .find(|c| c.id == item["id"].as_str().unwrap())
            .unwrap_or_else(|| panic!("no cluster {} on the site", item["id"]));
        let places: Vec<(String, String)> = item["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let at = p["at"].as_str().unwrap();
                let paragraph = p["paragraph"].as_str().unwrap();
                assert_eq!(
                    at,
                    format!("{}#{paragraph}", p["chapter"].as_str().unwrap())
                );
                (
                    p["chapter"].as_str().unwrap().to_owned(),
                    p["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(places, cluster.places);
        assert_eq!(
            item["origin"]["chapter"].as_str(),
            Some(cluster.origin.as_str())
        );
        assert!(
            item["decide"]["reject"]
                .as_str()
                .unwrap()
                .starts_with("  - reject: ")
        );
    }
    let accepted = items
        .iter()
        .find(|i| i["text"] == "凡事预则立，不预则废")
        .unwrap();
    assert_eq!(accepted["evidence"]["decided"], true);
    assert_eq!(accepted["doubt"], 0.0);
}

#[test]
fn the_text_review_names_the_places_and_how_to_decide() {
    let edition = zh();
    let root = edition.path();
    let out = review(root, &[]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    for expected in [
        "most doubtful first",
        "jiang-hua#p1 (origin)",
        "wen-zhang#p1",
        "fang-tan#p1",
        "wen-zhang#p2",
        "xin-wen#p1",
        "文件要经得起历史检验，每一个字都要反复推敲，不能有丝毫差错",
        "evidence: ",
        "doubt ",
        "- reject: ",
        "- merge:",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }

    let edition = en();
    let root = edition.path();
    let out = review(root, &["--format", "text"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    for expected in [
        "harbour-address#p1 (origin)",
        "public-duty#p1",
        "harbour-address#p3",
        "mayor-interview#p1",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}

#[test]
fn the_reviews_suggestion_rejects_its_cluster() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    let out = review(root, &["--format", "json"]);
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    for item in review["items"].as_array().unwrap() {
        let entry = item["decide"]["reject"].as_str().unwrap();
        decide(root, &format!("decisions:\n{entry}"));
        let after = built(root);
        assert_eq!(after.len(), before.len() - 1, "{entry}");
        let text = item["text"].as_str().unwrap();
        assert!(
            after
                .iter()
                .all(|c| c.places.iter().all(|(_, t)| t != text)),
            "{entry} left {after:#?}"
        );
    }
}

#[test]
fn a_review_stops_at_a_bad_decision() {
    let edition = zh();
    let root = edition.path();
    decide(root, "decisions:\n  - reject: 不在书中的话\n");
    let out = review(root, &["--format", "json"]);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(message.contains("content/quotations.yaml:2:5"), "{message}");
    assert!(out.stdout.is_empty());
}

/// A review read only in part (`| head`) ends as other tools do when their
/// reader stops: quietly, by SIGPIPE, with no panic on the terminal. The
/// seed's JSON review (over 100 KB) is larger than a pipe holds, so the
/// review is still writing when the reader goes.
#[cfg(unix)]
#[test]
fn a_review_whose_reader_stops_ends_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let mut child = Command::new(zhushu_bin())
        .args(["quotations", "review", "--format", "json", "--root"])
        .arg(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The pipe is closed here, the review not yet written.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{stderr}");
    assert!(String::from_utf8_lossy(&head).starts_with('{'));
}

/// A saying quoted on its own in four pieces, and a longer passage around
/// it that two of them share: two clusters, one inside the other. (The
/// passage stands further into b's paragraph than into a's, so that
/// offsets compared across paragraphs would not agree.)
const NESTED_CHAPTERS: &[(&str, &str)] = &[
    (
        "01-a.md",
        "---\ntitle: 在座谈会上的讲话\ndate: 2014-05-08\nkind: speech\nslug: a\n---\n\n\
         同志们，今天我们开个短会。办公厅工作千头万绪，凡事预则立，不预则废，每一项任务都必须提前谋划、周密部署、抓好落实。\n\n\
         大家要把这件事放在心上。\n",
    ),
    (
        "02-b.md",
        "---\ntitle: 学习讲话的体会\ndate: 2016-03-01\nkind: article\nslug: b\n---\n\n\
         在二〇一六年全省办公厅系统工作会议上，总书记指出：“办公厅工作千头万绪，凡事预则立，不预则废，每一项任务都必须提前谋划、周密部署、抓好落实。”全厅上下认真学习。\n",
    ),
    (
        "03-c.md",
        "---\ntitle: 老同志访谈录\ndate: 2017-06-01\nkind: interview\nslug: c\n---\n\n\
         他回忆说，那天老主任开口就是一句今天我们开个短会，常讲“凡事预则立，不预则废”，准备工作一定要做在前面。\n",
    ),
    (
        "04-d.md",
        "---\ntitle: 文稿工作会议召开\ndate: 2019-01-01\nkind: news\nslug: d\n---\n\n\
         会议强调，“凡事预则立，不预则废”，要以更高标准做好文稿服务。\n",
    ),
];

const SAYING: &str = "凡事预则立，不预则废";
const AROUND_SAYING: &str = "每一项任务都必须提前谋划";

#[test]
fn a_saying_inside_a_longer_passage_is_decided_on_its_own() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    let before = built(root);
    assert_eq!(before.len(), 2, "{before:#?}");
    let saying = before
        .iter()
        .find(|c| c.places.iter().all(|(_, text)| text == SAYING))
        .expect("the saying is a cluster of its own");
    assert_eq!(saying.chapters(), ["a", "b", "c", "d"], "{before:#?}");
    assert_eq!(one(&before, AROUND_SAYING).chapters(), ["a", "b"]);

    // The saying's words stand in both clusters' places; they are the
    // saying's occurrence, and only a small part of the passage's.
    decide(root, &format!("decisions:\n  - reject: {SAYING}\n"));
    let after = built(root);
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(one(&after, AROUND_SAYING).chapters(), ["a", "b"]);
    assert!(
        after[0].places.iter().all(|(_, text)| text != SAYING),
        "{after:#?}"
    );
}

#[test]
fn words_beside_a_quotation_in_its_paragraph_are_in_no_cluster() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    fails_cleanly(
        root,
        |root| decide(root, "decisions:\n  - reject: 今天我们开个短会\n"),
        &[
            "`reject` quotes “今天我们开个短会”, which stands in no recurring quotation",
            "content/quotations.yaml:2:5",
            "the detector no longer links these words: remove this decision",
        ],
    );
}

#[test]
fn a_suffix_alone_does_not_go_with_accept() {
    let edition = zh();
    let root = edition.path();
    fails_cleanly(
        root,
        |root| {
            decide(
                root,
                "decisions:\n  - accept: 凡事预则立\n    chapters: [jiang-hua, fang-tan]\n    suffix: 不预则废\n",
            )
        },
        &[
            "`suffix` does not go with `accept`",
            "content/quotations.yaml:4:5",
        ],
    );
}

/// Two pieces where a motto is a whole paragraph, opens one and closes
/// another.
const MOTTO_CHAPTERS: &[(&str, &str)] = &[
    (
        "01-door.md",
        "---\ntitle: Above the Door\ndate: 1990-01-01\nslug: door\n---\n\n\
         Know thyself.\n\n\
         The words were cut in the stone a long time ago, and they still stand.\n",
    ),
    (
        "02-letter.md",
        "---\ntitle: A Letter\ndate: 1991-01-01\nslug: letter\n---\n\n\
         Know thyself before you judge, my father wrote, and then: know thyself\n\n\
         Know thyself\n",
    ),
];

#[test]
fn accepted_words_are_found_at_both_ends_of_a_paragraph_and_as_all_of_it() {
    let edition = write_edition(EN_EDITION, MOTTO_CHAPTERS);
    let root = edition.path();
    decide(root, "decisions:\n  - accept: know thyself\n");
    let clusters = built(root);
    let motto = one(&clusters, "thyself");
    assert_eq!(
        motto.places,
        [
            ("door".to_owned(), "Know thyself".to_owned()),
            ("letter".to_owned(), "Know thyself".to_owned()),
            ("letter".to_owned(), "know thyself".to_owned()),
            ("letter".to_owned(), "Know thyself".to_owned()),
        ],
        "{clusters:#?}"
    );

    // The review's suggested entry finds the cluster by its words alone,
    // though they open every paragraph they stand in.
    let review = review_json(root);
    let entry = review["items"][0]["decide"]["reject"].as_str().unwrap();
    assert_eq!(entry, "  - reject: Know thyself\n");

    // “know thy” stands only as the start of “know thyself”.
    decide(root, "decisions:\n  - accept: know thy\n");
    let message = refused(root);
    assert!(
        message.contains("“know thy”, which the edition does not contain"),
        "{message}"
    );
}

/// The words of a `reject` changed in both pieces where they stood, each
/// time keeping only one of the three stretches the nearest text is
/// looked for by (their start, middle and end).
#[test]
fn the_nearest_text_is_found_by_any_stretch_of_the_words() {
    const GONE: &str = "`reject` quotes “文件要经得起历史检验”, which the edition does not contain";
    let cases: [(&str, &str, &str); 3] = [
        // Only the middle (经得起) is left.
        (
            "文稿要经得起时间考验",
            "文稿要经得起时间考验",
            "文稿要经得起时间考验” in wen-zhang#p2",
        ),
        // Only the end (史检验) is left.
        (
            "文稿要经受住历史检验",
            "文稿要经受住历史检验",
            "文稿要经受住历史检验” in wen-zhang#p2",
        ),
        // The first piece keeps less of the words than the second, which is
        // the nearest though found later.
        (
            "文稿要经受住历史检验",
            "文件要经得起实践检验",
            "文件要经得起实践检验” in xin-wen#p1",
        ),
    ];
    for (in_article, in_news, nearest) in cases {
        let edition = zh();
        let root = edition.path();
        decide(root, "decisions:\n  - reject: 文件要经得起历史检验\n");
        fails_cleanly(
            root,
            |root| {
                edit(
                    root,
                    "content/chapters/02-wen-zhang.md",
                    "文件要经得起历史检验",
                    in_article,
                );
                edit(
                    root,
                    "content/chapters/04-xin-wen.md",
                    "文件要经得起历史检验",
                    in_news,
                );
            },
            &[GONE, &format!("the nearest text is “{nearest}")],
        );
    }
}

#[test]
fn words_not_found_with_a_prefix_alone_say_so() {
    let edition = zh();
    let root = edition.path();
    fails_cleanly(
        root,
        |root| {
            decide(
                root,
                "decisions:\n  - reject: 文件要经得起历史检验\n    prefix: 总书记说，\n",
            )
        },
        &["which the edition does not contain with that prefix and suffix"],
    );
}

/// Two pieces in reverse order of date: the later one quotes a motto that
/// the earlier one states.
const ORIGIN_CHAPTERS: &[(&str, &str)] = &[
    (
        "01-review.md",
        "---\ntitle: A Review\ndate: 2001-01-01\nslug: review\n---\n\n\
         The reviewer ends with the old words: “Know thyself.”\n",
    ),
    (
        "02-sermon.md",
        "---\ntitle: A Sermon\ndate: 1990-01-01\nslug: sermon\n---\n\n\
         Know thyself, and the rest will follow in its time.\n",
    ),
];

#[test]
fn an_accepted_passage_has_its_origin_where_it_was_first_stated() {
    let edition = write_edition(EN_EDITION, ORIGIN_CHAPTERS);
    let root = edition.path();
    decide(root, "decisions:\n  - accept: know thyself\n");
    let clusters = built(root);
    let motto = one(&clusters, "thyself");
    assert_eq!(motto.chapters(), ["review", "sermon"], "{clusters:#?}");
    assert_eq!(motto.origin, "sermon", "{clusters:#?}");
}

#[test]
fn an_accepted_passage_takes_in_no_cluster_it_only_shares_a_paragraph_with() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    // 今天我们开个短会 stands in a and c, in the paragraphs of the saying
    // (a and c) and of the passage around it (a), apart from both.
    decide(root, "decisions:\n  - accept: 今天我们开个短会\n");
    let clusters = built(root);
    assert_eq!(clusters.len(), 3, "{clusters:#?}");
    assert_eq!(one(&clusters, "开个短会").chapters(), ["a", "c"]);
    assert_eq!(one(&clusters, AROUND_SAYING).chapters(), ["a", "b"]);
}

#[test]
fn an_accepted_passage_takes_in_the_cluster_it_mostly_overlaps() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    // Most of the passage's words, in both its pieces: the passage's
    // cluster joins the accepted one; the saying inside (a third of the
    // words) stays a cluster of its own.
    decide(
        root,
        "decisions:\n  - accept: 办公厅工作千头万绪，凡事预则立，不预则废，每一项任务都必须提前谋划\n",
    );
    let clusters = built(root);
    assert_eq!(clusters.len(), 2, "{clusters:#?}");
    assert_eq!(one(&clusters, AROUND_SAYING).chapters(), ["a", "b"]);
    let saying = clusters
        .iter()
        .find(|c| c.places.iter().all(|(_, text)| text == SAYING))
        .expect("the saying is still a cluster of its own");
    assert_eq!(saying.chapters(), ["a", "b", "c", "d"], "{clusters:#?}");
}

/// A motto that opens the first paragraph of two pieces, and a sentence
/// that opens their second.
const TWO_OPENINGS: &[(&str, &str)] = &[
    (
        "01-speech.md",
        "---\ntitle: A Speech\ndate: 1990-01-01\nkind: speech\nslug: speech\n---\n\n\
         Know thyself and serve your country well, my friends, always.\n\n\
         We shall go forward together as one people.\n",
    ),
    (
        "02-essay.md",
        "---\ntitle: An Essay\ndate: 1995-01-01\nkind: article\nslug: essay\n---\n\n\
         Know thyself and serve your country well, my friends, he wrote.\n\n\
         “We shall go forward together as one people.”\n",
    ),
];

#[test]
fn an_accepted_passage_takes_in_no_cluster_of_another_paragraph() {
    let edition = write_edition(EN_EDITION, TWO_OPENINGS);
    let root = edition.path();
    let before = built(root);
    assert_eq!(one(&before, "go forward").chapters(), ["speech", "essay"]);
    // The motto's places and the sentence's have nearly the same offsets,
    // each in its own paragraph: the motto's words cover most of the
    // sentence's offsets, then all of them.
    for motto in [
        "know thyself and serve your country",
        "know thyself and serve your country well, my friends",
    ] {
        decide(root, &format!("decisions:\n  - accept: {motto}\n"));
        let after = built(root);
        assert_eq!(after.len(), 2, "{motto}: {after:#?}");
        assert_eq!(one(&after, "thyself").chapters(), ["speech", "essay"]);
        assert_eq!(one(&after, "go forward").chapters(), ["speech", "essay"]);
    }
}

#[test]
fn an_accepted_passage_takes_in_a_cluster_that_stands_only_inside_it() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    // The first decision makes a cluster of a short stretch of the
    // passage (a third of it, in its two pieces); the second accepts the
    // whole passage, which takes in the passage's cluster and that
    // fragment, not the saying, which stands in two more pieces.
    decide(
        root,
        &format!(
            "decisions:\n  - accept: {AROUND_SAYING}\n  - accept: \
             办公厅工作千头万绪，凡事预则立，不预则废，每一项任务都必须提前谋划、周密部署、抓好落实\n"
        ),
    );
    let clusters = built(root);
    assert_eq!(clusters.len(), 2, "{clusters:#?}");
    assert_eq!(one(&clusters, AROUND_SAYING).chapters(), ["a", "b"]);
    let saying = clusters
        .iter()
        .find(|c| c.places.iter().all(|(_, text)| text == SAYING))
        .expect("the saying is still a cluster of its own");
    assert_eq!(saying.chapters(), ["a", "b", "c", "d"], "{clusters:#?}");
}

#[test]
fn merged_clusters_keep_the_evidence_of_each() {
    let edition = zh();
    let root = edition.path();
    // The first is reported, never quoted, not a whole clause, 22
    // characters; the second is quoted and a whole clause, 27.
    decide(
        root,
        "decisions:\n  - merge: [树立正确的世界观、人生观、价值观, 文件要经得起历史检验]\n",
    );
    let first = review_json(root);
    let merged: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["evidence"]["decided"] == true)
        .collect();
    assert_eq!(merged.len(), 1, "{first:#}");
    let evidence = &merged[0]["evidence"];
    assert_eq!(evidence["quoted"], true, "{evidence}");
    assert_eq!(evidence["reported"], true, "{evidence}");
    assert_eq!(evidence["bounded"], true, "{evidence}");
    assert_eq!(evidence["tokens"], 27, "{evidence}");

    // An accepted cluster (reported nowhere) merged with one that is.
    decide(
        root,
        "decisions:\n  - accept: 凡事预则立，不预则废\n  - merge: [凡事预则立，不预则废, 树立正确的世界观、人生观、价值观]\n",
    );
    let second = review_json(root);
    let merged = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"].as_str().unwrap().contains("不预则废"))
        .expect("the merged cluster");
    assert_eq!(merged["evidence"]["reported"], true, "{merged:#}");
}

#[test]
fn occurrences_of_merged_clusters_that_overlap_are_one() {
    let edition = zh();
    let root = edition.path();
    let before = built(root);
    let outlook: Vec<(String, String)> = one(&before, OUTLOOK).places.clone();
    // 坚定理想信念 stands inside each place of the outlook's cluster.
    decide(
        root,
        "decisions:\n  - accept: 坚定理想信念\n  - merge: [坚定理想信念, 树立正确的世界观]\n",
    );
    let after = built(root);
    assert_eq!(one(&after, OUTLOOK).places, outlook, "{after:#?}");
    assert_eq!(after.len(), before.len(), "{after:#?}");
}

/// An essay that quotes a speech, and the speech, given five years
/// earlier but placed after it in the book.
const QUOTED_FIRST: &[(&str, &str)] = &[
    (
        "01-essay.md",
        "---\ntitle: An Essay\ndate: 1995-01-01\nkind: article\nslug: essay\n---\n\n\
         As the speaker put it, “We shall go forward together as one people.”\n",
    ),
    (
        "02-speech.md",
        "---\ntitle: A Speech\ndate: 1990-01-01\nkind: speech\nslug: speech\n---\n\n\
         We shall go forward together as one people.\n",
    ),
];

#[test]
fn a_merged_cluster_keeps_its_origin_when_that_place_is_joined_to_another() {
    let edition = write_edition(EN_EDITION, QUOTED_FIRST);
    let root = edition.path();
    let before = built(root);
    assert_eq!(one(&before, "go forward").origin, "speech", "{before:#?}");
    // The accepted words (their origin the speech, earlier and unquoted)
    // stand inside the sentence's places, which they are joined to.
    decide(
        root,
        "decisions:\n  - accept: go forward together\n  - merge: [go forward together, We shall go forward together as one people]\n",
    );
    let after = built(root);
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(after[0].places.len(), 2, "{after:#?}");
    assert_eq!(after[0].origin, "speech", "{after:#?}");
}

/// One passage in four pieces: reported bare in the first two, quoted
/// (and longer) in the last two.
const SPLIT_CHAPTERS: &[(&str, &str)] = &[
    (
        "a.md",
        "---\ntitle: 讲话\ndate: 2014-01-01\nkind: speech\nslug: a\n---\n\n\
         他指出，办公厅工作千头万绪，必须提前谋划、周密部署、抓好落实。大家都记住了。\n",
    ),
    (
        "b.md",
        "---\ntitle: 文章\ndate: 2015-01-01\nkind: article\nslug: b\n---\n\n\
         他指出，办公厅工作千头万绪，必须提前谋划、周密部署、抓好落实。全厅认真学习。\n",
    ),
    (
        "c.md",
        "---\ntitle: 访谈\ndate: 2016-01-01\nkind: interview\nslug: c\n---\n\n\
         他说：“办公厅工作千头万绪，必须提前谋划、周密部署、抓好落实，不能有丝毫马虎。”\n",
    ),
    (
        "d.md",
        "---\ntitle: 新闻\ndate: 2017-01-01\nkind: news\nslug: d\n---\n\n\
         会议强调：“办公厅工作千头万绪，必须提前谋划、周密部署、抓好落实，不能有丝毫马虎。”\n",
    ),
];

#[test]
fn each_part_of_a_split_has_its_own_evidence_and_origin() {
    let edition = write_edition(ZH_EDITION, SPLIT_CHAPTERS);
    let root = edition.path();
    let before = built(root);
    assert_eq!(before.len(), 1, "{before:#?}");
    assert_eq!(before[0].origin, "a");

    decide(
        root,
        "decisions:\n  - split: 办公厅工作千头万绪\n    prefix: 他指出，\n",
    );
    let review = review_json(root);
    let parts: Vec<(Vec<&str>, &str, &Value)> = review["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let chapters = i["places"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["chapter"].as_str().unwrap())
                .collect();
            (
                chapters,
                i["origin"]["chapter"].as_str().unwrap(),
                &i["evidence"],
            )
        })
        .collect();
    let part = |first: &str| {
        parts
            .iter()
            .find(|(chapters, ..)| chapters[0] == first)
            .unwrap_or_else(|| panic!("a part from {first}: {review:#}"))
    };
    let (reported, origin, evidence) = part("a");
    assert_eq!(reported, &["a", "b"]);
    assert_eq!(*origin, "a");
    assert_eq!(evidence["quoted"], false, "{evidence}");
    assert_eq!(evidence["tokens"], 23, "{evidence}");
    assert_eq!(evidence["decided"], true, "{evidence}");
    // The part that stays lost its origin (a left with the other part):
    // it takes its own earliest.
    let (quoted, origin, evidence) = part("c");
    assert_eq!(quoted, &["c", "d"]);
    assert_eq!(*origin, "c");
    assert_eq!(evidence["quoted"], true, "{evidence}");
    assert_eq!(evidence["tokens"], 30, "{evidence}");
    assert_eq!(evidence["decided"], true, "{evidence}");

    // The review's suggested entries: the first part's words stand in
    // the second's places too, so its entry names the origin's chapter;
    // the second's words stand only in its own.
    let reject = |first: &str| {
        review["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["places"][0]["chapter"] == first)
            .map(|i| i["decide"]["reject"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(
        reject("a").contains("\n    chapter: a\n"),
        "{}",
        reject("a")
    );
    assert!(!reject("c").contains("chapter"), "{}", reject("c"));
}

#[test]
fn occurrences_of_merged_clusters_that_only_touch_stay_two() {
    let edition = write_edition(ZH_EDITION, NESTED_CHAPTERS);
    let root = edition.path();
    // 办公厅工作 and 千头万绪 stand side by side in a and b.
    decide(
        root,
        "decisions:\n  - accept: 办公厅工作\n  - accept: 千头万绪\n  - merge: [办公厅工作, 千头万绪]\n",
    );
    let clusters = built(root);
    let merged = clusters
        .iter()
        .find(|c| c.places.iter().all(|(_, t)| t.chars().count() < 6))
        .expect("the merged cluster");
    let texts: Vec<(&str, &str)> = merged
        .places
        .iter()
        .map(|(c, t)| (c.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("a", "办公厅工作"),
            ("a", "千头万绪"),
            ("b", "办公厅工作"),
            ("b", "千头万绪")
        ],
        "{clusters:#?}"
    );
}

// ---- near misses: what the detector refused, offered to accept ------------

/// `zhushu quotations review --format json` with more arguments.
fn review_json_with(root: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let out = review(root, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (chapter, text) of every place of a near miss.
fn near_places(miss: &Value) -> Vec<(String, String)> {
    (miss["places"].as_array().unwrap().iter())
        .map(|p| {
            (
                p["chapter"].as_str().unwrap().to_owned(),
                p["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The clause that the news item of the Chinese compilation repeats from
/// the speech of piece 1, bare.
const LYING: &str = "躺在县级馆和乡镇文化站的柜子里";
const NEWS_ITEM: &str = "content/chapters/05-quan-sheng-gu-ji-bao-hu-gong-zuo-tui-jin-hui.md";

/// The Chinese compilation with its news item's quotation of the speech
/// (古籍是中华文明的根脉所系……, cut in two by a paragraph break) taken
/// out: the news item then repeats the speech's clause quoting nothing of
/// it.
fn zh_compilation_without_the_news_items_quotation() -> tempfile::TempDir {
    let edition = edition("quotations/zh-compilation");
    let path = edition.path().join(NEWS_ITEM);
    let text = fs::read_to_string(&path).unwrap();
    let from = text.find("会议重温了").expect("the quotation's sentence");
    let to = text.find("义不容辞的责任。”").expect("its end") + "义不容辞的责任。”".len();
    fs::write(&path, format!("{}{}", &text[..from], &text[to..])).unwrap();
    edition
}

/// A news item that quotes a speech and, beside the quotation, retells the
/// speech's next clause in its words (躺在县级馆和乡镇文化站的柜子里, bare,
/// 15 characters) links the clause to the speech; `zhushu quotations
/// review` says what vouched for it. Without the quotation beside it, the
/// same bare clause is refused.
#[test]
fn words_retold_beside_a_quotation_of_their_piece_are_linked() {
    let edition = edition("quotations/zh-compilation");
    let root = edition.path();
    let clusters = built(root);
    let linked = one(&clusters, LYING);
    assert_eq!(
        linked.chapters(),
        [
            "zai-quan-sheng-gu-ji-bao-hu-gong-zuo-hui-yi-shang-de-jiang-hua",
            "quan-sheng-gu-ji-bao-hu-gong-zuo-tui-jin-hui"
        ]
    );
    assert_eq!(
        linked.origin,
        "zai-quan-sheng-gu-ji-bao-hu-gong-zuo-hui-yi-shang-de-jiang-hua"
    );
    let reviewed = review_json(root);
    let item = (reviewed["items"].as_array().unwrap().iter())
        .find(|i| i["text"] == LYING)
        .expect("reviewed");
    assert_eq!(item["evidence"]["beside_quotation"], true);
    assert_eq!(item["evidence"]["quoted"], false);
    let text = String::from_utf8_lossy(&review(root, &[]).stdout).into_owned();
    assert!(
        text.contains("retold beside a quotation of its origin's piece"),
        "{text}"
    );

    let unvouched = zh_compilation_without_the_news_items_quotation();
    assert!(with(&built(unvouched.path()), LYING).is_empty());
}

/// The same clause, once the news item no longer quotes the speech, is
/// refused by detection: nothing says it is somebody's. The review offers
/// it first, with the entry that accepts it; the entry makes it a cluster,
/// and the review then lists it among the clusters, no longer among the
/// near misses.
#[test]
fn a_passage_the_detector_refused_is_offered_with_the_entry_that_accepts_it() {
    let edition = zh_compilation_without_the_news_items_quotation();
    let root = edition.path();
    assert!(
        with(&built(root), LYING).is_empty(),
        "detection finds it now"
    );
    let review = review_json(root);
    let near = review["near_misses"].as_array().unwrap();
    assert_eq!(review["near_misses_found"], near.len());
    let first = &near[0];
    assert_eq!(
        near_places(first),
        [
            (
                "zai-quan-sheng-gu-ji-bao-hu-gong-zuo-hui-yi-shang-de-jiang-hua".to_owned(),
                LYING.to_owned()
            ),
            (
                "quan-sheng-gu-ji-bao-hu-gong-zuo-tui-jin-hui".to_owned(),
                LYING.to_owned()
            ),
        ]
    );
    assert_eq!(first["refusal"]["why"], "no_evidence");
    assert!(first["why"].as_str().unwrap().contains("somebody's words"));
    assert_eq!(first["evidence"]["quoted"], false);
    let accept = first["accept"].as_str().unwrap();
    assert_eq!(accept, format!("  - accept: {LYING}\n"));
    // Least likely by chance first, numbered from 1.
    let over: Vec<f64> = near.iter().map(|m| m["over"].as_f64().unwrap()).collect();
    assert!(over.windows(2).all(|w| w[0] <= w[1]), "{over:?}");
    for (n, miss) in near.iter().enumerate() {
        assert_eq!(miss["number"], n + 1);
    }

    decide(root, &format!("decisions:\n{accept}"));
    let clusters = built(root);
    let accepted = one(&clusters, LYING);
    assert_eq!(
        accepted.chapters(),
        [
            "zai-quan-sheng-gu-ji-bao-hu-gong-zuo-hui-yi-shang-de-jiang-hua",
            "quan-sheng-gu-ji-bao-hu-gong-zuo-tui-jin-hui"
        ]
    );
    let after = review_json(root);
    assert_eq!(
        after["near_misses_found"].as_u64().unwrap(),
        near.len() as u64 - 1
    );
    assert!(
        (after["near_misses"].as_array().unwrap().iter())
            .all(|m| near_places(m).iter().all(|(_, t)| !t.contains(LYING)))
    );
    assert!(
        (after["items"].as_array().unwrap().iter())
            .any(|i| i["text"] == LYING && i["evidence"]["decided"] == true)
    );
}

/// Whatever the detector refused, in either language: each near miss
/// stands in two pieces or more, where no cluster stands, and the entry the
/// review gives for it makes a cluster of its places.
#[test]
fn every_near_miss_is_in_two_pieces_where_no_cluster_stands_and_its_entry_accepts_it() {
    for fixture in ["quotations/zh-compilation", "quotations/en-compilation"] {
        let edition = edition(fixture);
        let root = edition.path();
        let clusters = built(root);
        let review = review_json_with(root, &["--near-misses", "100"]);
        let near = review["near_misses"].as_array().unwrap();
        assert!(near.len() >= 3, "{fixture}: {near:#?}");
        for miss in near {
            let places = near_places(miss);
            let mut chapters: Vec<&str> = places.iter().map(|(c, _)| c.as_str()).collect();
            chapters.dedup();
            assert!(chapters.len() >= 2, "{fixture}: {miss:#}");
            // (The same words elsewhere in a paragraph may be a cluster's:
            // `near_misses`' unit tests hold the places apart by offsets.)
            for place in &places {
                assert!(
                    !clusters.iter().any(|c| c.places.contains(place)),
                    "{fixture}: a cluster stands at {place:?}"
                );
            }
            let accept = miss["accept"].as_str().unwrap();
            decide(root, &format!("decisions:\n{accept}"));
            let after = built(root);
            let words = accept.trim().trim_start_matches("- accept: ");
            let made = after
                .iter()
                .find(|c| {
                    c.places
                        .iter()
                        .any(|(_, t)| t.contains(words) || words.contains(t.as_str()))
                })
                .unwrap_or_else(|| panic!("{fixture}: {accept} made no cluster: {after:#?}"));
            assert!(made.chapters().len() >= 2, "{fixture}: {accept}");
            assert_eq!(after.len(), clusters.len() + 1, "{fixture}: {accept}");
        }
        fs::remove_file(root.join("content/quotations.yaml")).unwrap();
    }
}

/// `--near-misses N` lists the first N and says how many there were;
/// `--near-misses 0` looks for none.
#[test]
fn near_misses_are_listed_as_many_as_asked() {
    let edition = zh_compilation_without_the_news_items_quotation();
    let root = edition.path();
    let none = review_json_with(root, &["--near-misses", "0"]);
    assert_eq!(none["near_misses"].as_array().unwrap().len(), 0);
    assert_eq!(none["near_misses_found"], 0);
    let one = review_json_with(root, &["--near-misses", "1"]);
    assert_eq!(one["near_misses"].as_array().unwrap().len(), 1);
    assert!(one["near_misses_found"].as_u64().unwrap() >= 3);
    let out = review(root, &["--near-misses", "1"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for expected in [
        "near misses: recurring words the detector refused, the least likely by chance first (the first 1; --near-misses N for more)",
        "\n~1  nothing says they are somebody's words",
        "    zai-quan-sheng-gu-ji-bao-hu-gong-zuo-hui-yi-shang-de-jiang-hua#p3  “躺在县级馆和乡镇文化站的柜子里”",
        "  to accept it, add to content/quotations.yaml:\n    - accept: 躺在县级馆和乡镇文化站的柜子里\n",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(!text.contains("\n~2 "), "{text}");
    let out = review(root, &["--near-misses", "0"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("near miss"));
}

/// A list that recurs in more pieces than a saying may stand in unquoted
/// (twelve) is taken for the genre's stock: the review offers it as a
/// near miss of its kind, and its entry accepts it as a formula.
#[test]
fn a_formula_refused_as_stock_is_offered_as_a_formula() {
    let topics = [
        "春耕", "防汛", "秋收", "冬训", "招商", "环保", "教育", "医疗", "交通", "文化", "旅游",
        "税务", "统计", "审计",
    ];
    let chapters: Vec<(String, String)> = topics
        .iter()
        .enumerate()
        .map(|(n, topic)| {
            (
                format!("{:02}-p{n}.md", n + 1),
                format!(
                    "---\ntitle: {topic}工作会议纪要\ndate: 2020-{:02}-01\nkind: news\nslug: p{n}\n---\n\n\
                     会议研究了{topic}工作的第{n}项安排。与会同志表示，{topic}战线要讲政治、顾大局、守纪律，把工作抓紧抓实。\n",
                    n % 12 + 1
                ),
            )
        })
        .collect();
    let chapters: Vec<(&str, &str)> = chapters
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let edition = write_edition(ZH_EDITION, &chapters);
    let root = edition.path();
    assert!(with(&built(root), "讲政治、顾大局、守纪律").is_empty());
    let review = review_json(root);
    let miss = (review["near_misses"].as_array().unwrap().iter())
        .find(|m| {
            near_places(m)
                .iter()
                .all(|(_, t)| t == "讲政治、顾大局、守纪律")
        })
        .unwrap_or_else(|| panic!("not offered: {review:#}"));
    assert_eq!(
        miss["refusal"],
        serde_json::json!({"why": "stock", "pieces": 14})
    );
    assert!(miss["why"].as_str().unwrap().contains("in 14 pieces"));
    assert_eq!(near_places(miss).len(), 14);
    let accept = miss["accept"].as_str().unwrap();
    assert_eq!(
        accept,
        "  - accept: 讲政治、顾大局、守纪律\n    kind: formula\n"
    );
    decide(root, &format!("decisions:\n{accept}"));
    let after = review_json(root);
    let item = (after["items"].as_array().unwrap().iter())
        .find(|i| i["text"] == "讲政治、顾大局、守纪律")
        .unwrap_or_else(|| panic!("not accepted: {after:#}"));
    assert_eq!(item["kind"], "formula");
    assert_eq!(item["places"].as_array().unwrap().len(), 14);
}
