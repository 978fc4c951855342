//! A theme is data: `themes/<name>/` with `theme.yaml`, Tera `templates/`,
//! `static/` files and `strings/<lang>.yaml`. A theme may extend another and
//! provide only what it changes; an edition may override single templates
//! in `content/templates/`. Later layers win, file by file.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

use crate::diagnostic::{Error, Result};
use crate::files::{display_path, read_text};
use crate::yaml;

/// Templates a theme must provide (itself or through a parent).
pub const REQUIRED_TEMPLATES: &[&str] = &["index.html", "chapter.html"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeManifest {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub extends: Option<String>,
    /// Files under `static/` that every page links, after those of the
    /// theme's parents: a child theme adds a sheet instead of copying one.
    #[serde(default)]
    pub stylesheets: Vec<String>,
    /// Further sheets that only the print edition (print.html) links,
    /// after `stylesheets`; inherited and extended the same way.
    #[serde(default)]
    pub print_stylesheets: Vec<String>,
    /// Scripts under `static/` that every page loads (deferred), after
    /// those of the theme's parents.
    #[serde(default)]
    pub scripts: Vec<String>,
    /// How the text runs; inherited when absent.
    #[serde(default)]
    pub writing_mode: Option<WritingMode>,
}

/// `horizontal` (the default) or `vertical` (竖排: lines run top to bottom,
/// and pages, columns and the EPUB's spine from right to left).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WritingMode {
    #[default]
    Horizontal,
    Vertical,
}

#[derive(Debug)]
pub struct TemplateFile {
    pub path: PathBuf,
    pub source: String,
}

#[derive(Debug)]
pub struct Theme {
    pub name: String,
    pub tera: tera::Tera,
    /// Template name → its file (as shown to users) and text, for errors.
    pub templates: BTreeMap<String, TemplateFile>,
    /// Path under `static/` → the file to copy there.
    pub static_files: BTreeMap<String, PathBuf>,
    /// The UI strings for the edition's language.
    pub strings: serde_json::Value,
    /// Stylesheets (paths under `static/`) in the order pages link them.
    pub stylesheets: Vec<String>,
    /// Sheets print.html links after `stylesheets`.
    pub print_stylesheets: Vec<String>,
    /// Scripts every page loads, parents' first.
    pub scripts: Vec<String>,
    pub writing_mode: WritingMode,
}

pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme> {
    let chain = resolve_chain(root, name)?;
    let mut stylesheets: Vec<String> = Vec::new();
    let mut print_stylesheets: Vec<String> = Vec::new();
    let mut scripts: Vec<String> = Vec::new();
    let mut writing_mode = WritingMode::default();
    let mut templates: BTreeMap<String, TemplateFile> = BTreeMap::new();
    let mut static_files = BTreeMap::new();
    let mut strings = serde_json::Value::Object(Default::default());
    // Parents first, so that children override them.
    for (dir, manifest) in chain.iter().rev() {
        for (own, all) in [
            (&manifest.stylesheets, &mut stylesheets),
            (&manifest.print_stylesheets, &mut print_stylesheets),
            (&manifest.scripts, &mut scripts),
        ] {
            for sheet in own {
                if !all.contains(sheet) {
                    all.push(sheet.clone());
                }
            }
        }
        writing_mode = manifest.writing_mode.unwrap_or(writing_mode);
        add_templates(root, &dir.join("templates"), &mut templates)?;
        collect(&dir.join("static"), &mut |rel, path| {
            static_files.insert(rel, path.to_owned());
            Ok(())
        })?;
        if let Some(file) = strings_file(dir, language) {
            let text = read_text(&file)?;
            let layer: serde_json::Value = yaml::parse_file(&text, &display_path(root, &file))?;
            merge(&mut strings, layer);
        }
    }
    add_templates(
        root,
        &root.join("content").join("templates"),
        &mut templates,
    )?;

    for sheet in stylesheets.iter().chain(&print_stylesheets).chain(&scripts) {
        if !static_files.contains_key(sheet) {
            let declared_in = chain
                .iter()
                .find(|(_, m)| {
                    m.stylesheets.contains(sheet)
                        || m.print_stylesheets.contains(sheet)
                        || m.scripts.contains(sheet)
                })
                .map_or(&chain[0].0, |(dir, _)| dir);
            let manifest = declared_in.join("theme.yaml");
            let text = read_text(&manifest)?;
            let line = text
                .lines()
                .position(|l| l.contains(sheet.as_str()))
                .map_or(1, |i| i + 1);
            return Err(Error::at(
                format!("`{sheet}` is not in the theme's static/ folder"),
                &display_path(root, &manifest),
                &text,
                line,
                1,
            ));
        }
    }
    for required in REQUIRED_TEMPLATES {
        if !templates.contains_key(*required) {
            return Err(
                Error::new(format!("theme `{name}` has no template `{required}`")).with_help(
                    format!(
                        "add {} or extend a theme that has it",
                        display_path(root, &chain[0].0.join("templates").join(required)).display()
                    ),
                ),
            );
        }
    }

    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(
        templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.source.as_str())),
    )
    .map_err(|e| template_error(&e, &templates))?;
    Ok(Theme {
        name: name.to_owned(),
        tera,
        templates,
        static_files,
        strings,
        stylesheets,
        print_stylesheets,
        scripts,
        writing_mode,
    })
}

/// The theme's folder and manifest and those of its ancestors, child first.
fn resolve_chain(root: &Path, name: &str) -> Result<Vec<(PathBuf, ThemeManifest)>> {
    let mut chain: Vec<(PathBuf, ThemeManifest)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut next = Some(name.to_owned());
    while let Some(name) = next {
        if let Err(why) = crate::slug::check_slug(&name) {
            return Err(Error::new(format!(
                "theme name `{name}` is not usable: {why}"
            )));
        }
        if names.contains(&name) {
            names.push(name);
            return Err(Error::new(format!(
                "themes extend each other in a cycle: {}",
                names.join(" → ")
            )));
        }
        let dir = root.join("themes").join(&name);
        let manifest_path = dir.join("theme.yaml");
        if !manifest_path.is_file() {
            let available = available_themes(root);
            let mut error = match names.last() {
                Some(child) => Error::new(format!(
                    "theme `{child}` extends `{name}`, which does not exist (no {})",
                    display_path(root, &manifest_path).display()
                )),
                None => Error::new(format!(
                    "theme `{name}` does not exist (no {})",
                    display_path(root, &manifest_path).display()
                )),
            };
            if !available.is_empty() {
                let refs: Vec<&str> = available.iter().map(String::as_str).collect();
                error = error.with_help(match crate::diagnostic::did_you_mean(&name, &refs) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("the themes here are: {}", available.join(", ")),
                });
            }
            return Err(error);
        }
        let text = read_text(&manifest_path)?;
        let manifest: ThemeManifest = yaml::parse_file(&text, &display_path(root, &manifest_path))?;
        names.push(name);
        next = manifest.extends.clone();
        chain.push((dir, manifest));
    }
    Ok(chain)
}

fn available_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("theme.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `strings/zh-cn.yaml`, else `strings/zh.yaml`, else `strings/en.yaml`.
/// A UI string of the theme's table, or `default` when the theme lacks it.
pub fn ui_string<'a>(strings: &'a serde_json::Value, key: &str, default: &'a str) -> &'a str {
    strings.get(key).and_then(|v| v.as_str()).unwrap_or(default)
}

fn strings_file(dir: &Path, language: &str) -> Option<PathBuf> {
    let full = language.to_ascii_lowercase();
    let primary = full.split('-').next().unwrap_or("en").to_owned();
    [full, primary, "en".to_owned()]
        .iter()
        .map(|l| dir.join("strings").join(format!("{l}.yaml")))
        .find(|p| p.is_file())
}

fn merge(base: &mut serde_json::Value, layer: serde_json::Value) {
    match (base, layer) {
        (serde_json::Value::Object(base), serde_json::Value::Object(layer)) => {
            for (key, value) in layer {
                match base.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, layer) => *base = layer,
    }
}

fn add_templates(
    root: &Path,
    dir: &Path,
    templates: &mut BTreeMap<String, TemplateFile>,
) -> Result<()> {
    collect(dir, &mut |name, path| {
        let source = read_text(path)?;
        let path = display_path(root, path);
        templates.insert(name, TemplateFile { path, source });
        Ok(())
    })
}

fn collect(dir: &Path, visit: &mut dyn FnMut(String, &Path) -> Result<()>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !entry.file_type().is_file() || hidden {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        visit(rel, entry.path())?;
    }
    Ok(())
}

/// A Tera error as one of ours: the template's file, line and column, the
/// line quoted.
pub fn template_error(error: &tera::Error, templates: &BTreeMap<String, TemplateFile>) -> Error {
    let file_of = |name: &str| {
        templates
            .get(name)
            .map(|t| (t.path.clone(), t.source.as_str()))
            .unwrap_or_else(|| (PathBuf::from(name), ""))
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = report.filename();
            let span = report.span();
            let (file, source) = file_of(name);
            Error::at(
                format!("template `{name}`: {}", report.message()),
                &file,
                source,
                span.start_line,
                span.start_col + 1,
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let (file, source) = file_of(current);
            let line = source
                .lines()
                .position(|l| l.contains("extends"))
                .map_or(1, |i| i + 1);
            Error::at(
                format!("template `{current}` extends `{parent}`, which the theme does not have"),
                &file,
                source,
                line,
                1,
            )
        }
        tera::ErrorKind::TemplateNotFound(name) => Error::new(format!(
            "template `{name}` is used but the theme does not have it"
        )),
        // Validation errors (unknown filters, functions, tests) come as
        // ready-made reports naming the template: locate them in our files.
        tera::ErrorKind::Msg(report) => match parse_report(report) {
            Some((message, name, line, column)) => {
                let (file, source) = file_of(name);
                Error::at(
                    format!("template `{name}`: {message}"),
                    &file,
                    source,
                    line,
                    column,
                )
            }
            None => Error::new(format!("template error: {report}")),
        },
        _ => Error::new(format!("template error: {error}")),
    }
}

/// "error: MESSAGE\n --> NAME:LINE:COL ..." → its parts (the first error).
fn parse_report(report: &str) -> Option<(&str, &str, usize, usize)> {
    let mut lines = report.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let locus = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = locus.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    Some((message, name, line, column))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_tables_merge_deeply() {
        let mut base = json!({"next": "下一篇", "kinds": {"speech": "讲话", "news": "新闻"}});
        merge(
            &mut base,
            json!({"next": "后一篇", "kinds": {"news": "报道"}}),
        );
        assert_eq!(
            base,
            json!({"next": "后一篇", "kinds": {"speech": "讲话", "news": "报道"}})
        );
    }
}
