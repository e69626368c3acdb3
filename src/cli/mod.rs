//! The command line: `parley ask | add | import | remove | list | reindex |
//! who-said | speakers | quotes | extract | feedback | watch | feed | console | serve`.
//!
//! A thin adapter: it parses arguments (clap), calls the engine, and prints
//! either text for a person or `--json` for scripts. Writing commands go
//! through [`crate::handoff`]: performed here when this process gets the
//! writer, or handed to the process that holds it (the bot, a console).
//! It must not hold search, corpus or quote logic of its own.

mod output;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use time::Date;

use crate::answer::{AskQuery, CompareQuery, TimelineQuery, WhoSaidQuery};
use crate::article::{ArticleId, Published};
use crate::corpus::FieldMap;
use crate::engine::{Engine, EngineConfig, ImportReport};
use crate::handoff::{
    AddItem, BulkFile, Command as Command_, MetaOverrides, Outcome, PerformConfig, Progress, VectorMode,
};
use crate::quotes::QuoteKind;

/// Parley answers questions about the Russia–Ukraine peace talks from a
/// curated corpus of news articles — always with the source.
#[derive(Debug, Parser)]
#[command(name = "parley", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Directory holding corpus/ and index/.
    #[arg(long, global = true, env = "PARLEY_DATA_DIR", default_value = ".", value_name = "DIR")]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find the passages that answer a question.
    Ask {
        question: String,
        #[arg(long, default_value_t = AskQuery::DEFAULT_LIMIT as u16, value_parser = clap::value_parser!(u16).range(1..=25))]
        limit: u16,
        /// Only articles published on or after this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        /// Only articles published on or before this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        until: Option<Date>,
        /// Only this outlet.
        #[arg(long)]
        outlet: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add articles from .txt, .md or .html files, or web pages by URL.
    Add {
        #[arg(required = true, value_name = "FILE|URL")]
        files: Vec<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        outlet: Option<String>,
        #[arg(long)]
        url: Option<String>,
        #[arg(long, value_parser = parse_published)]
        published: Option<Published>,
        /// Return once the words are indexed; vectors are computed later
        /// (by the next `ask`, `vectors` or the bot).
        #[arg(long)]
        defer_vectors: bool,
        #[arg(long)]
        json: bool,
    },
    /// Import many articles from a CSV or JSON Lines file.
    Import {
        file: PathBuf,
        /// Map a field to a column: `--map body=article_text`.
        #[arg(long = "map", value_name = "FIELD=COLUMN")]
        maps: Vec<String>,
        /// Return once the words are indexed; vectors are computed later.
        #[arg(long)]
        defer_vectors: bool,
        #[arg(long)]
        json: bool,
    },
    /// Remove an article from the corpus and the index.
    Remove { id: String },
    /// List the articles in the corpus.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the index from the corpus (re-cleaning every passage).
    Reindex,
    /// Compute the passage vectors still missing, and say how many there are.
    Vectors,
    /// What the corpus attributes to a person, quoted or reported.
    #[command(name = "who-said")]
    WhoSaid {
        person: String,
        /// Rank statements on this topic first.
        #[arg(long)]
        about: Option<String>,
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        #[arg(long, value_parser = parse_day)]
        until: Option<Date>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long, default_value_t = WhoSaidQuery::DEFAULT_LIMIT as u16, value_parser = clap::value_parser!(u16).range(1..=50))]
        limit: u16,
        #[arg(long)]
        json: bool,
    },
    /// Dated statements and reports on a topic, by week or month (and a chart with --png).
    Timeline {
        topic: String,
        /// Only this person's statements.
        #[arg(long)]
        person: Option<String>,
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        #[arg(long, value_parser = parse_day)]
        until: Option<Date>,
        #[arg(long)]
        json: bool,
        /// Write the chart (PNG) to this file; nothing is written when there is too little to chart.
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
    },
    /// What two people or sides (from aliases.toml) said on a topic, newest first.
    Compare {
        a: String,
        b: String,
        topic: String,
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        #[arg(long, value_parser = parse_day)]
        until: Option<Date>,
        #[arg(long, default_value_t = CompareQuery::DEFAULT_LIMIT as u16, value_parser = clap::value_parser!(u16).range(1..=25))]
        limit: u16,
        #[arg(long)]
        json: bool,
    },
    /// Speakers the corpus quotes, with counts.
    Speakers {
        prefix: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Extract attributed statements from files without indexing them.
    Quotes {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Show what would be added from a web page or an HTML file.
    Extract {
        #[arg(value_name = "URL|FILE")]
        source: String,
        #[arg(long)]
        json: bool,
    },
    /// What members said about answers (feedback.jsonl): export votes as evaluation questions, list them.
    Feedback {
        #[command(subcommand)]
        action: FeedbackAction,
    },
    /// Watches (`/watch`): list them, or see what one would post.
    Watch {
        #[command(subcommand)]
        command: WatchCommand,
    },
    /// Subscribe Parley to news feeds (RSS, Atom, JSON Feed) and poll them.
    Feed {
        #[command(subcommand)]
        command: FeedCommand,
    },
    /// Try the bot's slash commands in the terminal.
    Console {
        /// Write files the bot would attach (the /timeline chart) into this directory.
        #[arg(long, value_name = "DIR")]
        files: Option<PathBuf>,
    },
    /// Run the Discord bot (gateway, or HTTP interactions endpoint with --http).
    Serve {
        /// Serve the HTTP interactions endpoint on this address instead of the gateway.
        #[arg(long, value_name = "ADDR")]
        http: Option<SocketAddr>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedbackAction {
    /// The /ask answers voted up, as evaluation questions (JSON Lines, the
    /// format of tests/eval/questions/*.jsonl; see docs/QUALITY.md).
    Export {
        /// One JSON object per line (the default form is text).
        #[arg(long)]
        json: bool,
    },
    /// Answers with their votes, and the open reports.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Every watch: its number, channel, target, author and state.
    List {
        #[arg(long)]
        json: bool,
    },
    /// What a watch would post, without Discord: tried on one article, on
    /// those published since a day, or on the 20 most recently added.
    Test {
        /// Watch for statements by this person.
        #[arg(long, conflicts_with = "query", required_unless_present = "query")]
        person: Option<String>,
        /// Watch for passages answering this question.
        #[arg(long)]
        query: Option<String>,
        /// Try this article only.
        #[arg(long, conflicts_with = "since")]
        article: Option<String>,
        /// Try the articles published on or after this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        #[arg(long)]
        json: bool,
    },
}

/// Articles `watch test` tries when neither `--article` nor `--since` is given.
const WATCH_TEST_RECENT: usize = 20;

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Subscribe to a feed, or to a page that links its feed.
    Add {
        url: String,
        /// The outlet recorded on its articles (instead of the one each page names).
        #[arg(long)]
        outlet: Option<String>,
        /// How often to poll it: 30m, 2h, 1d (from 5m to 7d).
        #[arg(long, default_value = "30m")]
        every: String,
        /// A tag for every article from it (repeat for more).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The feeds, when they were polled, what they gave and their last error.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe (the articles already added stay).
    Remove { id: String },
    /// Poll now: every feed, or the one named.
    Poll {
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Direct,
    Indirect,
}

fn parse_day(s: &str) -> Result<Date, String> {
    Published::parse(s).map(|p| p.date()).map_err(|e| e.to_string())
}

fn parse_published(s: &str) -> Result<Published, String> {
    Published::parse(s).map_err(|e| e.to_string())
}

/// What a command does to the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Only reads: works read-only while another process writes.
    Read,
    Write,
}

fn open(cli: &Cli, access: Access) -> anyhow::Result<Engine> {
    let dir = &cli.data_dir;
    if !dir.is_dir() {
        bail!("the data directory {} does not exist (set --data-dir or PARLEY_DATA_DIR)", dir.display());
    }
    let engine = match Engine::open(engine_config(cli)) {
        Err(crate::Error::Index(crate::index::Error::Busy { .. })) if access == Access::Read => {
            let engine = Engine::open_read_only(EngineConfig::new(dir));
            let engine = engine.with_context(|| format!("cannot open Parley's data in {}", dir.display()))?;
            eprintln!(
                "note: another Parley process is writing {}; answering from what it has committed",
                dir.display()
            );
            return Ok(engine);
        }
        opened => opened.with_context(|| format!("cannot open Parley's data in {}", dir.display()))?,
    };
    for broken in &engine.reconciled().broken {
        eprintln!("warning: {broken}");
    }
    Ok(engine)
}

/// Most passage vectors `ask` computes before answering; with more
/// missing it answers at once (they are found by their words meanwhile)
/// and says how to compute them.
const ASK_CATCH_UP: usize = 2_000;

/// Computes the passage vectors the store lacks (up to `at_most`
/// missing), with a progress line on stderr when there are many.
fn catch_up_vectors(engine: &Engine, at_most: usize) -> anyhow::Result<()> {
    if engine.is_read_only() {
        return Ok(());
    }
    let status = engine.vector_status()?;
    if status.model.is_none() || status.missing == 0 {
        return Ok(());
    }
    if status.missing > at_most {
        eprintln!(
            "note: {} passages have no vectors yet and are found by their words only; `parley vectors` computes them",
            status.missing
        );
        return Ok(());
    }
    let loud = status.missing > 200;
    let mut last = std::time::Instant::now();
    engine.embed_pending(|done, total| {
        if loud && (done == total || last.elapsed().as_secs() >= 2) {
            last = std::time::Instant::now();
            eprintln!("vectors: {done}/{total} …");
        }
    })?;
    Ok(())
}

/// The engine's configuration, naming this command in the writer's note.
fn engine_config(cli: &Cli) -> EngineConfig {
    let name = match &cli.command {
        Command::Add { .. } => "add",
        Command::Import { .. } => "import",
        Command::Remove { .. } => "remove",
        Command::Reindex => "reindex",
        Command::Vectors => "vectors",
        Command::Console { .. } => "console",
        Command::Serve { .. } => "serve",
        Command::Feed { .. } => "feed poll",
        Command::Ask { .. } => "ask",
        Command::List { .. } => "list",
        Command::WhoSaid { .. } => "who-said",
        Command::Speakers { .. } => "speakers",
        Command::Timeline { .. } => "timeline",
        Command::Compare { .. } => "compare",
        Command::Watch { .. } => "watch test",
        _ => "",
    };
    EngineConfig { holder: format!("parley {name}").trim_end().to_owned(), ..EngineConfig::new(&cli.data_dir) }
}

/// Performs a writing command: here when this process gets the writer;
/// else handed to the process holding it (the bot, a console) over its
/// socket, which streams back the same result; with nobody answering
/// there, one line saying what holds the writer, and nothing changed.
fn write(cli: &Cli, command: Command_, defer_vectors: bool, json: bool) -> anyhow::Result<Outcome> {
    let dir = &cli.data_dir;
    if !dir.is_dir() {
        bail!("the data directory {} does not exist (set --data-dir or PARLEY_DATA_DIR)", dir.display());
    }
    let mut progress = |p: Progress| match p {
        Progress::Imported { count } if !json => eprintln!("imported {count} …"),
        Progress::Imported { .. } => {}
        Progress::Vectors { done, total } => eprintln!("vectors: {done}/{total} …"),
    };
    match Engine::open(engine_config(cli)) {
        Err(crate::Error::Index(crate::index::Error::Busy { path })) => hand_off(cli, &path, command, &mut progress),
        opened => {
            let engine = opened.with_context(|| format!("cannot open Parley's data in {}", dir.display()))?;
            for broken in &engine.reconciled().broken {
                eprintln!("warning: {broken}");
            }
            let vectors = if defer_vectors { VectorMode::Defer } else { VectorMode::Before };
            let config = PerformConfig { fetch: fetch_config()?, vectors };
            Ok(crate::handoff::perform(&Arc::new(engine), command, &config, &mut progress)?)
        }
    }
}

/// A writing command given to the process that holds the writer.
fn hand_off(
    cli: &Cli,
    index: &std::path::Path,
    command: Command_,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Outcome> {
    let dir = &cli.data_dir;
    let holder = crate::engine::writer_holder(dir).map(|h| format!(" ({h})")).unwrap_or_default();
    #[cfg(unix)]
    {
        use crate::handoff::client::{hand_off, ClientError};
        let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "shell".into());
        match hand_off(dir, &user, command, progress) {
            Ok(outcome) => {
                eprintln!(
                    "note: done by the Parley process writing {}{holder}; vectors follow in the background there",
                    dir.display()
                );
                return Ok(outcome);
            }
            Err(ClientError::Unreachable { .. }) => {}
            Err(ClientError::Failed(f)) => return Err(failure_error(f)),
            Err(e) => return Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    let _ = (command, progress);
    bail!(
        "the search index at {} is being written by another Parley process{holder}, and nothing answers on {} \
         (`parley serve` and `parley console` take shell commands once started; an import or a reindex does not): \
         nothing was changed; let it finish or stop it, then try again",
        index.display(),
        dir.join(crate::handoff::SOCKET_FILE).display()
    )
}

/// The error another process reported, with its causes, as if it were ours.
fn failure_error(f: crate::handoff::Failure) -> anyhow::Error {
    let mut chain = f.causes.into_iter().rev();
    let Some(root) = chain.next() else { return anyhow::Error::msg(f.message) };
    let mut err = anyhow::Error::msg(root);
    for cause in chain {
        err = err.context(cause);
    }
    err.context(f.message)
}

/// Takes shell commands while this process (the console) writes.
#[cfg(unix)]
fn listen(engine: &Arc<Engine>) -> anyhow::Result<Option<crate::handoff::server::Server>> {
    use crate::handoff::server::{Server, ServerConfig};
    let perform = PerformConfig { fetch: fetch_config()?, vectors: VectorMode::Background };
    match Server::start(Arc::clone(engine), ServerConfig { perform, on_done: None }) {
        Ok(server) => Ok(Some(server)),
        Err(e) => {
            eprintln!("warning: {:#}; shell commands cannot be handed to this console", anyhow::Error::from(e));
            Ok(None)
        }
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Runs a parsed command line. Returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    let style = output::Style::detect();
    match &cli.command {
        Command::Ask { question, limit, since, until, outlet, json } => {
            let engine = open(&cli, Access::Read)?;
            let q = AskQuery {
                question: question.clone(),
                limit: usize::from(*limit),
                offset: 0,
                since: *since,
                until: *until,
                outlet: outlet.clone(),
            };
            catch_up_vectors(&engine, ASK_CATCH_UP)?;
            let answer = engine.ask(&q)?;
            if *json {
                output::json(&mut out, &output::ask_json(&answer))?;
            } else {
                output::ask_text(&mut out, &answer, style)?;
            }
        }
        Command::Add { files, title, outlet, url, published, defer_vectors, json } => {
            let items = files
                .iter()
                .map(|f| if is_url(f) { AddItem::Url { url: f.clone() } } else { AddItem::Path(f.into()) })
                .collect();
            let meta =
                MetaOverrides { title: title.clone(), outlet: outlet.clone(), url: url.clone(), published: *published };
            let report = match write(&cli, Command_::Add { items, meta }, *defer_vectors, *json)? {
                Outcome::Added(r) => r,
                other => bail!("unexpected answer to add: {other:?}"),
            };
            return finish_report(&mut out, &report, *json, style);
        }
        Command::Import { file, maps, defer_vectors, json } => {
            FieldMap::default().with_overrides(maps).map_err(anyhow::Error::msg)?;
            let command = Command_::Import { file: BulkFile::Path(file.clone()), maps: maps.clone() };
            let report = match write(&cli, command, *defer_vectors, *json)? {
                Outcome::Added(r) => r,
                other => bail!("unexpected answer to import: {other:?}"),
            };
            return finish_report(&mut out, &report, *json, style);
        }
        Command::Remove { id } => {
            ArticleId::parse(id)?;
            match write(&cli, Command_::Remove { id: id.clone() }, false, false)? {
                Outcome::Removed(meta) => writeln!(out, "removed {} ({})", meta.id, meta.title)?,
                other => bail!("unexpected answer to remove: {other:?}"),
            }
        }
        Command::List { json } => {
            let engine = open(&cli, Access::Read)?;
            let list = engine.list()?;
            if *json {
                output::json(&mut out, &list)?;
            } else {
                output::list_text(&mut out, &list)?;
                let s = engine.vector_status()?;
                if s.model.is_none() {
                    writeln!(
                        out,
                        "{} passages, searched by their words only (no sentence-embedding model)",
                        s.passages
                    )?;
                } else if s.missing > 0 {
                    writeln!(
                        out,
                        "{} of {} passages still lack vectors (`parley vectors` computes them)",
                        s.missing, s.passages
                    )?;
                }
            }
        }
        Command::Reindex => match write(&cli, Command_::Reindex, false, false)? {
            Outcome::Reindexed(r) => {
                writeln!(out, "reindexed {} articles", r.indexed)?;
                for b in &r.broken {
                    writeln!(out, "skipped: {b}")?;
                }
            }
            other => bail!("unexpected answer to reindex: {other:?}"),
        },
        Command::Vectors => match write(&cli, Command_::Vectors, false, false)? {
            Outcome::Vectors(s) => match &s.model {
                Some(m) => writeln!(out, "{} passages, {} without vectors (model {m})", s.passages, s.missing)?,
                None => writeln!(out, "{} passages; no sentence-embedding model, so words only", s.passages)?,
            },
            other => bail!("unexpected answer to vectors: {other:?}"),
        },
        Command::WhoSaid { person, about, since, until, kind, limit, json } => {
            let engine = open(&cli, Access::Read)?;
            let q = WhoSaidQuery {
                person: person.clone(),
                about: about.clone(),
                since: *since,
                until: *until,
                kind: kind.map(|k| match k {
                    KindArg::Direct => QuoteKind::Direct,
                    KindArg::Indirect => QuoteKind::Indirect,
                }),
                limit: usize::from(*limit),
                offset: 0,
            };
            let found = engine.who_said(&q)?;
            if *json {
                output::json(&mut out, &output::who_said_json(&found))?;
            } else {
                output::who_said_text(&mut out, &found, style)?;
            }
        }
        Command::Timeline { topic, person, since, until, json, png } => {
            if let (Some(s), Some(u)) = (since, until) {
                if s > u {
                    bail!("--since ({s}) is after --until ({u})");
                }
            }
            let engine = open(&cli, Access::Read)?;
            let q = TimelineQuery { topic: topic.clone(), person: person.clone(), since: *since, until: *until };
            let t = engine.timeline(&q)?;
            if *json {
                output::json(&mut out, &t)?;
            } else {
                output::timeline_text(&mut out, &t, style)?;
            }
            if let Some(path) = png {
                if t.chartable() {
                    let bytes = crate::chart::render(&t)?;
                    std::fs::write(path, &bytes)
                        .with_context(|| format!("cannot write the chart to {}", path.display()))?;
                    eprintln!(
                        "Chart written to {} ({}).",
                        path.display(),
                        crate::bot::work::human_bytes(bytes.len() as u64)
                    );
                } else {
                    eprintln!("Too little to chart: no PNG written.");
                }
            }
        }
        Command::Compare { a, b, topic, since, until, limit, json } => {
            let engine = open(&cli, Access::Read)?;
            let mut q = CompareQuery::new(a.clone(), b.clone(), topic.clone());
            (q.since, q.until, q.limit) = (*since, *until, usize::from(*limit));
            let c = engine.compare(&q)?;
            if *json {
                output::json(&mut out, &output::compare_json(&c))?;
            } else {
                output::compare_text(&mut out, &c, style)?;
            }
        }
        Command::Speakers { prefix, json } => {
            let engine = open(&cli, Access::Read)?;
            let list = engine.speakers(prefix.as_deref().unwrap_or(""))?;
            if *json {
                output::json(&mut out, &list)?;
            } else if list.is_empty() {
                writeln!(out, "No speakers found.")?;
            } else {
                for s in list {
                    writeln!(out, "{:>5}  {}", s.quotes, s.name)?;
                }
            }
        }
        Command::Quotes { files, json } => {
            let aliases =
                crate::corpus::Corpus::open(cli.data_dir.join("corpus")).and_then(|c| c.aliases()).unwrap_or_default();
            let mut all = Vec::new();
            for f in files {
                let draft = crate::engine::read_document_file(f)?;
                let quotes = crate::quotes::extract(&draft.body, &aliases);
                all.push((f.display().to_string(), draft, quotes));
            }
            if *json {
                output::json(&mut out, &output::quotes_json(&all))?;
            } else {
                output::quotes_text(&mut out, &all, style)?;
            }
        }
        Command::Extract { source, json } => {
            let page = extract_page(source)?;
            if *json {
                output::json(&mut out, &page)?;
            } else {
                output::extract_text(&mut out, &page)?;
            }
        }
        Command::Feedback { action } => {
            let dir = &cli.data_dir;
            if !dir.is_dir() {
                bail!("the data directory {} does not exist (set --data-dir or PARLEY_DATA_DIR)", dir.display());
            }
            let log = crate::feedback::Log::read(&dir.join(crate::feedback::FILE))?;
            if log.skipped > 0 {
                eprintln!(
                    "note: {} line(s) of {} could not be read and were skipped",
                    log.skipped,
                    crate::feedback::FILE
                );
            }
            match action {
                FeedbackAction::Export { json } => {
                    let questions = log.export();
                    for q in &questions {
                        if *json {
                            writeln!(out, "{}", serde_json::to_string(q)?)?;
                        } else {
                            let line = |s: &str| crate::text::one_line(s).into_owned();
                            writeln!(out, "{}\n  → {} ({})", line(&q.question), line(&q.answer), line(&q.article))?;
                        }
                    }
                    if !*json {
                        writeln!(out, "{} question(s) voted up", questions.len())?;
                    }
                }
                FeedbackAction::List { json } => {
                    let summary = output::feedback_summary(&log);
                    if *json {
                        output::json(&mut out, &summary)?;
                    } else {
                        output::feedback_text(&mut out, &summary)?;
                    }
                }
            }
        }
        Command::Watch { command } => return watch(&cli, command, &mut out),
        Command::Feed { command } => return feed(&cli, command, &mut out, style),
        Command::Console { files } => {
            let engine = Arc::new(open(&cli, Access::Write)?);
            catch_up_vectors(&engine, ASK_CATCH_UP)?;
            #[cfg(unix)]
            let _listening = listen(&engine)?;
            let follow = crate::engine::corpus_watch::CorpusWatchConfig::from_env()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::engine::corpus_watch::RESCAN_ENV))?;
            let _hand_edits = crate::engine::corpus_watch::CorpusWatch::start(Arc::clone(&engine), follow);
            crate::bot::console::run_with(engine, std::io::stdin().lock(), &mut out, files.as_deref())?;
        }
        Command::Serve { http } => {
            let engine = Arc::new(open(&cli, Access::Write)?);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(crate::discord::serve(engine, crate::discord::ServeOptions { http: *http }))?;
        }
    }
    Ok(0)
}

/// `parley watch list | test`.
fn watch(cli: &Cli, command: &WatchCommand, out: &mut impl Write) -> anyhow::Result<i32> {
    use crate::engine::{Watch, WatchTarget, Watches};
    match command {
        WatchCommand::List { json } => {
            if !cli.data_dir.is_dir() {
                bail!(
                    "the data directory {} does not exist (set --data-dir or PARLEY_DATA_DIR)",
                    cli.data_dir.display()
                );
            }
            let list = Watches::open(&cli.data_dir)?.list();
            if *json {
                output::json(out, &list)?;
            } else if list.is_empty() {
                writeln!(out, "No watches.")?;
            } else {
                for w in &list {
                    let place = match &w.guild {
                        Some(g) => format!("channel {} (server {g})", w.channel),
                        None => format!("channel {} (direct message)", w.channel),
                    };
                    let state = w.disabled.as_deref().map(|d| format!("  [disabled: {d}]")).unwrap_or_default();
                    writeln!(out, "w{:<4} {}  {place}  by {}{state}", w.id, w.target.label(), w.owner)?;
                }
            }
            Ok(0)
        }
        WatchCommand::Test { person, query, article, since, json } => {
            let target = match (person, query) {
                (Some(p), _) => WatchTarget::Person(p.clone()),
                (None, Some(q)) => WatchTarget::Query(q.clone()),
                (None, None) => bail!("give --person or --query"),
            };
            let target = target.sanitized(&crate::engine::WATCH_LIMITS)?;
            let engine = open(cli, Access::Read)?;
            catch_up_vectors(&engine, ASK_CATCH_UP)?;
            let ids: Vec<ArticleId> = match (article, since) {
                (Some(a), _) => {
                    let id = ArticleId::parse(a.trim())?;
                    engine.article(&id)?;
                    vec![id]
                }
                (None, Some(day)) => engine
                    .list()?
                    .into_iter()
                    .filter(|m| m.published.is_some_and(|p| p.date() >= *day))
                    .map(|m| m.id)
                    .collect(),
                (None, None) => {
                    let mut all = engine.list()?;
                    all.sort_by_key(|m| std::cmp::Reverse((m.added_at.map(|a| a.timestamp()), m.id.clone())));
                    all.into_iter().take(WATCH_TEST_RECENT).map(|m| m.id).collect()
                }
            };
            let watch = Watch {
                id: 0,
                channel: "test".into(),
                guild: None,
                target,
                owner_id: "cli".into(),
                owner: "cli".into(),
                created_at: String::new(),
                disabled: None,
            };
            let matches = engine.watch_matches(std::slice::from_ref(&watch), &ids)?;
            if *json {
                output::json(out, &matches)?;
            } else if matches.is_empty() {
                writeln!(
                    out,
                    "Nothing to post: {} would match none of the {} articles tried.",
                    watch.target.label(),
                    ids.len()
                )?;
            } else {
                writeln!(out, "{} of the {} articles tried would be posted:", matches.len(), ids.len())?;
                for m in crate::bot::render::watch_posts(&matches) {
                    write!(out, "{}", crate::bot::console::render_text(&m))?;
                }
            }
            Ok(0)
        }
    }
}

/// `parley feed …`. Subscribing, listing and unsubscribing touch only the
/// feed files (they work while the bot runs); polling needs the writer.
fn feed(cli: &Cli, command: &FeedCommand, out: &mut impl Write, style: output::Style) -> anyhow::Result<i32> {
    let dir = &cli.data_dir;
    if !dir.is_dir() {
        bail!("the data directory {} does not exist (set --data-dir or PARLEY_DATA_DIR)", dir.display());
    }
    let store = crate::feeds::FeedStore::new(dir);
    match command {
        FeedCommand::Add { url, outlet, every, tags, json } => {
            let feed = store.add(&crate::feeds::Subscription {
                url: url.clone(),
                outlet: outlet.clone(),
                every: Some(every.clone()),
                tags: tags.clone(),
                added_by: std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "cli".into()),
            })?;
            if *json {
                output::json(out, &crate::feeds::FeedStatus::new(&feed, &crate::feeds::FeedState::default()))?;
            } else {
                writeln!(out, "subscribed {} to {} (every {})", feed.id, feed.url, feed.every)?;
                writeln!(
                    out,
                    "`parley feed poll {}` reads it now; a running `parley serve` polls it within a minute.",
                    feed.id
                )?;
            }
        }
        FeedCommand::List { json } => {
            let (list, problems) = crate::feeds::statuses(&store)?;
            for p in &problems {
                eprintln!("warning: {p}");
            }
            if *json {
                output::json(out, &list)?;
            } else {
                output::feeds_text(out, &list)?;
            }
        }
        FeedCommand::Remove { id } => {
            let feed = store.remove(id)?;
            writeln!(out, "unsubscribed {} ({}); the articles it added stay", feed.id, feed.url)?;
        }
        FeedCommand::Poll { id, json } => {
            let engine = match Engine::open(engine_config(cli)) {
                Err(crate::Error::Index(crate::index::Error::Busy { .. })) => {
                    eprintln!(
                        "another Parley process (the bot, an import) is writing {}: nothing was polled. \
                         A running `parley serve` polls the feeds itself when they are due; `parley feed list` shows how it went.",
                        dir.display()
                    );
                    return Ok(1);
                }
                opened => opened.with_context(|| format!("cannot open Parley's data in {}", dir.display()))?,
            };
            let engine = Arc::new(engine);
            let poller = Arc::new(crate::feeds::Poller::new(
                Arc::clone(&engine),
                crate::feeds::PollConfig::new(fetch_config()?),
            ));
            let which = match id {
                Some(id) => crate::feeds::poll::Which::One(id.clone()),
                None => crate::feeds::poll::Which::All,
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let report = runtime.block_on(poller.poll(which))?;
            if report.added() > 0 {
                catch_up_vectors(&engine, usize::MAX)?;
            }
            if *json {
                output::json(out, &report)?;
            } else {
                output::poll_text(out, &report, style)?;
            }
            // Partial success is success; every feed failing is not.
            return Ok(if !report.feeds.is_empty() && report.failed() == report.feeds.len() { 1 } else { 0 });
        }
    }
    Ok(0)
}

fn finish_report(out: &mut impl Write, report: &ImportReport, json: bool, style: output::Style) -> anyhow::Result<i32> {
    if json {
        output::json(out, &output::report_json(report))?;
    } else {
        output::report_text(out, report, style)?;
    }
    // Partial success is success; nothing added at all is a failure.
    Ok(if report.added.is_empty() && !report.refused.is_empty() { 1 } else { 0 })
}

/// The fetch limits, with the allow-list from `PARLEY_FETCH_ALLOW`
/// (comma-separated networks such as `127.0.0.1/32`, or host names) for
/// tests and private deployments. Empty in production.
pub fn fetch_config() -> anyhow::Result<crate::web::FetchConfig> {
    crate::web::FetchConfig::from_env().map_err(anyhow::Error::msg)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")
}

fn fetch(url: &str) -> anyhow::Result<crate::web::Extracted> {
    let cfg = fetch_config()?;
    Ok(runtime()?.block_on(crate::web::fetch_article(url, &cfg))?)
}

/// A page fetched and extracted, as `extract` shows it (the outlet falls
/// back to the URL's host, as it would when added).
fn extract_page(source: &str) -> anyhow::Result<crate::web::Extracted> {
    let mut e = if is_url(source) {
        fetch(source)?
    } else {
        let path = std::path::Path::new(source);
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {source}"))?;
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("html" | "htm" | "xhtml") => crate::web::extract(&bytes, None, None)?,
            _ => crate::web::extract_text(&bytes, None, None)?,
        }
    };
    e.outlet = e.outlet_or_host();
    Ok(e)
}
