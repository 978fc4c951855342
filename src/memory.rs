//! Freed memory handed back to the system between the stages of a build,
//! and the build's peak as `-v` reports it.
//!
//! mimalloc (the binary's allocator) returns a thread's freed pages to the
//! system only when that thread next allocates: the rayon workers that
//! freed a stage's tables sit idle while the main thread goes on, and the
//! pages they hold count in the build's peak memory until the next parallel
//! stage. Asking every thread to collect after a stage that frees much
//! returns them at once. Where mimalloc is not the allocator (the library's
//! tests), collecting its empty heaps costs nothing.

/// A build whose peak so far is under this has nothing to give back that
/// matters: collecting would return a few pages that the next stage faults
/// in again (page faults were a fifth of the seed edition's build).
const WORTH_GIVING_BACK: u64 = 64 << 20;

/// Whether the process has held enough memory for collecting to lower a
/// peak anyone would notice.
fn worth_giving_back() -> bool {
    peak().is_none_or(|bytes| bytes >= WORTH_GIVING_BACK)
}

/// The most memory this process has held resident so far, in bytes, where
/// the system tells it (Linux's `VmHWM`).
///
/// Not `getrusage`'s `ru_maxrss`: on Linux that also carries the peak of the
/// process that started this one, since `exec` records the old address
/// space's high-water mark, and a build started by a test harness or an
/// editor holding hundreds of megabytes would report theirs.
pub fn peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Every rayon thread and the calling thread return what they have freed.
pub fn give_back() {
    if !worth_giving_back() {
        return;
    }
    // Safety: `mi_collect` may be called from any thread at any time; it
    // touches only the calling thread's own heap and mimalloc's shared
    // segments, under mimalloc's own locks.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// The calling thread alone returns what it has freed: between the steps of
/// a loop that copies a large table piece by piece into a new one, freeing
/// each piece.
pub fn give_back_here() {
    if !worth_giving_back() {
        return;
    }
    // Safety: as in `give_back`.
    unsafe { libmimalloc_sys::mi_collect(true) };
}
