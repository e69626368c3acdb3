//! The HTTP interactions endpoint: Discord POSTs each interaction, signed
//! with Ed25519 over `timestamp ++ body`. Requests with a bad signature or a
//! timestamp more than five minutes off are refused with 401; PING gets
//! PONG; everything else goes through the shared [`Handler`] and is
//! answered in the response body (deferred work follows over REST).
//!
//! Before trusting a request it reads only its headers: the signature must
//! look like one and the timestamp must be fresh before a byte of the body is
//! read, the body is bounded ([`Limits`]) and must arrive in time, and a
//! client that trickles its headers is cut off by hyper's header timeout. It
//! must NOT decide what a command does (that is [`Handler`]'s).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serenity::all::{Http, Interaction};
use serenity::interactions_endpoint::Verifier;
use tokio::sync::{watch, Semaphore};

use super::handler::{shutdown_signal, Handler};
use super::Error;

/// Largest clock difference accepted on `X-Signature-Timestamp`, either way:
/// five minutes, the window Discord's own libraries use against replays.
pub const MAX_SKEW_SECS: u64 = 300;

/// How much the endpoint reads and waits for, and how many clients it serves
/// at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body read. An interaction is a few KiB (a command with its
    /// options, or a modal's fields: five inputs of at most 4,000
    /// characters, ~20 KiB at worst, plus the member and channel objects);
    /// 64 KiB leaves room and keeps an unsigned flood cheap.
    pub max_body: usize,
    /// Time a client has to send its request headers (hyper's own timer).
    pub header_timeout: Duration,
    /// Time a client has to send its body once the headers are in.
    pub body_timeout: Duration,
    /// Connections served at once; more wait in the listen queue (not
    /// refused: a waiting Discord request is answered once a slot frees,
    /// and a slow client holds its slot at most the two timeouts above).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 64 * 1024,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            max_connections: 64,
        }
    }
}

impl Limits {
    /// The defaults, with `PARLEY_ENDPOINT_CONNECTIONS` (a positive number)
    /// overriding the connection cap, for operators and tests.
    pub fn from_env() -> Result<Limits, Error> {
        let mut limits = Limits::default();
        if let Ok(v) = std::env::var("PARLEY_ENDPOINT_CONNECTIONS") {
            limits.max_connections = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| Error::BadEnv {
                name: "PARLEY_ENDPOINT_CONNECTIONS",
                reason: format!("{v:?} is not a positive number"),
            })?;
        }
        Ok(limits)
    }
}

struct Endpoint {
    handler: Arc<Handler>,
    http: Arc<Http>,
    verifier: Verifier,
    limits: Limits,
}

/// The Unix time in `X-Signature-Timestamp`, if it is plain digits and
/// within [`MAX_SKEW_SECS`] of `now`. No input overflows: signs, spaces and
/// numbers beyond `u64` are refused, and the distance is taken unsigned.
pub fn fresh_timestamp(ts: &str, now: u64) -> Option<u64> {
    if ts.is_empty() || ts.len() > 20 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let when: u64 = ts.parse().ok()?;
    (when.abs_diff(now) <= MAX_SKEW_SECS).then_some(when)
}

/// The signature and timestamp headers, if present, shaped like Discord's
/// (128 hex digits) and fresh: checked before any of the body is read.
fn signed_headers(headers: &HeaderMap, now: u64) -> Option<(&str, &str)> {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let (sig, ts) = (get("X-Signature-Ed25519")?, get("X-Signature-Timestamp")?);
    if sig.len() != 128 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    fresh_timestamp(ts, now)?;
    Some((sig, ts))
}

/// Whether a request is Discord's: signature and timestamp.
pub fn verify(verifier: &Verifier, headers: &HeaderMap, body: &[u8], now: u64) -> bool {
    signed_headers(headers, now).is_some_and(|(sig, ts)| verifier.verify(sig, ts, body).is_ok())
}

/// A verified body as an interaction. Any bytes give an interaction or an
/// error, never a panic (fuzzed: `fuzz/fuzz_targets/discord_interaction.rs`).
pub fn read_interaction(body: &[u8]) -> serde_json::Result<Interaction> {
    serde_json::from_slice(body)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A refusal that closes the connection: the body may be left unread, so
/// the connection cannot carry another request (and the client must not
/// try).
fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, [(header::CONNECTION, "close")], why).into_response()
}

fn unauthorized() -> Response {
    refuse(StatusCode::UNAUTHORIZED, "invalid request signature")
}

fn too_large() -> Response {
    refuse(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
}

/// The body, within the size and time limits, or the response refusing it.
async fn read_body(limits: Limits, headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(limits.body_timeout, collect(body, limits.max_body)).await {
        Err(_) => Err(refuse(StatusCode::REQUEST_TIMEOUT, "request body too slow")),
        Ok(Err(BodyError::TooLarge)) => Err(too_large()),
        Ok(Err(BodyError::Unreadable)) => Err(refuse(StatusCode::BAD_REQUEST, "unreadable request body")),
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// The body's bytes, refused as soon as they pass `max` (whatever the
/// declared length said).
async fn collect(mut body: Body, max: usize) -> Result<Bytes, BodyError> {
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > max {
                return Err(BodyError::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}

async fn interactions(State(s): State<Arc<Endpoint>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if signed_headers(&parts.headers, now()).is_none() {
        return unauthorized();
    }
    let body = match read_body(s.limits, &parts.headers, body).await {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    if !verify(&s.verifier, &parts.headers, &body, now()) {
        return unauthorized();
    }
    let interaction = match read_interaction(&body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!("an interaction Parley cannot read: {e}");
            return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
        }
    };
    if let Interaction::Ping(_) = interaction {
        return ([(header::CONTENT_TYPE, "application/json")], r#"{"type":1}"#).into_response();
    }
    if s.http.application_id().is_none() {
        s.http.set_application_id(interaction.application_id());
    }
    let Some(resp) = s.handler.respond(&interaction).await else {
        return (StatusCode::BAD_REQUEST, "unsupported interaction").into_response();
    };
    // The response body is JSON: a message with a file is deferred and
    // sent as a multipart edit over REST.
    let resp = resp.without_files();
    let json = match serde_json::to_vec(&resp.initial) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!("cannot encode a response: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(later) = resp.later {
        let (handler, http, token) = (Arc::clone(&s.handler), Arc::clone(&s.http), interaction.token().to_owned());
        tokio::spawn(async move {
            // The acknowledgement travels in this response's body: give
            // Discord a moment to have it before editing it.
            tokio::time::sleep(Duration::from_millis(300)).await;
            handler.finish_later(&http, &token, later).await;
        });
    }
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// The router (also used by tests).
pub fn router(handler: Arc<Handler>, http: Arc<Http>, verifier: Verifier, limits: Limits) -> Router {
    let state = Arc::new(Endpoint { handler, http, verifier, limits });
    Router::new().route("/", post(interactions)).route("/interactions", post(interactions)).with_state(state)
}

/// Listens on `addr` until stopped.
pub async fn serve(handler: Arc<Handler>, http: Arc<Http>, addr: SocketAddr) -> Result<(), Error> {
    let key = handler.config().public_key.ok_or(Error::MissingEnv {
        name: "DISCORD_PUBLIC_KEY",
        hint: "the HTTP endpoint needs the application's public key (General Information page); see docs/DISCORD.md",
    })?;
    let verifier = Verifier::try_new(key)
        .map_err(|_| Error::BadEnv { name: "DISCORD_PUBLIC_KEY", reason: "not an Ed25519 public key".into() })?;
    if handler.config().token.is_some() {
        if http.application_id().is_none() {
            match http.get_current_application_info().await {
                Ok(app) => http.set_application_id(app.id),
                Err(e) => tracing::warn!("cannot learn the application id: {e}"),
            }
        }
        if http.application_id().is_some() {
            match super::gateway::register(&http, handler.config().guild_id).await {
                Ok(n) => tracing::info!(commands = n, "commands registered"),
                Err(e) => tracing::error!("cannot register the commands: {e}"),
            }
        }
    } else {
        tracing::info!("DISCORD_TOKEN is not set: commands are not registered by this process");
    }
    let limits = Limits::from_env()?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| Error::Bind { addr, source })?;
    tracing::info!(%addr, connections = limits.max_connections, "interactions endpoint listening");
    accept_loop(listener, router(handler, http, verifier, limits), limits).await
}

/// Serves connections until a shutdown signal, at most
/// `limits.max_connections` at once, then lets open ones finish (up to ten
/// seconds).
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, limits: Limits) -> Result<(), Error> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = async {
                // A slot first: while every slot is taken, new connections
                // wait in the kernel's listen queue.
                let slot = Arc::clone(&slots).acquire_owned().await;
                (slot, listener.accept().await)
            } => accepted,
        };
        let (Ok(slot), accepted) = accepted else { break };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: say so, breathe, go on.
                tracing::warn!("cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!("connection ended: {e}");
                    }
                    return;
                }
                _ = stop.changed() => conn.as_mut().graceful_shutdown(),
            }
            if let Err(e) = conn.await {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
    let _ = stop_tx.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(10), slots.acquire_many(all)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn headers(sig: &str, ts: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("X-Signature-Ed25519", sig.parse().unwrap());
        h.insert("X-Signature-Timestamp", ts.parse().unwrap());
        h
    }

    fn sign(key: &SigningKey, ts: &str, body: &[u8]) -> String {
        let mut m = ts.as_bytes().to_vec();
        m.extend_from_slice(body);
        key.sign(&m).to_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn only_fresh_requests_signed_with_the_key_pass() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let verifier = Verifier::try_new(key.verifying_key().to_bytes()).unwrap();
        let body = br#"{"type":1}"#;
        let now = 1_900_000_000;
        let ts = now.to_string();
        assert!(verify(&verifier, &headers(&sign(&key, &ts, body), &ts), body, now));
        assert!(!verify(&verifier, &headers(&sign(&key, &ts, body), &ts), br#"{"type":2}"#, now), "tampered");
        let other = SigningKey::from_bytes(&[4; 32]);
        assert!(!verify(&verifier, &headers(&sign(&other, &ts, body), &ts), body, now), "another key");
        let old = (now - 301).to_string();
        assert!(!verify(&verifier, &headers(&sign(&key, &old, body), &old), body, now), "stale");
        let future = (now + 301).to_string();
        assert!(!verify(&verifier, &headers(&sign(&key, &future, body), &future), body, now), "from the future");
        assert!(!verify(&verifier, &headers("zz", &ts), body, now), "not hex");
        assert!(!verify(&verifier, &HeaderMap::new(), body, now), "no headers");
        assert!(!verify(&verifier, &headers(&sign(&key, "x", body), "x"), body, now), "not a number");
        let min = i64::MIN.to_string();
        assert!(!verify(&verifier, &headers(&sign(&key, &min, body), &min), body, now), "i64::MIN");
    }

    #[test]
    fn timestamps_are_digits_within_five_minutes_and_never_overflow() {
        let now = 1_900_000_000;
        assert_eq!(fresh_timestamp("1900000000", now), Some(now));
        assert_eq!(fresh_timestamp("1900000300", now), Some(now + 300), "five minutes ahead");
        assert_eq!(fresh_timestamp("1899999700", now), Some(now - 300), "five minutes behind");
        for bad in [
            "1900000301",
            "1899999699",
            "0",
            "",
            " 1900000000",
            "+1900000000",
            "-1900000000",
            "1900000000.5",
            "19e8",
            "١٩٠٠٠٠٠٠٠٠",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "999999999999999999999999999999",
        ] {
            assert_eq!(fresh_timestamp(bad, now), None, "{bad:?}");
        }
        assert_eq!(fresh_timestamp("18446744073709551615", u64::MAX), Some(u64::MAX), "no overflow at the top");
        assert_eq!(fresh_timestamp("0", 0), Some(0), "nor at the bottom");
    }

    /// The fuzz target's seeds (fictional interactions of every kind the
    /// bot handles) stay interactions serenity reads, so the fuzzer starts
    /// from real shapes; and bytes that are not one are an error.
    #[test]
    fn the_fuzz_seeds_are_interactions_and_garbage_is_an_error() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/discord_interaction");
        let mut kinds = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let body = std::fs::read(&path).unwrap();
            let i = read_interaction(&body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            kinds.insert(format!("{:?}", i.kind()));
        }
        assert_eq!(kinds.len(), 5, "{kinds:?}");
        for garbage in [&b""[..], b"{", b"[]", b"{\"type\": 2}", b"\xff\xfe"] {
            assert!(read_interaction(garbage).is_err());
        }
    }
}
