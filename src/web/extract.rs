//! From a page's bytes to an [`Extracted`] article: take an extraction
//! slot (`slots`), decode, parse within the limits (`shape`), read the
//! metadata (`meta`), find the body (`body`).
//!
//! No I/O, no knowledge of the corpus. An empty or near-empty body is an
//! error ("not an article"), never an article without text; so is a page
//! past the limits, and a page that found every slot taken for too long
//! ("busy").

use std::time::Duration;

use serde::Serialize;

use super::slots::{self, Slots};
use super::{body, charset, meta, shape};
use crate::article::Published;

/// Fewer words than this in the body and the page is not taken for an
/// article (a front page, a video page, an error page).
pub const MIN_WORDS: usize = 20;

/// An article read from a web page or a text file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extracted {
    pub title: Option<String>,
    /// The publication's name as the page gives it; `None` when it does
    /// not (the engine may fall back to the URL's host).
    pub outlet: Option<String>,
    /// Only ever a date the page states; never guessed.
    pub published: Option<Published>,
    pub authors: Vec<String>,
    /// ISO 639 primary subtag, lower case (`"en"`).
    pub language: Option<String>,
    /// The canonical URL, else the URL the page was read from.
    pub url: Option<String>,
    /// Paragraphs separated by `"\n\n"`.
    pub text: String,
}

impl Extracted {
    /// The outlet, or else the host of the URL without `www.`.
    pub fn outlet_or_host(&self) -> Option<String> {
        self.outlet.clone().or_else(|| {
            let u = ::url::Url::parse(self.url.as_deref()?).ok()?;
            let host = u.host_str()?;
            Some(host.strip_prefix("www.").unwrap_or(host).to_owned())
        })
    }
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("not an article: no article text found in {source_name} ({words} words of body text)")]
    NoArticle { source_name: String, words: usize },
    #[error("not an article: {source_name} is too complex to read ({limit})")]
    TooComplex { source_name: String, limit: shape::Limit },
    #[error("busy: {source_name} was not read, {limit} other pages are being read; try again in a minute")]
    Busy { source_name: String, limit: usize },
}

/// Extracts the article from HTML `bytes` read from `url` (if known), with
/// the charset the server declared (if any). Waits up to [`slots::WAIT`]
/// for an extraction slot.
pub fn extract(bytes: &[u8], url: Option<&str>, declared_charset: Option<&str>) -> Result<Extracted, ExtractError> {
    extract_in(slots::extractions(), slots::WAIT, bytes, url, declared_charset)
}

/// [`extract`] with the slots to take one from and how long to wait.
pub fn extract_in(
    slots: &Slots,
    wait: Duration,
    bytes: &[u8],
    url: Option<&str>,
    declared_charset: Option<&str>,
) -> Result<Extracted, ExtractError> {
    let source_name = || url.unwrap_or("the page").to_owned();
    let _slot =
        slots.take(wait).ok_or_else(|| ExtractError::Busy { source_name: source_name(), limit: slots.limit() })?;
    let (html, _encoding) = charset::decode_html(bytes, declared_charset);
    let page = shape::parse(&html).map_err(|limit| ExtractError::TooComplex { source_name: source_name(), limit })?;
    let m = meta::read(page.doc(), url);
    let text = crate::text::body_text(&body::main_text(&page, url, m.title.as_deref())).into_owned();
    let words = text.split_whitespace().count();
    if words < MIN_WORDS {
        return Err(ExtractError::NoArticle { source_name: url.unwrap_or("the page").to_owned(), words });
    }
    Ok(Extracted {
        title: m.title,
        outlet: m.outlet,
        published: m.published,
        authors: m.authors,
        language: m.language,
        url: m.canonical_url.or_else(|| url.map(str::to_owned)),
        text,
    })
}

/// Reads a plain-text article (a `text/plain` page or a `.txt` file): the
/// first line is the title when it looks like one (short, no final full
/// stop), paragraphs are separated by blank lines (or are single lines
/// when the text has no blank lines).
pub fn extract_text(
    bytes: &[u8],
    url: Option<&str>,
    declared_charset: Option<&str>,
) -> Result<Extracted, ExtractError> {
    let (text, _encoding) = charset::decode(bytes, declared_charset);
    let text = crate::text::body_text(&text.replace("\r\n", "\n").replace('\r', "\n")).into_owned();
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty()).peekable();
    let first = lines.peek().map(|l| l.trim().to_owned()).unwrap_or_default();
    let title = (!first.is_empty() && first.chars().count() <= 200 && !first.ends_with('.')).then_some(first);
    if title.is_some() {
        lines.next();
    }
    let rest: Vec<&str> = lines.collect();
    let has_blank = rest.iter().any(|l| l.trim().is_empty());
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in rest {
        if line.trim().is_empty() || !has_blank {
            if !has_blank && !line.trim().is_empty() {
                current.push(line.trim());
            }
            if !current.is_empty() {
                paragraphs.push(current.join(" ").split_whitespace().collect::<Vec<_>>().join(" "));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" ").split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let body = paragraphs.join("\n\n");
    let words = body.split_whitespace().count();
    if words < MIN_WORDS {
        return Err(ExtractError::NoArticle { source_name: url.unwrap_or("the text").to_owned(), words });
    }
    Ok(Extracted {
        title,
        outlet: None,
        published: None,
        authors: Vec::new(),
        language: None,
        url: url.map(str::to_owned),
        text: body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="en"><head><meta charset="windows-1252">
        <title>Brenn talks: day two | Ostrava Herald</title>
        <meta property="og:site_name" content="Ostrava Herald">
        <meta property="article:published_time" content="2026-02-21T09:15:00+02:00">
        <meta name="author" content="Jane Roe">
        </head><body><nav>Home World Sport</nav><article><h1>Brenn talks: day two</h1>
        <p>Delegates from Ostrava and Vellmar resumed their talks in Brenn on Saturday, with the exchange of prisoners first on the agenda.</p>
        <p>Mayor Olek Brandt said the two sides were QLcloser than at any time this yearQR but warned that no deal was certain.</p>
        </article><footer>Contact us</footer></body></html>"#;

    #[test]
    fn a_page_becomes_an_article() {
        // Curly quotes as windows-1252 bytes, as the page declares.
        let bytes: Vec<u8> = PAGE
            .replace("QL", "\u{1}")
            .replace("QR", "\u{2}")
            .into_bytes()
            .into_iter()
            .map(|b| match b {
                1 => 0x93,
                2 => 0x94,
                b => b,
            })
            .collect();
        let a = extract(&bytes, Some("https://herald.example/brenn"), None).unwrap();
        assert_eq!(a.title.as_deref(), Some("Brenn talks: day two"));
        assert_eq!(a.outlet.as_deref(), Some("Ostrava Herald"));
        assert_eq!(a.published.map(|p| p.to_string()).as_deref(), Some("2026-02-21T09:15:00+02:00"));
        assert_eq!(a.authors, ["Jane Roe"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.url.as_deref(), Some("https://herald.example/brenn"));
        assert_eq!(a.text.split("\n\n").count(), 2, "{}", a.text);
        assert!(a.text.contains("“closer than at any time this year”"), "{}", a.text);
        assert!(!a.text.contains("Home World"));
    }

    #[test]
    fn an_empty_page_is_not_an_article() {
        let err = extract(b"<html><body><nav>Home</nav></body></html>", Some("https://x.example/"), None).unwrap_err();
        assert!(err.to_string().starts_with("not an article"), "{err}");
        assert!(extract(b"", None, None).is_err());
    }

    #[test]
    fn hostile_nesting_is_refused_with_a_clear_error() {
        let deep = "<div>".repeat(100_000);
        let words = "word ".repeat(50);
        for page in [
            format!("<html><body>{deep}<p>{words}</p></body></html>"),
            // The comment ends at `--!>` for the parser: the divs are seen.
            format!("<html><body><!-- x --!>{deep}<p>{words}</p><!-- --></body></html>"),
        ] {
            let err = extract(page.as_bytes(), Some("https://x.example/deep"), None).unwrap_err();
            assert_eq!(
                err,
                ExtractError::TooComplex { source_name: "https://x.example/deep".into(), limit: shape::Limit::Depth }
            );
            assert_eq!(
                err.to_string(),
                "not an article: https://x.example/deep is too complex to read (elements nested more than 160 deep)"
            );
        }
        let flat = format!("<html><body>{}</body></html>", "<p>word</p>".repeat(200_000));
        let err = extract(flat.as_bytes(), None, None).unwrap_err();
        assert_eq!(err, ExtractError::TooComplex { source_name: "the page".into(), limit: shape::Limit::Elements });
    }

    #[test]
    fn extraction_waits_for_a_slot_then_says_busy() {
        let slots = Slots::new(1);
        let held = slots.take(Duration::ZERO).expect("free");
        let err = extract_in(&slots, Duration::from_millis(10), PAGE.as_bytes(), Some("https://h.example/a"), None)
            .unwrap_err();
        assert_eq!(err, ExtractError::Busy { source_name: "https://h.example/a".into(), limit: 1 });
        assert!(err.to_string().starts_with("busy: https://h.example/a was not read"), "{err}");
        drop(held);
        assert!(extract_in(&slots, Duration::ZERO, PAGE.as_bytes(), None, None).is_ok());
    }

    #[test]
    fn plain_text_has_a_title_line_and_paragraphs() {
        let t = "Brenn talks resume\r\n\r\nDelegates met on Saturday in Brenn for a second day of talks on the exchange of prisoners.\r\nThe talks went on late.\r\n\r\nA statement is expected on Friday, officials from Ostrava and Vellmar said after the meeting.\r\n";
        let a = extract_text(t.as_bytes(), None, None).unwrap();
        assert_eq!(a.title.as_deref(), Some("Brenn talks resume"));
        assert_eq!(a.text.split("\n\n").count(), 2);
        assert!(a.text.contains("prisoners. The talks went on late."));
        assert_eq!(a.outlet_or_host(), None);
    }

    #[test]
    fn control_characters_in_a_page_are_dropped() {
        let page = format!(
            "<html><head><title>Brenn\u{1b}[2J talks</title><meta property=\"og:site_name\" content=\"Herald\u{9b}31m\">\
             <meta name=\"author\" content=\"Jane\u{7} Roe\"></head><body><article><p>{}\u{1b}]0;owned\u{7}</p></article></body></html>",
            "Delegates from Ostrava and Vellmar met in Brenn. ".repeat(6)
        );
        let a = extract(page.as_bytes(), Some("https://herald.example/a"), None).unwrap();
        let fields = [a.title.clone().unwrap_or_default(), a.outlet.clone().unwrap_or_default(), a.text.clone()];
        for f in fields.iter().chain(&a.authors) {
            assert!(!f.chars().any(char::is_control), "{f:?}");
        }
        assert_eq!(a.title.as_deref(), Some("Brenn[2J talks"));
        assert_eq!(a.authors, ["Jane Roe"]);
        let t = extract_text("Title\u{1b}c\n\nBody \u{1b}[1mtext\u{85}".repeat(12).as_bytes(), None, None).unwrap();
        assert!(!t.title.unwrap_or_default().chars().any(char::is_control));
        assert!(!t.text.chars().any(|c| c.is_control() && c != '\n'), "{:?}", t.text);
    }

    #[test]
    fn odd_pages_give_an_article_or_a_reason_never_a_panic() {
        let pieces = [
            "&",
            "&amp;",
            "&#x41a;",
            "&#",
            ";",
            "<",
            ">",
            "\"",
            "'",
            "Мир",
            "Україна",
            "和平",
            "€",
            "😀",
            "e\u{301}",
            " ",
            "\n",
            "\u{1b}",
            "\u{0}",
            "-",
            "--!>",
            "<!--",
            "-->",
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<b>",
            "</i>",
            "<script>",
            "</script>",
            "<title>",
            "<![CDATA[",
            "]]>",
            "word ",
            "2026-02-2",
            "T14:3",
            "+0",
            "By ",
        ];
        let heads = [
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"",
            "<meta property=\"article:published_time\" content=\"",
            "<meta name=\"author\" content=\"",
            "<link rel=\"canonical\" href=\"",
            "<time datetime=\"",
            "<title>",
        ];
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let mut page = String::from("<html><head>");
            page.push_str(rng.pick(&heads));
            for _ in 0..(rng.next() % 40) {
                page.push_str(rng.pick(&pieces));
            }
            page.push_str("\"}</script></head><body><article><p>");
            for _ in 0..(rng.next() % 200) {
                page.push_str(rng.pick(&pieces));
            }
            let url = ["https://x.example/2026/02/21/a", "not a url"][round % 2];
            match extract(page.as_bytes(), Some(url), None) {
                Ok(a) => assert!(a.text.split_whitespace().count() >= MIN_WORDS),
                Err(ExtractError::NoArticle { .. } | ExtractError::TooComplex { .. }) => {}
                Err(e) => panic!("round {round}: {e}"),
            }
            let _ = extract_text(page.as_bytes(), Some(url), None);
            let _ = meta::parse_date(&page[..page.char_indices().nth(30).map_or(page.len(), |(i, _)| i)]);
        }
    }
}
