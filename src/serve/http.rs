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
    let Some((method, target, if_none_match)) = read_head(BufReader::new(reader)) else {
        let _ = respond(
            &stream,
            &Reply::fresh(400, "text/plain", b"bad request\n".to_vec()),
            false,
        );
        return;
    };
    if method != "GET" && method != "HEAD" {
        let _ = respond(
            &stream,
            &Reply::fresh(405, "text/plain", b"only GET and HEAD\n".to_vec()),
            false,
        );
        return;
    }
    let head_only = method == "HEAD";
    let path = target.split('?').next().unwrap_or("");
    if path == reload::EVENTS_PATH {
        reload::stream(Box::new(stream), hub.subscribe());
        return;
    }
    let script =
        |body: String| Reply::fresh(200, "text/javascript; charset=utf-8", body.into_bytes());
    let reply = if path == reload::SCRIPT_PATH {
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
                if kind.starts_with("text/html") {
                    let html = reload::inject(&String::from_utf8_lossy(&bytes), hub.generation());
                    Reply::fresh(200, kind, html.into_bytes())
                } else {
                    // Scripts and styles may be kept if they have not
                    // changed: a reload after an edit then fetches and
                    // compiles only what did (the search index above all).
                    let tag = etag(&bytes);
                    if if_none_match.as_deref() == Some(tag.as_str()) {
                        Reply::unchanged(tag)
                    } else {
                        Reply {
                            etag: Some(tag),
                            ..Reply::fresh(200, kind, bytes)
                        }
                    }
                }
            }
            Err(Refusal::Forbidden) => Reply::fresh(403, "text/plain", b"forbidden\n".to_vec()),
            Err(Refusal::NoSite) => {
                // Nothing from the folder, but the live script, so that
                // the page shows the build's error or reloads once a
                // build has put a site there.
                let page = "<!DOCTYPE html><title>No site</title>\
                    <p>No site zhushu built is here (yet): nothing is served.</p>";
                let html = reload::inject(page, hub.generation());
                Reply::fresh(503, "text/html; charset=utf-8", html.into_bytes())
            }
            Ok((Err(_), _)) | Err(Refusal::NotFound) => {
                // Still a page with the live script, so that it shows a
                // build error or reloads once the page exists.
                let page = "<!DOCTYPE html><title>Not found</title><p>Not found.</p>";
                let html = reload::inject(page, hub.generation());
                Reply::fresh(404, "text/html; charset=utf-8", html.into_bytes())
            }
        }
    };
    let _ = respond(&stream, &reply, head_only);
}

/// A response: its status, type and body, and the tag of a body that a
/// browser may keep (revalidated on every use).
struct Reply {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    etag: Option<String>,
}

impl Reply {
    fn fresh(status: u16, kind: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            kind,
            body,
            etag: None,
        }
    }

    fn unchanged(etag: String) -> Reply {
        Reply {
            status: 304,
            kind: "",
            body: Vec::new(),
            etag: Some(etag),
        }
    }
}

/// A strong validator from the bytes themselves.
fn etag(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The request line's method and target, and the `If-None-Match` header;
/// the other headers are read and ignored.
fn read_head(mut reader: impl BufRead) -> Option<(String, String, Option<String>)> {
    let mut line = String::new();
    let mut read = reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    parts.next()?.strip_prefix("HTTP/1.")?;
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        let n = reader.read_line(&mut header).ok()?;
        read += n;
        if n == 0 || read > MAX_HEAD {
            return None;
        }
        if header == "\r\n" || header == "\n" {
            return Some((method, target, if_none_match));
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_owned());
        }
    }
}

fn respond(mut stream: &TcpStream, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    if !reply.kind.is_empty() {
        head.push_str(&format!("Content-Type: {}\r\n", reply.kind));
    }
    match &reply.etag {
        Some(tag) => head.push_str(&format!("ETag: {tag}\r\nCache-Control: no-cache\r\n")),
        None => head.push_str("Cache-Control: no-store\r\n"),
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&reply.body)?;
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
            Some(("GET".to_owned(), "/a.html?x".to_owned(), None))
        );
        let revalidate = "GET /s.js HTTP/1.1\r\nIf-None-Match:  \"ab\"\r\n\r\n";
        assert_eq!(
            read_head(revalidate.as_bytes()).and_then(|h| h.2),
            Some("\"ab\"".to_owned())
        );
        assert_eq!(read_head("GET /a.html\r\n\r\n".as_bytes()), None);
        assert_eq!(read_head("GET /a HTTP/1.1\r\nHost: h\r\n".as_bytes()), None);
        let endless = format!("GET / HTTP/1.1\r\n{}", "X: y\r\n".repeat(10_000));
        assert_eq!(read_head(endless.as_bytes()), None);
    }
}
