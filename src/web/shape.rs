//! Parsing a page under limits: how deep its elements nest and how many
//! there are, counted on the tree the HTML parser itself builds, so that a
//! hostile page is refused before it can make parsing quadratic, keep a
//! core busy or overflow the extractor's recursion.
//!
//! The parser is html5ever through `scraper`, the one `meta` reads and
//! `trafilatura` uses: what is counted is what they see (comments closed by
//! `--!>`, raw-text elements, implied end tags, misnested formatting).
//! The page is fed in small chunks and the count is checked after each, so
//! the work done on a hostile page stops soon after a limit is crossed; a
//! page that stays within the limits is measured once more, whole, when
//! the parse ends (the parser may move nodes it already built).
//!
//! It owns the limits and the [`Parsed`] page that proves they hold; it
//! must not read the page's metadata or text (that is `meta` and `body`).

use std::fmt;

use html5ever::tendril::{StrTendril, TendrilSink};
use scraper::{Html, HtmlTreeSink, Node};

/// Deepest element nesting a page may have. The 311 real pages of
/// ../shared are at most 51 deep; pages nested thousands deep make parsing
/// quadratic, the extractor slow and its recursion overflow the stack.
pub const MAX_DEPTH: usize = 160;

/// Most elements (and comments) a page may have. The 311 real pages of
/// ../shared have at most 9,892; the extractor's work grows with elements
/// times depth.
pub const MAX_ELEMENTS: usize = 30_000;

/// Bytes of the page fed to the parser between two checks. Small enough
/// that a chunk of `<div>`s past [`MAX_DEPTH`] costs little, large enough
/// that the checks cost nothing on a real page.
const CHUNK_BYTES: usize = 4096;

/// Which limit a page crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Elements nested deeper than [`MAX_DEPTH`].
    Depth,
    /// More than [`MAX_ELEMENTS`] elements and comments.
    Elements,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Depth => write!(f, "elements nested more than {MAX_DEPTH} deep"),
            Limit::Elements => write!(f, "more than {MAX_ELEMENTS} elements"),
        }
    }
}

/// A page's size as the parser built it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Deepest element nesting (`<html>` is 1).
    pub depth: usize,
    /// Elements and comments.
    pub elements: usize,
}

impl Shape {
    /// The first limit this shape crosses, if any.
    pub fn crossed(&self) -> Option<Limit> {
        if self.depth > MAX_DEPTH {
            Some(Limit::Depth)
        } else if self.elements > MAX_ELEMENTS {
            Some(Limit::Elements)
        } else {
            None
        }
    }
}

/// A page parsed within the limits: its text and its document. Only
/// [`parse`] makes one, so holding one proves the page is tractable.
pub struct Parsed<'a> {
    html: &'a str,
    doc: Html,
    shape: Shape,
}

impl<'a> Parsed<'a> {
    /// The page's text, as it was parsed.
    pub fn html(&self) -> &'a str {
        self.html
    }

    /// The parsed document.
    pub fn doc(&self) -> &Html {
        &self.doc
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }
}

/// Parses `html`, refusing it with the limit it crossed as soon as it
/// crosses one.
pub fn parse(html: &str) -> Result<Parsed<'_>, Limit> {
    let mut parser = html5ever::driver::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default());
    let mut counted = Counted::default();
    let mut rest = html;
    while !rest.is_empty() {
        let cut = floor_boundary(rest, CHUNK_BYTES);
        let (chunk, tail) = rest.split_at(cut);
        rest = tail;
        parser.process(StrTendril::from_slice(chunk));
        let html = parser.tokenizer.sink.sink.0.borrow();
        if let Some(limit) = counted.update(&html) {
            return Err(limit);
        }
    }
    let doc = parser.finish();
    let shape = measure(&doc);
    match shape.crossed() {
        Some(limit) => Err(limit),
        None => Ok(Parsed { html, doc, shape }),
    }
}

/// The largest char boundary of `s` at or below `at` (at least one
/// character, so that the caller always moves on).
fn floor_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    if i == 0 {
        s.chars().next().map_or(s.len(), char::len_utf8)
    } else {
        i
    }
}

/// The running count while the page is fed: nodes are only ever added at
/// the end of the tree's arena, so each check looks at the new ones only.
#[derive(Debug, Default)]
struct Counted {
    seen: usize,
    elements: usize,
}

impl Counted {
    fn update(&mut self, html: &Html) -> Option<Limit> {
        let nodes = html.tree.nodes();
        let total = nodes.len();
        for node in nodes.rev().take(total.saturating_sub(self.seen)) {
            match node.value() {
                Node::Element(_) => {
                    self.elements += 1;
                    // Bounded walk: past the limit the exact depth does not matter.
                    let depth = node.ancestors().filter(|a| a.value().is_element()).take(MAX_DEPTH + 1).count() + 1;
                    if depth > MAX_DEPTH {
                        return Some(Limit::Depth);
                    }
                }
                Node::Comment(_) | Node::ProcessingInstruction(_) => self.elements += 1,
                _ => {}
            }
        }
        self.seen = total;
        (self.elements > MAX_ELEMENTS).then_some(Limit::Elements)
    }
}

/// The exact shape of a whole document, in one walk without recursion.
pub fn measure(doc: &Html) -> Shape {
    let mut shape = Shape::default();
    let mut depth = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => match n.value() {
                Node::Element(_) => {
                    depth += 1;
                    shape.depth = shape.depth.max(depth);
                    shape.elements += 1;
                }
                Node::Comment(_) | Node::ProcessingInstruction(_) => shape.elements += 1,
                _ => {}
            },
            ego_tree::iter::Edge::Close(n) => {
                if n.value().is_element() {
                    depth = depth.saturating_sub(1);
                }
            }
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(html: &str) -> Result<Shape, Limit> {
        parse(html).map(|p| p.shape())
    }

    #[test]
    fn depth_and_elements_are_the_parsers() {
        // html, head, body are elements of every document.
        let cases = [
            ("", 2, 3),
            ("<div><p>a<p>b<br><img src=x></div>", 5, 8),
            ("<div><div><span>x</span></div><div/></div>", 5, 7),
            // Comments count as elements; what they hide does not.
            ("<!-- <div><div> --><script>if (a<b) { '<div>' }</script><ul><li>a<li>b</ul>", 4, 8),
            ("</div></div><div>", 3, 4),
            ("<SCRIPT>'<div><div>'</Script><DIV>", 3, 5),
            // A comment closed by `--!>` ends there, as in a browser.
            ("<!-- x --!><div><div></div></div>", 4, 6),
            // A stray `<` and an unfinished tag.
            ("<", 2, 3),
            ("<div", 2, 3),
        ];
        for (html, depth, elements) in cases {
            assert_eq!(shape(html), Ok(Shape { depth, elements }), "{html}");
        }
    }

    #[test]
    fn limits_are_crossed_by_depth_or_count() {
        let within = format!("{}x", "<div>".repeat(MAX_DEPTH - 2));
        assert_eq!(shape(&within).map(|s| s.depth), Ok(MAX_DEPTH));
        assert_eq!(shape(&format!("{}x", "<div>".repeat(MAX_DEPTH - 1))).err(), Some(Limit::Depth));
        assert_eq!(shape(&"<p>x</p>".repeat(MAX_ELEMENTS)).err(), Some(Limit::Elements));
        assert_eq!(shape(&"<!---->".repeat(MAX_ELEMENTS)).err(), Some(Limit::Elements));
        // Implied end tags keep a long flat page flat.
        assert_eq!(shape(&"<p>x".repeat(1000)).map(|s| s.depth), Ok(3));
    }

    #[test]
    fn hostile_nesting_is_refused_by_what_the_parser_sees() {
        let deep = "<div>".repeat(100_000);
        for page in [
            deep.clone(),
            // A hand-written scanner takes `--!>` for text inside the comment.
            format!("<!-- hidden --!>{deep}<!-- -->"),
            format!("<b>{}", "<i>".repeat(100_000)),
            format!("{}<p>{}</p>", "<span>".repeat(100_000), "word ".repeat(100)),
            // Misnested formatting elements, which the parser moves around.
            "<b><div>x</b>".repeat(20_000),
        ] {
            let head: String = page.chars().take(40).collect();
            assert!(shape(&page).is_err(), "{head}");
        }
    }

    #[test]
    fn chunks_never_split_a_character() {
        let page = format!("<p>{}</p>", "Мир и Україна — 和平 ".repeat(2000));
        let parsed = parse(&page).expect("a flat page");
        let text: String = parsed.doc().root_element().text().collect();
        assert_eq!(text, format!("{}", "Мир и Україна — 和平 ".repeat(2000)));
        assert_eq!(floor_boundary("жж", 1), 2);
        assert_eq!(floor_boundary("жж", 3), 2);
        assert_eq!(floor_boundary("ab", 9), 2);
    }
}
