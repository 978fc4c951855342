//! The indexes of persons, places and works (README: "Indexes"), each on a
//! small Chinese and a small English edition written to show it, judged by
//! what the pages, data/index.json, print.html and the commands say: a
//! cited title that is a piece of the edition links to it, a person or
//! place leads to its paragraphs, the order is pinyin or alphabetical, an
//! entry found nowhere is a warning, a broken index.yaml an error at its
//! file and line.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A new edition in a temporary folder: `edition.yaml`, files under
/// content/ (path, text), and the repository's themes.
fn write_edition(edition_yaml: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("chapters")).unwrap();
    fs::write(content.join("edition.yaml"), edition_yaml).unwrap();
    for (file, text) in files {
        let path = content.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    copy_dir(&repo_root().join("themes"), &dir.path().join("themes"));
    dir
}

fn built(root: &Path) -> PathBuf {
    let out = root.join("site");
    let result = build(root, &out, &[]);
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

const CHINESE_INDEX: &str = "\
entries:
  - name: 习近平
    forms: [习总书记]
    kind: person
    identification: 文中的讲话人
  - name: 邓小平
    kind: person
    identification: 文中引其话
  - name: 宁德
    kind: place
    identification: 福建东北部地区
  - name: 福州
    forms: [福州市]
    kind: place
    identification: 福建省会
  - name: 泰戈尔
    kind: person
    identification: 印度诗人
";

pub fn chinese() -> tempfile::TempDir {
    write_edition(
        "title: 索引测试\nlanguage: zh-CN\n",
        &[
            (
                "chapters/01-feng-fan.md",
                "---\ntitle: 秘书工作的风范\nsubtitle: ——与地县办公室干部谈心\nslug: feng-fan\n---\n\n习近平同志在宁德工作时谈办公室工作。\n\n邓小平同志讲过，要抓住几个人。\n",
            ),
            (
                "chapters/02-yi-ju.md",
                "---\ntitle: 根本遵循\nslug: yi-ju\n---\n\n他在宁德撰文《秘书工作的风范——\n与地县办公室干部谈心》，又引《论语》。\n\n习总书记在福州市委工作，后到杭州市。\n\n见于（秘书工作的风范）一篇。\n",
            ),
            ("index.yaml", CHINESE_INDEX),
        ],
    )
}

fn index_json(site: &Path) -> Value {
    serde_json::from_str(&page(site, "data/index.json")).expect("data/index.json parses")
}

fn names(json: &Value, kind: &str) -> Vec<String> {
    json[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind} in {json}"))
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

fn urls(json: &Value, kind: &str, name: &str) -> Vec<String> {
    let entry = json[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no {name} among the {kind}: {json}"));
    entry["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_cited_title_that_is_a_piece_links_to_it_and_every_title_is_indexed() {
    let edition = chinese();
    let site = built(edition.path());
    let html = page(&site, "yi-ju.html");
    // Cut by a line (and a page) break and written with its subtitle, the
    // title is still the piece's; in brackets, the bare title too.
    let p1 = paragraph(&html, "p1");
    assert!(
        p1.contains("<a class=\"work-link\" href=\"feng-fan.html\">《秘书工作的风范——"),
        "the title is not linked to its piece: {p1}"
    );
    assert!(!p1.contains("href=\"feng-fan.html\">《论语》"), "{p1}");
    let p3 = paragraph(&html, "p3");
    assert!(
        p3.contains("（<a class=\"work-link\" href=\"feng-fan.html\">秘书工作的风范</a>）"),
        "{p3}"
    );
    let json = index_json(&site);
    let works = names(&json, "works");
    // Both citations of the piece are one entry, named by the fuller one;
    // pinyin order: 论语 (L) before 秘书 (M).
    assert_eq!(
        works,
        ["论语", "秘书工作的风范——与地县办公室干部谈心"],
        "{json}"
    );
    let piece = &json["works"][1]["piece"];
    assert_eq!(piece["url"], "feng-fan.html", "{json}");
    assert_eq!(
        urls(&json, "works", "秘书工作的风范——与地县办公室干部谈心"),
        ["yi-ju.html#p1", "yi-ju.html#p3"]
    );
    let indexes = page(&site, "indexes.html");
    assert!(indexes.contains("书名索引"), "no works index");
    assert!(
        indexes.contains("<a href=\"feng-fan.html\">秘书工作的风范</a>"),
        "the works index does not lead to the piece"
    );
}

#[test]
fn persons_and_places_lead_to_their_paragraphs_in_pinyin_order() {
    let edition = chinese();
    let site = built(edition.path());
    let json = index_json(&site);
    // 泰戈尔 stands nowhere, but the editor listed it: it is on the page.
    assert_eq!(names(&json, "persons"), ["邓小平", "泰戈尔", "习近平"]);
    assert_eq!(names(&json, "places"), ["福州", "宁德"]);
    assert_eq!(
        urls(&json, "places", "宁德"),
        ["feng-fan.html#p1", "yi-ju.html#p1"]
    );
    // A form (福州市, 习总书记) is its entry's place.
    assert_eq!(urls(&json, "places", "福州"), ["yi-ju.html#p2"]);
    assert_eq!(
        urls(&json, "persons", "习近平"),
        ["feng-fan.html#p1", "yi-ju.html#p2"]
    );
    let indexes = page(&site, "indexes.html");
    for (heading, link) in [
        ("人名索引", "href=\"feng-fan.html#p2\""),
        ("地名索引", "href=\"yi-ju.html#p2\""),
    ] {
        assert!(indexes.contains(heading), "no {heading}");
        assert!(indexes.contains(link), "no link {link}");
    }
    assert!(indexes.contains("福建东北部地区"), "no identification");
    // Listed with the contents' back matter, on every page.
    assert!(
        page(&site, "index.html").contains("href=\"indexes.html\""),
        "the cover does not list the index"
    );
}

#[test]
fn an_entry_found_nowhere_is_a_warning_of_check() {
    let edition = chinese();
    let out = zhushu(&["check", "--root", edition.path().to_str().unwrap()]);
    let text = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "a warning failed the check:\n{text}");
    for expected in [
        "warning: index entry `泰戈尔` occurs nowhere in the text",
        "--> content/index.yaml:16:",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
    assert!(!text.contains("`宁德` occurs nowhere"), "{text}");
}

#[test]
fn a_broken_index_is_an_error_at_its_file_and_line() {
    for (from, to, line, says) in [
        (
            "    kind: place\n    identification: 福建省会",
            "    kind: city\n    identification: 福建省会",
            14,
            "unknown variant `city`",
        ),
        (
            "  - name: 泰戈尔",
            "  - name: 泰戈尔\n    forms: [宁德]",
            16,
            "`宁德` of the index entry `泰戈尔` is already claimed by `宁德`",
        ),
        (
            "identification: 印度诗人",
            "identification: \"印度诗人",
            18,
            "invalid YAML",
        ),
    ] {
        let edition = chinese();
        let root = edition.path();
        edit(root, "content/index.yaml", from, to);
        let site = root.join("site");
        for args in [
            vec![
                "build",
                "--root",
                root.to_str().unwrap(),
                "--output",
                site.to_str().unwrap(),
            ],
            vec!["check", "--root", root.to_str().unwrap()],
        ] {
            let out = zhushu(&args);
            let text = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "{args:?} with {to:?}:\n{text}");
            assert!(
                text.contains(says),
                "{args:?}: expected {says:?} in:\n{text}"
            );
            assert!(
                text.contains(&format!("--> content/index.yaml:{line}:")),
                "{args:?} with {to:?}: expected line {line} in:\n{text}"
            );
        }
        assert!(!site.exists(), "a failed build wrote a site");
    }
}

#[test]
fn print_html_has_the_index_with_a_page_for_every_place() {
    let edition = chinese();
    let site = built(edition.path());
    let print = page(&site, "print.html");
    let at = print
        .find("id=\"back-indexes\"")
        .expect("print.html has the indexes as back matter");
    let back = &print[at..];
    // Each place's link leads inside the document, with the span that
    // `zhushu pdf` writes its page into (tests/pdf.rs prints it).
    for id in ["piece-yi-ju-p2", "piece-feng-fan-p1"] {
        assert!(back.contains(&format!("href=\"#{id}\"")), "no link to {id}");
        assert!(
            back.contains(&format!("data-page-of=\"{id}\"></span>")),
            "no page number for {id}"
        );
    }
    assert!(
        print.contains("data-page-of=\"back-indexes\""),
        "the contents do not list the index"
    );
}

#[test]
fn the_epub_has_the_index_in_its_navigation() {
    let edition = chinese();
    let site = built(edition.path());
    let epub = fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "epub"))
        .expect("an EPUB");
    let mut zip = zip::ZipArchive::new(fs::File::open(epub).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let nav = read("OEBPS/nav.xhtml");
    assert!(nav.contains("href=\"indexes.xhtml\""), "{nav}");
    let index = read("OEBPS/indexes.xhtml");
    assert!(index.contains("<a href=\"yi-ju.xhtml#p2\">"), "{index}");
    assert!(
        index.contains("<a href=\"feng-fan.xhtml\">秘书工作的风范</a>"),
        "{index}"
    );
}

#[test]
fn index_suggest_proposes_names_the_index_lacks() {
    let edition = chinese();
    let out = zhushu(&[
        "index",
        "suggest",
        "--root",
        edition.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let candidates: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(3))
        .collect();
    assert!(candidates.contains(&"杭州"), "{text}");
    // 福州 is in the index already.
    assert!(!candidates.contains(&"福州"), "{text}");
}

#[test]
fn an_english_edition_indexes_italic_titles_and_names_alphabetically() {
    let edition = write_edition(
        "title: Index Test\nlanguage: en\n",
        &[
            (
                "chapters/01-duty.md",
                "---\ntitle: On Duty\nslug: on-duty\n---\n\nXi Jinping spoke in Fuzhou about the office.\n",
            ),
            (
                "chapters/02-letters.md",
                "---\ntitle: Letters\nslug: letters\n---\n\nAnn Lee read *On Duty* and *The Analects* in Beijing.\n\nShe was *very* glad.\n",
            ),
            (
                "index.yaml",
                "entries:\n  - name: Xi Jinping\n    kind: person\n    identification: the speaker\n  - name: Ann Lee\n    kind: person\n    identification: a reader\n  - name: Fuzhou\n    kind: place\n    identification: a city in Fujian\n  - name: Beijing\n    kind: place\n    identification: the capital\n",
            ),
        ],
    );
    let site = built(edition.path());
    let html = page(&site, "letters.html");
    assert!(
        paragraph(&html, "p1")
            .contains("<em><a class=\"work-link\" href=\"on-duty.html\">On Duty</a></em>"),
        "{html}"
    );
    let json = index_json(&site);
    assert_eq!(names(&json, "persons"), ["Ann Lee", "Xi Jinping"]);
    assert_eq!(names(&json, "places"), ["Beijing", "Fuzhou"]);
    assert_eq!(names(&json, "works"), ["On Duty", "The Analects"]);
    assert_eq!(urls(&json, "places", "Fuzhou"), ["on-duty.html#p1"]);
    let indexes = page(&site, "indexes.html");
    assert!(indexes.contains("Works cited"), "{indexes}");
}
