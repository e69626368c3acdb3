//! The HTTP interactions endpoint: Discord POSTs each interaction, signed
//! with Ed25519 over `timestamp ++ body`. Requests with a bad signature or a
//! timestamp more than five minutes off are refused with 401; PING gets
//! PONG; everything else goes through the shared [`Handler`] and is
//! answered in the response body (deferred work follows over REST).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serenity::all::{Http, Interaction};
use serenity::interactions_endpoint::Verifier;

use super::handler::{shutdown_signal, Handler};
use super::Error;

/// Largest clock difference accepted on `X-Signature-Timestamp`.
pub const MAX_SKEW_SECS: i64 = 300;

struct Endpoint {
    handler: Arc<Handler>,
    http: Arc<Http>,
    verifier: Verifier,
}

/// Whether a request is Discord's: signature and timestamp.
pub fn verify(verifier: &Verifier, headers: &HeaderMap, body: &[u8], now: i64) -> bool {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let (Some(sig), Some(ts)) = (get("X-Signature-Ed25519"), get("X-Signature-Timestamp")) else { return false };
    let Ok(when) = ts.trim().parse::<i64>() else { return false };
    if (now - when).abs() > MAX_SKEW_SECS {
        return false;
    }
    verifier.verify(sig, ts, body).is_ok()
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

async fn interactions(State(s): State<Arc<Endpoint>>, headers: HeaderMap, body: Bytes) -> Response {
    if !verify(&s.verifier, &headers, &body, now()) {
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
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
pub fn router(handler: Arc<Handler>, http: Arc<Http>, verifier: Verifier) -> Router {
    let state = Arc::new(Endpoint { handler, http, verifier });
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
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| Error::Bind { addr, source })?;
    tracing::info!(%addr, "interactions endpoint listening");
    axum::serve(listener, router(handler, http, verifier))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(Error::Endpoint)
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
    }
}
