//! Slugs: the names pages and files get from chapters and titles, at the
//! bottom of the layers because load (checking them), import (making them
//! from titles), render and pdf (naming the EPUB and PDF) all need them.
//!
//! `check_slug` says whether a name is safe as a file name in the site;
//! `slug_for` makes a readable ASCII slug from a title: pinyin syllables for
//! Chinese, words for other scripts, derived from the title alone so that a
//! re-import gives the same names.

use pinyin::ToPinyin;

/// Slugs the site's own pages use, or will.
const RESERVED_SLUGS: &[&str] = &[
    "index",
    "404",
    "print",
    "search",
    "notes",
    "glossary",
    "indexes",
    "quotations",
    "sitemap",
];

const MAX_LEN: usize = 40;

pub fn slug_for(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut latin = String::new();
    let flush = |latin: &mut String, words: &mut Vec<String>| {
        if !latin.is_empty() {
            words.push(std::mem::take(latin));
        }
    };
    for c in title.chars() {
        if let Some(p) = c.to_pinyin() {
            flush(&mut latin, &mut words);
            // ü is written v, as in pinyin input (绿 → lv).
            words.push(p.plain().replace('ü', "v"));
        } else if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold_latin(c) {
            latin.push(folded);
        } else {
            flush(&mut latin, &mut words);
        }
    }
    flush(&mut latin, &mut words);
    let mut slug = String::new();
    for word in words {
        if !slug.is_empty() && slug.len() + 1 + word.len() > MAX_LEN {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word[..word.len().min(MAX_LEN)]);
    }
    if slug.is_empty() {
        "piece".to_owned()
    } else if is_windows_device_name(&slug) {
        // `con.html` (or `con.epub`) cannot exist on Windows.
        format!("{slug}-1")
    } else {
        slug
    }
}

/// é → e, ü → u, and the like, for slugs of Latin titles.
fn fold_latin(c: char) -> Option<char> {
    let folded = match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    };
    Some(folded)
}

/// A slug becomes a file name in the site, so it must be a plain, portable
/// name that cannot climb out of the output folder.
pub fn check_slug(slug: &str) -> std::result::Result<(), String> {
    if slug.is_empty() {
        return Err("the slug is empty".into());
    }
    if slug.contains("..") || slug.contains('/') || slug.contains('\\') {
        return Err(format!("slug `{slug}` would lead outside the site folder"));
    }
    if is_windows_device_name(slug) {
        return Err(format!(
            "slug `{slug}` is a device name on Windows: a file `{slug}.html` cannot be \
             unpacked, checked out or opened there"
        ));
    }
    let valid = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && slug.starts_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        let case = if slug.chars().any(|c| c.is_ascii_uppercase()) {
            " (names that differ only by case are one file on Windows and macOS)"
        } else {
            ""
        };
        return Err(format!(
            "slug `{slug}` must be lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit{case}"
        ));
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(format!("slug `{slug}` is reserved for a page of the site"));
    }
    Ok(())
}

/// Names Windows keeps for devices, in any case and whatever follows a
/// dot (`con`, `Aux.txt`, `com1`, `lpt9`, also with trailing spaces or
/// dots, which Windows drops).
pub fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.trim_end_matches([' ', '.']).to_ascii_lowercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|n| {
            matches!(
                n,
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    };
    matches!(
        stem.as_str(),
        "con" | "prn" | "aux" | "nul" | "conin$" | "conout$"
    ) || numbered("com")
        || numbered("lpt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("wuge-jianchi").is_ok());
        for bad in [
            "", "../etc", "a/b", "Caps", "中文", "-x", "index", "con", "aux", "nul", "prn", "com1",
            "lpt9", "con.txt", "Con",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        for good in ["com", "com10", "console", "lpt0", "con-1", "nul_x"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        assert!(
            check_slug("lpt3")
                .unwrap_err()
                .contains("device name on Windows")
        );
        assert!(
            check_slug("CON.txt")
                .unwrap_err()
                .contains("device name on Windows")
        );
        assert!(check_slug("Jianghua").unwrap_err().contains("only by case"));
    }

    #[test]
    fn slugs_are_ascii_and_short() {
        assert_eq!(
            slug_for("办公厅工作要做到“五个坚持”"),
            "ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge"
        );
        assert_eq!(
            slug_for("习总书记在浙江期间提出28字要求"),
            "xi-zong-shu-ji-zai-zhe-jiang-qi-jian-ti"
        );
        assert_eq!(
            slug_for("The Secretary’s Work: A Talk"),
            "the-secretary-s-work-a-talk"
        );
        assert_eq!(slug_for("——"), "piece");
        assert_eq!(slug_for("绿色图书馆"), "lv-se-tu-shu-guan");
        for (title, slug) in [
            ("Con", "con-1"),
            ("AUX", "aux-1"),
            ("Nul!", "nul-1"),
            ("COM 1", "com-1"),
        ] {
            assert_eq!(slug_for(title), slug);
            assert!(check_slug(slug).is_ok(), "{slug}");
        }
        assert_eq!(slug_for("LPT1"), "lpt1-1");
        assert_eq!(slug_for("Console"), "console");
        let s = slug_for("《习近平在浙江》对做好办公厅（室）工作的启示");
        assert!(check_slug(&s).is_ok(), "{s}");
        assert!(s.len() <= MAX_LEN);
    }
}
