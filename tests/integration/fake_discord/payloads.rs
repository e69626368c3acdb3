//! The JSON the local Discord sends: interactions (commands, autocomplete,
//! buttons, modal submits) for guild members, the messages it returns for
//! the bot's replies, the gateway's READY and GUILD_CREATE, the application
//! and the registered commands.
//!
//! Every shape here carries the fields serenity 0.12.5 requires: a dispatch
//! serenity cannot deserialize is dropped silently, so each builder is
//! unit-tested by deserializing it into serenity's own types. Pure data; no
//! sockets, no state.

use serde_json::{json, Value};

/// Permission bits used in the tests.
pub mod perms {
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    /// What an ordinary member has in the channel.
    pub const MEMBER: u64 = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | USE_APPLICATION_COMMANDS;
}

/// Gateway intents Discord counts as privileged (GUILD_MEMBERS,
/// GUILD_PRESENCES, MESSAGE_CONTENT).
pub const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);

/// The ids of the fake's world.
#[derive(Debug, Clone)]
pub struct World {
    pub application_id: u64,
    pub bot_user_id: u64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub moderator_role_id: u64,
}

impl Default for World {
    fn default() -> World {
        World {
            application_id: 1_100_000_000_000_000_001,
            bot_user_id: 1_100_000_000_000_000_001,
            guild_id: 1_200_000_000_000_000_002,
            channel_id: 1_300_000_000_000_000_003,
            moderator_role_id: 1_400_000_000_000_000_004,
        }
    }
}

/// The guild member who triggers an interaction.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: u64,
    pub name: String,
    /// The member's permissions in the channel (Discord sends them resolved).
    pub permissions: u64,
    pub roles: Vec<u64>,
    /// In a direct message with the bot: no guild, no member, no permissions.
    pub in_dm: bool,
    /// Another server the bot is in (None: the world's own server).
    pub guild: Option<u64>,
}

impl Member {
    /// An ordinary member: may use commands, may not manage the server.
    pub fn reader(n: u64) -> Member {
        Member {
            user_id: 1_500_000_000_000_000_000 + n,
            name: format!("reader{n}"),
            permissions: perms::MEMBER,
            roles: vec![],
            in_dm: false,
            guild: None,
        }
    }

    /// A member with Manage Server.
    pub fn manager(n: u64) -> Member {
        Member {
            user_id: 1_600_000_000_000_000_000 + n,
            name: format!("manager{n}"),
            permissions: perms::MEMBER | perms::MANAGE_GUILD,
            roles: vec![],
            in_dm: false,
            guild: None,
        }
    }

    /// An ordinary member holding a role (the moderator role, say).
    pub fn with_role(n: u64, role: u64) -> Member {
        Member {
            user_id: 1_700_000_000_000_000_000 + n,
            name: format!("curator{n}"),
            permissions: perms::MEMBER,
            roles: vec![role],
            in_dm: false,
            guild: None,
        }
    }

    /// The same person writing from another server the bot is in.
    pub fn in_other_guild(mut self, guild: u64) -> Member {
        self.guild = Some(guild);
        self
    }

    /// The same person writing to the bot in a direct message.
    pub fn in_direct_message(mut self) -> Member {
        self.in_dm = true;
        self
    }
}

/// A Discord user object.
pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    })
}

fn member_json(m: &Member) -> Value {
    json!({
        "user": user(m.user_id, &m.name, false),
        "nick": null,
        "avatar": null,
        "roles": m.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": "2025-01-02T03:04:05.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": m.permissions.to_string(),
        "communication_disabled_until": null,
    })
}

// --- command options -------------------------------------------------------

/// A string option.
pub fn opt_str(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

/// An integer option.
pub fn opt_int(name: &str, value: i64) -> Value {
    json!({ "name": name, "type": 4, "value": value })
}

/// A boolean option.
pub fn opt_bool(name: &str, value: bool) -> Value {
    json!({ "name": name, "type": 5, "value": value })
}

/// The string option being typed, for autocomplete.
pub fn opt_focused(name: &str, partial: &str) -> Value {
    json!({ "name": name, "type": 3, "value": partial, "focused": true })
}

/// An attachment option; the attachment itself goes in `resolved`.
pub fn opt_attachment(name: &str, attachment: &Value) -> Value {
    json!({ "name": name, "type": 11, "value": attachment["id"].clone() })
}

/// A subcommand with its options.
pub fn sub(name: &str, options: Vec<Value>) -> Value {
    json!({ "name": name, "type": 1, "options": options })
}

/// An attachment object as Discord puts it in `data.resolved.attachments`.
pub fn attachment(id: u64, filename: &str, content_type: Option<&str>, size: u64, url: &str) -> Value {
    let mut a = json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "ephemeral": true,
    });
    if let Some(ct) = content_type {
        a["content_type"] = json!(ct);
    }
    a
}

/// What the member does.
#[derive(Debug, Clone)]
pub enum Action {
    /// A slash command (`options` may hold one subcommand).
    Command { name: String, options: Vec<Value>, attachments: Vec<Value> },
    /// Typing in an autocomplete option (one of `options` is focused).
    Autocomplete { name: String, options: Vec<Value> },
    /// A message command (type 3) on a message (as built by [`user_message`]).
    MessageCommand { name: String, message: Value },
    /// A button press on a message (the message as Discord has it).
    Button { custom_id: String, message: Value },
    /// A submitted modal: text inputs `(custom_id, value)`.
    ModalSubmit { custom_id: String, fields: Vec<(String, String)> },
    /// Discord's PING (HTTP endpoint only).
    Ping,
}

impl Action {
    pub fn command(name: &str, options: Vec<Value>) -> Action {
        Action::Command { name: name.to_owned(), options, attachments: vec![] }
    }

    pub fn autocomplete(name: &str, options: Vec<Value>) -> Action {
        Action::Autocomplete { name: name.to_owned(), options }
    }

    pub fn message_command(name: &str, message: Value) -> Action {
        Action::MessageCommand { name: name.to_owned(), message }
    }

    pub fn button(custom_id: &str, message: Value) -> Action {
        Action::Button { custom_id: custom_id.to_owned(), message }
    }

    pub fn modal(custom_id: &str, fields: &[(&str, &str)]) -> Action {
        Action::ModalSubmit {
            custom_id: custom_id.to_owned(),
            fields: fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    /// Discord's interaction type number.
    pub fn type_number(&self) -> u64 {
        match self {
            Action::Ping => 1,
            Action::Command { .. } | Action::MessageCommand { .. } => 2,
            Action::Button { .. } => 3,
            Action::Autocomplete { .. } => 4,
            Action::ModalSubmit { .. } => 5,
        }
    }
}

/// An `INTERACTION_CREATE` payload (the same body the HTTP endpoint gets).
pub fn interaction(world: &World, id: u64, token: &str, command_id: u64, action: &Action, member: &Member) -> Value {
    let data = match action {
        Action::Ping => Value::Null,
        Action::Command { name, options, attachments } => {
            let mut d = json!({ "id": command_id.to_string(), "name": name, "type": 1, "options": options, "guild_id": world.guild_id.to_string() });
            if !attachments.is_empty() {
                let map: serde_json::Map<String, Value> =
                    attachments.iter().map(|a| (a["id"].as_str().unwrap_or_default().to_owned(), a.clone())).collect();
                d["resolved"] = json!({ "attachments": map });
            }
            d
        }
        Action::Autocomplete { name, options } => {
            json!({ "id": command_id.to_string(), "name": name, "type": 1, "options": options, "guild_id": world.guild_id.to_string() })
        }
        Action::MessageCommand { name, message } => {
            let target = message["id"].as_str().unwrap_or("0").to_owned();
            json!({
                "id": command_id.to_string(), "name": name, "type": 3, "target_id": target,
                "resolved": { "messages": { target.clone(): message } },
                "guild_id": world.guild_id.to_string(),
            })
        }
        Action::Button { custom_id, .. } => json!({ "custom_id": custom_id, "component_type": 2 }),
        Action::ModalSubmit { custom_id, fields } => json!({
            "custom_id": custom_id,
            "components": fields.iter().map(|(k, v)| json!({
                "type": 1,
                "components": [{ "type": 4, "custom_id": k, "value": v }],
            })).collect::<Vec<_>>(),
        }),
    };
    let mut payload = json!({
        "id": id.to_string(),
        "application_id": world.application_id.to_string(),
        "type": action.type_number(),
        "token": token,
        "version": 1,
        "locale": "en-GB",
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
        "authorizing_integration_owners": { "0": world.guild_id.to_string() },
        "context": 0,
    });
    if matches!(action, Action::Ping) {
        payload["user"] = user(member.user_id, &member.name, false);
        return payload;
    }
    payload["data"] = data;
    if member.in_dm {
        let dm_channel = world.channel_id + 1_000 + (member.user_id % 1_000);
        if let Some(d) = payload["data"].as_object_mut() {
            d.remove("guild_id");
        }
        payload["user"] = user(member.user_id, &member.name, false);
        payload["channel_id"] = json!(dm_channel.to_string());
        payload["channel"] = json!({ "id": dm_channel.to_string(), "type": 1 });
        payload["context"] = json!(1);
        payload["authorizing_integration_owners"] = json!({ "0": world.guild_id.to_string() });
        payload["app_permissions"] = json!(perms::MEMBER.to_string());
        if let Action::Button { message, .. } = action {
            payload["message"] = message.clone();
        }
        return payload;
    }
    let guild = member.guild.unwrap_or(world.guild_id);
    payload["guild_id"] = json!(guild.to_string());
    payload["guild_locale"] = json!("en-US");
    payload["channel_id"] = json!(world.channel_id.to_string());
    payload["channel"] =
        json!({ "id": world.channel_id.to_string(), "type": 0, "name": "peace-talks", "guild_id": guild.to_string() });
    payload["member"] = member_json(member);
    payload["app_permissions"] = json!(perms::MEMBER.to_string());
    if let Action::Button { message, .. } = action {
        payload["message"] = message.clone();
    }
    payload
}

/// The message Discord stores for a message request body (`content`,
/// `embeds`, `components`, `flags`) posted by the bot.
pub fn message(world: &World, id: u64, body: &Value, interaction: Option<(u64, &Member)>) -> Value {
    let embeds: Vec<Value> = body
        .get("embeds")
        .and_then(Value::as_array)
        .map(|es| {
            es.iter()
                .map(|e| {
                    let mut e = e.clone();
                    e["type"] = json!("rich");
                    e
                })
                .collect()
        })
        .unwrap_or_default();
    let mut m = json!({
        "id": id.to_string(),
        "channel_id": world.channel_id.to_string(),
        "author": user(world.bot_user_id, "Parley", true),
        "content": body.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": "2026-01-02T03:04:05.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "pinned": false,
        "type": if interaction.is_some() { 20 } else { 0 },
        "flags": body.get("flags").and_then(Value::as_u64).unwrap_or(0),
        "components": body.get("components").cloned().unwrap_or_else(|| json!([])),
        "application_id": world.application_id.to_string(),
        "webhook_id": world.application_id.to_string(),
    });
    if let Some((interaction_id, member)) = interaction {
        m["interaction_metadata"] = json!({
            "id": interaction_id.to_string(),
            "type": 2,
            "user": user(member.user_id, &member.name, false),
            "authorizing_integration_owners": { "0": world.guild_id.to_string() },
        });
    }
    m
}

/// A message a member posted in the channel (the target of a message
/// command): its text, and the users it mentions.
pub fn user_message(world: &World, id: u64, author: &Member, content: &str) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": world.channel_id.to_string(),
        "author": user(author.user_id, &author.name, false),
        "content": content,
        "timestamp": "2026-01-02T03:04:05.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": content.contains("@everyone"),
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
    })
}

/// READY for a new session.
pub fn ready(world: &World, session_id: &str, resume_url: &str) -> Value {
    json!({
        "v": 10,
        "user": {
            "id": world.bot_user_id.to_string(),
            "username": "Parley",
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": false,
            "flags": 0,
        },
        "guilds": [{ "id": world.guild_id.to_string(), "unavailable": true }],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": [0, 1],
        "application": { "id": world.application_id.to_string(), "flags": 0 },
        "private_channels": [],
        "presences": [],
    })
}

/// GUILD_CREATE for the test guild: one text channel, @everyone and the
/// moderator role.
pub fn guild_create(world: &World) -> Value {
    let role = |id: u64, name: &str, permissions: u64, position: u64| {
        json!({
            "id": id.to_string(),
            "name": name,
            "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": position,
            "permissions": permissions.to_string(),
            "managed": false,
            "mentionable": false,
            "flags": 0,
        })
    };
    let mut guild = json!({
        "id": world.guild_id.to_string(),
        "name": "Veloria Desk",
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": "1800000000000000008",
        "afk_channel_id": null,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [
            role(world.guild_id, "@everyone", perms::MEMBER, 0),
            role(world.moderator_role_id, "corpus-curator", perms::MEMBER, 1),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": false,
        "stickers": [],
    });
    let more = json!({
        "joined_at": "2025-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 3,
        "voice_states": [],
        "members": [],
        "channels": [{
            "id": world.channel_id.to_string(),
            "type": 0,
            "guild_id": world.guild_id.to_string(),
            "name": "peace-talks",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": false,
            "topic": null,
            "last_message_id": null,
            "rate_limit_per_user": 0,
            "parent_id": null,
        }],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "max_members": 500000,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "approximate_member_count": null,
        "approximate_presence_count": null,
        "welcome_screen": null,
    });
    if let (Some(g), Value::Object(extra)) = (guild.as_object_mut(), more) {
        g.extend(extra);
    }
    guild
}

/// `GET /applications/@me`.
pub fn application(world: &World) -> Value {
    json!({
        "id": world.application_id.to_string(),
        "name": "Parley",
        "icon": null,
        "description": "Answers about the talks, with sources.",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "terms_of_service_url": null,
        "privacy_policy_url": null,
        "owner": user(1_800_000_000_000_000_008, "owner", false),
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "flags": 0,
        "bot": user(world.bot_user_id, "Parley", true),
        "tags": [],
        "install_params": null,
        "custom_install_url": null,
        "approximate_guild_count": 1,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "integration_types_config": {},
    })
}

/// A registered command as Discord returns it, from the registration body.
pub fn registered_command(world: &World, id: u64, request: &Value, guild: Option<u64>) -> Value {
    let mut c = request.clone();
    c["id"] = json!(id.to_string());
    c["application_id"] = json!(world.application_id.to_string());
    c["version"] = json!(format!("{}", id + 1));
    if c.get("type").is_none() {
        c["type"] = json!(1);
    }
    if c.get("options").is_none() {
        c["options"] = json!([]);
    }
    if c.get("description").is_none() {
        c["description"] = json!("");
    }
    if let Some(dmp) = c.get("default_member_permissions").and_then(|v| v.as_u64().map(|n| n.to_string())) {
        c["default_member_permissions"] = json!(dmp);
    }
    if let Some(g) = guild {
        c["guild_id"] = json!(g.to_string());
    }
    c["nsfw"] = json!(c.get("nsfw").and_then(Value::as_bool).unwrap_or(false));
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::model::application::{Command, CurrentApplicationInfo, Interaction};
    use serenity::model::channel::Message;

    fn parse(v: &Value) -> Interaction {
        match serde_json::from_value::<Interaction>(v.clone()) {
            Ok(i) => i,
            Err(e) => panic!("serenity cannot read this interaction: {e}\n{v:#}"),
        }
    }

    fn sample_message(world: &World) -> Value {
        let body = json!({
            "content": "",
            "embeds": [{ "title": "A title", "description": "text", "url": "https://example.org/a", "footer": { "text": "Outlet · 2025-08-19" } }],
            "components": [{ "type": 1, "components": [{ "type": 2, "style": 2, "custom_id": "ask:page:2", "label": "Next" }] }],
            "allowed_mentions": { "parse": [] },
        });
        message(world, 42, &body, Some((7, &Member::reader(1))))
    }

    #[test]
    fn fake_discord_command_interaction_deserializes_in_serenity() {
        let w = World::default();
        let a = attachment(
            99,
            "notes.md",
            Some("text/markdown; charset=utf-8"),
            120,
            "http://127.0.0.1:1/attachments/99/notes.md",
        );
        let action = Action::Command {
            name: "corpus".into(),
            options: vec![sub("add-file", vec![opt_attachment("file", &a)])],
            attachments: vec![a],
        };
        let Interaction::Command(c) = parse(&interaction(&w, 10, "tok", 5, &action, &Member::manager(1))) else {
            panic!("not a command")
        };
        assert_eq!(c.data.name, "corpus");
        assert_eq!(c.guild_id.map(|g| g.get()), Some(w.guild_id));
        let member = c.member.expect("member");
        assert!(member.permissions.expect("permissions").manage_guild());
        assert_eq!(c.data.resolved.attachments.len(), 1);
        let opts = c.data.options();
        assert_eq!(opts.len(), 1);
        let plain = parse(&interaction(
            &w,
            11,
            "tok",
            5,
            &Action::command(
                "ask",
                vec![opt_str("question", "who met?"), opt_int("page", 2), opt_bool("private", true)],
            ),
            &Member::with_role(2, w.moderator_role_id),
        ));
        let Interaction::Command(p) = plain else { panic!("not a command") };
        assert_eq!(p.data.options.len(), 3);
        let m = p.member.expect("member");
        assert_eq!(m.roles.iter().map(|r| r.get()).collect::<Vec<_>>(), vec![w.moderator_role_id]);
        assert!(!m.permissions.expect("permissions").manage_guild());
    }

    #[test]
    fn fake_discord_autocomplete_button_modal_and_ping_deserialize_in_serenity() {
        let w = World::default();
        let ac = parse(&interaction(
            &w,
            12,
            "tok",
            6,
            &Action::autocomplete("who-said", vec![opt_focused("person", "Mar")]),
            &Member::reader(3),
        ));
        let Interaction::Autocomplete(ac) = ac else { panic!("not autocomplete") };
        let focused = ac.data.autocomplete().expect("a focused option");
        assert_eq!((focused.name, focused.value), ("person", "Mar"));

        let button = parse(&interaction(
            &w,
            13,
            "tok",
            0,
            &Action::button("ask:page:2", sample_message(&w)),
            &Member::reader(3),
        ));
        let Interaction::Component(b) = button else { panic!("not a component") };
        assert_eq!(b.data.custom_id, "ask:page:2");
        assert_eq!(b.message.embeds.len(), 1);
        assert_eq!(b.message.components.len(), 1);

        let modal = parse(&interaction(
            &w,
            14,
            "tok",
            0,
            &Action::modal("corpus:add-text", &[("title", "T"), ("body", "B")]),
            &Member::manager(3),
        ));
        let Interaction::Modal(m) = modal else { panic!("not a modal") };
        assert_eq!(m.data.components.len(), 2);

        let dm = parse(&interaction(
            &w,
            16,
            "tok",
            5,
            &Action::command("ask", vec![opt_str("question", "q")]),
            &Member::manager(1).in_direct_message(),
        ));
        let Interaction::Command(dm) = dm else { panic!("not a command") };
        assert!(dm.guild_id.is_none() && dm.member.is_none());
        assert_eq!(dm.user.id.get(), Member::manager(1).user_id);

        let ping = parse(&interaction(&w, 15, "tok", 0, &Action::Ping, &Member::reader(1)));
        assert!(matches!(ping, Interaction::Ping(_)));

        let target = user_message(&w, 77, &Member::reader(2), "Did the truce hold? <@1>");
        let mc =
            parse(&interaction(&w, 17, "tok", 5, &Action::message_command("Find sources", target), &Member::reader(3)));
        let Interaction::Command(mc) = mc else { panic!("not a command") };
        assert_eq!(mc.data.kind, serenity::model::application::CommandType::Message);
        let Some(serenity::model::application::ResolvedTarget::Message(m)) = mc.data.target() else {
            panic!("no target message")
        };
        assert_eq!(m.content, "Did the truce hold? <@1>");
    }

    #[test]
    fn fake_discord_messages_commands_and_application_deserialize_in_serenity() {
        let w = World::default();
        let m: Message = serde_json::from_value(sample_message(&w)).expect("message");
        assert_eq!(m.embeds[0].title.as_deref(), Some("A title"));
        let cmd = registered_command(
            &w,
            77,
            &json!({ "name": "ask", "description": "Ask", "default_member_permissions": "32", "options": [{ "type": 3, "name": "question", "description": "q", "required": true }] }),
            Some(w.guild_id),
        );
        let c: Command = serde_json::from_value(cmd).expect("command");
        assert_eq!(c.name, "ask");
        let app: CurrentApplicationInfo = serde_json::from_value(application(&w)).expect("application");
        assert_eq!(app.id.get(), w.application_id);
        let ready: serenity::model::gateway::Ready =
            serde_json::from_value(ready(&w, "s1", "ws://127.0.0.1:1")).expect("ready");
        assert_eq!(ready.guilds.len(), 1);
        let guild: serenity::model::guild::Guild = serde_json::from_value(guild_create(&w)).expect("guild");
        assert_eq!(guild.roles.len(), 2);
    }
}
