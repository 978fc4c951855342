//! `zhushu pdf`: the seed's print edition printed by headless Chromium, read
//! back with pdftotext and pdfinfo (Debian's poppler-utils). A missing
//! Chromium or poppler is SKIPPED unless ZHUSHU_REQUIRE_TOOLS=1, as in CI.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The PDF's pages as text (pdftotext splits them with form feeds).
fn pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let out = Command::new(pdftotext)
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // The text ends with a form feed: no page follows it.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn print(root: &Path, out: &Path, extra: &[&str]) {
    let mut cmd = Command::new(common::zhushu_bin());
    cmd.arg("pdf")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(extra);
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(600));
    assert!(
        run.success(),
        "zhushu pdf failed ({}):\n{}",
        run.describe_status(),
        run.output()
    );
}

#[test]
fn the_seed_prints_with_every_piece_on_a_right_hand_page() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("book.pdf");
    let root = common::repo_root();
    print(&root, &pdf, &[]);
    let pages = pages(&pdftotext, &pdf);
    let edition = zhushu::load::load(&root, false).unwrap();
    let titles: Vec<String> = edition
        .chapters
        .iter()
        .map(|c| squeeze(&c.front.title))
        .collect();
    assert!(pages.len() > 20, "only {} pages", pages.len());

    // A piece starts on the first page after the previous piece's start
    // whose head (running head, then the title block) holds its title.
    let contents = pages
        .iter()
        .position(|p| squeeze(p).contains("目录"))
        .expect("a page of contents");
    let mut starts = Vec::new();
    let mut after = contents + 1;
    for title in &titles {
        let start = (after..pages.len())
            .find(|&k| {
                let head: String = pages[k].lines().take(8).collect();
                squeeze(&head).contains(title.as_str())
            })
            .unwrap_or_else(|| panic!("no page after {after} begins the piece {title}"));
        // Page numbers count from 1, the cover.
        let number = start + 1;
        assert!(
            number % 2 == 1,
            "{title} starts on page {number}, a left-hand page"
        );
        starts.push(number);
        after = start + 1;
    }

    // The contents give those pages: beside each title, the first number
    // after its first characters (aligned with its first line when it
    // wraps; its subtitle comes after the number). Words are the layout's:
    // a word of digits alone is a number, the rest is text.
    let mut toc = String::new();
    let mut numbers: Vec<(usize, usize)> = Vec::new();
    for word in pages[contents..starts[0] - 1]
        .iter()
        .flat_map(|p| p.split_whitespace())
    {
        match word.parse() {
            Ok(n) => numbers.push((toc.len(), n)),
            Err(_) => toc.push_str(word),
        }
    }
    let mut from = 0;
    for (title, start) in titles.iter().zip(&starts) {
        let at = from
            + toc[from..]
                .find(title.as_str())
                .unwrap_or_else(|| panic!("{title} is not in the contents: {toc}"));
        let number = numbers.iter().find(|(offset, _)| *offset > at);
        assert_eq!(
            number.map(|(_, n)| n),
            Some(start),
            "the contents give {title} the page {number:?}, not {start} where it starts: {toc}"
        );
        from = number.unwrap().0;
    }

    // Every page but the blank ones and the cover carries its number in
    // the bottom margin.
    for (k, page) in pages.iter().enumerate().skip(2) {
        let last = page.lines().rev().find(|l| !l.trim().is_empty());
        if let Some(last) = last {
            assert_eq!(
                last.trim(),
                (k + 1).to_string(),
                "page {} has no page number at its foot:\n{page}",
                k + 1
            );
        }
    }
}

#[test]
fn the_paper_size_is_the_one_asked_for() {
    let (Some(_), Some(pdfinfo)) = (
        common::require_tool("chromium"),
        common::require_tool("pdfinfo"),
    ) else {
        return;
    };
    let edition = common::edition("mini-en");
    // pdfinfo gives the first page's size in points (Chromium's to within
    // a point) and the paper's name; no --paper prints A5.
    let mm = |mm: f64| mm * 72.0 / 25.4;
    for (paper, (width, height), name) in [
        (Some("Letter"), (612.0, 792.0), "(letter)"),
        (Some("A4"), (mm(210.0), mm(297.0)), "(A4)"),
        (Some("A5"), (mm(148.0), mm(210.0)), "(A5)"),
        (None, (mm(148.0), mm(210.0)), "(A5)"),
    ] {
        let pdf = edition.path().join("out.pdf");
        let args: Vec<&str> = paper.iter().flat_map(|p| ["--paper", *p]).collect();
        print(edition.path(), &pdf, &args);
        let info = Command::new(&pdfinfo).arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let size = info
            .lines()
            .find_map(|l| l.strip_prefix("Page size:"))
            .unwrap_or_else(|| panic!("no page size: {info}"));
        let words: Vec<&str> = size.split_whitespace().collect();
        let (w, h): (f64, f64) = (words[0].parse().unwrap(), words[2].parse().unwrap());
        assert!(
            (w - width).abs() < 1.0 && (h - height).abs() < 1.0 && size.ends_with(name),
            "--paper {paper:?}: the page is {size}, not {width:.1} x {height:.1} pts {name}"
        );
    }
}

/// `--drafts` prints the chapters marked `draft: true`, which are left out
/// without it.
/// The index at the back gives each place's page, as the contents give
/// each piece's: the page it names holds the name.
#[test]
fn the_index_gives_the_page_of_every_place() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let edition = common::edition("mini-zh");
    let root = edition.path();
    // Long pieces, so that places fall on pages well apart.
    let filler = "办公室工作千头万绪，要分清轻重缓急，科学统筹摆布。".repeat(30);
    for (file, body) in [
        (
            "content/chapters/90-yi.md",
            format!(
                "---\ntitle: 甲篇\nslug: jia\norder: 90\n---\n\n{filler}\n\n{filler}\n\n邓小平同志讲过，要抓住几个人。\n\n{filler}\n"
            ),
        ),
        (
            "content/chapters/91-er.md",
            format!(
                "---\ntitle: 乙篇\nslug: yi\norder: 91\n---\n\n{filler}\n\n{filler}\n\n{filler}\n\n他后来到福州工作。\n"
            ),
        ),
    ] {
        std::fs::write(root.join(file), body).unwrap();
    }
    std::fs::write(
        root.join("content/index.yaml"),
        "entries:\n  - name: 邓小平\n    kind: person\n    identification: 文中引其话\n  - name: 福州\n    kind: place\n    identification: 福建省会\n",
    )
    .unwrap();
    let pdf = root.join("out.pdf");
    print(root, &pdf, &[]);
    let pages = pages(&pdftotext, &pdf);
    let index = pages
        .iter()
        .rposition(|p| squeeze(p).contains("人名索引"))
        .expect("a page of the index");
    let text: String = pages[index..].iter().map(|p| squeeze(p)).collect();
    for name in ["邓小平", "福州"] {
        let after = &text[text
            .find(&format!("{name}文中"))
            .or_else(|| text.find(&format!("{name}福建")))
            .unwrap_or_else(|| panic!("no {name} in the index: {text}"))..];
        let page: usize =
            regex_page(after).unwrap_or_else(|| panic!("no page for {name}: {after}"));
        assert!(
            (1..=pages.len()).contains(&page) && page <= index,
            "{name}'s page {page} is not a page of the text"
        );
        assert!(
            squeeze(&pages[page - 1]).contains(name),
            "page {page}, which the index gives for {name}, does not hold it:\n{}",
            pages[page - 1]
        );
    }
}

/// The first page number a list of places gives: `第3段，第17页` → 17.
fn regex_page(text: &str) -> Option<usize> {
    let at = text.find("段，第")? + "段，第".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn drafts_are_printed_only_when_asked() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let edition = common::edition("mini-zh");
    let pdf = edition.path().join("out.pdf");
    let draft = "不应出现在网站里";
    print(edition.path(), &pdf, &[]);
    let text = squeeze(&pages(&pdftotext, &pdf).concat());
    assert!(text.contains("访谈录") && !text.contains(draft), "{text}");
    print(edition.path(), &pdf, &["--drafts"]);
    let text = squeeze(&pages(&pdftotext, &pdf).concat());
    assert!(text.contains("访谈录") && text.contains(draft), "{text}");
}

#[test]
fn without_chromium_the_message_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(common::zhushu_bin())
        .args(["pdf", "--root"])
        .arg(common::repo_root())
        .env("PATH", empty.path())
        .env_remove("ZHUSHU_CHROMIUM")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::stderr(&out);
    assert!(stderr.contains("needs Chromium"), "{stderr}");
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
}

/// A word of a page as `pdftotext -bbox` places it (points, from the top
/// left of the page).
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

struct BoxPage {
    width: f64,
    height: f64,
    words: Vec<Word>,
}

/// Each page's words with their boxes: what the reader sees where, in
/// either writing direction (pdftotext's plain text of a vertical page is
/// its characters row by row, across the columns).
fn box_pages(pdftotext: &Path, pdf: &Path) -> Vec<BoxPage> {
    let out = Command::new(pdftotext)
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext -bbox failed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |line: &str, name: &str| -> f64 {
        let from = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        line[from..from + line[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut pages = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(BoxPage {
                width: attr(line, "width"),
                height: attr(line, "height"),
                words: Vec::new(),
            });
        } else if line.starts_with("<word ") {
            let inner = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            let text = inner
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace('\u{2060}', "");
            if let Some(page) = pages.last_mut() {
                page.words.push(Word {
                    x0: attr(line, "xMin"),
                    y0: attr(line, "yMin"),
                    x1: attr(line, "xMax"),
                    y1: attr(line, "yMax"),
                    text,
                });
            }
        }
    }
    pages
}

/// The text of the words whose box lies between `top` and `bottom`, in
/// reading order: columns from right to left, each top to bottom, for a
/// vertical page; lines from top to bottom, each left to right, otherwise.
fn read(page: &BoxPage, vertical: bool, top: f64, bottom: f64) -> String {
    lines(page, vertical, top, bottom)
        .into_iter()
        .flatten()
        .map(|w| squeeze(&w.text))
        .collect()
}

/// The words between `top` and `bottom` in lines (columns), in reading
/// order.
fn lines(page: &BoxPage, vertical: bool, top: f64, bottom: f64) -> Vec<Vec<&Word>> {
    let mut words: Vec<&Word> = page
        .words
        .iter()
        .filter(|w| w.y0 >= top && w.y1 <= bottom)
        .collect();
    // Words of one column (line) share their middle to within 3 points.
    let across = |w: &Word| {
        if vertical {
            -(w.x0 + w.x1) / 2.0
        } else {
            (w.y0 + w.y1) / 2.0
        }
    };
    let along = |w: &Word| if vertical { w.y0 } else { w.x0 };
    words.sort_by(|a, b| across(a).total_cmp(&across(b)));
    let mut lines: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        match lines.last_mut() {
            Some(line) if (across(w) - across(line[0])).abs() < 3.0 => line.push(w),
            _ => lines.push(vec![w]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| along(a).total_cmp(&along(b)));
    }
    lines
}

/// Every theme's print edition, read page by page from where the words
/// stand: each piece starts on a right-hand (odd) page, the contents give
/// each piece, after its title, the page it starts on, and their last page
/// holds more than one entry; every page of a piece, of the glossary and
/// of the quotation index but its first carries a one-line running head
/// (the section's short title on right-hand pages, the edition's on
/// left-hand ones) and its first none; every page after the contents has
/// its number at the foot; and every page but a section's last is filled
/// to at least 70 % (down the page, or across it from the right in the
/// vertical theme). For the vertical theme this is what the reader of
/// issue 17 found wrong: the contents gave each piece's last page, the
/// heads broke into stub columns, and pages were left half empty where the
/// notes or a heading moved on to the next.
#[test]
fn every_theme_prints_contents_right_hand_starts_running_heads_and_numbers() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let root = common::repo_root();
    let edition = zhushu::load::load(&root, false).unwrap();
    let book = squeeze(&edition.config.title);
    let titles: Vec<String> = edition
        .chapters
        .iter()
        .map(|c| squeeze(&c.front.title))
        .collect();
    for theme in ["classic", "modern", "vertical"] {
        let tmp = tempfile::tempdir().unwrap();
        let pdf = tmp.path().join("book.pdf");
        print(&root, &pdf, &["--theme", theme]);
        let pages = box_pages(&pdftotext, &pdf);
        let vertical = theme == "vertical";
        // The margins are 20 mm (57 pt) at the top and 22 mm (62 pt) at the
        // foot; the head's words end by 40 pt, the number's begin below
        // 545 pt, and a large title's glyphs reach a little above the text.
        let (head_end, foot_start) = (42.0, |p: &BoxPage| p.height - 50.0);
        // Titles and text are compared by their Chinese characters only:
        // digits and Latin letters in vertical text are set sideways, and
        // their boxes do not line up with the column's.
        let han = |s: &str| -> String {
            s.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .collect()
        };
        let body: Vec<String> = pages
            .iter()
            .map(|p| han(&read(p, vertical, head_end, foot_start(p))))
            .collect();
        let titles: Vec<String> = titles.iter().map(|t| han(t)).collect();
        let briefs: Vec<String> = edition
            .chapters
            .iter()
            .map(|c| han(c.front.brief_title()))
            .collect();
        let book = han(&book);
        let head = |k: usize| han(&read(&pages[k], vertical, 0.0, head_end));
        let contents = body
            .iter()
            .position(|p| p.contains("目录"))
            .unwrap_or_else(|| panic!("{theme}: no page of contents"));
        // The contents run on while their pages list the titles.
        let entries_on = |k: usize| {
            titles
                .iter()
                .map(String::as_str)
                .chain(["术语表", "引文索引", "索引"])
                .filter(|t| body[k].contains(t))
                .count()
        };
        let mut first = contents + 1;
        while entries_on(first) >= 2 {
            first += 1;
        }
        // A piece's first page opens with its title (after its kind, 讲话);
        // a page that only mentions it further down is not its start.
        let opens_with = |k: usize, title: &str| body[k].find(title).is_some_and(|at| at < 12);
        let mut starts = Vec::new();
        let mut after = first;
        for title in &titles {
            let start = (after..pages.len())
                .find(|&k| opens_with(k, title))
                .unwrap_or_else(|| {
                    panic!("{theme}: no page after {after} holds the piece {title}")
                });
            let number = start + 1;
            assert!(
                number % 2 == 1,
                "{theme}: {title} starts on page {number}, a left-hand page"
            );
            starts.push(start);
            after = start + 1;
        }
        // The contents in reading order (head and foot left out): the
        // titles' characters, and each number with how many characters
        // came before it. An entry's number is the first after its title
        // begins (its subtitle, if any, follows the number).
        let mut text = String::new();
        let mut numbers: Vec<(usize, usize)> = Vec::new();
        for p in &pages[contents..starts[0]] {
            for w in lines(p, vertical, head_end, foot_start(p))
                .into_iter()
                .flatten()
            {
                match w.text.parse() {
                    Ok(n) => numbers.push((text.len(), n)),
                    Err(_) => text.push_str(&han(&w.text)),
                }
            }
        }
        // Beside a title that wraps, the number stands with its first line.
        let page_after = |title: &str, from: usize| -> Option<(usize, usize)> {
            let at = from + text[from..].find(title)?;
            let &(offset, number) = numbers.iter().find(|(offset, _)| *offset > at)?;
            Some((offset, number))
        };
        let mut from = 0;
        for (title, start) in titles.iter().zip(&starts) {
            let found = page_after(title, from);
            assert_eq!(
                found.map(|(_, n)| n),
                Some(start + 1),
                "{theme}: the contents give {title} the page {found:?} (after it in the contents), not page {} where it starts; the contents read “{text}”, numbers {numbers:?}",
                start + 1
            );
            from = found.unwrap().0;
        }
        // The back matter (the seed's glossary, quotation index and
        // indexes) opens on right-hand pages after the last piece and has
        // running heads of its own.
        let mut back = Vec::new();
        let mut after = *starts.last().unwrap() + 1;
        // The indexes' page opens with its title and then its sections'
        // (引文索引 holds 索引 too, and heads its own pages).
        for (title, opening) in [
            ("术语表", "术语表"),
            ("引文索引", "引文索引"),
            ("索引", "索引人名索引"),
        ] {
            let start = (after..pages.len())
                .find(|&k| opens_with(k, opening))
                .unwrap_or_else(|| panic!("{theme}: no page after {after} opens the {title}"));
            assert!(
                start % 2 == 0,
                "{theme}: the {title} starts on page {}, a left-hand page",
                start + 1
            );
            back.push(start);
            after = start + 1;
        }
        for (title, start) in ["术语表", "引文索引", "索引"].iter().zip(&back) {
            let found = page_after(title, from);
            assert_eq!(
                found.map(|(_, n)| n),
                Some(start + 1),
                "{theme}: the contents give the {title} the page {found:?}, not page {} where it starts",
                start + 1
            );
            from = found.unwrap().0;
        }
        // The contents' last page does not hold their last entry alone.
        let entries = entries_on(first - 1);
        assert!(
            entries >= 2,
            "{theme}: the contents' last page (page {first}) holds {entries} entry: “{}”",
            body[first - 1]
        );
        let mut sections: Vec<(usize, usize, &str)> = starts
            .windows(2)
            .enumerate()
            .map(|(i, w)| (w[0], w[1], briefs[i].as_str()))
            .collect();
        sections.push((
            *starts.last().unwrap(),
            back[0],
            briefs.last().unwrap().as_str(),
        ));
        sections.push((back[0], back[1], "术语表"));
        sections.push((back[1], back[2], "引文索引"));
        sections.push((back[2], pages.len(), "索引"));
        for &(from, to, title) in &sections {
            assert!(
                !pages[from].words.iter().any(|w| w.y1 <= head_end),
                "{theme}: page {}, where {title} opens, carries the running head “{}”",
                from + 1,
                head(from)
            );
            for k in from + 1..to {
                if body[k].is_empty() {
                    continue; // a blank page before the next piece
                }
                let heads: Vec<&Word> =
                    pages[k].words.iter().filter(|w| w.y1 <= head_end).collect();
                let one_line = heads.windows(2).all(|w| (w[0].y0 - w[1].y0).abs() < 3.0);
                let expected = if k % 2 == 0 { title } else { book.as_str() };
                assert!(
                    one_line && head(k).contains(expected),
                    "{theme}: page {} has the running head “{}”{}, not “{expected}”",
                    k + 1,
                    head(k),
                    if one_line { "" } else { " in several lines" }
                );
            }
        }
        // How full each page is: down to its last line, or in the
        // vertical theme across to its last (leftmost) column, within the
        // text area (margins of 16 mm at the sides, 20 mm at the top and
        // 22 mm at the foot). A section's last page may be short.
        let mm = 72.0 / 25.4;
        let fill = |p: &BoxPage| -> f64 {
            let words = p
                .words
                .iter()
                .filter(|w| w.y0 >= head_end && w.y1 <= foot_start(p));
            if vertical {
                let left = words.map(|w| w.x0).fold(f64::INFINITY, f64::min);
                (p.width - 16.0 * mm - left) / (p.width - 32.0 * mm)
            } else {
                let bottom = words.map(|w| w.y1).fold(0.0, f64::max);
                (bottom - 20.0 * mm) / (p.height - 42.0 * mm)
            }
        };
        let last_pages: Vec<usize> = sections.iter().map(|&(_, to, _)| to - 1).collect();
        for k in first..pages.len() {
            let last = last_pages.contains(&k) || body.get(k + 1).is_some_and(|b| b.is_empty());
            if body[k].is_empty() || last {
                continue;
            }
            assert!(
                fill(&pages[k]) >= 0.7,
                "{theme}: page {} is filled to {:.0} % only, though its section goes on: “{}”",
                k + 1,
                fill(&pages[k]) * 100.0,
                body[k]
            );
        }
        // The back matter lists places by short title, and runs of
        // paragraphs as ranges, and keeps each term with its definition
        // (digits are set sideways in vertical text: the horizontal themes
        // are read for this).
        if !vertical {
            let back_text: String = pages[back[0]..]
                .iter()
                .map(|p| read(p, false, head_end, foot_start(p)))
                .collect();
            for c in &edition.chapters {
                let (title, brief) = (squeeze(&c.front.title), squeeze(c.front.brief_title()));
                assert!(
                    title == brief || !back_text.contains(&title),
                    "{theme}: the back matter gives the whole title {title}, not {brief}"
                );
            }
            // No page of the glossary ends with a term whose definition
            // begins on the next: a short last line that opens an entry,
            // and a next page that does not.
            let glossary = zhushu::enrich::glossary::load(&root).unwrap().unwrap();
            let terms: Vec<String> = glossary.entries.iter().map(|e| squeeze(&e.term)).collect();
            let opens = |line: &[&Word]| {
                let text: String = line.iter().map(|w| squeeze(&w.text)).collect();
                terms.iter().any(|t| text.starts_with(t.as_str()))
            };
            for k in back[0]..back[1] - 1 {
                let here = lines(&pages[k], false, head_end, foot_start(&pages[k]));
                let next = lines(&pages[k + 1], false, head_end, foot_start(&pages[k + 1]));
                let (Some(last), Some(first)) = (here.last(), next.first()) else {
                    continue;
                };
                let width = last.last().unwrap().x1 - last[0].x0;
                let short = width < 0.6 * (pages[k].width - 32.0 * mm);
                assert!(
                    !(short && opens(last) && !opens(first)),
                    "{theme}: page {} ends with the term “{}”, its definition on the next page",
                    k + 1,
                    last.iter().map(|w| w.text.as_str()).collect::<String>()
                );
            }
            for n in 1..200 {
                let run = format!("第{n}段、第{}段、第{}段", n + 1, n + 2);
                assert!(
                    !back_text.contains(&run),
                    "{theme}: the back matter lists {run}, not a range"
                );
            }
        }
        for (k, page) in pages.iter().enumerate().skip(contents) {
            if body[k].is_empty() {
                continue;
            }
            let foot = (k + 1).to_string();
            assert!(
                page.words
                    .iter()
                    .any(|w| w.y0 >= foot_start(page) && w.text == foot),
                "{theme}: page {} has no page number at its foot",
                k + 1
            );
        }
    }
}

/// A page mark's number (issue 18) stands on paper beside the break it
/// marks, in a gutter inside the page area: right of the text column, level
/// with the line of the break, in the horizontal themes; below the column
/// of the break in the vertical one. mini-zh's page 2 begins inside
/// paragraph 5, between 当作历史来写， and 经得起时间检验.
#[test]
fn a_page_marks_number_stands_in_the_margin_beside_its_line() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let dir = common::edition("mini-zh");
    for theme in ["classic", "modern", "vertical"] {
        let pdf = dir.path().join(format!("{theme}.pdf"));
        print(dir.path(), &pdf, &["--theme", theme]);
        let vertical = theme == "vertical";
        let pages = box_pages(&pdftotext, &pdf);
        let page = pages
            .iter()
            .find(|p| read(p, vertical, 0.0, p.height).contains("经得起"))
            .unwrap_or_else(|| panic!("{theme}: no page holds the break"));
        let cjk = |w: &&Word| {
            w.text
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        };
        let text: Vec<&Word> = page.words.iter().filter(cjk).collect();
        // The line (column) of the break, as its words' extent across the
        // lines: the one ending before it or the one going on after it.
        let at_break: Vec<(f64, f64)> = lines(page, vertical, 0.0, page.height)
            .into_iter()
            .filter(|line| {
                let said: String = line.iter().map(|w| squeeze(&w.text)).collect();
                said.contains("来写") || said.contains("经得起")
            })
            .map(|line| {
                let across = |w: &&Word| if vertical { (w.x0, w.x1) } else { (w.y0, w.y1) };
                line.iter()
                    .map(across)
                    .fold((f64::MAX, f64::MIN), |(lo, hi), (a, b)| {
                        (lo.min(a), hi.max(b))
                    })
            })
            .collect();
        assert!(!at_break.is_empty(), "{theme}: no line holds the break");
        let number = page
            .words
            .iter()
            .find(|w| {
                w.text == "2"
                    && if vertical {
                        text.iter().all(|t| w.y0 >= t.y1 - 0.5) && w.y1 < page.height - 40.0
                    } else {
                        text.iter().all(|t| w.x0 >= t.x1 - 0.5) && w.x1 < page.width - 20.0
                    }
            })
            .unwrap_or_else(|| panic!("{theme}: no page number 2 beyond the text, in the page"));
        let (from, to) = if vertical {
            (number.x0, number.x1)
        } else {
            (number.y0, number.y1)
        };
        assert!(
            at_break.iter().any(|&(lo, hi)| from < hi && to > lo),
            "{theme}: the number 2 at ({:.0}, {:.0}) is not beside the line of its break {at_break:?}",
            number.x0,
            number.y0
        );
    }
}
