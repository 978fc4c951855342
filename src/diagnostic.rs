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
        write!(f, "error: {}", self.message)?;
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
                let indent: String = snippet
                    .chars()
                    .take(loc.column - 1)
                    .map(|c| match c {
                        '\t' => "\t",
                        c if is_wide(c) => "  ",
                        _ => " ",
                    })
                    .collect();
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
    fn suggests_near_names_only() {
        let known = ["title", "subtitle", "language"];
        assert_eq!(did_you_mean("titel", &known), Some("title"));
        assert_eq!(did_you_mean("langauge", &known), Some("language"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }
}
