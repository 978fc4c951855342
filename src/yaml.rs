//! Every YAML read in zhushu goes through here. serde_yaml is deprecated
//! upstream though complete; keeping it behind this one module means a
//! maintained fork can replace it by changing the `use` below.

use serde::de::DeserializeOwned;
use std::path::Path;

use crate::diagnostic::{Error, did_you_mean};
use serde_yaml as backend;

/// YAML values, for the few places that edit YAML without a schema.
pub use backend::{Mapping, Value};

/// Parses `text`, which starts at line `first_line` of `file` (front matter
/// starts below its `---`), reporting errors at their place in the file.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    file_source: &str,
    first_line: usize,
) -> Result<T, Error> {
    // An empty document is an empty mapping to us, not "null".
    let text = if text.trim().is_empty() { "{}" } else { text };
    backend::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let message = strip_location(&err.to_string());
        // Errors raised by our own checks of a value (a date, say) come
        // located at the start of the mapping; point at the value instead.
        let (line, column) = match quoted_value_position(text, &message) {
            Some(position) if (line, column) <= (2, 1) => position,
            _ => (line, column),
        };
        let mut error = Error::at(
            format!("invalid YAML: {message}"),
            file,
            file_source,
            line + first_line - 1,
            column,
        );
        if let Some(hint) = unknown_field_hint(&message) {
            error = error.with_help(hint);
        }
        error
    })
}

/// Parses a whole YAML file's text.
pub fn parse_file<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, Error> {
    parse(text, file, text, 1)
}

/// Where the value quoted first in `message` (between backticks) stands
/// as a value (`key: value`) in `text`.
fn quoted_value_position(text: &str, message: &str) -> Option<(usize, usize)> {
    let (_, rest) = message.split_once('`')?;
    let (value, _) = rest.split_once('`')?;
    text.lines().enumerate().find_map(|(i, line)| {
        let (key, after) = line.split_once(':')?;
        let found = after.trim() == value || after.trim().trim_matches(['"', '\'']) == value;
        found.then(|| {
            (
                i + 1,
                key.chars().count()
                    + 1
                    + (after.chars().count() - after.trim_start().chars().count())
                    + 1,
            )
        })
    })
}

/// serde_yaml appends " at line L column C" to messages; we show the
/// location our own way.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// serde says "unknown field `titel`, expected one of `title`, ...":
/// turn that into "did you mean `title`?".
fn unknown_field_hint(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match did_you_mean(unknown, &known) {
        Some(k) => Some(format!("did you mean `{k}`?")),
        None if !known.is_empty() => Some(format!(
            "the known keys are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => None,
    }
}

/// Where `key:` stands at the top level of `text` (1-based line and column),
/// for errors found after deserialising, when serde no longer knows.
pub fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

/// The line (1-based) of each item of the file's top-level list (`notes:`,
/// `entries:`): serde does not say where list items start, and errors
/// about an item should point at it.
pub fn list_item_lines(text: &str) -> Vec<usize> {
    let mut indent: Option<usize> = None;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("- ") && trimmed != "-" {
            continue;
        }
        let here = line.len() - trimmed.len();
        if *indent.get_or_insert(here) == here {
            lines.push(i + 1);
        }
    }
    lines
}

/// Serialises `value` as YAML (front matter, notes, manifests).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    backend::to_string(value).expect("zhushu's own data always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        language: Option<String>,
    }

    #[test]
    fn unknown_key_has_location_and_hint() {
        let src = "title: a\nlangage: zh\n";
        let err = parse_file::<Doc>(src, Path::new("e.yaml")).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert_eq!(err.help.as_deref(), Some("did you mean `language`?"));
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn broken_yaml_is_located_with_offset() {
        let src = "---\ntitle: [unclosed\n---\n";
        let err = parse::<Doc>("title: [unclosed\n", Path::new("c.md"), src, 2).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!(loc.line, 2);
    }

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(key_position("a: 1\ndate: x\n", "date"), Some((2, 1)));
        assert_eq!(key_position("  date: x\n", "date"), None);
    }
}
