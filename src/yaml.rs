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
        let full = err.to_string();
        let message = strip_location(&full);
        let (line, column) = locate(text, &err, &full, &message);
        let mut error = Error::at(
            format!("invalid YAML: {message}"),
            file,
            file_source,
            line + first_line - 1,
            column,
        );
        let tab = text
            .lines()
            .nth(line.saturating_sub(1))
            .is_some_and(|l| l.chars().nth(column.saturating_sub(1)) == Some('\t'));
        if let Some(hint) = unknown_field_hint(&message) {
            error = error.with_help(hint);
        } else if tab {
            error = error.with_help("YAML indents with spaces: replace the tab");
        } else if message.contains("while scanning a quoted scalar") {
            error = error.with_help(
                "this quoted value is never closed: end it with the same quote mark \
                 (a `\"` inside a `\"…\"` value is written `\\\"`)",
            );
        }
        error
    })
}

/// Where a parse error starts, from the parser's own marks: the problem's
/// mark, or the mark of what it was reading when that is where the
/// problem begins (the opening quote of a quoted value never closed, a
/// key without its `:`, an unclosed `[` or `{`, which the problem's mark
/// would put at the end of the text); the second copy of a duplicated
/// key (serde marks the mapping that holds it); a byte offset for
/// characters YAML forbids. Never past the text's last line.
fn locate(text: &str, err: &backend::Error, full: &str, message: &str) -> (usize, usize) {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let marks = marks(full);
    let reading = |context: &str| {
        full.split_once(", while ")
            .is_some_and(|(_, c)| c.starts_with(context))
    };
    let (line, column) = if marks.len() == 2
        && [
            "scanning a quoted scalar",
            "scanning a simple key",
            "parsing a flow",
        ]
        .iter()
        .any(|c| reading(c))
    {
        marks[1]
    } else if let Some(key) = duplicate_key(message) {
        second_copy(text, &key, line, column).unwrap_or((line, column))
    } else if let Some(offset) = forbidden_character_offset(full) {
        position_of_byte(text, offset)
    } else {
        // Errors raised by our own checks of a value (a date, say) come
        // located at the start of the mapping; point at the value instead.
        match quoted_value_position(text, message) {
            Some(position) if (line, column) <= (2, 1) => position,
            _ => (line, column),
        }
    };
    let last_line = text.lines().count().max(1);
    if line > last_line {
        let last = text.lines().last().unwrap_or("");
        (last_line, last.chars().count() + 1)
    } else {
        (line, column)
    }
}

/// The " at line L column C" marks in a serde_yaml message, in order.
fn marks(message: &str) -> Vec<(usize, usize)> {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r" at line (\d+) column (\d+)").expect("a valid pattern")
    });
    MARK.captures_iter(message)
        .filter_map(|c| Some((c[1].parse().ok()?, c[2].parse().ok()?)))
        .collect()
}

/// `key` of serde's "duplicate field `key`" (or serde_yaml's "duplicate
/// entry with key \"key\"").
fn duplicate_key(message: &str) -> Option<String> {
    if let Some((_, rest)) = message.split_once("duplicate field `") {
        return rest.split_once('`').map(|(k, _)| k.to_owned());
    }
    let (_, rest) = message.split_once("duplicate entry with key \"")?;
    rest.split_once('"').map(|(k, _)| k.to_owned())
}

/// The second `key:` of the mapping that starts at `line`:`column` (block
/// style: the keys at that column until the mapping ends; flow style: in
/// the braces on that line).
fn second_copy(text: &str, key: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let is_key = |rest: &str| {
        let rest = rest.strip_prefix(key).or_else(|| {
            ['"', '\'']
                .iter()
                .find_map(|q| rest.strip_prefix(*q)?.strip_prefix(key)?.strip_prefix(*q))
        });
        rest.is_some_and(|r| r.trim_start().starts_with(':'))
    };
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.get(line.checked_sub(1)?)?;
    let chars: Vec<char> = first.chars().collect();
    if chars.get(column - 1) == Some(&'{') {
        let mut found = 0;
        for (i, _) in first.char_indices().skip(column) {
            if is_key(&first[i..]) && first[..i].trim_end().ends_with([',', '{']) {
                found += 1;
                if found == 2 {
                    return Some((line, first[..i].chars().count() + 1));
                }
            }
        }
        return None;
    }
    let indent = column - 1;
    let mut found = 0;
    for (i, text_line) in lines.iter().enumerate().skip(line - 1) {
        let trimmed = text_line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let here = text_line.len() - trimmed.len();
        // The first line may start a list item (`- a: 1`).
        let (here, trimmed) = match (i + 1 == line, trimmed.strip_prefix("- ")) {
            (true, Some(rest)) if here + 2 <= indent => {
                let rest_trimmed = rest.trim_start_matches(' ');
                (text_line.len() - rest_trimmed.len(), rest_trimmed)
            }
            _ => (here, trimmed),
        };
        if here < indent || (i + 1 > line && here == indent && trimmed.starts_with("- ")) {
            break;
        }
        if here == indent && is_key(trimmed) {
            found += 1;
            if found == 2 {
                return Some((i + 1, indent + 1));
            }
        }
    }
    None
}

/// libyaml says "control characters are not allowed at position N" (a
/// byte offset) for characters YAML forbids.
fn forbidden_character_offset(message: &str) -> Option<usize> {
    let (_, rest) = message.split_once("are not allowed at position ")?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The line and column (1-based, in characters) of byte `offset` of `text`.
fn position_of_byte(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
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

/// serde_yaml writes " at line L column C" after the problem and after
/// what it was reading; we show the location our own way.
fn strip_location(message: &str) -> String {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r" at line \d+ column \d+| at position \d+").expect("a valid pattern")
    });
    MARK.replace_all(message, "").into_owned()
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

    fn located(src: &str) -> (usize, usize, String) {
        let err = parse_file::<Doc>(src, Path::new("e.yaml")).unwrap_err();
        let loc = err.location.unwrap();
        (loc.line, loc.column, loc.snippet.unwrap_or_default())
    }

    #[test]
    fn an_unclosed_quote_is_located_at_its_opening() {
        let (line, column, snippet) = located("title: \"abc\nlanguage: zh\n\n");
        assert_eq!((line, column), (1, 8));
        assert_eq!(snippet, "title: \"abc");
        // In front matter, not at the closing `---`.
        let src = "---\ntitle: x\nlanguage: '未闭合\n---\nbody\n";
        let err =
            parse::<Doc>("title: x\nlanguage: '未闭合\n", Path::new("c.md"), src, 2).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 11));
        assert!(err.help.unwrap().contains("never closed"));
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn a_key_without_its_colon_is_located_at_the_key() {
        let (line, _, snippet) = located("title: x\nlanguage zh\n");
        assert_eq!(line, 2);
        assert_eq!(snippet, "language zh");
    }

    #[test]
    fn a_duplicated_key_is_located_at_its_second_copy() {
        let (line, column, snippet) = located("title: a\nlanguage: zh\ntitle: b\n");
        assert_eq!((line, column, snippet.as_str()), (3, 1, "title: b"));
        let (line, _, snippet) = located("\"title\": a\n# c\n\ntitle: b\n");
        assert_eq!((line, snippet.as_str()), (4, "title: b"));
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Nested {
        title: String,
        options: Option<Inner>,
        list: Option<Vec<Inner>>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        a: Option<u32>,
        b: Option<u32>,
    }

    fn nested(src: &str) -> (usize, usize) {
        let err = parse_file::<Nested>(src, Path::new("e.yaml")).unwrap_err();
        let loc = err.location.unwrap();
        (loc.line, loc.column)
    }

    #[test]
    fn a_duplicated_nested_key_is_located_at_its_second_copy() {
        assert_eq!(
            nested("title: x\noptions:\n  a: 1\n  b: 2\n  a: 3\na: 4\n"),
            (5, 3)
        );
        assert_eq!(nested("title: x\noptions: {a: 1, b: 2, a: 3}\n"), (2, 23));
        assert_eq!(
            nested("title: x\nlist:\n  - a: 1\n  - a: 2\n    b: 1\n    a: 5\n"),
            (6, 5)
        );
    }

    #[test]
    fn a_forbidden_character_is_located() {
        let (line, column, _) = located("title: 标题\nlanguage: z\u{c}h\n");
        assert_eq!((line, column), (2, 12));
    }

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(key_position("a: 1\ndate: x\n", "date"), Some((2, 1)));
        assert_eq!(key_position("  date: x\n", "date"), None);
    }
}
