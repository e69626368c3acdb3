//! Hand edits of `corpus/` reach a running bot: the real `parley serve`
//! against the local Discord while the test, like a person with an editor,
//! adds an article file, edits one, deletes one, writes one slowly in two
//! halves and breaks one, with plain file-system writes. Each change is
//! seen through `/ask` within a deadline (polled, never timed); the half
//! file is never in an answer; a watch alert comes once for an article
//! that arrived by hand; an article pasted through `/corpus add-text` is
//! not indexed a second time by the watcher. Every article is fictional.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::discord::{ask, embeds, finish, seeded, send, spawn_ready, Bot};
use crate::fake_discord::payloads::{opt_str, sub, Action, Member};
use crate::fake_discord::FakeDiscord;

/// How long a hand edit may take to show (the watcher waits a quiet
/// second, then indexes): generous for a loaded machine.
const SEEN: Duration = Duration::from_secs(45);

/// An article file as a person writes it by hand (front matter, body).
pub(crate) fn article_text(id: &str, title: &str, date: &str, body: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = {title:?}\noutlet = \"Harbour Gazette\"\nurl = \"https://gazette.example/{id}\"\npublished = \"{date}\"\nlanguage = \"en\"\nadded_by = \"a person with an editor\"\n+++\n\n{body}\n"
    )
}

/// A reader not seen before: polling asks often, and questions are
/// rate-limited per member.
fn reader() -> Member {
    static NEXT: AtomicU64 = AtomicU64::new(100);
    Member::reader(NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The titles of the articles `/ask` shows for `question`.
fn asked(fake: &FakeDiscord, bot: &Bot, question: &str) -> Vec<String> {
    let r = ask(fake, bot, &reader(), question);
    let mut titles: Vec<String> = r
        .message()
        .map(|m| embeds(&m).iter().filter_map(|e| e["title"].as_str().map(unnumbered)).collect())
        .unwrap_or_default();
    titles.dedup();
    titles
}

/// A hit's title without its rank (`2. Title`).
fn unnumbered(title: &str) -> String {
    let rest = title.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.strip_prefix(". ").filter(|_| rest.len() < title.len()).unwrap_or(title).to_owned()
}

/// The whole text of the answer to `question` (titles and passages).
fn answer_text(fake: &FakeDiscord, bot: &Bot, question: &str) -> String {
    ask(fake, bot, &reader(), question).text()
}

/// Asks until `ok` holds for the titles shown; returns how long it took.
fn until(fake: &FakeDiscord, bot: &mut Bot, question: &str, what: &str, ok: impl Fn(&[String]) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let titles = asked(fake, bot, question);
        if ok(&titles) {
            return start.elapsed();
        }
        bot.expect_running();
        assert!(start.elapsed() < SEEN, "{what}: /ask {question:?} still shows {titles:?}\nlog:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Waits until the bot's log has a line with every one of `words`.
fn logged(bot: &mut Bot, words: &[&str]) {
    let start = Instant::now();
    while !bot.log().lines().any(|l| words.iter().all(|w| l.contains(w))) {
        bot.expect_running();
        assert!(start.elapsed() < SEEN, "no log line with {words:?}\nlog:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn titles_of(m: &Value) -> Vec<String> {
    embeds(m).iter().filter_map(|e| e["title"].as_str().map(str::to_owned)).collect()
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).expect("write an article by hand");
}

#[test]
fn hand_edits_reach_a_running_bot_whole_and_once() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let mut bot = spawn_ready(&fake, &data, &[]);
    let world = fake.world();
    let corpus = data.corpus();

    // A watch in the server channel, for a person of the hand-written article.
    let w = send(
        &fake,
        &bot,
        Action::command("watch", vec![sub("add", vec![opt_str("person", "Orla Fenwick")])]),
        &Member::manager(1),
    );
    assert!(w.text().contains("added"), "{}", w.text());

    // Parley's own write, through /corpus add-text: indexed by the add, and
    // never again by the watcher (its stamp is already in the index).
    let pasted = send(
        &fake,
        &bot,
        Action::modal(
            "add-text",
            &[
                ("title", "Dredging of the Saltmere channel begins"),
                ("outlet", "Harbour Gazette"),
                ("url", "https://gazette.example/dredging"),
                ("date", "2031-07-01"),
                ("body", "Dredgers began clearing the Saltmere channel on Tuesday so that grain barges can pass."),
            ],
        ),
        &Member::manager(1),
    );
    let pasted_id = pasted.text().split("Added `").nth(1).and_then(|r| r.split('`').next()).map(str::to_owned);
    let pasted_id = pasted_id.unwrap_or_else(|| panic!("not added: {}\nlog:\n{}", pasted.text(), bot.tail()));

    // Added by hand: answered, and announced to the watch once.
    let beacon = corpus.join("2031-07-02-korrin-beacon.md");
    let beacon_title = "Korrin lighthouse keepers agree to share the beacon";
    write(
        &beacon,
        &article_text(
            "2031-07-02-korrin-beacon",
            beacon_title,
            "2031-07-02",
            "The lighthouse keepers of Korrin agreed on Wednesday to share the beacon with Brennick.\n\n\"The beacon will burn for both shores,\" said Orla Fenwick, the harbour master of Korrin.",
        ),
    );
    let added_after =
        until(&fake, &mut bot, "Korrin lighthouse beacon", "added by hand", |t| t.iter().any(|x| x == beacon_title));
    fake.wait_for_posts(SEEN, |posted, _| posted.iter().any(|(c, _)| *c == world.channel_id))
        .unwrap_or_else(|e| panic!("no alert for the hand-added article: {e}\nlog:\n{}", bot.tail()));

    // Edited by hand: the new words answer, the old title is gone.
    let round3 = corpus.join("2031-04-03-ceasefire-commission-round-3.md");
    write(
        &round3,
        &article_text(
            "2031-04-03-ceasefire-commission-round-3",
            "Ceasefire commission inspects the Tessaly orchards",
            "2031-04-03",
            "The joint ceasefire commission inspected the Tessaly orchards for round 3 of its work on the truce line.",
        ),
    );
    let edited_after = until(&fake, &mut bot, "Tessaly orchards inspection", "edited by hand", |t| {
        t.iter().any(|x| x == "Ceasefire commission inspects the Tessaly orchards")
    });
    assert!(
        !asked(&fake, &bot, "ceasefire commission round").iter().any(|t| t == "Ceasefire commission meets for round 3"),
        "the old version of the edited article is still answered"
    );

    // The hand-added article edited too: answered in its new words, and
    // not announced again (an edit is not an arrival).
    write(
        &beacon,
        &article_text(
            "2031-07-02-korrin-beacon",
            beacon_title,
            "2031-07-02",
            "The lighthouse keepers of Korrin agreed on Wednesday to share the beacon and the foghorn with Brennick.\n\n\"The beacon will burn for both shores,\" said Orla Fenwick, the harbour master of Korrin.",
        ),
    );
    let start = Instant::now();
    while !answer_text(&fake, &bot, "Korrin foghorn").contains("foghorn") {
        bot.expect_running();
        assert!(start.elapsed() < SEEN, "the second edit never showed\nlog:\n{}", bot.tail());
        std::thread::sleep(Duration::from_millis(250));
    }

    // Deleted by hand: out of answers.
    fs::remove_file(&beacon).expect("delete by hand");
    let deleted_after =
        until(&fake, &mut bot, "Korrin lighthouse beacon", "deleted by hand", |t| !t.iter().any(|x| x == beacon_title));

    // Written slowly, in two halves: the first half (its header not yet
    // closed) is looked at, reported once and never answered; the whole
    // file is, with the words of its second half.
    let slow = corpus.join("2031-07-03-avel-quay-tolls.md");
    let whole = article_text(
        "2031-07-03-avel-quay-tolls",
        "Port Avel drops the quay tolls for grain barges",
        "2031-07-03",
        "Port Avel will no longer charge quay tolls to grain barges, the port council said on Thursday.\n\nThe council said the tolls would return if the truce failed, and that fishing boats would pay half.",
    );
    let cut = whole.find("language =").expect("a header line to cut at");
    let mut file = fs::File::create(&slow).expect("create by hand");
    file.write_all(&whole.as_bytes()[..cut]).expect("first half");
    file.flush().expect("flush");
    logged(&mut bot, &["2031-07-03-avel-quay-tolls.md", "not a Parley article file"]);
    assert!(
        !asked(&fake, &bot, "Port Avel quay tolls").iter().any(|t| t.contains("Port Avel")),
        "the half-written file is answered"
    );
    std::thread::sleep(Duration::from_secs(2));
    file.write_all(&whole.as_bytes()[cut..]).expect("second half");
    drop(file);
    until(&fake, &mut bot, "Port Avel quay tolls", "written in two halves", |t| {
        t.iter().any(|x| x == "Port Avel drops the quay tolls for grain barges")
    });
    let text = answer_text(&fake, &bot, "fishing boats pay half the tolls");
    assert!(text.contains("fishing boats would pay half"), "the second half is not indexed: {text}");

    // Broken by hand after it was good: reported, and its last good
    // version stays in answers until it is fixed.
    write(&slow, "+++\nid = \"2031-07-03-avel-quay-tolls\"\ntitle = \"Port Avel\n");
    logged(&mut bot, &["2031-07-03-avel-quay-tolls.md", "last good version stays"]);
    assert!(
        asked(&fake, &bot, "Port Avel quay tolls")
            .iter()
            .any(|t| t == "Port Avel drops the quay tolls for grain barges"),
        "a broken edit took the article out of answers"
    );

    // Editor litter is not Parley's: no warning about it.
    write(&corpus.join(".2031-07-03-avel-quay-tolls.md.swp"), "swap");
    write(&corpus.join("2031-07-03-avel-quay-tolls.md~"), "backup");
    write(&corpus.join("4913"), "");

    // Let the watcher look at everything written (one more hand edit, seen).
    write(
        &round3,
        &article_text(
            "2031-04-03-ceasefire-commission-round-3",
            "Ceasefire commission inspects the Tessaly vineyards",
            "2031-04-03",
            "The joint ceasefire commission inspected the Tessaly vineyards for round 3 of its work on the truce line.",
        ),
    );
    until(&fake, &mut bot, "Tessaly vineyards", "edited again", |t| {
        t.iter().any(|x| x == "Ceasefire commission inspects the Tessaly vineyards")
    });

    let log = bot.log();
    let reports = |words: &[&str]| log.lines().filter(|l| words.iter().all(|w| l.contains(w))).count();
    assert_eq!(reports(&["2031-07-03-avel-quay-tolls.md", "stays out of the index"]), 1, "the half file, once:\n{log}");
    assert_eq!(reports(&["2031-07-03-avel-quay-tolls.md", "last good version"]), 1, "the broken edit, once:\n{log}");
    assert_eq!(reports(&[".swp"]) + reports(&["md~"]) + reports(&["/4913"]), 0, "editor files looked at:\n{log}");
    let hand_edit_lines: Vec<&str> = log.lines().filter(|l| l.contains("hand edits")).collect();
    assert!(!hand_edit_lines.is_empty(), "no hand edit logged:\n{log}");
    assert!(
        !hand_edit_lines.iter().any(|l| l.contains(&pasted_id)),
        "Parley's own write was indexed again: {hand_edit_lines:?}"
    );
    let alerts: Vec<String> = fake.messages_in(world.channel_id).iter().flat_map(titles_of).collect();
    assert_eq!(alerts, [beacon_title.to_owned()], "one alert, for the arrival only");
    eprintln!(
        "hand edits seen through /ask after: added {added_after:?}, edited {edited_after:?}, deleted {deleted_after:?}"
    );
    finish(&fake, &bot);
}
