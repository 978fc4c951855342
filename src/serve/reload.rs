//! Live reload: every page served gets a small script that listens to
//! `/_zhushu/events` (server-sent events) and reloads when a build changes
//! it (its own file, or the theme's static files), or lays the build's
//! error over the page when one fails.

use std::io::Write;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::output::Changes;

/// The script's URL; nothing in a site can be named like it (hidden and
/// reserved names are refused).
pub const SCRIPT_PATH: &str = "/_zhushu/live.js";
pub const EVENTS_PATH: &str = "/_zhushu/events";

/// What the pages should show now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The site as built by build number `generation`, and what that build
    /// changed.
    Built { generation: u64, changes: Changes },
    /// The last build failed with this message; the previous site is
    /// still served.
    Failed { generation: u64, message: String },
}

impl State {
    fn generation(&self) -> u64 {
        match self {
            State::Built { generation, .. } | State::Failed { generation, .. } => *generation,
        }
    }
}

/// The open pages' event streams, and the state new ones are told.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Mutex<(State, Vec<Sender<String>>)>>,
}

impl Hub {
    pub fn new(state: State) -> Hub {
        Hub {
            inner: Arc::new(Mutex::new((state, Vec::new()))),
        }
    }

    pub fn generation(&self) -> u64 {
        self.inner.lock().expect("hub lock").0.generation()
    }

    /// Tells every open page the new state.
    pub fn publish(&self, state: State) {
        let mut inner = self.inner.lock().expect("hub lock");
        let event = event_for(&state);
        inner.0 = state;
        inner.1.retain(|client| client.send(event.clone()).is_ok());
    }

    /// A new page's stream: first the current state, then what follows.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        let mut inner = self.inner.lock().expect("hub lock");
        let _ = tx.send(event_for(&inner.0));
        inner.1.push(tx);
        rx
    }
}

/// Above this many changed files, a build says "everything" (`*`) rather
/// than list them (a theme edit changes every page).
const MAX_LISTED: usize = 1000;

/// One server-sent event: `built` with the generation and then the changed
/// files, a `data:` line each (or `*` for all), or `failed` with the last
/// good generation and the error, one `data:` line per line of it.
fn event_for(state: &State) -> String {
    match state {
        State::Built {
            generation,
            changes,
        } => {
            let mut event = format!("event: built\ndata: {generation}\n");
            match changes {
                Changes::Files(files) if files.len() <= MAX_LISTED => {
                    for file in files {
                        event.push_str("data: ");
                        event.push_str(file);
                        event.push('\n');
                    }
                }
                _ => event.push_str("data: *\n"),
            }
            event.push('\n');
            event
        }
        State::Failed {
            generation,
            message,
        } => {
            let mut event = format!("event: failed\ndata: {generation}\n");
            for line in message.lines() {
                event.push_str("data: ");
                event.push_str(line);
                event.push('\n');
            }
            event.push('\n');
            event
        }
    }
}

/// Streams events to one page until it goes away.
pub fn stream(mut out: Box<dyn Write + Send>, events: Receiver<String>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match events.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event,
            // A comment now and then finds the pages that have gone.
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": still here\n\n".to_owned(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(chunk.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The page's side. It knows the generation it was served from. A `built`
/// event of another generation reloads it when the build changed the page's
/// own file or a theme file under static/ (or everything); otherwise the
/// page keeps its place and takes note of the generation. The first event
/// of a stream reloads it whenever the generation differs, since builds
/// may have been missed while the stream was closed. `failed` shows the
/// error over it (its text set as text, never as markup).
pub fn script(generation: u64) -> String {
    format!(
        r#"(function () {{
  var served = {generation};
  var heard = false;
  var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
  if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html";
  function shows(changed) {{
    return changed.some(function (file) {{
      return file === "*" || file === path || file.indexOf("static/") === 0;
    }});
  }}
  // Opened once the page has loaded, so that the stream, which never
  // ends, cannot hold up the page's load event.
  function listen() {{
  var source = new EventSource("{EVENTS_PATH}");
  function overlay() {{
    var box = document.getElementById("zhushu-build-error");
    if (!box) {{
      box = document.createElement("pre");
      box.id = "zhushu-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;margin:0;padding:2em;overflow:auto;" +
        "background:rgba(25,12,12,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }}
    return box;
  }}
  source.addEventListener("built", function (e) {{
    var lines = e.data.split("\n");
    var generation = Number(lines[0]);
    var first = !heard;
    heard = true;
    var box = document.getElementById("zhushu-build-error");
    if (box) box.remove();
    if (generation === served) return;
    if (first || shows(lines.slice(1))) location.reload();
    else served = generation;
  }});
  source.addEventListener("failed", function (e) {{
    heard = true;
    var lines = e.data.split("\n");
    overlay().textContent = "zhushu: the build failed; the last good site is still served.\n\n" + lines.slice(1).join("\n");
  }});
  }}
  if (document.readyState === "complete") listen();
  else window.addEventListener("load", function () {{ setTimeout(listen, 0); }});
}})();
"#
    )
}

/// `html` with the live-reload script before `</body>` (or at the end).
pub fn inject(html: &str, generation: u64) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}?g={generation}\"></script>\n");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_sent_line_by_line() {
        let event = event_for(&State::Failed {
            generation: 3,
            message: "error: bad\n --> a.md:1:1".to_owned(),
        });
        assert_eq!(
            event,
            "event: failed\ndata: 3\ndata: error: bad\ndata:  --> a.md:1:1\n\n"
        );
    }

    #[test]
    fn new_pages_hear_the_state_then_the_changes() {
        let hub = Hub::new(State::Built {
            generation: 1,
            changes: Changes::All,
        });
        let page = hub.subscribe();
        hub.publish(State::Built {
            generation: 2,
            changes: Changes::Files(vec!["a.html".to_owned(), "static/style.css".to_owned()]),
        });
        assert_eq!(page.recv().unwrap(), "event: built\ndata: 1\ndata: *\n\n");
        assert_eq!(
            page.recv().unwrap(),
            "event: built\ndata: 2\ndata: a.html\ndata: static/style.css\n\n"
        );
        assert_eq!(hub.generation(), 2);
    }

    #[test]
    fn a_long_list_of_changes_is_said_as_everything() {
        let many = (0..=MAX_LISTED).map(|i| format!("p{i}.html")).collect();
        let event = event_for(&State::Built {
            generation: 4,
            changes: Changes::Files(many),
        });
        assert_eq!(event, "event: built\ndata: 4\ndata: *\n\n");
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        assert_eq!(
            inject("<body><p>x</p></body></html>", 7),
            "<body><p>x</p><script src=\"/_zhushu/live.js?g=7\"></script>\n</body></html>"
        );
    }
}
