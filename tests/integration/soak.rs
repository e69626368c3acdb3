//! The soak test: the real `parley serve` against the local Discord of
//! [`crate::fake_discord`] under steady mixed traffic — questions,
//! `who-said`, autocomplete, page and feedback buttons, moderators adding
//! and removing fictional articles — with the gateway broken every few
//! minutes, for `PARLEY_SOAK_SECS` seconds (60 by default; the figures of
//! the 30-minute run are in `docs/QUALITY.md`).
//!
//! It asserts what must hold however long it runs: every interaction is
//! answered within Discord's three seconds (the fake refuses a late one),
//! every accepted addition is in `corpus/` and searchable at the end and
//! every removal is gone, no body breaks Discord's rules, open file
//! descriptors do not grow beyond a small slack and memory beyond a
//! generous one. It times nothing else.
//!
//! Knobs (environment): `PARLEY_SOAK_SECS` (length), `PARLEY_SOAK_INTERVAL_MS`
//! (time between two interactions, 250 by default: four a second),
//! `PARLEY_SOAK_RECONNECT_SECS` (time between gateway breaks; by default a
//! tenth of the length, from 15 s to 3 min).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::discord::{ask, corpus_files, start};
use crate::fake_discord::payloads::{opt_focused, opt_str, sub, Action, Member};
use crate::fake_discord::{Disconnect, Exchange, FakeDiscord};

/// Descriptors the bot may hold at the end beyond its count after the
/// warm-up (pooled REST connections, a segment file or two).
const FD_SLACK: usize = 24;
/// Resident memory the bot may gain after the warm-up: 128 MiB, or half
/// again what it had, whichever is more (allocator arenas and tantivy's
/// caches settle slowly; a leak of one buffer per interaction does not).
const RSS_SLACK_KB: u64 = 128 * 1024;

/// What Discord shows for the 3-second rule.
const DEADLINE: Duration = Duration::from_secs(3);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

/// A small deterministic generator (xorshift): the same traffic every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The bot's resident memory (kB) and open descriptors, from /proc.
#[derive(Debug, Clone, Copy, Default)]
struct Footprint {
    rss_kb: u64,
    /// The heap's share of it (`RssAnon`; the rest is mapped files).
    anon_kb: u64,
    fds: usize,
}

fn footprint(pid: u32) -> Footprint {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |field: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
    Footprint { rss_kb: kb("VmRSS:"), anon_kb: kb("RssAnon:"), fds }
}

/// What an interaction was, to read its answer.
#[derive(Debug, Clone)]
enum What {
    Ask,
    WhoSaid,
    Autocomplete,
    Button,
    /// An addition of the article marked with this word.
    Add(String),
    /// The removal of this article.
    Remove(String),
}

/// Whether the bot has answered: an accepted initial response and, after
/// a deferral, the edit or follow-up that carries the answer.
fn answered(ex: &Exchange) -> bool {
    match &ex.callback {
        None => false,
        Some((cb, _)) => {
            let deferred = matches!(cb.get("type").and_then(Value::as_u64), Some(5 | 6));
            !deferred || !ex.edits.is_empty() || !ex.followups.is_empty()
        }
    }
}

/// Whether Discord refused an initial response as too late (10062).
fn late(ex: &Exchange) -> bool {
    ex.refused.iter().any(|e| e["code"] == 10062) || ex.callback.as_ref().is_some_and(|(_, after)| *after > DEADLINE)
}

/// All the text of an exchange's answer.
fn text_of(ex: &Exchange) -> String {
    crate::fake_discord::reply_of(ex).text()
}

/// The word marking the `n`th soak article: letters only, so it stays one
/// search term whatever the analyzer does with digits.
fn mark(n: usize) -> String {
    let mut s = String::from("quellmark");
    let mut k = n;
    loop {
        s.push((b'a' + (k % 26) as u8) as char);
        k /= 26;
        if k == 0 {
            break;
        }
    }
    s
}

const PLACES: &[&str] =
    &["Brask", "Pellmouth", "Saltmere", "Port Avel", "Vennholt", "Oster Quay", "Lindmark", "Corran"];
const NOUNS: &[&str] = &["ledger", "ferry", "customs post", "grain barge", "lighthouse", "salt store", "tide gauge"];
const VERBS: &[&str] = &["inspected", "reopened", "counted", "repaired", "sealed", "surveyed", "registered"];
const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// A fictional harbour note marked with `word`: sentences drawn at random,
/// so no two notes are near-duplicates, and one attributed statement.
fn note(word: &str, rng: &mut Rng) -> (String, String) {
    let title = format!("Harbour note {word} from {}", rng.pick(PLACES));
    let mut body = Vec::new();
    for _ in 0..6 {
        body.push(format!(
            "The {word} crew {} the {} of {} on {} and logged {} crates.",
            rng.pick(VERBS),
            rng.pick(NOUNS),
            rng.pick(PLACES),
            rng.pick(DAYS),
            rng.below(900) + 10
        ));
    }
    body.push(format!(
        "\"The {word} {} stays open for every boat,\" said Tomas Reiler, the {} harbourmaster.",
        rng.pick(NOUNS),
        rng.pick(PLACES)
    ));
    (title, body.join("\n\n"))
}

const QUESTIONS: &[&str] = &[
    "ceasefire commission",
    "truce around Saltmere",
    "grain corridor inspections",
    "prisoner exchange",
    "water commission pumping engineers",
    "harbour note crates",
];
const PEOPLE: &[&str] = &["Ilsa Marden", "Teodor Vask", "Mira Calloway", "Tomas Reiler"];
const PREFIXES: &[&str] = &["", "M", "Mar", "Te", "Cal", "Tom", "harb", "cease", "q"];

/// Tallies of the run.
#[derive(Debug, Default)]
struct Tally {
    sent: usize,
    answered: usize,
    late: usize,
    deferred: usize,
    busy: usize,
    by_kind: BTreeMap<&'static str, usize>,
    reconnects: usize,
    adds_sent: usize,
    /// Why additions were not accepted (busy, a near-duplicate…).
    adds_refused: Vec<String>,
    removed: usize,
}

struct Driver<'a> {
    fake: &'a FakeDiscord,
    rng: Rng,
    pending: Vec<(u64, What)>,
    /// Answered questions' messages with their buttons (the latest few).
    answers: VecDeque<(Value, Vec<String>)>,
    /// Accepted additions: id → marking word.
    added: BTreeMap<String, String>,
    removed: BTreeSet<String>,
    next_mark: usize,
    tally: Tally,
}

impl Driver<'_> {
    fn send(&mut self, action: Action, member: &Member, what: What, kind: &'static str) {
        let id = self.fake.send_interaction(action, member);
        self.pending.push((id, what));
        self.tally.sent += 1;
        *self.tally.by_kind.entry(kind).or_default() += 1;
    }

    /// One interaction, drawn by weight.
    fn step(&mut self) {
        let reader = Member::reader(100 + self.rng.below(40) as u64);
        let moderator = Member::manager(1 + self.rng.below(4) as u64);
        match self.rng.below(100) {
            0..=27 => {
                let q = *self.rng.pick(QUESTIONS);
                self.send(Action::command("ask", vec![opt_str("question", q)]), &reader, What::Ask, "ask");
            }
            28..=41 => {
                let p = *self.rng.pick(PEOPLE);
                self.send(Action::command("who-said", vec![opt_str("person", p)]), &reader, What::WhoSaid, "who-said");
            }
            42..=66 => {
                let prefix = *self.rng.pick(PREFIXES);
                let action = match self.rng.below(4) {
                    0 => Action::autocomplete("who-said", vec![opt_focused("person", prefix)]),
                    1 => Action::autocomplete(
                        "compare",
                        vec![opt_focused("a", prefix), opt_str("b", ""), opt_str("topic", "truce")],
                    ),
                    2 => Action::autocomplete("article", vec![opt_focused("id", prefix)]),
                    _ => Action::autocomplete("corpus", vec![sub("remove", vec![opt_focused("id", prefix)])]),
                };
                let member = if matches!(action, Action::Autocomplete { ref name, .. } if name == "corpus") {
                    &moderator
                } else {
                    &reader
                };
                self.send(action, &member.clone(), What::Autocomplete, "autocomplete");
            }
            67..=81 => {
                if self.answers.is_empty() {
                    return;
                }
                let i = self.rng.below(self.answers.len());
                let (message, buttons) = self.answers[i].clone();
                let Some(button) = buttons.get(self.rng.below(buttons.len().max(1))).cloned() else { return };
                self.send(Action::button(&button, message), &reader, What::Button, "button");
            }
            82..=93 => {
                let word = mark(self.next_mark);
                self.next_mark += 1;
                let (title, body) = note(&word, &mut self.rng);
                let url = format!("https://harbournotes.example/{word}");
                let fields = [
                    ("title", title.as_str()),
                    ("outlet", "Harbour Notes"),
                    ("url", url.as_str()),
                    ("date", "2031-08-01"),
                    ("body", body.as_str()),
                ];
                self.tally.adds_sent += 1;
                self.send(Action::modal("add-text", &fields), &moderator, What::Add(word), "add");
            }
            _ => {
                // Remove one in four accepted additions, oldest first.
                let Some(id) = self.added.keys().find(|id| !self.removed.contains(*id)).cloned() else { return };
                if self.added.len() < 4 * (self.removed.len() + 1) {
                    return;
                }
                self.removed.insert(id.clone());
                let action = Action::command("corpus", vec![sub("remove", vec![opt_str("id", &id)])]);
                self.send(action, &moderator, What::Remove(id), "remove");
            }
        }
    }

    /// Reads every answer that has come; returns how many are still out.
    fn harvest(&mut self) -> usize {
        let pending = std::mem::take(&mut self.pending);
        for (id, what) in pending {
            let Some(ex) = self.fake.exchange(id) else { continue };
            if late(&ex) {
                self.tally.late += 1;
                continue;
            }
            if !answered(&ex) {
                self.pending.push((id, what));
                continue;
            }
            self.tally.answered += 1;
            let kind = ex.callback.as_ref().and_then(|(c, _)| c["type"].as_u64()).unwrap_or(0);
            if matches!(kind, 5 | 6) && !matches!(what, What::Add(_)) {
                self.tally.deferred += 1;
            }
            let text = text_of(&ex);
            if text.contains("Parley is busy") {
                self.tally.busy += 1;
            }
            match what {
                What::Ask => {
                    let reply = crate::fake_discord::reply_of(&ex);
                    if let (Some(original), buttons) = (ex.original.clone(), reply.buttons()) {
                        if !buttons.is_empty() {
                            self.answers.push_back((original, buttons));
                            if self.answers.len() > 16 {
                                self.answers.pop_front();
                            }
                        }
                    }
                }
                What::Add(word) => {
                    let id = text.split('`').nth(1).filter(|_| text.starts_with("Added `")).map(str::to_owned);
                    match id {
                        Some(id) => {
                            self.added.insert(id, word);
                        }
                        None => self.tally.adds_refused.push(text.chars().take(120).collect()),
                    }
                }
                What::Remove(id) => {
                    assert!(text.contains(&format!("Removed `{id}`")), "removing {id}: {text}");
                    self.tally.removed += 1;
                }
                What::WhoSaid | What::Autocomplete | What::Button => {}
            }
        }
        self.pending.len()
    }
}

#[test]
fn soak_mixed_traffic_with_reconnects() {
    let secs = env_u64("PARLEY_SOAK_SECS", 60);
    let interval = Duration::from_millis(env_u64("PARLEY_SOAK_INTERVAL_MS", 250));
    let reconnect_every = Duration::from_secs(env_u64("PARLEY_SOAK_RECONNECT_SECS", (secs / 10).clamp(15, 180)));
    let (fake, data, bot) = start(&[]);
    let pid = bot.pid();
    let at_ready = footprint(pid);
    let mut d = Driver {
        fake: &fake,
        rng: Rng(0x9e37_79b9_7f4a_7c15),
        pending: Vec::new(),
        answers: VecDeque::new(),
        added: BTreeMap::new(),
        removed: BTreeSet::new(),
        next_mark: 0,
        tally: Tally::default(),
    };
    let started = Instant::now();
    let length = Duration::from_secs(secs);
    // The baseline is taken once the model is loaded and every kind of
    // work has run a few times.
    let warm_up = Duration::from_secs((secs / 10).clamp(15, 180));
    let mut after_warm_up: Option<Footprint> = None;
    let mut peak = at_ready;
    let (mut last_sample, mut last_break) = (started, started);
    let breaks = [Disconnect::Reconnect, Disconnect::Close(4000), Disconnect::Drop];
    while started.elapsed() < length {
        if last_break.elapsed() >= reconnect_every {
            // Break the gateway, then wait for the bot to be back before
            // sending more (what is in flight is answered over REST).
            assert!(fake.disconnect(breaks[d.tally.reconnects % breaks.len()]), "no live gateway session to break");
            d.tally.reconnects += 1;
            if let Err(e) = fake.wait_ready(Duration::from_secs(60)) {
                panic!("the bot did not come back after a gateway break: {e}\n{}", bot.tail());
            }
            last_break = Instant::now();
        }
        d.step();
        d.harvest();
        if last_sample.elapsed() >= Duration::from_secs(5) {
            let now = footprint(pid);
            println!(
                "soak: {:>5.0} s: RSS {} kB (heap {} kB), {} fds, {} sent",
                started.elapsed().as_secs_f64(),
                now.rss_kb,
                now.anon_kb,
                now.fds,
                d.tally.sent
            );
            peak = Footprint {
                rss_kb: peak.rss_kb.max(now.rss_kb),
                anon_kb: peak.anon_kb.max(now.anon_kb),
                fds: peak.fds.max(now.fds),
            };
            if after_warm_up.is_none() && started.elapsed() >= warm_up {
                after_warm_up = Some(now);
            }
            last_sample = Instant::now();
        }
        std::thread::sleep(interval);
    }
    // Everything sent is answered (additions are deferred work: give them time).
    let drain = Instant::now();
    while d.harvest() > 0 && drain.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let unanswered: Vec<(u64, What)> = d.pending.clone();
    let ran = started.elapsed();

    // Nothing lost: every accepted addition not removed is a file and is
    // found by its word; every removal is gone.
    let files = corpus_files(&data);
    let kept: Vec<(String, String)> =
        d.added.iter().filter(|(id, _)| !d.removed.contains(*id)).map(|(i, w)| (i.clone(), w.clone())).collect();
    let mut lost = Vec::new();
    for (n, (id, word)) in kept.iter().enumerate() {
        let file = files.iter().any(|f| f == &format!("{id}.md"));
        let found = ask(&fake, &bot, &Member::reader(1_000 + n as u64), word);
        if !file || !found.text().contains(word.as_str()) {
            lost.push(format!("{id} (file: {file}; answer: {})", found.text().chars().take(200).collect::<String>()));
        }
    }
    let lingering: Vec<&String> =
        d.removed.iter().filter(|id| files.iter().any(|f| f == &format!("{id}.md"))).collect();
    std::thread::sleep(Duration::from_secs(2));
    let end = footprint(pid);
    let base = after_warm_up.unwrap_or(at_ready);
    let t = &d.tally;
    println!(
        "soak: ran {:.0} s at one interaction every {} ms; sent {}, answered {}, late {}, unanswered {}, \
         deferred {}, busy {}; by kind {:?}; gateway breaks {}; additions sent {}, accepted {}, refused {} {:?}, \
         removed {}, lost {}; RSS at ready {} kB, after warm-up {} kB, peak {} kB, end {} kB \
         (heap after warm-up {} kB, end {} kB); fds at ready {}, after warm-up {}, peak {}, end {}",
        ran.as_secs_f64(),
        interval.as_millis(),
        t.sent,
        t.answered,
        t.late,
        unanswered.len(),
        t.deferred,
        t.busy,
        t.by_kind,
        t.reconnects,
        t.adds_sent,
        d.added.len(),
        t.adds_refused.len(),
        t.adds_refused,
        t.removed,
        lost.len(),
        at_ready.rss_kb,
        base.rss_kb,
        peak.rss_kb,
        end.rss_kb,
        base.anon_kb,
        end.anon_kb,
        at_ready.fds,
        base.fds,
        peak.fds,
        end.fds
    );

    assert!(unanswered.is_empty(), "interactions never answered: {unanswered:?}\n{}", bot.tail());
    assert_eq!(t.late, 0, "interactions answered past Discord's 3 s:\n{}", bot.tail());
    assert_eq!(t.answered, t.sent, "every interaction is answered");
    assert!(t.reconnects >= 1 || secs < 15, "the gateway was never broken");
    assert!(!d.added.is_empty(), "no addition was accepted: nothing to lose");
    assert!(lost.is_empty(), "articles lost: {lost:#?}");
    assert!(lingering.is_empty(), "removed articles still in corpus/: {lingering:?}");
    assert!(end.fds > 0 && end.rss_kb > 0, "no figures from /proc/{pid}");
    assert!(end.fds <= base.fds + FD_SLACK, "descriptors grew from {} to {}", base.fds, end.fds);
    let rss_slack = RSS_SLACK_KB.max(base.rss_kb / 2);
    assert!(end.rss_kb <= base.rss_kb + rss_slack, "memory grew from {} kB to {} kB", base.rss_kb, end.rss_kb);
    crate::discord::finish(&fake, &bot);
}
