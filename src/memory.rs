//! Freed memory handed back to the system between the stages of a build.
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
    // Safety: `getrusage` only writes the struct it is given.
    let peak_kib = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return true;
        }
        usage.ru_maxrss
    };
    // Linux counts `ru_maxrss` in KiB.
    peak_kib.max(0) as u64 * 1024 >= WORTH_GIVING_BACK
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
