//! The article body of an HTML page as plain paragraphs.
//!
//! The main content is found by the `trafilatura` crate (chosen by
//! measurement: docs/QUALITY.md, "Web extraction"), favouring precision;
//! this module turns its cleaned HTML into paragraphs separated by blank
//! lines and drops what is not the article's prose: captions, bylines,
//! credits, share and newsletter lines (by the rules every ingest path
//! shares, [`crate::corpus::clean::is_furniture`]), a repeated headline.
//!
//! It must not read metadata (that is `meta`) or do any I/O.

use std::panic::{catch_unwind, AssertUnwindSafe};

use scraper::{Html, Node};

use super::shape::Parsed;
use crate::corpus::clean::is_furniture;

/// Elements whose text is never body text, even when the extractor keeps
/// them.
const SKIPPED: &[&str] = &["figcaption", "figure", "caption", "script", "style", "noscript", "button", "aside", "nav"];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "tr",
    "pre",
    "ul",
    "ol",
    "table",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "dd",
    "dt",
    "dl",
    "hr",
    "details",
    "summary",
    "address",
];

/// The article text of a page parsed within the limits (see
/// [`super::shape`]: nothing else may reach the extractor), paragraphs
/// separated by `"\n\n"`; empty when no article text was found. `title`,
/// when known, is dropped from the start of the body.
pub fn main_text(page: &Parsed<'_>, url: Option<&str>, title: Option<&str>) -> String {
    let html = page.html();
    let mut opts = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision)
        .with_exclude_comments(true)
        .with_html_date_mode(trafilatura::HtmlDateMode::Disabled);
    if let Some(u) = url.and_then(|u| ::url::Url::parse(u).ok()) {
        opts = opts.with_url(u);
    }
    // The extractor is third-party code run on hostile input: a panic in it
    // means "no article", not a crashed bot.
    let content = catch_unwind(AssertUnwindSafe(|| trafilatura::extract(html, &opts)));
    let content_html = match content {
        Ok(Ok(result)) => result.content_html,
        _ => return String::new(),
    };
    let paragraphs = paragraphs(&content_html);
    clean(paragraphs, title).join("\n\n")
}

/// The paragraphs of an HTML fragment: block elements and `<br>` break,
/// whitespace is collapsed, skipped elements are left out.
pub fn paragraphs(fragment: &str) -> Vec<String> {
    let doc = Html::parse_fragment(fragment);
    let mut raw = String::new();
    walk(doc.tree.root(), &mut raw);
    raw.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect()
}

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => out.push_str(t),
        Node::Element(e) => {
            let name = e.name();
            if SKIPPED.contains(&name) {
                return;
            }
            if name == "br" {
                out.push_str("\n\n");
                return;
            }
            let block = BLOCKS.contains(&name);
            if block {
                out.push_str("\n\n");
            }
            for child in node.children() {
                walk(child, out);
            }
            if block {
                out.push_str("\n\n");
            } else if matches!(name, "td" | "th") {
                out.push(' ');
            }
        }
        _ => {
            for child in node.children() {
                walk(child, out);
            }
        }
    }
}

/// Drops boilerplate paragraphs, a leading copy of the title and repeats.
fn clean(paragraphs: Vec<String>, title: Option<&str>) -> Vec<String> {
    let title = title.map(squash).unwrap_or_default();
    let mut out: Vec<String> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if out.is_empty() && !title.is_empty() && squash(&p) == title {
            continue;
        }
        if is_furniture(&p) || out.last() == Some(&p) {
            continue;
        }
        out.push(p);
    }
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_breaks_make_paragraphs() {
        let html = "<div><p>First <b>bold</b>\n para.</p><p>Second.<br>Third.</p><ul><li>One</li><li>Two</li></ul>\
                    <figure><img src=x><figcaption>The caption</figcaption></figure><table><tr><td>a</td><td>b</td></tr></table></div>";
        assert_eq!(paragraphs(html), ["First bold para.", "Second.", "Third.", "One", "Two", "a b"]);
    }

    #[test]
    fn furniture_is_dropped_and_prose_kept() {
        for junk in [
            "By Jane Roe and John Doe",
            "Advertisement",
            "Photograph: Ivo Tamm/Getty Images",
            "Read more: Talks in Vellmar stall",
            "Sign up for our daily newsletter",
            "© 2026 Example Media",
            "A delegate arrives in Vellmar. (Photo by Ana Ruiz/AP Photo)",
        ] {
            assert!(is_furniture(junk), "{junk}");
        }
        for prose in [
            "By the end of the week, the delegations had agreed on a prisoner exchange.",
            "Read the full statement, the minister told reporters, and you will see no concession.",
            "Subscribers to the plan include six of the eight regional governors in Vellmar and Ostrava, who met on Tuesday to discuss a timetable for the withdrawal and the return of displaced families.",
            "Mayor Olek Brandt said the ceasefire would hold.",
        ] {
            assert!(!is_furniture(prose), "{prose}");
        }
    }

    #[test]
    fn the_article_is_found_and_its_furniture_left_out() {
        let html = r#"<html><head><title>Vellmar talks resume</title></head><body>
            <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
            <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
            <article>
              <h1>Vellmar talks resume</h1>
              <p class="byline">By Jane Roe</p>
              <p>Negotiators from Ostrava and Vellmar met on Tuesday in the lakeside town of Brenn for the first time since the spring, officials from both delegations said.</p>
              <figure><img src="a.jpg"><figcaption>Delegates arrive in Brenn. Photo: Ana Ruiz</figcaption></figure>
              <p>"We are here to listen," said Mayor Olek Brandt, who chairs the Vellmar delegation. He added that a prisoner exchange was the first item on the agenda.</p>
              <p>Advertisement</p>
              <p>The talks are expected to last three days, with a joint statement planned for Friday afternoon if both sides agree on its wording.</p>
            </article>
            <aside><h3>Most read</h3><ul><li><a href="/a">Storm hits the coast</a></li><li><a href="/b">Cup final preview</a></li></ul></aside>
            <footer>© 2026 Example Media. All rights reserved.</footer>
            </body></html>"#;
        let page = super::super::shape::parse(html).expect("a small page");
        let text = main_text(&page, Some("https://news.example/vellmar"), Some("Vellmar talks resume"));
        let paras: Vec<&str> = text.split("\n\n").collect();
        assert_eq!(paras.len(), 3, "{text}");
        assert!(paras[0].starts_with("Negotiators from Ostrava"));
        assert!(paras[1].starts_with("\"We are here to listen,\""));
        assert!(paras[2].ends_with("on its wording."));
        for junk in ["cookies", "Photo:", "By Jane Roe", "Most read", "Advertisement", "©"] {
            assert!(!text.contains(junk), "{junk} in {text}");
        }
    }

    #[test]
    fn hostile_or_empty_input_gives_no_text() {
        let text = |html: &str, url| main_text(&super::super::shape::parse(html).expect("within limits"), url, None);
        assert_eq!(text("", None), "");
        assert!(text("<<<>>>\u{0}", None).len() < 10);
        assert_eq!(text(&"<div>".repeat(150), Some("not a url")), "");
    }
}
