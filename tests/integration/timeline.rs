//! `timeline` and `compare` through the real binary (command line, console)
//! and through the local Discord: fictional envoys of fictional sides
//! (Veloria, Ostria) speaking on a ferry corridor over six weeks, with
//! statements on other topics and an anonymous source that must stay out.

use std::fs;
use std::io::Write;

use serde_json::Value;

use crate::discord::{embeds, finish, post_signed, send, spawn_endpoint, spawn_ready, unix_now, ANSWER};
use crate::fake_discord::payloads::{opt_focused, opt_str, sub, Action, Member};
use crate::fake_discord::FakeDiscord;
use crate::harness::DataDir;

const ALIASES: &str = r#"[people]
"Ilsa Marden" = ["Marden"]
"Teodor Vask" = ["Vask"]
"Oren Kell" = ["Kell"]

[sides]
"Veloria" = ["Ilsa Marden", "Oren Kell"]
"Ostria" = ["Teodor Vask", "Nobody Quoted"]
"#;

/// (date, slug, body): statements on the ferry corridor week by week, and
/// others that must not count.
const ARTICLES: &[(&str, &str, &str)] = &[
    ("2031-03-03", "marden-opens-ferry-talks", "Envoys met in Saltmere on Monday.\n\"The ferry corridor must open before the winter storms,\" said Ilsa Marden, Veloria's foreign minister."),
    ("2031-03-05", "vask-doubts-ferry-plan", "The Ostrian side answered on Wednesday.\n\"No ferry corridor will sail without inspections at Brennick,\" Teodor Vask told reporters."),
    ("2031-03-12", "kell-on-ferry-inspections", "Talks went on in Saltmere.\n\"Inspections of the ferry corridor can be shared with the Lantern Isles,\" said Oren Kell, Veloria's deputy envoy."),
    ("2031-03-19", "vask-softens-on-ferry", "Ostria's envoy spoke again.\n\"We could accept a ferry corridor with joint inspections,\" Teodor Vask said on Thursday."),
    ("2031-03-20", "marden-welcomes-ferry-shift", "Veloria replied within a day.\n\"The ferry corridor is closer than it has ever been,\" said Ilsa Marden after the session."),
    ("2031-03-21", "anonymous-ferry-doubts", "Not everyone was convinced.\n\"The ferry corridor is a fantasy,\" said an official who asked not to be named."),
    ("2031-03-20", "wire-marden-welcomes-ferry-shift", "A wire service carried the same story.\nVeloria's foreign minister spoke after the session.\n\"The ferry corridor is closer than it has ever been,\" said Ilsa Marden after the session, according to the Lantern Wire."),
    ("2031-04-02", "petra-lund-on-ferry", "The harbour guild weighed in.\n\"Our captains are ready for the ferry corridor,\" said Petra Lund, head of the Saltmere harbour guild."),
    ("2031-04-09", "vask-on-grain", "Grain was the other topic.\n\"The grain quota stays where it is,\" Teodor Vask told the Ostrian gazette."),
    ("2031-04-10", "marden-on-prisoners", "Prisoners were discussed too.\n\"Every prisoner will be home by summer,\" said Ilsa Marden on Thursday."),
];

fn seeded() -> DataDir {
    let data = DataDir::new();
    fs::write(data.corpus().join("aliases.toml"), ALIASES).expect("aliases");
    for (date, slug, body) in ARTICLES {
        let id = format!("{date}-{slug}");
        let title = slug.replace('-', " ");
        let text = format!(
            "+++\nid = \"{id}\"\ntitle = \"{title}\"\noutlet = \"Saltmere Courier\"\nurl = \"https://courier.example/{id}\"\npublished = \"{date}\"\nlanguage = \"en\"\nadded_by = \"fixture\"\n+++\n\n{body}\n"
        );
        fs::write(data.corpus().join(format!("{id}.md")), text).expect("article");
    }
    data
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Decodes a PNG: width, height, and how many distinct colours it has.
fn decode_png(bytes: &[u8]) -> (u32, u32, usize) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    let n = info.color_type.samples();
    let colours: std::collections::HashSet<&[u8]> = buf[..info.buffer_size()].chunks(n).collect();
    (info.width, info.height, colours.len())
}

fn assert_chart(bytes: &[u8]) {
    assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
    let (w, h, colours) = decode_png(bytes);
    assert_eq!((w, h), (960, 540));
    assert!(colours > 8, "a blank or near-blank image: {colours} colours");
}

fn statements(v: &Value) -> Vec<(String, String)> {
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| !e["speaker"].is_null())
        .map(|e| (e["speaker"].as_str().unwrap().to_owned(), e["text"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn timeline_on_the_command_line_with_its_chart() {
    let d = seeded();
    let png = d.path().join("chart.png");
    let out = d.ok(&["timeline", "ferry corridor", "--json", "--png", png.to_str().unwrap()]);
    let v = json(&out);
    let said = statements(&v);
    let speakers: Vec<&str> = said.iter().map(|(s, _)| s.as_str()).collect();
    for who in ["Ilsa Marden", "Teodor Vask", "Oren Kell", "Petra Lund"] {
        assert!(speakers.contains(&who), "{who} missing: {said:?}");
    }
    assert!(!said.iter().any(|(_, t)| t.contains("grain quota") || t.contains("prisoner")), "off the topic: {said:?}");
    assert!(!said.iter().any(|(_, t)| t.contains("fantasy")), "an anonymous source's words were attributed: {said:?}");
    assert!(!speakers.iter().any(|s| s.contains("official")), "{said:?}");
    // Oldest first, grouped by week, counted per side with the rest as others.
    let dates: Vec<&str> = v["entries"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert_eq!(v["grain"], "week");
    let series: Vec<&str> = v["series"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(&series[..2], ["Veloria", "Ostria"], "{series:?}");
    assert!(series.contains(&"others"), "Petra Lund is on no side: {series:?}");
    let marden = v["entries"].as_array().unwrap().iter().find(|e| e["speaker"] == "Ilsa Marden").unwrap();
    assert_eq!(marden["side"], "Veloria");
    assert_eq!(v["buckets"][0]["start"], "2031-03-03");
    assert!(v["entries"][0]["source"]["url"].as_str().unwrap().starts_with("https://courier.example/"));
    assert_chart(&fs::read(&png).expect("the chart was written"));

    // Text: grouped by week, each line dated with its speaker and source.
    let text = d.ok(&["timeline", "ferry corridor"]);
    assert!(text.contains("Week of 2031-03-03"), "{text}");
    assert!(text.contains("2031-03-05  Teodor Vask (Ostria): “No ferry corridor"), "{text}");
    assert!(text.contains("Saltmere Courier"), "{text}");
}

#[test]
fn timeline_by_a_person_and_small_or_empty_results() {
    let d = seeded();
    let v = json(&d.ok(&["timeline", "ferry corridor", "--person", "Vask", "--json"]));
    assert_eq!(v["person"], "Teodor Vask");
    let said = statements(&v);
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said.iter().all(|(s, _)| s == "Teodor Vask"));
    assert!(v["entries"].as_array().unwrap().iter().all(|e| !e["speaker"].is_null()), "no reports for a person");

    // A side: its members' statements.
    let v = json(&d.ok(&["timeline", "ferry corridor", "--person", "Veloria", "--json"]));
    assert_eq!(v["person"], "Veloria");
    let said = statements(&v);
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(said.iter().all(|(s, _)| s == "Ilsa Marden" || s == "Oren Kell"), "{said:?}");

    // Too little to chart: a list and no PNG.
    let png = d.path().join("tiny.png");
    let out = d.run(&["timeline", "grain quota", "--person", "Vask", "--png", png.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Too little to chart"));
    assert!(!png.exists(), "a chart of one statement");

    // Nothing: a plain sentence.
    let text = d.ok(&["timeline", "lighthouse keepers"]);
    assert!(text.starts_with("Nothing in the corpus on “lighthouse keepers”"), "{text}");
    let e = d.fails(&["timeline", "ferry", "--person", "Zed Nobody"]);
    assert!(e.contains("nobody called \"Zed Nobody\" is quoted"), "{e}");
    let e = d.fails(&["timeline", "ferry", "--since", "2031-05-01", "--until", "2031-04-01"]);
    assert!(e.contains("is after"), "{e}");
}

#[test]
fn compare_sides_and_people_newest_first() {
    let d = seeded();
    let ws = d.ok(&["who-said", "Ilsa Marden", "--json"]);
    assert_eq!(ws.matches("closer than it has ever been").count(), 4, "two copies (quote and sentence each): {ws}");
    let v = json(&d.ok(&["compare", "Veloria", "Ostria", "ferry corridor", "--json"]));
    assert_eq!((v["a"]["name"].as_str(), v["a"]["kind"].as_str()), (Some("Veloria"), Some("side")));
    let a: Vec<&Value> = v["a"]["statements"].as_array().unwrap().iter().collect();
    let b: Vec<&Value> = v["b"]["statements"].as_array().unwrap().iter().collect();
    assert_eq!(a.len(), 3, "the wire copy of Marden's words counts once: {v}");
    assert!(a.iter().all(|q| q["speaker"] == "Ilsa Marden" || q["speaker"] == "Oren Kell"), "{v}");
    assert!(b.iter().all(|q| q["speaker"] == "Teodor Vask"), "{v}");
    assert_eq!(b.len(), 2, "the grain statement is off the topic: {v}");
    let dates: Vec<&str> = a.iter().map(|q| q["published"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert_eq!(v["b"]["speakers"], serde_json::json!(["Teodor Vask"]), "an unquoted member adds nobody");

    // A person against a side, in text.
    let text = d.ok(&["compare", "Petra Lund", "Ostria", "ferry corridor"]);
    assert!(text.contains("Petra Lund on “ferry corridor”:") && text.contains("Our captains are ready"), "{text}");
    let e = d.fails(&["compare", "Veloria", "veloria", "ferry"]);
    assert!(e.contains("two different"), "{e}");
}

#[test]
fn console_names_and_writes_the_chart() {
    let d = seeded();
    let dir = d.path().join("out");
    fs::create_dir_all(&dir).unwrap();
    let mut child = d.spawn(&["console", "--files", dir.to_str().unwrap()]);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/timeline ferry corridor\n/compare Veloria Ostria ferry corridor\n/corpus alias \"Petra Lund\" side:Veloria\n/quit\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[attached: timeline.png"), "{text}");
    assert!(text.contains("attachment written to"), "{text}");
    assert_chart(&fs::read(dir.join("timeline.png")).expect("the console wrote the chart"));
    assert!(text.contains("Veloria (side: 2 speakers)"), "{text}");
    assert!(text.contains("is now on the side **Veloria**"), "{text}");
    let aliases = fs::read_to_string(d.corpus().join("aliases.toml")).unwrap();
    assert!(aliases.contains("Petra Lund"), "{aliases}");
    let audit = fs::read_to_string(d.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("side Veloria"), "{audit}");
}

fn start() -> (FakeDiscord, DataDir, crate::discord::Bot) {
    let fake = FakeDiscord::start();
    let data = seeded();
    let bot = spawn_ready(&fake, &data, &[]);
    (fake, data, bot)
}

fn attachment(m: &Value) -> Option<&Value> {
    m["attachments"].as_array().and_then(|a| a.first())
}

#[test]
fn discord_timeline_attaches_a_valid_chart_and_compare_shows_two_columns() {
    let (fake, data, bot) = start();
    let reg = fake.registered_commands().expect("registered");
    let names: Vec<&str> = reg.body.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(names.contains(&"timeline") && names.contains(&"compare"), "{names:?}");

    let t =
        send(&fake, &bot, Action::command("timeline", vec![opt_str("topic", "ferry corridor")]), &Member::reader(1));
    assert_eq!(t.files.len(), 1, "one file: {:?}", t.callback);
    let file = &t.files[0];
    assert_eq!((file.field.as_str(), file.filename.as_str()), ("files[0]", "timeline.png"));
    assert!(file.bytes.len() <= 8 << 20);
    assert_chart(&file.bytes);
    let msg = t.message().expect("a message");
    let shown = attachment(&msg).expect("the message shows the attachment");
    let alt = shown["description"].as_str().expect("alt text");
    assert!(alt.starts_with("Bar chart: Statements") && alt.contains("Veloria"), "{alt}");
    let text = t.text();
    assert!(text.contains("Timeline: “ferry corridor”") && text.contains("chart attached"), "{text}");
    assert!(text.contains("**Teodor Vask** (Ostria)"), "{text}");
    assert!(text.contains("(https://courier.example/"), "sources linked: {text}");
    assert!(embeds(&msg).iter().all(|e| e["title"].as_str().is_some_and(|t| t.starts_with("Week of"))));

    // Empty: a plain sentence, no chart.
    let none = send(
        &fake,
        &bot,
        Action::command("timeline", vec![opt_str("topic", "lighthouse keepers")]),
        &Member::reader(2),
    );
    assert!(none.files.is_empty());
    assert!(none.text().starts_with("Nothing in the corpus on “lighthouse keepers”"), "{}", none.text());

    // Compare: two inline columns, each statement dated with its source.
    let c = send(
        &fake,
        &bot,
        Action::command(
            "compare",
            vec![opt_str("a", "Veloria"), opt_str("b", "Teodor Vask"), opt_str("topic", "ferry corridor")],
        ),
        &Member::reader(3),
    );
    let m = c.message().expect("a message");
    let es = embeds(&m);
    assert_eq!(es.len(), 1, "{m}");
    let fields = es[0]["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), 2);
    assert!(fields.iter().all(|f| f["inline"] == true));
    assert!(fields[0]["name"].as_str().unwrap().starts_with("Veloria"));
    assert!(fields[0]["value"].as_str().unwrap().contains("**2031-03-20** Ilsa Marden: “The ferry corridor"));
    assert!(!fields[0]["value"].as_str().unwrap().contains("Vask"), "Vask's words in Veloria's column");
    assert!(fields[1]["value"].as_str().unwrap().contains("joint inspections"));
    assert!(c.files.is_empty());

    // Autocomplete offers sides and speakers.
    let ac = send(&fake, &bot, Action::autocomplete("compare", vec![opt_focused("a", "Vel")]), &Member::reader(4));
    let choices = ac.callback["data"]["choices"].as_array().cloned().unwrap_or_default();
    assert!(choices.iter().any(|c| c["value"] == "Veloria"), "{choices:?}");
    let ac =
        send(&fake, &bot, Action::autocomplete("timeline", vec![opt_focused("person", "Mar")]), &Member::reader(4));
    let choices = ac.callback["data"]["choices"].as_array().cloned().unwrap_or_default();
    assert!(choices.iter().any(|c| c["value"] == "Ilsa Marden"), "{choices:?}");

    // A moderator puts a name on a side; a member cannot.
    let side = |member: &Member| {
        send(
            &fake,
            &bot,
            Action::command(
                "corpus",
                vec![sub("alias", vec![opt_str("name", "Petra Lund"), opt_str("side", "Ostria")])],
            ),
            member,
        )
    };
    assert!(side(&Member::reader(5)).text().contains("Only moderators"));
    assert!(!fs::read_to_string(data.corpus().join("aliases.toml")).unwrap().contains("Petra"));
    let ok = side(&Member::manager(1));
    assert!(ok.text().contains("is now on the side **Ostria**"), "{}", ok.text());
    let c = send(
        &fake,
        &bot,
        Action::command(
            "compare",
            vec![opt_str("a", "Veloria"), opt_str("b", "Ostria"), opt_str("topic", "ferry corridor")],
        ),
        &Member::reader(6),
    );
    assert!(c.text().contains("Our captains are ready"), "Petra Lund now speaks for Ostria: {}", c.text());
    finish(&fake, &bot);
}

#[test]
fn discord_http_endpoint_sends_the_chart_as_a_multipart_edit() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let (bot, url) = spawn_endpoint(&fake, &data, &key);
    let http = reqwest::Client::builder().no_proxy().timeout(ANSWER).build().expect("client");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let action = Action::command("timeline", vec![opt_str("topic", "ferry corridor")]);
        let (id, _, body) = fake.prepare(&action, &Member::reader(1));
        let body = body.to_string();
        let (status, answer) = post_signed(&http, &url, &key, &unix_now().to_string(), &body, &body).await;
        // The body is JSON and cannot carry the file: "thinking…", then the edit.
        assert_eq!((status, &answer["type"]), (200, &serde_json::json!(5)), "{answer}");
        assert!(fake.record_http_response(id, &answer).is_empty(), "{answer}");
        let done = fake.wait_for_response(id, ANSWER).unwrap_or_else(|e| panic!("{e}\nlog:\n{}", bot.tail()));
        assert_eq!(done.files.len(), 1, "{:?}", done.edits);
        assert_chart(&done.files[0].bytes);
        let shown = done.message().expect("the edited message");
        assert!(attachment(&shown).is_some_and(|a| a["filename"] == "timeline.png"), "{shown}");
        assert!(done.text().contains("Timeline: “ferry corridor”"), "{}", done.text());
    });
    finish(&fake, &bot);
}
