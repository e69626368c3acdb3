//! The Discord bot: the only module that knows serenity. It turns
//! interactions into engine calls and engine answers into messages that keep
//! Discord's limits.
//!
//! Two transports feed one dispatch path ([`handler`]): the gateway
//! ([`gateway`], a serenity client with no privileged intents) and the HTTP
//! interactions endpoint ([`endpoint`], axum, Ed25519-verified). Both turn
//! serenity's `Interaction` into the bot's [`crate::bot::Invocation`] and its
//! [`crate::bot::Reply`] back into serenity builders ([`convert`]).
//!
//! While it serves, it also takes writing commands from shells on the data
//! directory's socket ([`crate::handoff`]), auditing them like `/corpus`.
//!
//! It must not hold command logic (that is [`crate::bot`]) and must never log
//! the token.

pub mod convert;
pub mod endpoint;
pub mod gateway;
pub mod handler;
pub mod watch;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use serenity::all::{ChannelId, CreateMessage, GuildId, Http, HttpBuilder, RoleId};

use crate::bot::{Bot, BotConfig};
use crate::engine::corpus_watch::{CorpusWatch, CorpusWatchConfig, RESCAN_ENV};
use crate::engine::Engine;
use crate::web::FetchConfig;

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Serve the HTTP interactions endpoint on this address instead of
    /// connecting to the gateway.
    pub http: Option<SocketAddr>,
}

/// What can stop the bot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{name} is not set: {hint}")]
    MissingEnv { name: &'static str, hint: &'static str },
    #[error("{name} is not valid: {reason}")]
    BadEnv { name: &'static str, reason: String },
    #[error("Discord: {0}")]
    Discord(Box<serenity::Error>),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("the HTTP endpoint stopped: {0}")]
    Endpoint(std::io::Error),
}

impl From<serenity::Error> for Error {
    fn from(e: serenity::Error) -> Error {
        Error::Discord(Box::new(e))
    }
}

/// The bot token; its `Debug` never shows it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Configuration from the environment.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `DISCORD_TOKEN`: needed for the gateway; optional for the HTTP
    /// endpoint (registration, audit channel).
    pub token: Option<Token>,
    /// `DISCORD_APPLICATION_ID`: optional; the gateway learns it on READY.
    pub application_id: Option<u64>,
    /// `DISCORD_GUILD_ID`: register the commands to this server (instant)
    /// instead of globally.
    pub guild_id: Option<GuildId>,
    /// `DISCORD_PUBLIC_KEY`: hex Ed25519 key for the HTTP endpoint.
    pub public_key: Option<[u8; 32]>,
    /// `DISCORD_API_BASE`: another REST base (tests: a local Discord).
    pub api_base: Option<String>,
    /// `PARLEY_MODERATOR_ROLE`: a role id whose members are moderators.
    pub moderator_role: Option<RoleId>,
    /// `PARLEY_AUDIT_CHANNEL`: a channel id that gets every audit event.
    pub audit_channel: Option<ChannelId>,
    /// How `/corpus add url` fetches: the web module's limits, plus the
    /// `PARLEY_FETCH_ALLOW` allow-list (private deployments, tests).
    pub fetch: FetchConfig,
    /// `PARLEY_WORK_SLOTS`: how many interactions the bot works on at once
    /// (questions, look-ups, additions); by default the number of cores.
    /// More wait briefly, then are told Parley is busy. 0 (as in
    /// `Config::default()`) means the default.
    pub work_slots: usize,
}

/// The default number of work slots: one per core, at least two (one
/// slow question must not hold up every other member).
pub fn default_work_slots() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from).max(2)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn id(name: &'static str) -> Result<Option<u64>, Error> {
    match env(name) {
        None => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(Error::BadEnv { name, reason: format!("{v:?} is not a Discord id (a number)") }),
        },
    }
}

/// Decodes a 64-digit hex key.
pub fn hex_key(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

impl Config {
    /// Reads the environment variables listed on the fields.
    pub fn from_env() -> Result<Config, Error> {
        let public_key = match env("DISCORD_PUBLIC_KEY") {
            None => None,
            Some(k) => Some(hex_key(&k).ok_or(Error::BadEnv {
                name: "DISCORD_PUBLIC_KEY",
                reason: "not 64 hexadecimal digits (copy it from the application's General Information page)".into(),
            })?),
        };
        let api_base = match env("DISCORD_API_BASE") {
            None => None,
            Some(b) if b.starts_with("http://") || b.starts_with("https://") => {
                Some(b.trim_end_matches('/').to_owned())
            }
            Some(b) => {
                return Err(Error::BadEnv { name: "DISCORD_API_BASE", reason: format!("{b:?} is not an http(s) URL") })
            }
        };
        let fetch = FetchConfig::from_env().map_err(|reason| Error::BadEnv { name: "the fetch settings", reason })?;
        let work_slots = match env("PARLEY_WORK_SLOTS") {
            None => default_work_slots(),
            Some(v) => v.parse::<usize>().ok().filter(|n| (1..=1024).contains(n)).ok_or_else(|| Error::BadEnv {
                name: "PARLEY_WORK_SLOTS",
                reason: format!("{v:?} is not a number from 1 to 1024"),
            })?,
        };
        Ok(Config {
            token: env("DISCORD_TOKEN").map(Token),
            application_id: id("DISCORD_APPLICATION_ID")?,
            guild_id: id("DISCORD_GUILD_ID")?.map(GuildId::new),
            public_key,
            api_base,
            moderator_role: id("PARLEY_MODERATOR_ROLE")?.map(RoleId::new),
            audit_channel: id("PARLEY_AUDIT_CHANNEL")?.map(ChannelId::new),
            fetch,
            work_slots,
        })
    }

    /// The REST client: pointed at `api_base` when set (serenity's proxy
    /// only takes effect with its rate limiter off), no default mentions.
    pub fn http(&self) -> Http {
        let token = self.token.as_ref().map_or("", Token::expose);
        let mut b = HttpBuilder::new(token).default_allowed_mentions(convert::no_mentions());
        if let Some(base) = &self.api_base {
            b = b.proxy(base.clone()).ratelimiter_disabled(true);
        }
        if let Some(app) = self.application_id {
            b = b.application_id(app.into());
        }
        b.build()
    }
}

/// Runs the bot until the process is stopped (Ctrl-C or SIGTERM) or the
/// connection fails for good.
pub async fn serve(engine: Arc<Engine>, opts: ServeOptions) -> Result<(), Error> {
    let config = Arc::new(Config::from_env()?);
    if opts.http.is_none() && config.token.is_none() {
        return Err(Error::MissingEnv {
            name: "DISCORD_TOKEN",
            hint: "copy the bot token from the Discord developer portal (Bot → Reset Token); see docs/DISCORD.md",
        });
    }
    let http = Arc::new(config.http());
    let follow = CorpusWatchConfig::from_env().map_err(|reason| Error::BadEnv { name: RESCAN_ENV, reason })?;
    engine.embed_in_background();
    let bot_config = BotConfig::new(&engine);
    let mut bot = Bot::new(engine, bot_config);
    if let (Some(channel), Some(_)) = (config.audit_channel, &config.token) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        bot = bot.with_audit_hook(Box::new(move |e| {
            let _ = tx.send(e.summary());
        }));
        let http = Arc::clone(&http);
        tokio::spawn(async move {
            while let Some(text) = rx.recv().await {
                let msg = CreateMessage::new()
                    .content(crate::bot::markdown::cut(&text, 2000))
                    .allowed_mentions(convert::no_mentions());
                if let Err(e) = channel.send_message(&*http, msg).await {
                    tracing::warn!("cannot post to the audit channel: {e}");
                }
            }
        });
    } else if config.audit_channel.is_some() {
        tracing::warn!("PARLEY_AUDIT_CHANNEL is set but DISCORD_TOKEN is not: audit events go to the audit file only");
    }
    let bot = Arc::new(bot);
    start_watches(&bot, &http, &config);
    #[cfg(unix)]
    let _shell = take_shell_commands(&bot, &config);
    // Hand edits of corpus/ (after the watches' hook: they announce arrivals too).
    let hand_edits = CorpusWatch::start(Arc::clone(bot.engine()), follow);
    // The feed scheduler: polls due feeds until the bot stops, then ends
    // after the item at hand. Articles it adds reach the watches through
    // the engine's arrival hooks, like any other.
    let poller = Arc::new(crate::feeds::Poller::new(
        Arc::clone(bot.engine()),
        crate::feeds::PollConfig::new(config.fetch.clone()),
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(crate::feeds::poll::run_scheduler(Arc::clone(&poller), stopped));
    let handler = Arc::new(handler::Handler::new(bot, Arc::clone(&config)).with_poller(Arc::clone(&poller)));
    let served = match opts.http {
        Some(addr) => endpoint::serve(handler, http, addr).await,
        None => gateway::serve(handler, config.http()).await,
    };
    poller.stop();
    let _ = tokio::task::spawn_blocking(move || drop(hand_edits)).await;
    let _ = stop.send(true);
    if tokio::time::timeout(std::time::Duration::from_secs(15), scheduler).await.is_err() {
        tracing::warn!("the feed scheduler did not stop in time; a poll was cut short (it resumes next time)");
    }
    served
}

/// Takes writing commands from shells while the bot runs (see
/// [`crate::handoff`]): performed like the bot's own additions (vectors in
/// the background, arrivals to the watches) and written to the audit log.
/// The socket goes when the returned server is dropped, as serving ends.
#[cfg(unix)]
fn take_shell_commands(bot: &Arc<Bot>, config: &Config) -> Option<crate::handoff::server::Server> {
    use crate::handoff::server::{Server, ServerConfig};
    let audit = Arc::clone(bot);
    let on_done: crate::handoff::server::DoneHook = Box::new(move |user, summary, result| {
        for event in crate::bot::audit::shell_events(user, summary, result) {
            audit.audit_log().record(event);
        }
    });
    let perform =
        crate::handoff::PerformConfig { fetch: config.fetch.clone(), vectors: crate::handoff::VectorMode::Background };
    match Server::start(Arc::clone(bot.engine()), ServerConfig { perform, on_done: Some(on_done) }) {
        Ok(server) => Some(server),
        Err(e) => {
            tracing::warn!("{:#}; shell commands cannot be handed to the bot", anyhow::Error::from(e));
            None
        }
    }
}

/// Starts posting watch alerts: the engine's arrivals feed [`watch::run`],
/// which first catches up on what the cursor has not seen. Needs the token
/// (alerts are posted over REST).
fn start_watches(bot: &Arc<Bot>, http: &Arc<Http>, config: &Config) {
    if config.token.is_none() {
        tracing::warn!("DISCORD_TOKEN is not set: watch alerts cannot be posted by this process");
        return;
    }
    if bot.watches().is_none() {
        return;
    }
    let engine = bot.engine();
    let cursor = match engine
        .article_ids()
        .map_err(|e| e.to_string())
        .and_then(|ids| crate::engine::Cursor::open(engine.data_dir(), ids).map_err(|e| e.to_string()))
    {
        Ok(c) => Arc::new(c),
        Err(e) => {
            tracing::error!("watch alerts are off: {e}");
            return;
        }
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    engine.on_arrival(Box::new(move |ids| {
        let _ = tx.send(ids.to_vec());
    }));
    tokio::spawn(watch::run(Arc::clone(bot), Arc::clone(http), cursor, rx));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_and_tokens_stay_hidden() {
        assert_eq!(hex_key(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(hex_key("abc"), None);
        assert_eq!(hex_key(&"zz".repeat(32)), None);
        assert_eq!(hex_key(&"é".repeat(32)), None);
        let c = Config { token: Some(Token("secret-token-value".into())), ..Config::default() };
        assert!(!format!("{c:?}").contains("secret-token-value"));
    }
}
