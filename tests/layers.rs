//! The layers point one way (ARCHITECTURE.md, "Layers"): each top module of
//! src/ may name, through `crate::` paths, only the modules this table
//! allows. A `use` that points up a layer (load reaching into render,
//! render into import, ...) fails here with the file and line, before it
//! ties the modules into one import cycle.
//!
//! Read from the source text, as a reader would: every `crate::NAME` and
//! every name in `crate::{…}` outside comments. `super::` paths stay inside
//! a top module, and `main.rs` (the binary) and `lib.rs` (which declares the
//! modules) stand above all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top module and the modules it may use. The order is the layers'
/// from the bottom; a module not listed is an error, so that a new one is
/// placed on purpose.
const ALLOWED: &[(&str, &[&str])] = &[
    // The bottom: no other module of the crate, or one beside it.
    ("diagnostic", &[]),
    ("digest", &[]),
    ("memo", &[]),
    ("memory", &[]),
    ("slug", &[]),
    ("date", &[]),
    ("files", &["diagnostic"]),
    ("yaml", &["diagnostic"]),
    // Data: what edition.yaml says, and the model everything passes on.
    ("config", &["date", "diagnostic", "yaml"]),
    ("model", &["config", "date"]),
    ("markdown", &["model"]),
    // content/ → model, then what is found in it.
    (
        "load",
        &[
            "config",
            "diagnostic",
            "digest",
            "files",
            "markdown",
            "model",
            "slug",
            "yaml",
        ],
    ),
    (
        "enrich",
        &[
            "config",
            "date",
            "diagnostic",
            "digest",
            "files",
            "markdown",
            "memo",
            "memory",
            "model",
            "yaml",
        ],
    ),
    // Raw text → content/, beside load: it reads no edition and writes no HTML.
    (
        "import",
        &[
            "date",
            "diagnostic",
            "enrich",
            "files",
            "markdown",
            "model",
            "slug",
            "yaml",
        ],
    ),
    ("theme", &["diagnostic", "files", "slug", "yaml"]),
    // Model → files; never reads content/ (no load), knows nothing of import
    // or of where the files go (output).
    (
        "render",
        &[
            "config",
            "date",
            "diagnostic",
            "digest",
            "enrich",
            "markdown",
            "memo",
            "memory",
            "model",
            "slug",
            "theme",
        ],
    ),
    ("output", &["diagnostic"]),
    // The pipeline put together.
    (
        "build",
        &[
            "config",
            "diagnostic",
            "enrich",
            "load",
            "memo",
            "memory",
            "model",
            "output",
            "render",
            "theme",
        ],
    ),
    // The commands beside build, on top; none uses another.
    (
        "check",
        &[
            "build",
            "config",
            "diagnostic",
            "enrich",
            "files",
            "load",
            "markdown",
            "model",
            "render",
            "theme",
        ],
    ),
    ("pdf", &["build", "config", "diagnostic", "files", "slug"]),
    (
        "review",
        &["diagnostic", "enrich", "load", "model", "render"],
    ),
    ("serve", &["build", "diagnostic", "output"]),
    ("scaffold", &["config", "diagnostic"]),
    // Entry points for the fuzz targets: the layers below the commands.
    (
        "fuzzing",
        &[
            "config",
            "diagnostic",
            "enrich",
            "import",
            "load",
            "markdown",
            "model",
            "render",
            "slug",
            "theme",
            "yaml",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top module a file belongs to: `src/render/body.rs` → `render`.
fn top_module(src: &Path, file: &Path) -> String {
    let first = file.strip_prefix(src).unwrap().components().next().unwrap();
    let name = first.as_os_str().to_str().unwrap();
    name.strip_suffix(".rs").unwrap_or(name).to_owned()
}

/// The top modules a line names through `crate::` (`crate::a::b` → `a`,
/// `crate::{a, b::c}` → `a`, `b`).
fn crate_paths(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        // `zhushu_crate::` or `some_crate::` are other names.
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Every `crate::` use that breaks the table, as `file:line: a uses b`.
fn violations(src: &Path) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let shown = file.strip_prefix(src.parent().unwrap()).unwrap().display();
        if file.parent() == Some(src)
            && ["main.rs", "lib.rs"].contains(&file.file_name().unwrap().to_str().unwrap())
        {
            continue;
        }
        let module = top_module(src, &file);
        let Some(may_use) = allowed.get(module.as_str()) else {
            found.push(format!(
                "{shown}: module `{module}` is in no layer: add it to ALLOWED in tests/layers.rs \
                 and to ARCHITECTURE.md"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                if used != module && !may_use.contains(&used.as_str()) {
                    found.push(format!(
                        "{shown}:{}: `{module}` uses `{used}`, which its layer may not know",
                        n + 1
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "uses that break the layers (ARCHITECTURE.md, \"Layers\"):\n{}",
        found.join("\n")
    );
}

#[test]
fn paths_are_read_as_the_compiler_reads_them() {
    assert_eq!(crate_paths("use crate::render::cache::key;"), ["render"]);
    assert_eq!(
        crate_paths("use crate::{enrich, load::read_text, theme};"),
        ["enrich", "load", "theme"]
    );
    assert_eq!(
        crate_paths("let x = crate::digest::key(|h| crate::slug::slug_for(t));"),
        ["digest", "slug"]
    );
    assert!(crate_paths("use zhushu_crate::x; use super::y;").is_empty());
}

/// The table itself points one way: a module may use only modules listed
/// before it, so the table cannot hide a cycle.
#[test]
fn the_table_has_no_cycle() {
    for (i, (module, uses)) in ALLOWED.iter().enumerate() {
        for used in *uses {
            let at = ALLOWED.iter().position(|(m, _)| m == used);
            assert!(
                at.is_some_and(|at| at < i),
                "`{module}` may use `{used}`, which is not a layer below it in ALLOWED"
            );
        }
    }
}
