//! The fake's REST API (`/api/v10/...`) and its attachment downloads
//! (`/attachments/...`): the routes the bot uses, each request recorded,
//! each body checked ([`super::spec`]) and Discord's answers, including its
//! errors (10062 unknown interaction, 40060 already acknowledged, 50035
//! invalid form body, 10015 unknown webhook).
//!
//! Routing and bookkeeping only; the payload shapes live in `payloads`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::payloads;
use super::spec;
use super::{Registration, Request, Shared, Upload};

/// The largest file Discord takes without boosts.
pub const MAX_UPLOAD: usize = 8 << 20;

/// Largest body the fake reads.
const MAX_BODY: usize = 32 << 20;

/// What a route answers.
enum Answer {
    Json(u16, Value),
    Empty(u16),
    Bytes(String, Arc<Vec<u8>>),
    Redirect(String),
}

fn error(status: u16, code: u64, message: &str) -> Answer {
    Answer::Json(status, json!({ "code": code, "message": message }))
}

fn invalid_form(problems: &[String]) -> Answer {
    Answer::Json(
        400,
        json!({ "code": 50035, "message": "Invalid Form Body", "errors": { "_errors": problems.iter().map(|p| json!({"code": "BASE_TYPE_INVALID", "message": p})).collect::<Vec<_>>() } }),
    )
}

/// Serves the REST API until the runtime stops.
pub async fn serve(shared: Arc<Shared>, listener: TcpListener) {
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let shared = shared.clone();
        async move { handle(shared, req).await }
    });
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("fake discord: REST server stopped: {e}");
    }
}

async fn handle(shared: Arc<Shared>, req: axum::extract::Request) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let headers = req.headers().clone();
    let at = Instant::now();
    let bytes = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            return respond(Answer::Json(
                413,
                json!({ "code": 40005, "message": format!("Request entity too large: {e}") }),
            ))
        }
    };
    let (body, uploads, answer) = match parse_body(&headers, &bytes) {
        Ok((body, uploads)) => {
            let answer = route(&shared, &method, &path, &headers, body.as_ref(), &uploads);
            (body, uploads, answer)
        }
        Err(reason) => {
            let raw = json!(String::from_utf8_lossy(&bytes[..bytes.len().min(2000)]));
            shared.violation(&format!("{method} {path}"), vec![reason.clone()], &raw);
            (None, Vec::new(), error(400, 50109, "The request body contains invalid JSON."))
        }
    };
    let status = match &answer {
        Answer::Json(s, _) | Answer::Empty(s) => *s,
        Answer::Bytes(..) => 200,
        Answer::Redirect(_) => 302,
    };
    shared.lock().requests.push(Request { method, path, query, body, uploads, status, at });
    shared.notify();
    respond(answer)
}

fn respond(answer: Answer) -> Response {
    let (status, content_type, body) = match answer {
        Answer::Json(s, v) => (s, "application/json".to_owned(), Body::from(v.to_string())),
        Answer::Empty(s) => (s, String::new(), Body::empty()),
        Answer::Bytes(ct, bytes) => (200, ct, Body::from(bytes.as_ref().clone())),
        Answer::Redirect(location) => {
            return Response::builder()
                .status(StatusCode::FOUND)
                .header("location", location)
                .body(Body::empty())
                .unwrap_or_else(|_| Response::new(Body::empty()))
        }
    };
    let mut builder =
        Response::builder().status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if !content_type.is_empty() {
        builder = builder.header("content-type", content_type);
    }
    builder.body(body).unwrap_or_else(|_| Response::new(Body::empty()))
}

/// The JSON body of a request: plain JSON, or the `payload_json` part of a
/// multipart form (serenity's way of sending files) with its file parts.
fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Result<(Option<Value>, Vec<Upload>), String> {
    if bytes.is_empty() {
        return Ok((None, Vec::new()));
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return multipart_payload(content_type, bytes);
    }
    serde_json::from_slice(bytes).map(|v| (Some(v), Vec::new())).map_err(|e| format!("the body is not JSON: {e}"))
}

/// A `name="…"` parameter of a part's `Content-Disposition` header.
fn disposition_param(head: &str, param: &str) -> Option<String> {
    let line = head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let key = format!("{param}=\"");
    let start = line.find(&key)? + key.len();
    let end = line[start..].find('"')? + start;
    Some(line[start..end].to_owned())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn multipart_payload(content_type: &str, bytes: &[u8]) -> Result<(Option<Value>, Vec<Upload>), String> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .ok_or("a multipart body without a boundary")?;
    let delimiter = format!("--{boundary}");
    let mut pos = find(bytes, delimiter.as_bytes(), 0).ok_or("a multipart body without its boundary")?;
    let mut payload = None;
    let mut uploads = Vec::new();
    while let Some(next) = find(bytes, delimiter.as_bytes(), pos + delimiter.len()) {
        let part = &bytes[pos + delimiter.len()..next];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        if let Some(split) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..split]).into_owned();
            let name = disposition_param(&head, "name").unwrap_or_default();
            if name == "payload_json" {
                let v: Value =
                    serde_json::from_slice(&part[split + 4..]).map_err(|e| format!("payload_json is not JSON: {e}"))?;
                payload = Some(v);
            } else if name.starts_with("files[") {
                let filename = disposition_param(&head, "filename").ok_or(format!("{name} has no filename"))?;
                let content_type = head
                    .lines()
                    .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-type")))
                    .map(|(_, v)| v.trim().to_owned())
                    .unwrap_or_default();
                uploads.push(Upload { field: name, filename, content_type, bytes: part[split + 4..].to_vec() });
            } else {
                return Err(format!("a multipart part Discord does not read: {name:?}"));
            }
        }
        pos = next;
    }
    Ok((payload.or(Some(json!({}))), uploads))
}

/// What Discord would refuse in a message's `attachments` against the
/// files uploaded beside it: each new attachment names a `files[id]` part,
/// each part is named, within the size limit, and described within 1,024.
pub fn check_uploads(data: &Value, uploads: &[Upload], at: &str) -> Vec<String> {
    let mut out = Vec::new();
    let listed: Vec<&Value> = data.get("attachments").and_then(Value::as_array).into_iter().flatten().collect();
    for (i, a) in listed.iter().enumerate() {
        let Some(id) = a.get("id").and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))) else {
            out.push(format!("{at}/attachments/{i}: no id"));
            continue;
        };
        let field = format!("files[{id}]");
        match uploads.iter().find(|u| u.field == field) {
            None => out.push(format!("{at}/attachments/{i}: no {field} part in the request")),
            Some(u) => {
                if a.get("filename").and_then(Value::as_str).is_some_and(|f| f != u.filename) {
                    out.push(format!("{at}/attachments/{i}: filename differs from the {field} part"));
                }
            }
        }
        if let Some(d) = a.get("description").and_then(Value::as_str) {
            if d.chars().count() > 1024 {
                out.push(format!("{at}/attachments/{i}/description: more than 1024 characters"));
            }
        }
    }
    for u in uploads {
        if u.bytes.is_empty() {
            out.push(format!("{}: an empty file", u.field));
        }
        if u.bytes.len() > MAX_UPLOAD {
            out.push(format!("{}: {} bytes, over the {} byte limit (40005)", u.field, u.bytes.len(), MAX_UPLOAD));
        }
        let id = u.field.trim_start_matches("files[").trim_end_matches(']');
        if !listed.iter().any(|a| a.get("id").map(|v| v.to_string().trim_matches('"') == id).unwrap_or(false)) {
            out.push(format!("{}: not listed in attachments", u.field));
        }
    }
    out
}

/// The attachment objects Discord shows on a message for accepted uploads.
fn attachment_objects(shared: &Shared, data: &Value, uploads: &[Upload]) -> Vec<Value> {
    uploads
        .iter()
        .map(|u| {
            let id = shared.next_id();
            let description = data
                .get("attachments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|a| a.get("filename").and_then(Value::as_str) == Some(u.filename.as_str()))
                .and_then(|a| a.get("description").cloned())
                .unwrap_or(Value::Null);
            json!({
                "id": id.to_string(),
                "filename": u.filename,
                "size": u.bytes.len(),
                "url": format!("{}/attachments/{id}/{}", shared.rest_base, u.filename),
                "proxy_url": format!("{}/attachments/{id}/{}", shared.rest_base, u.filename),
                "content_type": u.content_type,
                "description": description,
            })
        })
        .collect()
}

fn route(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: Option<&Value>,
    uploads: &[Upload],
) -> Answer {
    if let Some(rest) = path.strip_prefix("/attachments/") {
        let key = format!("/attachments/{rest}");
        let mut state = shared.lock();
        if let Some(location) = state.attachment_redirects.get(&key).cloned() {
            state.downloads.push(format!("{key} (redirected)"));
            return Answer::Redirect(location);
        }
        return match state.attachments.get(&key).cloned() {
            Some((ct, bytes)) if method == "GET" => {
                state.downloads.push(key);
                Answer::Bytes(ct, bytes)
            }
            _ => {
                state.downloads.push(format!("{key} (missing)"));
                error(404, 0, "404: Not Found")
            }
        };
    }
    let Some(api) = path.strip_prefix("/api/v10/") else {
        shared.lock().unknown.push(format!("{method} {path}"));
        return error(404, 0, "404: Not Found");
    };
    let segs: Vec<&str> = api.trim_end_matches('/').split('/').collect();
    let world = &shared.config.world;
    let app = world.application_id.to_string();
    let webhook_route = matches!(segs.first(), Some(&"interactions") | Some(&"webhooks"));
    if !webhook_route {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bot {}", shared.config.token) {
            shared.violation(
                &format!("{method} {path}"),
                vec!["missing or wrong `Authorization: Bot <token>` header".into()],
                &Value::Null,
            );
            return error(401, 0, "401: Unauthorized");
        }
    }
    match (method, segs.as_slice()) {
        ("GET", ["gateway"]) => Answer::Json(200, json!({ "url": shared.gateway_url })),
        ("GET", ["gateway", "bot"]) => Answer::Json(
            200,
            json!({ "url": shared.gateway_url, "shards": 1, "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } }),
        ),
        ("GET", ["users", "@me"]) => Answer::Json(200, payloads::ready(world, "", "")["user"].clone()),
        ("GET", ["applications", "@me"]) | ("GET", ["oauth2", "applications", "@me"]) => {
            Answer::Json(200, payloads::application(world))
        }
        ("PUT", ["applications", a, "commands"]) => {
            register(shared, *a == app, None, body, method, "/applications/{application_id}/commands")
        }
        ("PUT", ["applications", a, "guilds", g, "commands"]) => {
            let guild = g.parse().ok();
            register(
                shared,
                *a == app,
                guild,
                body,
                method,
                "/applications/{application_id}/guilds/{guild_id}/commands",
            )
        }
        ("POST", ["applications", a, "commands"]) => {
            create_one(shared, *a == app, None, body, "/applications/{application_id}/commands")
        }
        ("POST", ["applications", a, "guilds", g, "commands"]) => create_one(
            shared,
            *a == app,
            g.parse().ok(),
            body,
            "/applications/{application_id}/guilds/{guild_id}/commands",
        ),
        ("GET", ["applications", _, "commands"]) | ("GET", ["applications", _, "guilds", _, "commands"]) => {
            let state = shared.lock();
            let list = state
                .registration
                .as_ref()
                .map(|r| registered(shared, &state.command_ids, r))
                .unwrap_or_else(|| json!([]));
            Answer::Json(200, list)
        }
        ("POST", ["interactions", _id, token, "callback"]) => match body {
            Some(b) => callback(shared, token, b, uploads),
            None => error(400, 50109, "The request body contains invalid JSON."),
        },
        ("POST", ["webhooks", a, token]) => followup(shared, *a == app, token, body, uploads),
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            let state = shared.lock();
            match state.exchanges.get(*token).and_then(|e| e.original.clone()) {
                Some(m) => Answer::Json(200, m),
                None => error(404, 10008, "Unknown Message"),
            }
        }
        ("PATCH", ["webhooks", a, token, "messages", mid]) => edit(shared, *a == app, token, mid, body, uploads),
        ("DELETE", ["webhooks", _, token, "messages", _]) => {
            if shared.lock().exchanges.contains_key(*token) {
                Answer::Empty(204)
            } else {
                error(404, 10015, "Unknown Webhook")
            }
        }
        ("POST", ["channels", channel, "messages"]) => {
            let route = "POST /channels/{channel_id}/messages";
            let Some(body) = body else { return error(400, 50006, "Cannot send an empty message") };
            let mut problems = spec_problems(shared, "post", "/channels/{channel_id}/messages", body);
            problems.extend(spec::check_message(body, ""));
            problems.extend(spec::check_not_empty(body, "(body)"));
            if !problems.is_empty() {
                shared.violation(route, problems.clone(), body);
                return invalid_form(&problems);
            }
            let channel: u64 = channel.parse().unwrap_or(0);
            if shared.lock().forbidden_channels.contains(&channel) {
                shared.lock().refused_posts.push((channel, body.clone()));
                shared.notify();
                return error(403, 50001, "Missing Access");
            }
            let id = shared.next_id();
            let mut msg = payloads::message(world, id, body, None);
            msg["channel_id"] = json!(channel.to_string());
            shared.lock().channel_messages.push((channel, body.clone()));
            shared.notify();
            Answer::Json(200, msg)
        }
        _ => {
            shared.lock().unknown.push(format!("{method} {path}"));
            error(404, 0, "404: Not Found")
        }
    }
}

fn spec_problems(shared: &Shared, method: &str, spec_path: &str, body: &Value) -> Vec<String> {
    match &shared.spec {
        Some(spec) => spec.check_request(method, spec_path, body),
        None => Vec::new(),
    }
}

fn registered(shared: &Shared, ids: &std::collections::HashMap<String, u64>, r: &Registration) -> Value {
    let list = r.body.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.iter()
            .map(|c| {
                let name = c.get("name").and_then(Value::as_str).unwrap_or("");
                payloads::registered_command(&shared.config.world, ids.get(name).copied().unwrap_or(0), c, r.guild)
            })
            .collect(),
    )
}

fn register(
    shared: &Arc<Shared>,
    app_ok: bool,
    guild: Option<u64>,
    body: Option<&Value>,
    method: &str,
    spec_path: &str,
) -> Answer {
    let route = format!("{} {spec_path}", method.to_uppercase());
    let Some(body) = body else { return error(400, 50109, "The request body contains invalid JSON.") };
    if !app_ok {
        shared.violation(&route, vec!["commands registered for another application id".into()], body);
        return error(403, 50001, "Missing Access");
    }
    if guild.is_some_and(|g| g != shared.config.world.guild_id) {
        shared.violation(
            &route,
            vec![format!("commands registered for guild {guild:?}, not the configured one")],
            body,
        );
        return error(403, 50001, "Missing Access");
    }
    let mut problems = spec_problems(shared, "put", spec_path, body);
    problems.extend(spec::check_commands(body));
    if !problems.is_empty() {
        shared.violation(&route, problems.clone(), body);
        return invalid_form(&problems);
    }
    let mut state = shared.lock();
    for c in body.as_array().into_iter().flatten() {
        if let Some(name) = c.get("name").and_then(Value::as_str) {
            if !state.command_ids.contains_key(name) {
                let id = shared.next_id();
                state.command_ids.insert(name.to_owned(), id);
            }
        }
    }
    let reg = Registration { guild, body: body.clone() };
    let out = registered(shared, &state.command_ids, &reg);
    state.registration = Some(reg);
    drop(state);
    shared.notify();
    Answer::Json(200, out)
}

fn create_one(shared: &Arc<Shared>, app_ok: bool, guild: Option<u64>, body: Option<&Value>, spec_path: &str) -> Answer {
    let route = format!("POST {spec_path}");
    let Some(body) = body else { return error(400, 50109, "The request body contains invalid JSON.") };
    if !app_ok {
        shared.violation(&route, vec!["command created for another application id".into()], body);
        return error(403, 50001, "Missing Access");
    }
    let mut problems = spec_problems(shared, "post", spec_path, body);
    problems.extend(spec::check_commands(&json!([body])));
    if !problems.is_empty() {
        shared.violation(&route, problems.clone(), body);
        return invalid_form(&problems);
    }
    let name = body.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
    let mut state = shared.lock();
    let id = *state.command_ids.entry(name.clone()).or_insert_with(|| shared.next_id());
    let mut list: Vec<Value> = state.registration.as_ref().and_then(|r| r.body.as_array().cloned()).unwrap_or_default();
    list.retain(|c| c.get("name").and_then(Value::as_str) != Some(name.as_str()));
    list.push(body.clone());
    state.registration = Some(Registration { guild, body: Value::Array(list) });
    drop(state);
    shared.notify();
    Answer::Json(201, payloads::registered_command(&shared.config.world, id, body, guild))
}

/// Which response types Discord allows for each interaction type.
fn allowed_response(interaction_type: u64, response_type: u64) -> bool {
    match interaction_type {
        1 => response_type == 1,
        2 => matches!(response_type, 4 | 5 | 9),
        3 => matches!(response_type, 4 | 5 | 6 | 7 | 9),
        4 => response_type == 8,
        5 => matches!(response_type, 4..=7),
        _ => false,
    }
}

/// Checks an initial response and, when Discord would take it, records it.
/// Returns the status and error body Discord would answer.
fn callback(shared: &Arc<Shared>, token: &str, body: &Value, uploads: &[Upload]) -> Answer {
    let route = "POST /interactions/{interaction_id}/{interaction_token}/callback";
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let mut problems =
        spec_problems(shared, "post", "/interactions/{interaction_id}/{interaction_token}/callback", body);
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    match kind {
        4 => {
            problems.extend(spec::check_message(&data, "/data"));
            problems.extend(spec::check_not_empty(&data, "/data"));
        }
        7 => problems.extend(spec::check_message(&data, "/data")),
        8 => problems.extend(spec::check_autocomplete(&data, "/data")),
        _ => {}
    }
    problems.extend(check_uploads(&data, uploads, "/data"));
    let world = shared.config.world.clone();
    let mut state = shared.lock();
    let Some(ex) = state.exchanges.get_mut(token) else {
        drop(state);
        shared.violation(
            route,
            vec![format!("a response to an interaction token the fake never issued ({token})")],
            body,
        );
        return error(404, 10062, "Unknown interaction");
    };
    if !allowed_response(ex.action_type, kind) {
        problems.push(format!("response type {kind} is not allowed for an interaction of type {}", ex.action_type));
    }
    if !problems.is_empty() {
        drop(state);
        shared.violation(route, problems.clone(), body);
        return invalid_form(&problems);
    }
    let elapsed = ex.sent_at.elapsed();
    if ex.callback.is_some() {
        let e = json!({ "code": 40060, "message": "Interaction has already been acknowledged." });
        ex.refused.push(e.clone());
        drop(state);
        shared.violation(route, vec!["a second initial response to the same interaction (40060)".into()], body);
        return Answer::Json(400, e);
    }
    if elapsed > shared.config.deadline {
        let e = json!({ "code": 10062, "message": "Unknown interaction" });
        ex.refused.push(e.clone());
        drop(state);
        shared.violation(
            route,
            vec![format!("the initial response came {elapsed:?} after the interaction, past Discord's 3 s (10062)")],
            body,
        );
        return Answer::Json(404, e);
    }
    ex.callback = Some((body.clone(), elapsed));
    ex.files.extend(uploads.iter().cloned());
    let member = ex.member.clone();
    let interaction_id = ex.id;
    let msg_id = shared.next_id();
    let attached = attachment_objects(shared, &data, uploads);
    match kind {
        4 | 7 => {
            let mut m = payloads::message(&world, msg_id, &data, Some((interaction_id, &member)));
            m["attachments"] = json!(attached);
            ex.original = Some(m);
        }
        5 => {
            // The "thinking…" message a deferral shows until it is edited.
            let flags = data.get("flags").cloned().unwrap_or(json!(0));
            ex.original = Some(payloads::message(
                &world,
                msg_id,
                &json!({ "content": "", "flags": flags }),
                Some((interaction_id, &member)),
            ));
        }
        6 => {
            // A deferred update: nothing changes yet; `@original` is now
            // the message the button is on, edited when the answer comes.
            ex.original = ex.source.clone();
        }
        _ => {}
    }
    drop(state);
    shared.notify();
    Answer::Empty(204)
}

/// The HTTP endpoint's response body, judged as if it were a callback.
pub fn accept_callback(shared: &Arc<Shared>, token: &str, body: &Value) -> Vec<String> {
    let before = shared.lock().violations.len();
    let _ = callback(shared, token, body, &[]);
    let state = shared.lock();
    state.violations[before..].iter().flat_map(|v| v.problems.clone()).collect()
}

fn followup(shared: &Arc<Shared>, app_ok: bool, token: &str, body: Option<&Value>, uploads: &[Upload]) -> Answer {
    let route = "POST /webhooks/{webhook_id}/{webhook_token}";
    let Some(body) = body else { return error(400, 50006, "Cannot send an empty message") };
    if !app_ok {
        shared.violation(route, vec!["a follow-up to another application's webhook".into()], body);
        return error(404, 10015, "Unknown Webhook");
    }
    let mut problems = spec_problems(shared, "post", "/webhooks/{webhook_id}/{webhook_token}", body);
    problems.extend(spec::check_message(body, ""));
    problems.extend(spec::check_not_empty(body, "(body)"));
    problems.extend(check_uploads(body, uploads, ""));
    if !problems.is_empty() {
        shared.violation(route, problems.clone(), body);
        return invalid_form(&problems);
    }
    let world = shared.config.world.clone();
    let mut state = shared.lock();
    let Some(ex) = state.exchanges.get_mut(token) else {
        drop(state);
        shared.violation(route, vec![format!("a follow-up with a token the fake never issued ({token})")], body);
        return error(404, 10015, "Unknown Webhook");
    };
    if ex.callback.is_none() {
        drop(state);
        shared.violation(route, vec!["a follow-up before the initial response".into()], body);
        return error(404, 10015, "Unknown Webhook");
    }
    let id = shared.next_id();
    let mut msg = payloads::message(&world, id, body, Some((ex.id, &ex.member.clone())));
    msg["attachments"] = json!(attachment_objects(shared, body, uploads));
    ex.files.extend(uploads.iter().cloned());
    ex.followups.push(msg.clone());
    drop(state);
    shared.notify();
    Answer::Json(200, msg)
}

fn edit(
    shared: &Arc<Shared>,
    app_ok: bool,
    token: &str,
    message_id: &str,
    body: Option<&Value>,
    uploads: &[Upload],
) -> Answer {
    let spec_path = if message_id == "@original" {
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    } else {
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
    };
    let route = format!("PATCH {spec_path}");
    let Some(body) = body else { return error(400, 50006, "Cannot send an empty message") };
    if !app_ok {
        shared.violation(&route, vec!["an edit through another application's webhook".into()], body);
        return error(404, 10015, "Unknown Webhook");
    }
    let mut problems = spec_problems(shared, "patch", spec_path, body);
    problems.extend(spec::check_message(body, ""));
    problems.extend(check_uploads(body, uploads, ""));
    let attached = attachment_objects(shared, body, uploads);
    let mut state = shared.lock();
    let Some(ex) = state.exchanges.get_mut(token) else {
        drop(state);
        shared.violation(&route, vec![format!("an edit with a token the fake never issued ({token})")], body);
        return error(404, 10015, "Unknown Webhook");
    };
    if ex.callback.is_none() {
        problems.push("an edit before the initial response".into());
    }
    let target = if message_id == "@original" {
        ex.original.as_mut()
    } else {
        ex.followups.iter_mut().find(|m| m.get("id").and_then(Value::as_str) == Some(message_id))
    };
    let Some(target) = target else {
        drop(state);
        problems.push(format!("no message {message_id} to edit"));
        shared.violation(&route, problems, body);
        return error(404, 10008, "Unknown Message");
    };
    // The edited message as a whole must keep the limits too.
    let mut merged = target.clone();
    for key in ["content", "embeds", "components"] {
        if let Some(v) = body.get(key) {
            merged[key] = if key == "embeds" {
                Value::Array(
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .map(|e| {
                            let mut e = e.clone();
                            e["type"] = json!("rich");
                            e
                        })
                        .collect(),
                )
            } else {
                v.clone()
            };
        }
    }
    if problems.is_empty() {
        let mut whole = merged.clone();
        whole["allowed_mentions"] = body.get("allowed_mentions").cloned().unwrap_or(json!({ "parse": [] }));
        problems.extend(
            spec::check_message(&whole, "(after the edit)").into_iter().filter(|p| !p.contains("allowed_mentions")),
        );
    }
    if !problems.is_empty() {
        drop(state);
        shared.violation(&route, problems.clone(), body);
        return invalid_form(&problems);
    }
    if body.get("attachments").is_some() {
        merged["attachments"] = json!(attached);
    }
    *target = merged.clone();
    ex.files.extend(uploads.iter().cloned());
    ex.edits.push(body.clone());
    drop(state);
    shared.notify();
    Answer::Json(200, merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, filename, bytes) in parts {
            b.extend_from_slice(b"--XyZ\r\n");
            let file = filename.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
            b.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"{file}\r\n").as_bytes());
            if filename.is_some() {
                b.extend_from_slice(b"Content-Type: image/png\r\n");
            }
            b.extend_from_slice(b"\r\n");
            b.extend_from_slice(bytes);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        b
    }

    #[test]
    fn multipart_bodies_keep_their_files_and_are_checked() {
        let payload =
            br#"{"type":4,"data":{"content":"x","attachments":[{"id":0,"filename":"c.png","description":"alt"}]}}"#;
        let png: &[u8] = &[137, 80, 78, 71, 13, 10, 26, 10, 0, 13];
        let body = form(&[("payload_json", None, payload), ("files[0]", Some("c.png"), png)]);
        let (v, uploads) = multipart_payload("multipart/form-data; boundary=XyZ", &body).unwrap();
        assert_eq!(v.unwrap()["type"], 4);
        assert_eq!(uploads.len(), 1);
        assert_eq!((uploads[0].field.as_str(), uploads[0].filename.as_str()), ("files[0]", "c.png"));
        assert_eq!((uploads[0].content_type.as_str(), uploads[0].bytes.as_slice()), ("image/png", png));
        let data = serde_json::from_slice::<Value>(payload).unwrap()["data"].clone();
        assert!(check_uploads(&data, &uploads, "/data").is_empty());
        // A listed attachment without its part, a part nobody lists, a field Discord does not read.
        assert!(!check_uploads(&data, &[], "/data").is_empty());
        assert!(!check_uploads(&json!({}), &uploads, "").is_empty());
        let odd = form(&[("file", Some("c.png"), png)]);
        assert!(multipart_payload("multipart/form-data; boundary=XyZ", &odd).is_err());
    }
}
