//! Running one child process and reading its wall time and peak resident set.
//!
//! The child is spawned with `std::process::Command` and reaped here with
//! `wait4(2)`, whose `rusage` covers that child (and any of its own children it
//! waited for) and nothing else: not this process, not other benchmark runs.
//! The `Child` handle is never waited on by std.

use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the child cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub wall: Duration,
    /// CPU time of the child in user space and in the kernel (for a build,
    /// mostly file system work).
    pub user: Duration,
    pub sys: Duration,
    /// Peak resident set size of the child, in KiB.
    pub max_rss_kib: u64,
}

/// How the child ended when it did not succeed.
#[derive(Debug)]
pub enum RunError {
    Spawn(io::Error),
    Wait(io::Error),
    Failed { status: String },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spawn(e) => write!(f, "could not start it: {e}"),
            RunError::Wait(e) => write!(f, "wait4 failed: {e}"),
            RunError::Failed { status } => write!(f, "it {status}"),
        }
    }
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

/// Flushes dirty pages to disk, so that writing back what an earlier run
/// wrote is not billed to the next one.
pub fn sync() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() }
}

/// Runs `cmd` to its end with stdin and stdout closed and stderr sent to
/// `stderr_log`, and measures it.
pub fn run(mut cmd: Command, stderr_log: &Path) -> Result<Sample, RunError> {
    let log = File::create(stderr_log).map_err(RunError::Spawn)?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log));
    let start = Instant::now();
    let child = cmd.spawn().map_err(RunError::Spawn)?;
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits in pid_t");
    // The handle owns no pipe; dropping it neither waits nor kills.
    drop(child);

    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, for which all-zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped; both pointers are
        // to live, writable locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(RunError::Wait(err));
        }
    }
    let wall = start.elapsed();

    if libc::WIFEXITED(status) {
        let code = libc::WEXITSTATUS(status);
        if code != 0 {
            return Err(RunError::Failed {
                status: format!("exited with status {code}"),
            });
        }
    } else if libc::WIFSIGNALED(status) {
        return Err(RunError::Failed {
            status: format!("was killed by signal {}", libc::WTERMSIG(status)),
        });
    }

    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let max_rss = usage.ru_maxrss.max(0) as u64;
    let max_rss_kib = if cfg!(target_os = "macos") {
        max_rss / 1024
    } else {
        max_rss
    };
    Ok(Sample {
        wall,
        user: timeval(usage.ru_utime),
        sys: timeval(usage.ru_stime),
        max_rss_kib,
    })
}

/// The median of a non-empty list (the mean of the middle two for an even
/// count).
pub fn median(values: &[Duration]) -> Duration {
    assert!(!values.is_empty());
    let mut v = values.to_vec();
    v.sort();
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(
            median(&[ms(4), ms(1), ms(3), ms(2)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&[ms(7)]), ms(7));
    }

    #[test]
    fn measures_a_child_only() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr");
        // A child that holds ~64 MiB resident for a moment.
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "head -c 67108864 /dev/zero | tail -c 1 >/dev/null; echo done >&2",
        ]);
        let s = run(cmd, &log).unwrap();
        assert!(s.wall > Duration::ZERO);
        assert!(s.max_rss_kib > 0);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "done\n");

        let mut fail = Command::new("sh");
        fail.args(["-c", "echo oops >&2; exit 3"]);
        match run(fail, &log) {
            Err(RunError::Failed { status }) => assert_eq!(status, "exited with status 3"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            run(Command::new("/nonexistent/zhushu"), &log),
            Err(RunError::Spawn(_))
        ));
    }
}
