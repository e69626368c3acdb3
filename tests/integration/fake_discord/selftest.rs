//! Tests of the fake itself, before any bot: the gateway handshake with a
//! tiny WebSocket client, the acknowledgement rules over REST, the spec
//! checks on good and bad bodies, and a reference serenity bot served end
//! to end (so a failure in the bot's scenarios is the bot's, not the fake's).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::payloads::{opt_str, Action, Member};
use super::spec::{self, Spec};
use super::{Config, Disconnect, FakeDiscord};

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a gateway frame within 5 s")
            .expect("the socket is open")
            .expect("a frame");
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).expect("JSON frame"),
            Message::Close(c) => return json!({ "closed": c.map(|c| u16::from(c.code)) }),
            _ => {}
        }
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string())).await.expect("send a frame");
}

async fn body_json(r: reqwest::Response) -> Value {
    let bytes = r.bytes().await.expect("a body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

fn identify(token: &str, intents: u64) -> Value {
    json!({ "op": 2, "d": { "token": format!("Bot {token}"), "intents": intents, "properties": { "os": "linux", "browser": "t", "device": "t" } } })
}

#[test]
fn fake_discord_gateway_handshake_heartbeat_dispatch_and_resume() {
    let fake = FakeDiscord::start();
    let rt = client_runtime();
    rt.block_on(async {
        let url = format!("{}/?v=10", fake.gateway_url());
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("connect");
        let hello = recv(&mut ws).await;
        assert_eq!(hello["op"], 10);
        assert!(hello["d"]["heartbeat_interval"].as_u64().is_some_and(|ms| ms > 0));
        send(&mut ws, identify(&fake.token(), 1 | (1 << 9))).await;
        let ready = recv(&mut ws).await;
        assert_eq!((ready["t"].as_str(), ready["s"].as_u64()), (Some("READY"), Some(1)));
        let r: serenity::model::gateway::Ready = serde_json::from_value(ready["d"].clone()).expect("READY for serenity");
        assert_eq!(r.session_id, "fake-session-1");
        assert_eq!(recv(&mut ws).await["t"], "GUILD_CREATE");
        send(&mut ws, json!({ "op": 1, "d": 2 })).await;
        assert_eq!(recv(&mut ws).await["op"], 11);

        let id = fake.send_interaction(Action::command("ask", vec![opt_str("question", "ceasefire")]), &Member::reader(1));
        let ev = recv(&mut ws).await;
        assert_eq!((ev["t"].as_str(), ev["s"].as_u64()), (Some("INTERACTION_CREATE"), Some(3)));
        assert_eq!(ev["d"]["id"], id.to_string());
        serde_json::from_value::<serenity::model::application::Interaction>(ev["d"].clone()).expect("serenity reads it");

        // A forced close, an event missed meanwhile, then RESUME replays it.
        assert!(fake.disconnect(Disconnect::Close(4000)));
        assert_eq!(recv(&mut ws).await["closed"], 4000);
        let missed = fake.send_interaction(Action::command("about", vec![]), &Member::reader(1));
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("reconnect");
        assert_eq!(recv(&mut ws).await["op"], 10);
        send(&mut ws, json!({ "op": 6, "d": { "token": format!("Bot {}", fake.token()), "session_id": "fake-session-1", "seq": 3 } })).await;
        let replayed = recv(&mut ws).await;
        assert_eq!(replayed["d"]["id"], missed.to_string());
        assert_eq!(recv(&mut ws).await["t"], "RESUMED");

        // A resume of an unknown session is refused with op 9.
        fake.disconnect(Disconnect::Drop);
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("reconnect");
        recv(&mut ws).await;
        send(&mut ws, json!({ "op": 6, "d": { "token": format!("Bot {}", fake.token()), "session_id": "nope", "seq": 1 } })).await;
        assert_eq!(recv(&mut ws).await, json!({ "op": 9, "d": false }));
    });
    let log = fake.gateway_log();
    assert_eq!((log.connections, log.identifies.len(), log.resumes.len(), log.heartbeats), (3, 1, 2, 1));
    assert!(log.identifies[0]["token"] == "<redacted>");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn fake_discord_gateway_refuses_bad_token_and_privileged_intents() {
    let fake = FakeDiscord::start();
    let rt = client_runtime();
    rt.block_on(async {
        let url = format!("{}/?v=10", fake.gateway_url());
        for (hello, code) in [(identify("wrong", 1), 4004), (identify(&fake.token(), 1 | (1 << 15)), 4014)] {
            let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("connect");
            recv(&mut ws).await;
            send(&mut ws, hello).await;
            assert_eq!(recv(&mut ws).await["closed"], code);
        }
    });
    assert_eq!(fake.violations().len(), 2);
}

#[test]
fn fake_discord_rest_enforces_acknowledgement_rules() {
    let fake = FakeDiscord::start_with(Config { deadline: Duration::from_millis(1_000), ..Config::default() });
    let base = fake.api_base();
    let app = fake.world().application_id;
    let http = reqwest::Client::builder().no_proxy().build().expect("client");
    let rt = client_runtime();
    rt.block_on(async {
        let auth = format!("Bot {}", fake.token());
        let gw: Value = body_json(http.get(format!("{base}/api/v10/gateway")).header("authorization", &auth).send().await.expect("GET /gateway")).await;
        assert_eq!(gw["url"], fake.gateway_url());
        let unauthorized = http.get(format!("{base}/api/v10/users/@me")).send().await.expect("GET");
        assert_eq!(unauthorized.status().as_u16(), 401);

        let (id, token, _) = fake.prepare(&Action::command("ask", vec![]), &Member::reader(1));
        let ok = json!({ "type": 4, "data": { "content": "Not covered in the corpus.", "allowed_mentions": { "parse": [] }, "flags": 64 } });
        let cb = format!("{base}/api/v10/interactions/{id}/{token}/callback");
        let first = http.post(&cb).header("content-type", "application/json").body(ok.to_string()).send().await.expect("callback");
        assert_eq!(first.status().as_u16(), 204);
        let second = http.post(&cb).header("content-type", "application/json").body(ok.to_string()).send().await.expect("callback again");
        assert_eq!(second.status().as_u16(), 400);
        assert_eq!(body_json(second).await["code"], 40060);
        let follow = http
            .post(format!("{base}/api/v10/webhooks/{app}/{token}?wait=true"))
            .header("content-type", "application/json")
            .body(json!({ "content": "more", "allowed_mentions": { "parse": [] } }).to_string())
            .send()
            .await
            .expect("follow-up");
        assert_eq!(follow.status().as_u16(), 200);
        let m: serenity::model::channel::Message = serde_json::from_value(body_json(follow).await).expect("a Message serenity reads");
        assert_eq!(m.content, "more");
        let edit = http
            .patch(format!("{base}/api/v10/webhooks/{app}/{token}/messages/@original"))
            .header("content-type", "application/json")
            .body(json!({ "content": "edited", "allowed_mentions": { "parse": [] } }).to_string())
            .send()
            .await
            .expect("edit");
        assert_eq!(edit.status().as_u16(), 200);
        let reply = fake.wait_for_response(id, Duration::from_secs(1)).expect("reply");
        assert_eq!(reply.kind(), 4);
        assert!(reply.is_ephemeral());
        assert_eq!(reply.text(), "edited\nmore\n");

        // Too late: past the deadline Discord forgets the interaction.
        let (late, late_token, _) = fake.prepare(&Action::command("ask", vec![]), &Member::reader(1));
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let r = http.post(format!("{base}/api/v10/interactions/{late}/{late_token}/callback")).header("content-type", "application/json").body(ok.to_string()).send().await.expect("late");
        assert_eq!(r.status().as_u16(), 404);
        assert_eq!(body_json(r).await, json!({ "code": 10062, "message": "Unknown interaction" }));

        // A body Discord refuses: no allowed_mentions, 6,001 characters over two embeds.
        let (bad, bad_token, _) = fake.prepare(&Action::command("ask", vec![]), &Member::reader(1));
        let big = |n: usize| json!({ "description": "x".repeat(n) });
        let body = json!({ "type": 4, "data": { "embeds": [big(4000), big(2001)] } });
        let r = http.post(format!("{base}/api/v10/interactions/{bad}/{bad_token}/callback")).header("content-type", "application/json").body(body.to_string()).send().await.expect("bad");
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(body_json(r).await["code"], 50035);
        let missing = http.get(format!("{base}/api/v10/channels/1/pins")).header("authorization", &auth).send().await.expect("GET");
        assert_eq!(missing.status().as_u16(), 404);
    });
    let violations = fake.violations();
    let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert_eq!(violations.len(), 4, "{text:#?}"); // 401, 40060, 10062, the bad body
    assert!(text.iter().any(|t| t.contains("6001 characters over all embeds")), "{text:#?}");
    assert!(text.iter().any(|t| t.contains("no allowed_mentions")), "{text:#?}");
    assert_eq!(fake.unknown_routes(), vec!["GET /api/v10/channels/1/pins".to_owned()]);
}

#[test]
fn fake_discord_takes_deferred_updates_and_deferred_replies() {
    let fake = FakeDiscord::start();
    let base = fake.api_base();
    let app = fake.world().application_id;
    let http = reqwest::Client::builder().no_proxy().build().expect("client");
    let rt = client_runtime();
    let page = super::payloads::message(
        &fake.world(),
        77,
        &json!({ "content": "page 1", "components": [{ "type": 1, "components": [
            { "type": 2, "style": 2, "label": "Next", "custom_id": "ask:k:5" }] }] }),
        None,
    );
    rt.block_on(async {
        let json_post = |url: String, body: Value| {
            http.post(url).header("content-type", "application/json").body(body.to_string()).send()
        };
        let patch = |token: &str, body: Value| {
            http.patch(format!("{base}/api/v10/webhooks/{app}/{token}/messages/@original"))
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
        };
        // A button: type 6 shows nothing new, then PATCH @original edits
        // the message the button is on.
        let (id, token, _) = fake.prepare(&Action::button("ask:k:5", page.clone()), &Member::reader(1));
        let r = json_post(format!("{base}/api/v10/interactions/{id}/{token}/callback"), json!({ "type": 6 }))
            .await
            .expect("callback");
        assert_eq!(r.status().as_u16(), 204);
        assert!(fake.wait_for_response(id, Duration::from_millis(200)).is_err(), "not answered before the edit");
        let r = patch(&token, json!({ "content": "page 2", "allowed_mentions": { "parse": [] } })).await.expect("edit");
        assert_eq!(r.status().as_u16(), 200);
        let reply = fake.wait_for_response(id, Duration::from_secs(1)).expect("reply");
        assert_eq!(reply.kind(), 6);
        assert_eq!(reply.original.as_ref().map(|m| m["id"].clone()), Some(json!("77")), "the button's message");
        assert_eq!(reply.text(), "page 2\n");

        // A button answered with a new private message after type 6.
        let (id, token, _) = fake.prepare(&Action::button("vote:a:up", page.clone()), &Member::reader(1));
        json_post(format!("{base}/api/v10/interactions/{id}/{token}/callback"), json!({ "type": 6 }))
            .await
            .expect("cb");
        let r = json_post(
            format!("{base}/api/v10/webhooks/{app}/{token}"),
            json!({ "content": "Thanks", "flags": 64, "allowed_mentions": { "parse": [] } }),
        )
        .await
        .expect("follow-up");
        assert_eq!(r.status().as_u16(), 200);
        let reply = fake.wait_for_response(id, Duration::from_secs(1)).expect("reply");
        assert_eq!(reply.text(), "Thanks\n", "the page is not shown as the answer");
        assert!(reply.is_ephemeral());

        // A form: type 5 ("thinking…", private), then the edit.
        let (id, token, _) = fake.prepare(&Action::modal("add-text", &[("title", "T")]), &Member::reader(1));
        let r = json_post(
            format!("{base}/api/v10/interactions/{id}/{token}/callback"),
            json!({ "type": 5, "data": { "flags": 64 } }),
        )
        .await
        .expect("callback");
        assert_eq!(r.status().as_u16(), 204);
        patch(&token, json!({ "content": "Added", "allowed_mentions": { "parse": [] } })).await.expect("edit");
        let reply = fake.wait_for_response(id, Duration::from_secs(1)).expect("reply");
        assert_eq!((reply.kind(), reply.text().as_str(), reply.is_ephemeral()), (5, "Added\n", true));

        // Type 6 is not an answer to a slash command.
        let (id, token, _) = fake.prepare(&Action::command("ask", vec![]), &Member::reader(1));
        let r = json_post(format!("{base}/api/v10/interactions/{id}/{token}/callback"), json!({ "type": 6 }))
            .await
            .expect("callback");
        assert_eq!(r.status().as_u16(), 400);
    });
    assert_eq!(fake.violations().len(), 1, "only the type 6 to a command: {:?}", fake.violations());
}

#[test]
fn fake_discord_limit_checks_without_the_spec() {
    let ok = json!({ "content": "fine", "allowed_mentions": { "parse": [] } });
    assert!(spec::check_message(&ok, "").is_empty());
    let cases = [
        (json!({ "content": "é".repeat(2001), "allowed_mentions": { "parse": [] } }), "2001 characters"),
        (
            json!({ "content": "@everyone", "allowed_mentions": { "parse": ["everyone"] } }),
            "parse must be present and empty",
        ),
        (json!({ "embeds": [{ "title": "t".repeat(257) }], "allowed_mentions": { "parse": [] } }), "title: 257"),
        (
            json!({ "embeds": [{ "fields": [{ "name": "n", "value": "v".repeat(1025) }] }], "allowed_mentions": { "parse": [] } }),
            "value: 1025",
        ),
        (
            json!({ "embeds": [{ "title": "t", "url": "not a url" }], "allowed_mentions": { "parse": [] } }),
            "not an http(s) URL",
        ),
        (
            json!({ "content": "x", "allowed_mentions": { "parse": [] }, "components": [{ "type": 1, "components": [{ "type": 2, "style": 1, "custom_id": "a" }, { "type": 2, "style": 1, "custom_id": "a" }] }] }),
            "used twice",
        ),
        (
            json!({ "content": "x", "allowed_mentions": { "parse": [] }, "components": [{ "type": 1, "components": [{ "type": 2, "style": 1, "custom_id": "a" }] }] }),
            "needs a label or an emoji",
        ),
        (
            json!({ "content": "x", "allowed_mentions": { "parse": [] }, "components": [{ "type": 1, "components": [{ "type": 2, "style": 5, "label": "Open", "custom_id": "a", "url": "https://example.org" }] }] }),
            "link button cannot have a custom_id",
        ),
    ];
    for (body, expected) in cases {
        let problems = spec::check_message(&body, "");
        assert!(problems.iter().any(|p| p.contains(expected)), "{expected:?} not in {problems:?}");
    }
    assert!(!spec::check_not_empty(&json!({ "content": "", "allowed_mentions": { "parse": [] } }), "").is_empty());
    assert!(spec::check_not_empty(&json!({ "embeds": [{ "title": "t" }] }), "").is_empty());
    let choices: Vec<Value> = (0..26).map(|i| json!({ "name": format!("n{i}"), "value": "v" })).collect();
    assert!(!spec::check_autocomplete(&json!({ "choices": choices }), "").is_empty());
    let commands = json!([{ "name": "Ask Me", "description": "d", "options": [
        { "type": 3, "name": "a", "description": "d" },
        { "type": 3, "name": "b", "description": "d", "required": true },
    ] }]);
    let problems = spec::check_commands(&commands);
    assert!(problems.iter().any(|p| p.contains("not a valid command name")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("comes after an optional one")), "{problems:?}");
}

#[test]
fn fake_discord_spec_accepts_good_and_refuses_bad_bodies() {
    let Some(spec) = Spec::shared() else { return };
    let callback = "/interactions/{interaction_id}/{interaction_token}/callback";
    let good = [
        json!({ "type": 4, "data": { "content": "hi", "allowed_mentions": { "parse": [] }, "flags": 64,
            "embeds": [{ "title": "T", "url": "https://example.org/x", "description": "d", "color": 3447003, "footer": { "text": "f" }, "timestamp": "2025-08-19T00:00:00Z" }],
            "components": [{ "type": 1, "components": [{ "type": 2, "style": 2, "custom_id": "next", "label": "Next" }, { "type": 2, "style": 5, "url": "https://example.org", "label": "Open" }] }] } }),
        json!({ "type": 5, "data": { "flags": 64 } }),
        json!({ "type": 5 }),
        json!({ "type": "8", "data": { "choices": [{ "name": "Ilsa Marden", "value": "Ilsa Marden" }] } }),
        json!({ "type": 9, "data": { "custom_id": "add-text", "title": "Add an article", "components": [{ "type": 1, "components": [{ "type": 4, "custom_id": "body", "style": 2, "label": "Body" }] }] } }),
        json!({ "type": 1 }),
    ];
    for body in &good {
        let p = spec.check_request("post", callback, body);
        assert!(p.is_empty(), "{body}: {p:#?}");
    }
    let bad = [
        (json!({ "type": 4, "data": { "content": "x".repeat(2001) } }), "maxLength 2000"),
        (json!({ "type": 4, "data": { "embeds": [{ "description": "x".repeat(4097) }] } }), "maxLength 4096"),
        (
            json!({ "type": 4, "data": { "embeds": [{ "title": "x" }], "allowed_mentions": { "parse": ["all"] } } }),
            "none of",
        ),
        (json!({ "type": 8, "data": { "choices": [{ "name": "", "value": "v" }] } }), "minLength 1"),
        (json!({ "type": 42 }), "none of"),
        (json!({ "type": 9, "data": { "custom_id": "m", "title": "x".repeat(46), "components": [] } }), "maxLength 45"),
        (
            json!({ "type": 4, "data": { "components": [{ "type": 1, "components": [{ "type": 2, "style": 9, "custom_id": "a" }] }] } }),
            "none of",
        ),
    ];
    for (body, expected) in &bad {
        let p = spec.check_request("post", callback, body);
        assert!(p.iter().any(|x| x.contains(expected)), "{expected:?} not in {p:#?}");
    }
    let commands = json!([{ "name": "ask", "description": "Ask about the talks", "default_member_permissions": "32", "dm_permission": false,
        "options": [{ "type": 3, "name": "question", "description": "What to ask", "required": true, "max_length": 300 },
                    { "type": 5, "name": "private", "description": "Only you see it" }] }]);
    let p = spec.check_request("put", "/applications/{application_id}/guilds/{guild_id}/commands", &commands);
    assert!(p.is_empty(), "{p:#?}");
    let too_long = json!([{ "name": "ask", "description": "d".repeat(101) }]);
    assert!(!spec.check_request("put", "/applications/{application_id}/commands", &too_long).is_empty());
    let followup = json!({ "content": "c", "allowed_mentions": { "parse": [], "users": [], "roles": [] }, "flags": 64, "embeds": [] });
    assert!(spec.check_request("post", "/webhooks/{webhook_id}/{webhook_token}", &followup).is_empty());
    assert!(spec
        .check_request("patch", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", &followup)
        .is_empty());
    assert!(spec.check_request("post", "/channels/{channel_id}/messages", &followup).is_empty());
}

/// A reference bot written straight on serenity, the same way Parley's bot
/// talks to Discord: it must get through the fake without a violation.
#[test]
fn fake_discord_serves_a_reference_serenity_bot() {
    use serenity::all::{
        ClientBuilder, CommandOptionType, Context, CreateAllowedMentions, CreateCommand, CreateCommandOption,
        CreateEmbed, CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
        EditInteractionResponse, EventHandler, GatewayIntents, GuildId, HttpBuilder, Interaction, Ready,
    };

    struct Reference {
        guild: u64,
    }

    #[serenity::async_trait]
    impl EventHandler for Reference {
        async fn ready(&self, ctx: Context, _ready: Ready) {
            let ask = CreateCommand::new("ask").description("Ask about the talks").add_option(
                CreateCommandOption::new(CommandOptionType::String, "question", "What to ask").required(true),
            );
            let slow = CreateCommand::new("slow").description("A slow one");
            if let Err(e) = GuildId::new(self.guild).set_commands(&ctx.http, vec![ask, slow]).await {
                eprintln!("reference bot: registration failed: {e}");
            }
        }

        async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
            let Interaction::Command(cmd) = interaction else { return };
            let quiet = || CreateAllowedMentions::new();
            if cmd.data.name == "ask" {
                let msg = CreateInteractionResponseMessage::new()
                    .embed(
                        CreateEmbed::new()
                            .title("Talks in Veloria")
                            .url("https://example.org/veloria")
                            .description("**ceasefire** talk"),
                    )
                    .allowed_mentions(quiet());
                let _ = cmd.create_response(&ctx.http, CreateInteractionResponse::Message(msg)).await;
            } else {
                let _ = cmd.defer_ephemeral(&ctx.http).await;
                let _ = cmd
                    .edit_response(&ctx.http, EditInteractionResponse::new().content("done").allowed_mentions(quiet()))
                    .await;
                let _ = cmd
                    .create_followup(
                        &ctx.http,
                        CreateInteractionResponseFollowup::new().content("and more").allowed_mentions(quiet()),
                    )
                    .await;
            }
        }
    }

    let fake = FakeDiscord::start();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let token = fake.token();
    let base = fake.api_base();
    let guild = fake.world().guild_id;
    rt.spawn(async move {
        let http = HttpBuilder::new(&token).proxy(base).ratelimiter_disabled(true).build();
        let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
            .event_handler(Reference { guild })
            .await
            .expect("client");
        let _ = client.start().await;
    });
    let reg = fake.wait_for_registration(Duration::from_secs(15)).expect("registration");
    assert_eq!(reg.guild, Some(guild));
    fake.wait_ready(Duration::from_secs(5)).expect("ready");
    let ask = fake.send_interaction(Action::command("ask", vec![opt_str("question", "ceasefire")]), &Member::reader(1));
    let slow = fake.send_interaction(Action::command("slow", vec![]), &Member::reader(2));
    let a = fake.wait_for_response(ask, Duration::from_secs(5)).expect("ask answered");
    assert!(a.text().contains("Talks in Veloria"));
    let s = fake.wait_for_response(slow, Duration::from_secs(5)).expect("slow answered");
    assert_eq!(s.kind(), 5);
    assert!(s.is_ephemeral());
    // The follow-up may land just after the edit.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while fake.exchange(slow).is_some_and(|e| e.followups.is_empty()) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = fake.wait_for_response(slow, Duration::from_secs(1)).expect("slow");
    assert_eq!(s.text(), "done\nand more\n");
    fake.assert_clean();
    // Reconnect after a forced close: the shard comes back and still answers.
    assert!(fake.disconnect(Disconnect::Close(4000)));
    let again = fake.send_interaction(Action::command("ask", vec![opt_str("question", "again")]), &Member::reader(3));
    let r = fake.wait_for_response(again, Duration::from_secs(15)).expect("answered after reconnect");
    assert_eq!(r.kind(), 4);
    let log = fake.gateway_log();
    assert!(log.connections >= 2, "{log:?}");
    fake.assert_clean();
    rt.shutdown_background();
}
