//! Dates as editions have them: often only a year or a month is known, so a
//! date is `yyyy`, `yyyy-mm` or `yyyy-mm-dd` and is never padded with guesses.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date as templates see it: the ISO form for `<time datetime>` and the
/// form readers of the edition's language expect.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DisplayDate {
    pub iso: String,
    pub display: String,
}

impl PartialDate {
    pub fn parse(text: &str) -> Option<PartialDate> {
        let mut parts = text.trim().split('-');
        let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
        let month = match parts.next() {
            Some(m) => Some(two_digits(m, 12)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(two_digits(d, 31)?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let date = PartialDate { year, month, day };
        if let (Some(m), Some(d)) = (month, day)
            && d > days_in_month(year, m)
        {
            return None;
        }
        Some(date)
    }

    /// `zh`, `ja` and `ko` editions write dates year first with unit
    /// characters; everything else gets the English day-month-year form.
    pub fn display(&self, language: &str) -> DisplayDate {
        let primary = language
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let display = match primary.as_str() {
            "zh" | "ja" => {
                let mut s = format!("{}年", self.year);
                if let Some(m) = self.month {
                    s.push_str(&format!("{m}月"));
                }
                if let Some(d) = self.day {
                    s.push_str(&format!("{d}日"));
                }
                s
            }
            _ => {
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                match (self.month, self.day) {
                    (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
                    (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
                    _ => self.year.to_string(),
                }
            }
        };
        DisplayDate {
            iso: self.to_string(),
            display,
        }
    }
}

fn two_digits(text: &str, max: u8) -> Option<u8> {
    if text.len() != 2 {
        return None;
    }
    let n: u8 = text.parse().ok()?;
    (1..=max).contains(&n).then_some(n)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // YAML reads `date: 2014` as a number and `date: 2014-05` as a string.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Number(n) => n.to_string(),
            Raw::Text(s) => s,
        };
        PartialDate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a date: write yyyy, yyyy-mm or yyyy-mm-dd (e.g. 2014-05-08)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions() {
        assert_eq!(PartialDate::parse("2014").unwrap().to_string(), "2014");
        assert_eq!(
            PartialDate::parse("2014-05").unwrap().to_string(),
            "2014-05"
        );
        assert_eq!(
            PartialDate::parse("2014-05-08").unwrap().to_string(),
            "2014-05-08"
        );
        for bad in ["14", "2014-5", "2014-13", "2014-02-30", "2014-05-08-1", "x"] {
            assert!(PartialDate::parse(bad).is_none(), "{bad}");
        }
        assert!(PartialDate::parse("2020-02-29").is_some());
    }

    #[test]
    fn displays_by_language() {
        let d = PartialDate::parse("2014-05-08").unwrap();
        assert_eq!(d.display("zh-CN").display, "2014年5月8日");
        assert_eq!(d.display("en").display, "8 May 2014");
        let m = PartialDate::parse("2022-04").unwrap();
        assert_eq!(m.display("zh").display, "2022年4月");
        assert_eq!(m.display("en-GB").display, "April 2022");
    }
}
