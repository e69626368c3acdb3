//! "Find sources" and feedback end to end: the real `parley serve` against
//! the local Discord ([`crate::fake_discord`]) over the fictional articles
//! of `tests/fixtures/discord/`, then the real `parley reindex` and
//! `parley feedback export` on the same data directory.

use std::fs;

use serde_json::{json, Value};

use crate::discord::{ask, assert_inert, embeds, finish, send, spawn_bot, start, ANSWER, STARTUP};
use crate::fake_discord::payloads::{self, opt_str, sub, Action, Member};
use crate::fake_discord::{FakeDiscord, Reply};

const TRUCE_URL: &str = "https://courier.example/2031/05/10/saltmere-truce";
const TRUCE_TITLE: &str = "Marden and Vask agree a truce around Saltmere";

fn find_sources(fake: &FakeDiscord, bot: &crate::discord::Bot, member: &Member, content: &str) -> Reply {
    let author = Member::reader(90);
    let target = payloads::user_message(&fake.world(), 1_950_000_000_000_000_000, &author, content);
    send(fake, bot, Action::message_command("Find sources", target), member)
}

fn feedback_buttons(r: &Reply) -> Vec<String> {
    r.buttons().into_iter().filter(|b| b.starts_with("fb:")).collect()
}

fn events(data: &crate::harness::DataDir) -> Vec<Value> {
    let text = fs::read_to_string(data.path().join("feedback.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).expect("a whole JSON line")).collect()
}

/// The number before the title of the embed showing `words`.
fn rank_of(r: &Reply, words: &str) -> String {
    let m = r.message().expect("an answer");
    let e = embeds(&m)
        .into_iter()
        .find(|e| e["description"].as_str().is_some_and(|d| d.contains(words)))
        .unwrap_or_else(|| panic!("no statement {words:?} in {m}"));
    e["title"].as_str().and_then(|t| t.split('.').next()).expect("a numbered title").to_owned()
}

#[test]
fn feedback_find_sources_buttons_and_votes() {
    let (fake, data, bot) = start(&[]);

    // Registered as a message command: type 3, no description, no options.
    let reg = fake.registered_commands().expect("registered");
    let find = reg.body.as_array().and_then(|l| l.iter().find(|c| c["name"] == "Find sources").cloned());
    let find = find.unwrap_or_else(|| panic!("Find sources not registered: {}", reg.body));
    assert_eq!(find["type"], 3, "{find}");
    assert!(find.get("description").is_none_or(|d| d == "") && find.get("options").is_none_or(|o| o == &json!([])));

    // A claim with mentions: answered privately, with the source, pinging nobody.
    let claim = "@everyone <@1500000000000000001> apparently Veloria and the Ostrian Union agreed a truce around the port city of Saltmere?";
    let r = find_sources(&fake, &bot, &Member::reader(1), claim);
    assert!(matches!(r.kind(), 4 | 5), "at once or deferred: {:?}", r.callback);
    assert!(r.is_ephemeral(), "only the member sees it: {:?}", r.callback);
    let body = if r.kind() == 4 { r.callback["data"].clone() } else { r.edits[0].clone() };
    assert_eq!(body["allowed_mentions"]["parse"], json!([]), "{body}");
    let text = r.text();
    assert!(text.contains(TRUCE_TITLE), "{text}");
    assert_inert(&text);

    // A long message: its key sentences are asked.
    let long = format!(
        "{} Negotiators of Veloria and the Ostrian Union agreed to a truce around the port city of Saltmere. {}",
        "Honestly I am not sure about any of this. ".repeat(12),
        "Let us see what happens next week, people. ".repeat(12)
    );
    let l = find_sources(&fake, &bot, &Member::reader(2), &long);
    assert!(l.is_ephemeral());
    assert!(l.text().contains("key sentences") && l.text().contains(TRUCE_TITLE), "{}", l.text());

    // A link to an article already in the corpus (tracking parameters and all).
    let link = find_sources(&fake, &bot, &Member::reader(3), &format!("source? {TRUCE_URL}/?utm_source=chat"));
    let first = link.message().map(|m| embeds(&m)).unwrap_or_default().into_iter().next().expect("an embed");
    assert!(first["title"].as_str().is_some_and(|t| t.contains(TRUCE_TITLE)), "{first}");
    assert!(first["description"].as_str().is_some_and(|d| d.contains("Linked in the message")), "{first}");

    // Nothing on it: a plain sentence.
    let none = find_sources(&fake, &bot, &Member::reader(4), "quantum chromodynamics of penguins");
    assert!(none.is_ephemeral());
    assert!(none.text().contains("The corpus has nothing on it."), "{}", none.text());

    // /ask and /who-said answers carry 👍 / 👎; statements also "Wrong attribution".
    let a = ask(&fake, &bot, &Member::reader(5), "truce around Saltmere");
    let ids = feedback_buttons(&a);
    assert_eq!(ids.len(), 2, "{:?}", a.buttons());
    let (up, down) = (ids[0].clone(), ids[1].clone());
    assert!(up.ends_with(":up") && down.ends_with(":down"), "{ids:?}");
    let w = send(&fake, &bot, Action::command("who-said", vec![opt_str("person", "Teodor Vask")]), &Member::reader(6));
    let wids = feedback_buttons(&w);
    assert!(wids.iter().any(|b| b.ends_with(":wrong")) && wids.len() == 3, "{:?}", w.buttons());

    // One member votes, changes their mind twice: one vote, the last.
    let original = a.original.clone().expect("the message Discord shows");
    let voter = Member::reader(5);
    for id in [&up, &down, &up] {
        let v = send(&fake, &bot, Action::button(id, original.clone()), &voter);
        // A new private message: at once, or after a deferred update.
        assert!(matches!(v.kind(), 4 | 6), "{:?}", v.callback);
        assert!(v.is_ephemeral(), "{:?}", v.callback);
    }
    let answer_id = up.split(':').nth(1).expect("an answer id");
    let votes: Vec<Value> =
        events(&data).into_iter().filter(|e| e["kind"] == "vote" && e["answer"] == answer_id).collect();
    assert_eq!(votes.len(), 3, "every change is appended: {votes:?}");
    let voter_id = voter.user_id.to_string();
    assert!(votes.iter().all(|v| v["user"].as_str() == Some(voter_id.as_str())), "{votes:?}");
    assert_eq!(votes.last().map(|v| v["vote"].clone()), Some(json!("up")), "the last vote wins");
    let shown = events(&data).into_iter().find(|e| e["kind"] == "answer" && e["id"] == answer_id).expect("recorded");
    assert_eq!(shown["question"], "truce around Saltmere");
    assert_eq!(shown["hits"][0]["rank"], 1);

    // Exported as an evaluation question while the bot runs.
    let out = data.ok(&["feedback", "export", "--json"]);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("JSON Lines")).collect();
    assert_eq!(lines.len(), 1, "{out}");
    let q = &lines[0];
    assert_eq!(q["question"], "truce around Saltmere");
    assert_eq!(q["kind"], "feedback");
    let file = q["file"].as_str().expect("file");
    let body = fs::read_to_string(data.path().join(file)).expect("the file exists in the data directory");
    assert!(body.contains(q["answer"].as_str().expect("answer")), "the answer is a piece of {file}: {q}");
    let list = data.ok(&["feedback", "list"]);
    assert!(list.contains("1 👍") && list.contains("truce around Saltmere"), "{list}");
    finish(&fake, &bot);
}

#[test]
fn feedback_reports_are_for_moderators_and_hidden_statements_stay_hidden() {
    let (fake, data, bot) = start(&[]);
    let hidden_words = "Nobody should mistake this truce";
    let kept_words = "monitored by observers";
    let who = |fake: &FakeDiscord, bot: &crate::discord::Bot, n: u64| {
        send(fake, bot, Action::command("who-said", vec![opt_str("person", "Teodor Vask")]), &Member::reader(n))
    };
    let w = who(&fake, &bot, 1);
    assert!(w.text().contains(hidden_words) && w.text().contains(kept_words), "{}", w.text());
    let rank = rank_of(&w, hidden_words);

    // "Wrong attribution" opens a form; the form files a report.
    let wrong = feedback_buttons(&w).into_iter().find(|b| b.ends_with(":wrong")).expect("a wrong-attribution button");
    let form = send(&fake, &bot, Action::button(&wrong, w.original.clone().expect("original")), &Member::reader(1));
    assert_eq!(form.kind(), 9, "a modal: {:?}", form.callback);
    let form_id = form.callback["data"]["custom_id"].as_str().expect("custom id").to_owned();
    let filed = send(
        &fake,
        &bot,
        Action::modal(&form_id, &[("number", &rank), ("note", "said by Marden, not Vask @everyone")]),
        &Member::reader(1),
    );
    assert!(filed.is_ephemeral() && filed.text().contains("reported"), "{}", filed.text());

    // Only moderators see and resolve reports.
    let reports = Action::command("corpus", vec![sub("reports", vec![])]);
    let denied = send(&fake, &bot, reports.clone(), &Member::reader(2));
    assert!(denied.is_ephemeral() && denied.text().contains("Only moderators"), "{}", denied.text());
    let list = send(&fake, &bot, reports.clone(), &Member::with_role(3, fake.world().moderator_role_id));
    assert!(list.is_ephemeral());
    assert!(list.text().contains(hidden_words), "{}", list.text());
    assert_inert(&list.text());
    let titles: Vec<String> = list
        .message()
        .map(|m| embeds(&m))
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["title"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(titles.len(), 1, "{titles:?}");
    let report = titles[0].split('`').nth(1).expect("a report id").to_owned();
    assert!(list.buttons().contains(&format!("rr:{report}:hide")), "quick buttons: {:?}", list.buttons());
    let resolve = |action: &str| {
        Action::command("corpus", vec![sub("resolve", vec![opt_str("report", &report), opt_str("action", action)])])
    };
    let refused = send(&fake, &bot, resolve("hide"), &Member::reader(2));
    assert!(refused.text().contains("Only moderators"), "{}", refused.text());
    let done = send(&fake, &bot, resolve("hide"), &Member::manager(4));
    assert!(done.text().contains("hidden from answers"), "{}", done.text());
    assert!(send(&fake, &bot, reports, &Member::manager(4)).text().contains("No open reports"));

    let after = who(&fake, &bot, 5);
    assert!(!after.text().contains(hidden_words) && after.text().contains(kept_words), "{}", after.text());
    finish(&fake, &bot);
    drop(bot);
    drop(fake);

    // Marked in the corpus, the article untouched; a rebuilt index keeps it out.
    let marked = fs::read_to_string(data.corpus().join("hidden.toml")).expect("corpus/hidden.toml");
    assert!(marked.contains(hidden_words), "{marked}");
    let article = fs::read_to_string(data.corpus().join("2031-05-10-marden-and-vask-agree-a-truce-around-saltmere.md"))
        .expect("the article");
    assert!(article.contains(hidden_words));
    let audit = fs::read_to_string(data.path().join("audit.jsonl")).expect("audit log");
    assert!(audit.contains(r#""action":"resolve""#) && audit.contains(r#""outcome":"denied""#), "{audit}");
    data.ok(&["reindex"]);
    let cli = data.ok(&["who-said", "Teodor Vask"]);
    assert!(!cli.contains(hidden_words) && cli.contains(kept_words), "{cli}");

    let fake = FakeDiscord::start();
    let mut bot = spawn_bot(&fake, &data, &[], &[]);
    if let Err(e) = fake.wait_for_registration(STARTUP).and_then(|_| fake.wait_ready(STARTUP)) {
        bot.expect_running();
        panic!("{e}\nbot log:\n{}", bot.tail());
    }
    let rebuilt = who(&fake, &bot, 6);
    assert!(!rebuilt.text().contains(hidden_words), "back after reindex: {}", rebuilt.text());
    assert!(rebuilt.text().contains(kept_words), "{}", rebuilt.text());
    assert!(ANSWER.as_secs() > 0);
    finish(&fake, &bot);
}
