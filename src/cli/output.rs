//! What the CLI prints: text for a person (the source under every
//! passage), or JSON in the documented shapes for scripts.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;
use serde_json::{json, Value};

use crate::answer::{Answer, Comparison, Party, PartyKind, QuoteHit, Timeline, WhoSaid};
use crate::article::{ArticleMeta, Published, Source};
use crate::corpus::ArticleDraft;
use crate::engine::ImportReport;
use crate::quotes::Quote;

/// Whether to colour the terminal output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn detect() -> Style {
        Style { color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }

    fn bold(&self) -> (&'static str, &'static str) {
        if self.color {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("**", "**")
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

pub fn json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn date(p: &Option<Published>) -> Value {
    p.map_or(Value::Null, |p| Value::String(p.to_string()))
}

fn source_line(s: &Source) -> String {
    let mut parts = vec![format!("“{}”", s.title), s.outlet.clone()];
    if let Some(p) = &s.published {
        parts.push(p.date().to_string());
    }
    if let Some(u) = &s.url {
        parts.push(u.clone());
    }
    let mut line = parts.join(" · ");
    if !s.also_reported_by.is_empty() {
        line.push_str(&format!("\n     also reported by {}", s.also_reported_by.join(", ")));
    }
    line
}

pub fn ask_json(answer: &Answer) -> Value {
    let results: Vec<Value> = answer
        .hits
        .iter()
        .map(|h| {
            json!({
                "article_id": h.source.article_id,
                "title": h.source.title,
                "outlet": h.source.outlet,
                "url": h.source.url,
                "published": date(&h.source.published),
                "passage": h.passage,
                "snippet": h.marked("**", "**"),
                "answer_sentence": h.answer_sentence(),
                "score": h.score,
                "also_reported_by": h.source.also_reported_by,
            })
        })
        .collect();
    json!({ "query": answer.query, "results": results })
}

pub fn ask_text(out: &mut impl Write, answer: &Answer, style: Style) -> io::Result<()> {
    if answer.hits.is_empty() {
        return writeln!(out, "Nothing in the corpus answers that. Try other words, or add an article that covers it.");
    }
    let (open, close) = style.bold();
    for (i, h) in answer.hits.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, crate::answer::mark(&h.passage, h.emphasis(), open, close))?;
        writeln!(out, "   — {}", source_line(&h.source))?;
        writeln!(
            out,
            "   {}",
            style.dim(&format!("[{} · passage {} · score {:.2}]", h.source.article_id, h.ord, h.score))
        )?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn report_json(r: &ImportReport) -> Value {
    json!({ "added": r.added, "refused": r.refused })
}

pub fn report_text(out: &mut impl Write, r: &ImportReport, _style: Style) -> io::Result<()> {
    if r.added.len() <= 20 {
        for a in &r.added {
            writeln!(
                out,
                "added {} — “{}” ({}; {} passages, {} quotes)",
                a.id, a.title, a.outlet, a.passages, a.quotes
            )?;
        }
    }
    for f in &r.refused {
        writeln!(out, "refused {}: {}", f.origin, f.reason)?;
    }
    writeln!(out, "{} added, {} refused", r.added.len(), r.refused.len())
}

pub fn list_text(out: &mut impl Write, list: &[ArticleMeta]) -> io::Result<()> {
    if list.is_empty() {
        return writeln!(out, "The corpus is empty. Add articles with `parley add FILE`.");
    }
    for m in list {
        let date = m.published.map(|p| p.date().to_string()).unwrap_or_else(|| "    ?     ".into());
        writeln!(out, "{date}  {}  {} — {}", m.id, m.title, m.outlet)?;
    }
    writeln!(out, "{} articles", list.len())
}

fn quote_json(q: &Quote, extra: serde_json::Map<String, Value>) -> Value {
    let mut v = json!({
        "speaker": q.speaker.name,
        "speaker_as_written": q.speaker.as_written,
        "role": q.speaker.role,
        "kind": q.kind,
        "cue": q.cue,
        "quote": q.text,
        "sentence": q.sentence,
        "confidence": (f64::from(q.confidence) * 100.0).round() / 100.0,
    });
    if let Value::Object(map) = &mut v {
        map.extend(extra);
    }
    v
}

fn source_fields(s: &Source) -> serde_json::Map<String, Value> {
    let v = json!({
        "article_id": s.article_id,
        "title": s.title,
        "outlet": s.outlet,
        "url": s.url,
        "published": date(&s.published),
    });
    match v {
        Value::Object(m) => m,
        _ => Default::default(),
    }
}

pub fn who_said_json(w: &WhoSaid) -> Value {
    match w {
        WhoSaid::Found { person, quotes, .. } => {
            let quotes: Vec<Value> =
                quotes.iter().map(|h: &QuoteHit| quote_json(&h.quote, source_fields(&h.source))).collect();
            json!({ "person": person, "quotes": quotes })
        }
        WhoSaid::Ambiguous { query, candidates } => {
            json!({ "person": null, "query": query, "quotes": [], "candidates": candidates })
        }
        WhoSaid::NotFound { query, near } => json!({ "person": null, "query": query, "quotes": [], "near": near }),
    }
}

pub fn who_said_text(out: &mut impl Write, w: &WhoSaid, style: Style) -> io::Result<()> {
    match w {
        WhoSaid::Found { person, quotes, .. } if quotes.is_empty() => {
            writeln!(out, "The corpus has no statements by {person} that fit.")
        }
        WhoSaid::Found { person, quotes, .. } => {
            writeln!(out, "{person}:")?;
            writeln!(out)?;
            for (i, h) in quotes.iter().enumerate() {
                let q = &h.quote;
                let kind = match q.kind {
                    crate::quotes::QuoteKind::Direct => "quoted",
                    crate::quotes::QuoteKind::Indirect => "reported",
                };
                let text = match q.kind {
                    crate::quotes::QuoteKind::Direct => format!("“{}”", q.text),
                    crate::quotes::QuoteKind::Indirect => q.text.clone(),
                };
                writeln!(out, "{}. {text}", i + 1)?;
                let as_written = if q.speaker.as_written != q.speaker.name {
                    format!(" (as “{}”)", q.speaker.as_written)
                } else {
                    String::new()
                };
                writeln!(out, "   {}", style.dim(&format!("{kind}, {}{as_written}", q.cue)))?;
                writeln!(out, "   — {}", source_line(&h.source))?;
                writeln!(out)?;
            }
            Ok(())
        }
        WhoSaid::Ambiguous { query, candidates } => {
            writeln!(out, "“{query}” could be several people; which one?")?;
            for c in candidates {
                writeln!(out, "  {} ({} statements)", c.name, c.quotes)?;
            }
            Ok(())
        }
        WhoSaid::NotFound { query, near } => {
            writeln!(out, "The corpus quotes nobody called “{query}”.")?;
            if near.is_empty() {
                writeln!(out, "`parley speakers` lists everyone it quotes.")
            } else {
                let names: Vec<String> = near.iter().map(|s| s.name.clone()).collect();
                writeln!(out, "Close names it does quote: {}.", names.join(", "))
            }
        }
    }
}

pub fn quotes_json(all: &[(String, ArticleDraft, Vec<Quote>)]) -> Value {
    let mut items = Vec::new();
    for (file, draft, quotes) in all {
        for q in quotes {
            let mut extra = serde_json::Map::new();
            extra.insert("file".into(), Value::String(file.clone()));
            extra.insert("title".into(), json!(draft.title));
            extra.insert("start".into(), json!(q.span.start));
            extra.insert("end".into(), json!(q.span.end));
            items.push(quote_json(q, extra));
        }
    }
    Value::Array(items)
}

pub fn quotes_text(out: &mut impl Write, all: &[(String, ArticleDraft, Vec<Quote>)], style: Style) -> io::Result<()> {
    for (file, _, quotes) in all {
        writeln!(out, "{file}: {} statements", quotes.len())?;
        for q in quotes {
            writeln!(out, "  {} [{}, {}, {:.2}]: {}", q.speaker.name, q.kind.as_str(), q.cue, q.confidence, q.text)?;
        }
        let _ = style;
    }
    Ok(())
}

pub fn extract_text(out: &mut impl Write, p: &crate::web::Extracted) -> io::Result<()> {
    writeln!(out, "title:     {}", p.title.as_deref().unwrap_or("(none)"))?;
    writeln!(out, "outlet:    {}", p.outlet.as_deref().unwrap_or("(unknown)"))?;
    writeln!(out, "published: {}", p.published.map(|d| d.to_string()).unwrap_or_else(|| "(unknown)".into()))?;
    writeln!(out, "authors:   {}", if p.authors.is_empty() { "(none)".into() } else { p.authors.join(", ") })?;
    writeln!(out, "language:  {}", p.language.as_deref().unwrap_or("(unknown)"))?;
    writeln!(out, "url:       {}", p.url.as_deref().unwrap_or("(none)"))?;
    writeln!(out)?;
    writeln!(out, "{}", p.text)
}

/// One answer and its current votes, for `parley feedback list`.
#[derive(Debug, Serialize)]
pub struct VotedAnswer {
    pub id: String,
    pub at: String,
    pub command: crate::feedback::Source,
    pub question: String,
    pub up: usize,
    pub down: usize,
}

/// `parley feedback list`: answers that got votes, and the open reports.
#[derive(Debug, Serialize)]
pub struct FeedbackSummary {
    pub answers: Vec<VotedAnswer>,
    pub open_reports: Vec<crate::feedback::OpenReport>,
}

pub fn feedback_summary(log: &crate::feedback::Log) -> FeedbackSummary {
    let votes = log.votes();
    let mut answers = Vec::new();
    for e in &log.events {
        let crate::feedback::Event::Answer(a) = e else { continue };
        let count = |v: crate::feedback::Vote| votes.iter().filter(|((id, _), x)| *id == a.id && **x == v).count();
        let (up, down) = (count(crate::feedback::Vote::Up), count(crate::feedback::Vote::Down));
        if up + down > 0 {
            answers.push(VotedAnswer {
                id: a.id.clone(),
                at: a.at.clone(),
                command: a.command,
                question: a.question.clone(),
                up,
                down,
            });
        }
    }
    FeedbackSummary { answers, open_reports: log.open_reports() }
}

pub fn feedback_text(out: &mut impl Write, s: &FeedbackSummary) -> io::Result<()> {
    if s.answers.is_empty() {
        writeln!(out, "No votes yet.")?;
    }
    // The file may have been edited by hand: every piece is one clean line.
    let line = |s: &str| crate::text::one_line(s).into_owned();
    for a in &s.answers {
        writeln!(out, "{:>3} 👍 {:>3} 👎  {}  {}", a.up, a.down, line(&a.id), line(&a.question))?;
    }
    writeln!(out, "{} open report(s)", s.open_reports.len())?;
    for r in &s.open_reports {
        writeln!(
            out,
            "  {}  statement {} of {}: “{}” ({}) — {}",
            line(&r.id),
            r.hit.rank,
            line(&r.answer),
            line(&r.hit.text),
            line(&r.hit.article),
            line(&r.note)
        )?;
    }
    Ok(())
}

fn when(t: Option<time::OffsetDateTime>) -> String {
    t.and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "never".into())
}

/// `feed list` for a person: one block per feed.
pub fn feeds_text(out: &mut impl Write, list: &[crate::feeds::FeedStatus]) -> io::Result<()> {
    if list.is_empty() {
        return writeln!(out, "No feeds yet: `parley feed add URL` subscribes to one.");
    }
    for f in list {
        let title = f.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default();
        writeln!(out, "{}{title}", f.id)?;
        writeln!(out, "  {}", f.url)?;
        if let Some(r) = &f.resolved_url {
            writeln!(out, "  read from {r}")?;
        }
        let outlet = f.outlet.as_deref().map(|o| format!(" · outlet {o}")).unwrap_or_default();
        let tags = if f.tags.is_empty() { String::new() } else { format!(" · tags {}", f.tags.join(", ")) };
        writeln!(out, "  every {}{outlet}{tags}", f.every)?;
        let due = match f.next_due {
            None => "due now".to_owned(),
            Some(_) => format!("next {}", when(f.next_due)),
        };
        writeln!(
            out,
            "  last poll {} · {due} · {} added, {} refused, {} items seen",
            when(f.last_poll),
            f.added,
            f.refused,
            f.seen
        )?;
        if let Some(e) = &f.last_error {
            writeln!(out, "  error ({} in a row): {e}", f.errors)?;
        }
        for n in &f.notes {
            writeln!(out, "  note: {n}")?;
        }
    }
    Ok(())
}

/// `feed poll` for a person: each feed, what was added and refused.
pub fn poll_text(out: &mut impl Write, report: &crate::feeds::PollReport, style: Style) -> io::Result<()> {
    use crate::feeds::PollOutcome;
    if report.feeds.is_empty() {
        return writeln!(out, "No feeds yet: `parley feed add URL` subscribes to one.");
    }
    for f in &report.feeds {
        match &f.outcome {
            PollOutcome::NotModified => writeln!(out, "{}: not modified", f.id)?,
            PollOutcome::Failed { error } => writeln!(out, "{}: failed: {error}", f.id)?,
            PollOutcome::Skipped { reason } => writeln!(out, "{}: skipped: {reason}", f.id)?,
            PollOutcome::Fetched => writeln!(
                out,
                "{}: {} items, {} new, {} added, {} refused",
                f.id,
                f.items,
                f.new,
                f.added.len(),
                f.refused.len()
            )?,
        }
        for a in &f.added {
            writeln!(out, "  + {} {}", a.id, style.dim(&format!("“{}” · {}", a.title, a.outlet)))?;
        }
        for r in &f.refused {
            writeln!(out, "  - {}: {}", r.origin, r.reason)?;
        }
        for n in &f.notes {
            writeln!(out, "  note: {n}")?;
        }
    }
    Ok(())
}

/// `parley timeline`: the entries grouped by week or month, oldest first.
pub fn timeline_text(out: &mut impl Write, t: &Timeline, style: Style) -> io::Result<()> {
    let by = t.person.as_deref().map(|p| format!(" by {p}")).unwrap_or_default();
    if t.entries.is_empty() {
        return writeln!(out, "Nothing in the corpus on “{}”{by}.", t.topic);
    }
    writeln!(out, "Timeline: “{}”{by} — {} entries, by {}", t.topic, t.entries.len(), t.grain.as_str())?;
    let mut current = None;
    for e in &t.entries {
        let start = t.grain.start_of(e.date);
        if current != Some(start) {
            current = Some(start);
            let n = t.entries.iter().filter(|x| t.grain.start_of(x.date) == start).count();
            writeln!(out)?;
            writeln!(
                out,
                "{} {start} ({n})",
                if t.grain == crate::answer::Grain::Week { "Week of" } else { "Month of" }
            )?;
        }
        let who = match (&e.speaker, &e.side) {
            (Some(p), Some(side)) => format!("{p} ({side})"),
            (Some(p), None) => p.clone(),
            (None, _) => "report".to_owned(),
        };
        let text = if e.speaker.is_some() { format!("“{}”", e.text) } else { e.text.clone() };
        writeln!(out, "  {}  {who}: {text}", e.date)?;
        writeln!(out, "     {}", style.dim(&format!("— {}", source_line(&e.source))))?;
    }
    if t.undated > 0 {
        writeln!(out, "\n{} undated statements or passages left out.", t.undated)?;
    }
    Ok(())
}

fn party_json(p: &Party) -> Value {
    let statements: Vec<Value> =
        p.statements.iter().map(|h: &QuoteHit| quote_json(&h.quote, source_fields(&h.source))).collect();
    json!({ "name": p.name, "kind": p.kind, "speakers": p.speakers, "statements": statements, "more": p.more })
}

/// `parley compare --json`.
pub fn compare_json(c: &Comparison) -> Value {
    json!({ "topic": c.topic, "a": party_json(&c.a), "b": party_json(&c.b) })
}

/// `parley compare`: each party's statements, newest first.
pub fn compare_text(out: &mut impl Write, c: &Comparison, style: Style) -> io::Result<()> {
    for p in [&c.a, &c.b] {
        match p.kind {
            PartyKind::Person => writeln!(out, "{} on “{}”:", p.name, c.topic)?,
            PartyKind::Side => writeln!(out, "{} (side: {}) on “{}”:", p.name, p.speakers.join(", "), c.topic)?,
        }
        if p.statements.is_empty() {
            writeln!(out, "  No statements on this topic in the corpus.")?;
        }
        for h in &p.statements {
            let q = &h.quote;
            let text = match q.kind {
                crate::quotes::QuoteKind::Direct => format!("“{}”", q.text),
                crate::quotes::QuoteKind::Indirect => q.text.clone(),
            };
            let day = h.source.published.map_or_else(|| "undated".to_owned(), |d| d.date().to_string());
            writeln!(out, "  {day}  {}: {text}", q.speaker.name)?;
            writeln!(out, "     {}", style.dim(&format!("— {}", source_line(&h.source))))?;
        }
        if p.more {
            writeln!(out, "  …and more (--limit)")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
