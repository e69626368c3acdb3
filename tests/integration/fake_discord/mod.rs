//! A local Discord for the bot's end-to-end tests: a REST API ([`rest`],
//! axum) and a gateway ([`gateway`], tokio-tungstenite), both on 127.0.0.1
//! at random ports, run in-process on their own small tokio runtime.
//!
//! It keeps Discord's rules (3 s to acknowledge an interaction, one
//! acknowledgement, follow-ups only after it), checks every body the bot
//! sends against Discord's OpenAPI spec and the limits the spec cannot
//! express ([`spec`]), and records everything for the tests to assert on.
//! The payloads it sends are built in [`payloads`].
//!
//! It must not reach anything but 127.0.0.1 and must not know Parley's
//! internals: it sees the bot only through the protocol.

#![allow(dead_code)]

pub mod gateway;
pub mod payloads;
pub mod rest;
#[cfg(test)]
mod selftest;
pub mod spec;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc;

pub use payloads::{Action, Member, World};
use spec::Spec;

/// How the fake is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The bot token the fake accepts (without the `Bot ` prefix).
    pub token: String,
    pub world: World,
    /// The heartbeat interval announced in HELLO.
    pub heartbeat: Duration,
    /// Time allowed for the first response to an interaction.
    pub deadline: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            token: "test-token.NOT-A-REAL-TOKEN.parley".to_owned(),
            world: World::default(),
            heartbeat: Duration::from_millis(1500),
            deadline: Duration::from_secs(3),
        }
    }
}

/// A file part of a multipart request (`files[n]`), kept for the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field: `files[0]`…
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One HTTP request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    /// The JSON body (for multipart requests, `payload_json`).
    pub body: Option<Value>,
    /// The files of a multipart request.
    pub uploads: Vec<Upload>,
    /// The status the fake answered with.
    pub status: u16,
    pub at: Instant,
}

/// Something the bot sent that Discord would refuse or that breaks the
/// rules, with the offending body.
#[derive(Debug, Clone)]
pub struct Violation {
    pub route: String,
    pub problems: Vec<String>,
    pub body: Value,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}:", self.route)?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        let body = serde_json::to_string_pretty(&self.body).unwrap_or_default();
        let body: String =
            if body.chars().count() > 3000 { body.chars().take(3000).chain("\n  …".chars()).collect() } else { body };
        write!(f, "  body: {body}")
    }
}

/// One interaction and everything the bot answered to it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub id: u64,
    pub token: String,
    pub action_type: u64,
    pub member: Member,
    pub sent_at: Instant,
    /// The accepted initial response (`{type, data}`) and when it came.
    pub callback: Option<(Value, Duration)>,
    pub followups: Vec<Value>,
    pub edits: Vec<Value>,
    /// The message Discord now shows for the initial response.
    pub original: Option<Value>,
    /// Error bodies the fake answered for this interaction (10062, 40060…).
    pub refused: Vec<Value>,
    /// Files the bot attached to its accepted response, edits and follow-ups.
    pub files: Vec<Upload>,
    /// For a button: the message it is on (what a deferred update, type
    /// 6, then edits as `@original`).
    pub source: Option<Value>,
}

/// The registered commands: where (`None` = global) and the request body.
#[derive(Debug, Clone)]
pub struct Registration {
    pub guild: Option<u64>,
    pub body: Value,
}

/// What happened on the gateway.
#[derive(Debug, Clone, Default)]
pub struct GatewayLog {
    pub connections: u64,
    pub identifies: Vec<Value>,
    pub resumes: Vec<Value>,
    pub heartbeats: u64,
    /// Query strings of the WebSocket upgrade requests (`v=10`…).
    pub queries: Vec<String>,
}

/// How to break the gateway connection.
#[derive(Debug, Clone, Copy)]
pub enum Disconnect {
    /// A close frame with this code (4000: unknown error, resumable).
    Close(u16),
    /// Op 7 RECONNECT, then the server closes.
    Reconnect,
    /// The TCP connection just goes away.
    Drop,
}

pub(crate) enum Outgoing {
    Frame(String),
    Close(u16),
    Drop,
}

/// The fake's mutable state, behind one lock.
#[derive(Default)]
pub(crate) struct State {
    pub requests: Vec<Request>,
    pub violations: Vec<Violation>,
    pub unknown: Vec<String>,
    pub exchanges: HashMap<String, Exchange>,
    pub token_of: HashMap<u64, String>,
    pub registration: Option<Registration>,
    pub command_ids: HashMap<String, u64>,
    pub channel_messages: Vec<(u64, Value)>,
    /// Channels the bot may no longer post in (answered 403).
    pub forbidden_channels: std::collections::HashSet<u64>,
    /// Posts refused that way: `(channel, body)`.
    pub refused_posts: Vec<(u64, Value)>,
    pub attachments: HashMap<String, (String, Arc<Vec<u8>>)>,
    /// Attachment paths answered with a redirect to this location.
    pub attachment_redirects: HashMap<String, String>,
    pub downloads: Vec<String>,
    pub gateway: GatewayLog,
    /// The current session: its id, last sequence number, the dispatches
    /// sent in it (for RESUME) and the live connection, if any.
    pub session_id: Option<String>,
    pub seq: u64,
    pub sent: Vec<(u64, String)>,
    pub live: Option<(u64, mpsc::UnboundedSender<Outgoing>)>,
}

pub(crate) struct Shared {
    pub config: Config,
    pub spec: Option<Arc<Spec>>,
    pub rest_base: String,
    pub gateway_url: String,
    state: Mutex<State>,
    changed: Condvar,
    next_id: AtomicU64,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn notify(&self) {
        self.changed.notify_all();
    }

    /// A fresh snowflake-looking id.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn violation(&self, route: &str, problems: Vec<String>, body: &Value) {
        eprintln!("fake discord: violation on {route}: {problems:?}");
        self.lock().violations.push(Violation { route: route.to_owned(), problems, body: body.clone() });
        self.notify();
    }

    /// Waits until `ready` says yes or the time is up.
    fn wait_until<T>(&self, timeout: Duration, mut ready: impl FnMut(&State) -> Option<T>) -> Option<T> {
        let end = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if let Some(t) = ready(&state) {
                return Some(t);
            }
            let now = Instant::now();
            if now >= end {
                return None;
            }
            state = self.changed.wait_timeout(state, end - now).unwrap_or_else(|p| p.into_inner()).0;
        }
    }
}

/// The handle tests hold. Dropping it stops the fake.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// What the bot answered to one interaction.
#[derive(Debug, Clone)]
pub struct Reply {
    pub id: u64,
    /// The initial response `{type, data}`.
    pub callback: Value,
    /// How long after the dispatch it came.
    pub after: Duration,
    pub followups: Vec<Value>,
    pub edits: Vec<Value>,
    /// The message Discord shows for the initial response (for buttons).
    pub original: Option<Value>,
    pub refused: Vec<Value>,
    /// Files attached to the answer (accepted uploads).
    pub files: Vec<Upload>,
}

impl Reply {
    /// The response type (4 message, 5 deferred, 6 deferred update, 7
    /// update, 8 autocomplete, 9 modal…).
    pub fn kind(&self) -> u64 {
        self.callback.get("type").and_then(Value::as_u64).unwrap_or(0)
    }

    /// Every message body the member sees: the initial one (as edited) and
    /// the follow-ups.
    /// After a deferred update (type 6) the original is the button's
    /// message: one of these only once the bot edited it.
    pub fn messages(&self) -> Vec<Value> {
        let mut out = Vec::new();
        if let Some(o) = self.original.as_ref().filter(|_| self.kind() != 6 || !self.edits.is_empty()) {
            out.push(o.clone());
        }
        out.extend(self.followups.iter().cloned());
        out
    }

    /// The first visible message: the original (with edits) or the first
    /// follow-up.
    pub fn message(&self) -> Option<Value> {
        self.messages().into_iter().find(|m| {
            m.get("content").and_then(Value::as_str).is_some_and(|c| !c.is_empty())
                || m.get("embeds").and_then(Value::as_array).is_some_and(|e| !e.is_empty())
        })
    }

    /// Whether only the member sees the answer (flag 64 on the response).
    pub fn is_ephemeral(&self) -> bool {
        let flag =
            |v: Option<&Value>| v.and_then(|d| d.get("flags")).and_then(Value::as_u64).is_some_and(|f| f & 64 != 0);
        flag(self.callback.get("data")) || self.followups.first().is_some_and(|f| flag(Some(f)))
    }

    /// All the text shown: content, embed titles, descriptions, fields,
    /// footers and authors of every message, one per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for m in self.messages() {
            message_text(&m, &mut out);
        }
        if let Some(choices) = self.callback.pointer("/data/choices").and_then(Value::as_array) {
            for c in choices {
                out.push_str(c.get("name").and_then(Value::as_str).unwrap_or(""));
                out.push('\n');
            }
        }
        out
    }

    /// The custom ids of the buttons on the visible messages.
    pub fn buttons(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for m in self.messages() {
            for row in m.get("components").and_then(Value::as_array).into_iter().flatten() {
                for c in row.get("components").and_then(Value::as_array).into_iter().flatten() {
                    if let Some(id) = c.get("custom_id").and_then(Value::as_str) {
                        ids.push(id.to_owned());
                    }
                }
            }
        }
        ids
    }
}

/// Appends a message's visible text to `out`.
pub fn message_text(m: &Value, out: &mut String) {
    let mut push = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            if !s.is_empty() {
                out.push_str(s);
                out.push('\n');
            }
        }
    };
    push(m.get("content"));
    for e in m.get("embeds").and_then(Value::as_array).into_iter().flatten() {
        push(e.pointer("/author/name"));
        push(e.get("title"));
        push(e.get("description"));
        for f in e.get("fields").and_then(Value::as_array).into_iter().flatten() {
            push(f.get("name"));
            push(f.get("value"));
        }
        push(e.pointer("/footer/text"));
    }
}

impl FakeDiscord {
    /// Starts the fake with the default setup.
    pub fn start() -> FakeDiscord {
        FakeDiscord::start_with(Config::default())
    }

    pub fn start_with(config: Config) -> FakeDiscord {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-discord")
            .enable_all()
            .build()
            .expect("a tokio runtime for the fake Discord");
        let (rest_listener, gateway_listener) = runtime.block_on(async {
            let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake REST port");
            let gw = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake gateway port");
            (rest, gw)
        });
        let rest_addr = rest_listener.local_addr().expect("REST address");
        let gw_addr = gateway_listener.local_addr().expect("gateway address");
        let shared = Arc::new(Shared {
            config,
            spec: Spec::shared(),
            rest_base: format!("http://{rest_addr}"),
            gateway_url: format!("ws://{gw_addr}"),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            next_id: AtomicU64::new(1_900_000_000_000_000_000),
        });
        runtime.spawn(rest::serve(shared.clone(), rest_listener));
        runtime.spawn(gateway::serve(shared.clone(), gateway_listener));
        FakeDiscord { shared, runtime: Some(runtime) }
    }

    /// What `DISCORD_API_BASE` should be: `http://127.0.0.1:PORT`.
    pub fn api_base(&self) -> String {
        self.shared.rest_base.clone()
    }

    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    pub fn token(&self) -> String {
        self.shared.config.token.clone()
    }

    pub fn world(&self) -> World {
        self.shared.config.world.clone()
    }

    /// Whether the spec is loaded (it is unless `../shared` is absent).
    pub fn has_spec(&self) -> bool {
        self.shared.spec.is_some()
    }

    /// Waits for a live, identified (or resumed) gateway session.
    pub fn wait_ready(&self, timeout: Duration) -> Result<(), String> {
        self.shared
            .wait_until(timeout, |s| s.live.as_ref().map(|_| ()))
            .ok_or_else(|| format!("no gateway session within {timeout:?}; gateway log: {:?}", self.gateway_log()))
    }

    /// Waits until the bot registered its commands.
    pub fn wait_for_registration(&self, timeout: Duration) -> Result<Registration, String> {
        self.shared
            .wait_until(timeout, |s| s.registration.clone())
            .ok_or_else(|| format!("no command registration within {timeout:?}; requests: {:?}", self.request_lines()))
    }

    pub fn registered_commands(&self) -> Option<Registration> {
        self.shared.lock().registration.clone()
    }

    /// Builds an interaction and registers it as pending, without sending
    /// it (for the HTTP endpoint): `(id, token, payload)`.
    pub fn prepare(&self, action: &Action, member: &Member) -> (u64, String, Value) {
        let id = self.shared.next_id();
        let token = format!("itok{id}");
        let mut state = self.shared.lock();
        let command_id = match action {
            Action::Command { name, .. } | Action::Autocomplete { name, .. } | Action::MessageCommand { name, .. } => {
                state.command_ids.get(name).copied().unwrap_or(1_000_000_000_000_000_000 + name.len() as u64)
            }
            _ => 0,
        };
        let payload = payloads::interaction(&self.shared.config.world, id, &token, command_id, action, member);
        state.token_of.insert(id, token.clone());
        state.exchanges.insert(
            token.clone(),
            Exchange {
                id,
                token: token.clone(),
                action_type: action.type_number(),
                member: member.clone(),
                sent_at: Instant::now(),
                callback: None,
                followups: vec![],
                edits: vec![],
                original: None,
                refused: vec![],
                files: vec![],
                source: match action {
                    Action::Button { message, .. } => Some(message.clone()),
                    _ => None,
                },
            },
        );
        (id, token, payload)
    }

    /// Dispatches an `INTERACTION_CREATE` on the gateway; returns its id.
    /// Without a live connection the event waits for the bot to RESUME.
    pub fn send_interaction(&self, action: Action, member: &Member) -> u64 {
        let (id, token, payload) = self.prepare(&action, member);
        let mut state = self.shared.lock();
        if let Some(ex) = state.exchanges.get_mut(&token) {
            ex.sent_at = Instant::now();
        }
        gateway::dispatch(&mut state, "INTERACTION_CREATE", payload);
        id
    }

    /// Records the response the bot gave in an HTTP endpoint's body, so that
    /// follow-ups to it are accepted (and validates it like a callback).
    pub fn record_http_response(&self, id: u64, body: &Value) -> Vec<String> {
        let token = self.shared.lock().token_of.get(&id).cloned().unwrap_or_default();
        rest::accept_callback(&self.shared, &token, body)
    }

    /// Waits for the bot's answer to interaction `id`: its initial
    /// response and, when that is a deferral (type 5, or 6 for a button),
    /// the first edit or follow-up.
    pub fn wait_for_response(&self, id: u64, timeout: Duration) -> Result<Reply, String> {
        let got = self.shared.wait_until(timeout, |s| {
            let ex = s.exchanges.get(s.token_of.get(&id)?)?;
            let (callback, _) = ex.callback.as_ref()?;
            let deferred = matches!(callback.get("type").and_then(Value::as_u64), Some(5 | 6));
            if deferred && ex.edits.is_empty() && ex.followups.is_empty() {
                return None;
            }
            Some(reply_of(ex))
        });
        got.ok_or_else(|| {
            let state = self.shared.lock();
            let ex = state.token_of.get(&id).and_then(|t| state.exchanges.get(t));
            format!(
                "no answer to interaction {id} within {timeout:?} (callback: {:?}, refused: {:?}); violations: {}",
                ex.and_then(|e| e.callback.as_ref().map(|c| c.0.clone())),
                ex.map(|e| e.refused.clone()).unwrap_or_default(),
                state.violations.len()
            )
        })
    }

    /// The current state of interaction `id`, answered or not.
    pub fn exchange(&self, id: u64) -> Option<Exchange> {
        let state = self.shared.lock();
        state.token_of.get(&id).and_then(|t| state.exchanges.get(t)).cloned()
    }

    /// Registers a file the fake serves under `/attachments/…` and returns
    /// the attachment object an interaction carries.
    pub fn attach(&self, filename: &str, content_type: Option<&str>, bytes: Vec<u8>) -> Value {
        let id = self.shared.next_id();
        let path = format!("/attachments/{id}/{filename}");
        let url = format!("{}{path}", self.shared.rest_base);
        let size = bytes.len() as u64;
        self.shared
            .lock()
            .attachments
            .insert(path, (content_type.unwrap_or("application/octet-stream").to_owned(), Arc::new(bytes)));
        payloads::attachment(id, filename, content_type, size, &url)
    }

    /// Like [`FakeDiscord::attach`], but the attachment object declares
    /// `declared` bytes whatever it serves (a client that lies).
    pub fn attach_declared(&self, filename: &str, content_type: Option<&str>, bytes: Vec<u8>, declared: u64) -> Value {
        let mut a = self.attach(filename, content_type, bytes);
        a["size"] = Value::from(declared);
        a
    }

    /// An attachment whose download fails (404).
    pub fn attach_missing(&self, filename: &str, content_type: Option<&str>) -> Value {
        let id = self.shared.next_id();
        let url = format!("{}/attachments/{id}/{filename}", self.shared.rest_base);
        payloads::attachment(id, filename, content_type, 100, &url)
    }

    /// An attachment the fake answers with `302 Found` to `location`.
    pub fn attach_redirect(&self, filename: &str, content_type: Option<&str>, location: &str) -> Value {
        let id = self.shared.next_id();
        let path = format!("/attachments/{id}/{filename}");
        let url = format!("{}{path}", self.shared.rest_base);
        self.shared.lock().attachment_redirects.insert(path, location.to_owned());
        payloads::attachment(id, filename, content_type, 100, &url)
    }

    /// Paths of attachments the bot downloaded (or tried to: missing ones
    /// end in ` (missing)`).
    pub fn downloads(&self) -> Vec<String> {
        self.shared.lock().downloads.clone()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    fn request_lines(&self) -> Vec<String> {
        self.requests().iter().map(|r| format!("{} {} -> {}", r.method, r.path, r.status)).collect()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }

    /// Routes the fake does not serve that the bot asked for.
    pub fn unknown_routes(&self) -> Vec<String> {
        self.shared.lock().unknown.clone()
    }

    /// Messages posted to channels (the audit channel): `(channel, body)`.
    pub fn channel_messages(&self) -> Vec<(u64, Value)> {
        self.shared.lock().channel_messages.clone()
    }

    /// From now on, posts to `channel` get 403 Missing Access (the bot was
    /// removed from it, or lost Send Messages).
    pub fn forbid_channel(&self, channel: u64) {
        self.shared.lock().forbidden_channels.insert(channel);
    }

    /// Posts the fake refused with 403: `(channel, body)`.
    pub fn refused_posts(&self) -> Vec<(u64, Value)> {
        self.shared.lock().refused_posts.clone()
    }

    /// Messages posted to one channel.
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        self.channel_messages().into_iter().filter(|(c, _)| *c == channel).map(|(_, m)| m).collect()
    }

    /// Waits until `ready` holds for the channel messages and refused posts.
    pub fn wait_for_posts(
        &self,
        timeout: Duration,
        ready: impl Fn(&[(u64, Value)], &[(u64, Value)]) -> bool,
    ) -> Result<(), String> {
        self.shared
            .wait_until(timeout, |s| ready(&s.channel_messages, &s.refused_posts).then_some(()))
            .ok_or_else(|| format!("posts not as expected within {timeout:?}: {:?}", self.channel_messages()))
    }

    pub fn gateway_log(&self) -> GatewayLog {
        self.shared.lock().gateway.clone()
    }

    /// Breaks the live gateway connection; false when there is none.
    pub fn disconnect(&self, how: Disconnect) -> bool {
        let mut state = self.shared.lock();
        let Some((_, tx)) = state.live.take() else { return false };
        let out = match how {
            Disconnect::Close(code) => Outgoing::Close(code),
            Disconnect::Drop => Outgoing::Drop,
            Disconnect::Reconnect => {
                let _ = tx.send(Outgoing::Frame(r#"{"op":7,"d":null}"#.to_owned()));
                Outgoing::Close(4000)
            }
        };
        let _ = tx.send(out);
        true
    }

    /// Forgets the session (the next RESUME gets op 9, not resumable) and
    /// closes the connection with 4000: the bot must IDENTIFY anew.
    pub fn invalidate_session(&self) -> bool {
        self.shared.lock().session_id = None;
        self.disconnect(Disconnect::Close(4000))
    }

    /// Panics with every violation and unknown route seen so far.
    pub fn assert_clean(&self) {
        let violations = self.violations();
        let unknown = self.unknown_routes();
        if violations.is_empty() && unknown.is_empty() {
            return;
        }
        let mut msg = format!("the bot broke Discord's rules {} time(s)", violations.len());
        for v in violations.iter().take(8) {
            msg.push_str(&format!("\n{v}"));
        }
        if !unknown.is_empty() {
            msg.push_str(&format!("\nroutes the fake does not serve: {unknown:?}"));
        }
        panic!("{msg}");
    }
}

pub(crate) fn reply_of(ex: &Exchange) -> Reply {
    let (callback, after) = ex.callback.clone().unwrap_or((Value::Null, Duration::ZERO));
    Reply {
        id: ex.id,
        callback,
        after,
        followups: ex.followups.clone(),
        edits: ex.edits.clone(),
        original: ex.original.clone(),
        refused: ex.refused.clone(),
        files: ex.files.clone(),
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
