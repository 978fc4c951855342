//! Reading the files an author wrote: UTF-8 checked, a bad byte reported
//! at its place; and paths shown as the author knows them. Below every
//! module that reads content/ or themes/ (load, enrich, import, theme, pdf),
//! so that none of them needs another for it.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Result};

/// Paths in messages are shown relative to the root, as the user knows them.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

/// Reads a file the user wrote, which must be UTF-8; a bad byte is reported
/// at its line and column.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    text_from_bytes(path, bytes)
}

/// The bytes read from `path` as text, as `read_text` takes them.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let column = valid[line_start..].chars().count() + 1;
        Error::at(
            format!(
                "not UTF-8 text: byte {} (0x{:02X}) is invalid",
                valid.len(),
                e.as_bytes()[valid.len()]
            ),
            path,
            valid,
            line,
            column,
        )
        .with_help("save the file as UTF-8 (for GB 18030 text: iconv -f GB18030 -t UTF-8)")
    })
}
