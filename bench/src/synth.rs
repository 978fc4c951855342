//! A deterministic synthetic edition: Chinese-like chapters with front matter,
//! headings, footnotes, tables, interview turns, emphasis and passages that
//! recur across chapters, for timing `zhushu build` on corpora of any size.
//!
//! Every chapter is drawn from its own generator, seeded from the corpus seed
//! and the chapter's number, so chapter 12 is the same in a corpus of 20
//! chapters and in one of 10,000, and chapters can be written in parallel.
//! Only integer arithmetic is used: the same seed gives the same bytes on
//! every platform.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::chars::COMMON_CHARS;

/// Bump whenever the output for a given seed changes, so that cached corpora
/// under `target/bench/` are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2026;

/// The file, at the top of a generated corpus, that records what made it.
pub const MARKER_FILE: &str = ".zhushu-bench-corpus";

/// The chapter's size is aimed at a value drawn in this range; the last block
/// may overshoot it by at most about 1.3 kB, which keeps every file between
/// 5 KiB and 10 kB (see the tests).
const TARGET_BYTES: (usize, usize) = (5_300, 8_600);

/// Number of passages in the pool shared by all chapters.
const POOL_SIZE: usize = 256;

pub const EDITION_YAML: &str = "\
title: 合成语料
subtitle: 基准测试
language: zh-CN
editors: [zhushu-bench]
publisher: zhushu
date: 2026-01
theme: classic
";

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough to
/// make text that looks random.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    /// In `0..n`, skewed towards small values: the product of two uniform
    /// draws, scaled back (P(x < k) ≈ k/n · (1 + ln(n/k))). Used to make some
    /// passages of the pool recur much more often than others.
    pub fn skewed(&mut self, n: usize) -> usize {
        self.below(n) * self.below(n) / n
    }

    /// In `0..n`, skewed harder: the product of three uniform draws
    /// (P(x < k) ≈ k/n · (1 + L + L²/2) with L = ln(n/k)). Over the 3,000
    /// characters, the first 100 come out about a third of the time and the
    /// first 1,000 about nine times in ten, much as in real Chinese text.
    pub fn zipfish(&mut self, n: usize) -> usize {
        let (a, b, c) = (self.below(n), self.below(n), self.below(n));
        ((a as u128 * b as u128 * c as u128) / (n as u128 * n as u128)) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Mixes a seed with a stream number, so that the streams of one seed are
/// unrelated to each other.
pub fn sub_seed(seed: u64, stream: u64) -> u64 {
    Rng::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}

pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤";
pub const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚英华玉萍红玲燕彬鹏辉建国志宏海波宁晨雪文斌峰立新春丹晓琳军浩宇婷凯佳";
const ROLES: &[&str] = &[
    "研究员",
    "编辑",
    "记者",
    "主任",
    "教授",
    "秘书长",
    "副主任",
    "特约撰稿人",
];
const KINDS: &[(&str, usize)] = &[
    ("speech", 30),
    ("article", 35),
    ("interview", 15),
    ("news", 12),
    ("table", 8),
];
pub const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const INTERVIEWER: &str = "采访组";

/// The characters of [`COMMON_CHARS`], most frequent first.
pub fn alphabet() -> &'static [char] {
    use std::sync::OnceLock;
    static CHARS: OnceLock<Vec<char>> = OnceLock::new();
    CHARS.get_or_init(|| COMMON_CHARS.chars().collect())
}

pub fn push_chars(out: &mut String, rng: &mut Rng, n: usize) {
    let chars = alphabet();
    for _ in 0..n {
        out.push(chars[rng.zipfish(chars.len())]);
    }
}

pub fn word(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let mut s = String::new();
    let n = rng.range(lo, hi);
    push_chars(&mut s, rng, n);
    s
}

pub fn person(rng: &mut Rng) -> String {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut s = String::new();
    s.push(*rng.pick(&surnames));
    for _ in 0..rng.range(1, 2) {
        s.push(*rng.pick(&given));
    }
    s
}

/// One sentence of `8..=40` characters (counting its punctuation) made of
/// clauses separated by `，` and, between short items, `、`; one clause may
/// be emphasised; it ends in `。`, `！` or `？`.
fn sentence(rng: &mut Rng, out: &mut String) {
    let len = rng.range(8, 40);
    let mut left = len - 1; // the closing mark
    let mut emphasise = rng.chance(1, 10);
    let mut first = true;
    while left > 0 {
        if !first {
            // A separator costs one character; a clause needs at least two.
            if left < 3 {
                push_chars(out, rng, left);
                break;
            }
            out.push(if rng.chance(1, 6) { '、' } else { '，' });
            left -= 1;
        }
        let clause = if left <= 13 {
            left
        } else {
            rng.range(2, 12).min(left - 3)
        };
        // Never the first clause, so that emphasis always follows `，` or `、`
        // (and never touches a speaker label or another marker).
        let marker = if emphasise && !first && rng.chance(1, 2) {
            emphasise = false;
            if rng.chance(2, 3) { "**" } else { "*" }
        } else {
            ""
        };
        out.push_str(marker);
        push_chars(out, rng, clause);
        out.push_str(marker);
        first = false;
        left -= clause;
    }
    out.push(match rng.below(10) {
        0 => '！',
        1 => '？',
        _ => '。',
    });
}

/// The passages that recur across chapters: 15–60 characters, without the
/// closing mark.
pub fn passage_pool(seed: u64) -> Vec<String> {
    let mut rng = Rng::new(sub_seed(seed, 0x5041_5353_4147_4553));
    (0..POOL_SIZE)
        .map(|_| {
            let len = rng.range(15, 60);
            let mut s = String::new();
            let mut used = 0;
            while used < len {
                let clause = rng.range(4, 14).min(len - used);
                if used > 0 && len - used >= 3 {
                    s.push('，');
                    used += 1;
                    let clause = clause.min(len - used);
                    push_chars(&mut s, &mut rng, clause);
                    used += clause;
                } else {
                    push_chars(&mut s, &mut rng, clause);
                    used += clause;
                }
            }
            s
        })
        .collect()
}

/// A passage from the pool as quoted in a chapter: verbatim half of the time,
/// otherwise with one character dropped or replaced.
fn quote_passage(rng: &mut Rng, pool: &[String], out: &mut String) {
    let p: Vec<char> = pool[rng.skewed(pool.len())].chars().collect();
    let variant = rng.below(4);
    let at = rng.below(p.len());
    let quoted = rng.chance(2, 3);
    if quoted {
        let lead = word(rng, 2, 6);
        out.push_str(&lead);
        out.push_str(if rng.chance(1, 2) { "：“" } else { "，“" });
    }
    for (i, &c) in p.iter().enumerate() {
        if i == at && c != '，' {
            match variant {
                0 => continue,
                1 => {
                    let chars = alphabet();
                    out.push(chars[rng.below(chars.len())]);
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    if quoted {
        out.push('”');
    }
    out.push('。');
}

struct Notes {
    defs: Vec<String>,
    bytes: usize,
}

impl Notes {
    /// Appends a footnote marker, a new note most of the time, now and then a
    /// second reference to an earlier one.
    fn mark(&mut self, rng: &mut Rng, out: &mut String) {
        if !self.defs.is_empty() && rng.chance(1, 8) {
            let n = rng.range(1, self.defs.len());
            let _ = write!(out, "[^{n}]");
            return;
        }
        let n = self.defs.len() + 1;
        let mut def = format!("[^{n}]: ");
        match rng.below(3) {
            0 => {
                let _ = write!(
                    def,
                    "参见《{}》，第{}页。",
                    word(rng, 4, 10),
                    rng.range(1, 400)
                );
            }
            1 => {
                let _ = write!(def, "{}年{}月，", rng.range(1978, 2024), rng.range(1, 12));
                sentence(rng, &mut def);
            }
            _ => {
                for _ in 0..rng.range(1, 2) {
                    sentence(rng, &mut def);
                }
            }
        }
        def.push('\n');
        self.bytes += def.len() + 1;
        self.defs.push(def);
        let _ = write!(out, "[^{n}]");
    }
}

fn paragraph(rng: &mut Rng, pool: &[String], notes: &mut Notes, out: &mut String) {
    let n = rng.range(2, 8);
    let passage_at = if rng.chance(1, 4) {
        Some(rng.below(n))
    } else {
        None
    };
    for i in 0..n {
        if passage_at == Some(i) {
            quote_passage(rng, pool, out);
        } else {
            sentence(rng, out);
        }
        if rng.chance(1, 12) {
            // The marker goes just before the sentence's closing mark.
            let mark = out.pop().expect("a sentence was just written");
            notes.mark(rng, out);
            out.push(mark);
        }
    }
    out.push_str("\n\n");
}

fn table(rng: &mut Rng, out: &mut String) {
    let cols = rng.range(3, 5);
    let rows = rng.range(3, 8);
    out.push('|');
    for _ in 0..cols {
        let _ = write!(out, " {} |", word(rng, 2, 4));
    }
    out.push_str("\n|");
    for _ in 0..cols {
        out.push_str("---|");
    }
    out.push('\n');
    for _ in 0..rows {
        out.push('|');
        for c in 0..cols {
            if c > 0 && rng.chance(1, 2) {
                let _ = write!(out, " {} |", rng.range(1, 99_999));
            } else {
                let _ = write!(out, " {} |", word(rng, 2, 8));
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn front_matter(rng: &mut Rng, order: usize, kind: &str) -> String {
    let mut fm = String::from("---\n");
    let _ = writeln!(fm, "title: 第{order}篇 {}", word(rng, 6, 16));
    if rng.chance(1, 3) {
        let _ = writeln!(fm, "subtitle: ——{}", word(rng, 6, 18));
    }
    fm.push_str("authors:\n");
    for _ in 0..rng.range(1, 3) {
        let _ = writeln!(fm, "  - name: {}", person(rng));
        if rng.chance(1, 2) {
            let _ = writeln!(fm, "    role: {}", rng.pick(ROLES));
        }
    }
    let year = rng.range(1978, 2024);
    let _ = match rng.below(6) {
        0 => writeln!(fm, "date: {year}"),
        1 | 2 => writeln!(fm, "date: {year}-{:02}", rng.range(1, 12)),
        _ => writeln!(
            fm,
            "date: {year}-{:02}-{:02}",
            rng.range(1, 12),
            rng.range(1, 28)
        ),
    };
    let _ = writeln!(fm, "kind: {kind}");
    let _ = writeln!(fm, "order: {order}");
    let _ = writeln!(fm, "slug: {}", slug(order));
    // Four printed pages a chapter, give or take: increasing with `order`.
    let _ = writeln!(fm, "page: {}", (order - 1) * 4 + 1 + rng.below(4));
    fm.push_str("---\n\n");
    fm
}

pub fn slug(order: usize) -> String {
    format!("chapter-{order:05}")
}

pub fn file_name(order: usize) -> String {
    format!("{order:05}-{}.md", slug(order))
}

/// The Markdown file of chapter `order` (1-based) of the corpus with `seed`.
pub fn chapter(seed: u64, order: usize, pool: &[String]) -> String {
    let mut rng = Rng::new(sub_seed(seed, order as u64));
    let total: usize = KINDS.iter().map(|k| k.1).sum();
    let mut roll = rng.below(total);
    let kind = KINDS
        .iter()
        .find(|(_, w)| {
            if roll < *w {
                true
            } else {
                roll -= w;
                false
            }
        })
        .map(|k| k.0)
        .expect("weights add up");

    let mut out = front_matter(&mut rng, order, kind);
    let target = rng.range(TARGET_BYTES.0, TARGET_BYTES.1);
    let mut notes = Notes {
        defs: Vec::new(),
        bytes: 0,
    };
    let interview = kind == "interview" || (kind == "speech" && rng.chance(1, 5));
    let interviewee = person(&mut rng);
    let mut tables = match kind {
        "table" => rng.range(1, 2),
        _ if rng.chance(1, 6) => 1,
        _ => 0,
    };
    // Heading `h` (of `headings`) comes at the first block boundary past
    // (2h + 1) / (2 headings + 1) of the body, and never right after another.
    let headings = rng.range(2, 5);
    let body_start = out.len();
    let threshold =
        |h: usize| body_start + (target - body_start) * (2 * h + 1) / (2 * headings + 1);
    let mut heading = 0;
    let mut after_heading = false;
    let mut turn = 0;

    while out.len() + notes.bytes < target {
        if heading < headings && !after_heading && out.len() + notes.bytes >= threshold(heading) {
            let _ = write!(
                out,
                "## {}、{}\n\n",
                NUMERALS[heading],
                word(&mut rng, 4, 12)
            );
            heading += 1;
            after_heading = true;
            continue;
        }
        after_heading = false;
        let late = (out.len() + notes.bytes) * 10 >= target * 7;
        if tables > 0 && out.len() > body_start && (late || rng.chance(1, 4)) {
            table(&mut rng, &mut out);
            tables -= 1;
            continue;
        }
        if interview && rng.chance(2, 3) {
            let speaker = if turn % 2 == 0 {
                INTERVIEWER
            } else {
                &interviewee
            };
            let _ = write!(out, "**{speaker}：**");
            turn += 1;
        }
        paragraph(&mut rng, pool, &mut notes, &mut out);
    }
    for def in &notes.defs {
        out.push_str(def);
        out.push('\n');
    }
    // One trailing newline, not two.
    out.pop();
    out
}

/// What a corpus directory's marker says; a corpus is reused only when it
/// matches exactly.
pub fn marker(chapters: usize, seed: u64) -> String {
    format!(
        "zhushu-bench corpus\nkind: random\ngenerator: {GENERATOR_VERSION}\nchapters: {chapters}\nseed: {seed}\n"
    )
}

/// Whether `dir` holds a complete corpus of this generator, size and seed.
pub fn is_cached(dir: &Path, chapters: usize, seed: u64) -> bool {
    fs::read_to_string(dir.join(MARKER_FILE)).is_ok_and(|m| m == marker(chapters, seed))
}

/// Writes the corpus under `dir` (`dir/content/...`) and returns its size in
/// bytes. A directory that has a `content/` not made by this generator is
/// left alone unless `force`.
pub fn write_corpus(dir: &Path, chapters: usize, seed: u64, force: bool) -> io::Result<u64> {
    let content = dir.join("content");
    let marker_path = dir.join(MARKER_FILE);
    if content.exists() && !marker_path.exists() && !force {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and was not written by zhushu-bench; choose another --out or pass --force",
                content.display()
            ),
        ));
    }
    // The marker goes last: its absence means "incomplete".
    if marker_path.exists() {
        fs::remove_file(&marker_path)?;
    }
    let chapters_dir = content.join("chapters");
    if chapters_dir.exists() {
        fs::remove_dir_all(&chapters_dir)?;
    }
    fs::create_dir_all(&chapters_dir)?;
    fs::write(content.join("edition.yaml"), EDITION_YAML)?;

    let pool = passage_pool(seed);
    let bytes = (1..=chapters)
        .into_par_iter()
        .map(|order| {
            let text = chapter(seed, order, &pool);
            let path: PathBuf = chapters_dir.join(file_name(order));
            fs::write(&path, &text).map(|()| text.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    fs::write(&marker_path, marker(chapters, seed))?;
    Ok(bytes + EDITION_YAML.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::{HashMap, HashSet};

    /// Smallest and largest size of a chapter file, in bytes (5 KiB to 10 kB).
    const MIN_CHAPTER_BYTES: usize = 5 * 1024;
    const MAX_CHAPTER_BYTES: usize = 10_000;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Author {
        name: String,
        role: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FrontMatter {
        title: String,
        subtitle: Option<String>,
        authors: Vec<Author>,
        date: serde_yaml::Value,
        kind: String,
        order: usize,
        slug: String,
        page: u32,
    }

    fn split(text: &str) -> (&str, &str) {
        let rest = text.strip_prefix("---\n").expect("front matter opens");
        let end = rest.find("\n---\n").expect("front matter closes");
        (&rest[..end + 1], &rest[end + 5..])
    }

    fn sample(seed: u64, n: usize) -> Vec<String> {
        let pool = passage_pool(seed);
        (1..=n).map(|i| chapter(seed, i, &pool)).collect()
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(sample(7, 40), sample(7, 40));
        assert_ne!(sample(7, 5), sample(8, 5));
    }

    #[test]
    fn same_seed_same_files() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let size_a = write_corpus(a.path(), 25, 3, false).unwrap();
        let size_b = write_corpus(b.path(), 25, 3, false).unwrap();
        assert_eq!(size_a, size_b);
        let read = |dir: &Path| {
            let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir.join("content/chapters"))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        fs::read(e.path()).unwrap(),
                    )
                })
                .collect();
            files.sort();
            files
        };
        let files = read(a.path());
        assert_eq!(files.len(), 25);
        assert_eq!(files, read(b.path()));
        assert_eq!(files[11].0, "00012-chapter-00012.md");
        assert_eq!(
            fs::read_to_string(a.path().join("content/edition.yaml")).unwrap(),
            EDITION_YAML
        );
        assert!(is_cached(a.path(), 25, 3));
        assert!(!is_cached(a.path(), 26, 3));
        assert!(!is_cached(a.path(), 25, 4));
        // Regenerating over its own output is allowed; over foreign content not.
        write_corpus(a.path(), 10, 3, false).unwrap();
        assert_eq!(
            fs::read_dir(a.path().join("content/chapters"))
                .unwrap()
                .count(),
            10
        );
        let c = tempfile::tempdir().unwrap();
        fs::create_dir_all(c.path().join("content")).unwrap();
        assert!(write_corpus(c.path(), 3, 3, false).is_err());
    }

    #[test]
    fn chapters_do_not_depend_on_corpus_size() {
        let pool = passage_pool(11);
        let small = chapter(11, 3, &pool);
        assert_eq!(small, sample(11, 30)[2]);
    }

    #[test]
    fn sizes_within_bounds() {
        for seed in [0, 1, DEFAULT_SEED, u64::MAX] {
            for (i, text) in sample(seed, 300).iter().enumerate() {
                assert!(
                    (MIN_CHAPTER_BYTES..=MAX_CHAPTER_BYTES).contains(&text.len()),
                    "seed {seed} chapter {}: {} bytes",
                    i + 1,
                    text.len()
                );
            }
        }
    }

    #[test]
    fn front_matter_parses_as_yaml() {
        let edition: serde_yaml::Value = serde_yaml::from_str(EDITION_YAML).unwrap();
        assert_eq!(edition["title"].as_str(), Some("合成语料"));
        assert_eq!(edition["language"].as_str(), Some("zh-CN"));
        let mut kinds = HashSet::new();
        let mut subtitles = 0;
        let mut roles = 0;
        let mut last_page = 0;
        for (i, text) in sample(DEFAULT_SEED, 200).iter().enumerate() {
            let order = i + 1;
            let (fm, _) = split(text);
            let fm: FrontMatter =
                serde_yaml::from_str(fm).unwrap_or_else(|e| panic!("chapter {order}: {e}\n{fm}"));
            assert!(
                fm.title.starts_with(&format!("第{order}篇 ")),
                "{}",
                fm.title
            );
            assert_eq!(fm.order, order);
            assert_eq!(fm.slug, format!("chapter-{order:05}"));
            assert!(fm.page > last_page);
            last_page = fm.page;
            assert!((1..=3).contains(&fm.authors.len()));
            assert!(fm.authors.iter().all(|a| !a.name.is_empty()));
            roles += fm.authors.iter().filter(|a| a.role.is_some()).count();
            subtitles += usize::from(fm.subtitle.is_some_and(|s| s.starts_with("——")));
            let date = match &fm.date {
                serde_yaml::Value::String(s) => s.clone(),
                serde_yaml::Value::Number(n) => n.to_string(),
                other => panic!("date {other:?}"),
            };
            let parts: Vec<&str> = date.split('-').collect();
            assert!(matches!(parts.len(), 1..=3), "{date}");
            assert_eq!(parts[0].len(), 4);
            assert!(parts[1..].iter().all(|p| p.len() == 2));
            kinds.insert(fm.kind);
        }
        assert!(subtitles > 0 && roles > 0);
        let want: HashSet<String> = KINDS.iter().map(|k| k.0.to_string()).collect();
        assert_eq!(kinds, want);
    }

    #[test]
    fn bodies_have_every_feature() {
        let chapters = sample(DEFAULT_SEED, 100);
        let (mut tables, mut turns, mut emphasis) = (0, 0, 0);
        let mut passage_uses: HashMap<&str, usize> = HashMap::new();
        let pool = passage_pool(DEFAULT_SEED);
        let allowed: HashSet<char> = alphabet().iter().copied().collect();
        for text in &chapters {
            let (_, body) = split(text);
            assert!(body.contains("\n## 一、"));
            let headings = body.lines().filter(|l| l.starts_with("## ")).count();
            assert!((2..=5).contains(&headings), "{headings} headings");
            tables += usize::from(body.contains("\n|---|"));
            turns += usize::from(body.contains("**采访组：**"));
            emphasis += usize::from(body.contains("**") || body.contains('*'));
            // Every footnote marker has a definition and the reverse.
            let defs: Vec<&str> = body.lines().filter(|l| l.starts_with("[^")).collect();
            for (k, def) in defs.iter().enumerate() {
                let label = format!("[^{}]", k + 1);
                assert!(def.starts_with(&format!("{label}: ")));
                assert!(
                    body.matches(&label).count() >= 2,
                    "{label} never referenced"
                );
            }
            let plain: String = body
                .lines()
                .filter(|l| !l.starts_with("[^") && !l.starts_with('|') && !l.starts_with('#'))
                .collect();
            for c in plain.chars() {
                assert!(
                    allowed.contains(&c)
                        || "，、。！？：“”*[]^0123456789".contains(c)
                        || SURNAMES.contains(c)
                        || GIVEN.contains(c)
                        || INTERVIEWER.contains(c),
                    "unexpected {c:?}"
                );
            }
            for p in &pool {
                if body.contains(p.as_str()) {
                    *passage_uses.entry(p).or_default() += 1;
                }
            }
        }
        assert!(tables >= 10, "{tables} chapters with tables");
        assert!((5..60).contains(&turns), "{turns} chapters with interviews");
        assert!(emphasis >= 50);
        // Passages recur verbatim across chapters.
        assert!(passage_uses.values().any(|&n| n >= 3), "{passage_uses:?}");
    }

    #[test]
    fn sentences_and_passages_have_the_right_lengths() {
        let mut rng = Rng::new(5);
        for _ in 0..2000 {
            let mut s = String::new();
            sentence(&mut rng, &mut s);
            let n = s.replace('*', "").chars().count();
            assert!((8..=40).contains(&n), "{n}: {s}");
            assert!(s.ends_with(['。', '！', '？']));
            assert!(!s.contains("，，") && !s.contains("，、") && !s.starts_with('，'));
        }
        for p in passage_pool(9) {
            let n = p.chars().count();
            assert!((15..=60).contains(&n), "{n}: {p}");
            assert!(!p.starts_with('，') && !p.ends_with('，'), "{p}");
        }
    }

    #[test]
    fn character_frequencies_are_skewed() {
        let chars = alphabet();
        let top100: HashSet<char> = chars[..100].iter().copied().collect();
        let top1000: HashSet<char> = chars[..1000].iter().copied().collect();
        let mut rng = Rng::new(1);
        let mut text = String::new();
        push_chars(&mut text, &mut rng, 100_000);
        let share = |set: &HashSet<char>| {
            text.chars().filter(|c| set.contains(c)).count() as f64 / 100_000.0
        };
        assert!((0.28..0.40).contains(&share(&top100)), "{}", share(&top100));
        assert!(
            (0.85..0.95).contains(&share(&top1000)),
            "{}",
            share(&top1000)
        );
    }

    #[test]
    fn alphabet_is_a_few_thousand_cjk_characters() {
        let chars = alphabet();
        assert_eq!(chars.len(), 3000);
        assert_eq!(chars.iter().collect::<HashSet<_>>().len(), 3000);
        assert!(chars.iter().all(|c| ('\u{4e00}'..='\u{9fa5}').contains(c)));
    }

    #[test]
    fn rng_is_splitmix64() {
        // Reference values of splitmix64 seeded with 1234567.
        let mut rng = Rng::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }
}
