//! The EPUB: checked by epubcheck (Debian's package; a missing epubcheck
//! is SKIPPED unless ZHUSHU_REQUIRE_TOOLS=1, as in CI), and read back to see
//! that it holds what an edition needs.

mod common;

use std::io::Read;
use std::process::Command;
use std::time::Duration;

fn built_epub(root: &std::path::Path, out: &std::path::Path) -> std::path::PathBuf {
    built_epub_with(root, out, &[])
}

fn built_epub_with(
    root: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::path::PathBuf {
    let result = common::build(root, out, extra);
    assert!(result.status.success(), "{}", common::stderr(&result));
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .expect("the build writes an EPUB")
}

#[test]
fn epubcheck_finds_no_error_and_no_warning() {
    let jar = std::env::var_os("EPUBCHECK_JAR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/share/java/epubcheck.jar".into());
    let Some(jar) = common::require_path(&jar, "epubcheck", "apt-get install epubcheck") else {
        return;
    };
    let Some(java) = common::require_tool("java") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let seed = built_epub(&common::repo_root(), &tmp.path().join("site"));
    // The vertical theme's EPUB: vertical pages, turned right to left.
    let vertical = built_epub_with(
        &common::repo_root(),
        &tmp.path().join("vertical"),
        &["--theme", "vertical"],
    );
    let fixture = common::edition("mini-en");
    let english = built_epub(fixture.path(), &fixture.path().join("site"));
    let (raw, _) = edition_with_raw_html();
    let raw_html = built_epub(raw.path(), &raw.path().join("site"));
    let (controls, _) = edition_with_forbidden_characters();
    let controls = built_epub(controls.path(), &controls.path().join("site"));
    for epub in [seed, vertical, english, raw_html, controls] {
        let mut cmd = Command::new(&java);
        cmd.arg("-jar").arg(&jar).arg(&epub);
        let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
        let output = run.output();
        assert!(
            run.success(),
            "epubcheck failed on {}:\n{output}",
            epub.display()
        );
        assert!(
            output.contains("No errors or warnings detected"),
            "{output}"
        );
    }
}

#[test]
fn the_epub_holds_the_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let epub = built_epub(&common::repo_root(), &tmp.path().join("site"));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    assert_eq!(
        archive.by_index(0).unwrap().name().unwrap(),
        "mimetype",
        "mimetype comes first"
    );
    let mut read = |name: &str| entry_text(&mut archive, name);
    let opf = read("OEBPS/content.opf");
    assert!(opf.contains("<dc:language>zh-CN</dc:language>"), "{opf}");
    assert!(opf.contains("<dc:title>习近平谈办公室工作</dc:title>"));
    let spine: Vec<&str> = opf.lines().filter(|l| l.starts_with("<itemref")).collect();
    assert_eq!(
        spine.len(),
        1 + 10 + 3,
        "cover, ten chapters, glossary, quotations and indexes"
    );
    let nav = read("OEBPS/nav.xhtml");
    assert!(nav.contains("epub:type=\"toc\""));
    assert!(
        nav.contains("href=\"indexes.xhtml\""),
        "the indexes in the nav"
    );
    let indexes = read("OEBPS/indexes.xhtml");
    assert!(
        indexes.contains("<a href=\"mi-shu-gong-zuo-de-feng-fan.xhtml\">秘书工作的风范</a>"),
        "a cited piece leads to its page"
    );
    let first = read("OEBPS/ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge.xhtml");
    assert!(first.contains("epub:type=\"noteref\""), "note markers");
    assert!(
        first.contains("<aside epub:type=\"footnote\""),
        "notes as footnotes"
    );
    assert!(
        first.contains("<h1>办公厅工作要做到“五个坚持”</h1>"),
        "title block"
    );
    // As citable as the site: paragraph numbers shown (the stylesheet no
    // longer hides them), an interview's particulars instead of a byline
    // of interviewers, and the page of the printed source.
    assert!(
        first.contains("<a class=\"pnum\" href=\"#p1\""),
        "paragraph numbers"
    );
    let css = read("OEBPS/style.css");
    assert!(!css.contains(".pnum { display: none"), "{css}");
    let interview = read("OEBPS/xi-zong-shu-ji-zai-zhe-jiang-qi-jian-dui.xhtml");
    for part in [
        "<dl class=\"interview\">",
        "<dt>采访对象</dt><dd>胡庆国，1962年8月生",
        "<dt>采访组</dt><dd>田玉珏 李政</dd>",
        "<dt>采访日期</dt>",
        "<dt>采访地点</dt><dd>杭州市大华饭店</dd>",
        "原书第35页",
    ] {
        assert!(interview.contains(part), "{part} in {interview}");
    }
    assert!(
        !interview.contains("class=\"byline\""),
        "no byline of interviewers"
    );
    let glossary = read("OEBPS/glossary.xhtml");
    assert!(
        glossary.contains(".xhtml#p"),
        "the glossary links into the chapters"
    );
    // The same content gives the same bytes.
    let again = built_epub(&common::repo_root(), &tmp.path().join("again"));
    assert_eq!(std::fs::read(&epub).unwrap(), std::fs::read(again).unwrap());
}

/// The printed book's pages in the EPUB: the seed's page marks are page
/// breaks reading systems know (`epub:type="pagebreak"`, named), and the
/// navigation lists them in a `page-list`, each entry leading to its break,
/// in the book's order, every numbered break once (epubcheck checks the
/// whole in `epubcheck_finds_no_error_and_no_warning`).
#[test]
fn the_epub_lists_the_printed_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let epub = built_epub(&common::repo_root(), &tmp.path().join("site"));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let nav = entry_text(&mut archive, "OEBPS/nav.xhtml");
    let list = nav
        .split("<nav epub:type=\"page-list\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no page-list in {nav}"));
    let targets: Vec<(String, String)> = list
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            let (href, rest) = a.split_once('"').unwrap();
            let label = rest[1..].split('<').next().unwrap();
            (href.to_owned(), label.to_owned())
        })
        .collect();
    // The seed's 44 breaks that cut a paragraph, each numbered.
    let content_marks: usize = std::fs::read_dir(common::repo_root().join("content/chapters"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|text| text.matches("<!-- page ").count())
        .sum();
    assert_eq!(targets.len(), content_marks, "{list}");
    let pages: Vec<u32> = targets.iter().map(|(_, l)| l.parse().unwrap()).collect();
    assert!(
        pages.windows(2).all(|w| w[0] < w[1]),
        "pages in the book's order: {pages:?}"
    );
    for (href, label) in &targets {
        let (file, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{label}"));
        let page = entry_text(&mut archive, &format!("OEBPS/{file}"));
        let at = page
            .find(&format!("<span class=\"pb inferred\" id=\"{id}\""))
            .unwrap_or_else(|| panic!("#{id} in {file}"));
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        for part in [
            "epub:type=\"pagebreak\"",
            "role=\"doc-pagebreak\"",
            &format!("aria-label=\"原书第{label}页\""),
        ] {
            assert!(tag.contains(part), "{part} in {tag}");
        }
        assert!(
            !page.contains("<span class=\"vh\">"),
            "no hidden label left in {file}"
        );
    }
    // The first piece's first break: page 3 begins inside 对中|国特色.
    assert_eq!(
        targets[0].0,
        "ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge.xhtml#page-3"
    );
}

/// mini-en with the author's own HTML in its chapter: a well-formed
/// `<sup>` in one paragraph, and in another an unclosed `<span>`, an
/// HTML-only entity and a tag cut short, which no XML reader accepts; and
/// an unclosed `<i>` in its footnote.
fn edition_with_raw_html() -> (tempfile::TempDir, std::path::PathBuf) {
    let fixture = common::edition("mini-en");
    let chapter = fixture.path().join("content/chapters/speech.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let (body, notes) = text.split_at(text.find("\n[^").unwrap_or(text.len()));
    std::fs::write(
        &chapter,
        format!(
            "{body}\nThe second<sup>nd</sup> reading stands.\n\n\
             An <span class=\"x\">unclosed span&nbsp;and a <b cut\n{}",
            notes.replace("The note.", "The note, <i>unclosed too.")
        ),
    )
    .unwrap();
    (fixture, chapter)
}

#[test]
fn the_authors_html_is_kept_where_it_is_well_formed_and_its_words_always() {
    let (edition, _) = edition_with_raw_html();
    let out = edition.path().join("site");
    let epub = built_epub(edition.path(), &out);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let name = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
        .find(|n| n.ends_with("speech.xhtml"))
        .expect("the chapter's page");
    let mut page = String::new();
    archive
        .by_name(&name)
        .unwrap()
        .read_to_string(&mut page)
        .unwrap();
    assert_eq!(zhushu::render::xml::problem(&page), None, "{page}");
    // The paragraph with the well-formed <sup> keeps it; the other keeps its
    // words without the unclosed span.
    assert!(page.contains("The second<sup>nd</sup> reading"), "{page}");
    assert!(
        page.contains("An unclosed span"),
        "the words are kept: {page}"
    );
    assert!(!page.contains("<span class=\"x\">"), "{page}");
    assert!(
        page.contains("The note, unclosed too."),
        "the note's words: {page}"
    );
    // The site's page is HTML, which browsers repair: as written.
    let site_page = std::fs::read_to_string(out.join("speech.html")).unwrap();
    assert!(
        site_page.contains("An <span class=\"x\">unclosed span"),
        "{site_page}"
    );
    assert!(site_page.contains("second<sup>nd</sup>"), "{site_page}");
}

/// mini-en with characters XML forbids in its chapter: a form feed at a
/// page break as pdftotext leaves it, other C0 controls and U+FFFF in the
/// text and in a footnote, one written as a Markdown character reference,
/// and one as a reference in the author's HTML.
fn edition_with_forbidden_characters() -> (tempfile::TempDir, std::path::PathBuf) {
    let fixture = common::edition("mini-en");
    let chapter = fixture.path().join("content/chapters/speech.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let text = text
        .replace("A line broken\n", "A line\u{c}broken\n\u{c}")
        .replace("The note.", "The\u{1} note\u{ffff}.")
        .replace(
            "**Q:**",
            "Bell\u{7}, escape\u{1b}[31m, &#x0C; and <span>&#12;</span>.\n\n<div>&#12;kept</div>\n\n**Q:**",
        );
    std::fs::write(&chapter, text).unwrap();
    (fixture, chapter)
}

#[test]
fn characters_xml_forbids_never_reach_the_epub_and_check_points_at_them() {
    let (edition, chapter) = edition_with_forbidden_characters();
    let out = edition.path().join("site");
    let epub = built_epub(edition.path(), &out);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        if let Some(c) = text.chars().find(|&c| zhushu::render::xml::is_forbidden(c)) {
            panic!("{name} holds {c:?}:\n{text}");
        }
        if name.ends_with(".xhtml") {
            assert_eq!(zhushu::render::xml::problem(&text), None, "{name}: {text}");
        }
        if name.ends_with("speech.xhtml") {
            // The words on either side of the page break stay apart.
            assert!(text.contains("A line broken"), "{text}");
            assert!(text.contains("The note."), "{text}");
            assert!(text.contains("escape[31m"), "{text}");
        }
    }
    // `zhushu check` says where the first one is, and how many there are.
    let run = common::zhushu(&["check", "--root", edition.path().to_str().unwrap()]);
    let said = common::stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{said}");
    let line = std::fs::read_to_string(&chapter)
        .unwrap()
        .lines()
        .position(|l| l.contains('\u{c}'))
        .unwrap()
        + 1;
    assert!(
        said.contains(&format!("content/chapters/speech.md:{line}:7")),
        "{said}"
    );
    assert!(
        said.contains("warning: U+000C, a control character XML forbids (and 5 more in this file)"),
        "{said}"
    );
    // Shown, not sent to the terminal.
    assert!(!said.contains('\u{1b}'), "{said:?}");
}

/// The vertical theme's EPUB reads as a vertical book: its pages turn from
/// right to left (the spine says so) and its text runs in columns; the
/// other themes' EPUBs turn left to right.
#[test]
fn the_vertical_themes_epub_turns_right_to_left() {
    let tmp = tempfile::tempdir().unwrap();
    for theme in ["vertical", "classic"] {
        let epub = built_epub_with(
            &common::repo_root(),
            &tmp.path().join(theme),
            &["--theme", theme],
        );
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
        let mut read = |name: &str| entry_text(&mut archive, name);
        let opf = read("OEBPS/content.opf");
        let spine = opf
            .lines()
            .find(|l| l.starts_with("<spine"))
            .expect("a spine");
        let css = read("OEBPS/style.css");
        if theme == "vertical" {
            assert_eq!(spine, "<spine page-progression-direction=\"rtl\">", "{opf}");
            assert!(css.contains("vertical-rl"), "{css}");
        } else {
            assert!(!spine.contains("rtl"), "{spine}");
            assert!(!css.contains("vertical-rl"), "{css}");
        }
    }
}

/// A stand-off note's own HTML that is not well-formed, in a chapter whose
/// text has none: the EPUB page is still well-formed XML, with the note's
/// words.
#[test]
fn a_standoff_notes_ill_formed_html_is_made_well_formed_in_the_epub() {
    let fixture = common::edition("mini-en");
    let notes = fixture.path().join("content/notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        notes.join("notes.yaml"),
        "notes:\n  - chapter: speech\n    type: gloss\n    exact: first paragraph\n    \
         body: \"An <i>unclosed gloss.\"\n",
    )
    .unwrap();
    let epub = built_epub(fixture.path(), &fixture.path().join("site"));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut page = String::new();
    archive
        .by_name("OEBPS/speech.xhtml")
        .unwrap()
        .read_to_string(&mut page)
        .unwrap();
    assert_eq!(zhushu::render::xml::problem(&page), None, "{page}");
    assert!(page.contains("An unclosed gloss."), "{page}");
}

/// The text of the archive's entry `name`.
fn entry_text(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}
