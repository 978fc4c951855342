//! The one error type of zhushu: a message that says what went wrong and,
//! whenever the problem lies in a file the user wrote, where (file, line,
//! column) with the offending line quoted, so it can be fixed without a hunt.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file, 1-based like editors show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The text of the line, quoted under the message.
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// An error at `line`:`column` of `file`, quoting that line of `source`.
    pub fn at(
        message: impl Into<String>,
        file: &Path,
        source: &str,
        line: usize,
        column: usize,
    ) -> Self {
        let snippet = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        Error {
            message: message.into(),
            location: Some(Location {
                file: file.to_owned(),
                line: line.max(1),
                column: column.max(1),
                snippet,
            }),
            help: None,
        }
    }

    /// An error about a whole file (line 1, column 1, no snippet).
    pub fn in_file(message: impl Into<String>, file: &Path) -> Self {
        Error {
            message: message.into(),
            location: Some(Location {
                file: file.to_owned(),
                line: 1,
                column: 1,
                snippet: None,
            }),
            help: None,
        }
    }

    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Error::new(format!("cannot {action} {}: {err}", path.display()))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", visible(&self.message))?;
        if let Some(loc) = &self.location {
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            write!(
                f,
                "\n{pad}--> {}:{}:{}",
                loc.file.display(),
                loc.line,
                loc.column
            )?;
            if let Some(snippet) = &loc.snippet {
                // The caret sits under the column; columns count characters,
                // and a CJK character takes two cells in a terminal.
                // A very long line (a book pasted as one paragraph) is
                // quoted around the column only.
                let (snippet, column) = window(snippet, loc.column);
                let indent: String = snippet
                    .chars()
                    .take(column - 1)
                    .map(|c| match c {
                        '\t' => "\t",
                        c if is_wide(c) => "  ",
                        _ => " ",
                    })
                    .collect();
                let snippet = visible(&snippet);
                write!(f, "\n{pad} |\n{number} | {snippet}\n{pad} | {indent}^")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// At most `WINDOW` characters of `line` around `column`, with `…` where
/// it was cut, and the column within that.
fn window(line: &str, column: usize) -> (std::borrow::Cow<'_, str>, usize) {
    const WINDOW: usize = 160;
    let length = line.chars().count();
    if length <= WINDOW {
        return (line.into(), column);
    }
    let start = column.saturating_sub(1 + WINDOW / 3).min(length - WINDOW);
    let mut shown: String = line.chars().skip(start).take(WINDOW).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if start + WINDOW < length {
        shown.push('…');
    }
    (shown.into(), column)
}

/// Control characters from the author's text shown as their pictures
/// (U+000C as ␌), never sent to the terminal as they are.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() && c != '\t' && c != '\n';
    if !text.contains(hidden) {
        return text.into();
    }
    text.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1F if hidden(c) => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
            0x7F => '\u{2421}',
            _ if hidden(c) => '\u{FFFD}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The known name closest to `unknown`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_the_line_with_a_caret() {
        let e = Error::at("bad", Path::new("a.yaml"), "one\ntitle: 标题x\n", 2, 10);
        let text = e.to_string();
        assert!(text.contains("--> a.yaml:2:10"), "{text}");
        assert!(text.contains("2 | title: 标题x"), "{text}");
        assert!(text.ends_with("|            ^"), "{text:?}");
    }

    #[test]
    fn a_long_line_is_quoted_around_the_column() {
        let line = format!("{}x{}", "a".repeat(100_000), "b".repeat(100_000));
        let e = Error::at("bad", Path::new("a.md"), &line, 1, 100_001);
        let text = e.to_string();
        assert!(text.len() < 1_000, "{}", text.len());
        let quoted = text.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = text.lines().last().unwrap();
        assert_eq!(
            quoted.chars().nth(caret.chars().count() - 1),
            Some('x'),
            "{quoted}\n{caret}"
        );
        assert!(
            quoted.starts_with("1 | …a") && quoted.ends_with("b…"),
            "{quoted}"
        );
        let e = Error::at("bad", Path::new("a.md"), &line, 1, 3);
        let quoted = e
            .to_string()
            .lines()
            .find(|l| l.starts_with("1 | "))
            .map(str::to_owned);
        assert!(quoted.unwrap().starts_with("1 | aaa"));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let e = Error::at(
            "bad \u{1b}[31m",
            Path::new("a.md"),
            "a\u{c}b\u{7f}\u{85}\n",
            1,
            2,
        );
        let text = e.to_string();
        assert!(text.contains("bad ␛[31m"), "{text}");
        assert!(text.contains("1 | a␌b␡\u{FFFD}"), "{text}");
    }

    #[test]
    fn suggests_near_names_only() {
        let known = ["title", "subtitle", "language"];
        assert_eq!(did_you_mean("titel", &known), Some("title"));
        assert_eq!(did_you_mean("langauge", &known), Some("language"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }
}
