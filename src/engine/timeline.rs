//! `timeline`: the dated statements and passages on a topic (optionally
//! by one person, resolved like `who-said`), grouped by week or month and
//! counted per side or per speaker for the chart.
//!
//! Statements come from the index's attributed quotes (above
//! `quotes::MIN_CONFIDENCE`, as every answer) that match the topic and
//! cover at least [`MIN_COVERAGE`] of its weight; passages come from `ask`,
//! with its relevance floor, and never carry a speaker. Nothing is
//! attributed here that the quote finder did not attribute. It draws
//! nothing (that is `chart`) and formats nothing.

use std::collections::HashMap;

use time::{Date, Duration, Month};

use super::who_said::resolve_speaker;
use super::*;
use crate::answer::{Bucket, Grain, QuoteHit, Timeline, TimelineEntry, TimelineQuery};
use crate::names::Side;

/// Statements read from the index per timeline or comparison column.
pub(super) const STATEMENT_CANDIDATES: usize = 300;
/// Weeks or months at most in a chart: the latest are kept.
pub const MAX_BUCKETS: usize = 60;
/// Named series at most in a chart (then "others").
pub const MAX_SERIES: usize = 4;
/// How many of the busiest weeks or months are labelled.
pub const BUSIEST: usize = 3;
use crate::answer::{OTHERS_SERIES as OTHERS, REPORTS_SERIES as REPORTS};

impl Engine {
    /// The dated statements and passages on a topic, oldest first.
    pub fn timeline(&self, q: &TimelineQuery) -> Result<Timeline, Error> {
        let aliases = self.aliases();
        let analyzed = self.index.analyze(&q.topic, &aliases);
        if analyzed.is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let speakers = self.index.speakers()?;
        // A person, or a side (its members' statements).
        let (person, wanted): (Option<String>, Vec<String>) =
            match q.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                None => (None, Vec::new()),
                Some(p) => match aliases.side(p) {
                    Some(side) => {
                        let members = members_of(side, &speakers, &aliases);
                        if members.is_empty() {
                            return Err(Error::UnknownSpeaker { query: side.name.clone(), near: Vec::new() });
                        }
                        (Some(side.name.clone()), members.iter().map(|m| name_key(m)).collect())
                    }
                    None => {
                        let name = resolve_or_error(p, &speakers, &aliases)?;
                        let key = name_key(&name);
                        (Some(name), vec![key])
                    }
                },
            };
        let statements = self.statements_on(&analyzed, wanted, q.since, q.until)?;
        let sides = side_speakers(&aliases, &speakers);
        let mut undated = 0;
        let mut entries: Vec<TimelineEntry> = Vec::new();
        for hit in statements {
            let Some(date) = hit.source.published.map(|p| p.date()) else {
                undated += 1;
                continue;
            };
            let side = side_of(&sides, &hit.quote.speaker.name);
            entries.push(TimelineEntry {
                date,
                speaker: Some(hit.quote.speaker.name.clone()),
                side,
                text: hit.quote.text.clone(),
                source: hit.source,
                ord: None,
            });
        }
        if person.is_none() {
            // Reporting on the topic, from `ask` with its floors; an article
            // that already gives a statement is not repeated.
            let mut ask = AskQuery::new(q.topic.clone());
            ask.limit = AskQuery::MAX_LIMIT;
            (ask.since, ask.until) = (q.since, q.until);
            let with_statements: HashSet<ArticleId> = entries.iter().map(|e| e.source.article_id.clone()).collect();
            for hit in self.ask(&ask)?.hits {
                if with_statements.contains(&hit.source.article_id) {
                    continue;
                }
                let Some(date) = hit.source.published.map(|p| p.date()) else {
                    undated += 1;
                    continue;
                };
                let text = hit.answer_sentence().unwrap_or(&hit.passage).to_owned();
                entries.push(TimelineEntry {
                    date,
                    speaker: None,
                    side: None,
                    text,
                    ord: Some(hit.ord),
                    source: hit.source,
                });
            }
        }
        entries.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then(a.source.published.map(|p| p.timestamp()).cmp(&b.source.published.map(|p| p.timestamp())))
                .then(a.source.article_id.cmp(&b.source.article_id))
        });
        let grain = grain_for(&entries, q.since, q.until);
        let series = series_of(&entries);
        let buckets = buckets_of(&entries, grain, &series);
        let busiest = busiest(&buckets);
        Ok(Timeline {
            topic: q.topic.trim().to_owned(),
            person,
            since: q.since,
            until: q.until,
            grain,
            entries,
            series,
            buckets,
            busiest,
            undated,
        })
    }

    /// Statements on a topic by the given speakers (name keys; empty: by
    /// anyone named): they match a word of it and cover at least
    /// [`MIN_COVERAGE`] of its weight in their sentence; the same words of
    /// the same speaker in several articles count once (the best ranked).
    pub(super) fn statements_on(
        &self,
        analyzed: &index::Analyzed,
        speakers: Vec<String>,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<Vec<QuoteHit>, Error> {
        let qq = QuoteQuery {
            speakers,
            topic: Some(analyzed.clone()),
            topic_required: true,
            since,
            until,
            kind: None,
            article: None,
            limit: STATEMENT_CANDIDATES,
            offset: 0,
        };
        let (hits, _) = self.index.search_quotes(&qq)?;
        // One statement carried by several outlets (a wire story) counts once.
        let mut seen: HashSet<(String, String)> = HashSet::new();
        Ok(hits
            .into_iter()
            .filter(|h| h.quote.confidence >= quotes::MIN_CONFIDENCE && is_named(&h.quote.speaker))
            .filter(|h| self.index.coverage(&h.quote.sentence, analyzed) >= MIN_COVERAGE)
            .filter(|h| seen.insert((name_key(&h.quote.speaker.name), text_key(&h.quote.text))))
            .collect())
    }
}

/// Whether a speaker is someone by name: not anonymous, and written like a
/// name (a capital letter, not "a …"/"an …"). The quote finder keeps
/// anonymous sources out of the index, but a timeline over every speaker
/// must not show one that slipped through ("said an official who asked not
/// to be named") as if it were a person.
pub(super) fn is_named(s: &quotes::Speaker) -> bool {
    let lower = s.name.trim_start().to_lowercase();
    s.kind != quotes::SpeakerKind::Anonymous
        && !lower.starts_with("a ")
        && !lower.starts_with("an ")
        && s.name.chars().any(char::is_uppercase)
}

/// The one speaker a name means, or an error saying why not.
pub(super) fn resolve_or_error(person: &str, speakers: &[SpeakerCount], aliases: &Aliases) -> Result<String, Error> {
    match resolve_speaker(person, speakers, aliases) {
        Ok(name) => Ok(name),
        Err(WhoSaid::Ambiguous { query, candidates }) => {
            Err(Error::AmbiguousSpeaker { query, candidates: candidates.into_iter().map(|c| c.name).collect() })
        }
        Err(WhoSaid::NotFound { query, near }) => {
            Err(Error::UnknownSpeaker { query, near: near.into_iter().map(|c| c.name).collect() })
        }
        Err(WhoSaid::Found { person, .. }) => Ok(person),
    }
}

/// Each side with the speakers its members resolve to (like `who-said`:
/// an ambiguous or unknown member adds nobody).
pub(super) fn side_speakers(aliases: &Aliases, speakers: &[SpeakerCount]) -> Vec<(String, Vec<String>)> {
    aliases.sides().iter().map(|s| (s.name.clone(), members_of(s, speakers, aliases))).collect()
}

/// The speakers a side's members resolve to, without repeats.
pub(super) fn members_of(side: &Side, speakers: &[SpeakerCount], aliases: &Aliases) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &side.members {
        if let Ok(name) = resolve_speaker(m, speakers, aliases) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

fn side_of(sides: &[(String, Vec<String>)], speaker: &str) -> Option<String> {
    sides.iter().find(|(_, members)| members.iter().any(|m| m == speaker)).map(|(name, _)| name.clone())
}

/// Weeks for spans up to [`Grain::WEEKS_UP_TO_DAYS`], else months. The
/// span is the window asked for when both ends are given, else the
/// entries'.
pub fn grain_for(entries: &[TimelineEntry], since: Option<Date>, until: Option<Date>) -> Grain {
    let span = match (since, until, entries.first(), entries.last()) {
        (Some(s), Some(u), _, _) => (u - s).whole_days(),
        (_, _, Some(a), Some(b)) => (b.date - a.date).whole_days(),
        _ => 0,
    };
    if span <= Grain::WEEKS_UP_TO_DAYS {
        Grain::Week
    } else {
        Grain::Month
    }
}

/// The first day of the week (Monday) or month `d` falls in.
pub fn bucket_start(d: Date, grain: Grain) -> Date {
    grain.start_of(d)
}

fn next_bucket(d: Date, grain: Grain) -> Option<Date> {
    match grain {
        Grain::Week => d.checked_add(Duration::days(7)),
        Grain::Month => {
            let (y, m) = if d.month() == Month::December {
                (d.year() + 1, Month::January)
            } else {
                (d.year(), d.month().next())
            };
            Date::from_calendar_date(y, m, 1).ok()
        }
    }
}

/// What a chart's bars are split by: the sides when any statement's
/// speaker is on one, else the speakers; at most [`MAX_SERIES`] by count,
/// then [`OTHERS`]; passages are [`REPORTS`].
pub fn series_of(entries: &[TimelineEntry]) -> Vec<String> {
    let by_side = entries.iter().any(|e| e.side.is_some());
    let mut counts: HashMap<String, usize> = HashMap::new();
    let (mut others, mut reports) = (false, false);
    for e in entries {
        match (&e.speaker, &e.side) {
            (None, _) => reports = true,
            (Some(_), Some(side)) if by_side => *counts.entry(side.clone()).or_default() += 1,
            (Some(_), None) if by_side => others = true,
            (Some(speaker), _) => *counts.entry(speaker.clone()).or_default() += 1,
        }
    }
    let mut named: Vec<(String, usize)> = counts.into_iter().collect();
    named.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if named.len() > MAX_SERIES {
        named.truncate(MAX_SERIES);
        others = true;
    }
    let mut out: Vec<String> = named.into_iter().map(|(n, _)| n).collect();
    if others {
        out.push(OTHERS.to_owned());
    }
    if reports {
        out.push(REPORTS.to_owned());
    }
    out
}

/// The series an entry counts in.
fn series_index(e: &TimelineEntry, series: &[String]) -> Option<usize> {
    let find = |name: &str| series.iter().position(|s| s == name);
    match (&e.speaker, &e.side) {
        (None, _) => find(REPORTS),
        (Some(speaker), side) => side.as_deref().and_then(find).or_else(|| find(speaker)).or_else(|| find(OTHERS)),
    }
}

/// Every week or month from the first entry's to the last's (the latest
/// [`MAX_BUCKETS`]), counted per series.
pub fn buckets_of(entries: &[TimelineEntry], grain: Grain, series: &[String]) -> Vec<Bucket> {
    let (Some(first), Some(last)) = (entries.first(), entries.last()) else { return Vec::new() };
    let end = bucket_start(last.date, grain);
    let mut out: Vec<Bucket> = Vec::new();
    let mut at = Some(bucket_start(first.date, grain));
    while let Some(start) = at.filter(|s| *s <= end) {
        out.push(Bucket { start, counts: vec![0; series.len()] });
        at = next_bucket(start, grain);
    }
    if out.len() > MAX_BUCKETS {
        out.drain(..out.len() - MAX_BUCKETS);
    }
    for e in entries {
        let start = bucket_start(e.date, grain);
        let (Ok(i), Some(s)) = (out.binary_search_by(|b| b.start.cmp(&start)), series_index(e, series)) else {
            continue;
        };
        out[i].counts[s] += 1;
    }
    out
}

/// The busiest buckets (by total, earlier first on ties), at most
/// [`BUSIEST`], none empty.
pub fn busiest(buckets: &[Bucket]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..buckets.len()).filter(|&i| buckets[i].total() > 0).collect();
    order.sort_by(|&a, &b| buckets[b].total().cmp(&buckets[a].total()).then(a.cmp(&b)));
    order.truncate(BUSIEST);
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ArticleId, Source};
    use time::macros::date;

    fn entry(d: Date, speaker: Option<&str>, side: Option<&str>) -> TimelineEntry {
        TimelineEntry {
            date: d,
            speaker: speaker.map(str::to_owned),
            side: side.map(str::to_owned),
            text: "x".into(),
            source: Source {
                article_id: ArticleId::parse("2031-01-01-a").unwrap(),
                title: "t".into(),
                outlet: "o".into(),
                url: None,
                published: None,
                also_reported_by: vec![],
            },
            ord: None,
        }
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2031-03-05 is a Wednesday.
        assert_eq!(bucket_start(date!(2031 - 03 - 05), Grain::Week), date!(2031 - 03 - 03));
        assert_eq!(bucket_start(date!(2031 - 03 - 03), Grain::Week), date!(2031 - 03 - 03));
        assert_eq!(bucket_start(date!(2031 - 03 - 09), Grain::Week), date!(2031 - 03 - 03), "Sunday");
        assert_eq!(bucket_start(date!(2031 - 03 - 31), Grain::Month), date!(2031 - 03 - 01));
        assert_eq!(next_bucket(date!(2031 - 12 - 01), Grain::Month), Some(date!(2032 - 01 - 01)));
    }

    #[test]
    fn the_span_picks_weeks_or_months() {
        let near = [entry(date!(2031 - 01 - 01), Some("A"), None), entry(date!(2031 - 03 - 01), Some("A"), None)];
        assert_eq!(grain_for(&near, None, None), Grain::Week);
        let far = [entry(date!(2031 - 01 - 01), Some("A"), None), entry(date!(2031 - 09 - 01), Some("A"), None)];
        assert_eq!(grain_for(&far, None, None), Grain::Month);
        assert_eq!(
            grain_for(&near, Some(date!(2030 - 01 - 01)), Some(date!(2031 - 12 - 31))),
            Grain::Month,
            "asked window"
        );
        assert_eq!(grain_for(&[], None, None), Grain::Week);
    }

    #[test]
    fn buckets_cover_gaps_and_count_per_series() {
        let es = [
            entry(date!(2031 - 03 - 04), Some("Ada Quill"), Some("Northmark")),
            entry(date!(2031 - 03 - 05), Some("Bran Tor"), Some("Southreach")),
            entry(date!(2031 - 03 - 06), Some("Ada Quill"), Some("Northmark")),
            entry(date!(2031 - 03 - 20), Some("Mira Sol"), None),
            entry(date!(2031 - 03 - 21), None, None),
        ];
        let series = series_of(&es);
        assert_eq!(series, ["Northmark", "Southreach", OTHERS, REPORTS]);
        let b = buckets_of(&es, Grain::Week, &series);
        let starts: Vec<Date> = b.iter().map(|b| b.start).collect();
        assert_eq!(
            starts,
            [date!(2031 - 03 - 03), date!(2031 - 03 - 10), date!(2031 - 03 - 17)],
            "the empty week stays"
        );
        assert_eq!(b[0].counts, [2, 1, 0, 0]);
        assert_eq!(b[1].total(), 0);
        assert_eq!(b[2].counts, [0, 0, 1, 1]);
        assert_eq!(busiest(&b), [0, 2]);
        let months = buckets_of(&es, Grain::Month, &series);
        assert_eq!(months.len(), 1);
        assert_eq!(months[0].total(), 5);
    }

    #[test]
    fn without_sides_the_top_speakers_are_the_series() {
        let names = ["A", "B", "C", "D", "E", "F"];
        let mut es = Vec::new();
        for (i, n) in names.iter().enumerate() {
            for _ in 0..(10 - i) {
                es.push(entry(date!(2031 - 01 - 01), Some(n), None));
            }
        }
        assert_eq!(series_of(&es), ["A", "B", "C", "D", OTHERS]);
        let b = buckets_of(&es, Grain::Week, &series_of(&es));
        assert_eq!(b[0].counts, [10, 9, 8, 7, 6 + 5]);
    }

    #[test]
    fn only_named_speakers_count() {
        use crate::quotes::{Speaker, SpeakerKind};
        let sp = |name: &str, kind| Speaker { name: name.into(), as_written: name.into(), role: None, kind };
        assert!(is_named(&sp("Ada Quill", SpeakerKind::Person)));
        assert!(is_named(&sp("the Hollow Court", SpeakerKind::Institution)));
        assert!(!is_named(&sp("an official", SpeakerKind::Person)));
        assert!(!is_named(&sp("A senior Vornish official", SpeakerKind::Person)));
        assert!(!is_named(&sp("Ada Quill", SpeakerKind::Anonymous)));
        assert!(!is_named(&sp("officials", SpeakerKind::Institution)));
    }

    #[test]
    fn long_spans_keep_the_latest_buckets() {
        let es = [entry(date!(2020 - 01 - 01), Some("A"), None), entry(date!(2031 - 01 - 01), Some("A"), None)];
        let b = buckets_of(&es, Grain::Month, &series_of(&es));
        assert_eq!(b.len(), MAX_BUCKETS);
        assert_eq!(b.last().map(|b| b.start), Some(date!(2031 - 01 - 01)));
        assert_eq!(b.iter().map(Bucket::total).sum::<u32>(), 1, "the entry before the window is not counted");
    }
}
