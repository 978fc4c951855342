//! `zhushu serve` renders again only the chapters an edit changed
//! (`render::cache`). The proof that it may: after each of a series of
//! edits of different kinds, a build through the cache gives the same bytes
//! as a fresh build, file for file, and renders no more than it must.

mod common;

use std::path::Path;
use std::sync::Arc;

use zhushu::build::Memory;
use zhushu::build::{BuildOptions, BuildReport, QuotationPass, Redetection, build, detect_again};

fn build_into(root: &Path, output: &Path, cache: Option<&Arc<Memory>>) -> BuildReport {
    build(&BuildOptions {
        root: root.to_owned(),
        output: Some(output.to_owned()),
        memory: cache.cloned(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The cached build's site, and a fresh build's of the same edition, hold
/// the same files with the same bytes.
fn assert_same_as_fresh(root: &Path, cached_site: &Path, step: &str) {
    let fresh = tempfile::tempdir().unwrap();
    build_into(root, &fresh.path().join("site"), None);
    let cached = common::snapshot(cached_site);
    let fresh = common::snapshot(&fresh.path().join("site"));
    let names =
        |s: &std::collections::BTreeMap<String, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&cached), names(&fresh), "{step}: the same files");
    for (file, bytes) in &fresh {
        assert!(
            cached[file] == *bytes,
            "{step}: {file} differs from a fresh build"
        );
    }
}

#[test]
fn builds_through_the_render_cache_give_the_bytes_of_fresh_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&common::repo_root().join("content"), &root.join("content"));
    common::copy_dir(&common::repo_root().join("themes"), &root.join("themes"));
    let site = root.join("site");
    let cache = Arc::new(Memory::default());
    let chapters = std::fs::read_dir(root.join("content/chapters"))
        .unwrap()
        .count();

    let first = build_into(root, &site, Some(&cache));
    assert_eq!(
        first.chapters_rendered, chapters,
        "the first build renders all"
    );

    let again = build_into(root, &site, Some(&cache));
    assert_eq!(
        again.chapters_rendered, 0,
        "nothing changed, nothing rendered"
    );
    assert_same_as_fresh(root, &site, "no edit");

    // A word in one chapter's paragraph.
    let third = "content/chapters/03-xi-jin-ping-zong-shu-ji-guan-yu-ban-gong.md";
    edit(root, third, "在不同时期", "在不同的时期");
    let report = build_into(root, &site, Some(&cache));
    assert_eq!(report.chapters_rendered, 1, "only the edited chapter");
    assert_same_as_fresh(root, &site, "a paragraph edited");

    // A stand-off note's text: its chapter, and only it.
    edit(
        root,
        "content/notes/sources.yaml",
        "出处待考。",
        "出处仍待考。",
    );
    let report = build_into(root, &site, Some(&cache));
    assert_eq!(report.chapters_rendered, 1, "only the note's chapter");
    assert_same_as_fresh(root, &site, "a note edited");

    // A glossary definition: the chapters where the term stands.
    let glossary = std::fs::read_to_string(root.join("content/glossary.yaml")).unwrap();
    let definition = glossary
        .lines()
        .skip_while(|l| !l.contains("definition:"))
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    edit(
        root,
        "content/glossary.yaml",
        &definition,
        &format!("{definition}（补）"),
    );
    let report = build_into(root, &site, Some(&cache));
    assert!(
        report.chapters_rendered < chapters,
        "{}",
        report.chapters_rendered
    );
    assert_same_as_fresh(root, &site, "a glossary definition edited");

    // A paragraph before the others: the chapter's notes stand in
    // paragraphs renumbered, so its entries on the notes page and in
    // notes.json are made again, the other chapters' kept.
    edit(root, third, "\n---\n", "\n---\n\n新写的一段。\n");
    let report = build_into(root, &site, Some(&cache));
    // And the chapters that quote its passages: their popovers list its
    // paragraphs by number.
    let quoting = std::fs::read_dir(&site)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|f| {
            let name = f.file_name().unwrap().to_str().unwrap();
            name.ends_with(".html")
                && !name.starts_with("xi-jin-ping-zong-shu-ji-guan-yu-ban-gong")
                && std::fs::read_to_string(f).unwrap().contains(
                    "class=\"quote-place\" href=\"xi-jin-ping-zong-shu-ji-guan-yu-ban-gong.html#p",
                )
        })
        .count();
    assert!(quoting > 0);
    assert_eq!(
        report.chapters_rendered,
        1 + quoting,
        "the edited chapter and those quoting it"
    );
    assert_same_as_fresh(root, &site, "a paragraph added before the notes");

    // The template of the notes page's entries: every entry.
    edit(
        root,
        "themes/classic/templates/note-item.html",
        "<p class=\"note-place\">",
        "<p class=\"note-place where\">",
    );
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "the notes' item template edited");
    let notes = std::fs::read_to_string(site.join("notes.html")).unwrap();
    assert!(notes.contains("note-place where"));
    assert!(!notes.contains("<p class=\"note-place\">"));

    // The next piece's first page: this piece's last page, its page
    // marks and the data files that list them.
    let fourth = "content/chapters/04-xin-shi-dai-ban-gong-ting-shi-gong-zuo.md";
    edit(root, fourth, "\npage: 23\n", "\npage: 24\n");
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "the next piece's page changed");

    // Two pieces swapped: the contents, every neighbour link.
    edit(
        root,
        "content/chapters/01-ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge.md",
        "\norder: 1\n",
        "\norder: 2\n",
    );
    edit(
        root,
        "content/chapters/02-mi-shu-gong-zuo-de-feng-fan.md",
        "\norder: 2\n",
        "\norder: 1\n",
    );
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "two pieces swapped");

    // A form added to a person of the index: the places it finds.
    edit(
        root,
        "content/index.yaml",
        "forms: [习总书记, 习书记]",
        "forms: [习总书记, 习书记, 总书记]",
    );
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "an index entry's forms edited");

    // A setting of the edition: every page.
    edit(
        root,
        "content/edition.yaml",
        "\ndate: 2022-04\n",
        "\ndate: 2022-04\noptions:\n  paragraph_numbers: false\n",
    );
    let report = build_into(root, &site, Some(&cache));
    assert_eq!(report.chapters_rendered, chapters);
    assert_same_as_fresh(root, &site, "a setting edited");

    // A title: every page lists the contents, so every chapter.
    edit(root, third, "title: ", "title: 新题·");
    let report = build_into(root, &site, Some(&cache));
    assert_eq!(report.chapters_rendered, chapters);
    assert_same_as_fresh(root, &site, "a title edited");

    // A chapter removed.
    std::fs::remove_file(root.join(third)).unwrap();
    std::fs::write(
        root.join("content/notes/sources.yaml"),
        strip_notes_of(root, "xi-jin-ping-zong-shu-ji-guan-yu-ban-gong"),
    )
    .unwrap();
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "a chapter removed");

    // A failed build leaves the cache as the site on disk: the next good
    // build still matches a fresh one.
    edit(root, "content/edition.yaml", "title:", "title: [");
    assert!(
        build(&BuildOptions {
            root: root.to_owned(),
            output: Some(site.clone()),
            memory: Some(cache.clone()),
            ..BuildOptions::default()
        })
        .is_err()
    );
    edit(root, "content/edition.yaml", "title: [", "title:");
    build_into(root, &site, Some(&cache));
    assert_same_as_fresh(root, &site, "after a failed build");
}

/// sources.yaml without the notes of chapter `slug`.
fn strip_notes_of(root: &Path, slug: &str) -> String {
    let text = std::fs::read_to_string(root.join("content/notes/sources.yaml")).unwrap();
    let mut kept = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("  - ") {
            skipping = false;
        }
        if line.trim() == format!("chapter: {slug}") {
            skipping = true;
            // Drop the item's first line, already kept.
            let start = kept[..kept.len() - 1].rfind('\n').map_or(0, |i| i + 1);
            kept.truncate(start);
            continue;
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// The chapters where data/quotations.json of `site` has the cluster whose
/// text holds `words`.
fn chapters_quoting(site: &Path, words: &str) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/quotations.json")).unwrap())
            .unwrap();
    let cluster = json["quotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains(words))
        .unwrap_or_else(|| panic!("no cluster of {words}"));
    let mut chapters: Vec<String> = cluster["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["chapter"].as_str().unwrap().to_owned())
        .collect();
    chapters.dedup();
    chapters
}

#[test]
fn quotations_carried_over_an_edit_then_detected_again_give_the_bytes_of_fresh_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&common::repo_root().join("content"), &root.join("content"));
    common::copy_dir(&common::repo_root().join("themes"), &root.join("themes"));
    let site = root.join("site");
    // The editor's decisions apply to carried clusters as to detected ones.
    let rejected = "运筹于帷幄之中，决胜于千里之外";
    std::fs::write(
        root.join("content/quotations.yaml"),
        format!("decisions:\n  - reject: {rejected}\n"),
    )
    .unwrap();
    let memory = Arc::new(Memory::default());
    let options = |carry: bool| BuildOptions {
        root: root.to_owned(),
        output: Some(site.clone()),
        memory: Some(memory.clone()),
        carry_quotations: carry,
        ..BuildOptions::default()
    };
    let quick = || build(&options(true)).unwrap_or_else(|e| panic!("{e}"));
    let first = quick();
    assert_eq!(
        first.quotations,
        QuotationPass::Detected,
        "nothing to carry"
    );

    // A word in a paragraph: the clusters are carried, and only that
    // chapter is rendered; detection then finds what was carried.
    let third = "content/chapters/03-xi-jin-ping-zong-shu-ji-guan-yu-ban-gong.md";
    edit(root, third, "在不同时期", "在不同的时期");
    let report = quick();
    assert_eq!(report.quotations, QuotationPass::Carried);
    assert_eq!(report.chapters_rendered, 1);
    assert_same_as_fresh(root, &site, "a paragraph edited, quotations carried");
    let json = std::fs::read_to_string(site.join("data/quotations.json")).unwrap();
    assert!(!json.contains(rejected), "the rejected cluster stays out");
    assert!(
        matches!(
            detect_again(&options(true), &|| false).unwrap(),
            Redetection::Stands
        ),
        "detected again as carried: nothing to build"
    );

    // The theme: no chapter changed, so the detection is the edition's.
    edit(root, "themes/classic/static/style.css", "}", "}\n");
    assert_eq!(quick().quotations, QuotationPass::Same);
    assert_same_as_fresh(root, &site, "a stylesheet edited");

    // A quoted passage taken out of one of its places: carried without it
    // at once; detection then gives what a fresh build gives.
    let passage = "办公室，是一个单位、一个系统、一个机构的关键部门。";
    let quoting = |site: &Path| chapters_quoting(site, "一个单位、一个系统、一个机构的关键部门");
    assert!(quoting(&site).contains(&"xi-jin-ping-zong-shu-ji-guan-yu-ban-gong".to_owned()));
    edit(root, third, passage, "");
    assert_eq!(quick().quotations, QuotationPass::Carried);
    let carried = chapters_quoting(&site, "办公室工作如何");
    assert!(
        !carried.contains(&"xi-jin-ping-zong-shu-ji-guan-yu-ban-gong".to_owned()),
        "{carried:?}"
    );
    // Given up when told to stop: the carried site stays.
    assert!(matches!(
        detect_again(&options(true), &|| true).unwrap(),
        Redetection::Stopped
    ));
    assert_eq!(chapters_quoting(&site, "办公室工作如何"), carried);
    if let Redetection::Rebuilt(rebuilt) = detect_again(&options(true), &|| false).unwrap() {
        assert_eq!(rebuilt.quotations, QuotationPass::Same);
    }
    assert_same_as_fresh(root, &site, "a passage taken out, detected again");
}
