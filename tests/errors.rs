//! Bad input gets one clear message with file, line, column and the line
//! quoted, exit code 1, and the previous site left exactly as it was.

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// Builds the fixture once, breaks it with `spoil`, builds again and checks
/// the failure: exit code 1, every `expected` fragment in the message, and
/// the first site untouched.
fn fails_cleanly(spoil: impl FnOnce(&Path), expected: &[&str]) -> String {
    let edition = edition("mini-zh");
    let root = edition.path();
    let out = root.join("site");
    let first = build(root, &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&out);

    spoil(root);
    let second = build(root, &out, &[]);
    let message = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{message}");
    for fragment in expected {
        assert!(
            message.contains(fragment),
            "expected {fragment:?} in:\n{message}"
        );
    }
    assert!(message.starts_with("error: "), "{message}");
    assert_eq!(snapshot(&out), before, "the previous site changed");
    let leftovers: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".zhushu-") || n.ends_with(".old"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging or swap folders left behind: {leftovers:?}"
    );
    message
}

const SPEECH: &str = "content/chapters/01-jianghua.md";

#[test]
fn broken_yaml_in_front_matter() {
    let message = fails_cleanly(
        |root| edit(root, SPEECH, "kind: speech", "kind: [speech"),
        &["invalid YAML", "content/chapters/01-jianghua.md:", "|"],
    );
    // The location is in the file, not in the front matter block alone.
    assert!(message.contains("01-jianghua.md:8:7"), "{message}");
}

#[test]
fn broken_edition_yaml() {
    fails_cleanly(
        |root| {
            edit(
                root,
                "content/edition.yaml",
                "editors: [编者甲, 编者乙]",
                "editors: [编者甲, 编者乙",
            )
        },
        &["invalid YAML", "content/edition.yaml:"],
    );
}

#[test]
fn unknown_key_suggests_the_known_one() {
    fails_cleanly(
        |root| edit(root, "content/edition.yaml", "publisher:", "publsher:"),
        &[
            "unknown field `publsher`",
            "content/edition.yaml:6:1",
            "6 | publsher: 测试出版社",
            "did you mean `publisher`?",
        ],
    );
}

#[test]
fn unknown_front_matter_key() {
    fails_cleanly(
        |root| edit(root, SPEECH, "subtitle:", "subtitel:"),
        &[
            "unknown field `subtitel`",
            "01-jianghua.md:3:1",
            "did you mean `subtitle`?",
        ],
    );
}

#[test]
fn malformed_date() {
    fails_cleanly(
        |root| edit(root, SPEECH, "date: 2014-05-08", "date: 2014-5-8"),
        &["not a date", "01-jianghua.md:7:7", "7 | date: 2014-5-8"],
    );
}

#[test]
fn missing_template() {
    fails_cleanly(
        |root| fs::remove_file(root.join("themes/classic/templates/chapter.html")).unwrap(),
        &["theme `classic` has no template `chapter.html`"],
    );
}

#[test]
fn template_with_a_syntax_error() {
    fails_cleanly(
        |root| {
            let path = root.join("themes/classic/templates/index.html");
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, format!("{text}\n{{% if %}}\n")).unwrap();
        },
        &[
            "template `index.html`",
            "themes/classic/templates/index.html:",
        ],
    );
}

/// A build whose `template` applies a filter that does not exist to
/// `expression`: it fails cleanly, naming the template, its line and the
/// filter. Returns the message.
fn fails_in_template(template: &str, expression: &str) -> String {
    let path = format!("themes/classic/templates/{template}");
    fails_cleanly(
        |root| {
            let path = root.join(&path);
            let text = fs::read_to_string(&path).unwrap();
            let inner = expression.trim_start_matches("{{ ").trim_end_matches(" }}");
            let broken = text.replacen(
                expression,
                &format!("{{{{ {inner} | no_such_filter }}}}"),
                1,
            );
            assert_ne!(broken, text);
            fs::write(&path, broken).unwrap();
        },
        &[
            &format!("template `{template}`"),
            &format!("{path}:"),
            "no_such_filter",
        ],
    )
}

#[test]
fn template_that_fails_while_rendering() {
    let message = fails_in_template("piece.html", "{{ chapter.title }}");
    assert!(message.contains(" | "), "the line is quoted: {message}");
}

/// The cover is made on a thread of its own, beside the print edition's
/// tail and the back matter: its failure is told as any template's, and
/// stops the build all the same.
#[test]
fn cover_that_fails_on_a_thread_of_its_own() {
    fails_in_template("index.html", "{{ edition.subtitle }}");
}

#[test]
fn missing_theme_suggests_the_ones_there() {
    fails_cleanly(
        |root| {
            edit(
                root,
                "content/edition.yaml",
                "theme: classic",
                "theme: clasic",
            )
        },
        &["theme `clasic` does not exist", "did you mean `classic`?"],
    );
}

/// A theme of its own extending `parent`, chosen in edition.yaml.
fn child_theme(root: &Path, name: &str, manifest: &str) {
    let dir = root.join("themes").join(name);
    fs::create_dir_all(dir.join("static")).unwrap();
    fs::write(dir.join("theme.yaml"), manifest).unwrap();
    edit(
        root,
        "content/edition.yaml",
        "theme: classic",
        &format!("theme: {name}"),
    );
}

#[test]
fn theme_whose_parent_is_missing() {
    fails_cleanly(
        |root| child_theme(root, "mine", "name: mine\nextends: clasic\n"),
        &[
            "theme `mine` extends `clasic`, which does not exist",
            "did you mean `classic`?",
        ],
    );
}

#[test]
fn themes_that_extend_each_other() {
    fails_cleanly(
        |root| {
            child_theme(root, "a", "name: a\nextends: b\n");
            fs::create_dir_all(root.join("themes/b")).unwrap();
            fs::write(root.join("themes/b/theme.yaml"), "name: b\nextends: a\n").unwrap();
        },
        &["themes extend each other in a cycle: a → b → a"],
    );
}

#[test]
fn theme_naming_a_stylesheet_it_lacks() {
    fails_cleanly(
        |root| {
            child_theme(
                root,
                "mine",
                "name: mine\nextends: classic\nstylesheets: [mine.css]\n",
            )
        },
        &[
            "`mine.css` is not in the theme's static/ folder",
            "themes/mine/theme.yaml:3:1",
        ],
    );
}

#[test]
fn print_template_without_the_pieces() {
    fails_cleanly(
        |root| {
            edit(
                root,
                "themes/classic/templates/print.html",
                "{{ print.pieces | safe }}",
                "",
            )
        },
        &[
            "template themes/classic/templates/print.html never writes the pieces",
            "{{ print.pieces | safe }}",
        ],
    );
}

#[test]
fn duplicate_slug() {
    fails_cleanly(
        |root| {
            edit(
                root,
                "content/chapters/02-fangtan.md",
                "page: 35",
                "page: 35\nslug: jianghua",
            )
        },
        &[
            "duplicate slug `jianghua`",
            "02-fangtan.md:8:1",
            "01-jianghua.md has it too",
        ],
    );
}

#[test]
fn slug_that_escapes_the_site() {
    fails_cleanly(
        |root| edit(root, SPEECH, "slug: jianghua", "slug: ../../etc/passwd"),
        &["would lead outside the site folder", "01-jianghua.md:10:1"],
    );
}

#[cfg(unix)]
#[test]
fn chapter_linked_from_outside_the_root() {
    let outside = tempfile::tempdir().unwrap();
    let foreign = outside.path().join("secret.md");
    fs::write(&foreign, "---\ntitle: x\n---\n").unwrap();
    fails_cleanly(
        |root| {
            std::os::unix::fs::symlink(&foreign, root.join("content/chapters/09-link.md")).unwrap()
        },
        &[
            "leads outside the edition's root",
            "content/chapters/09-link.md:1:1",
        ],
    );
}

/// Only links are resolved below a chapters folder inside the root: the
/// folder itself linked from outside has every file checked.
#[cfg(unix)]
#[test]
fn chapters_folder_linked_from_outside_the_root() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("01-secret.md"), "---\ntitle: x\n---\n").unwrap();
    fails_cleanly(
        |root| {
            let chapters = root.join("content/chapters");
            fs::rename(&chapters, root.join("chapters-aside")).unwrap();
            std::os::unix::fs::symlink(outside.path(), &chapters).unwrap()
        },
        &[
            "leads outside the edition's root",
            "content/chapters/01-secret.md:1:1",
        ],
    );
}

/// A linked folder inside the chapters is not walked into, wherever it
/// leads: none of its files is read.
#[cfg(unix)]
#[test]
fn folder_linked_inside_the_chapters_is_not_walked_into() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: 机密\nslug: secret\n---\n\n机密正文\n",
    )
    .unwrap();
    let edition = edition("mini-zh");
    let root = edition.path();
    std::os::unix::fs::symlink(outside.path(), root.join("content/chapters/linked")).unwrap();
    let out = root.join("site");
    let built = build(root, &out, &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(!out.join("secret.html").exists());
    // (The EPUB is deflated: its pages are the site's, checked here.)
    let needle = "机密正文".as_bytes();
    for (file, bytes) in snapshot(&out) {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{file} holds a file behind the link"
        );
    }
}

#[test]
fn chapter_that_is_not_utf8() {
    fails_cleanly(
        |root| {
            // "正文" in GB 18030, as an editor's old file might be.
            let mut bytes = b"---\ntitle: x\n---\n\nok\n".to_vec();
            bytes.extend_from_slice(&[0xD5, 0xFD, 0xCE, 0xC4, b'\n']);
            fs::write(root.join("content/chapters/05-gbk.md"), bytes).unwrap();
        },
        &["not UTF-8", "content/chapters/05-gbk.md:6:1", "iconv"],
    );
}

#[test]
fn chapter_without_front_matter() {
    fails_cleanly(
        |root| fs::write(root.join("content/chapters/04-bare.md"), "正文而已\n").unwrap(),
        &["must start with YAML front matter", "04-bare.md:1:1"],
    );
}

#[test]
fn output_folder_zhushu_did_not_make() {
    let edition = edition("mini-zh");
    let precious = edition.path().join("thesis");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("chapter1.tex"), "years of work").unwrap();
    let result = build(edition.path(), &precious, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).contains("refusing to replace"),
        "{}",
        stderr(&result)
    );
    assert_eq!(
        fs::read_to_string(precious.join("chapter1.tex")).unwrap(),
        "years of work"
    );
}

#[test]
fn output_over_the_sources() {
    let edition = edition("mini-zh");
    for output in [
        edition.path().to_owned(),
        edition.path().join("content/site"),
    ] {
        let result = build(edition.path(), &output, &[]);
        assert_eq!(result.status.code(), Some(1));
        assert!(stderr(&result).contains("would overwrite the edition's sources"));
    }
    assert!(edition.path().join("content/edition.yaml").is_file());
}

#[test]
fn no_edition_at_all() {
    let empty = tempfile::tempdir().unwrap();
    let result = build(empty.path(), &empty.path().join("site"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains("no edition here"));
}

const NOTES: &str = "content/notes/notes.yaml";

#[test]
fn note_whose_text_is_gone() {
    fails_cleanly(
        |root| edit(root, NOTES, "exact: 三个会议", "exact: 三个会面"),
        &[
            "note `emend` quotes “三个会面”",
            "content/notes/notes.yaml:12:1",
            "the nearest text is “三个会议” in p2",
        ],
    );
}

#[test]
fn note_that_matches_twice() {
    fails_cleanly(
        |root| edit(root, NOTES, "    exact: 第一段\n", "    exact: 段\n"),
        &[
            "stands 2 times in chapter `jianghua` (p1, p3)",
            "notes.yaml:2:1",
            "add `prefix` or `suffix`",
        ],
    );
}

#[test]
fn note_for_a_chapter_that_does_not_exist() {
    fails_cleanly(
        |root| edit(root, NOTES, "chapter: fangtan", "chapter: fangtam"),
        &[
            "chapter `fangtam`, which does not exist",
            "did you mean `fangtan`?",
        ],
    );
}

#[test]
fn note_of_an_unknown_type() {
    fails_cleanly(
        |root| edit(root, NOTES, "type: gloss", "type: glos"),
        &[
            "unknown note type `glos`",
            "notes.yaml:7:1",
            "did you mean `gloss`?",
        ],
    );
}

const GLOSSARY: &str = "content/glossary.yaml";

#[test]
fn glossary_term_defined_twice() {
    fails_cleanly(
        |root| edit(root, GLOSSARY, "  - term: 坚持\n", "  - term: 大事记\n"),
        &[
            "duplicate glossary term `大事记` (also at line 7)",
            "content/glossary.yaml:9:1",
        ],
    );
}

#[test]
fn glossary_alias_claimed_by_two_entries() {
    fails_cleanly(
        |root| {
            edit(
                root,
                GLOSSARY,
                "  - term: 大事记\n",
                "  - term: 大事记\n    aliases: [“三个会议”]\n",
            )
        },
        &[
            "the alias `“三个会议”` of `大事记` is already claimed by the entry `三个会议` (line 2)",
            "glossary.yaml:7:1",
        ],
    );
}

#[test]
fn glossary_entry_without_definition() {
    fails_cleanly(
        |root| {
            edit(
                root,
                GLOSSARY,
                "definition: 出现在标题里的词，标题中不链接。",
                "definition: \"\"",
            )
        },
        &[
            "the glossary entry `坚持` has an empty definition",
            "glossary.yaml:9:1",
        ],
    );
}

#[test]
fn glossary_see_also_an_unknown_entry() {
    fails_cleanly(
        |root| edit(root, GLOSSARY, "see_also: [大事记]", "see_also: [大事纪]"),
        &[
            "sees also `大事纪`, which is no entry",
            "did you mean `大事记`?",
        ],
    );
}

/// The stages a build of `root` began before it stopped, and its error.
fn stages_before_failing(root: &Path) -> (Vec<&'static str>, String) {
    use std::sync::{Arc, Mutex};
    use zhushu::build::{BuildOptions, Progress, ProgressSink, build};
    let stages = Arc::new(Mutex::new(Vec::new()));
    let seen = stages.clone();
    let error = build(&BuildOptions {
        root: root.to_owned(),
        output: Some(root.join("site")),
        progress: Some(ProgressSink(Arc::new(move |p| {
            if let Progress::Stage(stage) = p {
                seen.lock().unwrap().push(stage);
            }
        }))),
        ..BuildOptions::default()
    })
    .expect_err("the build fails");
    let stages = stages.lock().unwrap().clone();
    (stages, error.to_string())
}

/// A broken theme is told before any chapter is loaded, and a broken
/// glossary, index or quotation decision before quotations are detected:
/// at 100,000 pieces those stages take a minute and more.
#[test]
fn the_theme_and_the_editors_files_are_checked_before_the_long_stages() {
    let edition = edition("mini-zh");
    let root = edition.path();
    edit(
        root,
        "content/edition.yaml",
        "theme: classic",
        "theme: clasic",
    );
    let (stages, error) = stages_before_failing(root);
    assert_eq!(stages, ["theme"], "{error}");
    assert!(error.contains("theme `clasic` does not exist"), "{error}");
    edit(
        root,
        "content/edition.yaml",
        "theme: clasic",
        "theme: classic",
    );
    for (file, broken) in [
        ("content/glossary.yaml", "terms: [unclosed\n"),
        ("content/index.yaml", "names: [unclosed\n"),
        ("content/quotations.yaml", "reject: [unclosed\n"),
    ] {
        let path = root.join(file);
        let before = fs::read(&path).ok();
        fs::write(&path, broken).unwrap();
        let (stages, error) = stages_before_failing(root);
        assert_eq!(stages, ["theme", "load", "notes"], "{file}: {error}");
        assert!(
            error.contains(file.trim_start_matches("content/")),
            "{file}: {error}"
        );
        match before {
            Some(bytes) => fs::write(&path, bytes).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
    }
}
