//! The fake's gateway: plain `ws://`, JSON text frames. HELLO, then
//! IDENTIFY (checked: token with the `Bot ` prefix, no privileged intents)
//! answered by READY and GUILD_CREATE, or RESUME answered by a replay of
//! the missed dispatches and RESUMED; heartbeats acknowledged; dispatches
//! the tests script (`INTERACTION_CREATE`); forced disconnects.
//!
//! One live connection at a time, as with one shard. It must not know REST.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::payloads::{self, PRIVILEGED_INTENTS};
use super::{Outgoing, Shared, State};

/// How long the fake waits for IDENTIFY or RESUME after HELLO.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts gateway connections until the runtime stops.
pub async fn serve(shared: Arc<Shared>, listener: TcpListener) {
    let mut conn_id = 0u64;
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        conn_id += 1;
        tokio::spawn(connection(shared.clone(), stream, conn_id));
    }
}

/// Sends a dispatch in the current session (buffered for RESUME; written to
/// the live connection when there is one).
pub(crate) fn dispatch(state: &mut State, event: &str, d: Value) {
    state.seq += 1;
    let frame = json!({ "op": 0, "s": state.seq, "t": event, "d": d }).to_string();
    state.sent.push((state.seq, frame.clone()));
    if let Some((_, tx)) = &state.live {
        let _ = tx.send(Outgoing::Frame(frame));
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.to_owned().into() }))
}

async fn connection(shared: Arc<Shared>, stream: TcpStream, conn_id: u64) {
    let query = Arc::new(Mutex::new(String::new()));
    let seen = query.clone();
    // tungstenite's callback signature, not ours: its error type is large.
    #[allow(clippy::result_large_err)]
    let callback = move |req: &tokio_tungstenite::tungstenite::handshake::server::Request,
                         resp: tokio_tungstenite::tungstenite::handshake::server::Response| {
        if let Ok(mut q) = seen.lock() {
            *q = req.uri().query().unwrap_or("").to_owned();
        }
        Ok(resp)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else { return };
    let query = query.lock().map(|q| q.clone()).unwrap_or_default();
    {
        let mut state = shared.lock();
        state.gateway.connections += 1;
        state.gateway.queries.push(query.clone());
    }
    let (mut sink, mut source) = ws.split();
    if !query.split('&').any(|kv| kv == "v=10") {
        shared.violation(
            "gateway connect",
            vec![format!("the gateway URL asks for {query:?}, not v=10")],
            &Value::Null,
        );
    }
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": shared.config.heartbeat.as_millis() as u64 } });
    if sink.send(Message::Text(hello.to_string())).await.is_err() {
        return;
    }
    let first = match tokio::time::timeout(HANDSHAKE_TIMEOUT, next_json(&mut source)).await {
        Ok(Some(v)) => v,
        _ => {
            let _ = sink.send(close(4003, "Not authenticated.")).await;
            return;
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    let opening = match first.get("op").and_then(Value::as_u64) {
        Some(2) => identify(&shared, &first, conn_id, tx.clone()),
        Some(6) => resume(&shared, &first, conn_id, tx.clone()),
        _ => Err((4003, "Not authenticated.".to_owned())),
    };
    match opening {
        Ok(frames) => {
            for f in frames {
                if sink.send(Message::Text(f)).await.is_err() {
                    return;
                }
            }
        }
        Err((code, reason)) => {
            let _ = sink.send(close(code, &reason)).await;
            return;
        }
    }
    loop {
        tokio::select! {
            incoming = next_json(&mut source) => {
                let Some(msg) = incoming else { break };
                match msg.get("op").and_then(Value::as_u64) {
                    Some(1) => {
                        shared.lock().gateway.heartbeats += 1;
                        shared.notify();
                        if sink.send(Message::Text(json!({ "op": 11 }).to_string())).await.is_err() {
                            break;
                        }
                    }
                    Some(2) | Some(6) => {
                        let _ = sink.send(close(4005, "Already authenticated.")).await;
                        break;
                    }
                    _ => {}
                }
            }
            out = rx.recv() => match out {
                Some(Outgoing::Frame(f)) => {
                    if sink.send(Message::Text(f)).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let _ = sink.send(close(code, "forced by the test")).await;
                    break;
                }
                Some(Outgoing::Drop) | None => break,
            }
        }
    }
    let mut state = shared.lock();
    if state.live.as_ref().is_some_and(|(id, _)| *id == conn_id) {
        state.live = None;
    }
    drop(state);
    shared.notify();
}

/// The next JSON text (or zlib-free binary) frame; `None` when the socket
/// closes or breaks.
async fn next_json<S>(source: &mut S) -> Option<Value>
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match source.next().await? {
            Ok(Message::Text(t)) => match serde_json::from_str(&t) {
                Ok(v) => return Some(v),
                Err(_) => continue,
            },
            Ok(Message::Binary(b)) => {
                if let Ok(v) = serde_json::from_slice(&b) {
                    return Some(v);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

type Opening = Result<Vec<String>, (u16, String)>;

fn identify(shared: &Arc<Shared>, msg: &Value, conn_id: u64, tx: mpsc::UnboundedSender<Outgoing>) -> Opening {
    let d = msg.get("d").cloned().unwrap_or(Value::Null);
    shared.lock().gateway.identifies.push(redact(&d));
    let token = d.get("token").and_then(Value::as_str).unwrap_or("");
    if token != format!("Bot {}", shared.config.token) {
        let why = if token == shared.config.token { "the token lacks the `Bot ` prefix" } else { "wrong token" };
        shared.violation("gateway IDENTIFY", vec![why.to_owned()], &redact(&d));
        return Err((4004, "Authentication failed.".to_owned()));
    }
    let intents = d.get("intents").and_then(Value::as_u64).unwrap_or(0);
    if intents & PRIVILEGED_INTENTS != 0 {
        shared.violation(
            "gateway IDENTIFY",
            vec![format!("privileged intents requested: {:#x}", intents & PRIVILEGED_INTENTS)],
            &redact(&d),
        );
        return Err((4014, "Disallowed intent(s).".to_owned()));
    }
    let world = &shared.config.world;
    let mut state = shared.lock();
    let n = state.gateway.identifies.len();
    let session_id = format!("fake-session-{n}");
    state.session_id = Some(session_id.clone());
    state.seq = 0;
    state.sent.clear();
    state.live = Some((conn_id, tx));
    // Written through the live channel so they queue before any dispatch.
    dispatch(&mut state, "READY", payloads::ready(world, &session_id, &shared.gateway_url));
    dispatch(&mut state, "GUILD_CREATE", payloads::guild_create(world));
    drop(state);
    shared.notify();
    Ok(vec![])
}

fn resume(shared: &Arc<Shared>, msg: &Value, conn_id: u64, tx: mpsc::UnboundedSender<Outgoing>) -> Opening {
    let d = msg.get("d").cloned().unwrap_or(Value::Null);
    let mut state = shared.lock();
    state.gateway.resumes.push(redact(&d));
    let token_ok = d.get("token").and_then(Value::as_str) == Some(format!("Bot {}", shared.config.token).as_str());
    let session = d.get("session_id").and_then(Value::as_str);
    if !token_ok || session.is_none() || session != state.session_id.as_deref() {
        drop(state);
        shared.notify();
        // Invalid session, not resumable: the client must IDENTIFY anew.
        return Ok(vec![json!({ "op": 9, "d": false }).to_string()]);
    }
    let from = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let replay: Vec<String> = state.sent.iter().filter(|(s, _)| *s > from).map(|(_, f)| f.clone()).collect();
    for f in replay {
        let _ = tx.send(Outgoing::Frame(f));
    }
    state.live = Some((conn_id, tx));
    dispatch(&mut state, "RESUMED", json!({}));
    drop(state);
    shared.notify();
    Ok(vec![])
}

/// IDENTIFY/RESUME data without the token, for the logs.
fn redact(d: &Value) -> Value {
    let mut d = d.clone();
    if let Some(t) = d.get_mut("token") {
        *t = json!("<redacted>");
    }
    d
}
