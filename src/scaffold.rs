//! `zhushu new DIR`: a small edition that builds as it is, with the classic
//! theme copied in so that it can be changed.

use std::fs;
use std::path::Path;

use crate::config::is_language_tag;
use crate::diagnostic::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));

const EDITION_ZH: &str = "\
title: 新文集
subtitle: 注疏示例
language: zh-CN
editors: [编者]
publisher: 出版者
date: 2026-01
theme: classic
";

const SPEECH_ZH: &str = "\
---
title: 第一篇
subtitle: ——示例讲话
authors:
  - name: 作者甲
    role: 示例单位负责人
date: 2026-01-05
kind: speech
order: 1
page: 1
source: 示例来源
---

每一段都有编号和锚点，读者可以按段引用。注释用脚注写成[^1]。

## 一、标题按层级书写

中文里的软换行
不会变成空格。强调用着重号：*这里*。

[^1]: 脚注的正文，显示在本篇末尾，并可跳回原处。
";

const INTERVIEW_ZH: &str = "\
---
title: 第二篇
authors: [采访者乙]
date: 2026-02
kind: interview
order: 2
page: 5
---

**问：**访谈中，以加粗的说话人开头的段落按对话排版。

**答：**说话人的名字连同冒号一起加粗，例如 `**采访组：**`。

| 年份 | 事项 |
|------|------|
| 2025 | 表格照常书写 |
";

const EDITION_EN: &str = "\
title: A New Edition
subtitle: A zhushu example
language: en
editors: [The Editor]
publisher: The Publisher
date: 2026-01
theme: classic
";

const SPEECH_EN: &str = "\
---
title: The First Piece
subtitle: An example speech
authors:
  - name: A. Speaker
    role: Example role
date: 2026-01-05
kind: speech
order: 1
page: 1
source: Example source
---

Every paragraph has a number and an anchor, so readers can cite it. Notes are
footnotes[^1].

## I. Headings keep their level

Emphasis is *italic* in English.

[^1]: The note's text, shown at the end of the piece, with a link back.
";

const INTERVIEW_EN: &str = "\
---
title: The Second Piece
authors: [An Interviewer]
date: 2026-02
kind: interview
order: 2
page: 5
---

**Q:** A paragraph that starts with a bold speaker label is set as dialogue.

**A:** Put the colon inside the bold label, as in `**Q:**`.

| Year | Event |
|------|-------|
| 2025 | Tables are written as usual |
";

/// The languages `zhushu new` has example content for, by primary subtag:
/// the classic theme's labels exist in these too (themes/classic/strings/).
pub const LANGUAGES: &[(&str, &str)] = &[("zh", "Chinese"), ("en", "English")];

/// Which example content a language tag gets: `zh`, `zh-Hant` or `zh-TW`
/// the Chinese, `en` or `en-GB` the English. Any other language is an
/// error that lists these, rather than an edition that says `fr` and is
/// written in English.
fn example_language(language: &str) -> Result<&'static str> {
    let primary = language
        .split('-')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if !is_language_tag(language) {
        return Err(Error::new(format!("`{language}` is not a language tag"))
            .with_help("use a BCP 47 tag such as `zh-CN`, `zh-Hant` or `en`"));
    }
    match LANGUAGES.iter().find(|(code, _)| *code == primary) {
        Some((code, _)) => Ok(code),
        None => {
            let known: Vec<String> = LANGUAGES
                .iter()
                .map(|(code, name)| format!("{code} ({name})"))
                .collect();
            Err(Error::new(format!(
                "zhushu new has no example content in `{language}`; it has {}",
                known.join(" and ")
            ))
            .with_help(format!(
                "make the edition with `--language en`, then set `language: {language}` in \
                 content/edition.yaml: the site is then marked `{language}`, and the theme's \
                 labels stay English until the theme has strings/{primary}.yaml"
            )))
        }
    }
}

pub fn new_edition(dir: &Path, language: &str) -> Result<()> {
    let example = example_language(language)?;
    if dir.exists()
        && fs::read_dir(dir)
            .map_err(|e| Error::io("read", dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::new(format!(
            "{} already exists and is not empty; zhushu new only writes into a new or empty folder",
            dir.display()
        )));
    }
    let (edition, speech, interview) = if example == "zh" {
        (
            EDITION_ZH.replace("language: zh-CN", &format!("language: {language}")),
            SPEECH_ZH,
            INTERVIEW_ZH,
        )
    } else {
        (
            EDITION_EN.replace("language: en", &format!("language: {language}")),
            SPEECH_EN,
            INTERVIEW_EN,
        )
    };
    let files: Vec<(String, &[u8])> = [
        ("content/edition.yaml".to_owned(), edition.as_bytes()),
        ("content/chapters/01-first.md".to_owned(), speech.as_bytes()),
        (
            "content/chapters/02-second.md".to_owned(),
            interview.as_bytes(),
        ),
        (".gitignore".to_owned(), b"/site/\n".as_slice()),
    ]
    .into_iter()
    .collect();
    write_files(dir, files)?;
    write_classic_theme(dir)?;
    Ok(())
}

/// Copies the classic theme into `root/themes/classic` unless the edition
/// has a `themes/` folder already: an edition made by `zhushu import` into a
/// new folder then builds as it is. Returns whether it was copied.
pub fn write_classic_theme(root: &Path) -> Result<bool> {
    if root.join("themes").exists() {
        return Ok(false);
    }
    write_files(
        root,
        CLASSIC_THEME
            .iter()
            .map(|(path, bytes)| (format!("themes/classic/{path}"), *bytes))
            .collect(),
    )?;
    Ok(true)
}

fn write_files(root: &Path, files: Vec<(String, &[u8])>) -> Result<()> {
    for (relative, bytes) in files {
        let path = root.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(())
}
