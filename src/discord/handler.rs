//! The one dispatch path both transports share: a serenity `Interaction`
//! in, the initial response out (plus deferred work), the engine called off
//! the async threads, downloads and fetches done here with their limits.
//!
//! Work is bounded: every interaction but autocomplete runs in one of a
//! few work slots (a semaphore, one per core by default); a member who
//! cannot get one within [`Pace::busy_wait`] is told Parley is busy. Whatever is
//! not answered within [`Pace::slow`] is acknowledged (deferred) and finished
//! later, so Discord's three seconds are kept for every kind that can be
//! deferred. It must not decide what a command does (that is the bot's).

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{CreateAttachment, CreateInteractionResponse, Http, Interaction};

use crate::bot::{Attachment, Bot, Fetched, Message, Reply, Work};
use crate::web::FetchConfig;

use super::convert::{self, ModeratorRule};
use super::Config;

const INTERNAL: &str = "Something went wrong on Parley's side. Try again in a moment.";

/// How long an attachment download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the bot waits before acknowledging, and for a work slot.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// An interaction not answered within this long (counted from when the
    /// bot got it, waiting for a slot included) is deferred, and its answer
    /// edited in (or followed up) when it comes: Discord allows three
    /// seconds, and the acknowledgement itself must still travel.
    pub slow: Duration,
    /// How long an interaction waits for a work slot before the member is
    /// told Parley is busy.
    pub busy_wait: Duration,
    /// How long deferred work (an addition, already acknowledged) waits
    /// for a work slot.
    pub deferred_wait: Duration,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace {
            slow: Duration::from_millis(1500),
            busy_wait: Duration::from_secs(1),
            deferred_wait: Duration::from_secs(30),
        }
    }
}

/// What a member is told when every work slot stays taken.
pub const BUSY: &str = "Parley is busy answering other questions right now. Try again in a moment.";

/// What to finish after the initial response.
pub enum Later {
    /// Deferred work (a download, a fetch, an addition).
    Work(Box<Work>),
    /// An interaction that was slow to answer. `update`: it was
    /// acknowledged as a deferred update of the message a button is on
    /// (type 6), so an updated message edits that message and a new
    /// message is sent as a follow-up; otherwise (type 5) the answer
    /// replaces "thinking…".
    Pending { task: tokio::task::JoinHandle<Reply>, update: bool },
    /// A message ready now that must be sent over REST (the HTTP endpoint
    /// cannot carry a file in its response body).
    Ready(Message),
}

/// What to send first, and what to finish after it.
pub struct Response {
    pub initial: CreateInteractionResponse,
    /// Files of the initial response: sent as multipart beside it.
    pub files: Vec<CreateAttachment>,
    pub later: Option<Later>,
    /// The message of the initial response, when it is one (for the HTTP
    /// endpoint to send over REST when it has a file).
    pub message: Option<Message>,
}

impl Response {
    fn only(initial: CreateInteractionResponse, later: Option<Later>) -> Response {
        Response { initial, files: Vec::new(), later, message: None }
    }

    /// For a transport that can only send JSON first: a response with
    /// files becomes "thinking…", then an edit with the files over REST.
    pub fn without_files(self) -> Response {
        match self.message {
            Some(m) if !self.files.is_empty() => {
                let ephemeral = m.is_ephemeral();
                Response::only(convert::defer(ephemeral), Some(Later::Ready(m)))
            }
            _ => self,
        }
    }
}

/// Redirects an attachment download may follow.
const MAX_REDIRECTS: usize = 5;

/// What a moderator is told when an attachment (or a redirect) points off
/// Discord's CDN.
const NOT_ON_CDN: &str =
    "the attachment is not on Discord's file server (cdn.discordapp.com), so it was not downloaded";

/// Where attachments may be downloaded from: Discord's CDN over HTTPS, and
/// the origin (host and port) of `DISCORD_API_BASE` when it is set (a
/// private or local Discord, as in the tests). Nothing else, redirects
/// included: an attachment URL is data from the interaction and must not
/// make the bot fetch from any host.
#[derive(Debug, Clone)]
pub struct AttachmentHosts {
    api_origin: Option<(String, u16)>,
}

impl AttachmentHosts {
    /// Discord's file servers.
    pub const CDN: [&'static str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

    pub fn new(api_base: Option<&str>) -> AttachmentHosts {
        let api_origin = api_base
            .and_then(|b| reqwest::Url::parse(b).ok())
            .and_then(|u| Some((u.host_str()?.to_ascii_lowercase(), u.port_or_known_default()?)));
        AttachmentHosts { api_origin }
    }

    pub fn allows(&self, url: &reqwest::Url) -> bool {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else { return false };
        let cdn = url.scheme() == "https" && port == 443 && Self::CDN.iter().any(|h| host.eq_ignore_ascii_case(h));
        let api = matches!(url.scheme(), "http" | "https")
            && self.api_origin.as_ref().is_some_and(|(h, p)| host.eq_ignore_ascii_case(h) && port == *p);
        cdn || api
    }
}

/// The bot, the configuration and an HTTP client for downloads.
pub struct Handler {
    bot: Arc<Bot>,
    config: Arc<Config>,
    rule: ModeratorRule,
    client: reqwest::Client,
    /// Where `client` may download attachments from (every redirect hop too).
    hosts: AttachmentHosts,
    fetch: FetchConfig,
    /// Runs `/corpus feed poll` (the scheduler's poller, so one feed is
    /// never polled twice at once).
    poller: Option<Arc<crate::feeds::Poller>>,
    /// The work slots: held while the bot works on an interaction (off the
    /// async threads), so at most this many run at once.
    slots: Arc<tokio::sync::Semaphore>,
    pace: Pace,
}

impl Handler {
    pub fn new(bot: Arc<Bot>, config: Arc<Config>) -> Handler {
        let hosts = AttachmentHosts::new(config.api_base.as_deref());
        let allowed = hosts.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if allowed.allows(attempt.url()) {
                attempt.follow()
            } else {
                attempt.error("a redirect away from Discord's CDN")
            }
        });
        let client = reqwest::Client::builder()
            .timeout(DOWNLOAD_TIMEOUT)
            .redirect(redirects)
            .user_agent(concat!("Parley/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let fetch = config.fetch.clone();
        let slots = if config.work_slots == 0 { super::default_work_slots() } else { config.work_slots };
        Handler {
            slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            pace: Pace::default(),
            bot,
            rule: ModeratorRule { role: config.moderator_role, guild: config.guild_id },
            config,
            client,
            hosts,
            fetch,
            poller: None,
        }
    }

    /// Serves `/corpus feed poll` with this poller.
    pub fn with_poller(mut self, poller: Arc<crate::feeds::Poller>) -> Handler {
        self.poller = Some(poller);
        self
    }

    /// Waits other than the defaults (tests).
    pub fn with_pace(mut self, pace: Pace) -> Handler {
        self.pace = pace;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The initial response to an interaction (PONG for a ping); None for
    /// kinds the bot does not handle.
    pub async fn respond(&self, interaction: &Interaction) -> Option<Response> {
        if let Interaction::Ping(_) = interaction {
            return Some(Response::only(CreateInteractionResponse::Pong, None));
        }
        let started = std::time::Instant::now();
        let inv = convert::invocation(interaction, &self.rule)?;
        // A slow answer is deferred: privately when the answer will be
        // private (`private:True`, and message commands, answered to the
        // member who used them only).
        let private = inv.kind == crate::bot::Kind::MessageCommand
            || inv.options.iter().any(|(n, v)| n == "private" && *v == crate::bot::OptionValue::Bool(true));
        let what = describe(&inv);
        let bot = Arc::clone(&self.bot);
        let joined = match interaction {
            // Autocomplete cannot be deferred and is cheap (cached sources,
            // its own rate limit): no slot, answered when ready.
            Interaction::Autocomplete(_) => tokio::task::spawn_blocking(move || bot.execute(inv)).await,
            _ => {
                let Ok(Ok(slot)) =
                    tokio::time::timeout(self.pace.busy_wait, Arc::clone(&self.slots).acquire_owned()).await
                else {
                    tracing::warn!("every work slot is taken; {what} is told to try again");
                    let busy = Reply::Message(Message::notice(BUSY));
                    return Some(Response::only(convert::response(&busy, false), None));
                };
                let mut task = tokio::task::spawn_blocking(move || {
                    let _slot = slot;
                    bot.execute(inv)
                });
                // Time left before acknowledging; none left (the wait for a
                // slot took it): acknowledge at once.
                let left = self.pace.slow.saturating_sub(started.elapsed());
                let answered = if left.is_zero() { None } else { tokio::time::timeout(left, &mut task).await.ok() };
                match answered {
                    Some(joined) => joined,
                    None => {
                        tracing::warn!("{what} is slow to answer; deferring it");
                        let (initial, update) = match interaction {
                            Interaction::Component(_) => (CreateInteractionResponse::Acknowledge, true),
                            // A form's answer is for the member who sent it.
                            Interaction::Modal(_) => (convert::defer(true), false),
                            _ => (convert::defer(private), false),
                        };
                        return Some(Response::only(initial, Some(Later::Pending { task, update })));
                    }
                }
            }
        };
        let reply = joined.unwrap_or_else(|e| {
            tracing::error!("the handler failed: {e}");
            Reply::notice(INTERNAL)
        });
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "{what} → {}", reply_kind(&reply));
        let component = matches!(interaction, Interaction::Component(_));
        let initial = convert::response(&reply, component);
        // A message with a file is kept whole, for a transport that must
        // send it over REST (see `Response::without_files`).
        let (files, message) = match &reply {
            Reply::Message(m) | Reply::Update(m) if m.file().is_some() => (convert::files(m), Some(m.clone())),
            _ => (Vec::new(), None),
        };
        let later = match reply {
            Reply::Defer { work, .. } => Some(Later::Work(work)),
            _ => None,
        };
        Some(Response { initial, files, later, message })
    }

    /// Does the I/O of deferred work, then lets the bot finish it.
    pub async fn work(&self, work: Work) -> Message {
        let fetched = match &work {
            Work::AddFile { attachment, max_bytes, .. } => match self.download(attachment, *max_bytes).await {
                Ok(bytes) => Fetched::Bytes(bytes),
                Err(reason) => Fetched::Failed(reason),
            },
            Work::AddUrl { url, .. } => match crate::web::fetch_article(url, &self.fetch).await {
                Ok(page) => Fetched::Page(Box::new(crate::engine::draft_from_extracted(page, url))),
                Err(e) => Fetched::Failed(e.to_string()),
            },
            Work::AddText { .. } => Fetched::Nothing,
            Work::PollFeeds { feed, .. } => match &self.poller {
                Some(p) => {
                    let which = match feed {
                        Some(id) => crate::feeds::poll::Which::One(id.clone()),
                        None => crate::feeds::poll::Which::All,
                    };
                    match p.poll(which).await {
                        Ok(report) => Fetched::Polled(Box::new(report)),
                        Err(e) => Fetched::Failed(e.to_string()),
                    }
                }
                None => Fetched::Failed("this bot runs no feed poller".into()),
            },
        };
        // The addition itself (parsing, indexing, committing) takes a slot;
        // the download or fetch before it did not.
        let Ok(Ok(slot)) = tokio::time::timeout(self.pace.deferred_wait, Arc::clone(&self.slots).acquire_owned()).await
        else {
            tracing::warn!("every work slot stayed taken; deferred work is told to try again");
            return Message::notice(BUSY);
        };
        let bot = Arc::clone(&self.bot);
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            bot.finish(work, fetched)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::error!("finishing deferred work failed: {e}");
            Message::notice(INTERNAL)
        })
    }

    /// Finishes what was deferred and edits the acknowledgement with it
    /// (or, after a deferred update, sends a new message as a follow-up).
    pub async fn finish_later(&self, http: &Http, token: &str, later: Later) {
        let (m, new_message) = match later {
            Later::Work(work) => (self.work(*work).await, false),
            Later::Ready(m) => (m, false),
            Later::Pending { task, update } => match task.await {
                Ok(Reply::Update(m)) => (m, false),
                Ok(Reply::Message(m)) => (m, update),
                Ok(Reply::Defer { work, .. }) => (self.work(*work).await, update),
                Ok(Reply::Modal(_) | Reply::Choices(_)) => {
                    (Message::notice("Parley was too slow to answer: try again."), update)
                }
                Err(e) => {
                    tracing::error!("the handler failed: {e}");
                    (Message::notice(INTERNAL), update)
                }
            },
        };
        let sent = if new_message {
            http.create_followup_message(token, &convert::followup(&m), convert::files(&m)).await.map(|_| ())
        } else {
            http.edit_original_interaction_response(token, &convert::edit(&m), convert::files(&m)).await.map(|_| ())
        };
        if let Err(e) = sent {
            tracing::warn!("cannot finish a deferred response: {e}");
        }
    }

    /// Downloads an attachment, refusing more than `max` bytes (by the
    /// declared length and while streaming).
    async fn download(&self, a: &Attachment, max: u64) -> Result<Vec<u8>, String> {
        let Ok(url) = reqwest::Url::parse(&a.url) else { return Err("the attachment has no web address".into()) };
        if !self.hosts.allows(&url) {
            return Err(NOT_ON_CDN.into());
        }
        let too_large = || format!("larger than {}", crate::bot::work::human_bytes(max));
        let fetch = async {
            let mut resp = self.client.get(url).send().await.map_err(|e| {
                if e.is_redirect() {
                    NOT_ON_CDN.to_owned()
                } else {
                    e.without_url().to_string()
                }
            })?;
            if !resp.status().is_success() {
                return Err(format!("Discord answered HTTP {}", resp.status().as_u16()));
            }
            if resp.content_length().is_some_and(|n| n > max) {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| e.without_url().to_string())? {
                if (body.len() + chunk.len()) as u64 > max {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        tokio::time::timeout(DOWNLOAD_TIMEOUT, fetch).await.map_err(|_| "the download timed out".to_owned())?
    }
}

/// An invocation for the debug log: kind, name, user id (never a token,
/// never option values).
fn describe(inv: &crate::bot::Invocation) -> String {
    let kind = match &inv.kind {
        crate::bot::Kind::Command => "command",
        crate::bot::Kind::Autocomplete { .. } => "autocomplete",
        crate::bot::Kind::Button => "button",
        crate::bot::Kind::ModalSubmit => "form",
        crate::bot::Kind::MessageCommand => "message command",
    };
    let sub = inv.subcommand.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
    let name: String = inv.name.split(':').next().unwrap_or("").chars().take(32).collect();
    format!("{kind} /{name}{sub} by {}{}", inv.user.id, if inv.user.is_moderator { " (moderator)" } else { "" })
}

fn reply_kind(r: &Reply) -> &'static str {
    match r {
        Reply::Message(m) if m.is_ephemeral() => "ephemeral message",
        Reply::Message(_) => "message",
        Reply::Update(_) => "update",
        Reply::Modal(_) => "form",
        Reply::Choices(_) => "choices",
        Reply::Defer { .. } => "deferred",
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stopping");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::BotConfig;
    use crate::engine::{Engine, EngineConfig};
    use serde_json::{json, Value};

    #[test]
    fn attachments_come_only_from_discords_cdn_or_the_configured_api() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        let discord = AttachmentHosts::new(None);
        assert!(discord.allows(&url("https://cdn.discordapp.com/attachments/1/2/a.md")));
        assert!(discord.allows(&url("https://MEDIA.discordapp.net/attachments/1/2/a.md")));
        for refused in [
            "http://cdn.discordapp.com/a.md",
            "https://cdn.discordapp.com:8443/a.md",
            "https://cdn.discordapp.com.evil.example/a.md",
            "https://evil.example/cdn.discordapp.com/a.md",
            "https://user@127.0.0.1/a.md",
            "file:///etc/passwd",
        ] {
            assert!(!discord.allows(&url(refused)), "{refused}");
        }
        let local = AttachmentHosts::new(Some("http://127.0.0.1:4000/api/v10"));
        assert!(local.allows(&url("http://127.0.0.1:4000/attachments/1/a.md")));
        assert!(!local.allows(&url("http://127.0.0.1:4001/attachments/1/a.md")), "another port");
        assert!(local.allows(&url("https://cdn.discordapp.com/a.md")));
    }

    fn interaction(kind: u8, data: Value, permissions: &str) -> Interaction {
        let mut v = interaction_value(kind, data, permissions);
        if kind == 3 {
            v["message"] = json!({
                "id": "1900", "channel_id": "1300", "content": "page 1",
                "author": {"id": "1200", "username": "parley", "discriminator": "0", "global_name": null, "avatar": null},
                "timestamp": "2031-01-01T00:00:00Z", "edited_timestamp": null, "tts": false,
                "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": false, "type": 0
            });
        }
        serde_json::from_value(v).expect("a valid interaction")
    }

    fn interaction_value(kind: u8, data: Value, permissions: &str) -> Value {
        json!({
            "id": "1100", "application_id": "1200", "type": kind, "token": "tok", "version": 1,
            "channel_id": "1300", "guild_id": "1400", "locale": "en-US", "entitlements": [],
            "attachment_size_limit": 26214400,
            "member": {
                "user": {"id": "1500", "username": "ana", "discriminator": "0", "global_name": "Ana", "avatar": null},
                "roles": [], "joined_at": "2031-01-01T00:00:00Z", "deaf": false, "mute": false, "flags": 0,
                "permissions": permissions
            },
            "data": data
        })
    }

    fn handler(dir: &std::path::Path) -> Handler {
        handler_with(dir, Config::default())
    }

    fn handler_with(dir: &std::path::Path, config: Config) -> Handler {
        let engine = Engine::open(EngineConfig::new(dir)).unwrap();
        let bot_config = BotConfig::new(&engine);
        Handler::new(Arc::new(Bot::new(Arc::new(engine), bot_config)), Arc::new(config))
    }

    #[tokio::test]
    async fn a_member_is_told_parley_is_busy_when_every_slot_stays_taken() {
        let dir = tempfile::tempdir().unwrap();
        let h = handler_with(dir.path(), Config { work_slots: 1, ..Config::default() })
            .with_pace(Pace { busy_wait: Duration::from_millis(50), ..Pace::default() });
        let taken = Arc::clone(&h.slots).acquire_owned().await.unwrap();
        let ask = interaction(2, json!({"id": "9", "name": "about", "type": 1}), "0");
        let r = h.respond(&ask).await.unwrap();
        let v = serde_json::to_value(&r.initial).unwrap();
        assert_eq!((v["type"].as_u64(), v["data"]["flags"].as_u64()), (Some(4), Some(64)), "{v}");
        assert_eq!(v["data"]["content"], BUSY);
        assert!(r.later.is_none());
        // Autocomplete takes no slot: still answered.
        let ac = interaction(
            4,
            json!({"id": "9", "name": "who-said", "type": 1,
                "options": [{"name": "person", "type": 3, "value": "", "focused": true}]}),
            "0",
        );
        let v = serde_json::to_value(&h.respond(&ac).await.unwrap().initial).unwrap();
        assert_eq!(v["type"], 8, "{v}");
        drop(taken);
        let v = serde_json::to_value(&h.respond(&ask).await.unwrap().initial).unwrap();
        assert_ne!(v["data"]["content"], BUSY, "answered once the slot is free: {v}");
    }

    #[tokio::test]
    async fn slow_buttons_and_forms_are_deferred_the_way_discord_allows() {
        let dir = tempfile::tempdir().unwrap();
        // The one slot frees after the time to acknowledge has passed, so
        // every interaction below is acknowledged first.
        let pace = Pace { slow: Duration::from_millis(20), busy_wait: Duration::from_secs(5), ..Pace::default() };
        let h = handler_with(dir.path(), Config { work_slots: 1, ..Config::default() }).with_pace(pace);
        let hold = |h: &Handler| {
            let slots = Arc::clone(&h.slots);
            async move {
                let taken = slots.acquire_owned().await.unwrap();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    drop(taken);
                });
            }
        };
        let button = interaction(3, json!({"custom_id": "ask:gone:5", "component_type": 2}), "0");
        hold(&h).await;
        let r = h.respond(&button).await.unwrap();
        assert_eq!(serde_json::to_value(&r.initial).unwrap()["type"], 6, "a deferred update");
        let Some(Later::Pending { task, update: true }) = r.later else { panic!("pending, as an update") };
        let Reply::Message(m) = task.await.unwrap() else { panic!("a notice") };
        assert!(m.is_ephemeral(), "sent as a private follow-up: {m:?}");

        let form = json!({"custom_id": "add-text", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "T"}]}]});
        hold(&h).await;
        let r = h.respond(&interaction(5, form, "0")).await.unwrap();
        let v = serde_json::to_value(&r.initial).unwrap();
        assert_eq!((v["type"].as_u64(), v["data"]["flags"].as_u64()), (Some(5), Some(64)), "{v}");
        assert!(matches!(r.later, Some(Later::Pending { update: false, .. })));

        let ask = interaction(2, json!({"id": "9", "name": "about", "type": 1}), "0");
        hold(&h).await;
        let v = serde_json::to_value(&h.respond(&ask).await.unwrap().initial).unwrap();
        assert_eq!((v["type"].as_u64(), v["data"]["flags"].as_u64().unwrap_or(0) & 64), (Some(5), 0), "public: {v}");
    }

    #[tokio::test]
    async fn one_dispatch_path_for_every_kind() {
        let dir = tempfile::tempdir().unwrap();
        let h = handler(dir.path());
        let ping: Interaction =
            serde_json::from_value(json!({"id": "1", "application_id": "2", "type": 1, "token": "t", "version": 1}))
                .unwrap();
        let r = h.respond(&ping).await.unwrap();
        assert_eq!(serde_json::to_value(&r.initial).unwrap()["type"], 1);

        // Answered at once, or (on a loaded machine, past the two seconds)
        // deferred with the same answer to follow: never timed here.
        let ask = interaction(2, json!({"id": "9", "name": "about", "type": 1}), "0");
        let r = h.respond(&ask).await.unwrap();
        let v = serde_json::to_value(&r.initial).unwrap();
        match (v["type"].as_u64(), r.later) {
            (Some(4), None) => assert_eq!(v["data"]["allowed_mentions"]["parse"], json!([])),
            (Some(5), Some(Later::Pending { task, .. })) => {
                let Reply::Message(m) = task.await.unwrap() else { panic!("an answer to /about") };
                assert!(!m.content().is_empty() || !m.embeds().is_empty());
            }
            (t, _) => panic!("/about answered with type {t:?}: {v}"),
        }

        let form = json!({"custom_id": "add-text", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "Ferry talks in Pellmouth"}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "body", "value": "The ferry talks opened in Pellmouth."}]}]});
        let member = h.respond(&interaction(5, form.clone(), "0")).await.unwrap();
        let v = serde_json::to_value(&member.initial).unwrap();
        assert_eq!((v["type"].as_u64(), v["data"]["flags"].as_u64()), (Some(4), Some(64)), "refused: {v}");
        assert!(member.later.is_none());

        let moderator = h.respond(&interaction(5, form, "32")).await.unwrap();
        let v = serde_json::to_value(&moderator.initial).unwrap();
        assert_eq!(v["type"], 5, "deferred: {v}");
        let Some(Later::Work(work)) = moderator.later else { panic!("deferred work") };
        let done = h.work(*work).await;
        assert!(done.content().starts_with("Added `ferry-talks-in-pellmouth`"), "{done:?}");
        assert_eq!(h.bot.engine().list().unwrap().len(), 1);
    }
}
