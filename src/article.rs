//! Parley's own vocabulary for an article: its id, its metadata, its body and
//! the [`Source`] line every answer carries.
//!
//! This module is plain data. It must not read files, know the on-disk
//! format (that is `corpus`) or the index (that is `index`).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// A stable, human-readable, unique article id: `2025-08-19-will-putin-agree`.
///
/// Ids are made of ASCII lower-case letters, digits and single dashes, so an
/// id is always a safe file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArticleId(String);

/// Why a string is not an [`ArticleId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an article id (lower-case letters, digits and dashes, at most 120 characters)")]
pub struct BadId(pub String);

impl ArticleId {
    /// Longest id accepted.
    pub const MAX_LEN: usize = 120;

    /// Parses an id typed by a person or read from a file.
    pub fn parse(s: &str) -> Result<ArticleId, BadId> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(ArticleId(s.to_owned()))
        } else {
            Err(BadId(s.to_owned()))
        }
    }

    /// Makes the id for an article: its date (when known) and the first
    /// words of its title, folded to ASCII. The result always parses.
    pub fn slug(published: Option<&Published>, title: &str) -> ArticleId {
        let mut out = String::new();
        // `parse` refuses other years, but the variants can be built by hand;
        // a signed year would make the id unparseable.
        if let Some(p) = published.filter(|p| p.has_plain_year()) {
            out.push_str(&p.date().to_string());
        }
        let folded = crate::text::fold(title);
        let words = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty());
        for word in words.take(8) {
            if out.len() + word.len() + 1 > 80 {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(word);
        }
        if out.is_empty() {
            out.push_str("article");
        }
        ArticleId(out)
    }

    /// The same id with a numeric suffix, for the second article that would
    /// get the same slug.
    pub fn with_suffix(&self, n: u32) -> ArticleId {
        ArticleId(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ArticleId {
    type Error = BadId;
    fn try_from(s: String) -> Result<Self, BadId> {
        ArticleId::parse(&s)
    }
}

impl From<ArticleId> for String {
    fn from(id: ArticleId) -> String {
        id.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// When an article was published: a day, or an instant when the source gives
/// the time. A missing date stays missing (`Option<Published>`): Parley never
/// invents one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Date(Date),
    DateTime(OffsetDateTime),
}

/// Why a string is not a date Parley understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date (use YYYY-MM-DD with a year from 1000 to 9999, or RFC 3339 such as 2025-08-19T14:30:00Z)")]
pub struct BadDate(pub String);

/// The years a date may have. A year outside them (`-0001`, `+10000`) would
/// start an article id with a sign, which is not an id, so the article
/// would be skipped the next time the corpus is read.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");
const NAIVE_DATETIME: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day][first [T][ ]][hour]:[minute][optional [:[second]]]");

impl Published {
    /// Parses `2025-08-19`, RFC 3339 (`2025-08-19T14:30:00+02:00`), a
    /// date-time without zone (taken as UTC), or one of those followed by
    /// junk after a `T`/space that is only a time.
    pub fn parse(s: &str) -> Result<Published, BadDate> {
        let t = s.trim();
        let bad = || BadDate(s.to_owned());
        // A year is four digits without a sign (see `YEARS`).
        if t.is_empty() || t.len() > 64 || !t.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad());
        }
        let parsed = if let Ok(d) = Date::parse(t, DATE) {
            Published::Date(d)
        } else if let Ok(dt) = OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
            Published::DateTime(dt)
        } else if let Ok(dt) = PrimitiveDateTime::parse(t, NAIVE_DATETIME) {
            Published::DateTime(dt.assume_utc())
        } else {
            return Err(bad());
        };
        if !parsed.has_plain_year() {
            return Err(bad());
        }
        Ok(parsed)
    }

    /// Whether the year is one of [`YEARS`]: four digits, no sign.
    pub fn has_plain_year(&self) -> bool {
        YEARS.contains(&self.date().year())
    }

    /// The calendar day (in the article's own offset).
    pub fn date(&self) -> Date {
        match self {
            Published::Date(d) => *d,
            Published::DateTime(dt) => dt.date(),
        }
    }

    /// Seconds since the epoch at the start of the day (or the instant), for
    /// the index's date field and for range filters.
    pub fn timestamp(&self) -> i64 {
        match self {
            Published::Date(d) => d.midnight().assume_utc().unix_timestamp(),
            Published::DateTime(dt) => dt.unix_timestamp(),
        }
    }
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Published::Date(d) => write!(f, "{d}"),
            Published::DateTime(dt) => {
                let s = dt.format(&time::format_description::well_known::Rfc3339).map_err(|_| fmt::Error)?;
                f.write_str(&s)
            }
        }
    }
}

impl std::str::FromStr for Published {
    type Err = BadDate;
    fn from_str(s: &str) -> Result<Self, BadDate> {
        Published::parse(s)
    }
}

impl Serialize for Published {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Published {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A TOML date (`published = 2025-08-19`) arrives as a datetime value;
        // a quoted one as a string. Both end up as text here.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Toml(dt) => dt.to_string(),
        };
        Published::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Everything known about an article except its body. This is the front
/// matter of its corpus file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleMeta {
    pub id: ArticleId,
    pub title: String,
    /// The publication, or `"unknown"`; never guessed.
    pub outlet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub added_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at: Option<Published>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Other outlets that published the same story (syndicated copies),
    /// as "Outlet <url>".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_reported_by: Vec<String>,
}

fn default_language() -> String {
    "en".to_owned()
}

/// The outlet recorded when nobody knows it.
pub const UNKNOWN_OUTLET: &str = "unknown";

/// An article: its metadata and its body (plain text, one paragraph per line
/// or paragraphs separated by blank lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub meta: ArticleMeta,
    pub body: String,
}

/// Where an answer comes from: what every passage and quote Parley shows
/// carries, so that a reader can check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub article_id: ArticleId,
    pub title: String,
    pub outlet: String,
    pub url: Option<String>,
    pub published: Option<Published>,
    /// Other outlets that published the same story.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_reported_by: Vec<String>,
}

impl From<&ArticleMeta> for Source {
    fn from(m: &ArticleMeta) -> Source {
        Source {
            article_id: m.id.clone(),
            title: m.title.clone(),
            outlet: m.outlet.clone(),
            url: m.url.clone(),
            published: m.published,
            also_reported_by: m.also_reported_by.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_slugs_and_refuse_the_rest() {
        for good in ["a", "2025-08-19-will-putin-agree", "x1-2"] {
            assert!(ArticleId::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "A", "-a", "a-", "a--b", "../etc", "a b", "é", &"a".repeat(121)] {
            assert!(ArticleId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_dated_folded_and_always_valid() {
        let d = Published::parse("2025-08-19").unwrap();
        let id = ArticleId::slug(Some(&d), "Will Putin agree to a one-on-one meeting with Zelensky this time?");
        assert_eq!(id.as_str(), "2025-08-19-will-putin-agree-to-a-one-on-one");
        assert_eq!(ArticleId::slug(None, "Zelenskyy’s “plan” — Kyiv").as_str(), "zelenskyy-s-plan-kyiv");
        assert_eq!(ArticleId::slug(None, "!!!").as_str(), "article");
        assert_eq!(ArticleId::slug(None, "Крым").as_str(), "krym");
        for t in ["", "a", &"word ".repeat(100), "—", "日本"] {
            assert!(ArticleId::parse(ArticleId::slug(None, t).as_str()).is_ok(), "{t:?}");
        }
    }

    #[test]
    fn dates_parse_in_the_forms_sources_use() {
        let cases = [
            ("2025-08-19", "2025-08-19"),
            ("2025-08-19T14:30:00Z", "2025-08-19T14:30:00Z"),
            ("2025-08-19T14:30:00+02:00", "2025-08-19T14:30:00+02:00"),
            ("2025-08-19 14:30", "2025-08-19T14:30:00Z"),
        ];
        for (input, shown) in cases {
            assert_eq!(Published::parse(input).unwrap().to_string(), shown, "{input}");
        }
        for bad in ["", "unknown", "2025-13-01", "19/08/2025", "2025-02-30", "yesterday"] {
            assert!(Published::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn years_are_four_digits_without_a_sign() {
        for bad in [
            "-0001-01-01",
            "-2025-08-19",
            "+2025-08-19",
            "0999-12-31",
            "0001-01-01T00:00:00Z",
            "0500-01-01 10:00",
            "+10000-01-01",
            "10000-01-01",
        ] {
            let err = Published::parse(bad).unwrap_err();
            assert!(err.to_string().contains("a year from 1000 to 9999"), "{bad}: {err}");
        }
        for good in ["1000-01-01", "9999-12-31", "9999-12-31T23:59:59Z"] {
            assert!(Published::parse(good).is_ok(), "{good}");
        }
        // A date built by hand with a signed year never reaches an id.
        let signed = Published::Date(Date::from_calendar_date(-1, time::Month::January, 1).unwrap());
        let id = ArticleId::slug(Some(&signed), "Talks in Vorn");
        assert_eq!(id.as_str(), "talks-in-vorn");
        // Front matter goes through the same parse.
        let header = "id = \"a\"\ntitle = \"t\"\noutlet = \"o\"\npublished = \"-0001-01-01\"\n";
        assert!(toml::from_str::<ArticleMeta>(header).is_err());
    }
}
