//! Readable ASCII slugs from titles: pinyin syllables for Chinese, words
//! for other scripts. Derived from the title alone, so a re-import gives
//! the same names.

use pinyin::ToPinyin;

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
    } else if crate::load::is_windows_device_name(&slug) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            assert!(crate::load::check_slug(slug).is_ok(), "{slug}");
        }
        assert_eq!(slug_for("LPT1"), "lpt1-1");
        assert_eq!(slug_for("Console"), "console");
        let s = slug_for("《习近平在浙江》对做好办公厅（室）工作的启示");
        assert!(crate::load::check_slug(&s).is_ok(), "{s}");
        assert!(s.len() <= MAX_LEN);
    }
}
