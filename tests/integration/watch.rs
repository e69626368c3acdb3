//! `/watch` end to end: the real `parley serve` against the local Discord
//! (watches added in a server channel and in a direct message, an article
//! pasted through `/corpus add-text`, the alerts posted once with valid
//! bodies, a restart that catches up without repeating, a channel that
//! answers 403), `parley watch list|test`, and `/watch` in the console.
//! Every article and person is fictional.

use std::io::Write;
use std::time::Duration;

use serde_json::Value;

use crate::discord::{assert_inert, embeds, finish, send, spawn_bot, start, Bot, AUDIT_CHANNEL, STARTUP};
use crate::fake_discord::payloads::{opt_str, sub, Action, Member};
use crate::fake_discord::FakeDiscord;
use crate::harness::{fixture, DataDir};

/// How long alerts may take to arrive (a 2 s gathering window, then the post).
const ALERT: Duration = Duration::from_secs(30);

const FERRY_TITLE: &str = "Ferry talks resume between Pellmouth and Brennick";
const FERRY_BODY: &str =
    "Ferry services between Pellmouth and Brennick will resume next month under a deal agreed on Monday.\n\
\"The ferries will sail again before the harvest,\" said Ilsa Marden, Veloria's foreign minister.\n\
The harbour master of Pellmouth said the ferry timetable would be published within a week.";

fn watch_add(option: &str, value: &str) -> Action {
    Action::command("watch", vec![sub("add", vec![opt_str(option, value)])])
}

/// Pastes an article through `/corpus add-text`; returns its id.
fn add_text(fake: &FakeDiscord, bot: &Bot, title: &str, date: &str, body: &str) -> String {
    let url = format!("https://gazette.example/{}", title.to_lowercase().replace(' ', "-"));
    let r = send(
        fake,
        bot,
        Action::modal(
            "add-text",
            &[("title", title), ("outlet", "Harbour Gazette"), ("url", &url), ("date", date), ("body", body)],
        ),
        &Member::manager(1),
    );
    let text = r.text();
    let id = text.split("Added `").nth(1).and_then(|r| r.split('`').next());
    id.unwrap_or_else(|| panic!("not added: {text}\nlog:\n{}", bot.tail())).to_owned()
}

/// Waits until the watches' cursor records `id` (the batch is done).
fn wait_seen(data: &DataDir, id: &str, bot: &Bot) {
    let deadline = std::time::Instant::now() + ALERT;
    loop {
        let seen = std::fs::read_to_string(data.path().join("watches.seen")).unwrap_or_default();
        if seen.lines().any(|l| l == id) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{id} never recorded as seen:\n{seen}\nlog:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The DM channel the fake gives a member (see `payloads::interaction`).
fn dm_channel(fake: &FakeDiscord, member: &Member) -> u64 {
    fake.world().channel_id + 1_000 + (member.user_id % 1_000)
}

fn titles(m: &Value) -> Vec<String> {
    embeds(m).iter().filter_map(|e| e["title"].as_str().map(str::to_owned)).collect()
}

fn write_article(data: &DataDir, name: &str, title: &str, date: &str, body: &str) -> std::path::PathBuf {
    let path = data.path().join(name);
    std::fs::write(
        &path,
        format!("+++\ntitle = {title:?}\noutlet = \"Harbour Gazette\"\npublished = \"{date}\"\n+++\n\n{body}\n"),
    )
    .expect("write an article");
    path
}

#[test]
fn watch_alerts_arrive_once_and_restarts_catch_up_without_repeating() {
    let env = [("PARLEY_AUDIT_CHANNEL", AUDIT_CHANNEL.to_string())];
    let (fake, data, mut bot) = start(&env);
    let world = fake.world();
    let reader = Member::reader(3);

    // Registered for everyone (members watch in their DMs).
    let reg = fake.registered_commands().expect("registered");
    let list = reg.body.as_array().cloned().unwrap_or_default();
    let watch = list.iter().find(|c| c["name"] == "watch").expect("/watch registered");
    assert!(watch["default_member_permissions"].is_null(), "{watch}");

    // In a server channel only moderators add watches; in a DM anyone does.
    let denied = send(&fake, &bot, watch_add("person", "Ilsa Marden"), &reader);
    assert!(denied.is_ephemeral() && denied.text().to_lowercase().contains("moderator"), "{}", denied.text());
    let added = send(&fake, &bot, watch_add("person", "Ilsa Marden"), &Member::manager(1));
    assert!(added.text().contains("Watch **w1** added"), "{}", added.text());
    let again = send(&fake, &bot, watch_add("person", "ilsa  marden"), &Member::manager(2));
    assert!(again.text().contains("already watches"), "{}", again.text());
    let dm = send(&fake, &bot, watch_add("query", "ferry timetable Pellmouth"), &reader.clone().in_direct_message());
    assert!(dm.text().contains("Watch **w2** added"), "{}", dm.text());
    let bad = send(&fake, &bot, Action::command("watch", vec![sub("add", vec![])]), &Member::manager(1));
    assert!(bad.text().contains("person or query"), "{}", bad.text());
    let listed = send(&fake, &bot, Action::command("watch", vec![sub("list", vec![])]), &reader);
    assert!(listed.text().contains("w1") && !listed.text().contains("w2"), "{}", listed.text());

    // A pasted article: one alert in each channel, with valid bodies.
    let dm_id = dm_channel(&fake, &reader);
    let ferry = add_text(&fake, &bot, FERRY_TITLE, "2031-06-02", FERRY_BODY);
    fake.wait_for_posts(ALERT, |posted, _| {
        posted.iter().any(|(c, _)| *c == world.channel_id) && posted.iter().any(|(c, _)| *c == dm_id)
    })
    .unwrap_or_else(|e| panic!("{e}\nlog:\n{}", bot.tail()));
    wait_seen(&data, &ferry, &bot);
    let channel = fake.messages_in(world.channel_id);
    assert_eq!(channel.len(), 1, "{channel:?}");
    let m = &channel[0];
    assert_eq!(m["allowed_mentions"]["parse"], serde_json::json!([]), "{m}");
    let e = &embeds(m)[0];
    assert_eq!(e["title"], FERRY_TITLE, "{e}");
    assert_eq!(e["url"], format!("https://gazette.example/{}", FERRY_TITLE.to_lowercase().replace(' ', "-")));
    assert!(e["description"].as_str().unwrap_or("").contains("The ferries will sail again before the harvest"), "{e}");
    let footer = e["footer"]["text"].as_str().unwrap_or("");
    assert!(footer.contains("Harbour Gazette") && footer.contains("2031-06-02") && footer.contains("w1"), "{footer}");
    let dm_posts = fake.messages_in(dm_id);
    assert_eq!(dm_posts.len(), 1, "{dm_posts:?}");
    let d = embeds(&dm_posts[0]);
    assert!(d[0]["description"].as_str().unwrap_or("").contains("timetable"), "{d:?}");

    // Stop the bot; two articles arrive from the command line meanwhile.
    drop(bot);
    let a = write_article(&data, "a.md", "Marden visits the Brennick locks", "2031-06-05",
        "Veloria's foreign minister toured the Brennick locks on Thursday.\n\"The locks will open to every ship,\" said Ilsa Marden.");
    let b = write_article(&data, "b.md", "Salt flats reopen to traders", "2031-06-06",
        "Traders returned to the salt flats near Saltmere on Friday.\n\"We trust the truce,\" Ilsa Marden told the traders.");
    data.ok(&["add", "--defer-vectors", a.to_str().unwrap_or(""), b.to_str().unwrap_or("")]);
    let identifies = fake.gateway_log().identifies.len();
    bot = spawn_bot(&fake, &data, &[], &env);
    let deadline = std::time::Instant::now() + STARTUP;
    while fake.gateway_log().identifies.len() == identifies {
        bot.expect_running();
        assert!(std::time::Instant::now() < deadline, "the bot did not reconnect:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(100));
    }
    // Catch-up: both in one message, and nothing already posted again.
    fake.wait_for_posts(ALERT, |posted, _| posted.iter().filter(|(c, _)| *c == world.channel_id).count() >= 2)
        .unwrap_or_else(|e| panic!("{e}\nlog:\n{}", bot.tail()));
    let channel = fake.messages_in(world.channel_id);
    let caught_up = titles(&channel[1]);
    assert_eq!(caught_up.len(), 2, "one message for the burst: {caught_up:?}");
    assert!(
        caught_up.iter().any(|t| t.contains("Brennick locks")) && caught_up.iter().any(|t| t.contains("Salt flats"))
    );
    assert!(!caught_up.iter().any(|t| t == FERRY_TITLE), "a repeat: {caught_up:?}");
    // The next article after the restart: posted once, and it is the only new post.
    add_text(&fake, &bot, "Marden opens the Avel quay", "2031-06-07",
        "The new quay at Port Avel opened on Saturday.\n\"This quay is for traders, not for warships,\" said Ilsa Marden.");
    fake.wait_for_posts(ALERT, |posted, _| posted.iter().filter(|(c, _)| *c == world.channel_id).count() >= 3)
        .unwrap_or_else(|e| panic!("{e}\nlog:\n{}", bot.tail()));
    let channel = fake.messages_in(world.channel_id);
    assert_eq!(titles(&channel[2]), vec!["Marden opens the Avel quay".to_owned()]);
    let all: Vec<String> = channel.iter().flat_map(titles).collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(all.len(), unique.len(), "an article posted twice: {all:?}");
    assert_eq!(fake.messages_in(dm_id).len(), 1, "the DM watch matched nothing new");
    for (_, m) in fake.channel_messages() {
        let mut text = String::new();
        crate::fake_discord::message_text(&m, &mut text);
        assert_inert(&text);
    }

    // Audited: the watch added by a moderator and the refusal.
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap_or_default();
    assert!(audit.lines().any(|l| l.contains("watch-add") && l.contains("\"ok\"")), "{audit}");
    assert!(audit.lines().any(|l| l.contains("watch-add") && l.contains("denied")), "{audit}");
    finish(&fake, &bot);
}

#[test]
fn watch_a_channel_that_refuses_the_bot_disables_its_watches() {
    let env = [("PARLEY_AUDIT_CHANNEL", AUDIT_CHANNEL.to_string())];
    let (fake, data, bot) = start(&env);
    let world = fake.world();
    let added = send(&fake, &bot, watch_add("query", "ferry timetable Pellmouth"), &Member::manager(1));
    assert!(added.text().contains("added"), "{}", added.text());
    let added = send(&fake, &bot, watch_add("person", "Ilsa Marden"), &Member::manager(1));
    assert!(added.text().contains("added"), "{}", added.text());
    fake.forbid_channel(world.channel_id);
    add_text(&fake, &bot, FERRY_TITLE, "2031-06-02", FERRY_BODY);
    fake.wait_for_posts(ALERT, |_, refused| !refused.is_empty()).unwrap_or_else(|e| panic!("{e}\n{}", bot.tail()));
    fake.wait_for_posts(ALERT, |posted, _| {
        posted
            .iter()
            .any(|(c, m)| *c == AUDIT_CHANNEL && m["content"].as_str().is_some_and(|t| t.contains("/watch disabled")))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", bot.tail()));
    assert_eq!(fake.refused_posts().len(), 1, "one refused post, then no more attempts");
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap_or_default();
    let disabled: Vec<&str> = audit.lines().filter(|l| l.contains("watch-disabled")).collect();
    assert_eq!(disabled.len(), 1, "one audit line: {audit}");
    assert!(disabled[0].contains("403") && disabled[0].contains("w1") && disabled[0].contains("w2"), "{}", disabled[0]);
    // Both watches are disabled on disk (read while the bot runs).
    let list: Value = serde_json::from_str(&data.ok(&["watch", "list", "--json"])).expect("json");
    let list = list.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|w| w["disabled"].as_str().is_some_and(|d| d.contains("403"))), "{list:?}");
    let shown = send(&fake, &bot, Action::command("watch", vec![sub("list", vec![])]), &Member::reader(1));
    assert!(shown.text().contains("disabled"), "{}", shown.text());
    // Removing works on a disabled watch; only moderators in a server.
    let no =
        send(&fake, &bot, Action::command("watch", vec![sub("remove", vec![opt_str("id", "w1")])]), &Member::reader(1));
    assert!(no.text().to_lowercase().contains("moderator"), "{}", no.text());
    let yes = send(
        &fake,
        &bot,
        Action::command("watch", vec![sub("remove", vec![opt_str("id", "w1")])]),
        &Member::manager(1),
    );
    assert!(yes.text().contains("removed"), "{}", yes.text());
    assert!(!data.ok(&["watch", "list"]).contains("w1 "), "w1 is gone");
    finish(&fake, &bot);
}

#[test]
fn watch_test_and_list_on_the_command_line() {
    let data = DataDir::new();
    for name in ["saltmere-truce.md", "grain-corridor.md", "prisoner-exchange.md"] {
        std::fs::copy(fixture(&format!("discord/{name}")), data.corpus().join(name)).expect("copy a fixture");
    }
    let out = data.ok(&["watch", "list"]);
    assert_eq!(out.trim(), "No watches.");
    assert_eq!(data.ok(&["watch", "list", "--json"]).trim(), "[]");

    let out = data.ok(&["watch", "test", "--person", "Ilsa Marden", "--article", "saltmere-truce"]);
    assert!(out.contains("1 of the 1 articles tried would be posted"), "{out}");
    assert!(
        out.contains(
            "┌ Marden and Vask agree a truce around Saltmere  <https://courier.example/2031/05/10/saltmere-truce>"
        ),
        "{out}"
    );
    assert!(out.contains("hold every gun silent"), "{out}");
    assert!(out.contains("Saltmere Courier · 2031-05-10"), "{out}");

    // A surname resolves as who-said resolves it; --since narrows the articles.
    let out = data.ok(&["watch", "test", "--person", "Marden", "--since", "2031-05-12"]);
    assert!(out.contains("2 of the 2 articles tried"), "{out}");
    assert!(!out.contains("agree a truce"), "{out}");
    let json: Value =
        serde_json::from_str(&data.ok(&["watch", "test", "--query", "grain ships corridor", "--json"])).expect("json");
    let found = json.as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["article"]["title"], "Grain ships leave Saltmere under the new corridor deal");
    assert_eq!(found[0]["found"]["kind"], "passage");

    // Not covered is not posted; nobody by that name is not guessed.
    let out = data.ok(&["watch", "test", "--query", "quantum chromodynamics of penguins"]);
    assert!(out.starts_with("Nothing to post"), "{out}");
    let out = data.ok(&["watch", "test", "--person", "Nobody Atall"]);
    assert!(out.starts_with("Nothing to post"), "{out}");
    // Bad input: a clear error.
    let err = data.fails(&["watch", "test", "--person", "A", "--query", "b"]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = data.fails(&["watch", "test", "--query", &"ferry ".repeat(50)]);
    assert!(err.contains("too long"), "{err}");
    let err = data.fails(&["watch", "test", "--person", "Marden", "--article", "no-such-article"]);
    assert!(err.contains("no-such-article"), "{err}");
}

#[test]
fn watch_in_the_console_prints_alerts_for_its_own_watches() {
    let data = DataDir::new();
    std::fs::copy(fixture("discord/saltmere-truce.md"), data.corpus().join("saltmere-truce.md")).expect("fixture");
    let mut child = data.spawn(&["console"]);
    let input = format!(
        "/watch add person:\"Ilsa Marden\"\n\
         /watch add query:ferry timetable Pellmouth\n\
         /watch list\n\
         /corpus add-text\n{FERRY_TITLE}\nHarbour Gazette\n\n2031-06-02\n{FERRY_BODY}\n.\n\
         /watch remove w2\n\
         /watch list\n\
         /quit\n"
    );
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("type");
    let out = child.wait_with_output().expect("console");
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.contains("Watch **w1** added") && out.contains("Watch **w2** added"), "{out}");
    assert!(out.contains("**w2** · query:ferry timetable Pellmouth"), "{out}");
    let alert = out.split("(watch alert)").nth(1).expect("an alert after the addition");
    assert!(alert.contains(FERRY_TITLE) && alert.contains("The ferries will sail again"), "{alert}");
    assert!(alert.contains("watch w1") && alert.contains("watch w2"), "{alert}");
    assert_eq!(out.matches("(watch alert)").count(), 1, "one message for both watches: {out}");
    assert!(out.contains("Watch **w2** (query:ferry timetable Pellmouth) removed"), "{out}");
    // The console's watches are on disk, in the console's channel.
    let list = data.ok(&["watch", "list"]);
    assert!(list.contains("w1") && list.contains("channel console") && !list.contains("w2 "), "{list}");
}
