//! Parley's integration tests: one test binary, one small harness
//! ([`harness`]), one module per area. Fixtures are fictional articles about
//! fictional people and places (`tests/fixtures/`); tests that measure on
//! real data read it from `../shared` and skip (or fail under `CI=true`)
//! when it is absent.

mod add_url;
mod ask;
mod console;
mod core;
mod discord;
mod endpoint;
mod fake_discord;
mod feedback;
mod feeds;
mod fts5;
mod gold;
mod hand_edits;
#[cfg(unix)]
mod handoff;
mod harness;
mod hostile;
mod quotes_quality;
mod real_corpus;
mod relevance;
mod soak;
mod timeline;
mod watch;
mod web;
mod who_said;
