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

    /// The first and the last day the date may be (a date known only to
    /// the month or the year may be any day in it), counted from a fixed
    /// day: for telling how far apart two dates are.
    pub fn day_range(&self) -> (i64, i64) {
        let first_month = self.month.unwrap_or(1);
        let last_month = self.month.unwrap_or(12);
        let first_day = self.day.unwrap_or(1);
        let last_day = self
            .day
            .unwrap_or_else(|| days_in_month(self.year, last_month));
        (
            day_number(self.year, first_month, first_day),
            day_number(self.year, last_month, last_day),
        )
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

/// Days from 1 January of year 0 (proleptic Gregorian) to the date.
fn day_number(year: u16, month: u8, day: u8) -> i64 {
    let before = i64::from(year) - 1;
    let leap_days = if year == 0 {
        0
    } else {
        1 + before / 4 - before / 100 + before / 400
    };
    let mut days = 365 * i64::from(year) + leap_days;
    for m in 1..month {
        days += i64::from(days_in_month(year, m));
    }
    days + i64::from(day) - 1
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
    fn day_ranges_count_days_across_months_years_and_leap_days() {
        let day = |t: &str| PartialDate::parse(t).unwrap().day_range();
        assert_eq!(day("2019-03-06").0 - day("2019-03-05").0, 1);
        assert_eq!(day("2020-01-01").0 - day("2019-12-31").0, 1);
        assert_eq!(day("2020-03-01").0 - day("2020-02-28").0, 2);
        assert_eq!(day("2019-03-01").0 - day("2019-02-28").0, 1);
        assert_eq!(day("2001-01-01").0 - day("2000-01-01").0, 366);
        assert_eq!(day("2101-01-01").0 - day("2100-01-01").0, 365);
        let (first, last) = day("2019");
        assert_eq!((first, last), (day("2019-01-01").0, day("2019-12-31").0));
        let (first, last) = day("2020-02");
        assert_eq!((first, last), (day("2020-02-01").0, day("2020-02-29").0));
        assert_eq!(day("2019-05-17").0, day("2019-05-17").1);
    }

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
