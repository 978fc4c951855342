//! The EPUB 3 edition: cover, navigation document, the chapters in order
//! with their title blocks and notes as EPUB footnotes, the glossary and the
//! quotations index as back matter, metadata from edition.yaml. The bytes
//! are deterministic: files in a fixed order, fixed zip dates, an
//! identifier derived from the edition's own metadata.

use super::escape_html;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write;

use crate::diagnostic::{Error, Result};
use crate::model::{Chapter, Edition, Interview};
use crate::render::body::{self, BodyOptions, Mark, RenderedBody};
use crate::render::glossary::GlossaryIndex;
use crate::render::indexes::BookIndex;
use crate::render::notes::Apparatus;
use crate::render::quotations::QuotationIndex;
use crate::render::raw_html::RawHtml;
use crate::theme::ui_string;

pub struct EpubInput<'a> {
    pub edition: &'a Edition,
    pub strings: &'a serde_json::Value,
    pub apparatus: &'a Apparatus<'a>,
    pub glossary: &'a GlossaryIndex,
    pub quotations: &'a QuotationIndex<'a>,
    pub book_index: &'a BookIndex,
    /// The stylesheet for reading systems (the theme's `static/epub.css`).
    pub stylesheet: Option<Vec<u8>>,
    /// Vertical text turns pages from right to left.
    pub writing_mode: crate::theme::WritingMode,
    /// The chapters' slugs, to know a link to a chapter's page.
    pub slugs: std::collections::HashSet<&'a str>,
}

/// The EPUB's file name in the site: the edition's title as a slug.
pub fn file_name(edition: &Edition) -> String {
    format!("{}.epub", crate::slug::slug_for(&edition.config.title))
}

/// Writes the EPUB as it is made: the small files and the back matter
/// first, then each chapter as the site's renderer hands it over (in order,
/// a batch at a time, so that a large edition is never all in memory).
pub struct EpubWriter {
    zip: Zip<std::io::BufWriter<std::fs::File>>,
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::new(format!("cannot write the EPUB: {e}"))
}

/// The cover page's title block: title, subtitle, publisher, date.
fn cover(input: &EpubInput) -> String {
    let config = &input.edition.config;
    let mut cover = String::new();
    let _ = write!(
        cover,
        "<section class=\"cover\" epub:type=\"cover titlepage\"><h1>{}</h1>",
        escape_html(&config.title)
    );
    if let Some(s) = &config.subtitle {
        let _ = write!(cover, "<p class=\"subtitle\">{}</p>", escape_html(s));
    }
    if let Some(p) = &config.publisher {
        let _ = write!(cover, "<p class=\"imprint\">{}</p>", escape_html(p));
    }
    if let Some(d) = config.date {
        let _ = write!(
            cover,
            "<p class=\"imprint\">{}</p>",
            escape_html(&d.display(&config.language).display)
        );
    }
    cover.push_str("</section>");
    cover
}

/// The glossary as back matter: each term, its definition and its places.
fn glossary_section(input: &EpubInput, title: &str) -> String {
    let mut g = format!(
        "<section epub:type=\"glossary\"><h1>{}</h1><dl>",
        escape_html(title)
    );
    for entry in &input.glossary.entries {
        let _ = write!(
            g,
            "<dt id=\"{}\"><dfn>{}</dfn></dt><dd>{}",
            entry.id,
            escape_html(&entry.term),
            entry.definition_html
        );
        if !entry.places.is_empty() {
            g.push_str("<p class=\"places\">");
            for (k, place) in entry.places.iter().enumerate() {
                if k > 0 {
                    g.push_str(" · ");
                }
                let _ = write!(
                    g,
                    "<a href=\"{}#{}\">{} {}</a>",
                    xhtml_name(&place.chapter),
                    place.paragraph,
                    escape_html(&place.chapter_title),
                    escape_html(&place.label)
                );
            }
            g.push_str("</p>");
        }
        g.push_str("</dd>");
    }
    g.push_str("</dl></section>");
    g
}

/// The quotations index as back matter: each passage and its places, the
/// origin marked.
fn quotations_section(input: &EpubInput, title: &str, origin: &str) -> String {
    let mut q = format!(
        "<section epub:type=\"index\"><h1>{}</h1><ol>",
        escape_html(title)
    );
    for view in &input.quotations.views {
        let _ = write!(
            q,
            "<li id=\"{}\"><p>“{}”</p><ul>",
            view.id,
            escape_html(&view.text)
        );
        for place in &view.places.views() {
            let _ = write!(
                q,
                "<li><a href=\"{}#{}\">{} {}</a>{}</li>",
                xhtml_name(&place.chapter),
                place.paragraph,
                escape_html(&place.chapter_title),
                escape_html(&place.label),
                if place.origin {
                    format!(" ({})", escape_html(origin))
                } else {
                    String::new()
                }
            );
        }
        q.push_str("</ul></li>");
    }
    q.push_str("</ol></section>");
    q
}

/// The indexes of persons, places and works as back matter: each entry,
/// its identification, and its places.
fn indexes_section(input: &EpubInput, title: &str) -> String {
    let mut x = format!(
        "<section epub:type=\"index\"><h1>{}</h1>",
        escape_html(title)
    );
    for section in &input.book_index.sections {
        let _ = write!(x, "<section><h2>{}</h2><dl>", escape_html(&section.title));
        for entry in &section.entries {
            let _ = write!(x, "<dt id=\"{}\">{}", entry.id, escape_html(&entry.name));
            if let Some(dates) = &entry.dates {
                let _ = write!(x, " ({})", escape_html(dates));
            }
            x.push_str("</dt><dd>");
            if let Some(identification) = &entry.identification {
                let _ = write!(x, "<p>{}</p>", escape_html(identification));
            }
            if let Some(piece) = &entry.piece {
                let _ = write!(
                    x,
                    "<p><a href=\"{}\">{}</a></p>",
                    xhtml_name(piece.url.trim_end_matches(".html")),
                    escape_html(&piece.title)
                );
            }
            if !entry.places.is_empty() {
                x.push_str("<p class=\"places\">");
                for (k, place) in entry.places.iter().enumerate() {
                    if k > 0 {
                        x.push_str(" · ");
                    }
                    let _ = write!(
                        x,
                        "<a href=\"{}#{}\">{} {}</a>",
                        xhtml_name(&place.chapter),
                        place.paragraph,
                        escape_html(&place.chapter_short_title),
                        escape_html(&place.label)
                    );
                }
                x.push_str("</p>");
            }
            x.push_str("</dd>");
        }
        x.push_str("</dl></section>");
    }
    x.push_str("</section>");
    x
}

/// The navigation document: every piece, then the back matter there is.
fn navigation(
    input: &EpubInput,
    contents: &str,
    glossary: &str,
    quotations: &str,
    indexes: &str,
) -> String {
    let mut nav = format!(
        "<nav epub:type=\"toc\" id=\"toc\"><h1>{}</h1><ol>",
        escape_html(contents)
    );
    for chapter in &input.edition.chapters {
        let _ = write!(
            nav,
            "<li><a href=\"{}\">{}</a></li>",
            xhtml_name(&chapter.slug),
            escape_html(&chapter.front.title)
        );
    }
    if !input.glossary.entries.is_empty() {
        let _ = write!(
            nav,
            "<li><a href=\"glossary.xhtml\">{}</a></li>",
            escape_html(glossary)
        );
    }
    if !input.quotations.views.is_empty() {
        let _ = write!(
            nav,
            "<li><a href=\"quotations.xhtml\">{}</a></li>",
            escape_html(quotations)
        );
    }
    if !input.book_index.is_empty() {
        let _ = write!(
            nav,
            "<li><a href=\"indexes.xhtml\">{}</a></li>",
            escape_html(indexes)
        );
    }
    nav.push_str("</ol></nav>");
    page_list(input, &mut nav);
    nav
}

/// The printed book's pages, each where it begins (`page-12` in its
/// piece), for reading systems that go to a page or show it: a
/// `page-list` nav, hidden, after the contents. Only pages whose number is
/// known, once each, as the pieces' marks carry their ids.
fn page_list(input: &EpubInput, nav: &mut String) {
    let mut items = String::new();
    for (i, chapter) in input.edition.chapters.iter().enumerate() {
        let frame = input.edition.page_frame(i);
        let mut named = std::collections::HashSet::new();
        for page in chapter.document.break_pages(frame).into_iter().flatten() {
            if named.insert(page) {
                let _ = write!(
                    items,
                    "<li><a href=\"{}#page-{page}\">{page}</a></li>",
                    xhtml_name(&chapter.slug)
                );
            }
        }
    }
    if !items.is_empty() {
        let _ = write!(
            nav,
            "<nav epub:type=\"page-list\" hidden=\"hidden\"><ol>{items}</ol></nav>"
        );
    }
}

impl EpubWriter {
    pub fn start(input: &EpubInput, out: std::fs::File) -> Result<EpubWriter> {
        let edition = input.edition;
        let lang = &edition.config.language;
        let t = |key: &str, default: &'static str| ui_string(input.strings, key, default);
        let before: Vec<(String, Vec<u8>)> = vec![(
            "cover.xhtml".into(),
            page(lang, &edition.config.title, &cover(input)).into_bytes(),
        )];
        // Back matter.
        let mut after: Vec<(String, Vec<u8>)> = Vec::new();
        let glossary_title = t("glossary_page_title", "Glossary");
        if !input.glossary.entries.is_empty() {
            let html = glossary_section(input, glossary_title);
            after.push((
                "glossary.xhtml".into(),
                page(lang, glossary_title, &html).into_bytes(),
            ));
        }
        let quotations_title = t("quotations_page_title", "Quotations");
        if !input.quotations.views.is_empty() {
            let origin = t("quotation_origin", "origin");
            let html = quotations_section(input, quotations_title, origin);
            after.push((
                "quotations.xhtml".into(),
                page(lang, quotations_title, &html).into_bytes(),
            ));
        }
        let indexes_title = t("index_page_title", "Index");
        if !input.book_index.is_empty() {
            let html = indexes_section(input, indexes_title);
            after.push((
                "indexes.xhtml".into(),
                page(lang, indexes_title, &html).into_bytes(),
            ));
        }
        let contents = t("contents", "Contents");
        let nav = navigation(
            input,
            contents,
            glossary_title,
            quotations_title,
            indexes_title,
        );
        after.push(("nav.xhtml".into(), page(lang, contents, &nav).into_bytes()));
        after.push((
            "style.css".into(),
            input.stylesheet.clone().unwrap_or_default(),
        ));

        let names: Vec<String> = before
            .iter()
            .map(|(n, _)| n.clone())
            .chain(edition.chapters.iter().map(|c| xhtml_name(&c.slug)))
            .chain(after.iter().map(|(n, _)| n.clone()))
            .collect();
        let opf = package(edition, &names, input.writing_mode);
        let mut zip = Zip::open(&opf, std::io::BufWriter::new(out)).map_err(zip_error)?;
        // The back matter goes into the archive now, ahead of the chapters
        // (the package's spine gives the reading order, not the archive's):
        // a large edition's quotations section is tens of megabytes, not to
        // be held while every chapter is rendered.
        for (name, bytes) in before.iter().chain(&after) {
            zip.add(name, bytes).map_err(zip_error)?;
        }
        Ok(EpubWriter { zip })
    }

    /// The next chapter, in the edition's order, already deflated by
    /// `pack_chapter`: its bytes are copied into the archive as they are.
    pub fn chapter(&mut self, packed: PackedChapter) -> Result<()> {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(packed.0)).map_err(zip_error)?;
        let entry = archive.by_index_raw(0).map_err(zip_error)?;
        self.zip.writer.raw_copy_file(entry).map_err(zip_error)
    }

    pub fn finish(self) -> Result<()> {
        self.zip.finish().map_err(zip_error)
    }
}

/// A chapter's EPUB page deflated, as a one-file archive: compressed on the
/// thread that rendered the chapter, since the EPUB itself is written on
/// one thread (at 10,000 chapters, deflating there took a second while the
/// other core waited).
#[derive(Clone)]
pub struct PackedChapter(std::sync::Arc<[u8]>);

impl PackedChapter {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn pack_chapter(slug: &str, xhtml: &str) -> Result<PackedChapter> {
    let mut zip = Zip {
        writer: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
        options: Zip::<std::fs::File>::deflated(),
    };
    zip.add(&xhtml_name(slug), xhtml.as_bytes())
        .map_err(zip_error)?;
    let bytes = zip.writer.finish().map_err(zip_error)?.into_inner();
    Ok(PackedChapter(bytes.into()))
}

/// A chapter's plain body (notes only; print.html shares it) and its EPUB
/// page. The author's own HTML goes into the page where it is well-formed
/// XML, which reading systems require; elsewhere its words are kept and its
/// tags left out.
pub fn plain_body_and_page(
    i: usize,
    chapter: &Chapter,
    input: &EpubInput,
    options: &BodyOptions,
    marks: &[Mark],
) -> Result<(RenderedBody, String)> {
    let no_sidenotes = std::collections::HashMap::new();
    let render_with = |raw_html| -> Result<(RenderedBody, String)> {
        let options = BodyOptions {
            raw_html,
            ..*options
        };
        let plain = body::render(&chapter.document, &options, marks, &no_sidenotes);
        let page = chapter_xhtml(i, chapter, input, &plain, raw_html)?;
        Ok((plain, page))
    };
    let own_html =
        crate::render::raw_html::has_raw_html(&chapter.document) || input.apparatus.has_raw_html(i);
    let well_formed = |page: &str| crate::render::xml::problem(page).is_none();
    // As written; else without the tags of the blocks whose own HTML is
    // not well-formed; else, should the page still not be (HTML opened in
    // one block and closed in another), without any of the author's tags.
    let (plain, page) = render_with(options.raw_html)?;
    if !own_html || well_formed(&page) {
        return Ok((plain, page));
    }
    let (plain, page) = render_with(RawHtml::TextWhereIllFormed)?;
    if well_formed(&page) {
        return Ok((plain, page));
    }
    render_with(RawHtml::Text)
}

/// A chapter's EPUB page, from its body rendered with notes only (no
/// sidenote copies, quotation or glossary marks), which the print edition
/// shares: links to other pieces are pointed at their EPUB files.
pub fn chapter_xhtml(
    i: usize,
    chapter: &Chapter,
    input: &EpubInput,
    rendered: &RenderedBody,
    raw_html: RawHtml,
) -> Result<String> {
    let body = to_xhtml_links(&rendered.html, &input.slugs);
    // Reading systems know a note marker by its epub:type.
    let noteref = "role=\"doc-noteref\"";
    let body = if body.contains(noteref) {
        std::borrow::Cow::Owned(body.replace(noteref, "epub:type=\"noteref\" role=\"doc-noteref\""))
    } else {
        body
    };
    let body = page_breaks_typed(body);
    let mut html = String::with_capacity(body.len() * 5 / 4 + 1024);
    html.push_str("<section epub:type=\"chapter\">");
    title_block(&mut html, chapter, input);
    html.push_str(&body);
    let views = input.apparatus.views_with(i, chapter, rendered, raw_html);
    for (view, _) in &views {
        let back: Vec<String> = view
            .refs
            .iter()
            .map(|r| format!("<a href=\"#{r}\">↩</a>"))
            .collect();
        let lead = if view.kind == "footnote" {
            String::new()
        } else {
            format!("[{}] ", escape_html(&view.kind_label))
        };
        let _ = write!(
            html,
            "<aside epub:type=\"footnote\" id=\"{}\"><p class=\"note-number\">{}. {lead}{}</p>{}</aside>",
            view.anchor,
            view.number,
            back.join(" "),
            view.html
        );
    }
    html.push_str("</section>");
    Ok(page(
        &input.edition.config.language,
        &chapter.front.title,
        &html,
    ))
}

/// The body's page marks as reading systems know them: typed `pagebreak`
/// (role `doc-pagebreak`), named by their label, which stands on the site
/// as visually hidden text (no EPUB stylesheet need hide it).
fn page_breaks_typed(body: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"<span class="(pb[^"]*)"((?: id="page-\d+")?(?: title="[^"]*")?)><span class="vh">([^<]*)</span>"#)
            .expect("a valid pattern")
    });
    if !body.contains("<span class=\"pb") {
        return body;
    }
    let typed = MARK.replace_all(
        &body,
        r#"<span class="$1"$2 epub:type="pagebreak" role="doc-pagebreak" aria-label="$3">"#,
    );
    std::borrow::Cow::Owned(typed.into_owned())
}

/// A piece's title block, as the site's: title, subtitle, an interview's
/// particulars or the byline, date, place, source, the printed page.
fn title_block(html: &mut String, chapter: &Chapter, input: &EpubInput) {
    let lang = &input.edition.config.language;
    let front = &chapter.front;
    let t = |key: &str, default: &'static str| ui_string(input.strings, key, default).to_owned();
    html.push_str("<header class=\"title-block\">");
    let _ = write!(html, "<h1>{}</h1>", escape_html(&front.title));
    if let Some(s) = &front.subtitle {
        let _ = write!(html, "<p class=\"subtitle\">{}</p>", escape_html(s));
    }
    if let Some(interview) = &front.interview {
        interview_particulars(html, interview, input);
    } else if !front.authors.is_empty() {
        let names: Vec<String> = front
            .authors
            .iter()
            .map(|a| match &a.role {
                Some(r) => format!("{} {}", escape_html(r), escape_html(&a.name)),
                None => escape_html(&a.name),
            })
            .collect();
        let _ = write!(html, "<p class=\"byline\">{}</p>", names.join("　"));
    }
    if let (Some(d), None) = (front.date, &front.interview) {
        let _ = write!(
            html,
            "<p class=\"dateline\">{}</p>",
            escape_html(&d.display(lang).display)
        );
    }
    if let Some(place) = &front.place {
        let _ = write!(
            html,
            "<p class=\"dateline place\">{}</p>",
            escape_html(place)
        );
    }
    if let Some(s) = &front.source {
        let _ = write!(html, "<p class=\"dateline\">{}</p>", escape_html(s));
    }
    if let Some(n) = front.page {
        // The page of the printed source, for citing it as the site does.
        let _ = write!(
            html,
            "<p class=\"dateline original-page\">{}</p>",
            escape_html(&t("print_page", "p. {n}").replace("{n}", &n.to_string()))
        );
    }
    html.push_str("</header>");
}

/// An interview names its particulars as the source does, in place of a
/// byline (whose authors are the interviewers), as on the site.
fn interview_particulars(html: &mut String, interview: &Interview, input: &EpubInput) {
    let lang = &input.edition.config.language;
    let t = |key: &str, default: &'static str| ui_string(input.strings, key, default).to_owned();
    html.push_str("<dl class=\"interview\">");
    let mut row = |label: String, value: String| {
        let _ = write!(html, "<dt>{}</dt><dd>{value}</dd>", escape_html(&label));
    };
    if let Some(who) = &interview.interviewee {
        let mut value = escape_html(who);
        if let Some(about) = &interview.about {
            value.push_str(&escape_html(&t("about_separator", ", ")));
            value.push_str(&escape_html(about));
        }
        row(t("interviewee", "Interviewee"), value);
    }
    if !interview.interviewers.is_empty() {
        let names: Vec<String> = interview
            .interviewers
            .iter()
            .map(|n| escape_html(n))
            .collect();
        row(
            t("interviewers", "Interviewers"),
            names.join(&escape_html(&t("names_separator", ", "))),
        );
    }
    if let Some(d) = interview.date {
        row(
            t("interview_date", "Date of interview"),
            escape_html(&d.display(lang).display),
        );
    }
    if let Some(place) = &interview.place {
        row(t("interview_place", "Place"), escape_html(place));
    }
    html.push_str("</dl>");
}

/// `slug.html` links (the site's pages) as `slug.xhtml` (the EPUB's).
fn to_xhtml_links<'a>(
    html: &'a str,
    slugs: &std::collections::HashSet<&str>,
) -> std::borrow::Cow<'a, str> {
    static PAGE_LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#" href="([^"/#:]+)\.html([#"])"#).expect("a valid pattern")
    });
    if !html.contains(".html") {
        return html.into();
    }
    PAGE_LINK.replace_all(html, |c: &regex::Captures| {
        let slug = &c[1];
        if slugs.contains(slug) {
            format!(" href=\"{}{}", xhtml_name(slug), &c[2])
        } else {
            c[0].to_owned()
        }
    })
}

fn xhtml_name(slug: &str) -> String {
    format!("{slug}.xhtml")
}

fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"UTF-8\" />\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\" />\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape_html(title)
    )
}

fn package(edition: &Edition, files: &[String], writing_mode: crate::theme::WritingMode) -> String {
    let config = &edition.config;
    let digest = Sha256::digest(
        format!(
            "{}\u{0}{}\u{0}{:?}",
            config.title, config.language, config.publisher
        )
        .as_bytes(),
    );
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let uuid = format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    );
    // dcterms:modified must be a full timestamp: the edition's date, so that
    // the bytes do not change from build to build.
    let modified = match config.date {
        Some(d) => format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            d.year,
            d.month.unwrap_or(1),
            d.day.unwrap_or(1)
        ),
        None => "2000-01-01T00:00:00Z".to_owned(),
    };
    let mut opf = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{lang}\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<dc:identifier id=\"uid\">urn:uuid:{uuid}</dc:identifier>\n<dc:title>{title}</dc:title>\n<dc:language>{lang}</dc:language>\n<meta property=\"dcterms:modified\">{modified}</meta>\n",
        lang = config.language,
        title = escape_html(&config.title)
    );
    for editor in &config.editors {
        let _ = writeln!(
            opf,
            "<dc:contributor>{}</dc:contributor>",
            escape_html(editor)
        );
    }
    if let Some(p) = &config.publisher {
        let _ = writeln!(opf, "<dc:publisher>{}</dc:publisher>", escape_html(p));
    }
    if let Some(d) = config.date {
        let _ = writeln!(opf, "<dc:date>{d}</dc:date>");
    }
    opf.push_str("</metadata>\n<manifest>\n");
    for (k, name) in files.iter().enumerate() {
        let (media, properties) = if name.ends_with(".css") {
            ("text/css", "")
        } else if name == "nav.xhtml" {
            ("application/xhtml+xml", " properties=\"nav\"")
        } else {
            ("application/xhtml+xml", "")
        };
        let _ = writeln!(
            opf,
            "<item id=\"f{k}\" href=\"{name}\" media-type=\"{media}\"{properties}/>"
        );
    }
    opf.push_str(match writing_mode {
        crate::theme::WritingMode::Horizontal => "</manifest>\n<spine>\n",
        crate::theme::WritingMode::Vertical => {
            "</manifest>\n<spine page-progression-direction=\"rtl\">\n"
        }
    });
    for (k, name) in files.iter().enumerate() {
        if name.ends_with(".xhtml") && name != "nav.xhtml" {
            let _ = writeln!(opf, "<itemref idref=\"f{k}\"/>");
        }
    }
    opf.push_str("</spine>\n</package>\n");
    opf
}

/// The archive as it is written: the mimetype first and uncompressed, as
/// the format requires; fixed dates and permissions, so the same edition
/// gives the same bytes; fast deflate, since books are mostly text.
struct Zip<W: Write + std::io::Seek> {
    writer: zip::ZipWriter<W>,
    options: zip::write::SimpleFileOptions,
}

impl<W: Write + std::io::Seek> Zip<W> {
    fn fixed() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default()
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
    }

    fn deflated() -> zip::write::SimpleFileOptions {
        Self::fixed()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
    }

    fn open(opf: &str, out: W) -> zip::result::ZipResult<Zip<W>> {
        let mut writer = zip::ZipWriter::new(out);
        writer.start_file(
            "mimetype",
            Self::fixed().compression_method(zip::CompressionMethod::Stored),
        )?;
        writer.write_all(b"application/epub+zip")?;
        let mut zip = Zip {
            writer,
            options: Self::deflated(),
        };
        zip.add_path("META-INF/container.xml", CONTAINER.as_bytes())?;
        zip.add_path("OEBPS/content.opf", opf.as_bytes())?;
        Ok(zip)
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> zip::result::ZipResult<()> {
        self.add_path(&format!("OEBPS/{name}"), bytes)
    }

    /// Every file of the EPUB goes in here; its XML files (pages, nav,
    /// package) without the characters XML forbids, from whatever text
    /// of the author's they hold.
    fn add_path(&mut self, path: &str, bytes: &[u8]) -> zip::result::ZipResult<()> {
        self.writer.start_file(path, self.options)?;
        let is_xml = [".xhtml", ".opf", ".xml"].iter().any(|x| path.ends_with(x));
        match std::str::from_utf8(bytes) {
            Ok(text) if is_xml => self
                .writer
                .write_all(crate::render::xml::clean(text).as_bytes())?,
            _ => self.writer.write_all(bytes)?,
        }
        Ok(())
    }

    fn finish(self) -> zip::result::ZipResult<()> {
        let mut out = self.writer.finish()?;
        out.flush()?;
        Ok(())
    }
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";
