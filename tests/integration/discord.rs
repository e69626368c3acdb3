//! The Discord bot end to end: the real `parley serve` binary against the
//! local Discord of [`crate::fake_discord`], on 127.0.0.1 only. Each test
//! starts its own fake and its own bot over a data dir seeded with the
//! fictional articles of `tests/fixtures/discord/` (plus a few generated
//! here), drives it with interactions the way Discord would, and asserts on
//! what the bot sent — every body checked against Discord's spec and limits
//! by the fake.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::fake_discord::payloads::{self, opt_attachment, opt_bool, opt_focused, opt_str, sub, Action, Member};
use crate::fake_discord::{Config, Disconnect, FakeDiscord, Reply};
use crate::harness::{fixture, DataDir};

/// How long one answer may take to arrive in these tests (Discord's own
/// 3 s rule is enforced separately by the fake).
pub(crate) const ANSWER: Duration = Duration::from_secs(10);
/// Startup: open the corpus, index it, connect, register.
pub(crate) const STARTUP: Duration = Duration::from_secs(60);
/// The audit channel the bot is told about.
pub(crate) const AUDIT_CHANNEL: u64 = 1_310_000_000_000_000_031;

/// A running `parley serve`; killed on drop.
pub(crate) struct Bot {
    child: Child,
    log: PathBuf,
}

impl Bot {
    pub(crate) fn log(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// The last lines of the bot's log, for failure messages.
    pub(crate) fn tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// The bot process's id (for its memory and descriptors in /proc).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn expect_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("parley serve exited ({status}); its log:\n{}", self.tail());
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `parley serve` (with `args`, e.g. `--http ADDR`) pointed at the fake.
pub(crate) fn spawn_bot(fake: &FakeDiscord, data: &DataDir, args: &[&str], env: &[(&str, String)]) -> Bot {
    let log = data.path().join("bot.log");
    let out = fs::File::create(&log).expect("bot log");
    let err = out.try_clone().expect("bot log");
    let world = fake.world();
    let mut cmd: Command = data.parley();
    cmd.arg("serve")
        .args(args)
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_BASE", fake.api_base())
        .env("DISCORD_GUILD_ID", world.guild_id.to_string())
        .env("PARLEY_MODERATOR_ROLE", world.moderator_role_id.to_string())
        .env("PARLEY_LOG", "debug")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("DISCORD_PUBLIC_KEY")
        .env_remove("PARLEY_AUDIT_CHANNEL")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    Bot { child: cmd.spawn().expect("spawn parley serve"), log }
}

/// The id line of a corpus fixture.
fn fixture_id(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("id = \"").and_then(|r| r.strip_suffix('"')))
        .expect("fixture with an id")
        .to_owned()
}

fn write_article(corpus: &Path, id: &str, title: &str, outlet: &str, date: &str, body: &str) {
    let text = format!(
        "+++\nid = \"{id}\"\ntitle = {title:?}\noutlet = \"{outlet}\"\nurl = \"https://courier.example/{id}\"\npublished = \"{date}\"\nlanguage = \"en\"\nadded_by = \"fixture\"\n+++\n\n{body}\n"
    );
    fs::write(corpus.join(format!("{id}.md")), text).expect("write a fixture article");
}

/// The words of the run-on paragraph, for checking where it was cut.
const RUN_ON_WORDS: &[&str] = &["and", "the", "commission", "inspected", "sluices", "canals", "reservoirs", "wells"];

/// A 10,000-character paragraph that is one sentence: no full stop to cut at.
fn run_on_paragraph() -> String {
    let mut p = String::from("The commission inspected");
    while p.chars().count() < 10_000 {
        p.push_str(" sluices and canals and reservoirs and wells,");
    }
    p.pop();
    p.push('.');
    p
}

/// Checks that every cut text ends at a whole word before its ellipsis.
fn assert_cut_at_words(m: &Value) {
    for e in embeds(m) {
        let texts = [e["description"].as_str()]
            .into_iter()
            .chain(e["fields"].as_array().into_iter().flatten().map(|f| f["value"].as_str()));
        for t in texts.flatten() {
            let Some(before) = t.strip_suffix('…') else { continue };
            let last = before.split_whitespace().last().unwrap_or("");
            let word = last.trim_matches(|c: char| !c.is_alphanumeric());
            if before.contains("sluices") {
                assert!(RUN_ON_WORDS.contains(&word), "cut inside a word: …{last:?}…");
            }
        }
    }
}

/// A 10,000-character paragraph on the (fictional) water commission.
fn long_paragraph(seed: &str) -> String {
    let sentence = format!(
        "The Saltmere water commission, {seed}, heard from pumping engineers about reservoirs, pipes and wells. "
    );
    let mut p = String::new();
    while p.chars().count() < 10_000 {
        p.push_str(&sentence);
    }
    p.trim_end().to_owned()
}

/// A data dir with the fixture articles, eight short commission reports
/// (enough for a second page of results) and a hostile article.
pub(crate) fn seeded() -> DataDir {
    let data = DataDir::new();
    let corpus = data.corpus();
    for name in ["saltmere-truce.md", "grain-corridor.md", "prisoner-exchange.md"] {
        let text = fs::read_to_string(fixture(&format!("discord/{name}"))).expect("fixture");
        fs::write(corpus.join(format!("{}.md", fixture_id(&text))), text).expect("copy fixture");
    }
    for n in 1..=8 {
        write_article(
            &corpus,
            &format!("2031-04-{n:02}-ceasefire-commission-round-{n}"),
            &format!("Ceasefire commission meets for round {n}"),
            "Saltmere Courier",
            &format!("2031-04-{n:02}"),
            &format!(
                "The joint ceasefire commission met in Saltmere for round {n} of its work on the truce line.\nDelegates of the ceasefire commission reviewed {n} reported incidents along the coastal road."
            ),
        );
    }
    let hostile_body = format!(
        "@everyone the Saltmere water commission report is out <@123456789012345678> <@&{role}> **urgent** [click](https://evil.example/x) ||spoiler|| `code`\n{}\n> quoted line from the commission\n{}",
        long_paragraph("first hearing"),
        run_on_paragraph(),
        role = 1_400_000_000_000_000_004u64
    );
    write_article(
        &corpus,
        "2031-06-09-everyone-water-commission-report",
        "@everyone: the Saltmere water commission **report** <@123456789012345678>",
        "The Lantern Post",
        "2031-06-09",
        &hostile_body,
    );
    data
}

/// Starts a fake and a bot over a seeded data dir; waits until the bot has
/// registered its commands and holds a gateway session.
pub(crate) fn start(env: &[(&str, String)]) -> (FakeDiscord, DataDir, Bot) {
    start_with(Config::default(), env)
}

pub(crate) fn start_with(config: Config, env: &[(&str, String)]) -> (FakeDiscord, DataDir, Bot) {
    let fake = FakeDiscord::start_with(config);
    let data = seeded();
    let bot = spawn_ready(&fake, &data, env);
    (fake, data, bot)
}

/// The bot over `data`, once it has registered its commands and holds a
/// gateway session with `fake`.
pub(crate) fn spawn_ready(fake: &FakeDiscord, data: &DataDir, env: &[(&str, String)]) -> Bot {
    let mut bot = spawn_bot(fake, data, &[], env);
    if let Err(e) = fake.wait_for_registration(STARTUP) {
        bot.expect_running();
        panic!("{e}\nbot log:\n{}", bot.tail());
    }
    if let Err(e) = fake.wait_ready(STARTUP) {
        panic!("{e}\nbot log:\n{}", bot.tail());
    }
    bot
}

pub(crate) fn ask(fake: &FakeDiscord, bot: &Bot, member: &Member, question: &str) -> Reply {
    send(fake, bot, Action::command("ask", vec![opt_str("question", question)]), member)
}

pub(crate) fn send(fake: &FakeDiscord, bot: &Bot, action: Action, member: &Member) -> Reply {
    let id = fake.send_interaction(action, member);
    match fake.wait_for_response(id, ANSWER) {
        Ok(r) => r,
        Err(e) => panic!("{e}\nviolations: {:#?}\nbot log:\n{}", fake.violations(), bot.tail()),
    }
}

pub(crate) fn embeds(m: &Value) -> Vec<Value> {
    m.get("embeds").and_then(Value::as_array).cloned().unwrap_or_default()
}

/// Text from articles and users must not ping or inject markdown.
pub(crate) fn assert_inert(text: &str) {
    for bad in ["@everyone", "@here", "<@1", "<@&1", "||spoiler||", "`code`"] {
        assert!(!text.contains(bad), "{bad:?} reaches Discord unescaped in:\n{text}");
    }
    // A link needs an unescaped `](` (the bot's own links are fine).
    for (i, _) in text.match_indices("](https://evil.example") {
        assert!(text[..i].ends_with('\\'), "an article's markdown link reaches Discord unescaped in:\n{text}");
    }
}

pub(crate) fn corpus_files(data: &DataDir) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(data.corpus())
        .expect("corpus dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub(crate) fn finish(fake: &FakeDiscord, bot: &Bot) {
    fake.assert_clean();
    let log = bot.log();
    assert!(log.lines().count() > 3, "the bot logged nothing at debug level:\n{log}");
    assert!(!log.contains(&fake.token()), "the token appears in the bot's log");
}

#[test]
fn discord_registration_and_questions() {
    let (fake, _data, bot) = start(&[]);
    let world = fake.world();

    // Registration: to the guild, every command, moderator commands gated.
    let reg = fake.registered_commands().expect("registered");
    assert_eq!(reg.guild, Some(world.guild_id), "commands go to DISCORD_GUILD_ID");
    let list = reg.body.as_array().expect("an array of commands");
    let names: Vec<&str> = list.iter().filter_map(|c| c["name"].as_str()).collect();
    for expected in ["ask", "who-said", "article", "sources", "about", "corpus"] {
        assert!(names.contains(&expected), "/{expected} not registered: {names:?}");
    }
    let by_name = |n: &str| list.iter().find(|c| c["name"] == n).cloned().unwrap_or(Value::Null);
    let perms = |c: &Value| match &c["default_member_permissions"] {
        Value::String(s) => s.parse::<u64>().ok(),
        v => v.as_u64(),
    };
    assert_eq!(perms(&by_name("corpus")).map(|p| p & 0x20), Some(0x20), "/corpus needs Manage Server by default");
    assert!(perms(&by_name("ask")).is_none_or(|p| p == 0 || p & 0x20 == 0), "/ask is for everyone");
    let person =
        by_name("who-said")["options"].as_array().and_then(|o| o.iter().find(|o| o["name"] == "person")).cloned();
    assert_eq!(person.as_ref().map(|p| &p["autocomplete"]), Some(&json!(true)), "who-said person autocompletes");

    // /ask with results: embeds with title, link, bold terms, outlet and date.
    let r = ask(&fake, &bot, &Member::reader(1), "truce around Saltmere");
    // Answered at once, or (the first question loads the model; a loaded
    // machine) acknowledged and then edited: never timed here.
    assert!(matches!(r.kind(), 4 | 5), "{:?}", r.callback);
    let m = r.message().expect("a visible answer");
    let es = embeds(&m);
    assert!(!es.is_empty(), "no embeds: {m}");
    let first = &es[0];
    assert!(first["title"].as_str().unwrap_or("").contains("Marden and Vask agree a truce around Saltmere"), "{first}");
    assert_eq!(first["url"], "https://courier.example/2031/05/10/saltmere-truce");
    let bold: Vec<&str> = first["description"].as_str().unwrap_or("").split("**").skip(1).step_by(2).collect();
    assert!(bold.iter().any(|b| b.contains("truce")), "matched terms in bold: {first}");
    let footer = first["footer"]["text"].as_str().unwrap_or("");
    assert!(footer.contains("Saltmere Courier") && footer.contains("2031-05-10"), "{footer}");
    assert!(r.after < Duration::from_secs(3));

    // Nothing relevant: a plain "not covered", no embeds, no buttons.
    let none = ask(&fake, &bot, &Member::reader(2), "quantum chromodynamics of penguins");
    let text = none.text();
    assert!(text.to_lowercase().contains("not covered"), "{text}");
    assert!(
        none.messages().iter().all(|m| embeds(m).is_empty()) && none.buttons().is_empty(),
        "noise: {:?}",
        none.messages()
    );

    // A hostile question: answered within the limits, echoed inert.
    let hostile = format!(
        "@everyone <@123456789012345678> **bold** [click](https://evil.example/x) ||spoiler|| `code` truce \u{202e} {}",
        "x".repeat(300)
    );
    let h = ask(&fake, &bot, &Member::reader(3), &hostile);
    assert!(matches!(h.kind(), 4 | 5), "{:?}", h.callback);
    assert_inert(&h.text());

    // The article with @everyone and 10,000-character paragraphs.
    let w = ask(&fake, &bot, &Member::reader(4), "Saltmere water commission pumping engineers");
    let wm = w.message().expect("an answer");
    let wtext = w.text();
    assert!(wtext.contains("water commission"), "{wtext}");
    assert_inert(&wtext);
    assert_cut_at_words(&wm);
    let run_on = ask(&fake, &bot, &Member::reader(4), "sluices canals reservoirs");
    let rm = run_on.message().expect("an answer");
    assert!(
        embeds(&rm)
            .iter()
            .any(|e| e["description"].as_str().is_some_and(|d| d.contains("sluices") && d.ends_with('…'))),
        "a 10,000-character sentence is cut with an ellipsis: {rm}"
    );
    assert_cut_at_words(&rm);

    // /article on it: the first paragraph, cut within the limits.
    let art = send(
        &fake,
        &bot,
        Action::command("article", vec![opt_str("id", "2031-06-09-everyone-water-commission-report")]),
        &Member::reader(4),
    );
    assert!(art.text().contains("water commission"), "{}", art.text());
    assert_cut_at_words(&art.message().expect("an article card"));
    assert_inert(&art.text());

    // /about and /sources answer.
    let about = send(&fake, &bot, Action::command("about", vec![]), &Member::reader(5));
    assert!(!about.text().is_empty());
    let sources = send(&fake, &bot, Action::command("sources", vec![]), &Member::reader(5));
    assert!(sources.text().contains("Saltmere"), "{}", sources.text());
    assert_inert(&sources.text());
    finish(&fake, &bot);
}

#[test]
fn discord_who_said_autocomplete_and_pages() {
    let (fake, _data, bot) = start(&[]);

    // Autocomplete: the focused option, ≤ 25 choices, the speaker's name as value.
    let ac =
        send(&fake, &bot, Action::autocomplete("who-said", vec![opt_focused("person", "Mard")]), &Member::reader(1));
    assert_eq!(ac.kind(), 8, "{:?}", ac.callback);
    let choices = ac.callback["data"]["choices"].as_array().cloned().unwrap_or_default();
    assert!(choices.iter().any(|c| c["value"] == "Ilsa Marden"), "{choices:?}");
    let all = send(&fake, &bot, Action::autocomplete("who-said", vec![opt_focused("person", "")]), &Member::reader(1));
    let n = all.callback["data"]["choices"].as_array().map_or(0, Vec::len);
    assert!((3..=25).contains(&n), "{:?}", all.callback);

    // The statements, with their sources, and nobody else's words.
    let ws = send(&fake, &bot, Action::command("who-said", vec![opt_str("person", "Ilsa Marden")]), &Member::reader(2));
    let text = ws.text();
    assert!(text.contains("hold every gun silent"), "{text}");
    assert!(text.contains("Saltmere Courier") || text.contains("courier.example"), "{text}");
    assert!(!text.contains("Nobody should mistake"), "Vask's words given to Marden:\n{text}");
    assert!(!text.contains("makes the next one possible"), "Calloway's words given to Marden:\n{text}");

    // Pagination: the next-page button updates the message in place.
    let p1 = ask(&fake, &bot, &Member::reader(3), "ceasefire commission");
    let next = p1
        .buttons()
        .into_iter()
        .find(|b| b.starts_with("ask:"))
        .unwrap_or_else(|| panic!("no next-page button: {:?}", p1.buttons()));
    let original = p1.original.clone().expect("the message Discord shows");
    let p2 = send(&fake, &bot, Action::button(&next, original.clone()), &Member::reader(3));
    assert!(matches!(p2.kind(), 7 | 4), "{:?}", p2.callback);
    let t1 = p1.text();
    let t2 = p2.text();
    assert!(t2.contains("ceasefire commission") || t2.contains("Ceasefire commission"), "{t2}");
    assert_ne!(t1, t2, "page 2 repeats page 1");

    // A context button: the passage with its neighbours.
    let ctx = p1.buttons().into_iter().find(|b| b.starts_with("ctx:")).expect("a context button");
    let c = send(&fake, &bot, Action::button(&ctx, original), &Member::reader(3));
    assert!(c.text().to_lowercase().contains("ceasefire commission"), "{}", c.text());
    finish(&fake, &bot);
}

#[test]
fn discord_rate_limit_is_polite() {
    let (fake, _data, bot) = start(&[]);
    let member = Member::reader(9);
    let mut replies = Vec::new();
    for i in 0..7 {
        replies.push(ask(&fake, &bot, &member, &format!("truce round {i}")));
    }
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.text().to_lowercase().contains("wait")).collect();
    assert!(
        !limited.is_empty(),
        "7 questions in a row were all answered: {:?}",
        replies.iter().map(Reply::text).collect::<Vec<_>>()
    );
    assert!(limited.iter().all(|r| r.is_ephemeral()), "the rate-limit notice is ephemeral");
    assert!(replies[0].message().is_some_and(|m| !embeds(&m).is_empty()), "the first question is answered");
    // Another member is not limited.
    let other = ask(&fake, &bot, &Member::reader(10), "truce");
    assert!(!other.text().to_lowercase().contains("please wait"), "{}", other.text());
    finish(&fake, &bot);
}

#[test]
fn discord_moderators_curate_and_others_cannot() {
    let (fake, data, bot) = start(&[("PARLEY_AUDIT_CHANNEL", AUDIT_CHANNEL.to_string())]);
    let world = fake.world();
    let before = corpus_files(&data);

    // A non-moderator: refused, nothing downloaded, nothing written.
    let harbour = fs::read(fixture("discord/harbour-talks.md")).expect("fixture");
    let file = fake.attach("harbour-talks.md", Some("text/markdown; charset=utf-8"), harbour.clone());
    let add_file = |a: &Value| Action::Command {
        name: "corpus".into(),
        options: vec![sub("add-file", vec![opt_attachment("file", a)])],
        attachments: vec![a.clone()],
    };
    let refused = send(&fake, &bot, add_file(&file), &Member::reader(1));
    assert!(refused.is_ephemeral(), "refusals are ephemeral");
    assert!(refused.text().to_lowercase().contains("moderator"), "{}", refused.text());
    let form = send(&fake, &bot, Action::command("corpus", vec![sub("add-text", vec![])]), &Member::reader(1));
    assert_ne!(form.kind(), 9, "a non-moderator got the add-text form");
    let forged = send(
        &fake,
        &bot,
        Action::modal(
            "add-text",
            &[
                ("title", "Forged"),
                ("outlet", ""),
                ("url", ""),
                ("date", ""),
                ("body", "Forged text about the Brightwater accord."),
            ],
        ),
        &Member::reader(1),
    );
    assert!(
        forged.text().to_lowercase().contains("moderator"),
        "a forged form submit was not refused: {}",
        forged.text()
    );
    assert!(fake.downloads().is_empty(), "the bot downloaded a non-moderator's file: {:?}", fake.downloads());
    assert_eq!(corpus_files(&data), before, "a non-moderator changed the corpus");

    // Wrong type and oversized: refused before anything is written.
    let pdf = fake.attach("report.pdf", Some("application/pdf"), b"%PDF-1.4 fictional".to_vec());
    let r = send(&fake, &bot, add_file(&pdf), &Member::manager(1));
    assert!(r.is_ephemeral() && r.text().contains(".txt"), "{}", r.text());
    let png = fake.attach("notes.txt", Some("image/png"), vec![0x89, b'P', b'N', b'G', 0, 0]);
    let r = send(&fake, &bot, add_file(&png), &Member::manager(1));
    assert!(r.is_ephemeral() && r.text().contains("image/png"), "{}", r.text());
    let big = fake.attach("big.txt", Some("text/plain"), "Saltmere harbour notes. ".repeat(130_000).into_bytes());
    let r = send(&fake, &bot, add_file(&big), &Member::manager(1));
    assert!(r.is_ephemeral() && r.text().contains("MB"), "{}", r.text());
    assert!(fake.downloads().iter().all(|d| !d.ends_with("/big.txt")), "the oversized file was downloaded");
    assert_eq!(corpus_files(&data), before, "a refused file changed the corpus");

    // A moderator by Manage Server adds a file: deferred, previewed, searchable.
    let added = send(&fake, &bot, add_file(&file), &Member::manager(2));
    assert!(added.text().contains("Quayside protocol"), "{}", added.text());
    assert!(fake.downloads().iter().any(|d| d.ends_with("/harbour-talks.md")));
    assert_eq!(corpus_files(&data).len(), before.len() + 1);
    let found = ask(&fake, &bot, &Member::reader(2), "Quayside protocol harbour masters");
    assert!(found.text().contains("Quayside protocol"), "{}", found.text());

    // A moderator by role adds text through the form.
    let curator = Member::with_role(3, world.moderator_role_id);
    let form = send(&fake, &bot, Action::command("corpus", vec![sub("add-text", vec![])]), &curator);
    assert_eq!(form.kind(), 9, "{:?}", form.callback);
    let modal_id = form.callback["data"]["custom_id"].as_str().unwrap_or("").to_owned();
    let inputs: Vec<String> = form.callback["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
        .collect();
    for needed in ["title", "body"] {
        assert!(inputs.iter().any(|i| i == needed), "the form has no {needed} input: {inputs:?}");
    }
    let fields = [
        ("title", "Brightwater accord signed in Port Avel"),
        ("outlet", "The Lantern Post"),
        ("url", "https://lanternpost.example/news/brightwater-accord"),
        ("date", "2031-06-05"),
        ("body", "Veloria and the Ostrian Union signed the Brightwater accord in Port Avel on Thursday.\n\n\"The Brightwater accord shares the river fairly,\" said Mira Calloway."),
    ];
    let submitted = send(&fake, &bot, Action::modal(&modal_id, &fields), &curator);
    assert!(submitted.text().contains("Brightwater accord"), "{}", submitted.text());
    assert_eq!(corpus_files(&data).len(), before.len() + 2);
    let found = ask(&fake, &bot, &Member::reader(4), "Brightwater accord river");
    let m = found.message().expect("an answer");
    assert!(embeds(&m).iter().any(|e| e["url"] == "https://lanternpost.example/news/brightwater-accord"), "{m}");

    // Every action is audited: the JSON Lines file and the channel.
    let audit = fs::read_to_string(data.path().join("audit.jsonl")).unwrap_or_default();
    let lines: Vec<Value> = audit.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(lines.iter().any(|l| l.to_string().contains("denied")), "the refusal is not audited: {audit}");
    assert!(lines.len() >= 5, "{audit}");
    let posted = fake.channel_messages();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut posted_count = posted.len();
    while posted_count < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        posted_count = fake.channel_messages().len();
    }
    let posted = fake.channel_messages();
    assert!(posted.iter().all(|(c, _)| *c == AUDIT_CHANNEL), "{posted:?}");
    assert!(posted.len() >= 2, "audit messages in the channel: {posted:?}");
    finish(&fake, &bot);
}

#[test]
fn discord_burst_and_reconnect() {
    // Discord's own heartbeat interval: a short one makes serenity take a
    // late acknowledgement under the burst for a dead connection and
    // re-identify, losing the events in flight (as Discord would).
    let config = Config { heartbeat: Duration::from_millis(41_250), ..Config::default() };
    let (fake, _data, bot) = start_with(config, &[]);
    let questions =
        ["truce around Saltmere", "grain corridor ships", "prisoner exchange Brennick", "ceasefire commission"];
    let ids: Vec<u64> = (0..200)
        .map(|i| {
            fake.send_interaction(
                Action::command("ask", vec![opt_str("question", questions[i % 4])]),
                &Member::reader(1_000 + i as u64),
            )
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for id in &ids {
        let r = fake.wait_for_response(*id, Duration::from_secs(30)).unwrap_or_else(|e| {
            panic!(
                "{e}\nviolations: {:#?}\ngateway: {:?}\nbot log:\n{}",
                fake.violations(),
                fake.gateway_log(),
                bot.tail()
            )
        });
        assert!(matches!(r.kind(), 4 | 5), "{:?}", r.callback);
        slowest = slowest.max(r.after);
    }
    eprintln!("burst of 200: slowest first response after {slowest:?}");
    assert!(slowest <= Duration::from_secs(3));

    // A resumable close, then a dropped connection: the bot comes back both times.
    for (how, n) in [(Disconnect::Close(4000), 1), (Disconnect::Drop, 2)] {
        let before = fake.gateway_log().connections;
        assert!(fake.disconnect(how), "no live connection to break");
        let deadline = Instant::now() + Duration::from_secs(30);
        while fake.gateway_log().connections == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        fake.wait_ready(Duration::from_secs(30)).unwrap_or_else(|e| panic!("{e}\nbot log:\n{}", bot.tail()));
        let r = send(&fake, &bot, Action::command("about", vec![]), &Member::reader(n));
        assert!(!r.text().is_empty());
    }
    let log = fake.gateway_log();
    assert!(log.connections >= 3, "{log:?}");
    assert_eq!(log.identifies.len(), 1, "the bot re-identified instead of resuming: {log:?}");
    finish(&fake, &bot);
}

#[test]
fn discord_moderators_of_another_server_are_refused() {
    let (fake, data, bot) = start(&[]);
    let before = corpus_files(&data);
    let world = fake.world();
    let body = "Delegations met in Saltmere harbour on Tuesday to discuss the ferry accord.";
    let add_text = || {
        Action::modal("add-text", &[("title", "Elsewhere"), ("outlet", ""), ("url", ""), ("date", ""), ("body", body)])
    };
    let remove = || Action::command("corpus", vec![sub("remove", vec![opt_str("id", "x")])]);
    // Manage Server, but in another server the bot is in: not a moderator here.
    let stranger = Member::manager(9).in_other_guild(world.guild_id + 1);
    for action in [add_text(), remove(), Action::command("corpus", vec![sub("add-text", vec![])])] {
        let r = send(&fake, &bot, action, &stranger);
        assert!(r.is_ephemeral() && r.text().to_lowercase().contains("moderator"), "{}", r.text());
    }
    // In a direct message /corpus is a server command.
    let dm = send(&fake, &bot, remove(), &Member::manager(9).in_direct_message());
    assert!(dm.text().contains("only in a server"), "{}", dm.text());
    assert_eq!(corpus_files(&data), before, "another server's moderator changed the corpus");
    // The same person with Manage Server here is a moderator: the refusal was the server.
    let here = send(&fake, &bot, remove(), &Member::manager(9));
    assert!(!here.text().to_lowercase().contains("only moderators"), "{}", here.text());
    finish(&fake, &bot);
}

#[test]
fn discord_private_answers_are_ephemeral() {
    let (fake, _data, bot) = start(&[]);
    let r = send(
        &fake,
        &bot,
        Action::command("ask", vec![opt_str("question", "grain corridor"), opt_bool("private", true)]),
        &Member::reader(1),
    );
    assert!(r.is_ephemeral(), "{:?}", r.callback);
    let public = ask(&fake, &bot, &Member::reader(2), "grain corridor");
    assert!(!public.is_ephemeral());
    finish(&fake, &bot);
}

/// `parley serve --http` on a free port with `key`'s public key, once it
/// listens: the bot and the endpoint's URL.
pub(crate) fn spawn_endpoint(fake: &FakeDiscord, data: &DataDir, key: &ed25519_dalek::SigningKey) -> (Bot, String) {
    spawn_endpoint_with(fake, data, key, &[])
}

/// [`spawn_endpoint`] with more environment.
pub(crate) fn spawn_endpoint_with(
    fake: &FakeDiscord,
    data: &DataDir,
    key: &ed25519_dalek::SigningKey,
    env: &[(&str, String)],
) -> (Bot, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let addr = format!("127.0.0.1:{port}");
    let mut bot = spawn_bot(
        fake,
        data,
        &["--http", &addr],
        &[
            &[
                ("DISCORD_PUBLIC_KEY", hex(key.verifying_key().as_bytes())),
                ("DISCORD_APPLICATION_ID", fake.world().application_id.to_string()),
            ],
            env,
        ]
        .concat(),
    );
    let deadline = Instant::now() + STARTUP;
    while std::net::TcpStream::connect(&addr).is_err() {
        bot.expect_running();
        assert!(Instant::now() < deadline, "the endpoint never listened on {addr}; log:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(50));
    }
    (bot, format!("http://{addr}/"))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed POST to the HTTP interactions endpoint: `(status, body)`; a
/// 200 must be JSON.
pub(crate) async fn post_signed(
    http: &reqwest::Client,
    url: &str,
    key: &ed25519_dalek::SigningKey,
    timestamp: &str,
    body: &str,
    sent_body: &str,
) -> (u16, Value) {
    use ed25519_dalek::Signer;
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body.as_bytes());
    let signature = hex(&key.sign(&message).to_bytes());
    let resp = http
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", signature)
        .header("x-signature-timestamp", timestamp)
        .body(sent_body.to_owned())
        .send()
        .await
        .expect("the endpoint answers");
    let status = resp.status().as_u16();
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if status == 200 {
        assert!(content_type.starts_with("application/json"), "a 200 answer as {content_type:?}, not JSON");
    }
    let bytes = resp.bytes().await.unwrap_or_default();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[test]
fn discord_http_endpoint_verifies_signatures() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let (bot, url) = spawn_endpoint(&fake, &data, &key);
    let http = reqwest::Client::builder().no_proxy().timeout(ANSWER).build().expect("client");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let now = unix_now().to_string();
    rt.block_on(async {
        // PING → PONG.
        let (ping_id, _, ping) = fake.prepare(&Action::Ping, &Member::reader(1));
        let ping = ping.to_string();
        let (status, body) = post_signed(&http, &url, &key, &now, &ping, &ping).await;
        assert_eq!((status, &body["type"]), (200, &json!(1)), "{body}");
        let problems = fake.record_http_response(ping_id, &body);
        assert!(problems.is_empty(), "{problems:#?}");

        // A command, answered in the response body.
        let (id, _, ask) = fake
            .prepare(&Action::command("ask", vec![opt_str("question", "truce around Saltmere")]), &Member::reader(1));
        let ask = ask.to_string();
        let (status, body) = post_signed(&http, &url, &key, &now, &ask, &ask).await;
        assert_eq!(status, 200, "{body}");
        let problems = fake.record_http_response(id, &body);
        assert!(problems.is_empty(), "{problems:#?}\n{body:#}");
        let reply = fake.wait_for_response(id, ANSWER).expect("recorded");
        assert!(reply.text().contains("Marden and Vask agree a truce around Saltmere"), "{}", reply.text());

        // Refused with 401: a tampered body, another key, a stale timestamp, no signature.
        let tampered = ask.replace("truce around Saltmere", "truce around Saltmerx");
        assert_eq!(post_signed(&http, &url, &key, &now, &ask, &tampered).await.0, 401, "tampered body");
        assert_eq!(post_signed(&http, &url, &stranger, &now, &ask, &ask).await.0, 401, "wrong key");
        let stale = (unix_now() - 3_600).to_string();
        assert_eq!(post_signed(&http, &url, &key, &stale, &ask, &ask).await.0, 401, "stale timestamp");
        let bare =
            http.post(&url).header("content-type", "application/json").body(ask.clone()).send().await.expect("answer");
        assert_eq!(bare.status().as_u16(), 401, "no signature");
        let future = (unix_now() + 3_600).to_string();
        assert_eq!(post_signed(&http, &url, &key, &future, &ask, &ask).await.0, 401, "a timestamp from the future");
        let garbage = "{not json";
        let (status, _) = post_signed(&http, &url, &key, &unix_now().to_string(), garbage, garbage).await;
        assert!((400..500).contains(&status), "signed garbage got {status}");

        // Autocomplete and the add-text form, answered in the body.
        let (id, _, ac) =
            fake.prepare(&Action::autocomplete("who-said", vec![opt_focused("person", "Vas")]), &Member::reader(2));
        let ac = ac.to_string();
        let (status, body) = post_signed(&http, &url, &key, &unix_now().to_string(), &ac, &ac).await;
        assert_eq!((status, &body["type"]), (200, &json!(8)), "{body}");
        assert!(fake.record_http_response(id, &body).is_empty(), "{body}");
        assert!(
            body["data"]["choices"].as_array().into_iter().flatten().any(|c| c["value"] == "Teodor Vask"),
            "{body}"
        );
        let (id, _, form) =
            fake.prepare(&Action::command("corpus", vec![sub("add-text", vec![])]), &Member::manager(2));
        let form = form.to_string();
        let (status, body) = post_signed(&http, &url, &key, &unix_now().to_string(), &form, &form).await;
        assert_eq!((status, &body["type"]), (200, &json!(9)), "{body}");
        assert!(fake.record_http_response(id, &body).is_empty(), "{body}");

        // Slow work over HTTP: deferred in the body, finished through REST.
        let file = fake.attach(
            "harbour-talks.md",
            Some("text/markdown"),
            fs::read(fixture("discord/harbour-talks.md")).expect("fixture"),
        );
        let action = Action::Command {
            name: "corpus".into(),
            options: vec![sub("add-file", vec![opt_attachment("file", &file)])],
            attachments: vec![file],
        };
        let (id, _, add) = fake.prepare(&action, &Member::manager(1));
        let add = add.to_string();
        let (status, body) = post_signed(&http, &url, &key, &unix_now().to_string(), &add, &add).await;
        assert_eq!(status, 200, "{body}");
        assert!(fake.record_http_response(id, &body).is_empty(), "{body}");
        let done = fake.wait_for_response(id, ANSWER).unwrap_or_else(|e| panic!("{e}\nlog:\n{}", bot.tail()));
        assert!(done.text().contains("Quayside protocol"), "{}", done.text());
    });
    finish(&fake, &bot);
}

#[test]
fn discord_edge_cases_answer_briefly_and_change_nothing() {
    let (fake, data, bot) = start(&[]);
    let before = corpus_files(&data);
    let reader = Member::reader(1);
    let moderator = Member::manager(1);
    let add_file = |a: &Value| Action::Command {
        name: "corpus".into(),
        options: vec![sub("add-file", vec![opt_attachment("file", a)])],
        attachments: vec![a.clone()],
    };

    // A button whose query the bot no longer knows.
    let stale = send(
        &fake,
        &bot,
        Action::button("ask:no-such-key:5", payloads::message(&fake.world(), 7, &json!({ "content": "old" }), None)),
        &reader,
    );
    assert!(stale.text().to_lowercase().contains("expired") && stale.is_ephemeral(), "{:?}", stale.callback);

    // A command Discord still lists but the bot no longer has.
    let unknown = send(&fake, &bot, Action::command("forecast", vec![]), &reader);
    assert!(unknown.is_ephemeral() && !unknown.text().is_empty(), "{:?}", unknown.callback);

    // A date that is not one.
    let bad_date = send(
        &fake,
        &bot,
        Action::command("ask", vec![opt_str("question", "truce"), opt_str("since", "yesterday")]),
        &reader,
    );
    assert!(bad_date.is_ephemeral() && bad_date.text().contains("YYYY-MM-DD"), "{}", bad_date.text());

    // A file that claims to be small but is not, and one that cannot be downloaded.
    let liar =
        fake.attach_declared("small.txt", Some("text/plain"), "Saltmere notes. ".repeat(200_000).into_bytes(), 1_000);
    let r = send(&fake, &bot, add_file(&liar), &moderator);
    assert!(r.text().to_lowercase().contains("larger than"), "{}", r.text());
    let gone = fake.attach_missing("gone.md", Some("text/markdown"));
    let r = send(&fake, &bot, add_file(&gone), &moderator);
    assert!(r.text().to_lowercase().contains("download"), "{}", r.text());
    assert_eq!(corpus_files(&data), before, "a refused file changed the corpus");

    // In a direct message nobody is a moderator, whatever their server rights.
    let file = fake.attach(
        "harbour-talks.md",
        Some("text/markdown"),
        fs::read(fixture("discord/harbour-talks.md")).expect("fixture"),
    );
    let dm = send(&fake, &bot, add_file(&file), &Member::manager(7).in_direct_message());
    assert!(dm.text().contains("only in a server"), "{}", dm.text());
    let dm_ask = ask(&fake, &bot, &Member::reader(7).in_direct_message(), "grain corridor");
    assert!(dm_ask.text().contains("Grain ships leave Saltmere"), "{}", dm_ask.text());
    assert_eq!(corpus_files(&data), before, "a direct message changed the corpus");

    // /corpus add url answers (with the article or a clear refusal), privately.
    let url = send(
        &fake,
        &bot,
        Action::command("corpus", vec![sub("add", vec![opt_str("url", "https://courier.example/not-reachable")])]),
        &moderator,
    );
    assert!(url.is_ephemeral() && !url.text().is_empty(), "{:?}", url.callback);
    assert_eq!(corpus_files(&data), before, "an unreachable page changed the corpus");

    // Removal: autocomplete only for moderators, then the article is gone.
    let truce = "2031-05-10-marden-and-vask-agree-a-truce-around-saltmere";
    let peek = send(
        &fake,
        &bot,
        Action::autocomplete("corpus", vec![sub("remove", vec![opt_focused("id", "marden")])]),
        &reader,
    );
    assert_eq!(peek.callback["data"]["choices"].as_array().map_or(0, Vec::len), 0, "{:?}", peek.callback);
    let pick = send(
        &fake,
        &bot,
        Action::autocomplete("corpus", vec![sub("remove", vec![opt_focused("id", "marden")])]),
        &moderator,
    );
    let choices = pick.callback["data"]["choices"].as_array().cloned().unwrap_or_default();
    assert!(choices.iter().any(|c| c["value"] == truce), "{choices:?}");
    let denied = send(&fake, &bot, Action::command("corpus", vec![sub("remove", vec![opt_str("id", truce)])]), &reader);
    assert!(denied.text().to_lowercase().contains("moderator"), "{}", denied.text());
    assert_eq!(corpus_files(&data), before);
    let removed =
        send(&fake, &bot, Action::command("corpus", vec![sub("remove", vec![opt_str("id", truce)])]), &moderator);
    assert!(removed.is_ephemeral() && removed.text().contains(truce), "{}", removed.text());
    assert!(!corpus_files(&data).contains(&format!("{truce}.md")), "the file is still there");
    let after = ask(&fake, &bot, &Member::reader(2), "truce around Saltmere");
    assert!(
        !after.text().contains("Marden and Vask agree a truce"),
        "a removed article is still found:\n{}",
        after.text()
    );

    // /sources pages with a button that updates the list in place.
    let sources = send(&fake, &bot, Action::command("sources", vec![]), &Member::reader(3));
    let next = sources.buttons().into_iter().find(|b| b.starts_with("src:")).expect("a page button");
    let page = send(&fake, &bot, Action::button(&next, sources.original.clone().expect("message")), &Member::reader(3));
    assert!(matches!(page.kind(), 7 | 6), "updated in place, at once or deferred: {:?}", page.callback);
    assert_ne!(page.text(), sources.text());
    finish(&fake, &bot);
}

#[test]
fn discord_gateway_sessions_survive_invalidation_and_reconnect_requests() {
    // A short heartbeat interval, so that heartbeats happen within the test.
    let config = Config { heartbeat: Duration::from_millis(300), ..Config::default() };
    let (fake, _data, bot) = start_with(config, &[]);
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "{what}: {:?}\nbot log:\n{}", fake.gateway_log(), bot.tail());
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // Op 7 RECONNECT: the bot reconnects and resumes.
    let connections = fake.gateway_log().connections;
    assert!(fake.disconnect(Disconnect::Reconnect));
    wait_for("no reconnect after op 7", &|| fake.gateway_log().connections > connections);
    fake.wait_ready(Duration::from_secs(30)).expect("resumed");
    assert!(!send(&fake, &bot, Action::command("about", vec![]), &Member::reader(1)).text().is_empty());

    // A session Discord no longer knows: op 9, then a fresh IDENTIFY.
    let identifies = fake.gateway_log().identifies.len();
    assert!(fake.invalidate_session());
    wait_for("no new IDENTIFY after an invalid session", &|| fake.gateway_log().identifies.len() > identifies);
    fake.wait_ready(Duration::from_secs(30)).expect("identified again");
    assert!(!send(&fake, &bot, Action::command("about", vec![]), &Member::reader(2)).text().is_empty());
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.gateway_log().heartbeats == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(fake.gateway_log().heartbeats >= 1, "the bot never heartbeats: {:?}", fake.gateway_log());
    // Registration is not repeated on every reconnect.
    let puts = fake.requests().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(puts, 1, "commands registered {puts} times");
    finish(&fake, &bot);
}

#[test]
fn discord_registers_globally_without_a_guild() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let mut bot = spawn_bot(&fake, &data, &[], &[("DISCORD_GUILD_ID", String::new())]);
    let reg = fake.wait_for_registration(STARTUP).unwrap_or_else(|e| {
        bot.expect_running();
        panic!("{e}\nbot log:\n{}", bot.tail())
    });
    assert_eq!(reg.guild, None, "without DISCORD_GUILD_ID the commands are global");
    finish(&fake, &bot);
}

#[test]
fn discord_hostile_inputs_get_brief_answers() {
    let (fake, data, bot) = start(&[]);
    let before = corpus_files(&data);
    let reader = Member::reader(1);
    let message = payloads::message(&fake.world(), 7, &json!({ "content": "old" }), None);
    let brief = |r: &Reply, what: &str| {
        let text = r.text();
        assert!(!text.is_empty() && text.chars().count() < 600, "{what}: {text}");
        assert!(r.is_ephemeral(), "{what}: errors are ephemeral: {:?}", r.callback);
        assert_inert(&text);
    };

    // Buttons Discord never made: a bad article, a bad passage, a bad number.
    for id in [
        "ctx:0:2031-01-01-no-such-article",
        "ctx:99999:2031-05-10-marden-and-vask-agree-a-truce-around-saltmere",
        "ctx:x:y",
        "who:k:999999999999999999999",
        "src:-1",
    ] {
        let r = send(&fake, &bot, Action::button(id, message.clone()), &reader);
        brief(&r, id);
    }
    // Article ids that are not ids, unknown people, a question of 6,000 characters.
    for bad in ["../../etc/passwd", "2031-01-01-no-such-article"] {
        let r = send(&fake, &bot, Action::command("article", vec![opt_str("id", bad)]), &reader);
        brief(&r, bad);
    }
    let nobody = send(
        &fake,
        &bot,
        Action::command("who-said", vec![opt_str("person", "@everyone Nobody Atall")]),
        &Member::reader(2),
    );
    assert!(nobody.messages().iter().all(|m| embeds(m).is_empty()), "statements for nobody: {}", nobody.text());
    assert_inert(&nobody.text());
    let long = ask(&fake, &bot, &Member::reader(3), &"truce ".repeat(1_000));
    assert!(matches!(long.kind(), 4 | 5), "{:?}", long.callback);

    // Forms a moderator gets wrong, and one with hostile text.
    let curator = Member::manager(4);
    let form = |fields: &[(&str, &str)]| Action::modal("add-text", fields);
    let bad_date = send(
        &fake,
        &bot,
        form(&[("title", "Dated badly"), ("date", "31/12/2031"), ("body", "The Brennick ferry resumed.")]),
        &curator,
    );
    assert!(
        bad_date.text().contains("YYYY-MM-DD") || bad_date.text().to_lowercase().contains("date"),
        "{}",
        bad_date.text()
    );
    let empty = send(&fake, &bot, form(&[("title", "Nothing"), ("body", "   ")]), &curator);
    assert!(!empty.text().is_empty(), "{:?}", empty.callback);
    assert_eq!(corpus_files(&data), before, "a bad form changed the corpus");
    let hostile = send(
        &fake,
        &bot,
        form(&[
            ("title", "@everyone Ferry **news** <@123456789012345678>"),
            ("url", "javascript:alert(1)"),
            (
                "body",
                "@everyone The Brennick ferry resumed [click](https://evil.example/x) on Monday, said Oskar Lind.",
            ),
        ]),
        &curator,
    );
    assert_inert(&hostile.text());
    for m in hostile.messages() {
        for e in embeds(&m) {
            assert!(e["url"].as_str().is_none_or(|u| u.starts_with("http")), "a javascript: link reached Discord: {e}");
        }
    }

    // The same file twice: the second time it is recognised, not duplicated.
    let file = || {
        fake.attach(
            "harbour-talks.md",
            Some("text/markdown"),
            fs::read(fixture("discord/harbour-talks.md")).expect("fixture"),
        )
    };
    let add = |a: Value| Action::Command {
        name: "corpus".into(),
        options: vec![sub("add-file", vec![opt_attachment("file", &a)])],
        attachments: vec![a],
    };
    let first = send(&fake, &bot, add(file()), &curator);
    assert!(first.text().contains("Quayside protocol"), "{}", first.text());
    let count = corpus_files(&data).len();
    let again = send(&fake, &bot, add(file()), &curator);
    assert_eq!(corpus_files(&data).len(), count, "the same article was added twice: {}", again.text());
    finish(&fake, &bot);
}

/// A group of subcommands (`/corpus feed …`).
fn group(name: &str, sub_name: &str, options: Vec<Value>) -> Value {
    json!({ "name": name, "type": 2, "options": [sub(sub_name, options)] })
}

#[test]
fn discord_moderators_manage_feeds_and_the_bot_polls_them() {
    let site = crate::feeds::start_site();
    let base = site.base();
    let fake = FakeDiscord::start_with(Config::default());
    let data = seeded();
    let allow = [("PARLEY_FETCH_ALLOW", "127.0.0.1/32".to_owned())];
    // Subscribed from the shell before the bot starts: due now, so the
    // bot's scheduler polls it as soon as it runs.
    let out = data.parley().envs(allow.clone()).args(["feed", "add", &format!("{base}/site/")]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut bot = spawn_bot(&fake, &data, &[], &allow);
    if let Err(e) = fake.wait_for_registration(STARTUP) {
        bot.expect_running();
        panic!("{e}\nbot log:\n{}", bot.tail());
    }
    fake.wait_ready(STARTUP).unwrap_or_else(|e| panic!("{e}\nbot log:\n{}", bot.tail()));
    let has = |title: &str| {
        fs::read_dir(data.corpus())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| fs::read_to_string(e.path()).is_ok_and(|t| t.contains(title)))
    };
    let polled =
        || fs::read_to_string(data.path().join("feeds/127-0-0-1.state.json")).is_ok_and(|s| s.contains("last_success"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !polled() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(polled() && has(crate::feeds::OBSERVERS.title), "the scheduler did not poll; bot log:\n{}", bot.tail());

    // Members cannot touch feeds; the refusal is audited.
    let add = |url: &str| {
        Action::command(
            "corpus",
            vec![group(
                "feed",
                "add",
                vec![opt_str("url", url), opt_str("outlet", "Ostmark Wire"), opt_str("every", "2h")],
            )],
        )
    };
    let denied = send(&fake, &bot, add(&format!("{base}/ost/atom.xml")), &Member::reader(1));
    assert!(denied.text().contains("Only moderators"), "{}", denied.text());
    let curator = Member::manager(2);
    let added = send(&fake, &bot, add(&format!("{base}/ost/atom.xml")), &curator);
    assert!(added.text().contains("Subscribed `127-0-0-1-2`"), "{}", added.text());
    let again = send(&fake, &bot, add(&format!("{base}/ost/atom.xml")), &curator);
    assert!(again.text().contains("already subscribed"), "{}", again.text());

    let list = send(&fake, &bot, Action::command("corpus", vec![group("feed", "list", vec![])]), &curator);
    let text = list.text();
    assert!(text.contains("127-0-0-1 — Dunmere Mission") && text.contains("127-0-0-1-2"), "{text}");

    // A poll now: deferred, then the report; the articles arrive.
    let poll = send(
        &fake,
        &bot,
        Action::command("corpus", vec![group("feed", "poll", vec![opt_str("feed", "127-0-0-1-2")])]),
        &curator,
    );
    assert!(has(crate::feeds::VOTE.title), "bot log:\n{}", bot.tail());
    assert!(poll.text().contains("Polled 1 feed:"), "{}", poll.text());

    let removed = send(
        &fake,
        &bot,
        Action::command("corpus", vec![group("feed", "remove", vec![opt_str("feed", "127-0-0-1-2")])]),
        &curator,
    );
    assert!(removed.text().contains("Unsubscribed `127-0-0-1-2`"), "{}", removed.text());
    let audit = fs::read_to_string(data.path().join("audit.jsonl")).unwrap_or_default();
    for want in ["\"feed-add\"", "\"denied\"", "\"feed-poll\"", "\"feed-remove\""] {
        assert!(audit.contains(want), "{want} not audited: {audit}");
    }
    finish(&fake, &bot);

    // SIGTERM stops the bot and its scheduler cleanly.
    let pid = bot.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = bot.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "parley serve did not stop; log:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}; log:\n{}", bot.tail());
    assert!(bot.log().contains("the feed scheduler stopped"), "{}", bot.tail());
}
