//! Articles from the web: fetching a page safely, extracting the article
//! and its metadata from HTML, and normalising URLs for duplicate checks.
//!
//! It returns Parley's own types and must not know the corpus files or the
//! index.
