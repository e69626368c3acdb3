//! Articles from the web: fetching a page safely, extracting the article
//! and its metadata from HTML, and normalising URLs and bodies for duplicate
//! checks.
//!
//! - [`decode`] / [`decode_html`]: bytes to text (BOM, declared charset,
//!   `<meta charset>`, detection).
//! - [`extract()`]: HTML to an [`Extracted`] article (main text, title,
//!   outlet, date, authors, language, canonical URL), bounded: the page is
//!   parsed under depth and element limits ([`shape`]) and at most a few
//!   extractions run at once ([`slots`]).
//! - [`fetch_article`]: a guarded HTTP fetch (SSRF checks on every hop, time
//!   and size limits) followed by [`extract()`].
//! - [`url::normalize`] and [`dedup`]: keys and fingerprints for duplicates.
//!
//! It returns Parley's own types and must not know the corpus files or the
//! index; deciding what to do with a duplicate is the engine's job.

pub mod body;
pub mod charset;
pub mod dedup;
pub mod extract;
pub mod fetch;
pub mod meta;
pub mod shape;
pub mod slots;
pub mod url;

pub use charset::{decode, decode_html};
pub use extract::{extract, extract_text, ExtractError, Extracted};
pub use fetch::{
    fetch_article, fetch_conditional, fetch_page, Accept, Conditional, FetchConfig, FetchError, Page, Validators,
};
