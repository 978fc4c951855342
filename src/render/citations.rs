//! The edition's references for reference managers: `data/citations.json`
//! (CSL-JSON, what Zotero, Pandoc and citeproc read) and `edition.bib`
//! (BibTeX): the edition as a book, and each piece as a chapter of it,
//! with its authors, the printed source's first page, its own date and,
//! when the edition names its public address, its URL.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::Arc;

use crate::memo::ChapterMemo;

use crate::config::EditionConfig;
use crate::date::PartialDate;
use crate::model::{Chapter, Edition, PageFrame, Pages};

/// The id of the edition's own entry; pieces are cited by their slugs.
const BOOK: &str = "edition";

/// `data/citations.json`: a CSL-JSON array, the book first, one item a
/// line.
pub fn csl_json(edition: &Edition, memo: Option<&ChapterMemo<Arc<str>>>) -> String {
    let config = &edition.config;
    let config_key = memo.map_or(0, |_| config_key(config));
    let mut json = format!("[\n{}", book_item(config));
    for chapter in &edition.chapters {
        let item = crate::memo::through(
            memo,
            &chapter.slug,
            || crate::digest::key(|h| (config_key, chapter.source_digest).hash(h)),
            || chapter_item(config, chapter).to_string().into(),
        );
        json.push_str(",\n");
        json.push_str(&item);
    }
    json.push_str("\n]\n");
    json
}

/// The key of the edition's settings, which every citation carries some
/// of.
fn config_key(config: &EditionConfig) -> u64 {
    crate::digest::key(|h| crate::digest::feed_debug(h, config))
}

fn book_item(config: &EditionConfig) -> Value {
    let mut item = json!({
        "id": BOOK,
        "type": "book",
        "title": config.title,
        "language": config.language,
    });
    shared_fields(config, &mut item, "index.html");
    if !config.editors.is_empty() {
        item["editor"] = names(&config.editors);
    }
    item
}

fn chapter_item(config: &EditionConfig, chapter: &Chapter) -> Value {
    let front = &chapter.front;
    let mut item = json!({
        "id": chapter.slug,
        "type": "chapter",
        "title": front.title,
        "container-title": config.title,
        "language": config.language,
    });
    shared_fields(config, &mut item, &format!("{}.html", chapter.slug));
    if !front.authors.is_empty() {
        let authors: Vec<String> = front.authors.iter().map(|a| a.name.clone()).collect();
        item["author"] = names(&authors);
    }
    if !config.editors.is_empty() {
        item["editor"] = names(&config.editors);
    }
    if let Some(page) = front.page {
        item["page"] = json!(page.to_string());
    }
    if let Some(date) = front.date {
        item["original-date"] = date_parts(date);
    }
    item
}

/// Publisher, date of the edition, and the page's URL.
fn shared_fields(config: &EditionConfig, item: &mut Value, file: &str) {
    if let Some(publisher) = &config.publisher {
        item["publisher"] = json!(publisher);
    }
    if let Some(place) = &config.publisher_place {
        item["publisher-place"] = json!(place);
    }
    if let Some(date) = config.date {
        item["issued"] = date_parts(date);
    }
    if let Some(url) = url(config, file) {
        item["URL"] = json!(url);
    }
}

/// Names as CSL "literal" names: a Chinese name has no given and family
/// parts to split at a space, and an English one is kept as written.
fn names(names: &[String]) -> Value {
    names.iter().map(|n| json!({ "literal": n })).collect()
}

fn date_parts(date: PartialDate) -> Value {
    let mut parts = vec![u32::from(date.year)];
    if let Some(month) = date.month {
        parts.push(u32::from(month));
        if let Some(day) = date.day {
            parts.push(u32::from(day));
        }
    }
    json!({ "date-parts": [parts] })
}

fn url(config: &EditionConfig, file: &str) -> Option<String> {
    let base = config.base_url.as_deref()?;
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!("{base}{slash}{file}"))
}

/// `edition.bib`: a `@book` for the edition and an `@incollection` for
/// each piece, keyed as the CSL-JSON items are.
pub fn bibtex(edition: &Edition, memo: Option<&ChapterMemo<Arc<str>>>) -> String {
    let config = &edition.config;
    let config_key = memo.map_or(0, |_| config_key(config));
    let mut out = String::new();
    let mut book = vec![("title", braced(&config.title))];
    if !config.editors.is_empty() {
        book.push(("editor", bib_names(&config.editors)));
    }
    book.extend(bib_shared(config, "index.html"));
    entry(&mut out, "book", BOOK, &book);
    for chapter in &edition.chapters {
        let made = crate::memo::through(
            memo,
            &chapter.slug,
            || crate::digest::key(|h| (config_key, chapter.source_digest).hash(h)),
            || bib_entry(config, chapter).into(),
        );
        out.push_str(&made);
    }
    out
}

/// A piece's `@incollection`.
fn bib_entry(config: &EditionConfig, chapter: &Chapter) -> String {
    let mut out = String::new();
    let front = &chapter.front;
    let mut fields = vec![("title", braced(&front.title))];
    if !front.authors.is_empty() {
        let authors: Vec<String> = front.authors.iter().map(|a| a.name.clone()).collect();
        fields.push(("author", bib_names(&authors)));
    }
    fields.push(("booktitle", braced(&config.title)));
    if !config.editors.is_empty() {
        fields.push(("editor", bib_names(&config.editors)));
    }
    if let Some(page) = front.page {
        fields.push(("pages", page.to_string()));
    }
    fields.extend(bib_shared(config, &format!("{}.html", chapter.slug)));
    if let Some(date) = front.date {
        fields.push(("origdate", braced(&date.display(&config.language).iso)));
    }
    entry(&mut out, "incollection", &chapter.slug, &fields);
    out
}

fn bib_shared(config: &EditionConfig, file: &str) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    if let Some(publisher) = &config.publisher {
        fields.push(("publisher", braced(publisher)));
    }
    if let Some(place) = &config.publisher_place {
        fields.push(("address", braced(place)));
    }
    if let Some(date) = config.date {
        fields.push(("year", date.year.to_string()));
        if let Some(month) = date.month {
            fields.push(("month", month.to_string()));
        }
    }
    fields.push(("language", braced(&config.language)));
    if let Some(url) = url(config, file) {
        // A URL is not TeX: only its braces would break the entry.
        fields.push(("url", format!("{{{}}}", url.replace(['{', '}'], ""))));
    }
    fields
}

fn entry(out: &mut String, kind: &str, key: &str, fields: &[(&str, String)]) {
    out.push_str(&format!("@{kind}{{{key},\n"));
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {value},\n"));
    }
    out.push_str("}\n\n");
}

/// Names joined by `and`; each in braces, so that BibTeX takes it whole
/// (习近平 has no first and last name to split; an institution neither).
fn bib_names(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| braced(n)).collect();
    format!("{{{}}}", names.join(" and "))
}

/// A value in braces, with TeX's special characters escaped, so that a
/// title's % or & neither ends the field nor breaks LaTeX.
fn braced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('{');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out.push('}');
    out
}

/// What a reader copies to cite a piece or one of its paragraphs: GB/T
/// 7714-2015 for a Chinese edition (a part of a book, `[M]//`, `[M/OL]`
/// with the address), Chicago's bibliography style for others. Only what
/// the edition records goes in: a missing author, editor, publisher, year,
/// page or address is left out, never filled in.
pub fn reference(config: &EditionConfig, chapter: &Chapter, locator: Locator) -> String {
    Citer::new(config, chapter).reference(locator)
}

/// A piece's references: what comes before the locator is the same in
/// every reference to the piece, so it is written once and each of its
/// paragraphs adds its locator and link (the bench's 10,000-piece edition
/// has 180,000 paragraphs, each offered to cite).
struct Citer<'a> {
    config: &'a EditionConfig,
    slug: &'a str,
    chinese: bool,
    /// GB/T 7714: `作者. 篇名: 副题[M]//编者. 书名. 出版者, 年`; Chicago:
    /// `Author. “Title.” In Book, edited by Editor`.
    head: String,
    /// `Place: Publisher, Year`, after the locator in Chicago's style.
    published: Option<String>,
}

impl<'a> Citer<'a> {
    fn new(config: &'a EditionConfig, chapter: &'a Chapter) -> Citer<'a> {
        let front = &chapter.front;
        // The title with its subtitle (其他题名信息), after a colon.
        let subtitle = front
            .subtitle
            .as_deref()
            .map(|s| s.trim_start_matches(['—', '–', '-', ' ']));
        let title = match subtitle {
            Some(sub) if !sub.is_empty() => format!("{}: {sub}", front.title),
            _ => front.title.clone(),
        };
        let chinese = config.language.starts_with("zh");
        let authors: Vec<&str> = front.authors.iter().map(|a| a.name.as_str()).collect();
        let published = published(config, chinese);
        let mut head = String::new();
        if chinese {
            if !authors.is_empty() {
                head.push_str(&format!("{}. ", authors.join(", ")));
            }
            let kind = if config.base_url.is_some() {
                "[M/OL]"
            } else {
                "[M]"
            };
            head.push_str(&format!("{title}{kind}//"));
            if !config.editors.is_empty() {
                head.push_str(&format!("{}. ", config.editors.join(", ")));
            }
            head.push_str(&config.title);
            if let Some(published) = &published {
                head.push_str(&format!(". {published}"));
            }
        } else {
            if !authors.is_empty() {
                head.push_str(&format!("{}. ", english_list(&authors)));
            }
            let stop = if title.ends_with(['.', '?', '!']) {
                ""
            } else {
                "."
            };
            head.push_str(&format!("“{title}{stop}” In {}", config.title));
            if !config.editors.is_empty() {
                let editors: Vec<&str> = config.editors.iter().map(String::as_str).collect();
                head.push_str(&format!(", edited by {}", english_list(&editors)));
            }
        }
        Citer {
            config,
            slug: &chapter.slug,
            chinese,
            head,
            published,
        }
    }

    /// The reference to what `locator` points at in the piece.
    fn reference(&self, locator: Locator) -> String {
        let anchor = match locator.paragraph {
            Some(n) => format!("{}.html#p{n}", self.slug),
            None => format!("{}.html", self.slug),
        };
        let link = url(self.config, &anchor);
        let mut out = self.head.clone();
        if self.chinese {
            // `: 第12—13页, 第3段. URL`
            let mut place: Vec<String> = Vec::new();
            if let Some(p) = locator.pages {
                place.push(match p.first == p.last {
                    true => format!("第{}页", p.first),
                    false => format!("第{}—{}页", p.first, p.last),
                });
            }
            if let Some(n) = locator.paragraph {
                place.push(format!("第{n}段"));
            }
            if !place.is_empty() {
                out.push_str(&format!(": {}", place.join(", ")));
            }
            out.push('.');
            if let Some(link) = &link {
                out.push_str(&format!(" {link}"));
            }
        } else {
            // `, pp. 12–13, para. 3. Publisher, 2022. URL.`
            if let Some(p) = locator.pages {
                out.push_str(&match p.first == p.last {
                    true => format!(", p. {}", p.first),
                    false => format!(", pp. {}–{}", p.first, p.last),
                });
            }
            if let Some(n) = locator.paragraph {
                out.push_str(&format!(", para. {n}"));
            }
            out.push('.');
            if let Some(published) = &self.published {
                out.push_str(&format!(" {published}."));
            }
            if let Some(link) = &link {
                out.push_str(&format!(" {link}."));
            }
        }
        out
    }
}

/// `Place: Publisher, Year`, of what the edition records. GB/T 7714-2015
/// asks for both place and publisher: the one the edition does not record
/// is said to be unknown in the standard's words (出版地不详, 出版者不详),
/// not guessed; Chicago leaves it out.
fn published(config: &EditionConfig, chinese: bool) -> Option<String> {
    let place = config.publisher_place.clone();
    let publisher = config.publisher.clone();
    let imprint = match (place, publisher) {
        (Some(place), Some(publisher)) => Some(format!("{place}: {publisher}")),
        (None, Some(publisher)) if chinese => Some(format!("[出版地不详]: {publisher}")),
        (Some(place), None) if chinese => Some(format!("{place}: [出版者不详]")),
        (place, publisher) => place.or(publisher),
    };
    let year = config.date.map(|d| d.year.to_string());
    match (imprint, year) {
        (Some(imprint), Some(year)) => Some(format!("{imprint}, {year}")),
        (imprint, year) => imprint.or(year),
    }
}

/// What a reference points at in its piece: a paragraph (its number), and
/// the printed pages, where known.
#[derive(Debug, Clone, Copy, Default)]
pub struct Locator {
    pub paragraph: Option<usize>,
    pub pages: Option<Pages>,
}

/// `A`, `A and B`, `A, B, and C`.
fn english_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// The pages a whole piece stands on: from its first page to the last
/// page of its last paragraph, where that is known.
pub fn piece_pages(chapter: &Chapter, frame: PageFrame) -> Option<Pages> {
    let first = frame.first?;
    let last = chapter
        .document
        .paragraph_pages(frame)
        .last()
        .copied()
        .flatten()
        .map_or(first, |p| p.last.max(first));
    Some(Pages { first, last })
}

/// The references a chapter page offers to copy, as JSON for its script:
/// the piece's, and each numbered paragraph's (`p12`). `<` is written
/// `\u003c`, so that no title can close the script element it stands in.
pub fn cite_json(config: &EditionConfig, chapter: &Chapter, frame: PageFrame) -> String {
    let citer = Citer::new(config, chapter);
    let piece = citer.reference(Locator {
        paragraph: None,
        pages: piece_pages(chapter, frame),
    });
    let pages = chapter.document.paragraph_pages(frame);
    let mut paragraphs: Vec<(&str, String)> = (chapter.document.paragraphs().iter())
        .zip(pages)
        .map(|(p, pages)| {
            let locator = Locator {
                paragraph: Some(p.number),
                pages,
            };
            (p.id.as_str(), citer.reference(locator))
        })
        .collect();
    // Written as serde_json writes a map: keys in the order of their text,
    // each once (the last given).
    paragraphs.reverse();
    paragraphs.sort_by(|a, b| a.0.cmp(b.0));
    paragraphs.dedup_by(|later, earlier| later.0 == earlier.0);
    let mut json = String::from("{\"paragraphs\":{");
    for (i, (id, reference)) in paragraphs.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_json_string(&mut json, id);
        json.push(':');
        push_json_string(&mut json, reference);
    }
    json.push_str("},\"piece\":");
    push_json_string(&mut json, &piece);
    json.push('}');
    json
}

/// `text` as a JSON string, with `<` written `\u003c`.
fn push_json_string(out: &mut String, text: &str) {
    let quoted = serde_json::to_string(text).expect("a string serialises");
    out.push_str(&quoted.replace('<', "\\u003c"));
}

/// `data/pages.json`: for each piece, its printed pages as the edition
/// knows them: each page break (the page it begins, the paragraph it
/// stands in, whether it was inferred) and each paragraph's pages. One
/// piece a line, so that a change shows as the pieces it touched.
pub fn pages_json(edition: &Edition, memo: Option<&ChapterMemo<Arc<str>>>) -> String {
    // Chapter by chapter on every core: a large edition's pages are
    // millions of values.
    let pieces: Vec<Arc<str>> = edition
        .chapters
        .par_iter()
        .enumerate()
        .map(|(i, chapter)| {
            let frame = edition.page_frame(i);
            crate::memo::through(
                memo,
                &chapter.slug,
                || crate::digest::key(|h| (chapter.source_digest, frame).hash(h)),
                || pages_entry(chapter, frame),
            )
        })
        .collect();
    let mut json = String::from("[\n");
    for (i, piece) in pieces.iter().enumerate() {
        json.push_str(piece);
        json.push_str(if i + 1 < pieces.len() { ",\n" } else { "\n" });
    }
    json.push_str("]\n");
    json
}

/// A piece's entry in data/pages.json, as one line of JSON.
fn pages_entry(chapter: &Chapter, frame: PageFrame) -> Arc<str> {
    let document = &chapter.document;
    let begins = document.char_begins();
    let starts: Vec<usize> = document
        .paragraphs()
        .iter()
        .map(|p| begins.get(p.events.start).copied().unwrap_or(usize::MAX))
        .collect();
    let breaks: Vec<BreakEntry> = document
        .page_breaks
        .iter()
        .zip(document.break_pages(frame))
        .map(|(b, page)| {
            // The paragraph it stands in, or the one it opens.
            let k = starts.partition_point(|&s| s <= b.at);
            let paragraph = k
                .checked_sub(1)
                .map(|k| document.paragraphs()[k].id.as_str());
            BreakEntry {
                inferred: b.inferred,
                page,
                paragraph,
            }
        })
        .collect();
    // Paragraphs, headings and table rows by their anchors.
    fn by_id(
        ids: Vec<&str>,
        pages: Vec<Option<crate::model::Pages>>,
    ) -> BTreeMap<&str, Option<[u32; 2]>> {
        ids.into_iter()
            .zip(pages)
            .map(|(id, pages)| (id, pages.map(|p| [p.first, p.last])))
            .collect()
    }
    let entry = PagesEntry {
        breaks,
        first_page: frame.first,
        headings: by_id(
            document.headings().iter().map(|h| h.id.as_str()).collect(),
            document.heading_pages(frame),
        ),
        id: &chapter.slug,
        page_marks: chapter.front.page_marks,
        paragraphs: by_id(
            document
                .paragraphs()
                .iter()
                .map(|p| p.id.as_str())
                .collect(),
            document.paragraph_pages(frame),
        ),
        rows: by_id(
            document.rows().iter().map(|r| r.id.as_str()).collect(),
            document.row_pages(frame),
        ),
    };
    serde_json::to_string(&entry)
        .expect("a piece's pages serialise")
        .into()
}

/// A piece's entry in data/pages.json. Its fields, and `BreakEntry`'s,
/// stand in the order of their names, as the entry was first written
/// (from a JSON map, whose keys serde_json writes in that order).
#[derive(Serialize)]
struct PagesEntry<'a> {
    breaks: Vec<BreakEntry<'a>>,
    first_page: Option<u32>,
    headings: BTreeMap<&'a str, Option<[u32; 2]>>,
    id: &'a str,
    page_marks: crate::model::PageMarks,
    paragraphs: BTreeMap<&'a str, Option<[u32; 2]>>,
    rows: BTreeMap<&'a str, Option<[u32; 2]>>,
}

/// A page break in `PagesEntry`: the page it begins, the paragraph it
/// stands in or opens, and whether the page was inferred.
#[derive(Serialize)]
struct BreakEntry<'a> {
    inferred: bool,
    page: Option<u32>,
    paragraph: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(config: Value, front: Value) -> Edition {
        let config: EditionConfig = serde_json::from_value(config).expect("a valid edition");
        let front: crate::model::FrontMatter =
            serde_json::from_value(front).expect("valid front matter");
        let chapter = Chapter {
            file: "x.md".into(),
            front,
            slug: "x".into(),
            number: 1,
            document: crate::markdown::parse("一段。\n"),
            source_digest: 0,
        };
        Edition {
            root: ".".into(),
            config,
            chapters: vec![chapter],
        }
    }

    fn cite(e: &Edition, paragraph: Option<usize>, pages: Option<(u32, u32)>) -> String {
        let pages = pages.map(|(first, last)| Pages { first, last });
        reference(&e.config, &e.chapters[0], Locator { paragraph, pages })
    }

    #[test]
    fn a_chinese_reference_follows_gb_t_7714() {
        let e = edition(
            json!({"title": "书", "language": "zh-CN", "editors": ["编者甲", "编者乙"],
                   "publisher": "出版社", "date": "2022-04"}),
            json!({"title": "篇名", "subtitle": "——副题", "authors": ["作者甲"], "page": 3}),
        );
        assert_eq!(
            cite(&e, None, Some((3, 3))),
            "作者甲. 篇名: 副题[M]//编者甲, 编者乙. 书. [出版地不详]: 出版社, 2022: 第3页."
        );
        assert_eq!(
            cite(&e, Some(4), Some((3, 4))),
            "作者甲. 篇名: 副题[M]//编者甲, 编者乙. 书. [出版地不详]: 出版社, 2022: 第3—4页, 第4段."
        );
        // The place of publication, where the edition records it.
        let e = edition(
            json!({"title": "书", "language": "zh-CN", "publisher": "出版社",
                   "publisher_place": "北京", "date": "2022-04"}),
            json!({"title": "篇名"}),
        );
        assert_eq!(cite(&e, None, None), "篇名[M]//书. 北京: 出版社, 2022.");
        // A place without a publisher: the publisher is said to be unknown.
        let e = edition(
            json!({"title": "书", "language": "zh-CN", "publisher_place": "北京"}),
            json!({"title": "篇名"}),
        );
        assert_eq!(cite(&e, None, None), "篇名[M]//书. 北京: [出版者不详].");
        // Online, with the address: [M/OL] and the paragraph's link.
        let e = edition(
            json!({"title": "书", "language": "zh", "base_url": "https://e.org/b/"}),
            json!({"title": "篇名"}),
        );
        assert_eq!(
            cite(&e, Some(2), None),
            "篇名[M/OL]//书: 第2段. https://e.org/b/x.html#p2"
        );
    }

    #[test]
    fn an_english_reference_follows_chicago_and_leaves_out_what_is_missing() {
        let e = edition(
            json!({"title": "书", "language": "en", "editors": ["A. Editor", "B. Editor"],
                   "publisher": "Press", "date": "2020", "base_url": "https://e.org"}),
            json!({"title": "On Offices", "authors": ["A. Speaker", "B. Speaker", "C. Speaker"]}),
        );
        assert_eq!(
            cite(&e, Some(2), Some((7, 8))),
            "A. Speaker, B. Speaker, and C. Speaker. “On Offices.” In 书, edited by A. Editor and B. Editor, pp. 7–8, para. 2. Press, 2020. https://e.org/x.html#p2."
        );
        let e = edition(
            json!({"title": "Book", "language": "en", "publisher": "Press",
                   "publisher_place": "Boston", "date": "2020"}),
            json!({"title": "On Offices"}),
        );
        assert_eq!(
            cite(&e, None, None),
            "“On Offices.” In Book. Boston: Press, 2020."
        );
        // No author, editor, publisher, date, page or address: none invented.
        let e = edition(
            json!({"title": "书", "language": "en"}),
            json!({"title": "Why?"}),
        );
        assert_eq!(cite(&e, None, None), "“Why?” In 书.");
        assert_eq!(
            cite(&e, Some(1), Some((5, 5))),
            "“Why?” In 书, p. 5, para. 1."
        );
    }

    /// A page's references are a JSON object as serde_json writes a map
    /// (keys in the order of their text: p1, p10, p11, p12, p2, …), each
    /// paragraph's the piece's with its locator, and `<` written so that no
    /// title closes the script element.
    #[test]
    fn a_pages_references_are_the_json_of_a_map_of_each_paragraphs() {
        let mut e = edition(
            json!({"title": "书", "language": "zh-CN", "base_url": "https://e.org/b/"}),
            json!({"title": "篇名</script>", "authors": ["作者甲"], "page": 3}),
        );
        let chapter = &mut e.chapters[0];
        chapter.document = crate::markdown::parse(&"一段。\n\n".repeat(12));
        let frame = e.page_frame(0);
        let chapter = &e.chapters[0];
        let written = cite_json(&e.config, chapter, frame);
        assert!(!written.contains('<'), "{written}");
        let pages = chapter.document.paragraph_pages(frame);
        let paragraphs: serde_json::Map<String, Value> = (chapter.document.paragraphs().iter())
            .zip(pages)
            .map(|(p, pages)| {
                let locator = Locator {
                    paragraph: Some(p.number),
                    pages,
                };
                (p.id.clone(), json!(reference(&e.config, chapter, locator)))
            })
            .collect();
        assert_eq!(paragraphs.len(), 12);
        let piece = reference(
            &e.config,
            chapter,
            Locator {
                paragraph: None,
                pages: piece_pages(chapter, frame),
            },
        );
        let expected = serde_json::to_string(&json!({ "piece": piece, "paragraphs": paragraphs }))
            .expect("JSON")
            .replace('<', "\\u003c");
        assert_eq!(written, expected);
        assert!(written.find("\"p10\"") < written.find("\"p2\""));
        assert!(
            written.contains("第12段. https://e.org/b/x.html#p12"),
            "{written}"
        );
    }

    #[test]
    fn braces_and_tex_specials_cannot_break_an_entry() {
        assert_eq!(braced("50% & {more}"), r"{50\% \& \{more\}}");
        assert_eq!(braced(r"a\b"), r"{a\textbackslash{}b}");
    }
}
