//! `content/edition.yaml`: what the edition is and how it is built.

use serde::Deserialize;
use std::path::Path;

use crate::date::PartialDate;
use crate::diagnostic::{Error, Result};
use crate::yaml;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionConfig {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A BCP 47 tag such as `zh-CN` or `en`.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub editors: Vec<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    /// Where the publisher published it (出版地), for references.
    #[serde(default)]
    pub publisher_place: Option<String>,
    #[serde(default)]
    pub date: Option<PartialDate>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Where the site will be published; only used for `sitemap.xml`,
    /// since every link in the site is relative.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub options: Options,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Show the paragraph numbers beside the text (anchors exist either way).
    pub paragraph_numbers: bool,
    /// Build chapters marked `draft: true` too.
    pub drafts: bool,
    /// Finding recurring quotations.
    pub quotations: QuotationSettings,
    /// Linking glossary terms.
    pub glossary: GlossarySettings,
    /// Write the edition as one TEI P5 document, `edition.tei.xml`, into
    /// the site too.
    pub tei: bool,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GlossarySettings {
    /// Which occurrences of a term are links: `first-per-chapter` (the
    /// default), `first-per-paragraph` or `all`.
    pub link: LinkMode,
}

/// Which occurrences become links (all are listed on the glossary page).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMode {
    #[default]
    FirstPerChapter,
    FirstPerParagraph,
    All,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct QuotationSettings {
    /// Turn the index of recurring quotations off.
    pub disabled: bool,
    /// Shortest passage found without quotation marks, in CJK characters
    /// or words [default: 12 for CJK editions, 8 otherwise].
    pub min_length: Option<usize>,
    /// Shortest passage that counts when it stands quoted in two chapters
    /// [default: 6 CJK characters, 4 words].
    pub min_quoted_length: Option<usize>,
    /// Stock phrases of the genre that recur but are not quotations: a
    /// passage containing one of these is left out.
    pub stop_list: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paragraph_numbers: true,
            drafts: false,
            quotations: QuotationSettings::default(),
            glossary: GlossarySettings::default(),
            tei: false,
        }
    }
}

fn default_language() -> String {
    "en".to_owned()
}

fn default_theme() -> String {
    "classic".to_owned()
}

impl EditionConfig {
    /// Whether the edition's language is written in a Latin script (not
    /// Chinese, Japanese or Korean), where titles stand in italics.
    pub fn latin_script(&self) -> bool {
        let primary = self.language.split(['-', '_']).next().unwrap_or("");
        !matches!(primary.to_ascii_lowercase().as_str(), "zh" | "ja" | "ko")
    }

    pub fn parse(text: &str, file: &Path) -> Result<EditionConfig> {
        let config: EditionConfig = yaml::parse_file(text, file)?;
        let locate = |key: &str| yaml::key_position(text, key).unwrap_or((1, 1));
        if config.title.trim().is_empty() {
            let (line, col) = locate("title");
            return Err(Error::at(
                "the edition's `title` is empty",
                file,
                text,
                line,
                col,
            ));
        }
        if !is_language_tag(&config.language) {
            let (line, col) = locate("language");
            return Err(Error::at(
                format!("`{}` is not a language tag", config.language),
                file,
                text,
                line,
                col,
            )
            .with_help("use a BCP 47 tag such as `zh-CN`, `zh-Hant` or `en`"));
        }
        if let Some(why) = config.base_url.as_deref().and_then(base_url_problem) {
            let (line, col) = locate("base_url");
            return Err(Error::at(why, file, text, line, col)
                .with_help("write the whole address, such as `https://example.org/edition/`"));
        }
        Ok(config)
    }

    /// The primary language subtag, lowercased: `zh` for `zh-CN`.
    pub fn primary_language(&self) -> String {
        self.language
            .split('-')
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase()
    }
}

/// Why `url` cannot be the site's public address (sitemap.xml lists
/// every page under it): it needs a scheme and a host.
pub fn base_url_problem(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some(format!(
            "base URL `{url}` must start with https:// or http://"
        )),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            Some(format!("base URL `{url}` names no host"))
        }
        Some(rest) if rest.chars().any(|c| c.is_whitespace() || c.is_control()) => Some(format!(
            "base URL `{url}` holds a space or a control character"
        )),
        Some(_) => None,
    }
}

/// A BCP 47 tag in shape (subtags of 1 to 8 letters or digits), not a
/// check against the registry.
pub fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = EditionConfig::parse("title: T\n", Path::new("e.yaml")).unwrap();
        assert_eq!(c.theme, "classic");
        assert_eq!(c.language, "en");
        assert!(c.options.paragraph_numbers);
    }

    #[test]
    fn unknown_option_is_located() {
        let src = "title: T\noptions:\n  paragraph_number: false\n";
        let e = EditionConfig::parse(src, Path::new("e.yaml")).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, 3);
        assert_eq!(e.help.as_deref(), Some("did you mean `paragraph_numbers`?"));
    }

    #[test]
    fn bad_language_and_date_are_errors() {
        let e =
            EditionConfig::parse("title: T\nlanguage: zh CN\n", Path::new("e.yaml")).unwrap_err();
        assert_eq!(e.location.unwrap().line, 2);
        let e = EditionConfig::parse("title: T\ndate: 2022-4\n", Path::new("e.yaml")).unwrap_err();
        assert!(e.message.contains("not a date"), "{}", e.message);
    }

    #[test]
    fn a_base_url_needs_a_scheme_and_a_host() {
        let e = EditionConfig::parse("title: T\nbase_url: example.org/ed\n", Path::new("e.yaml"))
            .unwrap_err();
        assert_eq!(e.location.unwrap().line, 2);
        assert!(e.message.contains("https://"), "{}", e.message);
        assert!(base_url_problem("https:///x").is_some());
        assert!(base_url_problem("https://example.org/ed").is_none());
    }
}
