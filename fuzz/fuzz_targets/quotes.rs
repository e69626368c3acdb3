//! An article body → `quotes::extract`: attributed statements and their
//! speakers, over a small table of fictional names.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use parley::names::{AliasFile, Aliases};
use parley::quotes::{self, SpeakerKind};

mod common;
use common::*;

/// The shipped alias table, with two fictional people of the seeds added.
fn aliases() -> &'static Aliases {
    static A: OnceLock<Aliases> = OnceLock::new();
    A.get_or_init(|| {
        let mut file: AliasFile = toml::from_str(include_str!("../../corpus/aliases.toml")).unwrap_or_default();
        file.people.insert("Ada Quill".into(), vec!["Quill".into(), "Ада Квилл".into()]);
        file.people.insert("Tarn Vale".into(), vec!["Vale".into(), "Тарн Вейл".into()]);
        Aliases::from_file(&file)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let masked = parley::corpus::clean::mask(body);
    assert_eq!(masked.len(), body.len(), "blanking furniture moved the offsets");
    for q in quotes::extract(body, aliases()) {
        assert_range("span", body, &q.span);
        // Page furniture is blanked (offsets unchanged) before statements are
        // read, so the text is the span of the blanked body.
        let quoted = &masked[q.span.clone()];
        assert!(!q.text.trim().is_empty(), "an empty statement");
        // One piece is the span itself; a statement cut by its attribution
        // ("…," she said, "…") is its pieces joined with " … ".
        if !q.text.contains(" … ") {
            assert_eq!(q.text, quoted, "the text is not what the span points at");
        }
        assert!(masked.contains(q.sentence.as_str()), "the sentence is not in the (blanked) body: {:?}", q.sentence);
        assert!((0.0..=1.0).contains(&q.confidence), "confidence {}", q.confidence);
        let s = &q.speaker;
        assert!(!s.name.trim().is_empty(), "a speaker without a name");
        assert_line("speaker", &s.name);
        assert_line("as written", &s.as_written);
        if let Some(r) = &s.role {
            assert_line("role", r);
        }
        // A name inside a quote is never its speaker: the speaker as
        // written is somewhere outside the statement.
        if s.kind != SpeakerKind::Anonymous && !q.text.contains(" … ") && !s.as_written.is_empty() {
            let outside = body
                .match_indices(s.as_written.as_str())
                .any(|(at, w)| at + w.len() <= q.span.start || at >= q.span.end);
            let changed = !body.contains(s.as_written.as_str());
            assert!(
                changed || outside,
                "speaker {:?} is written only inside its own statement {:?}",
                s.as_written,
                q.text
            );
        }
    }
});
