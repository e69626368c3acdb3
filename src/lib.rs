//! Parley answers questions about the Russia–Ukraine peace talks from a
//! curated corpus of news articles, always with the article it found the
//! answer in.
//!
//! The crate is one engine with three thin fronts: the command line
//! ([`cli`]), a terminal console that speaks the bot's slash commands, and
//! the Discord bot ([`discord`]). See `docs/ARCHITECTURE.md` for the
//! bird's-eye view and the invariants.
//!
//! ```no_run
//! use parley::{Engine, EngineConfig, AskQuery};
//! let engine = Engine::open(EngineConfig::new("."))?;
//! let answer = engine.ask(&AskQuery::new("Where will Putin and Zelensky meet?"))?;
//! for hit in &answer.hits {
//!     println!("{} — {} ({})", hit.passage, hit.source.title, hit.source.outlet);
//! }
//! # Ok::<(), parley::Error>(())
//! ```

pub mod answer;
pub mod article;
pub mod bot;
pub mod chart;
pub mod cli;
pub mod corpus;
pub mod dates;
pub mod discord;
pub mod embed;
pub mod engine;
pub mod feedback;
pub mod feeds;
pub mod handoff;
pub mod index;
pub mod names;
pub mod quotes;
#[cfg(test)]
mod testing;
pub mod text;
pub mod vectors;
pub mod web;

pub use answer::{
    Answer, AskQuery, CompareQuery, Comparison, Hit, QuoteHit, SpeakerCount, Timeline, TimelineQuery, WhoSaid,
    WhoSaidQuery,
};
pub use article::{Article, ArticleId, ArticleMeta, Published, Source};
pub use engine::{Added, Engine, EngineConfig, Error, ImportReport, Refusal};
