//! Parley's integration tests: one test binary, one small harness
//! ([`harness`]), one module per area. Fixtures are fictional articles about
//! fictional people and places (`tests/fixtures/`); tests that measure on
//! real data read it from `../shared` and skip (or fail under `CI=true`)
//! when it is absent.

mod add_url;
mod core;
mod harness;
mod fts5;
mod relevance;
mod quotes_quality;
mod fake_discord;
mod discord;
mod console;
mod web;
mod who_said;
