//! Just enough HTTP/1.1 for a local preview: GET and HEAD, one request a
//! connection (`Connection: close`), so that no keep-alive state can leave
//! a browser waiting; an event stream simply stays open.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use super::files::{self, Refusal};
use super::reload::{self, Hub};

/// The longest request head read; a browser's is a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;

pub fn handle(stream: TcpStream, site: &Path, hub: &Hub) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let Some((method, target)) = read_head(BufReader::new(reader)) else {
        let _ = respond(&stream, 400, "text/plain", b"bad request\n", false);
        return;
    };
    if method != "GET" && method != "HEAD" {
        let _ = respond(&stream, 405, "text/plain", b"only GET and HEAD\n", false);
        return;
    }
    let head_only = method == "HEAD";
    let path = target.split('?').next().unwrap_or("");
    if path == reload::EVENTS_PATH {
        reload::stream(Box::new(stream), hub.subscribe());
        return;
    }
    let script = |body: String| (200, "text/javascript; charset=utf-8", body.into_bytes());
    let (status, kind, body) = if path == reload::SCRIPT_PATH {
        script(reload::script(hub.generation()))
    } else if path == "/sw.js" {
        // The site's service worker would keep serving the pages it cached
        // and hide every rebuild: while serving, it is one that removes
        // itself and its caches.
        script(super::UNREGISTER_WORKER.to_owned())
    } else {
        match files::resolve(site, &target).map(|file| (std::fs::read(&file), file)) {
            Ok((Ok(bytes), file)) => {
                let kind = files::content_type(&file);
                let bytes = if kind.starts_with("text/html") {
                    reload::inject(&String::from_utf8_lossy(&bytes), hub.generation()).into_bytes()
                } else {
                    bytes
                };
                (200, kind, bytes)
            }
            Err(Refusal::Forbidden) => (403, "text/plain", b"forbidden\n".to_vec()),
            Ok((Err(_), _)) | Err(Refusal::NotFound) => {
                // Still a page with the live script, so that it shows a
                // build error or reloads once the page exists.
                let page = "<!DOCTYPE html><title>Not found</title><p>Not found.</p>";
                let html = reload::inject(page, hub.generation());
                (404, "text/html; charset=utf-8", html.into_bytes())
            }
        }
    };
    let _ = respond(&stream, status, kind, &body, head_only);
}

/// The request line's method and target; the headers are read and ignored.
fn read_head(mut reader: impl BufRead) -> Option<(String, String)> {
    let mut line = String::new();
    let mut read = reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    parts.next()?.strip_prefix("HTTP/1.")?;
    loop {
        let mut header = String::new();
        let n = reader.read_line(&mut header).ok()?;
        read += n;
        if n == 0 || read > MAX_HEAD {
            return None;
        }
        if header == "\r\n" || header == "\n" {
            return Some((method, target));
        }
    }
}

fn respond(
    mut stream: &TcpStream,
    status: u16,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_line_is_read_and_the_headers_skipped() {
        let head = "GET /a.html?x HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n";
        assert_eq!(
            read_head(head.as_bytes()),
            Some(("GET".to_owned(), "/a.html?x".to_owned()))
        );
        assert_eq!(read_head("GET /a.html\r\n\r\n".as_bytes()), None);
        assert_eq!(read_head("GET /a HTTP/1.1\r\nHost: h\r\n".as_bytes()), None);
        let endless = format!("GET / HTTP/1.1\r\n{}", "X: y\r\n".repeat(10_000));
        assert_eq!(read_head(endless.as_bytes()), None);
    }
}
