//! The 64-bit keys that say whether something changed: of a chapter's
//! source text (load), of what a chapter's page was rendered from (the
//! render cache). At the bottom of the layers, so that load need not know
//! render to hash.

use std::hash::{DefaultHasher, Hash, Hasher};

/// A 64-bit key over whatever `parts` feeds it (SipHash with fixed keys:
/// the same inputs give the same key in every build).
pub fn key(parts: impl FnOnce(&mut DefaultHasher)) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts(&mut hasher);
    hasher.finish()
}

/// Feeds a value's debug form: marks and notes carry no `Hash` of their
/// own, and their debug form shows every field.
pub fn feed_debug(hasher: &mut DefaultHasher, value: &impl std::fmt::Debug) {
    format!("{value:?}").hash(hasher);
}

/// The key of a source file's bytes, by which `zhushu serve` knows a
/// chapter it loaded or rendered before.
pub fn source(bytes: &[u8]) -> u64 {
    key(|h| h.write(bytes))
}
