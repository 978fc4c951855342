//! The site's swap, and what an interrupted one leaves behind.
//!
//! A build writes into a staging folder beside the output, named
//! `.NAME.zhushu-staging-PID-UNIQUE`, and marked from the start (with the
//! words [`BUILDING_TEXT`], replaced by the site's [`super::MARKER_TEXT`]
//! once the site is complete). Where the system can (Linux's `renameat2`
//! with `RENAME_EXCHANGE`), the staging folder and the output trade places
//! in one step, so that there is always a site at the output's path; the
//! previous site, now under the staging name, is renamed
//! `.NAME.zhushu-old-PID-UNIQUE` and removed. Elsewhere, or where the file
//! system refuses the exchange, it takes two renames (output aside, staging
//! in), and a build killed between them leaves no output.
//!
//! So [`tidy`], at the start of every build, looks beside the output for
//! folders that carry one of these names, the marker, and the number of a
//! process that is no longer running: it puts the newest complete site back
//! when the output is missing, removes the rest, and says so. A folder
//! without the marker is never removed, whatever its name.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{MARKER, MARKER_TEXT, is_site};

/// The marker's words while a build is still writing the folder.
pub(super) const BUILDING_TEXT: &str =
    "This folder is a zhushu build in progress; zhushu removes it once no build owns it.\n";

const STAGING: &str = "zhushu-staging-";
const RETIRED: &str = "zhushu-old-";

/// A name for a new staging folder beside `output` (`.NAME.zhushu-staging-PID-UNIQUE`).
pub(super) fn staging_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.{STAGING}{}", unique()))
}

/// A name for a retired site beside `output` (`.NAME.zhushu-old-PID-UNIQUE`).
fn retired_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.{RETIRED}{}", unique()))
}

/// This process's number and a part no other name made by it shares.
fn unique() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{nanos:x}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The output's parent folder and its name; `None` for `/` or `..`.
pub(super) fn parent_and_name(output: &Path) -> Option<(PathBuf, String)> {
    let name = output.file_name()?.to_string_lossy().into_owned();
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Some((parent, name))
}

/// Puts the finished `staging` folder at `output`; the previous site, if
/// any, is removed afterwards. What could not be removed is told in the
/// notices rather than failing a build that did replace the site.
pub(super) fn swap_into_place(
    staging: &Path,
    output: &Path,
    notices: &mut Vec<String>,
) -> io::Result<()> {
    let retired = swap(staging, output, cfg!(target_os = "linux"))?;
    if let Some(retired) = retired {
        notices.extend(remove_retired(&retired));
    }
    Ok(())
}

/// `swap_into_place`, leaving the previous site where it was put aside:
/// its name, for the caller to `remove_retired` when it has time.
pub(super) fn swap_into_place_leaving_retired(
    staging: &Path,
    output: &Path,
) -> io::Result<Option<PathBuf>> {
    swap(staging, output, cfg!(target_os = "linux"))
}

/// The swap; where the previous site now is, if there was one.
fn swap(staging: &Path, output: &Path, try_exchange: bool) -> io::Result<Option<PathBuf>> {
    let Some((parent, name)) = parent_and_name(output) else {
        return Err(io::Error::other("the output has no name"));
    };
    let retired = retired_path(&parent, &name);
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map(|()| None);
    }
    let exchanged = match try_exchange.then(|| exchange(staging, output)) {
        Some(Ok(())) => true,
        Some(Err(e)) if !exchange_unsupported(&e) => return Err(e),
        _ => false,
    };
    if exchanged {
        // The previous site is now where the staging folder was; named for
        // what it is, in case its removal is interrupted too.
        let old = if fs::rename(staging, &retired).is_ok() {
            retired
        } else {
            staging.to_owned()
        };
        return Ok(Some(old));
    }
    fs::rename(output, &retired)?;
    if let Err(e) = fs::rename(staging, output) {
        // Put the previous site back rather than leave none.
        let _ = fs::rename(&retired, output);
        return Err(e);
    }
    Ok(Some(retired))
}

/// Removes a previous site put aside by the swap; what went wrong, as a
/// notice.
pub fn remove_retired(old: &Path) -> Option<String> {
    fs::remove_dir_all(old).err().map(|e| {
        format!(
            "the new site is in place, but the previous one could not be removed from {}: {e}; \
             the next build tries again (or remove it yourself)",
            old.display()
        )
    })
}

/// Whether an exchange failed because this system or file system cannot
/// do one (rather than for a reason two renames would meet as well).
fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        // EINVAL: the file system does not know the flag; ENOSYS: the
        // kernel has no renameat2; EOPNOTSUPP likewise; EPERM: a sandbox
        // that forbids the call (a real lack of permission is met again
        // by the renames, and reported then).
        matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM)
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        true
    }
}

/// Swaps two paths in one step (both must exist).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path with a NUL"))
    };
    let (a, b) = (c(a)?, c(b)?);
    // The system call rather than glibc's wrapper, which only glibc 2.28
    // and later have.
    // SAFETY: both pointers are NUL-terminated strings that outlive the call.
    let status = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// A folder beside the output named as a build's, and whose.
#[derive(Debug, PartialEq, Eq)]
struct Leftover {
    path: PathBuf,
    /// The process that made it; `None` for `.NAME.old`, the one name
    /// earlier versions gave the site they replaced, with no process
    /// number. Such a build holds it for the moment between two renames
    /// and then removes it, so one found is taken for a leftover.
    pid: Option<u32>,
}

/// Whether `file_name` is one of the names a build gives its folders
/// beside an output called `name`, and which process it names.
fn leftover_pid(file_name: &str, name: &str) -> Option<Option<u32>> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    if rest == ".old" {
        return Some(None);
    }
    let rest = rest.strip_prefix('.')?;
    let rest = rest
        .strip_prefix(STAGING)
        .or_else(|| rest.strip_prefix(RETIRED))?;
    // `PID` (older staging folders) or `PID-UNIQUE`.
    let pid = rest.split('-').next()?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid: u32 = pid.parse().ok()?;
    (pid > 0).then_some(Some(pid))
}

/// Whether process `pid` is running (or may be: when unsure, yes).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return true;
        }
        // EPERM: it exists, and belongs to someone else.
        io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Folders beside `output` that builds no longer running left there, and
/// carrying the marker; and those that look like it but carry none.
fn leftovers(output: &Path) -> (Vec<Leftover>, Vec<PathBuf>) {
    let (mut marked, mut unmarked) = (Vec::new(), Vec::new());
    let Some((parent, name)) = parent_and_name(output) else {
        return (marked, unmarked);
    };
    let Ok(entries) = fs::read_dir(&parent) else {
        return (marked, unmarked);
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|file_name| leftover_pid(file_name, &name))
        else {
            continue;
        };
        // A link is never followed, nor a file taken for a folder.
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if pid.is_some_and(alive) {
            continue;
        }
        let path = entry.path();
        if is_site(&path) {
            marked.push(Leftover { path, pid });
        } else {
            unmarked.push(path);
        }
    }
    marked.sort_by(|a, b| a.path.cmp(&b.path));
    unmarked.sort();
    (marked, unmarked)
}

/// A complete site: its marker says so (a staging folder's says so only
/// once everything was written).
fn complete(dir: &Path) -> bool {
    fs::read(dir.join(MARKER)).is_ok_and(|bytes| bytes == MARKER_TEXT.as_bytes())
}

/// Cleans up after builds that were stopped (killed, or the machine off)
/// before they finished: if the output is missing, the newest complete
/// site they left is put back in its place; their other folders are
/// removed. Only folders named as a build names them, carrying the marker,
/// and made by a process no longer running. Returns what it did, in words.
pub fn tidy(output: &Path) -> Vec<String> {
    let mut notices = Vec::new();
    let (mut marked, unmarked) = leftovers(output);
    for path in unmarked {
        notices.push(format!(
            "left {} alone: it is named like a folder of a build that was stopped, \
             but it has no {MARKER} in it; remove it yourself if it is not yours",
            path.display()
        ));
    }
    if fs::symlink_metadata(output).is_err() {
        // The newest complete site: its marker was the last file written.
        let newest = marked
            .iter()
            .enumerate()
            .filter(|(_, l)| complete(&l.path))
            .max_by_key(|(_, l)| {
                fs::metadata(l.path.join(MARKER))
                    .and_then(|m| m.modified())
                    .ok()
            })
            .map(|(i, _)| i);
        if let Some(i) = newest {
            let found = marked.remove(i);
            match fs::rename(&found.path, output) {
                Ok(()) => notices.push(format!(
                    "put back the site {} from {}, where a build that was stopped while \
                     swapping sites left it",
                    output.display(),
                    found.path.display()
                )),
                Err(e) => {
                    notices.push(format!(
                        "{} is missing and a build that was stopped left a complete site in {}, \
                         but it could not be moved back: {e}",
                        output.display(),
                        found.path.display()
                    ));
                    // Kept: it may be the only copy.
                }
            }
        }
    }
    let mut removed = Vec::new();
    for leftover in marked {
        match fs::remove_dir_all(&leftover.path) {
            Ok(()) => removed.push(leftover.path.display().to_string()),
            Err(e) => notices.push(format!(
                "could not remove {}, left by a build that was stopped: {e}",
                leftover.path.display()
            )),
        }
    }
    if !removed.is_empty() {
        notices.push(format!(
            "removed {} left by {} that stopped before finishing: {}",
            if removed.len() == 1 {
                "a folder".to_owned()
            } else {
                format!("{} folders", removed.len())
            },
            if removed.len() == 1 {
                "a build"
            } else {
                "builds"
            },
            removed.join(", ")
        ));
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No process has this number: Linux's limit is 2^22.
    const DEAD: u32 = 4_194_305;

    fn site(dir: &Path, marker: &str, page: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(MARKER), marker).unwrap();
        fs::write(dir.join("index.html"), page).unwrap();
    }

    #[test]
    fn names_of_leftovers_are_recognised_and_only_they() {
        assert_eq!(
            leftover_pid(".site.zhushu-staging-12-ab-0", "site"),
            Some(Some(12))
        );
        assert_eq!(
            leftover_pid(".site.zhushu-staging-12", "site"),
            Some(Some(12))
        );
        assert_eq!(
            leftover_pid(".site.zhushu-old-7-1f-3", "site"),
            Some(Some(7))
        );
        assert_eq!(leftover_pid(".site.old", "site"), Some(None));
        for other in [
            "site",
            ".site",
            ".site.zhushu-staging-",
            ".site.zhushu-staging-x1",
            ".site.zhushu-staging-0",
            ".site.zhushu-staging--1",
            ".other.zhushu-staging-12",
            ".sites.old",
            ".site.older",
            "site.old",
        ] {
            assert_eq!(leftover_pid(other, "site"), None, "{other}");
        }
        let made = staging_path(Path::new("p"), "site");
        let made = made.file_name().unwrap().to_str().unwrap();
        assert_eq!(leftover_pid(made, "site"), Some(Some(std::process::id())));
        assert_ne!(
            staging_path(Path::new("p"), "site"),
            staging_path(Path::new("p"), "site")
        );
    }

    #[test]
    fn a_live_process_is_alive_and_a_missing_one_is_not() {
        assert!(alive(std::process::id()));
        #[cfg(unix)]
        {
            assert!(alive(1), "init runs (or is someone else's)");
            assert!(!alive(DEAD));
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_marked_folders_of_dead_builds_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        site(&out, MARKER_TEXT, "current");
        let dead_old = tmp.path().join(format!(".site.zhushu-old-{DEAD}-1-0"));
        let dead_staging = tmp.path().join(format!(".site.zhushu-staging-{DEAD}-2-0"));
        let legacy = tmp.path().join(".site.old");
        let live = tmp
            .path()
            .join(format!(".site.zhushu-staging-{}-3-0", std::process::id()));
        let unmarked = tmp.path().join(format!(".site.zhushu-staging-{DEAD}"));
        let other = tmp.path().join(".elsewhere.old");
        site(&dead_old, MARKER_TEXT, "old");
        site(&dead_staging, BUILDING_TEXT, "half");
        site(&legacy, MARKER_TEXT, "older");
        site(&live, BUILDING_TEXT, "being built");
        site(&other, MARKER_TEXT, "someone else's output");
        fs::create_dir(&unmarked).unwrap();
        fs::write(unmarked.join("thesis.tex"), "years of work").unwrap();

        let notices = tidy(&out);
        for gone in [&dead_old, &dead_staging, &legacy] {
            assert!(!gone.exists(), "{} removed", gone.display());
        }
        for kept in [&live, &unmarked, &other] {
            assert!(kept.exists(), "{} kept", kept.display());
        }
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"current");
        let said = notices.join("\n");
        assert!(said.contains("removed 3 folders"), "{said}");
        assert!(said.contains("left ") && said.contains("alone"), "{said}");
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_site_is_put_back_from_the_newest_complete_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        // Killed between the two renames: the previous site moved aside,
        // the new one complete, neither in place.
        let old = tmp.path().join(format!(".site.zhushu-old-{DEAD}-1-0"));
        site(&old, MARKER_TEXT, "previous");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let new = tmp.path().join(format!(".site.zhushu-staging-{DEAD}-2-0"));
        site(&new, MARKER_TEXT, "finished");
        // And an unfinished one, newer still: never taken for a site.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let half = tmp.path().join(format!(".site.zhushu-staging-{DEAD}-3-0"));
        site(&half, BUILDING_TEXT, "half");

        let notices = tidy(&out);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"finished");
        assert!(!old.exists() && !new.exists() && !half.exists());
        assert!(
            notices.iter().any(|n| n.contains("put back")),
            "{notices:?}"
        );
    }

    #[test]
    fn the_swap_without_an_exchange_takes_two_renames() {
        for try_exchange in [true, false] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("site");
            site(&out, MARKER_TEXT, "old");
            let staging = staging_path(tmp.path(), "site");
            site(&staging, MARKER_TEXT, "new");
            let retired = swap(&staging, &out, try_exchange).unwrap().unwrap();
            assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
            assert_eq!(fs::read(retired.join("index.html")).unwrap(), b"old");
            assert_eq!(remove_retired(&retired), None);
            let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
            assert_eq!(left.len(), 1, "only the site is left ({try_exchange})");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_exchange_trades_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        site(&a, MARKER_TEXT, "a");
        site(&b, MARKER_TEXT, "b");
        match exchange(&a, &b) {
            Ok(()) => {
                assert_eq!(fs::read(a.join("index.html")).unwrap(), b"b");
                assert_eq!(fs::read(b.join("index.html")).unwrap(), b"a");
            }
            // A file system without it (the swap then takes two renames).
            Err(e) => assert!(exchange_unsupported(&e), "{e}"),
        }
    }
}
