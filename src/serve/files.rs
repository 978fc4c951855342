//! Which file a request names, refused when it would lead outside the
//! site: `..` in any spelling, hidden files, symlinks that point out; and
//! every request refused while the folder served is not a site zhushu
//! built (it has no marker), whatever has taken its place.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a path zhushu will read (a `..`, a backslash, a NUL, bad UTF-8).
    Forbidden,
    NotFound,
    /// The folder served holds no site zhushu built (no `.zhushu-site`).
    NoSite,
}

/// The file under `site` that the URL path names (`/` is `index.html`).
pub fn resolve(site: &Path, url: &str) -> Result<PathBuf, Refusal> {
    // Judged at every request: between two, the site may have been
    // replaced, removed, or swapped for a folder zhushu did not make.
    let site = site.canonicalize().map_err(|_| Refusal::NoSite)?;
    if !crate::output::is_site(&site) {
        return Err(Refusal::NoSite);
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| Refusal::Forbidden)?;
    if decoded.contains(['\0', '\\']) {
        return Err(Refusal::Forbidden);
    }
    let mut relative = PathBuf::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(Refusal::Forbidden),
            // The staging folders and the site marker are not the site.
            hidden if hidden.starts_with('.') => return Err(Refusal::NotFound),
            part => relative.push(part),
        }
    }
    let mut file = site.join(&relative);
    if file.is_dir() {
        file.push("index.html");
    }
    // A symlink inside the site may still lead out of it: judge where the
    // path really ends.
    let real = file.canonicalize().map_err(|_| Refusal::NotFound)?;
    if !real.starts_with(&site) {
        return Err(Refusal::Forbidden);
    }
    if !real.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(real)
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "epub" => "application/epub+zip",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/static")).unwrap();
        std::fs::write(dir.path().join("site/index.html"), "i").unwrap();
        std::fs::write(dir.path().join("site/static/style.css"), "s").unwrap();
        std::fs::write(dir.path().join("site/.zhushu-site"), "m").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        dir
    }

    #[test]
    fn files_of_the_site_are_served() {
        let dir = site();
        let site = dir.path().join("site");
        let real = |p: &str| site.join(p).canonicalize().unwrap();
        assert_eq!(resolve(&site, "/"), Ok(real("index.html")));
        assert_eq!(resolve(&site, "/index.html?x=1#p3"), Ok(real("index.html")));
        assert_eq!(
            resolve(&site, "/static/style.css"),
            Ok(real("static/style.css"))
        );
        assert_eq!(resolve(&site, "/static/"), Err(Refusal::NotFound));
        assert_eq!(resolve(&site, "/nothing.html"), Err(Refusal::NotFound));
    }

    #[test]
    fn paths_out_of_the_site_are_refused() {
        let dir = site();
        let site = dir.path().join("site");
        for url in [
            "/../secret.txt",
            "/static/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/static/%2e%2e/%2e%2e/secret.txt",
            "/..%5csecret.txt",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(resolve(&site, url), Err(Refusal::Forbidden), "{url}");
        }
        assert_eq!(resolve(&site, "/.zhushu-site"), Err(Refusal::NotFound));
        // Encoded twice, `..` is only a strange name.
        assert_eq!(
            resolve(&site, "/%252e%252e/secret.txt"),
            Err(Refusal::NotFound)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_that_lead_out_are_refused() {
        let dir = site();
        let site = dir.path().join("site");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), site.join("up")).unwrap();
        assert_eq!(resolve(&site, "/link.txt"), Err(Refusal::Forbidden));
        assert_eq!(resolve(&site, "/up/secret.txt"), Err(Refusal::Forbidden));
    }

    #[test]
    fn nothing_is_served_from_a_folder_without_the_marker() {
        let dir = site();
        let site = dir.path().join("site");
        assert!(resolve(&site, "/").is_ok());
        std::fs::remove_file(site.join(".zhushu-site")).unwrap();
        for url in ["/", "/index.html", "/static/style.css", "/../secret.txt"] {
            assert_eq!(resolve(&site, url), Err(Refusal::NoSite), "{url}");
        }
        // Nor from the folder above, which holds files but no site.
        assert_eq!(resolve(dir.path(), "/secret.txt"), Err(Refusal::NoSite));
        assert_eq!(resolve(&dir.path().join("gone"), "/"), Err(Refusal::NoSite));
    }

    #[cfg(unix)]
    #[test]
    fn a_marker_that_is_a_link_is_no_marker() {
        let dir = site();
        let site = dir.path().join("site");
        std::fs::remove_file(site.join(".zhushu-site")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join(".zhushu-site"))
            .unwrap();
        assert_eq!(resolve(&site, "/index.html"), Err(Refusal::NoSite));
    }
}
