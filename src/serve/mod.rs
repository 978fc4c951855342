//! `zhushu serve`: builds the edition, serves the site on 127.0.0.1,
//! watches content/ and themes/, rebuilds on every change and reloads the
//! open pages that the rebuild changed; a failed build leaves the last good
//! site served, with the error laid over its pages. Only ever a site
//! zhushu built: it will not start on an output the build refuses, nor
//! when the first build fails and no site of zhushu's is there; and no
//! request is answered from the folder while it lacks the site marker.

pub mod files;
mod http;
pub mod reload;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, QuotationPass, Redetection, build};
use crate::diagnostic::{Error, Result};
use reload::{Hub, State};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    /// Where to listen; 127.0.0.1 unless the user asks otherwise.
    pub address: SocketAddr,
}

/// What `serve` reports as it goes, for the command line to print.
pub enum ServeEvent<'a> {
    Listening(&'a str),
    Built {
        pages: usize,
        /// Chapters rendered again, of all (the others were unchanged).
        rendered: (usize, usize),
        took: Duration,
        /// Whether quotations were detected, or carried over the edit from
        /// the last detection (to be detected again when edits pause).
        quotations: QuotationPass,
        /// Each stage's time, as `zhushu build -v` prints them.
        timings: &'a [(&'static str, Duration)],
    },
    /// Quotations detected again after a build that carried them: how
    /// many files that changed (none: the carried ones stood).
    Redetected {
        changed: usize,
        took: Duration,
    },
    Failed {
        error: &'a Error,
        /// Whether a site zhushu built is still there to serve.
        served: bool,
    },
    /// Something done beside the site (`build::BuildReport::notices`).
    Notice(&'a str),
}

/// After a change, further changes within this time join the same rebuild
/// (an editor's save is often several events).
const SETTLE: Duration = Duration::from_millis(10);

/// After an edit, quotations are carried over from the last detection
/// (`enrich::quotations::carry`), and detected again once no edit has come
/// for this long: an editor saving as they type is not kept waiting for a
/// whole-edition detection (and one under way when an edit comes is given
/// up at its next stage).
const PAUSE: Duration = Duration::from_secs(1);

pub fn serve(options: &ServeOptions, report: &(dyn Fn(ServeEvent) + Sync)) -> Result<()> {
    // Between rebuilds, the chapters an edit did not touch are not
    // rendered again.
    let mut options = options.clone();
    options.build.memory.get_or_insert_with(Default::default);
    options.build.carry_quotations = false;
    options.build.leave_previous_site = true;
    let options = &options;
    let quick = BuildOptions {
        carry_quotations: true,
        ..options.build.clone()
    };
    let site = options.build.output_folder();
    // The output the build would refuse (the edition's folder, one above
    // it, `/`, a folder in content/) is refused before anything is served.
    for notice in crate::build::prepare_output(&options.build)? {
        report(ServeEvent::Notice(&notice));
    }
    // Watched from before the first build, so that an edit saved while it
    // runs, or just after `serving` is told, is never missed. Every change
    // also raises `edited`, which stops a detection under way.
    let edited = Arc::new(AtomicBool::new(false));
    let (changes, _watcher) = watch(&options.build.root, edited.clone())?;
    let hub = Hub::new(State::Built {
        generation: 0,
        changes: crate::output::Changes::All,
    });
    if rebuild(&options.build, &hub, report).is_none() && !crate::output::is_site(&site) {
        return Err(Error::new(format!(
            "not serving {}: the build failed, and no site zhushu built is there \
             (it has no {} in it)",
            site.display(),
            crate::output::MARKER
        ))
        .with_help("fix the error above, or choose another --output folder, and start again"));
    }

    let listener = TcpListener::bind(options.address).map_err(|e| {
        Error::new(format!("cannot listen on {}: {e}", options.address))
            .with_help("another program may have the port: choose one with --port")
    })?;
    let address = listener.local_addr().unwrap_or(options.address);
    report(ServeEvent::Listening(&format!("http://{address}/")));

    std::thread::scope(|scope| {
        let hub = &hub;
        let quick = &quick;
        scope.spawn(move || {
            for _ in changes.iter() {
                // Let a burst of events settle into one rebuild.
                while changes.recv_timeout(SETTLE).is_ok() {}
                edited.store(false, Ordering::SeqCst);
                let mut pass = rebuild(quick, hub, report);
                while pass == Some(QuotationPass::Carried) {
                    match changes.recv_timeout(PAUSE) {
                        Ok(()) => {
                            while changes.recv_timeout(SETTLE).is_ok() {}
                            edited.store(false, Ordering::SeqCst);
                            pass = rebuild(quick, hub, report);
                        }
                        Err(RecvTimeoutError::Timeout) => {
                            let stop = || edited.load(Ordering::SeqCst);
                            pass = detect_again(quick, &stop, hub, report);
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            }
        });
        for connection in listener.incoming().flatten() {
            let hub = hub.clone();
            let site = site.clone();
            // A thread a connection: event streams stay open for as long
            // as their page does.
            std::thread::spawn(move || http::handle(connection, &site, &hub));
        }
    });
    Ok(())
}

/// One build, told to the command line and the open pages; how it came by
/// its quotations, if it succeeded.
fn rebuild(
    options: &BuildOptions,
    hub: &Hub,
    report: &(dyn Fn(ServeEvent) + Sync),
) -> Option<QuotationPass> {
    let started = Instant::now();
    match build(options) {
        Ok(built) => {
            tell_notices(&built, report);
            report(ServeEvent::Built {
                pages: built.pages,
                rendered: (built.chapters_rendered, built.chapters),
                took: started.elapsed(),
                quotations: built.quotations,
                timings: &built.timings,
            });
            Some(publish(built, hub, report))
        }
        Err(error) => {
            tell_failure(options, &error, hub, report);
            None
        }
    }
}

/// What a build did beside the site (`BuildReport::notices`).
fn tell_notices(built: &crate::build::BuildReport, report: &(dyn Fn(ServeEvent) + Sync)) {
    for notice in &built.notices {
        report(ServeEvent::Notice(notice));
    }
}

/// A build that succeeded, told to the open pages; the site it replaced is
/// removed after. How it came by its quotations.
fn publish(
    built: crate::build::BuildReport,
    hub: &Hub,
    report: &(dyn Fn(ServeEvent) + Sync),
) -> QuotationPass {
    hub.publish(State::Built {
        generation: hub.generation() + 1,
        changes: built.changes,
    });
    remove_previous(built.previous_site, report);
    built.quotations
}

/// A failed build, told to the command line and the open pages (which
/// keep the site they have, with the error laid over it).
fn tell_failure(
    options: &BuildOptions,
    error: &Error,
    hub: &Hub,
    report: &(dyn Fn(ServeEvent) + Sync),
) {
    report(ServeEvent::Failed {
        error,
        served: crate::output::is_site(&options.output_folder()),
    });
    hub.publish(State::Failed {
        generation: hub.generation(),
        message: error.to_string(),
    });
}

/// After a build that carried quotations over an edit, they are detected
/// again; the site is built again only if they differ from those carried.
/// How that build came by its quotations (`Same` when none was needed).
fn detect_again(
    options: &BuildOptions,
    stop: &(dyn Fn() -> bool + Sync),
    hub: &Hub,
    report: &(dyn Fn(ServeEvent) + Sync),
) -> Option<QuotationPass> {
    let started = Instant::now();
    match crate::build::detect_again(options, stop) {
        // An edit came: it is built first, and detection waits again.
        Ok(Redetection::Stopped) => Some(QuotationPass::Carried),
        Ok(Redetection::Stands) => {
            report(ServeEvent::Redetected {
                changed: 0,
                took: started.elapsed(),
            });
            Some(QuotationPass::Same)
        }
        Ok(Redetection::Rebuilt(built)) => {
            let changed = match &built.changes {
                crate::output::Changes::All => usize::MAX,
                crate::output::Changes::Files(files) => files.len(),
            };
            tell_notices(&built, report);
            report(ServeEvent::Redetected {
                changed,
                took: started.elapsed(),
            });
            Some(publish(built, hub, report))
        }
        Err(error) => {
            tell_failure(options, &error, hub, report);
            None
        }
    }
}

/// The site a build replaced, removed once the pages are told of the new
/// one.
fn remove_previous(previous: Option<std::path::PathBuf>, report: &(dyn Fn(ServeEvent) + Sync)) {
    if let Some(notice) = previous.and_then(|p| crate::output::remove_retired(&p)) {
        report(ServeEvent::Notice(&notice));
    }
}

/// Changes under content/ and themes/, as a channel; the watcher lives as
/// long as the second half.
fn watch(
    root: &Path,
    edited: Arc<AtomicBool>,
) -> Result<(Receiver<()>, notify::RecommendedWatcher)> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
        {
            edited.store(true, Ordering::SeqCst);
            let _ = tx.send(());
        }
    })
    .map_err(|e| Error::new(format!("cannot watch the edition for changes: {e}")))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::new(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    Ok((rx, watcher))
}

pub(crate) const UNREGISTER_WORKER: &str = "// zhushu serve: no offline cache while editing.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.map((key) => caches.delete(key))))
      .then(() => self.registration.unregister())
  );
});
";
