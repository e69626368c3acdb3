//! The bot against a real engine over fictional articles.

use std::io::Cursor;
use std::time::Duration;

use super::markdown::len;
use super::reply::*;
use super::*;
use crate::article::Published;
use crate::corpus::ArticleDraft;
use crate::engine::EngineConfig;

pub(super) struct Fixture {
    pub(super) _dir: tempfile::TempDir,
    pub(super) bot: Bot,
    pub(super) events: Arc<std::sync::Mutex<Vec<AuditEvent>>>,
}

fn draft(title: &str, outlet: &str, date: &str, body: &str) -> ArticleDraft {
    ArticleDraft {
        title: Some(title.into()),
        outlet: Some(outlet.into()),
        url: Some(format!(
            "https://{}.example/{}",
            outlet.to_lowercase().replace(' ', "-"),
            crate::text::fold(title).replace(' ', "-")
        )),
        published: Some(Published::parse(date).unwrap()),
        body: body.into(),
        origin: title.into(),
        ..ArticleDraft::default()
    }
}

pub(super) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::new(dir.path())).unwrap();
    engine
        .add(draft(
            "Envoys agree to meet in Vorn",
            "Quill Daily",
            "2031-03-02",
            "Envoys from Tarnia and Osgard agreed on Monday to meet in the lakeside town of Vorn next week.\n\n\
             \"We will meet in Vorn and talk until there is a ceasefire,\" said Mira Kestrel, the Tarnian foreign minister.\n\n\
             The talks are expected to focus on prisoner exchanges and the grain corridor.",
        ))
        .unwrap();
    engine
        .add(draft(
            "Grain corridor talks stall",
            "Harbor Wire",
            "2031-03-09",
            "Negotiations on the grain corridor stalled on Sunday after the Osgard delegation left the room.\n\n\
             Osgard's envoy Davit Orlen told reporters that the corridor would stay closed until the ceasefire holds.",
        ))
        .unwrap();
    let hostile = format!(
        "@everyone <@123> **ping** [click](https://evil.example) the summit in Vorn {}\n\n{}",
        "lorem ipsum dolor sit amet ".repeat(400),
        "Vorn summit ceasefire ".repeat(500)
    );
    engine.add(draft("@everyone Summit <@&55> in **Vorn**", "Quill Daily", "2031-03-10", &hostile)).unwrap();
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let mut config = BotConfig::new(&engine);
    config.rate = RateLimit { max: 5, window: Duration::from_secs(10) };
    let bot =
        Bot::new(Arc::new(engine), config).with_audit_hook(Box::new(move |e| sink.lock().unwrap().push(e.clone())));
    Fixture { _dir: dir, bot, events }
}

pub(super) fn user(moderator: bool) -> User {
    User::new(if moderator { "100" } else { "200" }, if moderator { "mod" } else { "member" }, moderator)
}

pub(super) fn cmd(name: &str, sub: Option<&str>, opts: &[(&str, &str)], moderator: bool) -> Invocation {
    Invocation {
        kind: Kind::Command,
        name: name.into(),
        subcommand: sub.map(str::to_owned),
        options: opts.iter().map(|(k, v)| (k.to_string(), OptionValue::String(v.to_string()))).collect(),
        user: user(moderator),
        place: server(),
    }
}

pub(super) fn message(r: Reply) -> Message {
    match r {
        Reply::Message(m) | Reply::Update(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

/// Every Discord limit, and no live mention or link, in a message.
pub(crate) fn assert_within_limits(m: &Message) {
    assert!(len(m.content()) <= CONTENT_MAX);
    assert!(m.embeds().len() <= EMBEDS_MAX);
    assert!(m.embeds().iter().map(Embed::size).sum::<usize>() <= EMBEDS_TOTAL_MAX);
    for e in m.embeds() {
        assert!(e.get_title().is_none_or(|t| len(t) <= TITLE_MAX));
        assert!(e.get_description().is_none_or(|t| len(t) <= DESCRIPTION_MAX));
        assert!(e.get_footer().is_none_or(|t| len(t) <= FOOTER_MAX));
        assert!(e.get_fields().len() <= FIELDS_MAX);
        assert!(e.get_fields().iter().all(|f| len(&f.name) <= FIELD_NAME_MAX && len(&f.value) <= FIELD_VALUE_MAX));
    }
    assert!(m.buttons().all(|b| len(b.custom_id()) <= CUSTOM_ID_MAX));
    let text = format!("{m:?}");
    for bad in ["@everyone", "<@123>", "<@&55>", "[click](https://evil"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
}

#[test]
fn ask_answers_with_sources_and_buttons() {
    let f = fixture();
    let m = message(f.bot.execute(cmd("ask", None, &[("question", "where will the envoys meet")], false)));
    assert_within_limits(&m);
    assert!(!m.embeds().is_empty(), "{m:?}");
    let first = &m.embeds()[0];
    assert!(first.get_title().unwrap().contains("Envoys agree to meet in Vorn"), "{first:?}");
    assert!(first.get_url().unwrap().starts_with("https://quill-daily.example/"));
    assert!(first.get_footer().unwrap().contains("Quill Daily · 2031-03-02"));
    assert!(first.get_description().unwrap().contains("**"), "matched terms in bold");
    let ctx = m.buttons().find(|b| b.custom_id().starts_with("ctx:")).expect("a context button").custom_id().to_owned();
    let c = message(f.bot.execute(Invocation { kind: Kind::Button, ..cmd(&ctx, None, &[], false) }));
    assert!(c.is_ephemeral() && c.embeds()[0].get_description().unwrap().contains('▶'), "{c:?}");
}

#[test]
fn nothing_relevant_is_a_plain_sentence() {
    let f = fixture();
    let m = message(f.bot.execute(cmd("ask", None, &[("question", "zebra xylophone quasar")], false)));
    assert_eq!(m.content(), "Not covered in the corpus.");
    assert!(m.embeds().is_empty());
}

#[test]
fn hostile_articles_and_queries_render_within_limits() {
    let f = fixture();
    let q = format!("@everyone <@123> **summit** Vorn ceasefire {}", "`x` ".repeat(300));
    for private in ["false", "true"] {
        let m = message(f.bot.execute(cmd("ask", None, &[("question", &q), ("private", private)], false)));
        assert_within_limits(&m);
        assert!(!m.embeds().is_empty());
    }
    let list = message(f.bot.execute(cmd("sources", None, &[], false)));
    assert_within_limits(&list);
    let id = f.bot.engine().list().unwrap().into_iter().find(|m| m.title.contains("Summit")).unwrap().id;
    let a = message(f.bot.execute(cmd("article", None, &[("id", id.as_str())], false)));
    assert_within_limits(&a);
    let ctx =
        message(f.bot.execute(Invocation { kind: Kind::Button, ..cmd(&format!("ctx:1:{id}"), None, &[], false) }));
    assert_within_limits(&ctx);
    assert_within_limits(&message(f.bot.execute(cmd("about", None, &[], false))));
}

#[test]
fn the_rate_limit_answers_politely() {
    let f = fixture();
    let t0 = Instant::now();
    for i in 0..5 {
        let r = f.bot.execute_at(cmd("ask", None, &[("question", "Vorn")], false), t0 + Duration::from_millis(i));
        assert!(!message(r).content().contains("faster"));
    }
    let m = message(f.bot.execute_at(cmd("ask", None, &[("question", "Vorn")], false), t0 + Duration::from_secs(1)));
    assert!(m.is_ephemeral() && m.content().contains("wait 9 s"), "{m:?}");
    // Not questions: not limited.
    assert!(!message(f.bot.execute_at(cmd("watch", Some("list"), &[], false), t0 + Duration::from_secs(1)))
        .content()
        .contains("faster"));
    let later =
        message(f.bot.execute_at(cmd("ask", None, &[("question", "Vorn")], false), t0 + Duration::from_secs(11)));
    assert!(!later.content().contains("faster"));
}

#[test]
fn members_cannot_change_the_corpus_and_are_audited() {
    let f = fixture();
    let before = f.bot.engine().list().unwrap().len();
    let id = f.bot.engine().list().unwrap()[0].id.to_string();
    let attempts = [
        cmd("corpus", Some("remove"), &[("id", &id)], false),
        cmd("corpus", Some("alias"), &[("name", "Mira Kestrel"), ("variant", "Kestrel")], false),
        cmd("corpus", Some("add-text"), &[], false),
        cmd("corpus", Some("add"), &[("url", "https://a.example/x")], false),
        cmd("corpus", Some("add-file"), &[], false),
        cmd("corpus", None, &[], false),
        Invocation {
            kind: Kind::ModalSubmit,
            name: "add-text".into(),
            subcommand: None,
            options: [("title", "T"), ("body", "Body text here.")]
                .iter()
                .map(|(k, v)| (k.to_string(), OptionValue::String(v.to_string())))
                .collect(),
            user: user(false),
            place: server(),
        },
    ];
    for inv in attempts {
        let r = f.bot.execute(inv.clone());
        let m = message(r);
        assert!(m.is_ephemeral() && m.content().contains("Only moderators"), "{inv:?} → {m:?}");
    }
    assert_eq!(f.bot.engine().list().unwrap().len(), before, "nothing written");
    // The channel hears of the first refusal in a minute; the file keeps all.
    let events = f.events.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert!(events.iter().all(|e| e.outcome == "denied" && e.user_id == "200"));
    let log = std::fs::read_to_string(f.bot.config().audit_path.clone()).unwrap();
    assert_eq!(log.lines().count(), 7);
    assert!(log.lines().all(|l| l.contains(r#""outcome":"denied""#)), "{log}");
    assert!(log.contains(r#""action":"add-url""#) && log.contains("https://a.example/x"), "{log}");
    assert!(log.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    // Autocomplete of moderator options gives members nothing.
    let ac = Invocation {
        kind: Kind::Autocomplete { focused: "id".into() },
        ..cmd("corpus", Some("remove"), &[("id", "")], false)
    };
    assert_eq!(f.bot.execute(ac), Reply::Choices(vec![]));
}

#[test]
fn moderators_add_text_and_it_is_searchable_at_once() {
    let f = fixture();
    assert!(
        matches!(f.bot.execute(cmd("corpus", Some("add-text"), &[], true)), Reply::Modal(m) if m.inputs().len() == 5)
    );
    let submit = Invocation {
        kind: Kind::ModalSubmit,
        name: "add-text".into(),
        subcommand: None,
        options: [
            ("title", "Ferry talks resume in Pellmouth"),
            ("outlet", "Harbor Wire"),
            ("url", ""),
            ("date", "2031-04-01"),
            ("body", "Delegations resumed the ferry talks in Pellmouth on Tuesday.\n\nThe harbour master hosted them."),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), OptionValue::String(v.to_string())))
        .collect(),
        user: user(true),
        place: server(),
    };
    let Reply::Defer { ephemeral: true, work } = f.bot.execute(submit) else { panic!("adds are deferred") };
    let work = *work;
    let m = f.bot.finish(work, Fetched::Nothing);
    assert!(m.content().starts_with("Added `2031-04-01-ferry-talks-resume-in-pellmouth`"), "{m:?}");
    let e = &m.embeds()[0];
    assert!(e.get_fields().iter().any(|f| f.name == "Passages" && f.value == "2"), "{e:?}");
    assert!(e.get_fields().iter().any(|f| f.name == "Quotes found"));
    let found = message(f.bot.execute(cmd("ask", None, &[("question", "ferry talks Pellmouth")], false)));
    assert!(found.embeds()[0].get_title().unwrap().contains("Pellmouth"));
    let events = f.events.lock().unwrap();
    assert_eq!(events.last().map(|e| (e.action.as_str(), e.outcome.as_str())), Some(("add-text", "ok")));
}

#[test]
fn attachments_are_checked_then_added() {
    let f = fixture();
    let att = |name: &str, size: u64, ct: Option<&str>| Invocation {
        options: vec![(
            "file".into(),
            OptionValue::Attachment(Attachment {
                filename: name.into(),
                size,
                content_type: ct.map(str::to_owned),
                url: "http://127.0.0.1:9/f".into(),
            }),
        )],
        ..cmd("corpus", Some("add-file"), &[], true)
    };
    for (name, size, ct) in [
        ("big.txt", 50 * 1024 * 1024, Some("text/plain")),
        ("pic.png", 10, Some("image/png")),
        ("x.txt", 10, Some("image/png")),
    ] {
        let m = message(f.bot.execute(att(name, size, ct)));
        assert!(m.is_ephemeral(), "{m:?}");
    }
    let Reply::Defer { work, .. } = f.bot.execute(att("note.md", 120, Some("text/markdown; charset=utf-8"))) else {
        panic!()
    };
    let work = *work;
    let body = b"---\ntitle: Lantern accord signed in Pellmouth\noutlet: Quill Daily\ndate: 2031-05-05\n---\nThe lantern accord was signed at dawn.\n";
    let m = f.bot.finish(work.clone(), Fetched::Bytes(body.to_vec()));
    assert!(m.content().starts_with("Added `2031-05-05-lantern-accord"), "{m:?}");
    // The same again is a duplicate, refused with the id already there.
    let again = f.bot.finish(work.clone(), Fetched::Bytes(body.to_vec()));
    assert!(again.content().contains("already in the corpus"), "{again:?}");
    let failed = f.bot.finish(work, Fetched::Failed("timed out".into()));
    assert!(failed.content().contains("timed out"));
}

#[test]
fn html_attachments_are_extracted() {
    let f = fixture();
    let a = Attachment {
        filename: "page.HTML".into(),
        size: 900,
        content_type: Some("text/html; charset=utf-8".into()),
        url: "http://127.0.0.1:9/page.html".into(),
    };
    let inv = Invocation {
        options: vec![("file".into(), OptionValue::Attachment(a))],
        ..cmd("corpus", Some("add-file"), &[], true)
    };
    let Reply::Defer { work, .. } = f.bot.execute(inv) else { panic!("deferred") };
    let html = "<html><head><title>Tidewater envoys sign the ferry accord</title>\
        <meta property=\"og:site_name\" content=\"Gull Post\"></head><body><article><h1>Tidewater envoys sign the ferry accord</h1>\
        <p>Envoys of Tidewater and Brennick signed the ferry accord in Pellmouth on Friday, ending a dispute over the harbour crossings.</p>\
        <p>The accord reopens the night ferries and sets up a joint harbour board that meets every month in Pellmouth.</p>\
        </article></body></html>";
    let m = f.bot.finish(*work, Fetched::Bytes(html.as_bytes().to_vec()));
    assert!(m.content().starts_with("Added `"), "{m:?}");
    assert!(m.embeds()[0].get_title().unwrap().contains("ferry accord"), "{m:?}");
    let found = message(f.bot.execute(cmd("ask", None, &[("question", "night ferries harbour board")], false)));
    assert!(found.embeds().iter().any(|e| e.get_title().is_some_and(|t| t.contains("ferry accord"))), "{found:?}");
}

#[test]
fn remove_and_alias_are_audited() {
    let f = fixture();
    let id = f.bot.engine().list().unwrap()[0].id.to_string();
    let m = message(f.bot.execute(cmd("corpus", Some("remove"), &[("id", &id)], true)));
    assert!(m.content().starts_with("Removed"), "{m:?}");
    let m = message(f.bot.execute(cmd("corpus", Some("remove"), &[("id", &id)], true)));
    assert!(m.content().contains("No article"), "{m:?}");
    let m = message(f.bot.execute(cmd(
        "corpus",
        Some("alias"),
        &[("name", "Mira Kestrel"), ("variant", "M. Kestrel")],
        true,
    )));
    assert!(m.content().contains("Mira Kestrel"), "{m:?}");
    let events = f.events.lock().unwrap();
    let got: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect();
    assert_eq!(got, [("remove", "ok"), ("remove", "refused"), ("alias", "ok")]);
}

#[test]
fn autocomplete_is_bounded_and_ranked() {
    let f = fixture();
    let ac = |name: &str, focused: &str, value: &str| Invocation {
        kind: Kind::Autocomplete { focused: focused.into() },
        ..cmd(name, None, &[(focused, value)], false)
    };
    let Reply::Choices(c) = f.bot.execute(ac("article", "id", "grain")) else { panic!() };
    assert_eq!(c.len(), 1);
    assert!(c[0].value().contains("grain-corridor"));
    let Reply::Choices(c) = f.bot.execute(ac("article", "id", "")) else { panic!() };
    assert_eq!(c.len(), 3);
    assert!(c.iter().all(|c| len(c.name()) <= CHOICE_NAME_MAX));
    let Reply::Choices(c) = f.bot.execute(ac("sources", "outlet", "har")) else { panic!() };
    assert_eq!(c.iter().map(Choice::value).collect::<Vec<_>>(), ["Harbor Wire"]);
    assert!(matches!(f.bot.execute(ac("who-said", "person", "zz")), Reply::Choices(c) if c.len() <= CHOICES_MAX));
}

#[test]
fn who_said_explains_unknown_people() {
    let f = fixture();
    let m = message(f.bot.execute(cmd("who-said", None, &[("person", "@everyone Nobody")], false)));
    assert!(m.content().contains("Nobody called"), "{m:?}");
    assert_within_limits(&m);
}

#[test]
fn sources_paginate_with_buttons() {
    let f = fixture();
    for i in 0..12 {
        f.bot
            .engine()
            .add(draft(
                &format!("Bulletin number {i} from Pellmouth"),
                "Gull Post",
                "2031-06-01",
                &format!("Bulletin {i} text about harbour {i}."),
            ))
            .unwrap();
    }
    let m = message(f.bot.execute(cmd("sources", None, &[("outlet", "gull post")], false)));
    assert!(m.content().contains("12 articles"), "{m:?}");
    assert_eq!(m.embeds().len(), 10);
    let next = m.buttons().find(|b| b.label().starts_with("Next")).unwrap().custom_id().to_owned();
    let r = f.bot.execute(Invocation { kind: Kind::Button, ..cmd(&next, None, &[], false) });
    let Reply::Update(p2) = r else { panic!("{r:?}") };
    assert!(p2.content().contains("page 2 of 2"));
    assert_eq!(p2.embeds().len(), 2);
    assert!(p2.buttons().any(|b| b.label().contains("Previous")));
}

#[test]
fn expired_buttons_say_so() {
    let f = fixture();
    let m = message(f.bot.execute(Invocation { kind: Kind::Button, ..cmd("ask:nokey:5", None, &[], false) }));
    assert!(m.is_ephemeral() && m.content().contains("expired"));
}

#[test]
fn console_speaks_the_slash_commands() {
    let f = fixture();
    let engine = Arc::clone(f.bot.engine());
    let input = "/help\n/ask where will the envoys meet\n/context 1\n/who-said person:\"Mira Kestrel\" about:ceasefire\n/bogus\n\
                 /corpus add-text\nHarbour accord in Pellmouth\nGull Post\n\n2031-07-01\nThe harbour accord was signed in Pellmouth.\n.\n\
                 /ask harbour accord\n/quit\n/ask never reached\n";
    let mut out = Vec::new();
    console::run(engine, Cursor::new(input), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("/who-said <person> [about] [since] [until]"), "{out}");
    assert!(out.contains("┌ 1. Envoys agree to meet in Vorn"), "{out}");
    assert!(out.contains("[Context 1]"), "{out}");
    assert!(out.contains("▶ **"), "context shown: {out}");
    assert!(out.contains("unknown command /bogus"), "{out}");
    assert!(out.contains("Added `2031-07-01-harbour-accord-in-pellmouth`"), "{out}");
    assert!(out.contains("┌ 1. Harbour accord in Pellmouth"), "{out}");
    assert!(!out.contains("never reached"));
}

#[test]
fn console_lines_parse_like_slash_commands() {
    let u = user(true);
    let opts = |line: &str| -> Vec<(String, String)> {
        let inv = console::parse_line(line, &u).unwrap();
        inv.options
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    OptionValue::String(s) => s,
                    OptionValue::Bool(b) => b.to_string(),
                    other => format!("{other:?}"),
                };
                (k, v)
            })
            .collect()
    };
    let p = |pairs: &[(&str, &str)]| pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(opts("/ask where will they meet"), p(&[("question", "where will they meet")]));
    assert_eq!(opts("/ask talks since the summit"), p(&[("question", "talks since the summit")]));
    assert_eq!(opts("/ask since:2031-01-01 where"), p(&[("since", "2031-01-01"), ("question", "where")]));
    assert_eq!(opts("/who-said Lavrov about meeting"), p(&[("person", "Lavrov"), ("about", "meeting")]));
    assert_eq!(
        opts("/who-said Mira Kestrel about the ceasefire"),
        p(&[("person", "Mira Kestrel"), ("about", "the ceasefire")])
    );
    assert_eq!(
        opts("/who-said person:\"Sergei Lavrov\" about:talks"),
        p(&[("person", "Sergei Lavrov"), ("about", "talks")])
    );
    assert_eq!(opts("/corpus alias \"Mira Kestrel\" Kestrel"), p(&[("name", "Mira Kestrel"), ("variant", "Kestrel")]));
    assert_eq!(
        opts("/corpus alias \"Mira Kestrel\" side:Northmark"),
        p(&[("name", "Mira Kestrel"), ("side", "Northmark")])
    );
    assert_eq!(
        opts("/compare Northmark \"Bran Tor\" the ferry"),
        p(&[("a", "Northmark"), ("b", "Bran Tor"), ("topic", "the ferry")])
    );
    assert_eq!(opts("/timeline ferry talks person:Ada"), p(&[("topic", "ferry talks"), ("person", "Ada")]));
    assert_eq!(opts("/ask private where"), p(&[("question", "private where")]));
    assert_eq!(opts("/ask private:true where"), p(&[("private", "true"), ("question", "where")]));
    assert_eq!(opts("/sources Quill Daily"), p(&[("outlet", "Quill Daily")]));
    assert_eq!(console::parse_line("/corpus remove x", &u).unwrap().subcommand.as_deref(), Some("remove"));
    for bad in ["ask x", "/nope", "/corpus", "/corpus frob", "/ask \"open"] {
        assert!(console::parse_line(bad, &u).is_err(), "{bad}");
    }
}

#[test]
fn watches_follow_the_place_and_the_rights() {
    let f = fixture();
    let at = |inv: Invocation, channel: &str, guild: Option<&str>| Invocation {
        place: Place { channel: channel.into(), guild: guild.map(str::to_owned) },
        ..inv
    };
    let text = |r: Reply| message(r).content().to_owned();
    // In a server channel: members are refused (and audited), moderators add.
    let add = |moderator: bool| cmd("watch", Some("add"), &[("person", "Mira Kestrel")], moderator);
    let denied = text(f.bot.execute(at(add(false), "10", Some("1"))));
    assert!(denied.contains("moderators"), "{denied}");
    let ok = text(f.bot.execute(at(add(true), "10", Some("1"))));
    assert!(ok.contains("Watch **w1** added"), "{ok}");
    // In a DM anyone adds, for that DM only.
    let dm = text(f.bot.execute(at(cmd("watch", Some("add"), &[("query", "grain corridor")], false), "20", None)));
    assert!(dm.contains("Watch **w2** added"), "{dm}");
    let list = text(f.bot.execute(at(cmd("watch", Some("list"), &[], false), "10", Some("1"))));
    assert!(list.contains("w1") && list.contains("person:Mira Kestrel") && !list.contains("w2"), "{list}");
    // Nowhere known: refused.
    let nowhere = text(f.bot.execute(at(cmd("watch", Some("add"), &[("query", "ferries")], true), "", None)));
    assert!(nowhere.contains("cannot tell which channel"), "{nowhere}");
    // Removing: moderators in a server; another channel's watch is unknown here.
    let remove = |id: &str, moderator: bool| cmd("watch", Some("remove"), &[("id", id)], moderator);
    assert!(text(f.bot.execute(at(remove("w1", false), "10", Some("1")))).contains("moderators"));
    assert!(text(f.bot.execute(at(remove("w2", true), "10", Some("1")))).contains("no watch"));
    assert!(text(f.bot.execute(at(remove("w2", false), "20", None))).contains("removed"));
    let audited: Vec<String> = f.events.lock().unwrap().iter().map(|e| format!("{} {}", e.action, e.outcome)).collect();
    // The second refusal within a minute is folded (the file has it).
    assert_eq!(audited, vec!["watch-add denied", "watch-add ok"], "DM watches are not audited");
    // What the watch posts when an article arrives, and only once.
    let cursor = crate::engine::Cursor::in_memory(f.bot.engine().article_ids().unwrap());
    let added = f
        .bot
        .engine()
        .add(draft(
            "Kestrel speaks in Vorn",
            "Quill Daily",
            "2031-03-12",
            "\"The ceasefire will hold in Vorn,\" said Mira Kestrel on Thursday.",
        ))
        .unwrap();
    let ids = [added.id.clone()];
    let batch = f.bot.watch_batch(&ids, &cursor, &|_| true);
    assert_eq!(batch.deliveries.len(), 1, "{batch:?}");
    assert_eq!(batch.deliveries[0].channel, "10");
    let m = &batch.deliveries[0].messages[0];
    assert_within_limits(m);
    assert!(m.embeds()[0].get_description().unwrap_or("").contains("The ceasefire will hold in Vorn"));
    f.bot.watch_done(&batch, &cursor);
    assert!(f.bot.watch_batch(&ids, &cursor, &|_| true).deliveries.is_empty(), "posted twice");
    // A channel that refuses the bot: its watches stop, with one audit line.
    f.bot.watch_channel_refused("10", "Discord answered HTTP 403");
    f.bot.watch_channel_refused("10", "Discord answered HTTP 403");
    let disabled = f.events.lock().unwrap().iter().filter(|e| e.action == "watch-disabled").count();
    assert_eq!(disabled, 1);
    let list = text(f.bot.execute(at(cmd("watch", Some("list"), &[], false), "10", Some("1"))));
    assert!(list.contains("disabled"), "{list}");
}

#[test]
fn feeds_are_managed_by_moderators_within_limits_and_audited() {
    let f = fixture();
    let add = |url: &str, moderator: bool| {
        cmd(
            "corpus",
            Some("feed add"),
            &[("url", url), ("outlet", "@everyone Vell **Gazette**"), ("every", "2h"), ("tag", "vell")],
            moderator,
        )
    };
    let denied = message(f.bot.execute(add("https://vell.example/rss.xml", false)));
    assert!(denied.content().starts_with("Only moderators"), "{denied:?}");
    let m = message(f.bot.execute(add("https://vell.example/rss.xml", true)));
    assert_within_limits(&m);
    assert!(m.content().starts_with("Subscribed `vell-example`"), "{m:?}");
    let again = message(f.bot.execute(add("https://vell.example/rss.xml", true)));
    assert!(again.content().contains("already subscribed as vell-example"), "{again:?}");
    let bad = message(f.bot.execute(cmd(
        "corpus",
        Some("feed add"),
        &[("url", "https://x.example/"), ("every", "1s")],
        true,
    )));
    assert!(bad.content().contains("is not an interval"), "{bad:?}");
    for i in 0..30 {
        f.bot.execute(add(&format!("https://f{i}.example/feed?{}", "x".repeat(900)), true));
    }
    let list = message(f.bot.execute(cmd("corpus", Some("feed list"), &[], true)));
    assert_within_limits(&list);
    assert!(list.embeds()[0].get_title().unwrap().starts_with("31 feeds"), "{list:?}");
    assert!(list.embeds()[0].get_footer().unwrap().contains("6 more"), "{list:?}");
    // Autocomplete names the feeds.
    let Reply::Choices(choices) = f.bot.execute(Invocation {
        kind: Kind::Autocomplete { focused: "feed".into() },
        ..cmd("corpus", Some("feed remove"), &[("feed", "vell")], true)
    }) else {
        panic!("choices")
    };
    assert_eq!(choices.first().map(|c| c.value()), Some("vell-example"));
    // Polling is deferred work for the adapter; an unknown feed is refused first.
    let unknown = message(f.bot.execute(cmd("corpus", Some("feed poll"), &[("feed", "nope")], true)));
    assert!(unknown.content().contains("no feed with id") && unknown.content().contains("/corpus feed list"));
    assert!(matches!(
        f.bot.execute(cmd("corpus", Some("feed poll"), &[("feed", "vell-example")], true)),
        Reply::Defer { work, .. } if matches!(*work, Work::PollFeeds { ref feed, .. } if feed.as_deref() == Some("vell-example"))
    ));
    let removed = message(f.bot.execute(cmd("corpus", Some("feed remove"), &[("feed", "vell-example")], true)));
    assert!(removed.content().starts_with("Unsubscribed `vell-example`"), "{removed:?}");
    let events = f.events.lock().unwrap();
    let actions: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect();
    for want in [("feed-add", "denied"), ("feed-add", "ok"), ("feed-add", "refused"), ("feed-remove", "ok")] {
        assert!(actions.contains(&want), "{want:?} not in {actions:?}");
    }
}

/// A channel of a server: where `/corpus` is allowed.
pub(super) fn server() -> crate::bot::Place {
    crate::bot::Place { channel: "c1".into(), guild: Some("g1".into()) }
}

#[test]
fn corpus_is_refused_in_a_direct_message() {
    let f = fixture();
    let mut inv = cmd("corpus", Some("remove"), &[("id", "x")], true);
    inv.place = crate::bot::Place { channel: "dm1".into(), guild: None };
    let m = message(f.bot.execute(inv.clone()));
    assert!(m.content().contains("only in a server"), "{}", m.content());
    inv.place = crate::bot::Place::console();
    let m = message(f.bot.execute(inv));
    assert!(!m.content().contains("only in a server"), "the console is the operator's own: {}", m.content());
}

/// A member's keystroke in `/who-said`'s person option, in a server.
fn who_said_keystroke(q: &str) -> Invocation {
    Invocation {
        kind: Kind::Autocomplete { focused: "person".into() },
        name: "who-said".into(),
        subcommand: None,
        options: vec![("person".into(), OptionValue::String(q.into()))],
        user: user(false),
        place: server(),
    }
}

#[test]
fn autocomplete_has_its_own_bucket_and_answers_empty_when_over() {
    let f = fixture();
    let now = std::time::Instant::now();
    let complete = who_said_keystroke;
    let limit = crate::bot::RateLimit::AUTOCOMPLETE.max;
    assert!(limit > crate::bot::RateLimit::default().max, "more generous than questions");
    for i in 0..limit {
        let Reply::Choices(c) = f.bot.execute_at(complete(""), now) else { panic!("choices") };
        assert!(!c.is_empty(), "keystroke {i} is within the bucket");
    }
    assert_eq!(f.bot.execute_at(complete(""), now), Reply::Choices(vec![]), "over it: empty, not an error");
    // Keystrokes do not use up the question bucket: /about still answers.
    let m = message(f.bot.execute_at(cmd("about", None, &[], false), now));
    assert!(!m.content().contains("faster than"), "{}", m.content());
}

#[test]
fn about_article_and_sources_share_the_question_bucket() {
    let f = fixture();
    let now = std::time::Instant::now();
    for _ in 0..crate::bot::RateLimit::default().max {
        let m = message(f.bot.execute_at(cmd("about", None, &[], false), now));
        assert!(!m.content().contains("faster than"), "{}", m.content());
    }
    for c in ["about", "sources"] {
        let m = message(f.bot.execute_at(cmd(c, None, &[], false), now));
        assert!(m.content().contains("faster than"), "/{c}: {}", m.content());
    }
    let m = message(f.bot.execute_at(cmd("article", None, &[("id", "x")], false), now));
    assert!(m.content().contains("faster than"), "/article: {}", m.content());
}

#[test]
fn the_speaker_cache_is_renewed_by_an_add() {
    let f = fixture();
    let complete = |q: &str| {
        let Reply::Choices(c) = f.bot.execute(who_said_keystroke(q)) else { panic!("choices") };
        c
    };
    let everyone = complete("");
    assert!(!everyone.is_empty());
    assert_eq!(complete(""), everyone, "served again from the cache");
    assert!(complete("Orla").is_empty());
    let submit = Invocation {
        kind: Kind::ModalSubmit,
        name: "add-text".into(),
        subcommand: None,
        options: [
            ("title", "Ferry line to reopen"),
            ("outlet", "Harbor Wire"),
            ("url", ""),
            ("date", "2031-04-02"),
            ("body", "\"We will reopen the ferry line next month,\" said Orla Venn, the harbour master of Pellmouth."),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), OptionValue::String(v.to_string())))
        .collect(),
        user: user(true),
        place: server(),
    };
    let Reply::Defer { work, .. } = f.bot.execute(submit) else { panic!("adds are deferred") };
    let m = f.bot.finish(*work, Fetched::Nothing);
    assert!(m.content().starts_with("Added"), "{m:?}");
    assert!(!complete("Orla").is_empty(), "the new speaker is offered after the add");
}
