//! The bot's logic, without Discord: the command list as data
//! ([`commands`]), an [`Invocation`] in Parley's own types, and
//! [`Bot::execute`] that answers it with a [`Reply`] — checking moderator
//! rights and the per-user rate limit, keeping the audit log, and rendering
//! engine answers within Discord's limits.
//!
//! It must NOT know serenity or do network I/O: the Discord adapter
//! (`crate::discord`) converts interactions to [`Invocation`]s and
//! [`Reply`]s to messages, and does the downloads and fetches that
//! [`Work`] describes. The console ([`console`]) is the other adapter.

pub mod audit;
pub mod commands;
pub mod console;
pub mod markdown;
pub mod rate;
pub mod recent;
pub mod render;
pub mod reply;
pub mod watch;
pub mod work;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::article::ArticleId;
use crate::engine::{Engine, Error as EngineError};

pub use audit::{AuditEvent, AuditLog};
pub use commands::{Command, COMMANDS};
pub use rate::RateLimit;
pub use reply::{Button, ButtonStyle, Choice, Embed, Field, File, Message, Modal, Reply, TextInput};
pub use watch::{Delivery, WatchBatch};
pub use work::{Fetched, FileKind, Work, MAX_ATTACHMENT_BYTES};

use crate::feedback::{FeedbackLog, Shown, Source as Asked, Vote, Voted};
use markdown::{cut, escape};
use recent::{Recent, RecentQueries};

/// Who invoked a command. `is_moderator` is computed by the adapter from
/// what the platform says (permissions, roles) — never from the client's
/// view of the command list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub is_moderator: bool,
}

impl User {
    pub fn new(id: &str, name: &str, is_moderator: bool) -> User {
        User { id: id.to_owned(), name: name.to_owned(), is_moderator }
    }

    /// What an article records as `added_by`.
    pub fn added_by(&self) -> String {
        format!("{} ({})", self.name, self.id)
    }
}

/// Where an invocation happened: the channel (a `/watch` posts there) and
/// its server, `None` in a direct message (or the console).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The channel id; empty when the platform did not say.
    pub channel: String,
    pub guild: Option<String>,
}

impl Place {
    /// The console's own channel: watches made there post in the console.
    pub const CONSOLE: &'static str = "console";

    pub fn console() -> Place {
        Place { channel: Place::CONSOLE.to_owned(), guild: None }
    }

    /// A direct message on Discord (not the console, which is the
    /// operator's own terminal): moderator commands are refused there.
    pub fn is_direct_message(&self) -> bool {
        self.guild.is_none() && self.channel != Place::CONSOLE
    }

    /// A direct message (or the console): the person's own channel.
    pub fn is_private(&self) -> bool {
        self.guild.is_none()
    }
}

/// An attached file as the platform describes it, before download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// Bytes, as declared.
    pub size: u64,
    pub content_type: Option<String>,
    /// Where to download it from (a path for the console).
    pub url: String,
}

/// An option's value.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    String(String),
    Bool(bool),
    Integer(i64),
    Attachment(Attachment),
}

/// What kind of interaction this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A slash command.
    Command,
    /// The user is typing `focused`; answer with choices.
    Autocomplete { focused: String },
    /// A button; `Invocation::name` is its custom id.
    Button,
    /// A submitted form; `name` is its custom id, options its inputs.
    ModalSubmit,
    /// A message command (`name` as registered, e.g. "Find sources");
    /// the target message's text is the option `text`.
    MessageCommand,
}

/// One interaction in Parley's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub kind: Kind,
    /// The command name (or the custom id of a button or form).
    pub name: String,
    pub subcommand: Option<String>,
    pub options: Vec<(String, OptionValue)>,
    pub user: User,
    pub place: Place,
}

/// How the bot behaves.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub rate: RateLimit,
    /// Autocomplete's own, larger per-user bucket.
    pub complete_rate: RateLimit,
    pub max_attachment_bytes: u64,
    /// Where the audit log goes (`<data_dir>/audit.jsonl`).
    pub audit_path: PathBuf,
    /// Whether `/corpus add url` is served (web ingestion is available and
    /// the adapter can fetch).
    pub url_ingestion: bool,
    /// Recent queries kept for page buttons.
    pub recent_queries: usize,
    /// Where votes and reports go (`<data_dir>/feedback.jsonl`).
    pub feedback_path: PathBuf,
    /// Whether `/corpus feed poll` is served (the adapter has a poller).
    pub feed_polling: bool,
}

impl BotConfig {
    pub fn new(engine: &Engine) -> BotConfig {
        BotConfig {
            rate: RateLimit::default(),
            complete_rate: RateLimit::AUTOCOMPLETE,
            max_attachment_bytes: MAX_ATTACHMENT_BYTES,
            audit_path: engine.data_dir().join("audit.jsonl"),
            url_ingestion: true,
            recent_queries: 2_000,
            feedback_path: engine.data_dir().join(crate::feedback::FILE),
            feed_polling: true,
        }
    }
}

/// The bot: the engine plus what it remembers between interactions.
pub struct Bot {
    engine: Arc<Engine>,
    config: BotConfig,
    rate: rate::RateLimiter,
    complete_rate: rate::RateLimiter,
    recent: RecentQueries,
    audit: AuditLog,
    feedback: FeedbackLog,
    /// The watch list; the reason when its file cannot be read (then
    /// `/watch` says so and nothing is posted, rather than overwriting it).
    watches: Result<Arc<crate::engine::Watches>, String>,
}

const INTERNAL: &str =
    "Something went wrong on Parley's side. Try again in a moment; if it persists, tell a moderator.";
const SERVER_ONLY: &str = "`/corpus` works only in a server channel, not in direct messages.";
const NOT_MODERATOR: &str = "Only moderators (Manage Server, or the moderator role) can change the corpus.";

impl Bot {
    pub fn new(engine: Arc<Engine>, config: BotConfig) -> Bot {
        let audit = AuditLog::new(config.audit_path.clone());
        let watches = crate::engine::Watches::open(engine.data_dir()).map(Arc::new).map_err(|e| e.to_string());
        if let Err(e) = &watches {
            tracing::error!("{e}; /watch is unavailable until it is fixed");
        }
        Bot {
            feedback: FeedbackLog::new(config.feedback_path.clone()),
            watches,
            rate: rate::RateLimiter::new(config.rate),
            complete_rate: rate::RateLimiter::new(config.complete_rate),
            recent: RecentQueries::new(config.recent_queries),
            audit,
            engine,
            config,
        }
    }

    /// Also tell `hook` about every audit event (the adapter posts them
    /// to a channel).
    pub fn with_audit_hook(mut self, hook: audit::AuditHook) -> Bot {
        self.audit = self.audit.with_hook(hook);
        self
    }

    /// The audit log (commands from a shell are written there too).
    pub fn audit_log(&self) -> &AuditLog {
        &self.audit
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    pub fn config(&self) -> &BotConfig {
        &self.config
    }

    /// Answers one interaction.
    pub fn execute(&self, inv: Invocation) -> Reply {
        self.execute_at(inv, Instant::now())
    }

    /// [`Bot::execute`] at a given time (for the rate limit).
    pub fn execute_at(&self, inv: Invocation, now: Instant) -> Reply {
        let autocomplete = matches!(inv.kind, Kind::Autocomplete { .. });
        // Rights first: a member learns nothing from a moderator command,
        // not even whether its options parse.
        // `/corpus` is a server command: in a DM there is no server whose
        // Manage Server right could make anyone a moderator.
        if commands::for_moderators(&inv) && inv.place.is_direct_message() {
            if autocomplete {
                return Reply::choices([]);
            }
            return Reply::notice(SERVER_ONLY);
        }
        if commands::for_moderators(&inv) && !inv.user.is_moderator {
            if autocomplete {
                return Reply::choices([]);
            }
            let action = inv.subcommand.as_deref().map_or(inv.name.clone(), |s| {
                if s == "add" {
                    "add-url".to_owned()
                } else {
                    s.replace(' ', "-")
                }
            });
            self.audit(&inv.user, &action, &raw_target(&inv), "denied", None, "not a moderator");
            return Reply::notice(NOT_MODERATOR);
        }
        let cmd = match commands::parse(&inv) {
            Ok(c) => c,
            Err(_) if autocomplete => return Reply::choices([]),
            Err(e) => return Reply::notice(&escape(&e.to_string())),
        };
        if cmd.needs_moderator() && !inv.user.is_moderator {
            if autocomplete {
                return Reply::choices([]);
            }
            self.audit(&inv.user, cmd.action(), &target_of(&cmd), "denied", None, "not a moderator");
            return Reply::notice(NOT_MODERATOR);
        }
        if matches!(cmd, Command::Complete { .. }) {
            // Autocomplete fires on every keystroke: its own, larger bucket,
            // and an empty list (never an error) when over it.
            if self.complete_rate.check(&inv.user.id, now).is_err() {
                return Reply::choices([]);
            }
        } else if cmd.is_question() {
            if let Err(wait) = self.rate.check(&inv.user.id, now) {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                return Reply::notice(&format!(
                    "You are asking faster than Parley can keep up ({} questions in {} seconds). Please wait {secs} s and ask again.",
                    self.config.rate.max,
                    self.config.rate.window.as_secs()
                ));
            }
        }
        self.run(cmd, inv.user, &inv.place)
    }

    fn run(&self, cmd: Command, user: User, place: &Place) -> Reply {
        match cmd {
            Command::WatchAdd(target) => self.watch_add(target, &user, place),
            Command::WatchList => self.watch_list(place),
            Command::WatchRemove(id) => self.watch_remove(&id, &user, place),
            Command::Ask { query, private } => self.ask(query, private, None),
            Command::AskPage { key, offset } => match self.recent.get(&key) {
                Some(Recent::Ask { mut query, private }) => {
                    query.offset = offset.min(1_000);
                    self.ask(query, private, Some(key))
                }
                _ => Reply::notice("This button has expired: run /ask again."),
            },
            Command::WhoSaid(query) => self.who_said(query, None),
            Command::WhoSaidPage { key, offset } => match self.recent.get(&key) {
                Some(Recent::WhoSaid(mut query)) => {
                    query.offset = offset.min(1_000);
                    self.who_said(query, Some(key))
                }
                _ => Reply::notice("This button has expired: run /who-said again."),
            },
            Command::Timeline(query) => match self.engine.timeline(&query) {
                Ok(t) => Reply::Message(timeline_message(&t)),
                Err(e) => engine_error(&e),
            },
            Command::Compare(query) => match self.engine.compare(&query) {
                Ok(c) => Reply::Message(render::compare(&c, query.since, query.until)),
                Err(e) => engine_error(&e),
            },
            Command::Context { id, ord } => self.context(&id, ord),
            Command::FindSources(text) => match self.engine.find_sources(&text) {
                Ok(found) => Reply::Message(render::found_sources(&found)),
                Err(e) => engine_error(&e),
            },
            Command::Vote { answer, vote } => self.vote(&answer, vote, &user),
            Command::WrongForm { answer } => Reply::Modal(wrong_form(&answer)),
            Command::Wrong { answer, rank, note } => match self.feedback.report(&answer, rank, &user.id, &note) {
                Ok(id) => Reply::notice(&format!(
                    "Thank you: statement {rank} is reported (`{id}`). A moderator will look at it."
                )),
                Err(crate::feedback::Error::NoRank { rank, .. }) => {
                    Reply::notice(&format!("This answer has no statement {rank}: give the number before its title."))
                }
                Err(crate::feedback::Error::UnknownAnswer(_)) => Reply::notice("This button has expired."),
                Err(e) => {
                    tracing::error!("{e}");
                    Reply::notice(INTERNAL)
                }
            },
            Command::Reports => match self.feedback.open_reports() {
                Ok(list) => Reply::Message(render::reports(&list)),
                Err(e) => {
                    tracing::error!("{e}");
                    Reply::notice(INTERNAL)
                }
            },
            Command::Resolve { report, resolution } => self.resolve(&report, resolution, &user),
            Command::Article(id) => self.article(&id),
            Command::Sources { outlet, page, button } => match self.engine.list() {
                Ok(all) => {
                    let m = render::sources(&all, outlet.as_deref(), page);
                    if button {
                        Reply::Update(m)
                    } else {
                        Reply::Message(m)
                    }
                }
                Err(e) => internal(&e),
            },
            Command::About => match self.engine.stats() {
                Ok(s) => Reply::Message(render::about(&s)),
                Err(e) => internal(&e),
            },
            Command::Complete { command, option, prefix } => self.complete(&command, &option, &prefix),
            Command::AddUrl(url) => {
                if !self.config.url_ingestion {
                    return Reply::notice(
                        "Adding from a URL is not available yet: use /corpus add-file or /corpus add-text.",
                    );
                }
                if markdown::safe_url(&url).is_none() {
                    return Reply::notice("That is not a web address: give a full http:// or https:// URL.");
                }
                Reply::Defer { ephemeral: true, work: Box::new(Work::AddUrl { url, user }) }
            }
            Command::AddFile(attachment) => match work::check_attachment(&attachment, self.config.max_attachment_bytes)
            {
                Ok(_) => Reply::Defer {
                    ephemeral: true,
                    work: Box::new(Work::AddFile { attachment, user, max_bytes: self.config.max_attachment_bytes }),
                },
                Err(reason) => {
                    self.audit(&user, "add-file", &attachment.filename, "refused", None, &reason);
                    Reply::notice(&format!("{}: {}", escape(&cut(&attachment.filename, 100)), escape(&reason)))
                }
            },
            Command::AddTextForm => Reply::Modal(add_text_form()),
            Command::AddText(mut draft) => {
                draft.added_by = user.added_by();
                Reply::Defer { ephemeral: true, work: Box::new(Work::AddText { draft, user }) }
            }
            Command::Remove(id) => {
                let parsed = match ArticleId::parse(&id) {
                    Ok(p) => p,
                    Err(e) => return Reply::notice(&escape(&e.to_string())),
                };
                match self.engine.remove(&parsed) {
                    Ok(meta) => {
                        self.audit(&user, "remove", &id, "ok", Some(&id), &meta.title);
                        Reply::notice(&format!("Removed `{id}` ({}).", escape(&cut(&meta.title, 200))))
                    }
                    Err(e) => {
                        self.audit(&user, "remove", &id, "refused", None, &e.to_string());
                        engine_error(&e)
                    }
                }
            }
            Command::FeedAdd(mut sub) => {
                sub.added_by = user.added_by();
                let target = sub.url.clone();
                match self.feeds().add(&sub) {
                    Ok(feed) => {
                        self.audit(&user, "feed-add", &target, "ok", None, &format!("subscribed as {}", feed.id));
                        Reply::Message(render::feed_added(&feed))
                    }
                    Err(e) => {
                        self.audit(&user, "feed-add", &target, "refused", None, &e.to_string());
                        feeds_error(&e)
                    }
                }
            }
            Command::FeedList => match crate::feeds::statuses(&self.feeds()) {
                Ok((list, problems)) => {
                    for p in problems {
                        tracing::warn!("feeds: {p}");
                    }
                    Reply::Message(render::feed_list(&list))
                }
                Err(e) => feeds_error(&e),
            },
            Command::FeedRemove(id) => match self.feeds().remove(&id) {
                Ok(feed) => {
                    self.audit(&user, "feed-remove", &id, "ok", None, &feed.url);
                    Reply::notice(&format!(
                        "Unsubscribed `{}` ({}); the articles it added stay.",
                        feed.id,
                        escape(&cut(&feed.url, 300))
                    ))
                }
                Err(e) => {
                    self.audit(&user, "feed-remove", &id, "refused", None, &e.to_string());
                    feeds_error(&e)
                }
            },
            Command::FeedPoll(feed) => {
                if !self.config.feed_polling {
                    return Reply::notice(
                        "Polling is not available here: the bot polls the feeds on its own schedule.",
                    );
                }
                if let Some(id) = &feed {
                    if let Err(e) = self.feeds().get(id) {
                        return feeds_error(&e);
                    }
                }
                Reply::Defer { ephemeral: true, work: Box::new(Work::PollFeeds { feed, user }) }
            }
            Command::Alias { name, variant, side } => self.alias(&user, &name, variant.as_deref(), side.as_deref()),
        }
    }

    /// `/corpus alias`: a spelling variant, a side, or both; each change
    /// audited on its own.
    fn alias(&self, user: &User, name: &str, variant: Option<&str>, side: Option<&str>) -> Reply {
        let mut said: Vec<String> = Vec::new();
        if let Some(variant) = variant {
            match self.engine.add_alias(name, variant) {
                Ok(()) => {
                    self.audit(user, "alias", name, "ok", None, &format!("variant {variant}"));
                    said.push(format!(
                        "“{}” is now read as **{}** (for articles added from now on; `parley reindex` applies it to the rest).",
                        escape(variant),
                        escape(name)
                    ));
                }
                Err(e) => {
                    self.audit(user, "alias", name, "refused", None, &e.to_string());
                    return engine_error(&e);
                }
            }
        }
        if let Some(side) = side {
            match self.engine.add_to_side(side, name) {
                Ok(added) => {
                    self.audit(user, "alias", name, "ok", None, &format!("side {side}"));
                    said.push(if added {
                        format!("**{}** is now on the side **{}**.", escape(name), escape(side))
                    } else {
                        format!("**{}** was already on the side **{}**.", escape(name), escape(side))
                    });
                }
                Err(e) => {
                    self.audit(user, "alias", name, "refused", None, &e.to_string());
                    said.push(escape(&e.to_string()));
                }
            }
        }
        Reply::notice(&said.join("\n"))
    }

    fn ask(&self, query: crate::answer::AskQuery, private: bool, key: Option<String>) -> Reply {
        let update = key.is_some();
        match self.engine.ask(&query) {
            Ok(answer) => {
                let key = match key {
                    Some(k) => Some(k),
                    None if answer.more => Some(self.recent.insert(Recent::Ask { query: query.clone(), private })),
                    None => None,
                };
                let mut m = render::answer(&answer, &query, key.as_deref(), private);
                if !answer.hits.is_empty() {
                    let shown = answer
                        .hits
                        .iter()
                        .take(10)
                        .enumerate()
                        .map(|(i, h)| Shown {
                            rank: (query.offset + i + 1) as u32,
                            article: h.source.article_id.as_str().to_owned(),
                            ord: Some(h.ord),
                            text: render::shown_words(h),
                            speaker: None,
                        })
                        .collect();
                    m = self.with_feedback(m, Asked::Ask, &query.question, shown);
                }
                if update {
                    Reply::Update(m)
                } else {
                    Reply::Message(m)
                }
            }
            Err(e) => engine_error(&e),
        }
    }

    fn who_said(&self, query: crate::answer::WhoSaidQuery, key: Option<String>) -> Reply {
        let update = key.is_some();
        match self.engine.who_said(&query) {
            Ok(ws) => {
                let more = matches!(ws, crate::answer::WhoSaid::Found { more: true, .. });
                let key = match key {
                    Some(k) => Some(k),
                    None if more => Some(self.recent.insert(Recent::WhoSaid(query.clone()))),
                    None => None,
                };
                let mut m = render::who_said(&ws, &query, key.as_deref());
                if let crate::answer::WhoSaid::Found { person, quotes, .. } = &ws {
                    if !quotes.is_empty() {
                        let shown = quotes
                            .iter()
                            .take(10)
                            .enumerate()
                            .map(|(i, q)| Shown {
                                rank: (query.offset + i + 1) as u32,
                                article: q.source.article_id.as_str().to_owned(),
                                ord: None,
                                text: q.quote.text.clone(),
                                speaker: Some(q.quote.speaker.as_written.clone()),
                            })
                            .collect();
                        let asked = match &query.about {
                            Some(a) => format!("{person} about {a}"),
                            None => person.clone(),
                        };
                        m = self.with_feedback(m, Asked::WhoSaid, &asked, shown);
                    }
                }
                if update {
                    Reply::Update(m)
                } else {
                    Reply::Message(m)
                }
            }
            Err(e) => engine_error(&e),
        }
    }

    /// Records an answer as shown and adds its feedback buttons; without
    /// them when the log cannot be written (the answer still goes out).
    fn with_feedback(&self, m: Message, asked: Asked, question: &str, shown: Vec<Shown>) -> Message {
        match self.feedback.record_answer(asked, question, shown) {
            Ok(id) => m.row(render::feedback_buttons(&id, asked == Asked::WhoSaid)),
            Err(e) => {
                tracing::error!("feedback: {e}");
                m
            }
        }
    }

    fn vote(&self, answer: &str, vote: Vote, user: &User) -> Reply {
        let other = match vote {
            Vote::Up => Vote::Down,
            Vote::Down => Vote::Up,
        };
        match self.feedback.vote(answer, &user.id, vote) {
            Ok(Voted::New) => Reply::notice(&format!(
                "Thank you: your {} is recorded. Press {} to change it.",
                vote.emoji(),
                other.emoji()
            )),
            Ok(Voted::Changed) => Reply::notice(&format!("Your vote is now {}.", vote.emoji())),
            Ok(Voted::Same) => Reply::notice(&format!("Your {} was already recorded.", vote.emoji())),
            Err(crate::feedback::Error::UnknownAnswer(_)) => Reply::notice("This button has expired."),
            Err(e) => {
                tracing::error!("{e}");
                Reply::notice(INTERNAL)
            }
        }
    }

    /// A moderator resolves a report: hides the statement, records an
    /// alias, or dismisses it; audited like every /corpus action.
    fn resolve(&self, report: &str, resolution: commands::Resolution, user: &User) -> Reply {
        use commands::Resolution;
        let action = resolution.as_str();
        let open = match self.feedback.open_report(report) {
            Ok(r) => r,
            Err(e) => {
                self.audit(user, "resolve", report, "refused", None, &e.to_string());
                return Reply::notice(&escape(&cut(&e.to_string(), 300)));
            }
        };
        let done = match &resolution {
            Resolution::Dismiss => Ok("Dismissed.".to_owned()),
            Resolution::Hide => {
                let statement = crate::corpus::hidden::HiddenStatement {
                    article: open.hit.article.clone(),
                    text: open.hit.text.clone(),
                    speaker: open.hit.speaker.clone().unwrap_or_default(),
                    reason: cut(&format!("report {}: {}", open.id, open.note), 300),
                    hidden_by: user.added_by(),
                    at: now_rfc3339(),
                };
                self.engine.hide_statement(statement).map(|fresh| {
                    if fresh {
                        "The statement is hidden from answers (the article keeps it; listed in corpus/hidden.toml)."
                            .to_owned()
                    } else {
                        "The statement was hidden already.".to_owned()
                    }
                })
            }
            Resolution::Alias { name, variant } => {
                let variant = variant.clone().or_else(|| open.hit.speaker.clone()).unwrap_or_default();
                self.engine.add_alias(name, &variant).map(|()| {
                    format!(
                        "“{}” is now read as **{}** (for articles added from now on; `parley reindex` applies it to the rest).",
                        escape(&variant),
                        escape(name)
                    )
                })
            }
        };
        match done {
            Ok(text) => {
                if let Err(e) = self.feedback.resolve(report, &user.added_by(), action, &open.hit.article) {
                    tracing::error!("{e}");
                    return Reply::notice(INTERNAL);
                }
                self.audit(user, "resolve", report, "ok", Some(&open.hit.article), action);
                Reply::notice(&format!("Report `{}`: {text}", open.id))
            }
            Err(e) => {
                self.audit(user, "resolve", report, "refused", Some(&open.hit.article), &e.to_string());
                engine_error(&e)
            }
        }
    }

    fn context(&self, id: &str, ord: u32) -> Reply {
        let Ok(parsed) = ArticleId::parse(id) else { return Reply::notice("This button has expired: run /ask again.") };
        let meta = match self.engine.article(&parsed) {
            Ok(a) => a.meta,
            Err(e) => return engine_error(&e),
        };
        match self.engine.context(&parsed, ord, 2) {
            Ok(window) => Reply::Message(render::context(&meta, &window, ord)),
            Err(e) => engine_error(&e),
        }
    }

    fn article(&self, id: &str) -> Reply {
        let parsed = match ArticleId::parse(id.trim()) {
            Ok(p) => p,
            Err(_) => {
                return Reply::notice("That is not an article id: pick one from the suggestions, or see /sources.")
            }
        };
        match self.engine.article(&parsed) {
            Ok(a) => Reply::Message(render::article(&a)),
            Err(e) => engine_error(&e),
        }
    }

    /// Autocomplete: speakers for `person`, articles for `id`, outlets for
    /// `outlet`.
    fn complete(&self, command: &str, option: &str, prefix: &str) -> Reply {
        match (command, option) {
            ("who-said" | "watch add", "person") => match self.engine.speakers(prefix) {
                Ok(list) => Reply::choices(
                    list.iter().filter_map(|s| Choice::new(&format!("{} ({} statements)", s.name, s.quotes), &s.name)),
                ),
                Err(e) => {
                    tracing::warn!("autocomplete: {e}");
                    Reply::choices([])
                }
            },
            (_, "feed") => {
                let Ok((feeds, _)) = self.feeds().list() else { return Reply::choices([]) };
                let p = prefix.trim().to_lowercase();
                Reply::choices(
                    feeds
                        .iter()
                        .filter(|f| f.id.contains(&p) || f.url.to_lowercase().contains(&p))
                        .filter_map(|f| Choice::new(&format!("{} · {}", f.id, f.url), &f.id)),
                )
            }
            ("timeline", "person") | ("compare", "a" | "b") => match self.engine.parties(prefix) {
                Ok(list) => Reply::choices(list.iter().filter_map(|(name, kind, n)| match kind {
                    crate::answer::PartyKind::Side => Choice::new(&format!("{name} (side, {n} names)"), name),
                    crate::answer::PartyKind::Person => Choice::new(&format!("{name} ({n} statements)"), name),
                })),
                Err(_) => Reply::choices([]),
            },
            ("corpus alias", "side") => {
                let p = crate::names::name_key(prefix);
                Reply::choices(
                    self.engine
                        .aliases()
                        .sides()
                        .iter()
                        .filter(|s| crate::names::name_key(&s.name).starts_with(&p))
                        .filter_map(|s| Choice::new(&format!("{} ({} names)", s.name, s.members.len()), &s.name)),
                )
            }
            (_, "id") => {
                // Newest first, and titles folded once per index generation
                // (the engine's cache): a keystroke only compares.
                let Ok(all) = self.engine.listed() else { return Reply::choices([]) };
                let p = crate::text::fold(prefix.trim());
                let rank = |l: &&crate::engine::Listed| {
                    let id = l.meta.id.as_str();
                    if p.is_empty() || l.folded_title.starts_with(&p) || id.starts_with(&p) {
                        Some(0)
                    } else if l.folded_title.contains(&p) || id.contains(&p) {
                        Some(1)
                    } else {
                        None
                    }
                };
                let first = all.iter().filter(|l| rank(l) == Some(0));
                let then = all.iter().filter(|l| rank(l) == Some(1));
                Reply::choices(first.chain(then).filter_map(|l| {
                    let m = &l.meta;
                    Choice::new(&format!("{} · {} · {}", m.title, m.outlet, render::day(m.published)), m.id.as_str())
                }))
            }
            ("corpus resolve", "report") => {
                let Ok(open) = self.feedback.open_reports() else { return Reply::choices([]) };
                let p = prefix.trim().to_lowercase();
                Reply::choices(open.iter().filter(|r| r.id.starts_with(&p)).filter_map(|r| {
                    let who = r.hit.speaker.as_deref().unwrap_or("");
                    Choice::new(&format!("{} · {who}: {}", r.id, r.hit.text), &r.id)
                }))
            }
            ("corpus resolve", "action") => Reply::choices(
                [
                    ("hide — hide the statement from answers", "hide"),
                    ("alias — record the right name", "alias"),
                    ("dismiss — nothing is wrong", "dismiss"),
                ]
                .into_iter()
                .filter(|(_, v)| v.starts_with(prefix.trim()))
                .filter_map(|(n, v)| Choice::new(n, v)),
            ),
            (_, "outlet") => {
                let Ok(stats) = self.engine.stats() else { return Reply::choices([]) };
                let p = prefix.trim().to_lowercase();
                Reply::choices(
                    stats
                        .outlets
                        .iter()
                        .filter(|(o, _)| o.to_lowercase().contains(&p))
                        .filter_map(|(o, n)| Choice::new(&format!("{o} ({n})"), o)),
                )
            }
            _ => Reply::choices([]),
        }
    }

    /// The feed files of this data directory.
    fn feeds(&self) -> crate::feeds::FeedStore {
        crate::feeds::FeedStore::new(self.engine.data_dir())
    }

    /// Finishes a poll the adapter ran: one audit line, the report.
    fn finish_poll(&self, feed: Option<String>, user: &User, fetched: Fetched) -> Message {
        let target = feed.unwrap_or_else(|| "all feeds".to_owned());
        match fetched {
            Fetched::Polled(report) => {
                let detail = format!(
                    "{} feeds, {} added, {} refused, {} failed",
                    report.feeds.len(),
                    report.added(),
                    report.refused(),
                    report.failed()
                );
                self.audit(user, "feed-poll", &target, "ok", None, &detail);
                if report.added() > 0 {
                    self.engine.embed_in_background();
                }
                render::poll_report(&report)
            }
            Fetched::Failed(reason) => {
                self.audit(user, "feed-poll", &target, "refused", None, &reason);
                Message::notice(&format!("Not polled: {}", escape(&cut(&reason, 1500))))
            }
            _ => Message::notice(INTERNAL),
        }
    }

    /// Finishes deferred work once the adapter has done its I/O; the
    /// returned message replaces the "thinking…" acknowledgement.
    pub fn finish(&self, work: Work, fetched: Fetched) -> Message {
        let (work, fetched) = match (work, fetched) {
            (Work::PollFeeds { feed, user }, fetched) => return self.finish_poll(feed, &user, fetched),
            other => other,
        };
        let (user, action, target, draft) = match (work, fetched) {
            (Work::AddText { draft, user }, _) => {
                let target = draft.title.clone().unwrap_or_default();
                (user, "add-text", target, Ok(draft))
            }
            (Work::AddFile { attachment, user, max_bytes }, Fetched::Bytes(bytes)) => {
                let draft = self.draft_from_file(&attachment, &bytes, max_bytes, &user);
                (user, "add-file", attachment.filename, draft)
            }
            (Work::AddFile { attachment, user, .. }, Fetched::Failed(reason)) => {
                (user, "add-file", attachment.filename, Err(format!("could not download it ({reason})")))
            }
            (Work::AddUrl { url, user }, Fetched::Page(draft)) => {
                let mut draft = *draft;
                draft.added_by = user.added_by();
                (user, "add-url", url, Ok(draft))
            }
            (Work::AddUrl { url, user }, Fetched::Failed(reason)) => (user, "add-url", url, Err(reason)),
            (Work::AddFile { attachment, user, .. }, _) => {
                (user, "add-file", attachment.filename, Err("nothing was downloaded".into()))
            }
            (Work::AddUrl { url, user }, _) => (user, "add-url", url, Err("nothing was fetched".into())),
            (Work::PollFeeds { user, .. }, _) => (user, "feed-poll", String::new(), Err("nothing was polled".into())),
        };
        let draft = match draft {
            Ok(d) => d,
            Err(reason) => {
                self.audit(&user, action, &target, "refused", None, &reason);
                return Message::notice(&format!("Not added: {}: {}", escape(&cut(&target, 200)), escape(&reason)));
            }
        };
        match self.engine.add(draft) {
            Ok(added) => {
                // Searchable by its words now; by meaning once its vectors follow.
                self.engine.embed_in_background();
                self.audit(&user, action, &target, "ok", Some(added.id.as_str()), &added.title);
                render::added(&added)
            }
            Err(e) => {
                self.audit(&user, action, &target, "refused", None, &e.to_string());
                match &e {
                    EngineError::Corpus(_) | EngineError::Index(_) => {
                        tracing::error!("adding {target}: {e}");
                        Message::notice(INTERNAL)
                    }
                    _ => Message::notice(&format!("Not added: {}", escape(&cut(&e.to_string(), 1500)))),
                }
            }
        }
    }

    fn draft_from_file(
        &self,
        a: &Attachment,
        bytes: &[u8],
        max_bytes: u64,
        user: &User,
    ) -> Result<crate::corpus::ArticleDraft, String> {
        if bytes.len() as u64 > max_bytes {
            return Err(format!("larger than {}", work::human_bytes(max_bytes)));
        }
        let kind = work::check_attachment(&Attachment { size: bytes.len() as u64, ..a.clone() }, max_bytes)?;
        let mut draft = match kind {
            FileKind::Text | FileKind::Markdown => {
                crate::corpus::ingest::draft_from_bytes(bytes, &a.filename, kind == FileKind::Text)
                    .map_err(|e| strip_origin(&e.to_string(), &a.filename))?
            }
            FileKind::Html => {
                let page = crate::web::extract(bytes, None, None).map_err(|e| e.to_string())?;
                crate::engine::draft_from_extracted(page, &a.filename)
            }
        };
        draft.added_by = user.added_by();
        Ok(draft)
    }

    fn audit(&self, user: &User, action: &str, target: &str, outcome: &str, article: Option<&str>, detail: &str) {
        self.audit.record(AuditEvent {
            at: String::new(),
            user_id: user.id.clone(),
            user: user.name.clone(),
            action: action.to_owned(),
            target: cut(target, 300),
            outcome: outcome.to_owned(),
            article: article.map(str::to_owned),
            detail: cut(detail, 500),
        });
    }
}

fn strip_origin(msg: &str, origin: &str) -> String {
    msg.strip_prefix(&format!("{origin}: ")).unwrap_or(msg).to_owned()
}

/// What a refused invocation was about: its first text or file option.
fn raw_target(inv: &Invocation) -> String {
    inv.options
        .iter()
        .find_map(|(_, v)| match v {
            OptionValue::String(s) if !s.trim().is_empty() => Some(s.clone()),
            OptionValue::Attachment(a) => Some(a.filename.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn target_of(cmd: &Command) -> String {
    match cmd {
        Command::AddUrl(u) => u.clone(),
        Command::AddFile(a) => a.filename.clone(),
        Command::AddText(d) => d.title.clone().unwrap_or_default(),
        Command::Remove(id) => id.clone(),
        Command::Alias { name, .. } => name.clone(),
        Command::Resolve { report, .. } => report.clone(),
        Command::FeedAdd(sub) => sub.url.clone(),
        Command::FeedRemove(id) => id.clone(),
        Command::FeedPoll(feed) => feed.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The add-text form.
pub fn add_text_form() -> Modal {
    Modal::new(commands::ids::ADD_TEXT, "Add an article")
        .input("title", "Title", false, true, 300, None)
        .input("outlet", "Outlet", false, false, 100, Some("e.g. Reuters"))
        .input("url", "Link", false, false, 1000, Some("https://…"))
        .input("date", "Published (YYYY-MM-DD)", false, false, 32, Some("2025-08-19"))
        .input(
            "body",
            "Text",
            true,
            true,
            reply::INPUT_VALUE_MAX,
            Some("The article's text, paragraphs separated by blank lines"),
        )
}

/// The wrong-attribution form of an answer.
pub fn wrong_form(answer: &str) -> Modal {
    Modal::new(&format!("{}:{answer}", commands::ids::WRONG_FORM), "Wrong attribution")
        .input("number", "Which statement? (its number)", false, true, 3, Some("1"))
        .input("note", "What is wrong? (optional)", true, false, crate::feedback::NOTE_MAX as u16, None)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A feed error as a short ephemeral answer (file trouble is logged).
fn feeds_error(e: &crate::feeds::Error) -> Reply {
    match e {
        crate::feeds::Error::Read { .. } | crate::feeds::Error::Write(_) => {
            tracing::error!("feeds: {e}");
            Reply::notice(INTERNAL)
        }
        other => {
            Reply::notice(&escape(&cut(&other.to_string(), 1500)).replace("parley feed list", "/corpus feed list"))
        }
    }
}

/// `/timeline`'s message, with the chart attached when there is enough to
/// draw (a failed chart is logged; the list is still answered).
pub fn timeline_message(t: &crate::answer::Timeline) -> Message {
    let file = if t.chartable() {
        match crate::chart::render(t) {
            Ok(png) => File::new(crate::chart::FILE_NAME, png, &crate::chart::alt_text(t)),
            Err(e) => {
                tracing::warn!("no chart: {e}");
                None
            }
        }
    } else {
        None
    };
    let m = render::timeline(t, file.is_some());
    match file {
        Some(f) => m.attach(f),
        None => m,
    }
}

fn internal(e: &EngineError) -> Reply {
    tracing::error!("{e}");
    Reply::notice(INTERNAL)
}

/// An engine error as a short ephemeral answer.
fn engine_error(e: &EngineError) -> Reply {
    match e {
        EngineError::EmptyQuestion => Reply::notice("Ask with at least one word."),
        EngineError::UnknownArticle(id) => Reply::notice(&format!("No article with id `{id}`: see /sources.")),
        EngineError::NoPassage { id, .. } => {
            Reply::notice(&format!("That passage is no longer in article `{id}` (it was edited); ask again."))
        }
        EngineError::Corpus(_) | EngineError::Index(_) => internal(e),
        other => Reply::notice(&escape(&cut(&other.to_string(), 1500))),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_feedback;
