//! Results worked out chapter by chapter, kept from one build to the next
//! by `zhushu serve` (`build::Memory`): under each chapter's slug, the key
//! of what the result was made from, and the result. A result is a pure
//! function of its key's inputs, so it may be taken whether or not the
//! build that made it was committed.

use std::collections::HashMap;
use std::sync::Mutex;

pub struct ChapterMemo<T>(Mutex<HashMap<String, (u64, T)>>);

impl<T> Default for ChapterMemo<T> {
    fn default() -> Self {
        ChapterMemo(Mutex::new(HashMap::new()))
    }
}

impl<T> std::fmt::Debug for ChapterMemo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chapters = self.0.lock().map_or(0, |m| m.len());
        write!(f, "ChapterMemo({chapters} chapters)")
    }
}

impl<T: Clone> ChapterMemo<T> {
    /// The result kept for `slug` under `key`, or `make`'s, kept.
    pub fn get_or(&self, slug: &str, key: u64, make: impl FnOnce() -> T) -> T {
        match self.try_get_or(slug, key, || Ok::<T, std::convert::Infallible>(make())) {
            Ok(result) => result,
        }
    }

    /// `get_or`, for a `make` that may fail (nothing is kept then).
    pub fn try_get_or<E>(
        &self,
        slug: &str,
        key: u64,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let kept = self.0.lock().expect("no maker panicked").get(slug).cloned();
        match kept {
            Some((known, result)) if known == key => Ok(result),
            _ => {
                let result = make()?;
                self.0
                    .lock()
                    .expect("no maker panicked")
                    .insert(slug.to_owned(), (key, result.clone()));
                Ok(result)
            }
        }
    }

    /// Chapters no longer in the edition are forgotten.
    pub fn keep_only<'a>(&self, slugs: impl IntoIterator<Item = &'a str>) {
        let mut kept = self.0.lock().expect("no maker panicked");
        let present: std::collections::HashSet<&str> = slugs.into_iter().collect();
        kept.retain(|slug, _| present.contains(slug.as_str()));
    }
}

/// `make` through `memo` when there is one.
pub fn through<T: Clone>(
    memo: Option<&ChapterMemo<T>>,
    slug: &str,
    key: impl FnOnce() -> u64,
    make: impl FnOnce() -> T,
) -> T {
    match memo {
        Some(memo) => memo.get_or(slug, key(), make),
        None => make(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_made_again_only_when_its_key_changes() {
        let memo = ChapterMemo::default();
        let made = std::cell::Cell::new(0);
        let make = |v: &'static str| {
            made.set(made.get() + 1);
            v
        };
        assert_eq!(memo.get_or("a", 1, || make("one")), "one");
        assert_eq!(memo.get_or("a", 1, || make("other")), "one");
        assert_eq!(memo.get_or("b", 1, || make("b")), "b");
        assert_eq!(memo.get_or("a", 2, || make("two")), "two");
        assert_eq!(made.get(), 3);
        memo.keep_only(["b"]);
        assert_eq!(memo.get_or("a", 2, || make("again")), "again");
        assert_eq!(memo.get_or("b", 1, || make("b2")), "b");
        assert_eq!(through(None, "b", || 1, || "none"), "none");
        assert_eq!(through(Some(&memo), "b", || 1, || "none"), "b");
    }
}
