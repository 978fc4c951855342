//! `zhushu pdf`: the print edition (print.html) printed to PDF by headless
//! Chromium. Chromium lays out `@page` margin boxes, named pages and page
//! numbers, but neither starts a piece on a right-hand page
//! (`break-before: right`) nor knows a link's page (`target-counter`). So
//! the book is printed twice: the first print tells, from the PDF's named
//! destinations (one per link of the contents), the page each piece starts
//! on; the second shows a blank page before each piece that would start on
//! a left-hand page, and writes the page numbers into the contents. A
//! third print is made only if the second moved something.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use regex::Regex;

use crate::build::{BuildOptions, build};
use crate::diagnostic::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    A4,
    #[default]
    A5,
    Letter,
}

impl Paper {
    fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A5 => "A5",
            Paper::Letter => "letter",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub root: PathBuf,
    pub theme: Option<String>,
    /// Print chapters marked `draft: true` too.
    pub drafts: bool,
    pub paper: Paper,
    /// Default: `<root>/<title-slug>.pdf`.
    pub output: Option<PathBuf>,
}

/// What was printed: the file, its pages, and how many prints it took.
#[derive(Debug)]
pub struct PdfReport {
    pub output: PathBuf,
    pub pages: usize,
    pub prints: usize,
}

/// How many times the book may be printed before the layout must settle.
const MAX_PRINTS: usize = 4;

pub fn pdf(options: &PdfOptions) -> Result<PdfReport> {
    let chromium = find_chromium()?;
    let scratch = tempfile_dir()?;
    let result = print_in(&scratch, &chromium, options);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn print_in(scratch: &Path, chromium: &Path, options: &PdfOptions) -> Result<PdfReport> {
    let site = scratch.join("site");
    build(&BuildOptions {
        root: options.root.clone(),
        output: Some(site.clone()),
        theme: options.theme.clone(),
        drafts: options.drafts,
        ..BuildOptions::default()
    })?;
    let print_html = site.join("print.html");
    if !print_html.is_file() {
        return Err(
            Error::new("the theme makes no print edition (print.html)").with_help(
                "use a theme with the templates print.html and piece.html, such as classic",
            ),
        );
    }
    let html =
        std::fs::read_to_string(&print_html).map_err(|e| Error::io("read", &print_html, e))?;
    let html = with_paper(&html, options.paper);
    let order = recto_order(&html);
    let others = other_pages(&html, &order);

    let mut layout = Layout::default();
    let pdf = scratch.join("print.pdf");
    for prints in 1..=MAX_PRINTS {
        // Beside print.html, so that its relative links to static/ resolve.
        let page = site.join(format!("print-{prints}.html"));
        std::fs::write(&page, layout.apply(&html)).map_err(|e| Error::io("write", &page, e))?;
        run_chromium(chromium, &page, &pdf, scratch)?;
        let (starts, pages) = destinations(&pdf)?;
        let next = layout
            .settle(&order, &starts)
            .with_others(&order, &others, &starts);
        if next == layout {
            let output = match &options.output {
                Some(path) => path.clone(),
                None => options.root.join(file_name(&options.root)?),
            };
            std::fs::copy(&pdf, &output).map_err(|e| Error::io("write", &output, e))?;
            return Ok(PdfReport {
                output,
                pages,
                prints,
            });
        }
        layout = next;
    }
    Err(Error::new(format!(
        "the print edition's pages did not settle after {MAX_PRINTS} prints"
    ))
    .with_help("a piece's start moves whenever the contents' page numbers are written; check the theme's print styles"))
}

/// `<title-slug>.pdf`, as the EPUB is named.
fn file_name(root: &Path) -> Result<String> {
    let path = root.join("content").join("edition.yaml");
    let text = crate::files::read_text(&path)?;
    let config =
        crate::config::EditionConfig::parse(&text, &crate::files::display_path(root, &path))?;
    Ok(format!("{}.pdf", crate::slug::slug_for(&config.title)))
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("zhushu-pdf-{}", std::process::id()));
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    Ok(dir)
}

/// The paper size asked for, after the theme's own `@page` rules.
fn with_paper(html: &str, paper: Paper) -> String {
    let rule = format!("<style>@page {{ size: {}; }}</style>\n</head>", paper.css());
    html.replacen("</head>", &rule, 1)
}

/// The sections that must start on a right-hand page, in document order:
/// those with a blank page before them (`data-blank-for`).
fn recto_order(html: &str) -> Vec<String> {
    static BLANK: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"data-blank-for="([^"]+)""#).expect("a valid pattern")
    });
    BLANK.captures_iter(html).map(|c| c[1].to_owned()).collect()
}

/// The places whose page print.html asks for (`data-page-of`) that are no
/// section's start: the paragraphs the indexes list, each with the section
/// it stands in (the longest section id that its id extends, `piece-a`
/// for `piece-a-p3`).
fn other_pages(html: &str, order: &[String]) -> Vec<(String, String)> {
    static PAGE_OF: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"data-page-of="([^"]+)""#).expect("a valid pattern")
    });
    let mut seen = std::collections::HashSet::new();
    PAGE_OF
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .filter(|id| !order.contains(id) && seen.insert(id.clone()))
        .filter_map(|id| {
            let section = order
                .iter()
                .filter(|s| id.starts_with(&format!("{s}-")))
                .max_by_key(|s| s.len())?
                .clone();
            Some((id, section))
        })
        .collect()
}

/// The blank pages shown and the page numbers written into the contents
/// and the indexes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Layout {
    blanks: Vec<String>,
    numbers: BTreeMap<String, u32>,
}

impl Layout {
    /// The next layout, from where the sections started in the last print.
    /// A section on an even page gains a blank page before it (or loses
    /// the one it had), which moves every later section by one page.
    fn settle(&self, order: &[String], starts: &HashMap<String, u32>) -> Layout {
        let mut next = Layout::default();
        let mut shift: i64 = 0;
        for id in order {
            let Some(&start) = starts.get(id) else {
                continue;
            };
            let had_blank = self.blanks.contains(id);
            let mut page = start as i64 + shift;
            let wants_blank = if page % 2 == 0 { !had_blank } else { had_blank };
            if wants_blank != had_blank {
                let delta = if wants_blank { 1 } else { -1 };
                shift += delta;
                page += delta;
            }
            if wants_blank {
                next.blanks.push(id.clone());
            }
            next.numbers.insert(id.clone(), page as u32);
        }
        next
    }

    /// This layout with the pages of `others` (places inside sections, as
    /// `other_pages` gives them), from where they stood in the last print
    /// and the pages their sections gained or lost since.
    fn with_others(
        mut self,
        order: &[String],
        others: &[(String, String)],
        starts: &HashMap<String, u32>,
    ) -> Layout {
        for (id, section) in others {
            let (Some(&start), Some(&section_start), Some(&section_page)) = (
                starts.get(id),
                starts.get(section),
                self.numbers.get(section),
            ) else {
                continue;
            };
            debug_assert!(order.contains(section));
            let moved = section_page as i64 - section_start as i64;
            self.numbers
                .insert(id.clone(), (start as i64 + moved).max(1) as u32);
        }
        self
    }

    /// print.html with this layout's blank pages shown and numbers written.
    fn apply(&self, html: &str) -> String {
        static BLANK: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r#"<div([^>]*) data-blank-for="([^"]+)"([^>]*?) hidden>"#)
                .expect("a valid pattern")
        });
        static NUMBER: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r#"(<span[^>]* data-page-of="([^"]+)"[^>]*>)</span>"#)
                .expect("a valid pattern")
        });
        let html = BLANK.replace_all(html, |c: &regex::Captures| {
            if self.blanks.iter().any(|b| b == &c[2]) {
                format!("<div{} data-blank-for=\"{}\"{}>", &c[1], &c[2], &c[3])
            } else {
                c[0].to_owned()
            }
        });
        let html = NUMBER.replace_all(&html, |c: &regex::Captures| match self.numbers.get(&c[2]) {
            Some(n) => format!("{}{n}</span>", &c[1]),
            None => c[0].to_owned(),
        });
        self.opening_pages(&html)
    }

    /// The running heads' rules with the page each section opens on, where
    /// its head is left out: print.html's counter style
    /// `zs-open-left-ID` or `zs-open-right-ID` writes nothing on the pages
    /// of its `range`, which it gives as `0 0` (none).
    fn opening_pages(&self, html: &str) -> String {
        static OPENING: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r"(@counter-style zs-open-(?:left|right)-(\S+) \{[^}]*? range: )0 0;")
                .expect("a valid pattern")
        });
        OPENING
            .replace_all(html, |c: &regex::Captures| match self.numbers.get(&c[2]) {
                Some(n) => format!("{}{n} {n};", &c[1]),
                None => c[0].to_owned(),
            })
            .into_owned()
    }
}

/// The page (1-based) of each named destination, and the page count.
fn destinations(pdf: &Path) -> Result<(HashMap<String, u32>, usize)> {
    let unreadable = |e: lopdf::Error| Error::new(format!("cannot read {}: {e}", pdf.display()));
    let document = lopdf::Document::load(pdf).map_err(unreadable)?;
    let pages = document.get_pages();
    let page_of: HashMap<lopdf::ObjectId, u32> = pages.iter().map(|(&n, &id)| (id, n)).collect();
    let mut starts = HashMap::new();
    let mut add = |name: &[u8], target: &lopdf::Object| {
        let target = document.dereference(target).map(|(_, o)| o);
        // A destination is `[page /XYZ …]`, or a dictionary holding it as D.
        let array = match target {
            Ok(lopdf::Object::Array(a)) => Some(a),
            Ok(lopdf::Object::Dictionary(d)) => d.get(b"D").ok().and_then(|o| o.as_array().ok()),
            _ => None,
        };
        let page = array
            .and_then(|a| a.first())
            .and_then(|o| o.as_reference().ok())
            .and_then(|id| page_of.get(&id));
        if let Some(&page) = page {
            starts.insert(String::from_utf8_lossy(name).into_owned(), page);
        }
    };
    let catalog = document.catalog().map_err(unreadable)?;
    // PDF 1.1 keeps named destinations in the catalog's Dests dictionary,
    // later writers in a name tree; Chromium has used the first.
    if let Ok(dests) = catalog.get(b"Dests")
        && let Ok((_, lopdf::Object::Dictionary(dests))) = document.dereference(dests)
    {
        for (name, target) in dests.iter() {
            add(name, target);
        }
    }
    if let Ok(names) = catalog.get(b"Names") {
        let tree = document
            .dereference(names)
            .ok()
            .and_then(|(_, o)| o.as_dict().ok())
            .and_then(|d| d.get(b"Dests").ok());
        if let Some(tree) = tree {
            walk_name_tree(&document, tree, &mut add, 0);
        }
    }
    Ok((starts, pages.len()))
}

fn walk_name_tree(
    document: &lopdf::Document,
    node: &lopdf::Object,
    add: &mut dyn FnMut(&[u8], &lopdf::Object),
    depth: usize,
) {
    let Some(node) = document
        .dereference(node)
        .ok()
        .and_then(|(_, o)| o.as_dict().ok())
    else {
        return;
    };
    if let Ok(names) = node.get(b"Names").and_then(|o| o.as_array()) {
        for pair in names.chunks(2) {
            if let [name, target] = pair
                && let Ok(name) = name.as_str()
            {
                add(name, target);
            }
        }
    }
    // A broken file must not recurse for ever.
    if depth < 32
        && let Ok(kids) = node.get(b"Kids").and_then(|o| o.as_array())
    {
        for kid in kids {
            walk_name_tree(document, kid, add, depth + 1);
        }
    }
}

/// Chromium as `ZHUSHU_CHROMIUM` names it, or the first of its usual names
/// on PATH.
pub fn find_chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("ZHUSHU_CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(
        Error::new("zhushu pdf needs Chromium, and none is on PATH (chromium, chromium-browser, google-chrome)")
            .with_help("install Debian's `chromium` package (sudo apt-get install chromium), or set ZHUSHU_CHROMIUM to the browser's path"),
    )
}

/// How long one print may take before Chromium is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(300);

fn run_chromium(chromium: &Path, page: &Path, pdf: &Path, scratch: &Path) -> Result<()> {
    let _ = std::fs::remove_file(pdf);
    let page = std::path::absolute(page).map_err(|e| Error::io("find", page, e))?;
    let url = file_url(&page);
    let mut command = Command::new(chromium);
    command
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("chromium-profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()));
    // Chromium refuses to run as root with its sandbox on.
    if is_root() {
        command.arg("--no-sandbox");
    }
    command
        .arg(&url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| Error::new(format!("cannot run {}: {e}", chromium.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::new(format!(
                    "Chromium took more than {} s to print {url}",
                    PRINT_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(Error::new(format!("cannot wait for Chromium: {e}"))),
        }
    };
    if !status.success() || !pdf.is_file() {
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
        }
        return Err(Error::new(format!(
            "Chromium could not print {url} ({status}):\n{}",
            stderr.trim()
        )));
    }
    Ok(())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A file:// URL for an absolute path, with the characters URLs reserve
/// percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            b => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Vec<String> {
        ["piece-a", "piece-b", "piece-c", "back-glossary"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn blank_pages_go_before_pieces_on_even_pages() {
        let starts: HashMap<String, u32> = [
            ("piece-a", 5),
            ("piece-b", 8),
            ("piece-c", 11),
            ("back-glossary", 14),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
        let layout = Layout::default().settle(&order(), &starts);
        // b moves to 9, c to 12 then 13, the glossary to 16 then 17.
        assert_eq!(layout.blanks, vec!["piece-b", "piece-c", "back-glossary"]);
        assert_eq!(layout.numbers["piece-a"], 5);
        assert_eq!(layout.numbers["piece-b"], 9);
        assert_eq!(layout.numbers["piece-c"], 13);
        assert_eq!(layout.numbers["back-glossary"], 17);

        // Printed again with those blanks, everything is odd: it settles.
        let printed: HashMap<String, u32> = layout
            .numbers
            .iter()
            .map(|(k, &v)| (k.clone(), v))
            .collect();
        assert_eq!(layout.settle(&order(), &printed), layout);
    }

    #[test]
    fn a_blank_page_no_longer_needed_goes() {
        let had = Layout {
            blanks: vec!["piece-b".to_owned()],
            numbers: BTreeMap::new(),
        };
        // b starts on 10 with its blank (say the contents shrank): without
        // the blank it would be on 9.
        let starts: HashMap<String, u32> = [("piece-a", 5), ("piece-b", 10), ("piece-c", 13)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        let next = had.settle(&order(), &starts);
        // Without b's blank, c would fall on 12: it gets one instead.
        assert_eq!(next.blanks, vec!["piece-c"]);
        assert_eq!(next.numbers["piece-b"], 9);
        assert_eq!(next.numbers["piece-c"], 13);
    }

    #[test]
    fn the_layout_shows_blanks_and_writes_numbers() {
        let html = concat!(
            "<li><a href=\"#piece-a\"><span class=\"toc-page\" data-page-of=\"piece-a\"></span></a></li>\n",
            "<div class=\"print-blank\" data-blank-for=\"piece-a\" hidden></div>\n",
            "<div class=\"print-blank\" data-blank-for=\"piece-b\" hidden></div>",
        );
        let layout = Layout {
            blanks: vec!["piece-b".to_owned()],
            numbers: [("piece-a".to_owned(), 5)].into(),
        };
        let expected = concat!(
            "<li><a href=\"#piece-a\"><span class=\"toc-page\" data-page-of=\"piece-a\">5</span></a></li>\n",
            "<div class=\"print-blank\" data-blank-for=\"piece-a\" hidden></div>\n",
            "<div class=\"print-blank\" data-blank-for=\"piece-b\"></div>",
        );
        assert_eq!(layout.apply(html), expected);
        assert_eq!(recto_order(html), vec!["piece-a", "piece-b"]);
    }

    #[test]
    fn a_sections_opening_page_loses_its_running_head() {
        // As render::print::running_heads writes them.
        let css: String = ["piece-a", "piece-b"]
            .iter()
            .flat_map(|id| {
                ["left", "right"].map(|side| {
                    format!("@counter-style zs-open-{side}-{id} {{ system: cyclic; symbols: \"\"; range: 0 0; fallback: zs-x; }}\n")
                })
            })
            .collect();
        let layout = Layout {
            blanks: Vec::new(),
            numbers: [("piece-a".to_owned(), 5)].into(),
        };
        let out = layout.apply(&css);
        for side in ["left", "right"] {
            assert!(
                out.contains(&format!(
                    "zs-open-{side}-piece-a {{ system: cyclic; symbols: \"\"; range: 5 5;"
                )),
                "{out}"
            );
            // A section whose page is not known keeps its head everywhere.
            assert!(out.contains(&format!(
                "zs-open-{side}-piece-b {{ system: cyclic; symbols: \"\"; range: 0 0;"
            )));
        }
    }

    #[test]
    fn places_inside_sections_move_with_them() {
        let html = concat!(
            "<span data-page-of=\"piece-a\"></span><span data-page-of=\"piece-b\"></span>",
            "<span data-page-of=\"piece-a-b-p1\"></span><span data-page-of=\"piece-b-p2\"></span>",
            "<span data-page-of=\"piece-b-p2\"></span><span data-page-of=\"piece-zz-p1\"></span>",
            "<div data-blank-for=\"piece-a\" hidden></div><div data-blank-for=\"piece-a-b\" hidden></div>",
            "<div data-blank-for=\"piece-b\" hidden></div>",
        );
        let order = recto_order(html);
        let others = other_pages(html, &order);
        // Each once, with the longest section it extends; none for an id
        // of no section.
        assert_eq!(
            others,
            [
                ("piece-a-b-p1".to_owned(), "piece-a-b".to_owned()),
                ("piece-b-p2".to_owned(), "piece-b".to_owned())
            ]
        );
        let starts: HashMap<String, u32> = [
            ("piece-a", 3),
            ("piece-a-b", 5),
            ("piece-a-b-p1", 5),
            ("piece-b", 8),
            ("piece-b-p2", 9),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
        // piece-b gains a blank page (8 is even): its paragraph moves too.
        let layout = Layout::default()
            .settle(&order, &starts)
            .with_others(&order, &others, &starts);
        assert_eq!(layout.numbers["piece-a-b-p1"], 5);
        assert_eq!(layout.numbers["piece-b"], 9);
        assert_eq!(layout.numbers["piece-b-p2"], 10);
        assert!(
            layout
                .apply(html)
                .contains("data-page-of=\"piece-b-p2\">10</span>")
        );
    }

    #[test]
    fn paths_become_file_urls() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/注.html")),
            "file:///tmp/a%20b/%E6%B3%A8.html"
        );
    }
}
