//! A deterministic edition of formulaic prose: Chinese political and
//! administrative writing made of a few hundred real words and set phrases
//! (`formulaic_words.rs`) in the sentence frames of the genre (不仅要……，
//! 而且要……; 只有……，才能……; 要把……作为……), so that stock phrases and
//! frame fragments recur in hundreds of pieces, as they do in a real
//! compilation. Planted in it, with a manifest (`planted.json`):
//!
//! - **quotations**: one passage for about five chapters, 20–80 characters of
//!   2–5 clauses from the same words plus a speaker's sayings and images,
//!   first said in a speech or interview (usually) and repeated by 1–5
//!   later-dated pieces, half of the repetitions with a one- or
//!   two-character variant, some in quotation marks after a reporting verb
//!   (……同志在……上的讲话中指出：“……”), some bare;
//! - **formulas**: one for about twenty chapters, 2–5 members of 1–4
//!   characters (严、细、实; “总开关”“总枢纽”; 想在前、干在先), each in 2–5
//!   chapters, in or out of quotation marks.
//!
//! Each chapter's front matter and background text come from its own
//! generator (seeded with the corpus seed and its number); the plan of what
//! is planted where depends on the corpus size, so chapter *k* is the same
//! in corpora of different sizes only up to the planted sentences.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::formulaic_words::*;
use super::score::normalize;
use super::synth::{self, NUMERALS, Rng, sub_seed};

/// Bump whenever the output for a given size and seed changes, so that
/// cached corpora under `target/bench/` are regenerated.
pub const GENERATOR_VERSION: u32 = 2;

/// The manifest of what was planted, at the top of the corpus.
pub const MANIFEST_FILE: &str = "planted.json";

pub const EDITION_YAML: &str = "\
title: 公文语料
subtitle: 基准测试（套语）
language: zh-CN
editors: [zhushu-bench]
publisher: zhushu
date: 2026-01
theme: classic
";

/// A chapter's size (front matter and body, before planted sentences) is
/// aimed at a value in this range, as in the random corpus.
const TARGET_BYTES: (usize, usize) = (5_300, 8_600);

/// Length of a planted passage, in CJK characters.
pub const PASSAGE_CJK: (usize, usize) = (20, 80);

/// No two planted passages share a stretch of this many characters (the
/// shortest passage zhushu reports by default). Drawn from small pools,
/// two passages would otherwise share a clause and its neighbour
/// (宁可在文字上多磨几遍，也不让一个错字出门；我在浙南工作的时候就讲过): that
/// stretch then recurs in chapters the manifest does not list for it, and a
/// detector that finds it is scored wrong. (Generator 1 allowed it: at
/// 10,000 pieces some planted passages stood whole in ten chapters, two
/// of them planted.)
pub const SHARED_STRETCH: usize = 12;

// Streams of the generator (mixed with the seed): each chapter's front
// matter, its body, where its planted sentences go, and the plan.
const META_STREAM: u64 = 0x4d45_5441;
const BODY_STREAM: u64 = 0x424f_4459;
const PLACE_STREAM: u64 = 0x504c_4143;
const PLAN_STREAM: u64 = 0x504c_414e;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    Speech,
    Article,
    Interview,
    News,
}

const KIND_WEIGHTS: &[(PieceKind, usize)] = &[
    (PieceKind::Speech, 30),
    (PieceKind::Article, 35),
    (PieceKind::Interview, 15),
    (PieceKind::News, 20),
];

impl PieceKind {
    pub fn name(self) -> &'static str {
        match self {
            PieceKind::Speech => "speech",
            PieceKind::Article => "article",
            PieceKind::Interview => "interview",
            PieceKind::News => "news",
        }
    }

    /// Where words are first said rather than reported.
    pub fn spoken(self) -> bool {
        matches!(self, PieceKind::Speech | PieceKind::Interview)
    }
}

/// A date as precise as the piece gives it (month and day 0 when not given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The first and last day it may mean.
    pub fn first(self) -> (u16, u8, u8) {
        (self.year, self.month.max(1), self.day.max(1))
    }

    pub fn last(self) -> (u16, u8, u8) {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 { 31 } else { self.day };
        (self.year, month, day)
    }

    fn yaml(self) -> String {
        match (self.month, self.day) {
            (0, _) => self.year.to_string(),
            (m, 0) => format!("{}-{m:02}", self.year),
            (m, d) => format!("{}-{m:02}-{d:02}", self.year),
        }
    }
}

/// What a chapter is, drawn before its text: the plan needs every
/// chapter's kind, date and voice.
#[derive(Clone, Debug)]
pub struct Meta {
    pub order: usize,
    pub kind: PieceKind,
    pub date: Date,
    title: String,
    subtitle: Option<String>,
    authors: Vec<(String, Option<String>)>,
    /// Whose words the piece gives: the speaker, the interviewee, the
    /// author, the speaker at the meeting a news item reports.
    pub voice: String,
    /// Where the voice said it, as a report puts it (在……上的讲话中).
    occasion: String,
    meeting: String,
    city: &'static str,
    interview: Option<InterviewMeta>,
}

#[derive(Clone, Debug)]
struct InterviewMeta {
    about: String,
    interviewers: Vec<String>,
    place: String,
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

fn group(rng: &mut Rng) -> &'static VerbGroup {
    &GROUPS[rng.below(GROUPS.len())]
}

/// 切实加强调查研究: a verb phrase, with an adverb three times in five.
fn vp(rng: &mut Rng) -> String {
    let g = group(rng);
    let verb = pick(rng, g.verbs);
    let object = pick(rng, g.objects);
    if rng.chance(3, 5) {
        format!("{}{verb}{object}", pick(rng, MODIFIERS))
    } else {
        format!("{verb}{object}")
    }
}

/// 加强调查研究: a verb phrase without adverb.
fn bare_vp(rng: &mut Rng) -> String {
    let g = group(rng);
    format!("{}{}", pick(rng, g.verbs), pick(rng, g.objects))
}

fn object(rng: &mut Rng) -> &'static str {
    let g = group(rng);
    pick(rng, g.objects)
}

fn numeral(n: usize) -> &'static str {
    NUMERALS[n - 1]
}

pub fn meta(seed: u64, order: usize) -> Meta {
    let mut rng = Rng::new(sub_seed(seed ^ META_STREAM, order as u64));
    let total: usize = KIND_WEIGHTS.iter().map(|k| k.1).sum();
    let mut roll = rng.below(total);
    let mut kind = PieceKind::Article;
    for &(k, w) in KIND_WEIGHTS {
        if roll < w {
            kind = k;
            break;
        }
        roll -= w;
    }
    let year = rng.range(1990, 2023) as u16;
    let (month, day) = match rng.below(20) {
        0 => (0, 0),
        1..=3 => (rng.range(1, 12) as u8, 0),
        _ => (rng.range(1, 12) as u8, rng.range(1, 28) as u8),
    };
    let date = Date { year, month, day };
    let voice = synth::person(&mut rng);
    let post = pick(&mut rng, POSTS);
    let meeting = format!("{}{}", pick(&mut rng, AREAS), pick(&mut rng, MEETINGS));
    let city = pick(&mut rng, CITIES);
    let mut subtitle = None;
    let mut interview = None;
    let (title, authors, occasion) = match kind {
        PieceKind::Speech => {
            if rng.chance(1, 4) {
                subtitle = Some("（摘要）".to_owned());
            }
            (
                format!("在{meeting}上的讲话"),
                vec![(voice.clone(), Some(post.to_owned()))],
                format!("在{meeting}上的讲话中"),
            )
        }
        PieceKind::Article => {
            let title = match rng.below(4) {
                0 => vp(&mut rng),
                1 => format!("{}　{}", bare_vp(&mut rng), bare_vp(&mut rng)),
                2 => format!("关于{}的几点思考", bare_vp(&mut rng)),
                _ => format!("努力做好新形势下的{}", object(&mut rng)),
            };
            let mut authors = vec![(voice.clone(), Some(post.to_owned()))];
            if rng.chance(1, 4) {
                authors.push((synth::person(&mut rng), None));
            }
            let occasion = format!("在《{title}》一文中");
            (title, authors, occasion)
        }
        PieceKind::Interview => {
            subtitle = Some(format!("——访{post}{voice}"));
            let interviewers = vec![synth::person(&mut rng), synth::person(&mut rng)];
            interview = Some(InterviewMeta {
                about: format!(
                    "{}年{}月生，曾任{post}。",
                    rng.range(1935, 1970),
                    rng.range(1, 12)
                ),
                interviewers: interviewers.clone(),
                place: format!("{city}市"),
            });
            (
                vp(&mut rng),
                interviewers
                    .into_iter()
                    .map(|n| (n, Some("采访组".to_owned())))
                    .collect(),
                "在接受采访时".to_owned(),
            )
        }
        PieceKind::News => {
            let title = if rng.chance(1, 2) {
                format!("{meeting}召开")
            } else {
                format!("{meeting}在{city}举行")
            };
            let reporter = synth::person(&mut rng);
            (
                title,
                vec![(reporter, Some("记者".to_owned()))],
                format!("在{meeting}上"),
            )
        }
    };
    Meta {
        order,
        kind,
        date,
        title,
        subtitle,
        authors,
        voice,
        occasion,
        meeting,
        city,
        interview,
    }
}

/// One sentence of the background, in one of the genre's frames.
fn sentence(rng: &mut Rng) -> String {
    match rng.below(22) {
        0 | 1 => format!("不仅要{}，而且要{}。", vp(rng), vp(rng)),
        2 | 3 => {
            let then = if rng.chance(1, 2) {
                vp(rng)
            } else {
                pick(rng, ACHIEVEMENTS).to_owned()
            };
            format!("只有{}，才能{then}。", vp(rng))
        }
        4 | 5 => format!("既要{}，又要{}。", vp(rng), vp(rng)),
        6 => {
            let subject = if rng.chance(1, 2) {
                pick(rng, SUBJECTS)
            } else {
                ""
            };
            format!(
                "{subject}要把{}作为{}，{}。",
                bare_vp(rng),
                pick(rng, ROLES),
                vp(rng)
            )
        }
        7 => {
            let whole = if rng.chance(1, 3) {
                pick(rng, STOCK_GOALS).to_owned()
            } else {
                bare_vp(rng)
            };
            format!("{}是{whole}的{}。", bare_vp(rng), pick(rng, GUARANTEES))
        }
        8 => {
            let held = if rng.chance(1, 2) {
                pick(rng, STOCK_PRINCIPLES)
            } else {
                pick(rng, GROUPS[2].objects)
            };
            format!(
                "坚持{held}，推进{}，确保{}。",
                pick(rng, GROUPS[4].objects),
                pick(rng, RESULTS)
            )
        }
        9..=11 => {
            let mut s = format!("{}要{}，{}", pick(rng, SUBJECTS), vp(rng), vp(rng));
            if rng.chance(1, 3) {
                let _ = write!(s, "，{}", vp(rng));
            }
            s.push('。');
            s
        }
        12 => format!(
            "{}，{}要{}，{}。",
            pick(rng, CONTEXTS),
            pick(rng, SUBJECTS),
            vp(rng),
            vp(rng)
        ),
        13 => {
            // A list: three objects of one verb.
            let g = group(rng);
            let verb = pick(rng, g.verbs);
            let mut objects: Vec<&str> = Vec::new();
            while objects.len() < 3 {
                let o = pick(rng, g.objects);
                if !objects.contains(&o) {
                    objects.push(o);
                }
            }
            format!(
                "{}要{}{verb}{}、{}和{}，{}。",
                pick(rng, SUBJECTS),
                pick(rng, MODIFIERS),
                objects[0],
                objects[1],
                objects[2],
                vp(rng)
            )
        }
        14 => format!(
            "必须{}{}{}，{}。",
            pick(rng, MODIFIERS),
            pick(rng, GROUPS[2].verbs),
            pick(rng, STOCK_PRINCIPLES),
            vp(rng)
        ),
        15 => {
            if rng.chance(1, 2) {
                format!(
                    "围绕{}，{}要{}。",
                    pick(rng, STOCK_GOALS),
                    pick(rng, SUBJECTS),
                    vp(rng)
                )
            } else {
                format!(
                    "{}，为{}作出新的更大贡献。",
                    vp(rng),
                    pick(rng, STOCK_GOALS)
                )
            }
        }
        16 => format!("{}，{}。", pick(rng, QUOTED_STOCK), vp(rng)),
        17 => format!(
            "要{}发挥{}，{}。",
            pick(rng, MODIFIERS),
            pick(rng, STOCK_ROLES),
            vp(rng)
        ),
        18 => format!(
            "{}要做到{}，{}。",
            pick(rng, SUBJECTS),
            pick(rng, STOCK_QUALITIES),
            vp(rng)
        ),
        19 => format!(
            "{}要{}，努力{}。",
            pick(rng, SUBJECTS),
            vp(rng),
            pick(rng, ACHIEVEMENTS)
        ),
        20 => format!("一是{}；二是{}；三是{}。", vp(rng), vp(rng), vp(rng)),
        _ => format!(
            "我们要以{}为指导，{}，{}。",
            pick(rng, STOCK_PRINCIPLES),
            vp(rng),
            vp(rng)
        ),
    }
}

fn question(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("请您谈谈{}方面的情况。", bare_vp(rng)),
        1 => format!(
            "您认为{}，{}应当如何{}？",
            pick(rng, CONTEXTS),
            pick(rng, SUBJECTS),
            bare_vp(rng)
        ),
        2 => format!("在{}方面，当时有哪些具体要求？", bare_vp(rng)),
        _ => format!("您能举一个{}的例子吗？", bare_vp(rng)),
    }
}

fn heading(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 | 1 => vp(rng),
        2 => format!("{}，{}", bare_vp(rng), bare_vp(rng)),
        _ => format!("关于{}", bare_vp(rng)),
    }
}

/// A block of a chapter's body; planted sentences go into the open ones.
#[derive(Debug)]
enum Block {
    Heading(String),
    Para {
        label: Option<String>,
        sentences: Vec<String>,
        open: bool,
    },
}

impl Block {
    fn para(sentences: Vec<String>) -> Block {
        Block::Para {
            label: None,
            sentences,
            open: true,
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Block::Heading(h) => h.len() + 5,
            Block::Para {
                label, sentences, ..
            } => {
                label.as_ref().map_or(0, |l| l.len() + 7)
                    + sentences.iter().map(String::len).sum::<usize>()
                    + 2
            }
        }
    }
}

fn paragraph(rng: &mut Rng, lead: Option<&str>) -> Vec<String> {
    let n = rng.range(2, 8);
    let mut sentences: Vec<String> = (0..n).map(|_| sentence(rng)).collect();
    if let Some(lead) = lead {
        sentences[0].insert_str(0, lead);
    }
    sentences
}

/// A chapter's blocks as they are made, and their size so far.
#[derive(Default)]
struct Body {
    blocks: Vec<Block>,
    bytes: usize,
}

impl Body {
    fn push(&mut self, b: Block) {
        self.bytes += b.bytes();
        self.blocks.push(b);
    }
}

fn body(seed: u64, meta: &Meta, budget: usize) -> Vec<Block> {
    let mut rng = Rng::new(sub_seed(seed ^ BODY_STREAM, meta.order as u64));
    let headings = rng.range(2, 5);
    let threshold = |h: usize| budget * (2 * h + 1) / (2 * headings + 1);
    let mut body = Body::default();
    match meta.kind {
        PieceKind::Speech => {
            body.push(Block::Para {
                label: None,
                sentences: vec!["同志们：".to_owned()],
                open: false,
            });
            let opening = format!(
                "今天，我们召开{}，主要任务是{}，{}。",
                meta.meeting,
                bare_vp(&mut rng),
                vp(&mut rng)
            );
            let mut sentences = paragraph(&mut rng, None);
            sentences.insert(0, opening);
            body.push(Block::para(sentences));
        }
        PieceKind::News => {
            let month = meta.date.month.max(1);
            let day = meta.date.day.max(1);
            let lede = format!(
                "本报讯（记者 {}）{month}月{day}日，{}在{}召开。{}出席会议并讲话。",
                meta.authors[0].0, meta.meeting, meta.city, meta.voice
            );
            body.push(Block::Para {
                label: None,
                sentences: vec![lede],
                open: false,
            });
        }
        PieceKind::Article | PieceKind::Interview => {}
    }
    let mut heading_at = 0;
    let mut after_heading = false;
    let mut turn = 0;
    while body.bytes < budget {
        if heading_at < headings && !after_heading && body.bytes >= threshold(heading_at) {
            let h = format!("{}、{}", numeral(heading_at + 1), heading(&mut rng));
            body.push(Block::Heading(h));
            heading_at += 1;
            after_heading = true;
            continue;
        }
        after_heading = false;
        let block = match meta.kind {
            PieceKind::Interview => {
                turn += 1;
                match turn % 3 {
                    1 => Block::Para {
                        label: Some("采访组".to_owned()),
                        sentences: vec![question(&mut rng)],
                        open: false,
                    },
                    2 => Block::Para {
                        label: Some(meta.voice.clone()),
                        sentences: paragraph(&mut rng, None),
                        open: true,
                    },
                    _ => Block::para(paragraph(&mut rng, None)),
                }
            }
            PieceKind::News => {
                let lead = match rng.below(5) {
                    0 => Some("会议指出，"),
                    1 => Some("会议强调，"),
                    2 => Some("会议要求，"),
                    _ => None,
                };
                Block::para(paragraph(&mut rng, lead))
            }
            PieceKind::Speech | PieceKind::Article => Block::para(paragraph(&mut rng, None)),
        };
        body.push(block);
    }
    if meta.kind == PieceKind::Speech {
        let closing = format!(
            "同志们，{}，{}。让我们{}，为{}而努力奋斗！",
            pick(&mut rng, CONTEXTS),
            pick(&mut rng, QUOTED_STOCK),
            vp(&mut rng),
            pick(&mut rng, STOCK_GOALS)
        );
        body.push(Block::para(vec![closing]));
    }
    body.blocks
}

fn front_matter(meta: &Meta) -> String {
    let mut fm = String::from("---\n");
    let _ = writeln!(fm, "title: {}", meta.title);
    if let Some(s) = &meta.subtitle {
        let _ = writeln!(fm, "subtitle: {s}");
    }
    fm.push_str("authors:\n");
    for (name, role) in &meta.authors {
        let _ = writeln!(fm, "  - name: {name}");
        if let Some(role) = role {
            let _ = writeln!(fm, "    role: {role}");
        }
    }
    let _ = writeln!(fm, "date: {}", meta.date.yaml());
    let _ = writeln!(fm, "kind: {}", meta.kind.name());
    let _ = writeln!(fm, "order: {}", meta.order);
    let _ = writeln!(fm, "slug: {}", synth::slug(meta.order));
    let _ = writeln!(fm, "page: {}", (meta.order - 1) * 4 + 1);
    if let Some(iv) = &meta.interview {
        fm.push_str("interview:\n");
        let _ = writeln!(fm, "  interviewee: {}", meta.voice);
        let _ = writeln!(fm, "  about: {}", iv.about);
        fm.push_str("  interviewers:\n");
        for name in &iv.interviewers {
            let _ = writeln!(fm, "    - {name}");
        }
        let _ = writeln!(fm, "  date: {}", meta.date.yaml());
        let _ = writeln!(fm, "  place: {}", iv.place);
    }
    fm.push_str("---\n\n");
    fm
}

/// The Markdown file of a chapter, with its planted sentences.
pub fn chapter(seed: u64, meta: &Meta, planted: &[String]) -> String {
    let mut out = front_matter(meta);
    let mut place_rng = Rng::new(sub_seed(seed ^ PLACE_STREAM, meta.order as u64));
    let budget = place_rng
        .range(TARGET_BYTES.0, TARGET_BYTES.1)
        .saturating_sub(out.len());
    let mut blocks = body(seed, meta, budget);
    let open: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Para { open: true, .. }))
        .map(|(i, _)| i)
        .collect();
    for s in planted {
        if open.is_empty() {
            blocks.push(Block::para(vec![s.clone()]));
            continue;
        }
        let at = open[place_rng.below(open.len())];
        if let Block::Para { sentences, .. } = &mut blocks[at] {
            let pos = place_rng.range(0, sentences.len());
            sentences.insert(pos, s.clone());
        }
    }
    for b in &blocks {
        match b {
            Block::Heading(h) => {
                let _ = write!(out, "## {h}\n\n");
            }
            Block::Para {
                label, sentences, ..
            } => {
                if let Some(l) = label {
                    let _ = write!(out, "**{l}：**");
                }
                for s in sentences {
                    out.push_str(s);
                }
                out.push_str("\n\n");
            }
        }
    }
    out.pop();
    out
}

// ---------------------------------------------------------------- planting

/// `planted.json`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Manifest {
    pub generator: u32,
    pub chapters: usize,
    pub seed: u64,
    pub passages: Vec<Item>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    /// "quotation" or "formula".
    pub kind: &'static str,
    /// As first planted (a formula: its members joined with 、).
    pub text: String,
    /// By date: the first is where the words were first said or written.
    pub occurrences: Vec<Occurrence>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Occurrence {
    pub chapter: String,
    /// As it stands in the chapter's file, variant included (without the
    /// quotation marks around a whole passage).
    pub text: String,
    pub variant: bool,
    pub quoted: bool,
}

pub fn cjk_count(s: &str) -> usize {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count()
}

/// A clause only a planted passage has: a saying, an image, a memory.
fn rare_clause(rng: &mut Rng) -> String {
    match rng.below(9) {
        0 => format!("{}要{}", pick(rng, SUBJECTS), pick(rng, SAYINGS)),
        1 => format!("做到{}", pick(rng, SAYINGS)),
        2 => format!("{}就像{}", object(rng), pick(rng, IMAGES)),
        3 => format!("要有{}的劲头", pick(rng, SAYINGS)),
        4 => format!("我在{}工作的时候就讲过", pick(rng, MEMORIES)),
        5 => format!("{}无小事", object(rng)),
        6 => {
            let (a, b) = SEEMING[rng.below(SEEMING.len())];
            format!("{}看似{a}，实则{b}", object(rng))
        }
        7 => format!("不能{}", pick(rng, FAULTS)),
        _ => format!(
            "{}年来，{}{}",
            pick(rng, NUMBERS),
            pick(rng, SUBJECTS),
            pick(rng, SAYINGS)
        ),
    }
}

fn common_clause(rng: &mut Rng) -> String {
    if rng.chance(1, 3) {
        format!("{}要{}", pick(rng, SUBJECTS), vp(rng))
    } else {
        vp(rng)
    }
}

/// A passage to plant: 2–5 clauses, at least one of them rare, 20–80 CJK
/// characters, without its closing mark; and its rare clauses.
pub fn passage(rng: &mut Rng) -> (String, Vec<String>) {
    loop {
        let n = rng.range(2, 5);
        let mut clauses: Vec<String> = Vec::new();
        let mut rare: Vec<String> = Vec::new();
        if rng.chance(1, 2) {
            let saying = pick(rng, SAYINGS);
            let other = vp(rng);
            let saying_first = rng.chance(1, 2);
            let (a, b) = if saying_first {
                (saying.to_owned(), other)
            } else {
                (other, saying.to_owned())
            };
            match rng.below(4) {
                0 => clauses.extend([format!("不仅要{a}"), format!("而且要{b}")]),
                1 => clauses.extend([format!("只有{a}"), format!("才能{b}")]),
                2 => clauses.extend([format!("既要{a}"), format!("又要{b}")]),
                _ => {
                    let (x, y) = RATHER[rng.below(RATHER.len())];
                    clauses.extend([format!("宁可{x}"), format!("也不{y}")]);
                    rare.push(clauses.concat());
                }
            }
            if rare.is_empty() {
                rare.push(clauses[usize::from(!saying_first)].clone());
            }
        }
        while clauses.len() < n {
            if rng.chance(1, 2) {
                let clause = rare_clause(rng);
                rare.push(clause.clone());
                clauses.push(clause);
            } else {
                clauses.push(common_clause(rng));
            }
        }
        if rare.is_empty() {
            continue;
        }
        let mut text = clauses[0].clone();
        for c in &clauses[1..] {
            text.push(if rng.chance(1, 6) { '；' } else { '，' });
            text.push_str(c);
        }
        let clauses = text.split(['，', '；']).count();
        if (2..=5).contains(&clauses) && (PASSAGE_CJK.0..=PASSAGE_CJK.1).contains(&cjk_count(&text))
        {
            return (text, rare);
        }
    }
}

/// Levenshtein distance between two strings, by character.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Drops one character, a light one (的, 了, 要…) if there is one; never the
/// first, nor one between two marks.
fn drop_char(rng: &mut Rng, text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let droppable = |i: usize| {
        i > 0
            && is_cjk(chars[i])
            && (is_cjk(chars[i - 1]) || chars.get(i + 1).is_some_and(|&c| is_cjk(c)))
    };
    let light: Vec<usize> = (0..chars.len())
        .filter(|&i| droppable(i) && LIGHT_CHARS.contains(&chars[i]))
        .collect();
    let any: Vec<usize> = (0..chars.len()).filter(|&i| droppable(i)).collect();
    let from = if light.is_empty() { &any } else { &light };
    if from.is_empty() {
        return None;
    }
    let at = from[rng.below(from.len())];
    Some(
        chars
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, c)| c)
            .collect(),
    )
}

/// Replaces one character by its near equivalent (和/与, 要/应…).
fn replace_char(rng: &mut Rng, text: &str) -> Option<String> {
    let mut chars: Vec<char> = text.chars().collect();
    let places: Vec<(usize, char)> = chars
        .iter()
        .enumerate()
        .filter_map(|(i, &c)| {
            NEAR_CHARS.iter().find_map(|&(a, b)| match c {
                _ if c == a => Some((i, b)),
                _ if c == b => Some((i, a)),
                _ => None,
            })
        })
        .collect();
    if places.is_empty() {
        return None;
    }
    let (at, with) = places[rng.below(places.len())];
    chars[at] = with;
    Some(chars.into_iter().collect())
}

/// Swaps one word for its synonym (加强/强化, 提高/提升…).
fn swap_word(rng: &mut Rng, text: &str) -> Option<String> {
    let mut places: Vec<(usize, &str, &str)> = Vec::new();
    for &(a, b) in SYNONYMS {
        for (at, _) in text.match_indices(a) {
            places.push((at, a, b));
        }
        for (at, _) in text.match_indices(b) {
            places.push((at, b, a));
        }
    }
    if places.is_empty() {
        return None;
    }
    places.sort_unstable();
    let (at, from, to) = places[rng.below(places.len())];
    Some(format!("{}{to}{}", &text[..at], &text[at + from.len()..]))
}

/// A variant of `text` that differs from it by one or two characters.
pub fn vary(rng: &mut Rng, text: &str) -> String {
    for _ in 0..20 {
        let edit = |rng: &mut Rng, t: &str| match rng.below(3) {
            0 => drop_char(rng, t),
            1 => replace_char(rng, t),
            _ => swap_word(rng, t),
        };
        let Some(mut v) = edit(rng, text) else {
            continue;
        };
        if rng.chance(1, 5)
            && let Some(w) = edit(rng, &v)
            && (1..=2).contains(&edit_distance(text, &w))
        {
            v = w;
        }
        if (1..=2).contains(&edit_distance(text, &v)) {
            return v;
        }
    }
    drop_char(rng, text).expect("a passage has a character to drop")
}

/// The members of a formula and whether they are nouns (总开关) rather than
/// qualities (清、慎、勤).
fn formula(rng: &mut Rng) -> (Vec<String>, bool) {
    fn distinct<T: Copy + PartialEq>(rng: &mut Rng, items: &[T], k: usize) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        while out.len() < k {
            let x = items[rng.below(items.len())];
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
    match rng.below(6) {
        0 => {
            let k = rng.range(2, 5);
            let members = distinct(rng, VIRTUE_CHARS, k);
            (members.iter().map(char::to_string).collect(), false)
        }
        1 => {
            let prefix = pick(rng, COINAGE_PREFIXES);
            let k = rng.range(2, 4);
            let nouns: Vec<&str> = COINAGE_NOUNS
                .iter()
                .copied()
                .filter(|n| prefix.chars().count() + n.chars().count() <= 4)
                .collect();
            let members = distinct(rng, &nouns, k);
            (
                members.iter().map(|n| format!("{prefix}{n}")).collect(),
                true,
            )
        }
        2 => {
            let k = if rng.chance(1, 4) { 3 } else { 2 };
            let members = distinct(rng, PAIRED_IMAGES, k);
            (members.iter().map(|s| (*s).to_owned()).collect(), true)
        }
        3 => {
            let k = rng.range(2, 4);
            let seconds = distinct(rng, HABIT_SECOND, k);
            let members = if rng.chance(1, 2) {
                let first = HABIT_FIRST[rng.below(HABIT_FIRST.len())];
                seconds.iter().map(|s| format!("{first}{s}")).collect()
            } else {
                let firsts = distinct(rng, HABIT_FIRST, k);
                firsts
                    .iter()
                    .zip(&seconds)
                    .map(|(f, s)| format!("{f}{s}"))
                    .collect()
            };
            (members, false)
        }
        4 => {
            let k = rng.range(2, 4);
            let verbs = distinct(rng, POSITION_VERBS, k);
            let members = verbs
                .iter()
                .map(|v| {
                    let p = POSITION_PLACES[rng.below(POSITION_PLACES.len())];
                    format!("{v}在{p}")
                })
                .collect();
            (members, false)
        }
        _ => {
            let k = rng.range(2, 4);
            let values = distinct(rng, VALUES, k);
            let suffixes = distinct(rng, VALUE_SUFFIXES, k);
            (
                values
                    .iter()
                    .zip(&suffixes)
                    .map(|(v, s)| format!("{v}{s}"))
                    .collect(),
                false,
            )
        }
    }
}

/// The sentence that carries a formula, shown as `shown`.
fn formula_sentence(rng: &mut Rng, shown: &str, members: usize, nouns: bool) -> String {
    if nouns {
        match rng.below(4) {
            0 => format!("{}是{shown}，{}。", pick(rng, SUBJECTS), vp(rng)),
            1 => format!("努力当好{shown}，{}。", vp(rng)),
            2 => format!("要发挥好{shown}的作用，{}。", vp(rng)),
            _ => format!("{}既要当好{shown}，又要{}。", pick(rng, SUBJECTS), vp(rng)),
        }
    } else {
        match rng.below(4) {
            0 => format!("{}要做到{shown}，{}。", pick(rng, SUBJECTS), vp(rng)),
            1 => format!("概括起来，就是{shown}这{}条。", numeral(members)),
            2 => format!(
                "{}要始终坚持{shown}的要求，{}。",
                pick(rng, SUBJECTS),
                vp(rng)
            ),
            _ => format!("我们常讲{shown}，就是要{}。", vp(rng)),
        }
    }
}

/// The chapters (indices into `metas`) that carry a passage, by date: the
/// first is, six times in seven, a speech or interview, and the others are
/// dated after it and are mostly articles and news.
fn quoting_chapters(rng: &mut Rng, metas: &[Meta]) -> Vec<usize> {
    let n = metas.len();
    let want = rng.range(2, 6).min(n);
    let spoken_origin = rng.chance(6, 7);
    for attempt in 0..200 {
        let origin = rng.below(n);
        if spoken_origin && attempt < 100 && !metas[origin].kind.spoken() {
            continue;
        }
        let mut chosen = vec![origin];
        for _ in 0..want * 30 {
            if chosen.len() == want {
                break;
            }
            let c = rng.below(n);
            if chosen.contains(&c) || metas[c].date.first() <= metas[origin].date.last() {
                continue;
            }
            if metas[c].kind.spoken() && !rng.chance(1, 3) {
                continue;
            }
            chosen.push(c);
        }
        if chosen.len() >= 2 {
            chosen[1..].sort_by_key(|&c| (metas[c].date.first(), c));
            return chosen;
        }
    }
    // A tiny corpus: any chapters, the earliest taken as the first.
    let mut chosen = Vec::new();
    while chosen.len() < want {
        let c = rng.below(n);
        if !chosen.contains(&c) {
            chosen.push(c);
        }
    }
    chosen.sort_by_key(|&c| (metas[c].date.first(), c));
    chosen
}

fn report(rng: &mut Rng, origin: &Meta, text: &str) -> String {
    let (voice, occasion) = (&origin.voice, &origin.occasion);
    match rng.below(6) {
        0 => format!("{voice}同志{occasion}指出：“{text}。”"),
        1 => format!("{voice}同志{occasion}强调：“{text}。”"),
        2 => format!(
            "{}年，{voice}同志{occasion}说：“{text}。”",
            origin.date.year
        ),
        3 => format!("正如{voice}同志所说：“{text}。”"),
        4 => format!("{voice}同志曾深刻指出，“{text}”。"),
        _ => format!("我们要牢记{voice}同志的话：“{text}。”"),
    }
}

/// What goes where: the manifest, and for each chapter the sentences
/// planted in it.
/// Passages drawn, at most, in search of one with a rare clause no other
/// planted passage has.
const MAX_DRAWS: usize = 100_000;

pub fn plan(seed: u64, metas: &[Meta]) -> (Manifest, Vec<Vec<String>>) {
    let n = metas.len();
    let mut rng = Rng::new(sub_seed(seed ^ PLAN_STREAM, n as u64));
    let mut inserts: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut items = Vec::new();
    if n < 2 {
        return (manifest(n, seed, items), inserts);
    }
    let passages = (n + 2) / 5;
    let formulas = (n + 10) / 20;
    let mut stretches: HashSet<Vec<char>> = HashSet::new();
    let (mut rare_used, mut owned): (HashSet<String>, HashSet<String>) = Default::default();
    for i in 0..passages {
        let mut draws = 0;
        let text = loop {
            // The pools of rare clauses are small: past some 50,000 pieces
            // no passage with a clause of its own is left to draw, and the
            // corpus then has fewer planted passages (the manifest says how
            // many) rather than a generator that never ends.
            draws += 1;
            if draws > MAX_DRAWS {
                break None;
            }
            let (t, rare) = passage(&mut rng);
            let key: Vec<char> = normalize(&t).chars().collect();
            let own: Vec<&[char]> = key.windows(SHARED_STRETCH).collect();
            // A passage quoted from a speech has words of its own: one of
            // its rare clauses at least is in no other planted passage.
            // Drawn from small pools, the rare clauses of thousands of
            // passages would otherwise each stand in a hundred places at
            // 10,000 pieces, and a passage made only of them, repeated bare
            // in two pieces, would be the genre's stock meeting by chance,
            // whatever the manifest says (generator 2 makes it so).
            // That clause is then its own: no later passage may use it.
            let fresh = rare.iter().find(|c| !rare_used.contains(*c)).cloned();
            if let Some(fresh) = fresh
                && !own.iter().any(|w| stretches.contains(*w))
                && !rare.iter().any(|c| owned.contains(c))
            {
                stretches.extend(own.into_iter().map(<[char]>::to_vec));
                owned.insert(fresh);
                rare_used.extend(rare);
                break Some(t);
            }
        };
        let Some(text) = text else { break };
        let chapters = quoting_chapters(&mut rng, metas);
        let origin = &metas[chapters[0]];
        let mut occurrences = Vec::new();
        for (k, &c) in chapters.iter().enumerate() {
            let (said, variant, quoted, sentence);
            if k == 0 {
                said = text.clone();
                variant = false;
                quoted = false;
                let lead = if metas[c].kind.spoken() {
                    *rng.pick(&["", "", "", "我常讲，", "说到底，", "大家要记住，"])
                } else {
                    *rng.pick(&["", "", "应当看到，"])
                };
                sentence = format!("{lead}{said}。");
            } else {
                variant = rng.chance(1, 2);
                said = if variant {
                    vary(&mut rng, &text)
                } else {
                    text.clone()
                };
                quoted = rng.chance(3, 5);
                sentence = if quoted {
                    report(&mut rng, origin, &said)
                } else {
                    let lead = *rng.pick(&["", "", "要深刻认识到，", "大家都知道，"]);
                    format!("{lead}{said}。")
                };
            }
            inserts[c].push(sentence);
            occurrences.push(Occurrence {
                chapter: synth::slug(metas[c].order),
                text: said,
                variant,
                quoted,
            });
        }
        items.push(Item {
            id: format!("p{}", i + 1),
            kind: "quotation",
            text,
            occurrences,
        });
    }

    let mut seen: Vec<String> = Vec::new();
    for i in 0..formulas {
        let mut draws = 0;
        let drawn = loop {
            // As for passages: a pool too small leaves fewer formulas.
            draws += 1;
            if draws > MAX_DRAWS {
                break None;
            }
            let (m, nouns) = formula(&mut rng);
            let key = m.concat();
            if !seen
                .iter()
                .any(|s| s.contains(&key) || key.contains(s.as_str()))
            {
                seen.push(key);
                break Some((m, nouns));
            }
        };
        let Some((members, nouns)) = drawn else { break };
        let want = rng.range(2, 5).min(n);
        let mut chapters: Vec<usize> = Vec::new();
        while chapters.len() < want {
            let c = rng.below(n);
            if !chapters.contains(&c) {
                chapters.push(c);
            }
        }
        chapters.sort_by_key(|&c| (metas[c].date.first(), c));
        let listed = members.join("、");
        let mut occurrences = Vec::new();
        for &c in &chapters {
            let (shown, said, quoted) = match rng.below(3) {
                0 => (listed.clone(), listed.clone(), false),
                1 => (format!("“{listed}”"), listed.clone(), true),
                _ => {
                    let each: String = members.iter().map(|m| format!("“{m}”")).collect();
                    (each.clone(), each, true)
                }
            };
            inserts[c].push(formula_sentence(&mut rng, &shown, members.len(), nouns));
            occurrences.push(Occurrence {
                chapter: synth::slug(metas[c].order),
                text: said,
                variant: false,
                quoted,
            });
        }
        items.push(Item {
            id: format!("f{}", i + 1),
            kind: "formula",
            text: listed,
            occurrences,
        });
    }
    (manifest(n, seed, items), inserts)
}

fn manifest(chapters: usize, seed: u64, passages: Vec<Item>) -> Manifest {
    Manifest {
        generator: GENERATOR_VERSION,
        chapters,
        seed,
        passages,
    }
}

/// The whole corpus in memory: the chapters' files (chapter 1 first) and
/// the manifest.
pub fn generate(chapters: usize, seed: u64) -> (Vec<String>, Manifest) {
    let metas: Vec<Meta> = (1..=chapters)
        .into_par_iter()
        .map(|order| meta(seed, order))
        .collect();
    let (manifest, inserts) = plan(seed, &metas);
    let files = metas
        .par_iter()
        .zip(&inserts)
        .map(|(m, ins)| chapter(seed, m, ins))
        .collect();
    (files, manifest)
}

/// What a corpus directory's marker says; a corpus is reused only when it
/// matches exactly.
pub fn marker(chapters: usize, seed: u64) -> String {
    format!(
        "zhushu-bench corpus\nkind: formulaic\ngenerator: {GENERATOR_VERSION}\nchapters: {chapters}\nseed: {seed}\n"
    )
}

pub fn is_cached(dir: &Path, chapters: usize, seed: u64) -> bool {
    dir.join(MANIFEST_FILE).is_file()
        && fs::read_to_string(dir.join(synth::MARKER_FILE))
            .is_ok_and(|m| m == marker(chapters, seed))
}

/// Writes the corpus under `dir` (`dir/content/...` and
/// `dir/planted.json`) and returns the size of content/ in bytes. A
/// directory with a `content/` not made by zhushu-bench is left alone
/// unless `force`.
pub fn write_corpus(dir: &Path, chapters: usize, seed: u64, force: bool) -> io::Result<u64> {
    let content = dir.join("content");
    let marker_path = dir.join(synth::MARKER_FILE);
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
    let (files, manifest) = generate(chapters, seed);
    let bytes = files
        .par_iter()
        .enumerate()
        .map(|(i, text)| {
            fs::write(chapters_dir.join(synth::file_name(i + 1)), text).map(|()| text.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    let json = serde_json::to_string_pretty(&manifest).expect("plain data serialises");
    fs::write(dir.join(MANIFEST_FILE), json + "\n")?;
    fs::write(&marker_path, marker(chapters, seed))?;
    Ok(bytes + EDITION_YAML.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn body_of(text: &str) -> &str {
        let rest = text.strip_prefix("---\n").unwrap();
        rest[rest.find("\n---\n").unwrap() + 5..].trim_start()
    }

    fn slug_index(slug: &str) -> usize {
        slug.strip_prefix("chapter-")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            - 1
    }

    #[test]
    fn same_size_and_seed_same_bytes() {
        let (a, ma) = generate(120, 7);
        let (b, mb) = generate(120, 7);
        assert_eq!(a, b);
        assert_eq!(ma, mb);
        let (c, _) = generate(120, 8);
        assert_ne!(a, c);
        // A chapter's front matter does not depend on the corpus size.
        let (small, _) = generate(60, 7);
        for (x, y) in small.iter().zip(&a) {
            assert_eq!(x.split("\n---\n").next(), y.split("\n---\n").next());
        }
    }

    #[test]
    fn same_files_on_disk() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        assert_eq!(
            write_corpus(a.path(), 30, 3, false).unwrap(),
            write_corpus(b.path(), 30, 3, false).unwrap()
        );
        for f in ["planted.json", "content/chapters/00012-chapter-00012.md"] {
            assert_eq!(
                fs::read(a.path().join(f)).unwrap(),
                fs::read(b.path().join(f)).unwrap()
            );
        }
        assert!(is_cached(a.path(), 30, 3));
        assert!(!is_cached(a.path(), 30, 4));
        assert!(
            !synth::is_cached(a.path(), 30, 3),
            "the kind is in the marker"
        );
        let c = tempfile::tempdir().unwrap();
        fs::create_dir_all(c.path().join("content")).unwrap();
        assert!(write_corpus(c.path(), 3, 3, false).is_err());
    }

    #[test]
    fn every_planted_passage_has_a_clause_found_only_where_it_is_planted() {
        let (files, manifest) = generate(1_000, synth::DEFAULT_SEED);
        for item in manifest.passages.iter().filter(|i| i.kind == "quotation") {
            let planted: HashSet<usize> = item
                .occurrences
                .iter()
                .map(|o| slug_index(&o.chapter))
                .collect();
            let own = item.text.split(['，', '；']).any(|clause| {
                files
                    .iter()
                    .enumerate()
                    .all(|(i, f)| planted.contains(&i) || !body_of(f).contains(clause))
            });
            assert!(
                own,
                "{}: every clause of {} stands elsewhere",
                item.id, item.text
            );
        }
    }

    #[test]
    fn no_two_planted_passages_share_a_stretch_zhushu_would_report() {
        let (_, manifest) = generate(2_000, synth::DEFAULT_SEED);
        let mut owner: HashMap<Vec<char>, &str> = HashMap::new();
        for item in manifest.passages.iter().filter(|i| i.kind == "quotation") {
            let key: Vec<char> = normalize(&item.text).chars().collect();
            for w in key.windows(SHARED_STRETCH) {
                if let Some(other) = owner.insert(w.to_vec(), &item.id) {
                    assert_eq!(
                        other,
                        item.id,
                        "{} and {other} share {}",
                        item.id,
                        w.iter().collect::<String>()
                    );
                }
            }
        }
    }

    #[test]
    fn manifest_matches_the_corpus() {
        let (files, manifest) = generate(500, synth::DEFAULT_SEED);
        let metas: Vec<Meta> = (1..=500).map(|o| meta(synth::DEFAULT_SEED, o)).collect();
        let quotations: Vec<&Item> = manifest
            .passages
            .iter()
            .filter(|i| i.kind == "quotation")
            .collect();
        let formulas: Vec<&Item> = manifest
            .passages
            .iter()
            .filter(|i| i.kind == "formula")
            .collect();
        assert_eq!(quotations.len(), 100);
        assert_eq!(formulas.len(), 25);
        let (mut spoken_first, mut quoted, mut bare) = (0, 0, 0);
        for item in &manifest.passages {
            let n = item.occurrences.len();
            let chapters: HashSet<&str> = item
                .occurrences
                .iter()
                .map(|o| o.chapter.as_str())
                .collect();
            assert_eq!(chapters.len(), n, "{}: distinct chapters", item.id);
            for o in &item.occurrences {
                let file = &files[slug_index(&o.chapter)];
                assert!(
                    body_of(file).contains(&o.text),
                    "{}: {:?} not in {}",
                    item.id,
                    o.text,
                    o.chapter
                );
                if item.kind == "quotation" {
                    if o.quoted {
                        assert!(body_of(file).contains(&format!("“{}", o.text)));
                        quoted += 1;
                    } else {
                        bare += 1;
                    }
                }
            }
            // The planted text, verbatim, stands nowhere else.
            for (i, f) in files.iter().enumerate() {
                if body_of(f).contains(&item.text) {
                    assert!(
                        chapters.contains(synth::slug(i + 1).as_str()),
                        "{} also in chapter {}",
                        item.id,
                        i + 1
                    );
                }
            }
            // Ordered by date.
            let dates: Vec<_> = item
                .occurrences
                .iter()
                .map(|o| metas[slug_index(&o.chapter)].date.first())
                .collect();
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{}", item.id);
            if item.kind == "quotation" {
                assert!((2..=6).contains(&n));
                let cjk = cjk_count(&item.text);
                assert!((20..=80).contains(&cjk), "{cjk}: {}", item.text);
                let clauses = item.text.split(['，', '；']).count();
                assert!((2..=5).contains(&clauses), "{}", item.text);
                assert_eq!(item.occurrences[0].text, item.text);
                assert!(!item.occurrences[0].variant);
                spoken_first += usize::from(
                    metas[slug_index(&item.occurrences[0].chapter)]
                        .kind
                        .spoken(),
                );
            } else {
                assert!((2..=5).contains(&n));
                let members: Vec<&str> = item.text.split('、').collect();
                assert!((2..=5).contains(&members.len()), "{}", item.text);
                assert!(
                    members.iter().all(|m| (1..=4).contains(&m.chars().count())),
                    "{}",
                    item.text
                );
                for o in &item.occurrences {
                    assert_eq!(normalize(&o.text), normalize(&item.text));
                }
            }
        }
        assert!(spoken_first >= 75, "{spoken_first} of 100 first said");
        assert!(quoted > 50 && bare > 150, "{quoted} quoted, {bare} bare");
    }

    #[test]
    fn variants_differ_by_one_or_two_characters() {
        let (_, manifest) = generate(500, 11);
        let (mut variants, mut later) = (0, 0);
        for item in manifest.passages.iter().filter(|i| i.kind == "quotation") {
            for o in &item.occurrences[1..] {
                later += 1;
                let d = edit_distance(&item.text, &o.text);
                if o.variant {
                    variants += 1;
                    assert!((1..=2).contains(&d), "{d}: {} / {}", item.text, o.text);
                } else {
                    assert_eq!(d, 0);
                }
            }
        }
        assert!(
            variants * 100 >= later * 35 && variants * 100 <= later * 65,
            "{variants} of {later}"
        );
        let mut rng = Rng::new(1);
        for _ in 0..2000 {
            let (p, _) = passage(&mut rng);
            let v = vary(&mut rng, &p);
            assert!((1..=2).contains(&edit_distance(&p, &v)), "{p} / {v}");
        }
        assert_eq!(edit_distance("加强党的建设", "强化党的建设"), 2);
        assert_eq!(edit_distance("abc", "ac"), 1);
    }

    #[test]
    fn stock_phrases_recur_in_many_chapters() {
        let (files, _) = generate(300, synth::DEFAULT_SEED);
        let stock: Vec<&str> = STOCK_GOALS
            .iter()
            .chain(STOCK_PRINCIPLES)
            .chain(STOCK_QUALITIES)
            .chain(STOCK_ROLES)
            .chain(QUOTED_STOCK)
            .copied()
            .collect();
        let mut in_chapters: HashMap<&str, usize> = HashMap::new();
        for f in &files {
            for s in &stock {
                if f.contains(s) {
                    *in_chapters.entry(s).or_default() += 1;
                }
            }
        }
        // Every set phrase is in at least one chapter in twenty, and most
        // in one in five: a detector must learn to leave them out.
        for s in &stock {
            let n = in_chapters.get(s).copied().unwrap_or(0);
            assert!(n >= 15, "{s}: {n} of 300 chapters");
        }
        let common = stock
            .iter()
            .filter(|s| in_chapters.get(*s).copied().unwrap_or(0) >= 60)
            .count();
        assert!(common * 2 >= stock.len(), "{common} of {}", stock.len());
        // So do the frames and fragments of them.
        for frame in ["不仅要", "而且要", "只有", "才能", "既要", "又要", "一是"] {
            let n = files.iter().filter(|f| f.contains(frame)).count();
            assert!(n >= 270, "{frame}: {n}");
        }
    }

    #[test]
    fn chapters_look_like_the_genre() {
        let (files, _) = generate(200, synth::DEFAULT_SEED);
        let mut kinds = HashSet::new();
        let mut total = 0;
        for (i, text) in files.iter().enumerate() {
            let fm = text
                .strip_prefix("---\n")
                .and_then(|r| r.split("\n---\n").next())
                .unwrap();
            let fm: serde_yaml::Value =
                serde_yaml::from_str(fm).unwrap_or_else(|e| panic!("chapter {}: {e}\n{fm}", i + 1));
            assert_eq!(fm["order"].as_u64(), Some(i as u64 + 1));
            assert_eq!(fm["slug"].as_str(), Some(synth::slug(i + 1).as_str()));
            let kind = fm["kind"].as_str().unwrap().to_owned();
            assert_eq!(kind == "interview", !fm["interview"].is_null());
            kinds.insert(kind);
            let body = body_of(text);
            let headings = body.lines().filter(|l| l.starts_with("## ")).count();
            assert!((2..=5).contains(&headings), "{headings}");
            assert!(body.contains("\n## 一、"));
            for p in body.trim_end().split("\n\n") {
                assert!(!p.contains('\n'), "one line a paragraph: {p}");
            }
            total += text.len();
        }
        let want: HashSet<String> = KIND_WEIGHTS.iter().map(|k| k.0.name().into()).collect();
        assert_eq!(kinds, want);
        let mean = total / files.len();
        assert!((6_000..=8_000).contains(&mean), "{mean} bytes a chapter");
    }
}
