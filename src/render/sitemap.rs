//! `sitemap.xml`, written only when the edition knows where it will live:
//! the site itself uses relative links and needs no base URL.

pub fn sitemap(base_url: &str, files: &[&str]) -> String {
    let base = if base_url.ends_with('/') {
        base_url.to_owned()
    } else {
        format!("{base_url}/")
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for file in files {
        let mut loc = String::new();
        pulldown_cmark_escape::escape_html(&mut loc, &format!("{base}{file}")).ok();
        xml.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    crate::render::xml::clean(&xml).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_pages_under_the_base() {
        let xml = super::sitemap("https://ex.org/ed", &["index.html", "a&b.html"]);
        assert!(xml.contains("<loc>https://ex.org/ed/index.html</loc>"));
        assert!(xml.contains("<loc>https://ex.org/ed/a&amp;b.html</loc>"));
    }
}
