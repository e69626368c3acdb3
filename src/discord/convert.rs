//! Between serenity's types and the bot's: interactions to
//! [`Invocation`]s, [`Reply`]s and [`Message`]s to serenity builders (always
//! with empty `allowed_mentions`), the command list to registration
//! builders.

use serenity::all::{
    ActionRowComponent, ButtonStyle as SButtonStyle, ChannelId, CommandDataOption, CommandDataOptionValue,
    CommandInteraction, CommandOptionType, CommandType, ComponentInteraction, CreateActionRow, CreateAllowedMentions,
    CreateAttachment, CreateAutocompleteResponse, CreateButton, CreateCommand, CreateCommandOption, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateMessage, CreateModal, EditInteractionResponse, InputTextStyle, Interaction,
    Member, ModalInteraction, Permissions, RoleId, User as SUser,
};

use crate::bot::commands::{OptionKind, OptionSpec, SubcommandSpec, COMMANDS, MESSAGE_COMMANDS};
use crate::bot::{
    Attachment, Button, ButtonStyle, Choice, Embed, Invocation, Kind, Message, Modal, OptionValue, Place, Reply, User,
};

/// What decides who is a moderator.
#[derive(Debug, Clone, Default)]
pub struct ModeratorRule {
    /// Members with this role are moderators (besides Manage Server).
    pub role: Option<RoleId>,
    /// When set (`DISCORD_GUILD_ID`), only members of this server can be
    /// moderators: with globally registered commands, the admin of any
    /// other server the bot is in must not curate the shared corpus.
    pub guild: Option<serenity::model::id::GuildId>,
}

impl ModeratorRule {
    /// Manage Server (or Administrator), or the moderator role. Outside a
    /// server (no server id, or no member) nobody is, whatever member data
    /// the payload carries.
    pub fn is_moderator(&self, guild: Option<serenity::model::id::GuildId>, member: Option<&Member>) -> bool {
        let Some(m) = member else { return false };
        if guild.is_none() || self.guild.is_some() && guild != self.guild {
            return false;
        }
        let by_permission = m.permissions.is_some_and(|p| p.contains(Permissions::MANAGE_GUILD) || p.administrator());
        let by_role = self.role.is_some_and(|r| m.roles.contains(&r));
        by_permission || by_role
    }
}

fn user(u: &SUser, guild: Option<serenity::model::id::GuildId>, member: Option<&Member>, rule: &ModeratorRule) -> User {
    User { id: u.id.get().to_string(), name: u.name.clone(), is_moderator: rule.is_moderator(guild, member) }
}

/// Where an interaction happened: its channel, and its server (none in a
/// direct message).
fn place(channel: ChannelId, guild: Option<serenity::model::id::GuildId>) -> Place {
    Place { channel: channel.get().to_string(), guild: guild.map(|g| g.get().to_string()) }
}

/// An interaction as the bot's invocation; None for pings and kinds the
/// bot does not handle.
pub fn invocation(interaction: &Interaction, rule: &ModeratorRule) -> Option<Invocation> {
    match interaction {
        Interaction::Command(c) if c.data.kind == CommandType::Message => Some(message_command(c, rule)),
        Interaction::Command(c) => Some(command(c, Kind::Command, rule)),
        Interaction::Autocomplete(c) => {
            let focused = c.data.autocomplete().map(|a| a.name.to_owned()).unwrap_or_default();
            Some(command(c, Kind::Autocomplete { focused }, rule))
        }
        Interaction::Component(c) => Some(component(c, rule)),
        Interaction::Modal(m) => Some(modal_submit(m, rule)),
        _ => None,
    }
}

fn command(c: &CommandInteraction, kind: Kind, rule: &ModeratorRule) -> Invocation {
    let mut subcommand = None;
    let mut options = Vec::new();
    flatten(&c.data.options, c, &mut subcommand, &mut options);
    Invocation {
        kind,
        name: c.data.name.clone(),
        subcommand,
        options,
        user: user(&c.user, c.guild_id, c.member.as_deref(), rule),
        place: place(c.channel_id, c.guild_id),
    }
}

/// A message command: its name as registered and the target message's
/// text (Discord sends the content of the message a command targets, with
/// no privileged intent) as the option `text`.
fn message_command(c: &CommandInteraction, rule: &ModeratorRule) -> Invocation {
    let text = match c.data.target() {
        Some(serenity::all::ResolvedTarget::Message(m)) => m.content.clone(),
        _ => String::new(),
    };
    Invocation {
        kind: Kind::MessageCommand,
        name: c.data.name.clone(),
        subcommand: None,
        options: vec![("text".to_owned(), OptionValue::String(text))],
        user: user(&c.user, c.guild_id, c.member.as_deref(), rule),
        place: place(c.channel_id, c.guild_id),
    }
}

fn flatten(
    opts: &[CommandDataOption],
    c: &CommandInteraction,
    subcommand: &mut Option<String>,
    out: &mut Vec<(String, OptionValue)>,
) {
    for o in opts {
        let value = match &o.value {
            CommandDataOptionValue::SubCommandGroup(inner) => {
                // `/corpus feed add`: the subcommand is named "feed add".
                *subcommand = Some(o.name.clone());
                flatten(inner, c, subcommand, out);
                continue;
            }
            CommandDataOptionValue::SubCommand(inner) => {
                *subcommand = Some(match subcommand.take() {
                    Some(group) => format!("{group} {}", o.name),
                    None => o.name.clone(),
                });
                flatten(inner, c, subcommand, out);
                continue;
            }
            CommandDataOptionValue::String(s) => OptionValue::String(s.clone()),
            CommandDataOptionValue::Autocomplete { value, .. } => OptionValue::String(value.clone()),
            CommandDataOptionValue::Boolean(b) => OptionValue::Bool(*b),
            CommandDataOptionValue::Integer(i) => OptionValue::Integer(*i),
            CommandDataOptionValue::Attachment(id) => match c.data.resolved.attachments.get(id) {
                Some(a) => OptionValue::Attachment(Attachment {
                    filename: a.filename.clone(),
                    size: u64::from(a.size),
                    content_type: a.content_type.clone(),
                    url: a.url.clone(),
                }),
                None => continue,
            },
            _ => continue,
        };
        out.push((o.name.clone(), value));
    }
}

fn component(c: &ComponentInteraction, rule: &ModeratorRule) -> Invocation {
    Invocation {
        kind: Kind::Button,
        name: c.data.custom_id.clone(),
        subcommand: None,
        options: Vec::new(),
        user: user(&c.user, c.guild_id, c.member.as_ref(), rule),
        place: place(c.channel_id, c.guild_id),
    }
}

fn modal_submit(m: &ModalInteraction, rule: &ModeratorRule) -> Invocation {
    let options = m
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            ActionRowComponent::InputText(t) => {
                Some((t.custom_id.clone(), OptionValue::String(t.value.clone().unwrap_or_default())))
            }
            _ => None,
        })
        .collect();
    Invocation {
        kind: Kind::ModalSubmit,
        name: m.data.custom_id.clone(),
        subcommand: None,
        options,
        user: user(&m.user, m.guild_id, m.member.as_ref(), rule),
        place: place(m.channel_id, m.guild_id),
    }
}

/// No mentions ping, ever.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().empty_users().empty_roles()
}

fn embed(e: &Embed) -> CreateEmbed {
    let mut b = CreateEmbed::new();
    if let Some(t) = e.get_title() {
        b = b.title(t);
    }
    if let Some(u) = e.get_url() {
        b = b.url(u);
    }
    if let Some(d) = e.get_description() {
        b = b.description(d);
    }
    for f in e.get_fields() {
        b = b.field(&f.name, &f.value, f.inline);
    }
    if let Some(f) = e.get_footer() {
        b = b.footer(CreateEmbedFooter::new(f));
    }
    b
}

fn button(b: &Button) -> CreateButton {
    let style = match b.style() {
        ButtonStyle::Primary => SButtonStyle::Primary,
        ButtonStyle::Secondary => SButtonStyle::Secondary,
    };
    CreateButton::new(b.custom_id()).label(b.label()).style(style)
}

fn rows(m: &Message) -> Vec<CreateActionRow> {
    m.rows().iter().map(|r| CreateActionRow::Buttons(r.iter().map(button).collect())).collect()
}

/// Content that is never empty when there is nothing else to show
/// (Discord refuses a message with neither content nor embeds).
fn content(m: &Message) -> Option<String> {
    if !m.content().is_empty() {
        Some(m.content().to_owned())
    } else if m.embeds().is_empty() {
        Some("—".to_owned())
    } else {
        None
    }
}

/// A message's file as serenity's attachment: sent as `files[0]` of a
/// multipart body, described (alt text) in `payload_json`'s `attachments`.
pub fn attachment(m: &Message) -> Option<CreateAttachment> {
    m.file().map(|f| CreateAttachment::bytes(f.bytes().to_vec(), f.name()).description(f.description()))
}

/// The files to upload with a message's request (serenity sends them as
/// multipart parts `files[n]` beside `payload_json`).
pub fn files(m: &Message) -> Vec<CreateAttachment> {
    attachment(m).into_iter().collect()
}

/// A new message, or (`update`) the replacement of the one a button was on.
pub fn message(m: &Message, update: bool) -> CreateInteractionResponseMessage {
    let mut b = CreateInteractionResponseMessage::new().allowed_mentions(no_mentions());
    if let Some(a) = attachment(m) {
        b = b.add_file(a);
    }
    match content(m) {
        Some(c) => b = b.content(c),
        None if update => b = b.content(""),
        None => {}
    }
    if !m.embeds().is_empty() || update {
        b = b.embeds(m.embeds().iter().map(embed).collect());
    }
    if !m.rows().is_empty() || update {
        b = b.components(rows(m));
    }
    if m.is_ephemeral() && !update {
        b = b.ephemeral(true);
    }
    b
}

/// A message posted to a channel (a watch's alert): the same content,
/// embeds and buttons, never a mention.
pub fn channel_message(m: &Message) -> CreateMessage {
    let mut b = CreateMessage::new().allowed_mentions(no_mentions());
    if let Some(c) = content(m) {
        b = b.content(c);
    }
    if !m.embeds().is_empty() {
        b = b.embeds(m.embeds().iter().map(embed).collect());
    }
    if !m.rows().is_empty() {
        b = b.components(rows(m));
    }
    b
}

/// The edit of a deferred acknowledgement.
pub fn edit(m: &Message) -> EditInteractionResponse {
    let mut b = EditInteractionResponse::new()
        .content(content(m).unwrap_or_default())
        .embeds(m.embeds().iter().map(embed).collect())
        .components(rows(m))
        .allowed_mentions(no_mentions());
    if let Some(a) = attachment(m) {
        b = b.new_attachment(a);
    }
    b
}

/// A new message after a deferred update (a button whose answer is not an
/// update of its message): private when the message is.
pub fn followup(m: &Message) -> CreateInteractionResponseFollowup {
    let mut b = CreateInteractionResponseFollowup::new()
        .content(content(m).unwrap_or_default())
        .embeds(m.embeds().iter().map(embed).collect())
        .components(rows(m))
        .allowed_mentions(no_mentions())
        .ephemeral(m.is_ephemeral());
    if let Some(a) = attachment(m) {
        b = b.add_file(a);
    }
    b
}

fn modal(m: &Modal) -> CreateModal {
    let inputs = m
        .inputs()
        .iter()
        .map(|i| {
            let style = if i.paragraph { InputTextStyle::Paragraph } else { InputTextStyle::Short };
            let mut t =
                CreateInputText::new(style, &i.label, &i.custom_id).required(i.required).max_length(i.max_length);
            if let Some(p) = &i.placeholder {
                t = t.placeholder(p);
            }
            CreateActionRow::InputText(t)
        })
        .collect();
    CreateModal::new(m.custom_id(), m.title()).components(inputs)
}

fn choices(cs: &[Choice]) -> CreateAutocompleteResponse {
    cs.iter().fold(CreateAutocompleteResponse::new(), |r, c| r.add_string_choice(c.name(), c.value()))
}

/// The initial response to an interaction, for every reply but deferred
/// work (see [`defer`]). `component`: the interaction came from a button
/// (only then can a message be updated in place).
pub fn response(reply: &Reply, component: bool) -> CreateInteractionResponse {
    match reply {
        Reply::Message(m) => CreateInteractionResponse::Message(message(m, false)),
        Reply::Update(m) if component => CreateInteractionResponse::UpdateMessage(message(m, true)),
        Reply::Update(m) => CreateInteractionResponse::Message(message(m, false)),
        Reply::Modal(m) => CreateInteractionResponse::Modal(modal(m)),
        Reply::Choices(cs) => CreateInteractionResponse::Autocomplete(choices(cs)),
        Reply::Defer { ephemeral, .. } => defer(*ephemeral),
    }
}

/// "Parley is thinking…": the acknowledgement of slow work.
pub fn defer(ephemeral: bool) -> CreateInteractionResponse {
    CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(ephemeral))
}

fn option(o: &OptionSpec) -> CreateCommandOption {
    let kind = match o.kind {
        OptionKind::String => CommandOptionType::String,
        OptionKind::Boolean => CommandOptionType::Boolean,
        OptionKind::Attachment => CommandOptionType::Attachment,
    };
    let mut b = CreateCommandOption::new(kind, o.name, o.description).required(o.required);
    if o.autocomplete {
        b = b.set_autocomplete(true);
    }
    if let (OptionKind::String, Some(max)) = (o.kind, o.max_length) {
        b = b.max_length(max);
    }
    b
}

fn subcommand(s: &SubcommandSpec) -> CreateCommandOption {
    s.options.iter().fold(CreateCommandOption::new(CommandOptionType::SubCommand, s.name, s.description), |sub, o| {
        sub.add_sub_option(option(o))
    })
}

/// The registration payload: every command of the bot's list, moderator
/// commands with `default_member_permissions` = Manage Server, then the
/// message commands (type 3, no description, no options).
pub fn commands() -> Vec<CreateCommand> {
    let messages = MESSAGE_COMMANDS.iter().map(|m| CreateCommand::new(m.name).kind(CommandType::Message));
    COMMANDS
        .iter()
        .map(|c| {
            let mut b = CreateCommand::new(c.name).description(c.description);
            if c.moderator {
                // Server-only: Discord does not offer it in DMs (`contexts`
                // = [guild], and the older `dm_permission` for clients that
                // predate contexts); the bot refuses it there as well.
                b = b
                    .default_member_permissions(Permissions::MANAGE_GUILD)
                    .dm_permission(false)
                    .contexts(vec![serenity::all::InteractionContext::Guild]);
            }
            for o in c.options {
                b = b.add_option(option(o));
            }
            for s in c.subcommands {
                b = b.add_option(subcommand(s));
            }
            for g in c.groups {
                let group = g.subcommands.iter().fold(
                    CreateCommandOption::new(CommandOptionType::SubCommandGroup, g.name, g.description),
                    |group, s| group.add_sub_option(subcommand(s)),
                );
                b = b.add_option(group);
            }
            b
        })
        .chain(messages)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn interaction(v: Value) -> Interaction {
        serde_json::from_value(v).expect("a valid interaction payload")
    }

    fn base(kind: u8, data: Value, permissions: &str, roles: &[&str]) -> Value {
        json!({
            "id": "1100", "application_id": "1200", "type": kind, "token": "tok", "version": 1,
            "channel_id": "1300", "guild_id": "1400", "locale": "en-US", "entitlements": [],
            "attachment_size_limit": 26214400,
            "member": {
                "user": {"id": "1500", "username": "ana", "discriminator": "0", "global_name": "Ana", "avatar": null},
                "roles": roles, "joined_at": "2031-01-01T00:00:00Z", "deaf": false, "mute": false, "flags": 0,
                "permissions": permissions
            },
            "data": data
        })
    }

    #[test]
    fn commands_with_subcommands_and_attachments_convert() {
        let data = json!({
            "id": "1600", "name": "corpus", "type": 1,
            "options": [{"name": "add-file", "type": 1, "options": [{"name": "file", "type": 11, "value": "1700"}]}],
            "resolved": {"attachments": {"1700": {
                "id": "1700", "filename": "note.md", "size": 120, "url": "http://127.0.0.1:1/note.md",
                "proxy_url": "http://127.0.0.1:1/note.md", "content_type": "text/markdown"
            }}}
        });
        let rule = ModeratorRule { role: Some(RoleId::new(42)), guild: None };
        let inv = invocation(&interaction(base(2, data.clone(), "0", &["42"])), &rule).unwrap();
        assert_eq!(inv.name, "corpus");
        assert_eq!(inv.subcommand.as_deref(), Some("add-file"));
        assert!(inv.user.is_moderator, "by role");
        assert_eq!(inv.user.id, "1500");
        let OptionValue::Attachment(a) = &inv.options[0].1 else { panic!("{inv:?}") };
        assert_eq!((a.filename.as_str(), a.size), ("note.md", 120));
        let member = invocation(&interaction(base(2, data.clone(), "0", &[])), &rule).unwrap();
        assert!(!member.user.is_moderator);
        let manager = invocation(&interaction(base(2, data, "32", &[])), &ModeratorRule::default()).unwrap();
        assert!(manager.user.is_moderator, "Manage Server");
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/discord_interaction.rs`): a
    /// payload with a member holding Manage Server but no server id made a
    /// moderator outside any server.
    #[test]
    fn member_rights_without_a_server_make_no_moderator() {
        let data = json!({"id": "1600", "name": "corpus", "type": 1,
            "options": [{"name": "add", "type": 1, "options": [{"name": "url", "type": 3, "value": "https://vell.example/a"}]}]});
        let mut payload = base(2, data, "32", &["42"]);
        payload.as_object_mut().unwrap().remove("guild_id");
        let rule = ModeratorRule { role: Some(RoleId::new(42)), guild: None };
        for rule in [rule, ModeratorRule::default()] {
            let inv = invocation(&interaction(payload.clone()), &rule).unwrap();
            assert_eq!(inv.place.guild, None);
            assert!(!inv.user.is_moderator, "{inv:?}");
        }
    }

    #[test]
    fn subcommands_in_a_group_are_named_with_it() {
        let data = json!({"id": "1", "name": "corpus", "type": 1, "options": [
            {"name": "feed", "type": 2, "options": [{"name": "add", "type": 1, "options": [
                {"name": "url", "type": 3, "value": "https://vell.example/rss"}]}]}]});
        let inv = invocation(&interaction(base(2, data, "32", &[])), &ModeratorRule::default()).unwrap();
        assert_eq!(inv.subcommand.as_deref(), Some("feed add"));
        assert_eq!(inv.options, vec![("url".to_owned(), OptionValue::String("https://vell.example/rss".into()))]);
        assert!(inv.user.is_moderator);
    }

    #[test]
    fn autocomplete_buttons_and_modals_convert() {
        let ac = json!({"id": "1", "name": "who-said", "type": 1,
            "options": [{"name": "person", "type": 3, "value": "Kes", "focused": true}]});
        let inv = invocation(&interaction(base(4, ac, "0", &[])), &ModeratorRule::default()).unwrap();
        assert_eq!(inv.kind, Kind::Autocomplete { focused: "person".into() });
        assert_eq!(inv.options, vec![("person".to_owned(), OptionValue::String("Kes".into()))]);
        let modal = json!({"custom_id": "add-text", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "T"}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "body", "value": "B"}]}]});
        let inv = invocation(&interaction(base(5, modal, "0", &[])), &ModeratorRule::default()).unwrap();
        assert_eq!((inv.kind.clone(), inv.name.as_str(), inv.options.len()), (Kind::ModalSubmit, "add-text", 2));
    }

    #[test]
    fn every_message_forbids_mentions_and_keeps_its_shape() {
        let m = Message::text("@\u{200B}everyone").embed(Embed::new().title("t").description("d")).ephemeral(true);
        let v = serde_json::to_value(response(&Reply::Message(m.clone()), false)).unwrap();
        assert_eq!(v["type"], 4);
        assert_eq!(v["data"]["allowed_mentions"]["parse"], json!([]));
        assert_eq!(v["data"]["flags"], 64);
        let v = serde_json::to_value(response(&Reply::Update(m.clone()), true)).unwrap();
        assert_eq!(v["type"], 7);
        assert_eq!(v["data"]["components"], json!([]));
        let v = serde_json::to_value(edit(&m)).unwrap();
        assert_eq!(v["allowed_mentions"]["parse"], json!([]));
        let v = serde_json::to_value(response(&Reply::Modal(crate::bot::add_text_form()), false)).unwrap();
        assert_eq!(v["type"], 9);
        assert_eq!(v["data"]["components"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn a_file_is_described_in_the_payload_and_sent_beside_it() {
        let f = crate::bot::File::new("timeline.png", vec![137, 80, 78, 71], "Bar chart: statements per week").unwrap();
        let m = Message::text("chart").attach(f);
        let v = serde_json::to_value(response(&Reply::Message(m.clone()), false)).unwrap();
        assert_eq!(v["data"]["attachments"][0]["filename"], "timeline.png");
        assert_eq!(v["data"]["attachments"][0]["description"], "Bar chart: statements per week");
        assert_eq!(v["data"]["attachments"][0]["id"], 0, "matches files[0]");
        assert!(v["data"]["attachments"][0].get("data").is_none(), "bytes travel as a part, not in JSON");
        let sent = files(&m);
        assert_eq!((sent.len(), sent[0].data.as_slice()), (1, &[137u8, 80, 78, 71][..]));
        let v = serde_json::to_value(edit(&m)).unwrap();
        assert_eq!(v["attachments"][0]["filename"], "timeline.png");
        assert!(files(&Message::text("x")).is_empty());
    }

    #[test]
    fn registration_marks_moderator_commands() {
        let v = serde_json::to_value(commands()).unwrap();
        let corpus = v.as_array().unwrap().iter().find(|c| c["name"] == "corpus").unwrap();
        assert_eq!(corpus["default_member_permissions"], "32");
        assert_eq!(corpus["contexts"], serde_json::json!([0]), "guild only");
        assert_eq!(corpus["dm_permission"], false);
        let options = corpus["options"].as_array().unwrap();
        assert_eq!(options.len(), 8);
        let feed = options.iter().find(|o| o["name"] == "feed").unwrap();
        assert_eq!(feed["type"], 2, "a subcommand group");
        let subs: Vec<&str> = feed["options"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(subs, ["add", "list", "remove", "poll"]);
        assert!(feed["options"].as_array().unwrap().iter().all(|s| s["type"] == 1));
        let ask = v.as_array().unwrap().iter().find(|c| c["name"] == "ask").unwrap();
        assert!(ask.get("default_member_permissions").is_none_or(Value::is_null));
        let find = v.as_array().unwrap().iter().find(|c| c["name"] == "Find sources").unwrap();
        assert_eq!(find["type"], 3);
        assert!(find.get("description").is_none() && find.get("options").is_none_or(|o| o == &json!([])), "{find}");
    }

    #[test]
    fn message_commands_carry_the_target_text() {
        let data = json!({
            "id": "1600", "name": "Find sources", "type": 3, "target_id": "1900",
            "resolved": {"messages": {"1900": {
                "id": "1900", "channel_id": "1300", "content": "Did Marden sign the truce? <@1500>",
                "author": {"id": "1501", "username": "bo", "discriminator": "0", "global_name": null, "avatar": null},
                "timestamp": "2031-01-01T00:00:00Z", "edited_timestamp": null, "tts": false,
                "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": false, "type": 0
            }}}
        });
        let inv = invocation(&interaction(base(2, data, "0", &[])), &ModeratorRule::default()).unwrap();
        assert_eq!((inv.kind.clone(), inv.name.as_str()), (Kind::MessageCommand, "Find sources"));
        assert_eq!(
            inv.options,
            vec![("text".to_owned(), OptionValue::String("Did Marden sign the truce? <@1500>".into()))]
        );
    }
}
