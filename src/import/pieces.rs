//! The pieces of the book: each contents entry found at its title in the
//! text, its header read, and its blocks turned into Markdown.

use crate::date::PartialDate;
use crate::diagnostic::{Error, Result};
use crate::import::body::{self, BodyContext};
use crate::import::contents::{Contents, Entry, split_subtitle};
use crate::import::header::{self, apply_interview_field, interview_field};
use crate::import::text::{Block, char_count, has_sentence_punctuation, match_key, tighten_title};
use crate::import::{Emendation, HeadingNote, Judgement, Language};
use crate::model::{Author, Interview, PageMarks};
use std::path::Path;

#[derive(Debug)]
pub struct Piece {
    pub entry: Entry,
    /// 1-based position in the contents.
    pub order: usize,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<Author>,
    pub date: Option<PartialDate>,
    pub source: Option<String>,
    /// Where it was given or written, from the date line.
    pub place: Option<String>,
    pub kind: String,
    pub interview: Option<Interview>,
    /// The title's line in the source.
    pub line: usize,
    pub markdown: String,
    pub paragraphs: usize,
    pub judgements: Vec<Judgement>,
    pub emendations: Vec<Emendation>,
    /// Lines read as headings, in reading order.
    pub headings: Vec<HeadingNote>,
    /// The page breaks marked in `markdown`, in order: the source line of
    /// the foot of the page that ends, and the page that begins, if known.
    pub page_breaks: Vec<(usize, Option<u32>)>,
    /// What the marks cover: every break (the source marks its pages), or
    /// only those inside paragraphs, inferred from paragraphs cut
    /// mid-sentence.
    pub page_marks: PageMarks,
    /// How the breaks' pages were found, for the report.
    pub page_method: Option<&'static str>,
    /// The next piece's page in the contents: the last this one may reach.
    pub next_page: Option<u32>,
}

pub fn read_pieces(
    blocks: &[Block],
    contents: &Contents,
    language: Language,
    file: &Path,
    source: &str,
) -> Result<Vec<Piece>> {
    let blocks = &split_title_blocks(blocks, contents);
    // First find where every piece starts, so each knows where it ends.
    let mut starts: Vec<(usize, usize, Vec<Judgement>)> = Vec::new();
    let mut cursor = contents.body_start;
    for entry in &contents.entries {
        let Some((index, span, judgement)) = find_title(blocks, cursor, entry) else {
            let shown = entry.title.clone() + entry.subtitle.as_deref().unwrap_or("");
            return Err(Error::at(
                format!("the contents entry `{shown}` matches no piece in the text after it"),
                file,
                source,
                entry.line,
                1,
            )
            .with_help("each entry of the table of contents must stand as a title line in the text, in the same order"));
        };
        starts.push((index, span, judgement.into_iter().collect()));
        cursor = index + span;
    }
    // A piece's number set on a line of its own above its title (`II.`,
    // `第二篇`), as its contents entry numbers it: the piece's header, not
    // the last words of the piece before.
    let mut ends: Vec<usize> = starts.iter().skip(1).map(|s| s.0).collect();
    ends.push(blocks.len());
    for (k, entry) in contents.entries.iter().enumerate().skip(1) {
        let start = starts[k].0;
        let previous = starts[k - 1].0 + starts[k - 1].1;
        if start > previous
            && let Some(block) = blocks.get(start - 1)
            && is_number_label(block, entry)
        {
            ends[k - 1] = start - 1;
            starts[k].2.push(Judgement {
                line: block.line,
                text: format!(
                    "“{}” read as the number of piece {} above its title (as the contents number it)",
                    block.text(),
                    k + 1
                ),
            });
        }
    }
    let context = BodyContext::new(blocks, language);
    let mut pieces = Vec::new();
    for (k, (entry, (start, span, judgements))) in
        contents.entries.iter().zip(starts.iter()).enumerate()
    {
        let end = ends[k];
        let next_page = contents.entries.get(k + 1).and_then(|e| e.page);
        pieces.push(read_piece(
            (entry.clone(), next_page),
            k + 1,
            &blocks[*start..*start + *span],
            &blocks[*start + *span..end],
            judgements.clone(),
            &context,
        ));
    }
    crate::import::pages::number_all(&mut pieces, context.pages_marked());
    Ok(pieces)
}

/// A piece's title, subtitle, author and date lines set without blank
/// lines between them (and often the first paragraph run on after them)
/// are taken apart: a block that opens with a contents entry's title becomes
/// one block a line for as long as the lines are a header's (a subtitle
/// after a dash, a date, an author, an interview's particulars), then one
/// block of what follows. Blocks before the body are left as they are, so
/// `contents.body_start` still points where it did.
fn split_title_blocks(blocks: &[Block], contents: &Contents) -> Vec<Block> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let titles: std::collections::HashSet<String> = contents
        .entries
        .iter()
        .flat_map(|e| {
            // `Title—Subtitle` with the dash unspaced: the title alone too;
            // and the title with its number.
            [
                match_key(&format!("{}{}", e.number.as_deref().unwrap_or(""), e.title)),
                match_key(&e.title),
                match_key(&format!(
                    "{}{}",
                    e.title,
                    e.subtitle.as_deref().unwrap_or("")
                )),
                match_key(e.title_before_dash()),
            ]
        })
        .filter(|key| !key.is_empty())
        .collect();
    let header_line = |line: &str| {
        let line = line.trim();
        char_count(line) <= 80
            && (confirms_header(line)
                || header::is_author_line(line) && header::names_a_person(line))
    };
    // A run of header lines counts only with a line that only a header
    // has (a date, a dash, an interview's particulars): "John Smith was
    // born in" may open a paragraph.
    let header_run = |lines: &[String]| {
        let run = lines.iter().take_while(|l| header_line(l)).count();
        if lines[..run].iter().any(|l| confirms_header(l.trim())) {
            run
        } else {
            0
        }
    };
    let split = |out: &mut Vec<Block>, block: &Block, header: usize| {
        for (k, line) in block.lines[..header].iter().enumerate() {
            out.push(Block {
                line: block.line + k,
                lines: vec![line.clone()],
                at_page_foot: false,
            });
        }
        if header < block.lines.len() {
            out.push(Block {
                line: block.line + header,
                lines: block.lines[header..].to_vec(),
                at_page_foot: block.at_page_foot,
            });
        } else if let Some(last) = out.last_mut() {
            last.at_page_foot = block.at_page_foot;
        }
    };
    let body_start = contents.body_start.min(blocks.len());
    let mut out: Vec<Block> = blocks[..body_start].to_vec();
    // Within a piece's header: after its title, before its text.
    let mut in_header = false;
    for block in &blocks[body_start..] {
        if titles.contains(&match_key(&block.lines[0])) {
            let header = 1 + header_run(&block.lines[1..]);
            split(&mut out, block, header);
            in_header = header == block.lines.len();
        } else if in_header {
            let header = header_run(&block.lines);
            if header > 0 {
                split(&mut out, block, header);
            } else {
                out.push(block.clone());
            }
            in_header = header == block.lines.len() && header > 0
                || block.lines.len() == 1 && header_line(&block.lines[0]);
        } else {
            out.push(block.clone());
        }
    }
    out
}

/// Whether `block` is one short line that is `entry`'s number as the
/// contents print it (`II.` for `II. Title …`), its stop aside.
fn is_number_label(block: &Block, entry: &Entry) -> bool {
    let bare = |text: &str| -> String {
        text.trim()
            .trim_end_matches(['.', '．', '、', ')', '）', ':'])
            .trim()
            .to_lowercase()
    };
    match &entry.number {
        Some(number) => {
            block.lines.len() == 1
                && !bare(number).is_empty()
                && bare(&block.lines[0]) == bare(number)
        }
        None => false,
    }
}

/// A line that only a piece's header has: a subtitle after a dash, a
/// date line, where the piece was first printed, an interview's
/// particulars.
fn confirms_header(line: &str) -> bool {
    line.starts_with(['—', '–'])
        || header::date_line(line).is_some()
        || header::occasion_line(line).is_some()
        || header::byline(line).is_some()
        || header::source_line(line).is_some()
        || header::interview_field(line).is_some()
}

/// The block (or two, when the PDF wrapped the title) where `entry`'s title
/// stands. Exact matches (ignoring spaces and bracket widths) come first;
/// else the closest title-shaped block, which the report then mentions.
fn find_title(
    blocks: &[Block],
    from: usize,
    entry: &Entry,
) -> Option<(usize, usize, Option<Judgement>)> {
    let want = match_key(&entry.title);
    let want_full = match_key(&format!(
        "{}{}",
        entry.title,
        entry.subtitle.as_deref().unwrap_or("")
    ));
    // The title with the number the contents give it (`1. Opening the
    // New Pier`), as some books set it above the piece too.
    let want_numbered = entry
        .number
        .as_deref()
        .map(|n| match_key(&format!("{n}{}", entry.title)));
    let title_shaped = |b: &Block| {
        !has_sentence_punctuation(&b.text())
            && char_count(&b.text()) <= 2 * char_count(&entry.title) + 40
    };
    for i in from..blocks.len() {
        let key = match_key(&blocks[i].text());
        if key == want
            || key == want_full
            || (key.starts_with(&want) && key[want.len()..].starts_with('-'))
            || want_numbered.as_ref() == Some(&key)
        {
            return Some((i, 1, None));
        }
        if let Some(next) = blocks.get(i + 1) {
            let joined = key.clone() + &match_key(&next.text());
            if (joined == want || joined == want_full) && title_shaped(&blocks[i]) {
                return Some((i, 2, None));
            }
        }
    }
    // No exact match: the most similar title-shaped block.
    let (best, score) = (from..blocks.len())
        .filter(|&i| title_shaped(&blocks[i]))
        .map(|i| {
            let key = match_key(&split_subtitle(&blocks[i].text()).0);
            (i, strsim::normalized_levenshtein(&key, &want))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    (score >= 0.8).then(|| {
        let judgement = Judgement {
            line: blocks[best].line,
            text: format!(
                "contents entry “{}” (line {}) taken to be the title “{}” (similarity {:.0} %)",
                entry.title,
                entry.line,
                blocks[best].text(),
                score * 100.0
            ),
        };
        (best, 1, Some(judgement))
    })
}

fn read_piece(
    (entry, next_page): (Entry, Option<u32>),
    order: usize,
    title_blocks: &[Block],
    rest: &[Block],
    mut judgements: Vec<Judgement>,
    context: &BodyContext,
) -> Piece {
    let mut title_text: String = title_blocks
        .iter()
        .map(Block::text)
        .collect::<Vec<_>>()
        .join("");
    // A title set with its number, as the contents number it: the number
    // is the piece's order, not its title.
    let numbered = entry.number.as_deref().map(str::trim).and_then(|number| {
        let rest = title_text.trim_start().strip_prefix(number)?;
        match_key(rest)
            .starts_with(&match_key(&entry.title))
            .then(|| (number.to_owned(), rest.trim_start().to_owned()))
    });
    if let Some((number, rest)) = numbered {
        judgements.push(Judgement {
            line: title_blocks[0].line,
            text: format!(
                "“{number}” before the title read as the piece's number (as the contents number it)"
            ),
        });
        title_text = rest;
    }
    // A contents entry `Title—Subtitle` whose piece sets the subtitle on a
    // line of its own (`—Remarks at …`): the line says where the title ends,
    // even where the dash is not spaced.
    let (title, mut subtitle) = match title_blocks {
        [title, sub] if sub.text().starts_with(['—', '–']) => (
            tighten_title(&title.text()),
            Some(tighten_title(&sub.text())),
        ),
        _ => split_subtitle(&tighten_title(&title_text)),
    };
    let line = title_blocks[0].line;
    let mut i = 0;
    // The subtitle, on a line of its own.
    if subtitle.is_none()
        && let Some(b) = rest
            .first()
            .filter(|b| b.text().starts_with('—') && char_count(&b.text()) <= 80)
    {
        subtitle = Some(tighten_title(&b.text()));
        i += 1;
    }
    if subtitle.is_none() {
        subtitle = entry.subtitle.clone();
    }
    let mut author_lines: Vec<String> = Vec::new();
    let mut date = None;
    let mut source = None;
    let mut place = None;
    let mut interview: Option<Interview> = None;
    let mut interviewers_label: Option<String> = None;
    let mut byline_says: Option<String> = None;
    // The header: author lines, a date line, interview particulars; it ends
    // at the first block of text.
    while let Some(block) = rest.get(i) {
        let text = block.text();
        if let Some((field, value, label)) = interview_field(&text) {
            if field == header::InterviewField::Interviewers {
                interviewers_label = Some(label);
            }
            apply_interview_field(
                interview.get_or_insert_with(Interview::default),
                field,
                &value,
            );
        } else if author_lines.is_empty()
            && interview.is_none()
            && let Some(line) = header::byline(&text)
        {
            // `BY HORACE WHITFIELD.`, before or after the date line;
            // `Speech by …`, `Interviewed by … on 2 May 2001`.
            author_lines.push(line.line);
            byline_says = line.what;
            if date.is_none() {
                date = line.date;
            }
        } else if date.is_none()
            && interview.is_none()
            && subtitle.is_none()
            && header::date_line(&text).is_none()
            && let Some(occasion) = header::occasion_line(&text)
        {
            // `An Address delivered at …, Albany, September 4, 1851.`: the
            // occasion is the subtitle, and the line gives the date and
            // the place. (Only where there is no subtitle yet: the
            // occasion's words must land somewhere.)
            subtitle = Some(occasion.text);
            date = Some(occasion.date);
            place = occasion.place;
        } else if date.is_none()
            && interview.is_none()
            && let Some(line) = header::date_line(&text)
        {
            date = Some(line.date);
            source = line.source.or(source);
            place = line.place;
        } else if source.is_none()
            && interview.is_none()
            && let Some(s) = header::source_line(&text)
        {
            source = Some(s);
        } else if date.is_none()
            && interview.is_none()
            && author_lines.len() < 3
            && header::is_author_line(&text)
            && rest.get(i + 1).is_some()
        {
            author_lines.push(text);
        } else if date.is_some()
            && author_lines.is_empty()
            && interview.is_none()
            && block.lines.len() == 1
            && char_count(&text) <= 20
            && header::is_author_line(&text)
            && header::names_a_person(&text)
            && rest.get(i + 1).is_some()
        {
            // A byline under the date line (（2015年3月10日） / 李  明): a
            // name alone on its line, and text after it.
            author_lines.push(text);
        } else {
            break;
        }
        i += 1;
    }
    // Lines read as authors but followed by no date line may be the text's
    // first headings: only trust them when a date or text follows directly.
    let mut authors = header::authors(&author_lines);
    // Without a date line to confirm them, author lines must end in a name;
    // lines after the last one that does are text (the first paragraph cut
    // by a page break, “今天我们” / “来谈谈……”).
    if date.is_none() && interview.is_none() && !author_lines.is_empty() {
        let keep = author_lines
            .iter()
            .rposition(|l| {
                char_count(l) <= 40
                    && (header::names_a_person(l) || crate::import::contents::is_institution(l))
            })
            .map_or(0, |k| k + 1);
        i -= author_lines.len() - keep;
        author_lines.truncate(keep);
        authors = header::authors(&author_lines);
    }
    if let Some(iv) = &interview {
        if authors.is_empty() {
            authors = iv
                .interviewers
                .iter()
                .map(|name| Author {
                    name: name.clone(),
                    // Interviewers come only from a labelled line
                    // (采访组：…, Interviewers: …), whose label is their role.
                    role: interviewers_label.clone(),
                })
                .collect();
        }
        if date.is_none() {
            date = iv.date;
        }
    }
    let mut body_blocks = &rest[i..];
    // A compilation often names a piece's date or where it was printed at
    // its end (（2021年6月1日）, （原载《东江日报》2021年5月12日）): the
    // editor's line, not the author's words, read like the header's.
    if let [rest @ .., last] = body_blocks
        && !rest.is_empty()
        && last.lines.len() == 1
        && let Some(tail) = header::closing_line(&last.text())
    {
        let taken = match tail {
            header::Closing::Date(line) if date.is_none() => {
                date = Some(line.date);
                place = place.or(line.place);
                source = source.or(line.source);
                true
            }
            header::Closing::Source(text, printed) if source.is_none() => {
                source = Some(text);
                date = date.or(printed);
                true
            }
            _ => false,
        };
        if taken {
            judgements.push(Judgement {
                line: last.line,
                text: format!(
                    "“{}” at the piece's end read as its date or source",
                    last.text()
                ),
            });
            body_blocks = rest;
        }
    }
    let labels: Vec<String> = interviewers_label.iter().cloned().collect();
    let header_breaks: Vec<usize> = title_blocks
        .iter()
        .chain(&rest[..i])
        .filter(|b| context.pages_marked() && b.at_page_foot)
        .map(Block::last_line)
        .collect();
    let mut converted = body::convert(
        body_blocks,
        interview.as_ref(),
        &labels,
        context,
        &header_breaks,
    );
    judgements.append(&mut converted.judgements);
    let exact = context.pages_marked();
    let title_lines = [
        title.as_str(),
        subtitle.as_deref().unwrap_or(""),
        byline_says.as_deref().unwrap_or(""),
    ];
    let kind = kind_of(
        &title_lines,
        &authors,
        source.is_some(),
        interview.is_some(),
        &converted,
        context.language,
    );
    judgements.push(Judgement {
        line,
        text: format!("piece {order} “{title}”: kind `{}` ({})", kind.0, kind.1),
    });
    Piece {
        entry,
        order,
        title,
        subtitle,
        authors,
        date,
        source,
        place,
        kind: kind.0.to_owned(),
        interview,
        line,
        markdown: converted.markdown,
        next_page,
        paragraphs: converted.paragraphs,
        judgements,
        emendations: converted.emendations,
        headings: converted.headings,
        page_breaks: converted.breaks.into_iter().map(|l| (l, None)).collect(),
        page_method: None,
        page_marks: if exact {
            PageMarks::All
        } else {
            PageMarks::InsideParagraphs
        },
    }
}

/// A word of a title or subtitle that names a spoken piece: a Chinese
/// title that ends in 讲话, 致辞, 发言 (在……会议上的讲话), not one that
/// only mentions speeches (学习……重要讲话精神); an English one with Remarks,
/// Address, Lecture anywhere.
fn spoken_title_word(lines: &[&str]) -> Option<&'static str> {
    const CJK: [&str; 6] = ["讲话", "致辞", "发言", "演讲", "报告", "答谢词"];
    const LATIN: [&str; 9] = [
        "remarks",
        "speech",
        "address",
        "lecture",
        "keynote",
        "toast",
        "sermon",
        "oration",
        "testimony",
    ];
    for line in lines {
        let end = line.trim_end_matches(|c: char| !c.is_alphanumeric());
        let end = end.split(['（', '(']).next().unwrap_or(end).trim_end();
        if let Some(word) = CJK.into_iter().find(|w| end.ends_with(w)) {
            return Some(word);
        }
        let lower = line.to_lowercase();
        if let Some(word) = lower
            .split(|c: char| !c.is_alphanumeric())
            .find_map(|w| LATIN.into_iter().find(|l| *l == w))
        {
            return Some(word);
        }
    }
    None
}

/// The kind, with the evidence for the report.
fn kind_of(
    title_lines: &[&str],
    authors: &[Author],
    has_source: bool,
    is_interview: bool,
    body: &body::Converted,
    language: Language,
) -> (&'static str, String) {
    if is_interview || body.turns >= 4 || (body.question_turns > 0 && body.turns >= 2) {
        return (
            "interview",
            match body.question_turns {
                0 => format!("interview particulars or {} speaker turns", body.turns),
                q => format!(
                    "{} speaker turns, {q} of them opened by a question label",
                    body.turns
                ),
            },
        );
    }
    if let Some(word) = spoken_title_word(title_lines) {
        return ("speech", format!("the title or subtitle says “{word}”"));
    }
    if body.table_rows > 0 && body.table_rows * 2 >= body.paragraphs.max(1) {
        return (
            "table",
            format!(
                "{} table rows, {} paragraphs",
                body.table_rows, body.paragraphs
            ),
        );
    }
    if has_source && authors.is_empty() {
        return ("news", "a date line naming a source, no author".into());
    }
    let first_person = body.first_person_per_thousand;
    if authors.len() == 1
        && authors[0].role.is_none()
        && first_person >= language.speech_first_person()
    {
        return (
            "speech",
            format!("one author named without a role, first person {first_person:.1}‰ of the text"),
        );
    }
    (
        "article",
        format!("authors with roles or little first person ({first_person:.1}‰)"),
    )
}

#[cfg(test)]
mod tests {
    use super::spoken_title_word;

    #[test]
    fn a_title_that_ends_in_a_spoken_word_names_a_speech() {
        assert_eq!(
            spoken_title_word(&["在全省档案工作会议上的讲话", ""]),
            Some("讲话")
        );
        assert_eq!(
            spoken_title_word(&["园林养护工作的几点体会", "——在座谈会上的发言"]),
            Some("发言")
        );
        assert_eq!(spoken_title_word(&["新年致辞（2019年）", ""]), Some("致辞"));
        // Mentioning speeches is not being one.
        assert_eq!(
            spoken_title_word(&["建设一流的办公厅", "——深入学习贯彻重要讲话精神"]),
            None
        );
        assert_eq!(
            spoken_title_word(&["A Room for Every Reader", "—Remarks at the opening"]),
            Some("remarks")
        );
        assert_eq!(
            spoken_title_word(&["Address at Cooper Institute", ""]),
            Some("address")
        );
        assert_eq!(spoken_title_word(&["On Keeping Old Newspapers", ""]), None);
        // A word that only contains one is no evidence.
        assert_eq!(spoken_title_word(&["Addressing the Archive", ""]), None);
    }
}
