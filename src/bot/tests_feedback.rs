//! Find sources, feedback buttons, reports and their resolution, through
//! [`Bot::execute`] over a real engine.

use super::reply::*;
use super::tests::{assert_within_limits, cmd, fixture, message, user};
use super::*;

fn press(bot: &Bot, custom_id: &str, moderator: bool) -> Reply {
    bot.execute(Invocation { kind: Kind::Button, ..cmd(custom_id, None, &[], moderator) })
}

fn find_sources(bot: &Bot, text: &str) -> Message {
    message(bot.execute(Invocation {
        kind: Kind::MessageCommand,
        name: "Find sources".into(),
        subcommand: None,
        options: vec![("text".into(), OptionValue::String(text.into()))],
        user: user(false),
        place: Place::default(),
    }))
}

fn feedback_ids(m: &Message) -> Vec<String> {
    m.buttons().map(|b| b.custom_id().to_owned()).filter(|id| id.starts_with("fb:")).collect()
}

#[test]
fn answers_carry_votes_and_the_last_vote_counts() {
    let f = fixture();
    let m = message(f.bot.execute(cmd("ask", None, &[("question", "where will the envoys meet")], false)));
    let ids = feedback_ids(&m);
    assert_eq!(ids.len(), 2, "👍 and 👎 only on /ask: {ids:?}");
    assert!(ids[0].ends_with(":up") && ids[1].ends_with(":down"));
    assert!(ids.iter().all(|id| id.len() <= 30));
    let notice = |r: Reply| message(r).content().to_owned();
    assert!(notice(press(&f.bot, &ids[0], false)).contains("recorded"));
    assert!(notice(press(&f.bot, &ids[0], false)).contains("already"));
    assert!(notice(press(&f.bot, &ids[1], false)).contains("now 👎"));
    let log = crate::feedback::Log::read(&f.bot.config().feedback_path).unwrap();
    let votes = log.votes();
    assert_eq!(votes.len(), 1);
    assert_eq!(votes.values().next(), Some(&crate::feedback::Vote::Down));
    let answer = log.answer(ids[0].split(':').nth(1).unwrap()).unwrap();
    assert_eq!(answer.question, "where will the envoys meet");
    assert_eq!(answer.hits[0].rank, 1);
    // A forged id is expired, not an error.
    assert!(notice(press(&f.bot, "fb:zzzz:up", false)).contains("expired"));
    assert!(notice(press(&f.bot, "fb:ZZ:up", false)).contains("expired"));
    // Nothing found: nothing to vote on.
    let none = message(f.bot.execute(cmd("ask", None, &[("question", "penguin chromodynamics")], false)));
    assert!(feedback_ids(&none).is_empty());
}

#[test]
fn a_wrong_attribution_is_reported_listed_and_hidden_for_good() {
    let f = fixture();
    let ws = message(f.bot.execute(cmd("who-said", None, &[("person", "Mira Kestrel")], false)));
    assert!(format!("{ws:?}").contains("talk until there is a ceasefire"), "{ws:?}");
    let ids = feedback_ids(&ws);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let wrong = ids.iter().find(|id| id.ends_with(":wrong")).unwrap();
    let Reply::Modal(form) = press(&f.bot, wrong, false) else { panic!("a form") };
    assert!(form.custom_id().starts_with("fbw:"));
    let submit = |number: &str| {
        f.bot.execute(Invocation {
            kind: Kind::ModalSubmit,
            name: form.custom_id().to_owned(),
            subcommand: None,
            options: vec![
                ("number".into(), OptionValue::String(number.into())),
                ("note".into(), OptionValue::String("That was Davit Orlen @everyone".into())),
            ],
            user: user(false),
            place: Place::default(),
        })
    };
    assert!(message(submit("7")).content().contains("no statement 7"));
    assert!(message(submit("x")).content().contains("not a statement number"));
    let done = message(submit("1"));
    assert!(done.content().contains("reported"), "{done:?}");

    // Members cannot see or resolve reports; the attempt is audited.
    let denied = message(f.bot.execute(cmd("corpus", Some("reports"), &[], false)));
    assert!(denied.content().contains("Only moderators"));
    assert!(f.bot.audit.path().exists());
    let list = message(f.bot.execute(cmd("corpus", Some("reports"), &[], true)));
    assert_within_limits(&list);
    assert!(list.is_ephemeral());
    let title = list.embeds()[0].get_title().unwrap().to_owned();
    let report = title.split('`').nth(1).unwrap().to_owned();
    let Reply::Choices(choices) = f.bot.execute(Invocation {
        kind: Kind::Autocomplete { focused: "report".into() },
        ..cmd("corpus", Some("resolve"), &[("report", "")], true)
    }) else {
        panic!("choices")
    };
    assert_eq!(choices.iter().map(Choice::value).collect::<Vec<_>>(), vec![report.as_str()]);

    let quick: Vec<&str> = list.buttons().map(Button::custom_id).collect();
    assert_eq!(quick, vec![format!("rr:{report}:hide"), format!("rr:{report}:dismiss")]);
    let by_button = message(press(&f.bot, &format!("rr:{report}:dismiss"), false));
    assert!(by_button.content().contains("Only moderators"), "buttons are checked too: {by_button:?}");
    let junk = message(press(&f.bot, &format!("rr:{report}:burn"), true));
    assert!(junk.content().contains("expired"), "{junk:?}");
    let bad = message(f.bot.execute(cmd("corpus", Some("resolve"), &[("report", &report), ("action", "burn")], true)));
    assert!(bad.content().contains("not an action"));
    let member =
        message(f.bot.execute(cmd("corpus", Some("resolve"), &[("report", &report), ("action", "hide")], false)));
    assert!(member.content().contains("Only moderators"));
    let hid = message(f.bot.execute(cmd("corpus", Some("resolve"), &[("report", &report), ("action", "hide")], true)));
    assert!(hid.content().contains("hidden from answers"), "{hid:?}");
    let again =
        message(f.bot.execute(cmd("corpus", Some("resolve"), &[("report", &report), ("action", "hide")], true)));
    assert!(again.content().contains("no open report"), "{again:?}");
    assert!(message(f.bot.execute(cmd("corpus", Some("reports"), &[], true))).content().contains("No open reports"));

    let after = format!("{:?}", f.bot.execute(cmd("who-said", None, &[("person", "Mira Kestrel")], false)));
    assert!(!after.contains("talk until there is a ceasefire"), "{after}");
    // Still in the article, and still hidden after a rebuild of the index.
    f.bot.engine().reindex().unwrap();
    let rebuilt = format!("{:?}", f.bot.execute(cmd("who-said", None, &[("person", "Mira Kestrel")], false)));
    assert!(!rebuilt.contains("talk until there is a ceasefire"), "{rebuilt}");
    let article =
        f.bot.engine().article(&ArticleId::parse("2031-03-02-envoys-agree-to-meet-in-vorn").unwrap()).unwrap();
    assert!(article.body.contains("talk until there is a ceasefire"));
    let events = f.events.lock().unwrap();
    assert!(events.iter().any(|e| e.action == "resolve" && e.outcome == "ok" && e.detail == "hide"), "{events:?}");
    // The member's second refusal is folded in the channel, kept in the file.
    let log = std::fs::read_to_string(f.bot.config().audit_path.clone()).unwrap();
    assert!(log.lines().any(|l| l.contains(r#""action":"resolve""#) && l.contains(r#""outcome":"denied""#)), "{log}");
}

#[test]
fn find_sources_answers_privately_from_words_links_or_nothing() {
    let f = fixture();
    let long = format!(
        "{} The envoys from Tarnia and Osgard agreed to meet in the lakeside town of Vorn. {} Ok.",
        "I think so. ".repeat(40),
        "Yes it is. ".repeat(40)
    );
    let m = find_sources(&f.bot, &long);
    assert_within_limits(&m);
    assert!(m.is_ephemeral());
    assert!(m.content().contains("key sentences"), "{m:?}");
    assert!(m.embeds().iter().any(|e| e.get_title().unwrap().contains("Envoys agree to meet in Vorn")), "{m:?}");

    let link =
        find_sources(&f.bot, "Is this true?? https://quill-daily.example/envoys-agree-to-meet-in-vorn/?utm_source=x");
    assert!(link.is_ephemeral());
    let first = &link.embeds()[0];
    assert!(first.get_title().unwrap().contains("Envoys agree to meet in Vorn"), "{link:?}");
    assert!(first.get_description().unwrap().contains("Linked in the message"));

    let none = find_sources(&f.bot, "<@123> penguin chromodynamics of quarks");
    assert!(none.is_ephemeral());
    assert_eq!(none.content(), "The corpus has nothing on it.");
    let empty = find_sources(&f.bot, "   ");
    assert!(empty.is_ephemeral() && empty.content().contains("no text"), "{empty:?}");
    let inv = console::parse_line("/find-sources text:where will the envoys meet", &user(false)).unwrap();
    assert_eq!(inv.kind, Kind::MessageCommand);
    assert_eq!(inv.options[0].1, OptionValue::String("where will the envoys meet".into()));
}
