//! Engine answers as bot messages: passages with their sources, quotes,
//! article cards, the source list, corpus figures, addition previews.
//!
//! Pure functions from Parley's types to [`Message`]s. Every piece of
//! article or user text goes through [`escape`]; sizes are budgeted so the
//! 6,000-character total is shared fairly, and [`Message`] enforces the
//! limits anyway.

use std::ops::Range;

use crate::answer::{
    Answer, AskQuery, Comparison, CorpusStats, Hit, Party, PartyKind, Timeline, TimelineEntry, WhoSaid, WhoSaidQuery,
};
use crate::article::{Article, ArticleMeta, Published};
use crate::engine::{Added, Found, FoundSources, Watch, WatchMatch};
use crate::feedback::OpenReport;
use crate::quotes::QuoteKind;

use super::commands::ids;
use super::markdown::safe_url;
use super::markdown::{cut, cut_markdown, escape, escape_marked, len, ELLIPSIS};
use super::reply::{Button, ButtonStyle, Embed, Message, EMBEDS_TOTAL_MAX, FIELD_VALUE_MAX};

/// Articles per `/sources` page.
pub const SOURCES_PER_PAGE: usize = 10;

/// A date as shown: the day, or "undated".
pub fn day(p: Option<Published>) -> String {
    p.map_or_else(|| "undated".to_owned(), |p| p.date().to_string())
}

/// The footer of a source: outlet, date and id (plain text).
fn source_footer(outlet: &str, published: Option<Published>, id: &str) -> String {
    format!("{} · {} · {}", outlet, day(published), id)
}

/// A footer with the other outlets that ran the same story ("Outlet <url>"
/// entries; the names are shown).
fn with_also(footer: String, also: &[String]) -> String {
    let names: Vec<&str> =
        also.iter().map(|a| a.split(" <").next().unwrap_or(a).trim()).filter(|n| !n.is_empty()).take(5).collect();
    if names.is_empty() {
        footer
    } else {
        format!("{footer} · also reported by {}", names.join(", "))
    }
}

/// About `max` characters of a passage around its first match, escaped,
/// with the matches in bold and an ellipsis where it was cut.
pub fn excerpt(text: &str, highlights: &[Range<usize>], max: usize) -> String {
    let chars = text.chars().count();
    let (start, end) = if chars <= max {
        (0, text.len())
    } else {
        let first =
            highlights.iter().find(|r| r.end <= text.len() && text.is_char_boundary(r.start)).map_or(0, |r| r.start);
        // Start a little before the first match, at a word boundary.
        let lead = max / 4;
        let mut start = first;
        let mut n = 0;
        for (i, _) in text[..first].char_indices().rev() {
            n += 1;
            start = i;
            if n >= lead {
                break;
            }
        }
        if start > 0 {
            if let Some(ws) = text[start..first].find(char::is_whitespace) {
                start += ws + 1;
            }
        }
        let mut end = text[start..].char_indices().nth(max).map_or(text.len(), |(i, _)| start + i);
        // End at a word boundary too.
        if end < text.len() && !text[end..].starts_with(char::is_whitespace) {
            if let Some(ws) = text[start..end].rfind(char::is_whitespace) {
                if ws > (end - start) / 2 {
                    end = start + ws;
                }
            }
        }
        (start, end)
    };
    let ranges: Vec<Range<usize>> = highlights
        .iter()
        .filter(|r| r.start >= start && r.end <= end)
        .map(|r| (r.start - start)..(r.end - start))
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push(ELLIPSIS);
    }
    out.push_str(escape_marked(&text[start..end], &ranges).trim_end());
    if end < text.len() {
        out.push(ELLIPSIS);
    }
    cut_markdown(&out, max + max / 2)
}

/// The custom id of a passage's context button, when it fits.
pub fn context_id(hit: &Hit) -> String {
    format!("{}:{}:{}", ids::CONTEXT, hit.ord, hit.source.article_id)
}

/// `/ask`: one embed per passage; buttons for context and the next page.
/// `page_key` is the key of the stored query (None: no next-page button).
pub fn answer(answer: &Answer, query: &AskQuery, page_key: Option<&str>, private: bool) -> Message {
    if answer.hits.is_empty() {
        let text = if query.offset > 0 { "No more passages." } else { "Not covered in the corpus." };
        return Message::text(text).ephemeral(private);
    }
    let page = query.offset / query.limit.max(1) + 1;
    let mut head = format!("**{}**", escape(&cut(&query.question, 300)));
    let filters = filters(query.since, query.until, query.outlet.as_deref());
    if !filters.is_empty() {
        head.push_str(&format!(" ({})", escape(&filters)));
    }
    if page > 1 {
        head.push_str(&format!(" — page {page}"));
    }
    let mut msg = Message::text(&head).ephemeral(private);
    let n = answer.hits.len().min(10);
    let fixed: usize =
        answer.hits.iter().take(n).map(|h| len(&h.source.title).min(256) + 80 + h.source.outlet.len().min(100)).sum();
    let per = (EMBEDS_TOTAL_MAX.saturating_sub(fixed + 50) / n.max(1)).clamp(200, 1000);
    let mut context = Vec::new();
    for (i, hit) in answer.hits.iter().take(n).enumerate() {
        let s = &hit.source;
        let e = Embed::new()
            .title(&format!("{}. {}", query.offset + i + 1, escape(&s.title)))
            .url(s.url.as_deref())
            .description(&cut_markdown(&excerpt(&hit.passage, hit.emphasis(), per.saturating_sub(20)), per))
            .footer(&with_also(source_footer(&s.outlet, s.published, s.article_id.as_str()), &s.also_reported_by));
        msg = msg.embed(e);
        context.extend(Button::new(
            context_id(hit),
            &format!("Context {}", query.offset + i + 1),
            ButtonStyle::Secondary,
        ));
    }
    msg = msg.row(context.into_iter().take(5));
    if let (true, Some(key)) = (answer.more, page_key) {
        let next = format!("{}:{key}:{}", ids::ASK_PAGE, query.offset + query.limit);
        msg = msg.row(Button::new(next, "Next page ▸", ButtonStyle::Primary));
    }
    msg
}

fn filters(since: Option<time::Date>, until: Option<time::Date>, outlet: Option<&str>) -> String {
    let mut f = Vec::new();
    if let Some(s) = since {
        f.push(format!("since {s}"));
    }
    if let Some(u) = until {
        f.push(format!("until {u}"));
    }
    if let Some(o) = outlet {
        f.push(format!("in {}", cut(o, 60)));
    }
    f.join(", ")
}

fn kind_label(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "quoted",
        QuoteKind::Indirect => "reported",
    }
}

/// `/who-said`: the person's statements as fields (kind, date, outlet;
/// the words, who said them as written, and a link to the article).
pub fn who_said(ws: &WhoSaid, query: &WhoSaidQuery, page_key: Option<&str>) -> Message {
    match ws {
        WhoSaid::Ambiguous { query: q, candidates } => {
            let names: Vec<String> = candidates
                .iter()
                .take(10)
                .map(|c| format!("**{}** ({} statements)", escape(&c.name), c.quotes))
                .collect();
            Message::notice(&format!(
                "“{}” could be several people: {}. Ask again with the full name.",
                escape(&cut(q, 100)),
                names.join(", ")
            ))
        }
        WhoSaid::NotFound { query: q, near } => {
            let mut text = format!("Nobody called “{}” is quoted in the corpus.", escape(&cut(q, 100)));
            if !near.is_empty() {
                let names: Vec<String> = near.iter().take(5).map(|c| escape(&c.name)).collect();
                text.push_str(&format!(" Closest names: {}.", names.join(", ")));
            }
            Message::notice(&text)
        }
        WhoSaid::Found { person, quotes, more } => {
            let about =
                query.about.as_deref().map(|a| format!(" about “{}”", escape(&cut(a, 100)))).unwrap_or_default();
            let range = filters(query.since, query.until, None);
            let range = if range.is_empty() { String::new() } else { format!(" ({})", escape(&range)) };
            if quotes.is_empty() {
                let text = if query.offset > 0 {
                    "No more statements.".to_owned()
                } else {
                    format!("The corpus has no statements by **{}**{about}{range}.", escape(person))
                };
                return Message::text(&text);
            }
            let page = query.offset / query.limit.max(1) + 1;
            let mut head =
                format!("**{}**{about}{range}: statements the corpus attributes, with their sources", escape(person));
            if page > 1 {
                head.push_str(&format!(" — page {page}"));
            }
            let mut msg = Message::text(&head);
            let n = quotes.len().min(10);
            let fixed: usize = quotes
                .iter()
                .take(n)
                .map(|q| len(&q.source.title).min(256) + 90 + q.source.outlet.len().min(100))
                .sum();
            let per = (EMBEDS_TOTAL_MAX.saturating_sub(fixed + 50) / n.max(1)).clamp(200, 1000);
            for (i, qh) in quotes.iter().take(n).enumerate() {
                let (q, s) = (&qh.quote, &qh.source);
                let tail = format!("\n— {}, {}", escape(&cut(&q.speaker.as_written, 80)), escape(&cut(&q.cue, 40)));
                let room = per.saturating_sub(len(&tail) + 2).max(60);
                let words = match q.kind {
                    QuoteKind::Direct => format!("“{}”", escape(&cut(&q.text, room))),
                    QuoteKind::Indirect => escape(&cut(&q.text, room)),
                };
                let e = Embed::new()
                    .title(&format!("{}. {}", query.offset + i + 1, escape(&s.title)))
                    .url(s.url.as_deref())
                    .description(&format!("{words}{tail}"))
                    .footer(&format!(
                        "{} · {}",
                        kind_label(q.kind),
                        source_footer(&s.outlet, s.published, s.article_id.as_str())
                    ));
                msg = msg.embed(e);
            }
            if let (true, Some(key)) = (more, page_key) {
                let next = format!("{}:{key}:{}", ids::WHO_PAGE, query.offset + query.limit);
                msg = msg.row(Button::new(next, "Next page ▸", ButtonStyle::Primary));
            }
            msg
        }
    }
}

/// The words of a hit the feedback log keeps: its answering sentence, or
/// else its first sentence (at most 400 characters) — always an exact
/// piece of the article's body.
pub fn shown_words(hit: &Hit) -> String {
    if let Some(s) = hit.answer_sentence() {
        return s.to_owned();
    }
    let first = crate::text::sentences(&hit.passage).into_iter().next().and_then(|r| hit.passage.get(r));
    let text = first.unwrap_or(&hit.passage);
    match text.char_indices().nth(400) {
        Some((i, _)) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

/// 👍 / 👎 (and "Wrong attribution" for statements) on an answer
/// recorded in the feedback log as `answer`.
pub fn feedback_buttons(answer: &str, statements: bool) -> Vec<Button> {
    let mut row = Vec::new();
    row.extend(Button::new(format!("{}:{answer}:up", ids::FEEDBACK), "👍", ButtonStyle::Secondary));
    row.extend(Button::new(format!("{}:{answer}:down", ids::FEEDBACK), "👎", ButtonStyle::Secondary));
    if statements {
        row.extend(Button::new(
            format!("{}:{answer}:wrong", ids::FEEDBACK),
            "Wrong attribution",
            ButtonStyle::Secondary,
        ));
    }
    row
}

/// "Find sources": the linked articles of the corpus, then the passages
/// on the message's words; only the member who asked sees it.
pub fn found_sources(found: &FoundSources) -> Message {
    if found.is_empty() {
        return Message::notice("The corpus has nothing on it.");
    }
    let mut head = "**Sources in the corpus for this message**".to_owned();
    if found.condensed && !found.answer.hits.is_empty() {
        head.push_str(&format!("\nAsked with its key sentences: “{}”", escape(&cut(&found.asked, 400))));
    }
    let mut msg = Message::text(&head).ephemeral(true);
    for m in found.linked.iter().take(3) {
        msg = msg.embed(
            Embed::new()
                .title(&escape(&m.title))
                .url(m.url.as_deref())
                .description("Linked in the message: this article is in the corpus.")
                .footer(&with_also(source_footer(&m.outlet, m.published, m.id.as_str()), &m.also_reported_by)),
        );
    }
    let n = found.answer.hits.len().min(10 - found.linked.len().min(3));
    let per = (EMBEDS_TOTAL_MAX.saturating_sub(1500) / n.max(1)).clamp(200, 900);
    let mut context = Vec::new();
    for (i, hit) in found.answer.hits.iter().take(n).enumerate() {
        let s = &hit.source;
        msg = msg.embed(
            Embed::new()
                .title(&format!("{}. {}", i + 1, escape(&s.title)))
                .url(s.url.as_deref())
                .description(&cut_markdown(&excerpt(&hit.passage, hit.emphasis(), per.saturating_sub(20)), per))
                .footer(&with_also(source_footer(&s.outlet, s.published, s.article_id.as_str()), &s.also_reported_by)),
        );
        context.extend(Button::new(context_id(hit), &format!("Context {}", i + 1), ButtonStyle::Secondary));
    }
    msg.row(context.into_iter().take(5))
}

/// `/corpus reports`: the open reports, oldest first (at most ten shown).
pub fn reports(list: &[OpenReport]) -> Message {
    if list.is_empty() {
        return Message::notice("No open reports.");
    }
    let more = list.len().saturating_sub(10);
    let mut head = format!("**{} open report{}**", list.len(), if list.len() == 1 { "" } else { "s" });
    if more > 0 {
        head.push_str(&format!(" (the oldest 10 shown; resolve them to see the next {more})"));
    }
    head.push_str("\nResolve one with /corpus resolve: its report id, then hide, alias or dismiss.");
    let mut msg = Message::text(&head).ephemeral(true);
    for r in list.iter().take(10) {
        let who = r.hit.speaker.as_deref().map(|s| format!("\n— {}", escape(&cut(s, 80)))).unwrap_or_default();
        let mut e = Embed::new()
            .title(&format!("Report `{}` · statement {}", r.id, r.hit.rank))
            .description(&format!("“{}”{who}", escape(&cut(&r.hit.text, 400))))
            .field("Asked", &escape(&cut(&r.question, 200)), true)
            .field("Article", &format!("`{}`", r.hit.article), true);
        if !r.note.is_empty() {
            e = e.field("Note", &escape(&cut(&r.note, 300)), false);
        }
        msg = msg.embed(e.footer(&format!("reported by {} · {}", r.user, r.at)));
    }
    // Quick resolutions for the first five (an alias needs its name: /corpus resolve).
    for r in list.iter().take(5) {
        msg = msg.row([("hide", "Hide"), ("dismiss", "Dismiss")].into_iter().filter_map(|(what, label)| {
            Button::new(
                format!("{}:{}:{what}", ids::RESOLVE, r.id),
                &format!("{label} {}", r.id),
                ButtonStyle::Secondary,
            )
        }));
    }
    msg
}

/// Entries of a timeline shown in Discord at most (the latest); the
/// command line gives them all.
pub const TIMELINE_SHOWN: usize = 20;
/// Characters of a statement or passage in a timeline or comparison line.
const LINE_QUOTE: usize = 150;

/// A source as a short markdown link (the outlet), or the outlet and id.
fn source_link(s: &crate::article::Source) -> String {
    match s.url.as_deref().and_then(safe_url) {
        Some(u) => format!("[{}]({u})", escape(&cut(&s.outlet, 60))),
        None => format!("{} `{}`", escape(&cut(&s.outlet, 60)), s.article_id),
    }
}

fn timeline_line(e: &TimelineEntry) -> String {
    let who = match (&e.speaker, &e.side) {
        (Some(p), Some(side)) => format!("**{}** ({})", escape(&cut(p, 60)), escape(&cut(side, 40))),
        (Some(p), None) => format!("**{}**", escape(&cut(p, 60))),
        (None, _) => "_report_".to_owned(),
    };
    let words = escape(&cut(&e.text, LINE_QUOTE));
    let words = if e.speaker.is_some() { format!("“{words}”") } else { words };
    format!("`{}` {who}: {words} — {}", e.date, source_link(&e.source))
}

/// `/timeline`: a head line, then the latest entries grouped by week or
/// month (an embed each), oldest first. `charted`: a chart is attached.
/// Nothing found is one plain sentence.
pub fn timeline(t: &Timeline, charted: bool) -> Message {
    let by = t.person.as_deref().map(|p| format!(" by **{}**", escape(p))).unwrap_or_default();
    let range = filters(t.since, t.until, None);
    let range = if range.is_empty() { String::new() } else { format!(" ({})", escape(&range)) };
    let topic = escape(&cut(&t.topic, 100));
    if t.entries.is_empty() {
        return Message::text(&format!("Nothing in the corpus on “{topic}”{by}{range}."));
    }
    let statements = t.entries.iter().filter(|e| e.speaker.is_some()).count();
    let reports = t.entries.len() - statements;
    let mut counts = vec![format!("{statements} statement{}", if statements == 1 { "" } else { "s" })];
    if reports > 0 {
        counts.push(format!("{reports} report{}", if reports == 1 { "" } else { "s" }));
    }
    let mut head = format!("**Timeline: “{topic}”**{by}{range} — {}, by {}", counts.join(", "), t.grain.as_str());
    if charted {
        head.push_str("; chart attached");
    }
    head.push('.');
    let skipped = t.entries.len().saturating_sub(TIMELINE_SHOWN);
    if skipped > 0 {
        head.push_str(&format!(
            " The {skipped} earliest are not shown: narrow it with since/until, or run `parley timeline` for all."
        ));
    }
    if t.undated > 0 {
        head.push_str(&format!(" {} undated left out.", t.undated));
    }
    let shown = &t.entries[skipped..];
    // Group by week or month, oldest first; the latest groups win the room.
    let mut groups: Vec<(time::Date, Vec<String>)> = Vec::new();
    for e in shown {
        let start = t.grain.start_of(e.date);
        match groups.last_mut() {
            Some((s, lines)) if *s == start => lines.push(timeline_line(e)),
            _ => groups.push((start, vec![timeline_line(e)])),
        }
    }
    let keep = groups.len().saturating_sub(super::reply::EMBEDS_MAX);
    let per = EMBEDS_TOTAL_MAX / (groups.len() - keep).max(1) - 40;
    let mut msg = Message::text(&head);
    for (start, lines) in &groups[keep..] {
        let title = match t.grain {
            crate::answer::Grain::Week => format!("Week of {start}"),
            crate::answer::Grain::Month => format!("{} {}", start.month(), start.year()),
        };
        let mut body = String::new();
        for l in lines {
            if len(&body) + len(l) + 1 > per.min(4000) {
                body.push(ELLIPSIS);
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        msg = msg.embed(Embed::new().title(&title).description(&body));
    }
    msg
}

fn party_title(p: &Party) -> String {
    match p.kind {
        PartyKind::Person => escape(&p.name),
        PartyKind::Side => format!(
            "{} (side: {} speaker{})",
            escape(&p.name),
            p.speakers.len(),
            if p.speakers.len() == 1 { "" } else { "s" }
        ),
    }
}

fn party_column(p: &Party) -> String {
    if p.kind == PartyKind::Side && p.speakers.is_empty() {
        return "No member of this side is quoted in the corpus.".to_owned();
    }
    if p.statements.is_empty() {
        return "No statements on this topic in the corpus.".to_owned();
    }
    let mut out = String::new();
    for (i, h) in p.statements.iter().enumerate() {
        let who = if p.kind == PartyKind::Side {
            format!("{}: ", escape(&cut(&h.quote.speaker.name, 40)))
        } else {
            String::new()
        };
        let words = escape(&cut(&h.quote.text, LINE_QUOTE));
        let words = match h.quote.kind {
            QuoteKind::Direct => format!("“{words}”"),
            QuoteKind::Indirect => words,
        };
        let line = format!("**{}** {who}{words} — {}\n", day(h.source.published), source_link(&h.source));
        let rest = p.statements.len() - i;
        let tail = format!("…and {rest} more");
        if len(&out) + len(&line) + len(&tail) + 2 > FIELD_VALUE_MAX {
            out.push_str(&tail);
            return out;
        }
        out.push_str(&line);
    }
    if p.more {
        out.push_str("…and more");
    }
    out
}

/// `/compare`: the two parties side by side, two inline fields of one
/// embed, newest first.
pub fn compare(c: &Comparison, since: Option<time::Date>, until: Option<time::Date>) -> Message {
    let range = filters(since, until, None);
    let range = if range.is_empty() { String::new() } else { format!(" ({})", escape(&range)) };
    let topic = escape(&cut(&c.topic, 100));
    let head = format!(
        "**{}** and **{}** on “{topic}”{range}: statements the corpus attributes, newest first.",
        escape(&c.a.name),
        escape(&c.b.name)
    );
    if c.a.statements.is_empty() && c.b.statements.is_empty() {
        return Message::text(&format!(
            "Neither **{}** nor **{}** is quoted on “{topic}” in the corpus{range}.",
            escape(&c.a.name),
            escape(&c.b.name)
        ));
    }
    let e = Embed::new()
        .field(&party_title(&c.a), &party_column(&c.a), true)
        .field(&party_title(&c.b), &party_column(&c.b), true)
        .footer("Only statements the quote finder attributes with confidence; a side counts its members' statements.");
    Message::text(&head).embed(e)
}

/// `/article`: metadata, first paragraph, link.
pub fn article(a: &Article) -> Message {
    let m = &a.meta;
    let first = a.body.lines().map(str::trim).find(|p| !p.is_empty()).unwrap_or("");
    let mut e = Embed::new()
        .title(&escape(&m.title))
        .url(m.url.as_deref())
        .description(&escape(&cut(first, 1500)))
        .field("Outlet", &escape(&m.outlet), true)
        .field("Published", &day(m.published), true)
        .field("Id", &format!("`{}`", m.id), true);
    if !m.also_reported_by.is_empty() {
        e = e.field("Also reported by", &escape(&m.also_reported_by.join(", ")), false);
    }
    Message::text("").embed(e.footer(&format!("Added by {} · {}", m.added_by, day(m.added_at))))
}

/// `/sources`: one page of the list, newest first, with page buttons.
pub fn sources(all: &[ArticleMeta], outlet: Option<&str>, page: usize) -> Message {
    let mut list: Vec<&ArticleMeta> =
        all.iter().filter(|m| outlet.is_none_or(|o| m.outlet.eq_ignore_ascii_case(o.trim()))).collect();
    if list.is_empty() {
        return match outlet {
            Some(o) => Message::notice(&format!(
                "No articles from “{}” in the corpus. See /about for the outlets.",
                escape(&cut(o, 100))
            )),
            None => Message::text("The corpus is empty."),
        };
    }
    list.sort_by(|a, b| {
        b.published.map(|p| p.timestamp()).cmp(&a.published.map(|p| p.timestamp())).then(a.id.cmp(&b.id))
    });
    let pages = list.len().div_ceil(SOURCES_PER_PAGE);
    let page = page.min(pages - 1);
    let from = outlet.map(|o| format!(" from {}", escape(&cut(o, 60)))).unwrap_or_default();
    let mut msg = Message::text(&format!("**{} articles**{from} — page {} of {pages}", list.len(), page + 1));
    for m in list.iter().skip(page * SOURCES_PER_PAGE).take(SOURCES_PER_PAGE) {
        msg = msg.embed(Embed::new().title(&escape(&cut(&m.title, 200))).url(m.url.as_deref()).footer(&source_footer(
            &m.outlet,
            m.published,
            m.id.as_str(),
        )));
    }
    let suffix = outlet.map(|o| format!(":{}", o.trim())).unwrap_or_default();
    let mut buttons = Vec::new();
    if page > 0 {
        buttons.extend(Button::new(
            format!("{}:{}{suffix}", ids::SOURCES_PAGE, page - 1),
            "◂ Previous",
            ButtonStyle::Secondary,
        ));
    }
    if page + 1 < pages {
        buttons.extend(Button::new(
            format!("{}:{}{suffix}", ids::SOURCES_PAGE, page + 1),
            "Next ▸",
            ButtonStyle::Primary,
        ));
    }
    msg = msg.row(buttons);
    msg
}

/// `/about`: what Parley is and what the corpus holds.
pub fn about(stats: &CorpusStats) -> Message {
    let outlets: Vec<String> = stats.outlets.iter().take(12).map(|(o, n)| format!("{} ({n})", escape(o))).collect();
    let more = stats.outlets.len().saturating_sub(12);
    let mut outlets = outlets.join(", ");
    if more > 0 {
        outlets.push_str(&format!(" and {more} more"));
    }
    let range = match (stats.earliest, stats.latest) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "—".to_owned(),
    };
    let recent: Vec<String> = stats.recent.iter().map(|(id, t)| format!("{} `{id}`", escape(&cut(t, 120)))).collect();
    let e = Embed::new()
        .title("Parley")
        .description(
            "Answers questions about the Russia–Ukraine peace talks from a curated corpus of news articles. \
             Every passage and quote comes with its source: title, outlet, date and link.\n\
             Try `/ask`, `/who-said`, `/sources`.",
        )
        .field("Articles", &stats.articles.to_string(), true)
        .field(
            "Passages",
            &if stats.passages_without_vectors == 0 {
                stats.passages.to_string()
            } else {
                format!("{} ({} not yet searchable by meaning)", stats.passages, stats.passages_without_vectors)
            },
            true,
        )
        .field("Dates", &range, true)
        .field("Version", env!("CARGO_PKG_VERSION"), true)
        .field("Outlets", &outlets, false)
        .field("Recently added", &recent.join("\n"), false);
    Message::text("").embed(e)
}

/// A passage with the passages around it; the asked one in bold.
pub fn context(meta: &ArticleMeta, window: &[(u32, String)], ord: u32) -> Message {
    let per = (3800 / window.len().max(1)).min(1500);
    let parts: Vec<String> = window
        .iter()
        .map(|(o, p)| {
            let t = escape(&cut(p, per));
            if *o == ord {
                format!("▶ **{t}**")
            } else {
                t
            }
        })
        .collect();
    let e = Embed::new()
        .title(&escape(&meta.title))
        .url(meta.url.as_deref())
        .description(&parts.join("\n\n"))
        .footer(&source_footer(&meta.outlet, meta.published, meta.id.as_str()));
    Message::text("").embed(e).ephemeral(true)
}

/// The preview every addition answers with.
pub fn added(a: &Added) -> Message {
    let e = Embed::new()
        .title(&escape(&a.title))
        .url(a.url.as_deref())
        .description(&escape(&cut(&a.preview, 600)))
        .field("Outlet", &escape(&a.outlet), true)
        .field("Published", &day(a.published), true)
        .field("Id", &format!("`{}`", a.id), true)
        .field("Passages", &a.passages.to_string(), true)
        .field("Quotes found", &a.quotes.to_string(), true);
    Message::text(&format!("Added `{}`: searchable now.", a.id)).embed(e).ephemeral(true)
}

/// Most alerts in one watch message (Discord allows 10 embeds).
const ALERTS_PER_MESSAGE: usize = 10;
/// Most messages one channel gets for one batch of arrivals (a big import
/// or catch-up must not flood it); the last says how many were left out.
pub const WATCH_MESSAGES_MAX: usize = 5;

/// One alert: what the watch found (the statement, or the passage), the
/// article's title linked, outlet and date, and which watch it was.
fn alert(m: &WatchMatch) -> Embed {
    let a = &m.article;
    let description = match &m.found {
        Found::Statement { hit, .. } => {
            let q = &hit.quote;
            let tail = format!("\n— {}, {}", escape(&cut(&q.speaker.as_written, 80)), escape(&cut(&q.cue, 40)));
            let words = match q.kind {
                QuoteKind::Direct => format!("“{}”", escape(&cut(&q.text, 300))),
                QuoteKind::Indirect => escape(&cut(&q.text, 300)),
            };
            format!("{words}{tail}")
        }
        Found::Passage { hit } => excerpt(&hit.passage, hit.emphasis(), 320),
    };
    let why = match &m.found {
        Found::Statement { person, .. } => format!("person:{person}"),
        Found::Passage { .. } => m.watch.target.label(),
    };
    Embed::new().title(&escape(&cut(&a.title, 200))).url(a.url.as_deref()).description(&description).footer(&format!(
        "{} · watch w{} · {}",
        source_footer(&a.outlet, a.published, a.id.as_str()),
        m.watch.id,
        cut(&why, 120)
    ))
}

/// A channel's watch alerts: one message while they fit (at most ten
/// alerts, 6,000 characters), more only when they do not, at most
/// [`WATCH_MESSAGES_MAX`]; every alert in exactly one message, or counted
/// in the last one's "more" line.
pub fn watch_posts(matches: &[WatchMatch]) -> Vec<Message> {
    let alerts: Vec<Embed> = matches.iter().map(alert).collect();
    let mut groups: Vec<Vec<Embed>> = Vec::new();
    let mut size = 0;
    for e in alerts {
        let fits = groups.last().is_some_and(|g| g.len() < ALERTS_PER_MESSAGE && size + e.size() <= EMBEDS_TOTAL_MAX);
        if !fits {
            groups.push(Vec::new());
            size = 0;
        }
        size += e.size();
        if let Some(g) = groups.last_mut() {
            g.push(e);
        }
    }
    let left_out: usize = groups.iter().skip(WATCH_MESSAGES_MAX).map(Vec::len).sum();
    groups.truncate(WATCH_MESSAGES_MAX);
    let n = groups.len();
    let articles: std::collections::HashSet<&str> = matches.iter().map(|m| m.article.id.as_str()).collect();
    groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let mut head = if articles.len() == 1 {
                "**New in the corpus** for this channel's watches".to_owned()
            } else {
                format!("**New in the corpus** for this channel's watches ({} articles)", articles.len())
            };
            if n > 1 {
                head.push_str(&format!(" — {}/{n}", i + 1));
            }
            if i + 1 == n && left_out > 0 {
                head.push_str(&format!(
                    "\n…and {left_out} more alerts not posted here (too many at once): see /sources."
                ));
            }
            g.into_iter().fold(Message::text(&head), Message::embed)
        })
        .collect()
}

/// `/watch list`: the channel's watches, with who made them.
pub fn watch_list(watches: &[Watch]) -> Message {
    if watches.is_empty() {
        return Message::notice(
            "No watches in this channel. Add one with `/watch add person:…` or `/watch add query:…`.",
        );
    }
    let lines: Vec<String> = watches
        .iter()
        .map(|w| {
            let state = match &w.disabled {
                None => String::new(),
                Some(why) => format!(" — **disabled**: {}", escape(&cut(why, 120))),
            };
            format!(
                "**w{}** · {} · by {}{state}",
                w.id,
                escape(&cut(&w.target.label(), 200)),
                escape(&cut(&w.owner, 60))
            )
        })
        .collect();
    Message::notice(&format!("Watches in this channel:\n{}", lines.join("\n")))
}

/// A stamp as shown: `2031-03-01 12:00 UTC`, or `never`.
fn stamp(t: Option<time::OffsetDateTime>) -> String {
    t.map_or_else(|| "never".to_owned(), |t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
}

/// A new subscription.
pub fn feed_added(f: &crate::feeds::Feed) -> Message {
    let mut e = Embed::new()
        .title(&format!("Feed `{}`", f.id))
        .description(&format!("<{}>", escape(&cut(&f.url, 500))))
        .field("Every", &escape(&f.every), true);
    if let Some(o) = &f.outlet {
        e = e.field("Outlet", &escape(o), true);
    }
    if !f.tags.is_empty() {
        e = e.field("Tags", &escape(&f.tags.join(", ")), true);
    }
    Message::text(&format!("Subscribed `{}`: Parley polls it within a minute, then every {}.", f.id, escape(&f.every)))
        .embed(e)
        .ephemeral(true)
}

/// `/corpus feed list`: one field per feed (the first 25).
pub fn feed_list(list: &[crate::feeds::FeedStatus]) -> Message {
    if list.is_empty() {
        return Message::notice("No feeds yet: `/corpus feed add` subscribes to one.");
    }
    let mut e = Embed::new().title(&format!("{} feed{}", list.len(), if list.len() == 1 { "" } else { "s" }));
    // 25 fields of at most ~220 characters stay under the 6,000 total.
    for f in list.iter().take(25) {
        let mut v = format!("<{}>", escape(&cut(f.resolved_url.as_deref().unwrap_or(&f.url), 120)));
        v.push_str(&format!(
            "\nevery {} · last poll {} · {} added, {} refused",
            escape(&f.every),
            stamp(f.last_poll),
            f.added,
            f.refused
        ));
        if let Some(err) = &f.last_error {
            v.push_str(&format!("\n⚠ {} ({} in a row)", escape(&cut(err, 80)), f.errors));
        }
        let name = match &f.title {
            Some(t) => format!("{} — {}", f.id, cut(t, 60)),
            None => f.id.clone(),
        };
        e = e.field(&escape(&name), &v, false);
    }
    if list.len() > 25 {
        e = e.footer(&format!("and {} more: `parley feed list` shows them all", list.len() - 25));
    }
    Message::text("").embed(e).ephemeral(true)
}

/// What a poll did, per feed (the first 20).
pub fn poll_report(r: &crate::feeds::PollReport) -> Message {
    use crate::feeds::PollOutcome;
    if r.feeds.is_empty() {
        return Message::notice("No feeds yet: `/corpus feed add` subscribes to one.");
    }
    let mut lines = Vec::new();
    for f in r.feeds.iter().take(20) {
        let line = match &f.outcome {
            PollOutcome::NotModified => format!("`{}`: not modified", f.id),
            PollOutcome::Failed { error } => format!("`{}`: failed: {}", f.id, escape(&cut(error, 150))),
            PollOutcome::Skipped { reason } => format!("`{}`: skipped: {}", f.id, escape(reason)),
            PollOutcome::Fetched => {
                let mut l = format!("`{}`: {} new, {} added, {} refused", f.id, f.new, f.added.len(), f.refused.len());
                for a in f.added.iter().take(3) {
                    l.push_str(&format!("\n  + `{}` {}", a.id, escape(&cut(&a.title, 80))));
                }
                l
            }
        };
        lines.push(line);
    }
    let desc = cut_markdown(&lines.join("\n"), 3500);
    let (n, added) = (r.feeds.len(), r.added());
    Message::text(&format!(
        "Polled {n} feed{}: {added} article{} added.",
        if n == 1 { "" } else { "s" },
        if added == 1 { "" } else { "s" }
    ))
    .embed(Embed::new().description(&desc))
    .ephemeral(true)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::article::Source;

    fn source() -> Source {
        serde_json::from_value(serde_json::json!({
            "article_id": "2025-08-19-talks-in-vorn",
            "title": "Talks in Vorn @everyone <@123> **bold**",
            "outlet": "Quill Daily",
            "url": "https://quill.example/vorn",
            "published": "2025-08-19",
        }))
        .unwrap()
    }

    #[test]
    fn huge_hostile_passages_render_within_limits() {
        let para = format!("@everyone <@123> {} Vorn {}", "word ".repeat(2000), "**x** ".repeat(1000));
        let vorn = para.find("Vorn").unwrap();
        let hits: Vec<Hit> = (0..10)
            .map(|i| Hit {
                source: source(),
                ord: i,
                passage: para.clone(),
                highlights: vec![vorn..vorn + 4],
                answer: None,
                score: 1.0,
            })
            .collect();
        let mut q = AskQuery::new(format!("@everyone {}", "why ".repeat(600)));
        q.limit = 10;
        let a = Answer { query: q.question.clone(), hits, more: true };
        let m = answer(&a, &q, Some("k"), false);
        crate::bot::tests::assert_within_limits(&m);
        assert_eq!(m.embeds().len(), 10);
        assert!(m.embeds()[0].get_description().unwrap().contains("**Vorn**"));
        assert!(m.buttons().any(|b| b.custom_id() == "ask:k:10"));
    }

    fn watch_match(n: usize, title: &str, passage: &str) -> WatchMatch {
        let id = format!("2031-01-{:02}-article-{n}", n % 28 + 1);
        let mut s = source();
        s.article_id = crate::article::ArticleId::parse(&id).unwrap();
        s.title = title.to_owned();
        let article: ArticleMeta = serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "outlet": "Quill Daily", "url": "https://quill.example/x", "published": "2031-01-02",
        }))
        .unwrap();
        let watch: Watch = serde_json::from_value(serde_json::json!({
            "id": 3, "channel": "1", "target": {"kind": "query", "text": "vorn talks"},
            "owner_id": "1", "owner": "ana", "created_at": "",
        }))
        .unwrap();
        let hit = Hit { source: s, ord: 0, passage: passage.to_owned(), highlights: vec![], answer: None, score: 1.0 };
        WatchMatch { watch, article, found: Found::Passage { hit: Box::new(hit) } }
    }

    #[test]
    fn watch_alerts_share_messages_within_limits() {
        // A few alerts: one message, one embed each.
        let few: Vec<WatchMatch> = (0..3).map(|n| watch_match(n, "Talks in Vorn", "The envoys met in Vorn.")).collect();
        let posts = watch_posts(&few);
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].embeds().len(), 3);
        assert!(posts[0].content().contains("3 articles"));
        // A burst of hostile, huge ones: split, every alert exactly once, limits kept.
        let title = format!("@everyone <@1> **{}**", "long title ".repeat(60));
        let passage = format!("@everyone {}", "word ".repeat(3000));
        let many: Vec<WatchMatch> = (0..23).map(|n| watch_match(n, &title, &passage)).collect();
        let posts = watch_posts(&many);
        assert!(posts.len() >= 3, "{}", posts.len());
        assert_eq!(posts.iter().map(|m| m.embeds().len()).sum::<usize>(), 23);
        for (i, m) in posts.iter().enumerate() {
            crate::bot::tests::assert_within_limits(m);
            assert!(m.content().contains(&format!("{}/{}", i + 1, posts.len())), "{}", m.content());
            for e in m.embeds() {
                assert!(!e.get_title().unwrap_or("").contains("@everyone"));
                assert!(e.get_footer().unwrap_or("").contains("watch w3"));
            }
        }
        assert!(watch_posts(&[]).is_empty());
        // A flood is capped, and says so.
        let flood: Vec<WatchMatch> = (0..80).map(|n| watch_match(n, "Talks in Vorn", "The envoys met.")).collect();
        let posts = watch_posts(&flood);
        assert_eq!(posts.len(), WATCH_MESSAGES_MAX);
        let shown: usize = posts.iter().map(|m| m.embeds().len()).sum();
        assert!(posts[WATCH_MESSAGES_MAX - 1].content().contains(&format!("and {} more alerts", 80 - shown)));
    }

    #[test]
    fn nothing_found_is_plain() {
        let q = AskQuery::new("unicorns");
        let m = answer(&Answer { query: "unicorns".into(), hits: vec![], more: false }, &q, None, false);
        assert_eq!(m.content(), "Not covered in the corpus.");
        assert!(m.embeds().is_empty() && m.rows().is_empty());
    }

    #[test]
    fn excerpts_centre_on_the_first_match() {
        let text = format!("{}needle{}", "hay ".repeat(500), " hay".repeat(500));
        let at = text.find("needle").unwrap();
        let e = excerpt(&text, &[at..at + 6], 200);
        assert!(e.contains("**needle**") && e.starts_with(ELLIPSIS) && e.ends_with(ELLIPSIS), "{e}");
        assert!(e.chars().count() < 260);
        assert_eq!(excerpt("short *x*", &[], 100), "short \\*x\\*");
    }

    #[test]
    fn long_hostile_timelines_render_within_limits() {
        let mut t = crate::chart::tests::sample(40);
        let words = format!("@everyone <@123> [click](https://evil.example) {}", "ferry ".repeat(400));
        for e in &mut t.entries {
            e.text = words.clone();
            e.source = source();
        }
        t.topic = format!("@everyone {}", "ferry ".repeat(100));
        let m = timeline(&t, true);
        crate::bot::tests::assert_within_limits(&m);
        assert!(m.content().contains("earliest are not shown"), "{}", m.content());
        assert!(m.content().contains("chart attached"));
        assert!(!m.embeds().is_empty());
        assert!(m.embeds().iter().all(|e| e.get_title().is_some_and(|t| t.starts_with("Week of"))));
        // The latest entries are the ones shown.
        let last = t.entries.last().unwrap().date.to_string();
        assert!(m.embeds().last().unwrap().get_description().unwrap().contains(&last));
    }

    #[test]
    fn an_empty_timeline_is_one_plain_sentence() {
        let mut t = crate::chart::tests::sample(1);
        t.entries.clear();
        t.topic = "lighthouse *keepers*".into();
        let m = timeline(&t, false);
        assert_eq!(m.content(), "Nothing in the corpus on “lighthouse \\*keepers\\*”.");
        assert!(m.embeds().is_empty() && m.file().is_none());
    }

    #[test]
    fn comparisons_keep_two_columns_within_limits() {
        use crate::answer::{Party, PartyKind, QuoteHit};
        use crate::quotes::{Quote, QuoteKind, Speaker, SpeakerKind};
        let hit = |who: &str| QuoteHit {
            quote: Quote {
                speaker: Speaker {
                    name: format!("{who} @everyone"),
                    as_written: who.into(),
                    role: None,
                    kind: SpeakerKind::Person,
                },
                kind: QuoteKind::Direct,
                cue: "said".into(),
                text: format!("<@123> {}", "the ferry will sail ".repeat(40)),
                sentence: String::new(),
                span: 0..1,
                confidence: 0.9,
            },
            source: source(),
            score: 1.0,
        };
        let party = |name: &str, n: usize| Party {
            name: name.into(),
            kind: PartyKind::Side,
            speakers: vec!["Ada Quill".into()],
            statements: (0..n).map(|_| hit("Ada Quill")).collect(),
            more: true,
        };
        let c = Comparison { topic: "ferry".into(), a: party("Northmark", 25), b: party("Southreach", 0) };
        let m = compare(&c, None, None);
        crate::bot::tests::assert_within_limits(&m);
        let fields = m.embeds()[0].get_fields();
        assert_eq!(fields.len(), 2);
        assert!(fields.iter().all(|f| f.inline));
        assert!(fields[0].value.contains("more"), "{}", fields[0].value);
        assert!(fields[0].value.contains("(https://quill.example/vorn)"));
        assert_eq!(fields[1].value, "No statements on this topic in the corpus.");
        let none = Comparison { topic: "ferry".into(), a: party("Northmark", 0), b: party("Southreach", 0) };
        assert!(compare(&none, None, None).content().starts_with("Neither **Northmark** nor **Southreach**"));
    }
}
