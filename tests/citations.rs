//! Citation metadata (issue 18, part 3): every page carries the tags that
//! reference managers read (Highwire Press's citation_* and Dublin Core),
//! with the piece's title and authors, the edition as the book, its
//! publisher, date and language, the printed source's first page, and an
//! absolute URL only when the edition names its public address.

mod common;

use common::{build, edition, repo_root};

/// The `content` of every `<meta name="NAME">` in `html`, in order.
fn metas(html: &str, name: &str) -> Vec<String> {
    let open = format!("<meta name=\"{name}\" content=\"");
    html.match_indices(&open)
        .map(|(at, _)| {
            let rest = &html[at + open.len()..];
            rest[..rest.find('"').expect("the attribute closes")].to_owned()
        })
        .collect()
}

fn one(html: &str, name: &str) -> String {
    let found = metas(html, name);
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found[0].clone()
}

#[test]
fn a_piece_is_cited_as_a_part_of_the_edition() {
    let dir = edition("mini-en");
    let site = dir.path().join("site");
    let out = build(dir.path(), &site, &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let page = std::fs::read_to_string(site.join("speech.html")).unwrap();
    assert_eq!(one(&page, "citation_title"), "On Offices");
    assert_eq!(metas(&page, "citation_author"), ["A. Speaker"]);
    assert_eq!(metas(&page, "DC.creator"), ["A. Speaker"]);
    assert_eq!(one(&page, "citation_inbook_title"), "A Small Edition");
    assert_eq!(one(&page, "citation_publication_date"), "2020");
    assert_eq!(one(&page, "DCTERMS.created"), "1990-03");
    assert_eq!(one(&page, "citation_firstpage"), "7");
    assert_eq!(one(&page, "citation_language"), "en");
    assert_eq!(metas(&page, "DC.contributor"), ["A. Editor"]);
    assert_eq!(
        one(&page, "citation_public_url"),
        "https://example.org/small/speech.html"
    );
    // The cover cites the edition itself.
    let cover = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(one(&cover, "citation_title"), "A Small Edition");
    assert!(metas(&cover, "citation_inbook_title").is_empty());
    assert_eq!(
        one(&cover, "DC.identifier"),
        "https://example.org/small/index.html"
    );
}

#[test]
fn the_address_on_the_command_line_is_the_one_cited() {
    let dir = edition("mini-en");
    let site = dir.path().join("site");
    let out = build(
        dir.path(),
        &site,
        &["--base-url", "https://other.example/ed"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let page = std::fs::read_to_string(site.join("speech.html")).unwrap();
    assert_eq!(
        one(&page, "citation_public_url"),
        "https://other.example/ed/speech.html"
    );
    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://other.example/ed/speech.html"));
}

/// The seed names no public address: no URL is guessed, and every piece
/// is cited by its own title and the authors its front matter names.
#[test]
fn every_piece_of_the_seed_carries_its_citation() {
    let root = repo_root();
    let mut pieces = 0;
    for entry in std::fs::read_dir(root.join("content/chapters")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Some((_, slug)) = name.split_once('-') else {
            continue;
        };
        let markdown = std::fs::read_to_string(&path).unwrap();
        let front = markdown.split("\n---").next().unwrap_or_default();
        let html = std::fs::read_to_string(root.join("site").join(format!("{slug}.html"))).unwrap();
        pieces += 1;
        let title = one(&html, "citation_title");
        assert!(
            front.contains(&format!("title: {title}")),
            "{slug}: citation_title {title} is not the piece's title"
        );
        let authors = metas(&html, "citation_author");
        assert_eq!(front.contains("\nauthors:"), !authors.is_empty(), "{slug}");
        for author in &authors {
            assert!(
                front.contains(&format!("name: {author}")),
                "{slug}: {author}"
            );
        }
        assert_eq!(one(&html, "citation_inbook_title"), "习近平谈办公室工作");
        assert_eq!(one(&html, "citation_language"), "zh-CN");
        assert!(metas(&html, "citation_public_url").is_empty());
    }
    assert_eq!(pieces, 10);
}

/// `data/citations.json` is CSL-JSON and `edition.bib` BibTeX that a
/// reader parses back: the edition as a book, each piece a chapter of it,
/// with its authors, first page, dates and URL; a title's TeX specials
/// and braces survive the round trip.
#[test]
fn csl_json_and_bibtex_read_back() {
    let dir = edition("mini-en");
    common::edit(
        dir.path(),
        "content/chapters/speech.md",
        "title: On Offices",
        "title: \"On Offices: 50% & {more}\"",
    );
    common::edit(
        dir.path(),
        "content/edition.yaml",
        "date: 2020",
        "date: 2020\npublisher: Small Press\npublisher_place: Boston",
    );
    let site = dir.path().join("site");
    let out = build(dir.path(), &site, &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));

    let csl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/citations.json")).unwrap())
            .unwrap();
    let items = csl.as_array().unwrap();
    assert_eq!(items[0]["type"], "book");
    assert_eq!(items[0]["title"], "A Small Edition");
    assert_eq!(items[0]["editor"][0]["literal"], "A. Editor");
    let speech = items.iter().find(|i| i["id"] == "speech").unwrap();
    assert_eq!(speech["type"], "chapter");
    assert_eq!(speech["title"], "On Offices: 50% & {more}");
    assert_eq!(speech["author"][0]["literal"], "A. Speaker");
    assert_eq!(speech["container-title"], "A Small Edition");
    assert_eq!(speech["page"], "7");
    assert_eq!(speech["issued"]["date-parts"][0][0], 2020);
    assert_eq!(
        speech["original-date"]["date-parts"][0],
        serde_json::json!([1990, 3])
    );
    assert_eq!(speech["URL"], "https://example.org/small/speech.html");
    assert_eq!(speech["publisher"], "Small Press");
    assert_eq!(speech["publisher-place"], "Boston");

    let bib = std::fs::read_to_string(site.join("edition.bib")).unwrap();
    let parsed = biblatex::Bibliography::parse(&bib).expect("edition.bib parses");
    assert_eq!(parsed.len(), items.len(), "one BibTeX entry per CSL item");
    let book = parsed.get("edition").unwrap();
    assert_eq!(book.entry_type, biblatex::EntryType::Book);
    let entry = parsed.get("speech").unwrap();
    assert_eq!(entry.entry_type, biblatex::EntryType::InCollection);
    let title = biblatex::ChunksExt::format_verbatim(entry.title().unwrap());
    assert_eq!(title, "On Offices: 50% & {more}");
    let authors = entry.author().unwrap();
    assert_eq!(authors.len(), 1);
    assert_eq!(authors[0].name, "A. Speaker");
    let booktitle = entry.book_title().unwrap();
    assert_eq!(
        biblatex::ChunksExt::format_verbatim(booktitle),
        "A Small Edition"
    );
    assert_eq!(
        entry.url().unwrap(),
        "https://example.org/small/speech.html"
    );
    let text = |field: &str| biblatex::ChunksExt::format_verbatim(entry.get(field).expect(field));
    assert_eq!(text("publisher"), "Small Press");
    assert_eq!(text("address"), "Boston");
    // The reader's copyable reference names the place too.
    let page = std::fs::read_to_string(site.join("speech.html")).unwrap();
    assert!(
        page.contains("Boston: Small Press, 2020."),
        "no imprint in the reference"
    );
}

/// The printed book's pages (issue 18, part 1), as mini-zh marks them: page
/// 2 begins inside paragraph 5 (within a recurring quotation) and page 3
/// with paragraph 6. The site shows each mark at its place, named for
/// screen readers; print.html has them too (ids prefixed); data/pages.json
/// gives each paragraph's pages, which "cite this" quotes.
#[test]
fn page_marks_stand_at_their_place_and_paragraphs_know_their_pages() {
    let dir = edition("mini-zh");
    let site = dir.path().join("site");
    let out = build(dir.path(), &site, &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let page = std::fs::read_to_string(site.join("jianghua.html")).unwrap();
    let mark = |n: u32| {
        format!(
            "<span class=\"pb\" id=\"page-{n}\"><span class=\"vh\">原书第{n}页</span><span class=\"pb-n\" aria-hidden=\"true\">{n}</span></span>"
        )
    };
    assert!(
        page.contains(&format!("当作历史来写，{}经得起时间检验", mark(2))),
        "page 2 begins where the mark stood:\n{page}"
    );
    assert!(
        page.contains(&format!(
            "aria-label=\"第6段\">6</a>{}办公室的同志常说",
            mark(3)
        )),
        "page 3 begins with paragraph 6"
    );
    // The words are the paragraph's, mark or no mark: search finds them whole.
    let search = std::fs::read_to_string(site.join("search-index.js")).unwrap();
    assert!(search.contains("把每一份文件都当作历史来写，经得起时间检验"));
    let print = std::fs::read_to_string(site.join("print.html")).unwrap();
    assert!(print.contains("<span class=\"pb\" id=\"piece-jianghua-page-2\">"));
    let pages: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/pages.json")).unwrap())
            .unwrap();
    let jianghua = pages
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "jianghua")
        .expect("jianghua in pages.json");
    let p = &jianghua["paragraphs"];
    assert_eq!(
        (&p["p1"], &p["p5"], &p["p6"]),
        (
            &serde_json::json!([1, 1]),
            &serde_json::json!([1, 2]),
            &serde_json::json!([3, 3])
        )
    );
    // Headings (and table rows) know their pages as paragraphs do.
    assert_eq!(
        jianghua["headings"]["一-第一部分"],
        serde_json::json!([1, 1])
    );
    assert!(jianghua["rows"].is_object());
    assert_eq!(jianghua["breaks"][0]["paragraph"], "p5");
    assert_eq!(jianghua["breaks"][1]["paragraph"], "p6");
    assert_eq!(jianghua["breaks"][1]["page"], 3);
    let cite = page.split("id=\"zs-cite\">").nth(1).unwrap();
    assert!(
        cite.contains("小文集. [出版地不详]: 测试出版社, 2022: 第1—2页, 第5段."),
        "{cite}"
    );
    assert!(
        cite.contains("小文集. [出版地不详]: 测试出版社, 2022: 第3页, 第6段."),
        "{cite}"
    );
}
