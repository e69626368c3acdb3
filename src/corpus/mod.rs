//! The corpus on disk — the source of truth. One article per file,
//! `corpus/<article-id>.md`: TOML front matter between `+++` lines, then the
//! body. Also `corpus/aliases.toml`, the table of names, and
//! `corpus/hidden.toml`, the statements moderators hid from answers.
//!
//! This module owns the file format ([`frontmatter`]), atomic writes
//! ([`store`]), reading articles from the files people bring ([`ingest`]:
//! text, Markdown with front matter, CSV and JSON Lines) and cutting bodies
//! into passages ([`passages`]), with page furniture left out ([`clean`]).
//! It must not know the index: it hands articles and passages to whoever
//! asks.

pub mod clean;
pub mod frontmatter;
pub mod hidden;
pub mod ingest;
pub mod passages;
pub mod store;

use std::path::PathBuf;

pub use ingest::{ArticleDraft, FieldMap};
pub use passages::Passage;
pub use store::Corpus;

/// What can go wrong with the corpus files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a Parley article file: {reason}")]
    Format { path: PathBuf, reason: String },
    #[error("{path}: the name table is broken")]
    Aliases {
        path: PathBuf,
        #[source]
        source: crate::names::BadAliases,
    },
    #[error("{path}: the list of hidden statements is broken")]
    Hidden {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
}
