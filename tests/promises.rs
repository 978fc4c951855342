//! What README.md promises an editor, each on a small edition written to
//! show it, judged by what the built pages say (a link, a marker, a page
//! that is or is not there, a line the command prints), not by comparing
//! bytes with a golden file: glossary link modes, the quotation options, a
//! note's `occurrence`, single-template overrides, `zhushu glossary
//! suggest`, `zhushu epub --output`, the offline cache's name, `--drafts`
//! for `zhushu check`.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A new edition in a temporary folder: `edition.yaml`, the chapters
/// (file name, text), and the repository's themes.
fn write_edition(edition_yaml: &str, chapters: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("chapters")).unwrap();
    fs::write(content.join("edition.yaml"), edition_yaml).unwrap();
    for (file, text) in chapters {
        fs::write(content.join("chapters").join(file), text).unwrap();
    }
    copy_dir(&repo_root().join("themes"), &dir.path().join("themes"));
    dir
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Builds `root` into `root/site` (extra options after `-q`) and returns it.
fn built(root: &Path, extra: &[&str]) -> PathBuf {
    let out = root.join("site");
    let result = build(root, &out, extra);
    assert!(
        result.status.success(),
        "the build failed:\n{}",
        stderr(&result)
    );
    out
}

fn page(site: &Path, name: &str) -> String {
    fs::read_to_string(site.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The HTML of paragraph `id` (`p3`): from its opening tag to its `</p>`.
fn paragraph<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("<p id=\"{id}\"");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no paragraph {id} in {html}"));
    let end = start + html[start..].find("</p>").expect("the paragraph closes");
    &html[start..end]
}

/// How many times `needle` stands in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

// ---- Glossary link modes ------------------------------------------------

const GLOSSARY: &str =
    "entries:\n  - term: 三服务\n    definition: 服务中央、服务部门、服务群众。\n";
const TERM_LINK: &str = "<a class=\"term\" href=\"glossary.html#";

/// A chapter where the term stands twice in its first paragraph and once in
/// its second, and another chapter where it stands once.
fn glossary_edition(link: Option<&str>) -> tempfile::TempDir {
    let options = link
        .map(|l| format!("options:\n  glossary:\n    link: {l}\n"))
        .unwrap_or_default();
    let dir = write_edition(
        &format!("title: 术语\nlanguage: zh-CN\n{options}"),
        &[
            (
                "01-a.md",
                "---\ntitle: 甲\n---\n\n要做好三服务，三服务是根本。\n\n再说三服务。\n",
            ),
            ("02-b.md", "---\ntitle: 乙\n---\n\n这里也讲三服务。\n"),
        ],
    );
    write(dir.path(), "content/glossary.yaml", GLOSSARY);
    dir
}

/// (links in a's p1, in a's p2, in b's p1) for a link mode.
fn links(link: Option<&str>) -> (usize, usize, usize) {
    let edition = glossary_edition(link);
    let site = built(edition.path(), &[]);
    let (a, b) = (page(&site, "a.html"), page(&site, "b.html"));
    // Every place is listed on the glossary page, whatever is linked.
    let glossary = page(&site, "glossary.html");
    for place in ["a.html#p1", "a.html#p2", "b.html#p1"] {
        assert!(glossary.contains(place), "{place} listed: {glossary}");
    }
    (
        count(paragraph(&a, "p1"), TERM_LINK),
        count(paragraph(&a, "p2"), TERM_LINK),
        count(paragraph(&b, "p1"), TERM_LINK),
    )
}

#[test]
fn a_term_is_linked_once_per_chapter_by_default() {
    assert_eq!(links(None), (1, 0, 1));
    assert_eq!(links(Some("first-per-chapter")), (1, 0, 1));
}

#[test]
fn first_per_paragraph_links_a_term_once_in_each_paragraph() {
    assert_eq!(links(Some("first-per-paragraph")), (1, 1, 1));
}

#[test]
fn all_links_every_occurrence_of_a_term() {
    assert_eq!(links(Some("all")), (2, 1, 1));
}

// ---- Quotation options -------------------------------------------------

/// A short saying quoted in both pieces (8 characters), and a long passage
/// reported without quotation marks in both (16 characters).
const SAYING: &str = "青山常在绿水长流";
const PASSAGE: &str = "档案工作看似平凡实则关系全局大事";

fn quotation_edition(options: &str) -> tempfile::TempDir {
    write_edition(
        &format!("title: 引文\nlanguage: zh-CN\n{options}"),
        &[
            (
                "01-speech.md",
                &format!(
                    "---\ntitle: 讲话\nkind: speech\ndate: 2014-05-08\n---\n\n\
                     古人讲“{SAYING}”，今天仍然适用。\n\n\
                     他在会上指出：{PASSAGE}。\n"
                ),
            ),
            (
                "02-article.md",
                &format!(
                    "---\ntitle: 文章\nkind: article\ndate: 2018-03-01\n---\n\n\
                     正所谓“{SAYING}”，工作也一样。\n\n\
                     文章写道：{PASSAGE}。\n"
                ),
            ),
        ],
    )
}

/// The texts of the recurring quotations the built site lists in
/// data/quotations.json, each with the pages whose text marks it.
fn quotations(options: &str) -> (PathBuf, tempfile::TempDir, Vec<String>) {
    let edition = quotation_edition(options);
    let site = built(edition.path(), &[]);
    let json = site.join("data/quotations.json");
    let texts = if json.exists() {
        let data: Value = serde_json::from_str(&fs::read_to_string(json).unwrap()).unwrap();
        data["quotations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["text"].as_str().unwrap().to_owned())
            .collect()
    } else {
        Vec::new()
    };
    (site, edition, texts)
}

fn lists(texts: &[String], words: &str) -> bool {
    texts.iter().any(|t| t.contains(words))
}

#[test]
fn by_default_the_quoted_saying_and_the_long_passage_are_found_and_marked() {
    let (site, _edition, texts) = quotations("");
    assert!(lists(&texts, SAYING), "{texts:?}");
    assert!(lists(&texts, PASSAGE), "{texts:?}");
    let index = page(&site, "quotations.html");
    assert!(index.contains(SAYING) && index.contains(PASSAGE), "{index}");
    for chapter in ["speech.html", "article.html"] {
        let html = page(&site, chapter);
        assert_eq!(count(&html, "class=\"quote-ref\""), 2, "{chapter}: {html}");
    }
}

#[test]
fn min_quoted_length_above_the_saying_leaves_it_out() {
    // The saying is 8 characters long: found at a minimum of 8, not 9.
    let (_site, _edition, texts) =
        quotations("options:\n  quotations:\n    min_quoted_length: 8\n");
    assert!(lists(&texts, SAYING), "{texts:?}");
    let (site, _edition, texts) = quotations("options:\n  quotations:\n    min_quoted_length: 9\n");
    assert!(!lists(&texts, SAYING), "{texts:?}");
    assert!(lists(&texts, PASSAGE), "{texts:?}");
    assert_eq!(count(&page(&site, "speech.html"), "class=\"quote-ref\""), 1);
}

#[test]
fn min_length_above_the_passage_leaves_it_out_but_not_the_quoted_saying() {
    // The passage is 16 characters long: found at a minimum of 16, not 17.
    let (_site, _edition, texts) = quotations("options:\n  quotations:\n    min_length: 16\n");
    assert!(lists(&texts, PASSAGE), "{texts:?}");
    let (site, _edition, texts) = quotations("options:\n  quotations:\n    min_length: 17\n");
    assert!(!lists(&texts, PASSAGE), "{texts:?}");
    assert!(lists(&texts, SAYING), "{texts:?}");
    assert_eq!(
        count(&page(&site, "article.html"), "class=\"quote-ref\""),
        1
    );
}

#[test]
fn a_passage_holding_a_stop_list_phrase_is_left_out() {
    let (site, _edition, texts) =
        quotations("options:\n  quotations:\n    stop_list: [实则关系全局]\n");
    assert!(!lists(&texts, PASSAGE), "{texts:?}");
    assert!(lists(&texts, SAYING), "{texts:?}");
    assert!(!page(&site, "quotations.html").contains(PASSAGE));
}

#[test]
fn disabled_quotations_make_no_index_and_no_marks() {
    let (site, _edition, texts) = quotations("options:\n  quotations:\n    disabled: true\n");
    assert!(texts.is_empty(), "{texts:?}");
    assert!(!site.join("quotations.html").exists());
    for chapter in ["speech.html", "article.html"] {
        let html = page(&site, chapter);
        assert!(!html.contains("quote-ref"), "{chapter}: {html}");
        assert!(!html.contains("quotations.html"), "{chapter}: {html}");
    }
}

/// A place of a quotation as data/quotations.json gives it: `slug#pN`,
/// its words, whether they differ from the origin's.
type Place = (String, String, bool);

/// The mini-zh fixture's two recurring quotations: one word for word in
/// both pieces, one with a character replaced in the interview (关系 /
/// 关乎). Each is found, its origin is the speech (said before the
/// interview reports it), each place is marked in its paragraph with a
/// marker linking to the index, and the index shows the variant's
/// differing character.
#[test]
fn the_fixtures_recurring_quotations_are_found_and_linked() {
    let edition = edition("mini-zh");
    let site = built(edition.path(), &[]);
    let data: Value = serde_json::from_str(&page(&site, "data/quotations.json")).unwrap();
    let found: Vec<(String, String, Vec<Place>)> = data["quotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["origin"]["chapter"].as_str().unwrap().to_owned(),
                q["occurrences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| {
                        (
                            format!(
                                "{}#{}",
                                o["chapter"].as_str().unwrap(),
                                o["paragraph"].as_str().unwrap()
                            ),
                            o["text"].as_str().unwrap().to_owned(),
                            o["variant"].as_bool().unwrap(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let exact = "把每一份文件都当作历史来写，经得起时间检验";
    let (original, variant) = (
        "办公室工作无小事，每一件事都关系全局",
        "办公室工作无小事，每一件事都关乎全局",
    );
    let expected = vec![
        (
            "q1".to_owned(),
            "jianghua".to_owned(),
            vec![
                ("jianghua#p5".to_owned(), exact.to_owned(), false),
                ("fangtan#p3".to_owned(), exact.to_owned(), false),
            ],
        ),
        (
            "q2".to_owned(),
            "jianghua".to_owned(),
            vec![
                ("jianghua#p6".to_owned(), original.to_owned(), false),
                ("fangtan#p3".to_owned(), variant.to_owned(), true),
            ],
        ),
    ];
    assert_eq!(found, expected);

    // Marked where they stand, each marker leading to its entry.
    let speech = page(&site, "jianghua.html");
    let interview = page(&site, "fangtan.html");
    for (html, p, id) in [
        (&speech, "p5", "q1"),
        (&speech, "p6", "q2"),
        (&interview, "p3", "q1"),
        (&interview, "p3", "q2"),
    ] {
        let paragraph = paragraph(html, p);
        assert!(
            paragraph.contains(&format!("href=\"quotations.html#{id}\"")),
            "{p} marks {id}: {paragraph}"
        );
    }
    // The index lists both places of each, and marks the variant's word.
    let index = page(&site, "quotations.html");
    for place in ["jianghua.html#p5", "jianghua.html#p6", "fangtan.html#p3"] {
        assert!(
            index.contains(&format!("href=\"{place}\"")),
            "{place}: {index}"
        );
    }
    assert!(index.contains("每一件事都关<mark>乎</mark>全局"), "{index}");
}

// ---- A note's occurrence ------------------------------------------------

/// The text a note's marker follows: the words before its `<sup
/// class="noteref">` in the paragraph, tags left out, its last `n` characters.
fn before_marker(paragraph: &str, number: usize, n: usize) -> String {
    let marker = format!("role=\"doc-noteref\">{number}</a>");
    let at = paragraph
        .find(&marker)
        .unwrap_or_else(|| panic!("no marker {number} in {paragraph}"));
    let head = &paragraph[..paragraph[..at].rfind("<sup").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in head.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

#[test]
fn a_notes_occurrence_chooses_the_nth_match() {
    let edition = write_edition(
        "title: 注\nlanguage: zh-CN\n",
        &[(
            "01-a.md",
            "---\ntitle: 甲\n---\n\n一曰坚持甲，二曰坚持乙，三曰坚持丙。\n\n四曰坚持丁。\n",
        )],
    );
    let note = |occurrence: usize, body: &str| {
        format!(
            "  - chapter: a\n    type: gloss\n    exact: 坚持\n    occurrence: {occurrence}\n    body: {body}\n"
        )
    };
    write(
        edition.path(),
        "content/notes/notes.yaml",
        &format!(
            "notes:\n{}{}{}",
            note(2, "第二处。"),
            note(3, "第三处。"),
            note(4, "第四处。")
        ),
    );
    let site = built(edition.path(), &[]);
    let html = page(&site, "a.html");
    let (p1, p2) = (paragraph(&html, "p1"), paragraph(&html, "p2"));
    // Notes are numbered in the order the reader meets their markers.
    assert_eq!(before_marker(p1, 1, 4), "二曰坚持", "{p1}");
    assert_eq!(before_marker(p1, 2, 4), "三曰坚持", "{p1}");
    assert_eq!(before_marker(p2, 3, 4), "四曰坚持", "{p2}");
    assert!(p1.contains("第二处。") && p1.contains("第三处。"), "{p1}");
    assert!(p2.contains("第四处。"), "{p2}");
    assert_eq!(count(p1, "class=\"noteref\""), 2, "{p1}");
}

/// Notes are read from every `.yaml` and `.yml` file in content/notes/;
/// another file there (an editor's README) is not read as notes.
#[test]
fn notes_are_read_from_yaml_and_yml_files_and_nothing_else() {
    let edition = write_edition(
        "title: 注\nlanguage: zh-CN\n",
        &[(
            "01-a.md",
            "---\ntitle: 甲\n---\n\n一曰坚持甲，二曰勤勉乙。\n",
        )],
    );
    let note = |exact: &str, body: &str| {
        format!("notes:\n  - chapter: a\n    type: gloss\n    exact: {exact}\n    body: {body}\n")
    };
    write(
        edition.path(),
        "content/notes/a.yaml",
        &note("坚持", "甲注。"),
    );
    write(
        edition.path(),
        "content/notes/b.yml",
        &note("勤勉", "乙注。"),
    );
    write(
        edition.path(),
        "content/notes/README.md",
        "notes: [这不是注释]\n",
    );
    let site = built(edition.path(), &[]);
    let p1 = paragraph(&page(&site, "a.html"), "p1").to_owned();
    assert_eq!(before_marker(&p1, 1, 4), "一曰坚持", "{p1}");
    assert_eq!(before_marker(&p1, 2, 4), "二曰勤勉", "{p1}");
    assert!(p1.contains("甲注。") && p1.contains("乙注。"), "{p1}");
    assert_eq!(count(&p1, "class=\"noteref\""), 2, "{p1}");
}

// ---- Single-template overrides -----------------------------------------

#[test]
fn a_template_in_content_templates_replaces_the_themes_for_every_theme() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let plain = built(root, &[]);
    let index_before = page(&plain, "index.html");
    let theirs = fs::read_to_string(root.join("themes/classic/templates/chapter.html")).unwrap();
    let marked = "<p class=\"edition-own\">本版特制</p>";
    // The theme's chapter page with one line more, after the pager.
    assert!(theirs.contains("</nav>"), "{theirs}");
    write(
        root,
        "content/templates/chapter.html",
        &theirs.replacen("</nav>", &format!("</nav>\n{marked}"), 1),
    );
    for theme in ["classic", "modern", "vertical"] {
        let site = built(root, &["--theme", theme]);
        for chapter in ["jianghua.html", "fangtan.html"] {
            let html = page(&site, chapter);
            assert_eq!(count(&html, marked), 1, "{theme}: {chapter}");
            // Still a whole page of the theme: its title and text.
            assert!(html.contains("<h1"), "{theme}: {chapter}");
        }
        // Only that template is replaced: the cover is the theme's.
        let index = page(&site, "index.html");
        assert!(!index.contains(marked), "{theme}: index.html");
        if theme == "classic" {
            assert_eq!(index, index_before, "the cover does not change");
        }
    }
}

// ---- The notes page --------------------------------------------------------

/// The ids of notes.json's records, in order.
fn note_ids(site: &Path) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&page(site, "data/notes.json")).unwrap();
    (json["notes"].as_array().unwrap().iter())
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_notes_page_lists_every_note_and_a_theme_without_note_item_gets_the_records() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let site = built(root, &[]);
    let ids = note_ids(&site);
    assert!(ids.len() >= 3, "{ids:?}");
    // classic's entries, note-item.html each: every note once, its place
    // linked, grouped by type in notes.json's order within each group.
    let notes = page(&site, "notes.html");
    for id in &ids {
        assert_eq!(count(&notes, &format!("<li id=\"{id}\"")), 1, "{id}");
    }
    assert_eq!(count(&notes, "<p class=\"note-place\">"), ids.len());

    // A theme of its own, without note-item.html: its notes.html lists
    // `group.notes` itself, every record with its fields.
    let classic = root.join("themes/classic");
    for entry in walkdir::WalkDir::new(&classic) {
        let entry = entry.unwrap();
        let target = root
            .join("themes/bare")
            .join(entry.path().strip_prefix(&classic).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    fs::remove_file(root.join("themes/bare/templates/note-item.html")).unwrap();
    write(root, "themes/bare/theme.yaml", "name: bare\n");
    write(
        root,
        "themes/bare/templates/notes.html",
        "{% extends \"base.html\" %}{% block main %}{% for group in note_groups %}\
         <section data-count=\"{{ group.count }}\" data-html=\"{{ group.html | length }}\">\
         {% for note in group.notes %}<i data-note=\"{{ note.id }}\">{{ note.chapter_title }}</i>{% endfor %}\
         </section>{% endfor %}{% endblock main %}",
    );
    let site = built(root, &["--theme", "bare"]);
    let notes = page(&site, "notes.html");
    for id in &ids {
        assert_eq!(
            count(&notes, &format!("data-note=\"{id}\"")),
            1,
            "{id}: {notes}"
        );
    }
    assert_eq!(count(&notes, "data-html=\"0\""), count(&notes, "<section"));
    let counted: usize = notes
        .split("data-count=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, ids.len());
}

// ---- zhushu glossary suggest --------------------------------------------

#[test]
fn glossary_suggest_lists_undefined_coinages_ranked_with_their_chapters() {
    let edition = write_edition(
        "title: 建议\nlanguage: zh-CN\n",
        &[
            (
                "01-a.md",
                "---\ntitle: 甲\n---\n\n要做到五个坚持，当好“总开关”。\n\n五个坚持，要落实，坚持三服务。\n",
            ),
            (
                "02-b.md",
                "---\ntitle: 乙\n---\n\n五个坚持是要求，“总开关”要拧紧，坚持三服务。\n",
            ),
        ],
    );
    write(edition.path(), "content/glossary.yaml", GLOSSARY);
    let root = edition.path().to_str().unwrap();
    let out = zhushu(&["glossary", "suggest", "--root", root]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("count\tchapters\tkind\tcandidate\tin"),
        "{text}"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    // Three times in two chapters, then twice in two; 三服务 is defined.
    assert_eq!(
        rows,
        [
            vec!["3", "2", "numeric formula", "五个坚持", "a, b"],
            vec!["2", "2", "quoted coinage", "总开关", "a, b"],
        ],
        "{text}"
    );
    let limited = zhushu(&["glossary", "suggest", "--root", root, "--limit", "1"]);
    let limited = String::from_utf8(limited.stdout).unwrap();
    assert_eq!(limited.lines().count(), 2, "{limited}");
    assert!(limited.contains("五个坚持") && !limited.contains("总开关"));
}

// ---- zhushu epub --output ------------------------------------------------

#[test]
fn epub_output_writes_the_epub_there_and_nothing_else() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("books/小文集.epub");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    let out = zhushu(&[
        "epub",
        "--root",
        root.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrote "), "{}", stderr(&out));
    let mut archive = zip::ZipArchive::new(fs::File::open(&target).unwrap()).unwrap();
    assert_eq!(archive.by_index(0).unwrap().name().unwrap(), "mimetype");
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("OEBPS/content.opf").unwrap(), &mut opf)
        .unwrap();
    assert!(opf.contains("<dc:title>小文集</dc:title>"), "{opf}");
    assert!(
        opf.contains("jianghua.xhtml") && opf.contains("fangtan.xhtml"),
        "{opf}"
    );
    // Only the EPUB: no site, and nothing else beside it.
    assert!(!root.join("site").exists());
    let beside: Vec<_> = fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, [std::ffi::OsString::from("小文集.epub")]);
}

// ---- The offline cache's name ------------------------------------------

/// The cache name in sw.js (`const CACHE = "zhushu-…"`).
fn cache_name(site: &Path) -> String {
    let worker = page(site, "sw.js");
    let line = worker
        .lines()
        .find(|l| l.starts_with("const CACHE = "))
        .unwrap_or_else(|| panic!("no cache name in {worker}"));
    line["const CACHE = ".len()..]
        .trim_end_matches(';')
        .to_owned()
}

#[test]
fn the_offline_cache_is_renamed_by_a_new_deployment_and_kept_by_the_same_one() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let first = cache_name(&built(root, &[]));
    assert!(first.starts_with("\"zhushu-"), "{first}");
    // The same edition built again, elsewhere: the same cache.
    let again = root.join("again");
    assert!(build(root, &again, &[]).status.success());
    assert_eq!(cache_name(&again), first);
    // A changed word, a changed style: each a new cache.
    edit(root, "content/chapters/02-fangtan.md", "请谈谈", "请再谈谈");
    let edited = cache_name(&built(root, &[]));
    assert_ne!(edited, first, "a changed page must rename the cache");
    edit(root, "themes/classic/static/style.css", "{", "{ ");
    let restyled = cache_name(&built(root, &[]));
    assert_ne!(
        restyled, edited,
        "a changed stylesheet must rename the cache"
    );
    // And the worker deletes every other zhushu cache when it takes over.
    let worker = page(&root.join("site"), "sw.js");
    assert!(
        worker.contains("k.startsWith(\"zhushu-\") && k !== CACHE")
            && worker.contains("caches.delete(k)"),
        "{worker}"
    );
}

// ---- --drafts for check ---------------------------------------------------

#[test]
fn check_reads_drafts_only_when_asked() {
    let edition = edition("mini-zh");
    let root = edition.path();
    // A link to a paragraph that does not exist, in the draft only.
    edit(
        root,
        "content/chapters/03-draft.md",
        "不应出现在网站里。",
        "不应出现在网站里，见[第一篇](01-jianghua.md#p99)。",
    );
    let check = |extra: &[&str]| -> Value {
        let mut args = vec![
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = zhushu(&args);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    };
    let names_draft = |report: &Value| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.to_string().contains("03-draft.md"))
    };
    let without = check(&[]);
    assert!(!names_draft(&without), "{without:#}");
    let with = check(&["--drafts"]);
    assert!(names_draft(&with), "{with:#}");
    assert!(with.to_string().contains("p99"), "{with:#}");
}
