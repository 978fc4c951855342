//! Bad input, as a careless or hostile author would write it, one case a
//! row: each writes the small edition `mini-zh` into a folder of its own,
//! builds it once, breaks it, and builds again. Every case must fail with
//! exit code 1 (never a panic: no 101, no "panicked"), say which file (and
//! line and column, where there is one) in a message starting `error: `,
//! leave the previous site byte for byte and the author's files as they
//! were, and leave no staging folder; `zhushu check` must report the same
//! place. tests/errors.rs holds one test per kind of message; this is the
//! breadth.

mod common;

use common::*;
use std::fs;
use std::path::Path;

const EDITION: &str = "content/edition.yaml";
const SPEECH: &str = "content/chapters/01-jianghua.md";
const INTERVIEW: &str = "content/chapters/02-fangtan.md";
const NOTES: &str = "content/notes/notes.yaml";
const GLOSSARY: &str = "content/glossary.yaml";

struct Case {
    name: &'static str,
    spoil: fn(&Path),
    /// Fragments the build's message must hold: the file, line and column
    /// (`path:line:col`), the quoted line (`N | text`), the words.
    expected: &'static [&'static str],
    /// Arguments added to `zhushu build`.
    args: &'static [&'static str],
    /// Whether `zhushu check` must find it too (not for what only the
    /// command line says).
    check: bool,
}

const fn case(name: &'static str, spoil: fn(&Path), expected: &'static [&'static str]) -> Case {
    Case {
        name,
        spoil,
        expected,
        args: &[],
        check: true,
    }
}

fn append(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    let mut bytes = fs::read(&path).unwrap_or_default();
    bytes.extend_from_slice(text.as_bytes());
    fs::write(path, bytes).unwrap();
}

fn write(root: &Path, file: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A chapter with this front matter and a line of text.
fn chapter(root: &Path, file: &str, front: &str) {
    write(root, file, format!("---\n{front}\n---\n\n正文。\n"));
}

const CASES: &[Case] = &[
    // ---- edition.yaml ----------------------------------------------------
    case(
        "edition.yaml: an unclosed quote, at its opening",
        |r| edit(r, EDITION, "subtitle: 测试用例", "subtitle: \"测试用例"),
        &[
            "content/edition.yaml:2:11",
            "2 | subtitle: \"测试用例",
            "never closed",
        ],
    ),
    case(
        "edition.yaml: an unclosed single quote on the last line",
        |r| edit(r, EDITION, "theme: classic", "theme: 'classic"),
        &["content/edition.yaml:8:8", "8 | theme: 'classic"],
    ),
    case(
        "edition.yaml: a duplicated key, at its second copy",
        |r| append(r, EDITION, "title: 又一个\n"),
        &[
            "duplicate field `title`",
            "content/edition.yaml:9:1",
            "9 | title: 又一个",
        ],
    ),
    case(
        "edition.yaml: a duplicated nested key",
        |r| {
            append(
                r,
                EDITION,
                "options:\n  drafts: true\n  paragraph_numbers: false\n  drafts: false\n",
            )
        },
        &[
            "duplicate field `drafts`",
            "content/edition.yaml:12:3",
            "12 |   drafts: false",
        ],
    ),
    case(
        "edition.yaml: base_url without a scheme",
        |r| append(r, EDITION, "base_url: example.org/edition\n"),
        &[
            "base URL `example.org/edition` must start with https:// or http://",
            "content/edition.yaml:9:1",
        ],
    ),
    case(
        "edition.yaml: base_url without a host",
        |r| append(r, EDITION, "base_url: \"https:///edition\"\n"),
        &["names no host", "content/edition.yaml:9:1"],
    ),
    case(
        "edition.yaml: an empty title",
        |r| edit(r, EDITION, "title: 小文集", "title: \"  \""),
        &["the edition's `title` is empty", "content/edition.yaml:1:1"],
    ),
    case(
        "edition.yaml: no title at all",
        |r| edit(r, EDITION, "title: 小文集\n", ""),
        &["missing field `title`", "content/edition.yaml:1:"],
    ),
    case(
        "edition.yaml: a language that is no tag",
        |r| edit(r, EDITION, "language: zh-CN", "language: zh CN"),
        &["`zh CN` is not a language tag", "content/edition.yaml:4:1"],
    ),
    case(
        "edition.yaml: editors as a string, not a list",
        |r| edit(r, EDITION, "editors: [编者甲, 编者乙]", "editors: {a: 1}"),
        &["invalid type", "content/edition.yaml:5:"],
    ),
    case(
        "edition.yaml: a month 13",
        |r| edit(r, EDITION, "date: 2022-04", "date: 2022-13"),
        &["content/edition.yaml:7:7", "7 | date: 2022-13"],
    ),
    case(
        "edition.yaml: an unknown option",
        |r| append(r, EDITION, "options:\n  paragraph_number: false\n"),
        &[
            "unknown field `paragraph_number`",
            "content/edition.yaml:10:3",
            "did you mean `paragraph_numbers`?",
        ],
    ),
    case(
        "edition.yaml: a tab for indentation",
        |r| append(r, EDITION, "options:\n\tdrafts: true\n"),
        &["content/edition.yaml:10:1", "replace the tab"],
    ),
    case(
        "edition.yaml: a form feed, which YAML forbids",
        |r| edit(r, EDITION, "publisher: 测试", "publisher: \u{c}测试"),
        &["content/edition.yaml:6:12", "6 | publisher: ␌测试出版社"],
    ),
    case(
        "edition.yaml: a NUL character",
        |r| append(r, EDITION, "description: \u{0}\n"),
        &["content/edition.yaml:9:14"],
    ),
    case(
        "edition.yaml: not UTF-8",
        |r| {
            let mut bytes = fs::read(r.join(EDITION)).unwrap();
            bytes.extend_from_slice(b"description: \xFF\n");
            write(r, EDITION, bytes);
        },
        &["not UTF-8", "content/edition.yaml:9:14"],
    ),
    case(
        "edition.yaml: a list, not a mapping",
        |r| write(r, EDITION, "- title: 小文集\n"),
        &["invalid type", "content/edition.yaml:1:"],
    ),
    case(
        "edition.yaml: a chosen theme that does not exist",
        |r| edit(r, EDITION, "theme: classic", "theme: modren"),
        &["theme `modren` does not exist", "did you mean `modern`?"],
    ),
    // ---- a chapter's front matter ------------------------------------------
    case(
        "front matter: an unclosed quote, at its opening and not at `---`",
        |r| {
            edit(
                r,
                SPEECH,
                "subtitle: ——在座谈会上的讲话",
                "subtitle: \"——在座谈会上的讲话",
            )
        },
        &[
            "01-jianghua.md:3:11",
            "3 | subtitle: \"——在座谈会上的讲话",
            "never closed",
        ],
    ),
    case(
        "front matter: a duplicated key, at its second copy",
        |r| edit(r, SPEECH, "page: 1\n", "page: 1\ntitle: 又一个\n"),
        &[
            "duplicate field `title`",
            "01-jianghua.md:12:1",
            "12 | title: 又一个",
        ],
    ),
    case(
        "front matter: a key without its colon",
        |r| edit(r, SPEECH, "kind: speech", "kind speech"),
        &["01-jianghua.md:8:1", "8 | kind speech"],
    ),
    case(
        "front matter: an unclosed list",
        |r| edit(r, SPEECH, "kind: speech", "kind: [speech"),
        &["01-jianghua.md:8:7"],
    ),
    case(
        "front matter: order that is no number",
        |r| edit(r, SPEECH, "order: 1", "order: first"),
        &["invalid type: string \"first\"", "01-jianghua.md:9:"],
    ),
    case(
        "front matter: draft that is no boolean",
        |r| edit(r, SPEECH, "order: 1", "order: 1\ndraft: maybe"),
        &["01-jianghua.md:10:", "draft: maybe"],
    ),
    case(
        "front matter: authors as a mapping",
        |r| edit(r, INTERVIEW, "authors: [采访组]", "authors: {name: 采访组}"),
        &["invalid type: map", "02-fangtan.md:3:"],
    ),
    case(
        "front matter: an unknown key",
        |r| edit(r, SPEECH, "page: 1", "pages: 1"),
        &[
            "unknown field `pages`",
            "01-jianghua.md:11:1",
            "did you mean `page`?",
        ],
    ),
    case(
        "front matter: a day that does not exist",
        |r| edit(r, SPEECH, "date: 2014-05-08", "date: 2014-02-30"),
        &["01-jianghua.md:7:7", "7 | date: 2014-02-30"],
    ),
    case(
        "front matter: a date in words",
        |r| edit(r, SPEECH, "date: 2014-05-08", "date: May 2014"),
        &["not a date", "01-jianghua.md:7:7"],
    ),
    case(
        "front matter: an empty title",
        |r| {
            edit(
                r,
                SPEECH,
                "title: 办公室工作要做到“三个坚持”",
                "title: \"\"",
            )
        },
        &["the chapter's `title` is empty", "01-jianghua.md:2:1"],
    ),
    case(
        "front matter: never closed",
        |r| {
            write(
                r,
                "content/chapters/04-open.md",
                "---\ntitle: 未完\n\n正文。\n",
            )
        },
        &[
            "must start with YAML front matter",
            "content/chapters/04-open.md:1:1",
        ],
    ),
    case(
        "front matter: a list, not a mapping",
        |r| chapter(r, "content/chapters/04-list.md", "- title: 列表"),
        &["invalid type", "content/chapters/04-list.md:2:"],
    ),
    case(
        "front matter: a form feed, which YAML forbids",
        |r| edit(r, SPEECH, "kind: speech", "kind: spe\u{c}ech"),
        &["01-jianghua.md:8:10", "8 | kind: spe␌ech"],
    ),
    case(
        "front matter: BOM and CRLF, and an unclosed list",
        |r| {
            let text = fs::read_to_string(r.join(SPEECH)).unwrap();
            let text = text.replacen("kind: speech", "kind: [speech", 1);
            write(r, SPEECH, format!("\u{feff}{}", text.replace('\n', "\r\n")));
        },
        &["01-jianghua.md:8:7"],
    ),
    case(
        "front matter: a 400,000-character line with an unclosed quote",
        |r| {
            let long = "长".repeat(400_000);
            edit(
                r,
                SPEECH,
                "subtitle: ——在座谈会上的讲话",
                &format!("subtitle: '{long}"),
            );
        },
        &["01-jianghua.md:3:11", "3 | subtitle: '长长", "长…"],
    ),
    // ---- slugs ---------------------------------------------------------------
    case(
        "slug: con, a device name on Windows",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: con"),
        &[
            "slug `con` is a device name on Windows",
            "01-jianghua.md:10:1",
            "10 | slug: con",
        ],
    ),
    case(
        "slug: lpt1",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: lpt1"),
        &[
            "slug `lpt1` is a device name on Windows",
            "01-jianghua.md:10:1",
        ],
    ),
    case(
        "slug: aux with an extension",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: aux.txt"),
        &[
            "slug `aux.txt` is a device name on Windows",
            "01-jianghua.md:10:1",
        ],
    ),
    case(
        "slug: nul from the file name",
        |r| chapter(r, "content/chapters/07-nul.md", "title: 空"),
        &[
            "the file name gives none",
            "slug `nul` is a device name on Windows",
            "content/chapters/07-nul.md:1:1",
        ],
    ),
    case(
        "slug: one differing from another only by case",
        |r| edit(r, INTERVIEW, "page: 35", "page: 35\nslug: Jianghua"),
        &[
            "slug `Jianghua` must be lowercase",
            "only by case",
            "02-fangtan.md:8:1",
        ],
    ),
    case(
        "slug: the same as another chapter's",
        |r| edit(r, INTERVIEW, "page: 35", "page: 35\nslug: jianghua"),
        &[
            "duplicate slug `jianghua`",
            "02-fangtan.md:8:1",
            "01-jianghua.md has it too",
        ],
    ),
    case(
        "slug: with `..`",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: a..b"),
        &["would lead outside the site folder", "01-jianghua.md:10:1"],
    ),
    case(
        "slug: with `/`",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: notes/x"),
        &["would lead outside the site folder", "01-jianghua.md:10:1"],
    ),
    case(
        "slug: empty",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: \"\""),
        &["the slug is empty", "01-jianghua.md:10:1"],
    ),
    case(
        "slug: a page of the site's own",
        |r| edit(r, SPEECH, "slug: jianghua", "slug: glossary"),
        &["slug `glossary` is reserved", "01-jianghua.md:10:1"],
    ),
    // ---- chapter files -------------------------------------------------------
    case(
        "chapter: empty file",
        |r| write(r, "content/chapters/05-empty.md", ""),
        &[
            "must start with YAML front matter",
            "content/chapters/05-empty.md:1:1",
        ],
    ),
    case(
        "chapter: not UTF-8 (GB 18030) in the body",
        |r| {
            let mut bytes = b"---\ntitle: x\n---\n\nok\n".to_vec();
            bytes.extend_from_slice(&[0xD5, 0xFD, 0xCE, 0xC4, b'\n']);
            write(r, "content/chapters/05-gbk.md", bytes);
        },
        &["not UTF-8", "content/chapters/05-gbk.md:6:1"],
    ),
    case(
        "chapter: not UTF-8 in the front matter",
        |r| {
            write(
                r,
                "content/chapters/05-gbk.md",
                b"---\ntitle: \xD5\xFD\n---\n",
            )
        },
        &["not UTF-8", "content/chapters/05-gbk.md:2:8"],
    ),
    // ---- notes ---------------------------------------------------------------
    case(
        "note: its text no longer stands in the chapter",
        |r| edit(r, SPEECH, "第一段，有脚注", "首段，有脚注"),
        &[
            "note `lunyu` quotes “第一段”",
            "content/notes/notes.yaml:2:1",
        ],
    ),
    case(
        "note: an unclosed quote",
        |r| edit(r, NOTES, "exact: 第一部分", "exact: \"第一部分"),
        &["content/notes/notes.yaml:10:12", "never closed"],
    ),
    case(
        "note: a duplicated key",
        |r| {
            edit(
                r,
                NOTES,
                "    body: 据文意改。\n",
                "    body: 据文意改。\n    exact: 三个\n",
            )
        },
        &[
            "duplicate field `exact`",
            "content/notes/notes.yaml:20:5",
            "20 |     exact: 三个",
        ],
    ),
    case(
        "note: without its chapter",
        |r| {
            edit(
                r,
                NOTES,
                "    chapter: jianghua\n    type: gloss\n",
                "    type: gloss\n",
            )
        },
        &["missing field `chapter`", "content/notes/notes.yaml:"],
    ),
    case(
        "note: occurrence beyond the text",
        |r| edit(r, NOTES, "occurrence: 1", "occurrence: 9"),
        &["content/notes/notes.yaml:20:1"],
    ),
    // ---- glossary ------------------------------------------------------------
    case(
        "glossary: an empty alias, at its line",
        |r| {
            edit(
                r,
                GLOSSARY,
                "  - term: 大事记\n",
                "  - term: 大事记\n    aliases: [\"\"]\n",
            )
        },
        &[
            "the glossary entry `大事记` has an empty alias",
            "content/glossary.yaml:8:1",
            "8 |     aliases: [\"\"]",
        ],
    ),
    case(
        "glossary: a whitespace-only alias in a block list",
        |r| {
            edit(
                r,
                GLOSSARY,
                "  - term: 大事记\n",
                "  - term: 大事记\n    aliases:\n      - 记事\n      - \"  \"\n",
            )
        },
        &[
            "the glossary entry `大事记` has an empty alias (its second)",
            "content/glossary.yaml:10:1",
        ],
    ),
    case(
        "glossary: see_also an entry that does not exist",
        |r| edit(r, GLOSSARY, "see_also: [大事记]", "see_also: [不存在]"),
        &[
            "sees also `不存在`, which is no entry",
            "content/glossary.yaml:2:1",
        ],
    ),
    case(
        "glossary: a duplicated key in an entry",
        |r| {
            edit(
                r,
                GLOSSARY,
                "  - term: 坚持\n",
                "  - term: 坚持\n    term: 又一个\n",
            )
        },
        &["duplicate field `term`", "content/glossary.yaml:10:5"],
    ),
    case(
        "glossary: an empty term",
        |r| edit(r, GLOSSARY, "  - term: 坚持\n", "  - term: \" \"\n"),
        &["empty `term`", "content/glossary.yaml:9:1"],
    ),
    case(
        "glossary: entries that are no list",
        |r| write(r, GLOSSARY, "entries:\n  term: 坚持\n"),
        &["invalid type", "content/glossary.yaml:2:"],
    ),
    // ---- themes and templates ------------------------------------------------
    case(
        "template: missing",
        |r| fs::remove_file(r.join("themes/classic/templates/index.html")).unwrap(),
        &["theme `classic` has no template `index.html`"],
    ),
    case(
        "template: a syntax error",
        |r| append(r, "themes/classic/templates/chapter.html", "\n{% for %}\n"),
        &[
            "template `chapter.html`",
            "themes/classic/templates/chapter.html:",
        ],
    ),
    case(
        "template: the author's override with a syntax error",
        |r| write(r, "content/templates/index.html", "{% if %}\n"),
        &["content/templates/index.html:"],
    ),
    case(
        "theme.yaml: an unclosed quote",
        |r| {
            edit(
                r,
                "themes/classic/theme.yaml",
                "name: classic",
                "name: \"classic",
            )
        },
        &["themes/classic/theme.yaml:1:7", "never closed"],
    ),
    // ---- quotations.yaml -----------------------------------------------------
    case(
        "quotations.yaml: a duplicated key",
        |r| {
            write(
                r,
                "content/quotations.yaml",
                "decisions: []\n# again\ndecisions: []\n",
            )
        },
        &[
            "duplicate field `decisions`",
            "content/quotations.yaml:3:1",
            "3 | decisions: []",
        ],
    ),
];

/// The command line's own base URL, checked before anything is rendered.
const COMMAND_LINE: &[Case] = &[Case {
    name: "--base-url without a scheme",
    spoil: |_| {},
    expected: &["--base-url: base URL `example.org` must start with https:// or http://"],
    args: &["--base-url", "example.org"],
    check: false,
}];

/// The author's files: content/ and themes/.
fn sources(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(&root.join("content"));
    files.extend(
        snapshot(&root.join("themes"))
            .into_iter()
            .map(|(k, v)| (format!("themes/{k}"), v)),
    );
    files
}

/// What is wrong with how `case` failed, if anything.
fn run(case: &Case) -> Result<(), String> {
    let edition = edition("mini-zh");
    let root = edition.path();
    let site = root.join("site");
    let first = build(root, &site, &[]);
    if !first.status.success() {
        return Err(format!("the good build failed: {}", stderr(&first)));
    }
    let before = snapshot(&site);
    (case.spoil)(root);
    let authored = sources(root);

    let second = build(root, &site, case.args);
    let message = stderr(&second);
    let mut wrong = Vec::new();
    if second.status.code() != Some(1) {
        wrong.push(format!("exit status {:?}, not 1", second.status.code()));
    }
    if message.contains("panicked") {
        wrong.push("a panic".to_owned());
    }
    if !message.starts_with("error: ") {
        wrong.push("the message does not start with `error: `".to_owned());
    }
    for fragment in case.expected {
        if !message.contains(fragment) {
            wrong.push(format!("no {fragment:?} in the message"));
        }
    }
    if snapshot(&site) != before {
        wrong.push("the previous site changed".to_owned());
    }
    if sources(root) != authored {
        wrong.push("the author's files changed".to_owned());
    }
    let leftovers: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".zhushu-") || n.ends_with(".old"))
        .collect();
    if !leftovers.is_empty() {
        wrong.push(format!("left behind: {leftovers:?}"));
    }
    if case.check {
        let checked = zhushu(&["check", "--root", root.to_str().unwrap()]);
        let said = stderr(&checked);
        if checked.status.code() != Some(1) || said.contains("panicked") {
            wrong.push(format!(
                "`zhushu check` exited {:?}:\n{said}",
                checked.status.code()
            ));
        } else if let Some(place) = case
            .expected
            .iter()
            .find(|f| f.contains(".md:") || f.contains(".yaml:"))
            && !said.contains(place)
        {
            wrong.push(format!("`zhushu check` does not say {place:?}:\n{said}"));
        }
        if sources(root) != authored {
            wrong.push("`zhushu check` changed the author's files".to_owned());
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n--- the build said ---\n{message}",
            wrong.join("; ")
        ))
    }
}

#[test]
fn every_bad_input_fails_cleanly_where_it_is() {
    let cases: Vec<&Case> = CASES.iter().chain(COMMAND_LINE).collect();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| run(case).err().map(|why| format!("* {}: {why}", case.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases went wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
