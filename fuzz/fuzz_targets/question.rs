//! A member's question → `Engine::ask` (cut, analysed, asked of the index
//! with no query syntax), `Engine::who_said` and `Engine::speakers` (a name
//! and a topic; autocomplete's prefix), and `dates::named` (the days a
//! question names), over a small engine of fictional articles built once.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use parley::corpus::ArticleDraft;
use parley::{AskQuery, Engine, EngineConfig, Error, Published, WhoSaidQuery};

mod common;
use common::*;

const ARTICLES: &[(&str, &str, &str)] = &[
    (
        "Vornhaven and Eastmark resume talks",
        "2031-02-03",
        "Negotiators from Vornhaven and Eastmark met in Selby Cross on Monday.\n\n\"We are closer than we have ever been,\" said Ada Quill, the foreign minister of Vornhaven.\n\nTarn Vale, Eastmark's chief negotiator, told the Quill Times that a ceasefire could be signed by March, and that a prisoner exchange would come first.",
    ),
    (
        "Grain corridor deal stalls",
        "2031-05-04",
        "The grain corridor deal stalled on Thursday, according to a senior Eastmark official.\n\n\"Eastmark will not give up the port,\" Vale said. Quill said the talks would go on in June.\n\nПереговоры продолжатся, сказал Тарн Вейл журналистам в Селби-Кросс.",
    ),
    (
        "Leaders to meet in Selby Cross",
        "2031-12-31",
        "Ada Quill and Tarn Vale will meet in Selby Cross on December 31st, the Vornhaven foreign ministry said.\n\nThe summit follows months of negotiations over territory, troops and sanctions.",
    ),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // Kept for the process's life (a few hundred KB in the temp directory).
        let dir = tempfile::Builder::new().prefix("parley-fuzz-question-").tempdir().expect("a temp dir").keep();
        let config = EngineConfig { model_dir: None, ..EngineConfig::new(dir) };
        let engine = Engine::open(config).expect("the engine opens");
        for (i, (title, date, body)) in ARTICLES.iter().enumerate() {
            let draft = ArticleDraft {
                title: Some((*title).to_owned()),
                outlet: Some("Quill Times".to_owned()),
                url: Some(format!("https://news.example/2031/{i}")),
                published: Published::parse(date).ok(),
                body: (*body).to_owned(),
                origin: format!("seed {i}"),
                ..ArticleDraft::default()
            };
            engine.add(draft).expect("a seed article is added");
        }
        engine
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let dates = parley::dates::named(text);
    assert!(dates.len() <= 4, "more than four dates");
    for d in &dates {
        assert!(d.day.is_none_or(|day| (1..=31).contains(&day)), "{d:?}");
    }

    let engine = engine();
    match engine.ask(&AskQuery::new(text)) {
        Ok(answer) => {
            assert!(answer.hits.len() <= AskQuery::DEFAULT_LIMIT, "more hits than asked for");
            for hit in &answer.hits {
                for r in &hit.highlights {
                    assert_range("highlight", &hit.passage, r);
                }
                if let Some(r) = &hit.answer {
                    assert_range("answer sentence", &hit.passage, r);
                }
                assert!(hit.score.is_finite(), "score {}", hit.score);
            }
        }
        // Only an empty question is refused: no input is query syntax.
        Err(Error::EmptyQuestion) => {
            let read = text.chars().take(parley::answer::MAX_QUESTION_CHARS);
            assert!(!read.clone().any(char::is_alphanumeric), "a question with words refused as empty");
        }
        Err(e) => panic!("a question failed: {e}"),
    }

    let (person, about) = text.split_once('\n').unwrap_or((text, ""));
    let q = WhoSaidQuery { about: Some(about.to_owned()), ..WhoSaidQuery::new(person) };
    match engine.who_said(&q) {
        Ok(_) | Err(Error::EmptyQuestion) => {}
        Err(e) => panic!("who-said failed: {e}"),
    }
    if let Err(e) = engine.speakers(person) {
        panic!("speakers failed: {e}");
    }
});
