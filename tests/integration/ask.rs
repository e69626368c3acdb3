//! `ask` by meaning through the real binary: paraphrased questions that
//! share no word with their answer, off-topic questions refused, the
//! answering sentence marked, the fallback without a model, and the README's
//! example on the bundled corpus.

use serde_json::Value;

use crate::harness::{fixture, DataDir};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn corpus() -> DataDir {
    let d = DataDir::new();
    let files = [fixture("ask/harbour-summit.md"), fixture("ask/grain-corridor.md")];
    let args: Vec<&str> = std::iter::once("add").chain(files.iter().map(|f| f.to_str().expect("utf-8 path"))).collect();
    d.ok(&args);
    d
}

fn ask(d: &DataDir, question: &str) -> Value {
    json(&d.ok(&["ask", question, "--json"]))
}

fn first(v: &Value) -> &Value {
    v["results"].as_array().and_then(|r| r.first()).unwrap_or_else(|| panic!("no results: {v}"))
}

#[test]
fn paraphrases_find_the_passage_and_its_answer_sentence() {
    let d = corpus();
    // Table: question in other words → a phrase of the sentence that answers.
    let cases = [
        ("when will the presidents of vorn and tarnholm meet face to face", "will sit down together"),
        ("how many people fled the border villages", "Some 3,000 residents"),
        ("which ministries will prepare the meeting", "prepared by the two foreign ministries"),
    ];
    for (question, answer) in cases {
        let v = ask(&d, question);
        let top = first(&v);
        let sentence = top["answer_sentence"].as_str().unwrap_or_default();
        assert!(sentence.contains(answer), "{question:?}: marked {sentence:?}\n{v}");
        assert!(top["passage"].as_str().unwrap_or_default().contains(sentence));
    }
}

#[test]
fn off_topic_questions_are_refused() {
    let d = corpus();
    for question in ["best sourdough bread recipe", "who won the ice hockey final", "how do i reset my phone password"]
    {
        let v = ask(&d, question);
        assert!(v["results"].as_array().is_some_and(Vec::is_empty), "{question:?} should be refused: {v}");
    }
}

#[test]
fn without_the_model_it_answers_from_words_and_list_says_so() {
    let d = corpus();
    let no_model = d.path().join("no-model");
    let out = d.parley().args(["ask", "grain convoy Aldermoor", "--json"]).env("PARLEY_MODEL_DIR", &no_model).output();
    let out = out.expect("run parley");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&String::from_utf8_lossy(&out.stdout));
    assert!(first(&v)["passage"].as_str().unwrap_or_default().contains("Aldermoor"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("answering from words only").count(), 1, "said once: {stderr}");
    let list = d.parley().args(["list"]).env("PARLEY_MODEL_DIR", &no_model).output().expect("run parley");
    assert!(String::from_utf8_lossy(&list.stdout).contains("by their words only"));
}

#[test]
fn the_readme_example_puts_hungary_first() {
    let d = DataDir::new();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in std::fs::read_dir(&bundled).expect("bundled corpus").flatten() {
        std::fs::copy(entry.path(), d.corpus().join(entry.file_name())).expect("copy the bundled corpus");
    }
    let v = ask(&d, "Where will Putin and Zelensky meet?");
    let sentence = first(&v)["answer_sentence"].as_str().unwrap_or_default().to_owned();
    assert!(sentence.contains("Hungary"), "marked {sentence:?}\n{v}");
}
