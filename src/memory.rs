//! Freed memory handed back to the system between the stages of a build.
//!
//! mimalloc (the binary's allocator) returns a thread's freed pages to the
//! system only when that thread next allocates: the rayon workers that
//! freed a stage's tables sit idle while the main thread goes on, and the
//! pages they hold count in the build's peak memory until the next parallel
//! stage. Asking every thread to collect after a stage that frees much
//! returns them at once. Where mimalloc is not the allocator (the library's
//! tests), collecting its empty heaps costs nothing.

/// Every rayon thread and the calling thread return what they have freed.
pub fn give_back() {
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
    // Safety: as in `give_back`.
    unsafe { libmimalloc_sys::mi_collect(true) };
}
