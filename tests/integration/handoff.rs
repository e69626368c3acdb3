//! Issue 10 §1: writing commands from a shell while the bot runs. The real
//! `parley serve` runs against the local Discord while the real binary, in
//! a shell, adds, imports, removes, reindexes and lists on the same data
//! directory: the shell's commands are handed to the bot over its socket,
//! print what they print without a bot (compared with a twin directory
//! nobody else writes), a file written by hand meanwhile is picked up,
//! every ask sees every change, and no lock error reaches anyone.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::process::Output;
use std::time::Instant;

use serde_json::Value;

use crate::discord::{ask, seeded, spawn_ready};
use crate::fake_discord::payloads::Member;
use crate::fake_discord::FakeDiscord;
use crate::harness::DataDir;

const ACCORD: &str = "Quorvel harbour accord signed\n\
The envoys of Marden and Vask signed the Quorvel harbour accord on Tuesday, opening the harbour to grain ships.\n\n\
\"The Quorvel harbour stays open to every flag,\" said Ilsa Brenhold, the Marden envoy, after the signing.\n";

const IMPORT: &str = concat!(
    "{\"title\":\"Tollgate ferry resumes\",\"outlet\":\"Saltmere Courier\",\"date\":\"2031-07-02\",\"body\":\"The Tollgate ferry between Marden and Vask resumed its crossings, carrying the first lantern shipment in a year.\"}\n",
    "{\"title\":\"Lantern fair opens\",\"outlet\":\"Saltmere Courier\",\"date\":\"2031-07-03\",\"body\":\"The Brackwater lantern fair opened with stalls from both banks of the river for the first time.\"}\n",
    "not a record\n",
);

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No lock error, in whatever words, reached the shell.
fn assert_no_lock_error(o: &Output) {
    let err = stderr(o);
    for bad in ["LockBusy", "Lockfile", "being written by another", "nothing was changed"] {
        assert!(!err.contains(bad), "{bad:?} reached the shell: {err}");
    }
}

/// The same command in the bot's directory (handed over) and in a twin
/// nobody else writes (done by the shell itself): same stdout, same exit
/// code; the first returned.
fn both(data: &DataDir, twin: &DataDir, args: &[&str]) -> Output {
    let started = Instant::now();
    let handed = data.run(args);
    let handed_took = started.elapsed();
    let started = Instant::now();
    let alone = twin.run(args);
    eprintln!("figure: parley {args:?} took {handed_took:?} handed to the bot, {:?} alone", started.elapsed());
    assert_no_lock_error(&handed);
    assert_eq!(stdout(&handed), stdout(&alone), "parley {args:?}: the output differs\n{}", stderr(&handed));
    assert_eq!(handed.status.code(), alone.status.code(), "parley {args:?}: {}", stderr(&handed));
    assert!(stderr(&handed).contains("done by the Parley process") || !handed.status.success(), "{}", stderr(&handed));
    handed
}

fn added_ids(out: &Output) -> Vec<String> {
    let v: Value = serde_json::from_str(&stdout(out)).expect("a JSON report");
    v["added"].as_array().expect("added").iter().map(|a| a["id"].as_str().expect("an id").to_owned()).collect()
}

fn answers(fake: &FakeDiscord, bot: &crate::discord::Bot, member: u64, question: &str) -> String {
    ask(fake, bot, &Member::reader(member), question).text()
}

#[test]
fn a_shell_adds_imports_removes_and_lists_while_the_bot_answers() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let twin = seeded();
    let bot = spawn_ready(&fake, &data, &[]);
    let socket = data.path().join("parley.sock");
    let mode = std::fs::symlink_metadata(&socket).expect("the bot listens on parley.sock").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "owner-only: {mode:o}");
    let holder = std::fs::read_to_string(data.path().join("parley.writer")).expect("the writer's note");
    assert!(holder.starts_with("parley serve, pid "), "{holder}");

    let files = tempfile::tempdir().expect("temp dir");
    let accord = files.path().join("quorvel.txt");
    std::fs::write(&accord, ACCORD).expect("write the article");
    let accord = accord.to_str().expect("a UTF-8 path");
    let batch = files.path().join("july.jsonl");
    std::fs::write(&batch, IMPORT).expect("write the batch");
    let batch = batch.to_str().expect("a UTF-8 path");

    // The bot does not know the accord yet.
    assert!(!answers(&fake, &bot, 1, "Quorvel harbour accord").contains("Quorvel"));

    // add: handed to the bot, printed as if done here.
    let out = both(&data, &twin, &["add", accord, "--json"]);
    let ids = added_ids(&out);
    assert_eq!(ids.len(), 1, "{}", stdout(&out));
    let id = ids[0].clone();
    let since_added = Instant::now();
    let text = answers(&fake, &bot, 2, "Quorvel harbour accord");
    let seen_after = since_added.elapsed();
    assert!(text.contains("Quorvel harbour accord"), "the bot's answer lacks the article added from the shell: {text}");
    eprintln!("figure: the bot answered with the shell's article {seen_after:?} after `add` returned");
    assert!(data.ok(&["list", "--json"]).contains(&id), "list (read-only) sees it");

    // The same file again: refused as a duplicate, same words, same code.
    let again = both(&data, &twin, &["add", accord]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stdout(&again).contains(&id), "the duplicate names the article there: {}", stdout(&again));
    // A file the shell cannot read is refused the same way.
    let missing = files.path().join("missing.txt");
    let gone = both(&data, &twin, &["add", missing.to_str().unwrap(), accord]);
    assert_eq!(gone.status.code(), Some(1));

    // import: progress and report come back.
    let out = both(&data, &twin, &["import", batch]);
    assert!(stdout(&out).contains("Tollgate ferry resumes"), "{}", stdout(&out));
    assert!(stderr(&out).contains("imported 2 …"), "progress reaches the shell: {}", stderr(&out));
    let text = answers(&fake, &bot, 3, "Tollgate ferry crossings lantern shipment");
    assert!(text.contains("Tollgate ferry resumes"), "{text}");
    let list = data.ok(&["list", "--json"]);
    assert!(list.contains("Lantern fair opens") && list.contains(&id), "{list}");

    // remove: gone from the bot's answers and from the list.
    let out = both(&data, &twin, &["remove", &id]);
    assert_eq!(stdout(&out).trim(), format!("removed {id} (Quorvel harbour accord signed)"));
    assert!(!answers(&fake, &bot, 4, "Quorvel harbour accord").contains("Quorvel"));
    assert!(!data.ok(&["list", "--json"]).contains(&id));
    assert!(!data.corpus().join(format!("{id}.md")).exists());

    // The engine's errors come back as errors, with the same words.
    let out = both(&data, &twin, &["remove", "2031-01-01-no-such-article"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no article with id"), "{}", stderr(&out));

    // reindex, while the bot answers.
    let out = both(&data, &twin, &["reindex"]);
    let articles = data.ok(&["list", "--json"]).matches("\"id\"").count();
    assert_eq!(stdout(&out).lines().next(), Some(format!("reindexed {articles} articles").as_str()));
    assert!(answers(&fake, &bot, 5, "Brackwater lantern fair").contains("Lantern fair opens"));

    // A file written by hand into corpus/ meanwhile: the bot picks it up
    // (its corpus watcher), and the shell's read-only `list` sees it.
    let hand = "2031-07-04-saltmere-lighthouse-relit";
    let text = crate::hand_edits::article_text(
        hand,
        "Saltmere lighthouse relit",
        "2031-07-04",
        "The keepers of Saltmere relit the old lighthouse on the Quorvel breakwater after nine dark years.",
    );
    std::fs::write(data.corpus().join(format!("{hand}.md")), text).expect("write an article by hand");
    let since_written = Instant::now();
    let mut member = 100;
    while !answers(&fake, &bot, member, "Saltmere lighthouse relit breakwater").contains("Saltmere lighthouse relit") {
        assert!(
            since_written.elapsed() < std::time::Duration::from_secs(45),
            "the hand-written article never reached the bot"
        );
        member += 1;
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    eprintln!("figure: a hand-written file answered {:?} after it was written", since_written.elapsed());
    assert!(data.ok(&["list", "--json"]).contains(hand), "list (read-only) sees the hand-written article");

    // A hostile local client gets a clear refusal; the bot carries on.
    let mut raw = UnixStream::connect(&socket).expect("connect");
    raw.write_all(b"{\"v\":99,\"command\":\"reindex\"}\n").expect("send");
    let mut reply = String::new();
    raw.read_to_string(&mut reply).expect("a reply");
    assert!(reply.contains("failed") && reply.contains("version"), "{reply}");
    let mut raw = UnixStream::connect(&socket).expect("connect");
    raw.write_all(b"{\"v\":1,\"command\":{\"add\":{\"items\":[{\"path\":\"/etc/passwd\"}]}}}\n").expect("send");
    let mut reply = String::new();
    raw.read_to_string(&mut reply).expect("a reply");
    assert!(reply.contains("failed") && reply.contains("unknown variant"), "{reply}");

    // Every shell command is in the bot's audit log.
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).expect("the audit log");
    let shell: Vec<Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["user_id"] == "shell")
        .collect();
    let actions: Vec<(&str, &str)> =
        shell.iter().map(|e| (e["action"].as_str().unwrap_or(""), e["outcome"].as_str().unwrap_or(""))).collect();
    for expected in [
        ("add", "ok"),
        ("add", "refused"),
        ("import", "ok"),
        ("remove", "ok"),
        ("remove", "refused"),
        ("reindex", "ok"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} not audited: {actions:?}");
    }
    fake.assert_clean();

    // The bot killed: its socket is left behind, stale; the next writer
    // works by itself (and a shell command does not hang on the socket).
    drop(bot);
    assert!(std::fs::symlink_metadata(&socket).is_ok(), "a killed bot leaves its socket");
    let out = data.run(&["add", accord]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("done by the Parley process"), "{}", stderr(&out));
}

/// A console holds the writer too and takes shell commands; with nobody
/// answering on the socket, the shell is told in one line what holds the
/// writer, and nothing changes.
#[test]
fn a_console_takes_shell_commands_and_a_silent_writer_is_named() {
    use std::io::BufRead;
    let data = seeded();
    let mut console = data.spawn(&["console"]);
    let mut stdin = console.stdin.take().expect("stdin");
    stdin.write_all(b"/about\n").expect("type into the console");
    let mut lines = std::io::BufReader::new(console.stdout.take().expect("stdout")).lines();
    assert!(lines.by_ref().map_while(Result::ok).any(|l| l.contains("Articles")), "the console answered /about");

    let files = tempfile::tempdir().expect("temp dir");
    let accord = files.path().join("quorvel.md");
    std::fs::write(&accord, ACCORD).expect("write the article");
    let accord = accord.to_str().unwrap();
    let out = data.run(&["add", accord, "--title", "Quorvel accord (console)"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_lock_error(&out);
    assert!(stdout(&out).contains("Quorvel accord (console)"), "{}", stdout(&out));
    // The console sees it at once.
    stdin.write_all(b"/ask Quorvel harbour accord\n").expect("type");
    assert!(
        lines.by_ref().map_while(Result::ok).any(|l| l.contains("Quorvel accord (console)")),
        "the console's answer"
    );

    // Nobody answers on the socket any more (as after a crash of the
    // listener): one line naming the holder, and nothing changed.
    std::fs::remove_file(data.path().join("parley.sock")).expect("remove the socket");
    let before = std::fs::read_dir(data.corpus()).unwrap().count();
    let err = data.fails(&["remove", "2031-05-10-marden-and-vask-agree-a-truce-around-saltmere"]);
    assert!(err.contains("being written by another Parley process (parley console, pid"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("LockBusy"), "{err}");
    assert_eq!(std::fs::read_dir(data.corpus()).unwrap().count(), before);
    drop(stdin);
    assert!(console.wait().expect("the console ends").success());
    // Once it is gone, the shell writes by itself.
    let out = data.run(&["remove", "2031-05-10-marden-and-vask-agree-a-truce-around-saltmere"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("done by the Parley process"), "{}", stderr(&out));
}
