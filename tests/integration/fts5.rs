//! The peer Parley is measured against: the same passages in an SQLite FTS5
//! table ranked by bm25, queried the plain way (the question's words OR-ed,
//! porter stemming, diacritics removed).
//!
//! Shared by the retrieval scorer (`relevance.rs`) and the benchmark
//! (`benches/bench.rs`, which includes this file by path). It must stay a
//! fair, untuned baseline: no aliases, no stop words, no boosts.

#![allow(dead_code)]

use std::path::Path;

use rusqlite::{params, Connection};

/// A passage index in SQLite FTS5.
pub struct Fts5 {
    conn: Connection,
}

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct Fts5Hit {
    /// The article the passage belongs to, as the caller stored it.
    pub article: String,
    /// The passage text, with matched terms between `**` when asked for.
    pub passage: String,
    /// bm25 as FTS5 returns it (lower is better).
    pub score: f64,
}

/// Why the peer failed (setup only; queries never fail on user text).
pub type Fts5Error = rusqlite::Error;

impl Fts5 {
    /// An index in memory.
    pub fn in_memory() -> Result<Fts5, Fts5Error> {
        Fts5::with(Connection::open_in_memory()?)
    }

    /// An index in a database file (for the benchmark's size and reopen
    /// figures). The file must not exist yet.
    pub fn at(path: &Path) -> Result<Fts5, Fts5Error> {
        Fts5::with(Connection::open(path)?)
    }

    fn with(conn: Connection) -> Result<Fts5, Fts5Error> {
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
                 body, article UNINDEXED,
                 tokenize = 'porter unicode61 remove_diacritics 2');",
        )?;
        Ok(Fts5 { conn })
    }

    /// Opens an existing database file.
    pub fn open(path: &Path) -> Result<Fts5, Fts5Error> {
        Ok(Fts5 { conn: Connection::open(path)? })
    }

    /// Adds passages in one transaction.
    pub fn add<I, A, P>(&mut self, passages: I) -> Result<usize, Fts5Error>
    where
        I: IntoIterator<Item = (A, P)>,
        A: AsRef<str>,
        P: AsRef<str>,
    {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut insert = tx.prepare("INSERT INTO passages (body, article) VALUES (?1, ?2)")?;
            for (article, passage) in passages {
                insert.execute(params![passage.as_ref(), article.as_ref()])?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Merges the FTS5 b-trees into one, as a finished index would be.
    pub fn optimize(&self) -> Result<(), Fts5Error> {
        self.conn.execute("INSERT INTO passages (passages) VALUES ('optimize')", [])?;
        Ok(())
    }

    /// The best `limit` passages for a question, best first. A question with
    /// no usable word returns nothing.
    pub fn search(&self, question: &str, limit: usize, highlight: bool) -> Result<Vec<Fts5Hit>, Fts5Error> {
        let Some(expr) = match_expression(question) else {
            return Ok(Vec::new());
        };
        let sql = if highlight {
            "SELECT article, highlight(passages, 0, '**', '**'), bm25(passages) FROM passages
             WHERE passages MATCH ?1 ORDER BY bm25(passages) LIMIT ?2"
        } else {
            "SELECT article, body, bm25(passages) FROM passages
             WHERE passages MATCH ?1 ORDER BY bm25(passages) LIMIT ?2"
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![expr, limit as i64], |row| {
            Ok(Fts5Hit { article: row.get(0)?, passage: row.get(1)?, score: row.get(2)? })
        })?;
        rows.collect()
    }
}

/// The FTS5 query for a question: every word (letters and digits only, so
/// no FTS5 syntax survives) as a quoted term, OR-ed.
pub fn match_expression(question: &str) -> Option<String> {
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(64)
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" OR "))
    }
}
