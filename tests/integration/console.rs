//! `parley console`, the real binary: typed slash commands answered like
//! the bot, including a moderator addition through the add-text form and
//! `/corpus add-file` with a local path.

use std::io::Write;

use crate::harness::{fixture, DataDir};

fn console(data: &DataDir, input: &str) -> String {
    let mut child = data.spawn(&["console"]);
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("type into the console");
    let out = child.wait_with_output().expect("console output");
    assert!(out.status.success(), "console failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn console_answers_like_the_bot() {
    let data = DataDir::new();
    let file = fixture("discord/saltmere-truce.md");
    let input = format!(
        "/corpus add-file {}\n\
         /ask truce around Saltmere\n\
         /context 1\n\
         /who-said person:\"Ilsa Marden\" about:truce\n\
         /corpus add-text\nLighthouse talks open in Port Avel\nThe Lantern Post\n\n2031-06-20\n\
         Envoys opened the lighthouse talks in Port Avel on Friday.\n.\n\
         /ask lighthouse talks Port Avel\n\
         /ask @everyone <@123> **x**\n\
         /nonsense\n\
         /quit\n",
        file.display()
    );
    let out = console(&data, &input);
    assert!(out.contains("Added `2031-05-10-marden-and-vask-agree-a-truce-around-saltmere`"), "{out}");
    assert!(out.contains("┌ 1. Marden and Vask agree a truce around Saltmere"), "{out}");
    let bold: Vec<&str> = out.split("**").skip(1).step_by(2).collect();
    assert!(bold.iter().any(|b| b.contains("truce")), "the answering sentence in bold: {out}");
    assert!(out.contains("Saltmere Courier · 2031-05-10"), "{out}");
    assert!(out.contains("▶ **"), "the context of passage 1: {out}");
    assert!(out.contains("hold every gun silent"), "Marden's words: {out}");
    assert!(out.contains("Added `2031-06-20-lighthouse-talks-open-in-port-avel`"), "{out}");
    assert!(out.contains("┌ 1. Lighthouse talks open in Port Avel"), "searchable at once: {out}");
    assert!(!out.contains("@everyone") && !out.contains("<@123>"), "{out}");
    assert!(out.contains("unknown command /nonsense"), "{out}");
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).expect("the audit log");
    assert_eq!(audit.lines().filter(|l| l.contains("\"outcome\":\"ok\"")).count(), 2, "{audit}");
}
