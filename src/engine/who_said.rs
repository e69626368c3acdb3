//! `who-said` and `speakers`: finding the one speaker a name means (or
//! saying why not) and their statements.
//!
//! It never guesses between two speakers: an ambiguous name lists them.

use super::*;

impl Engine {
    /// Statements attributed to a person.
    pub fn who_said(&self, q: &WhoSaidQuery) -> Result<WhoSaid, Error> {
        let person = q.person.trim();
        if name_key(person).is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let speakers = self.index.speakers()?;
        let resolved = match resolve_speaker(person, &speakers, &self.aliases()) {
            Ok(name) => name,
            Err(other) => return Ok(other),
        };
        let topic = q
            .about
            .as_deref()
            .filter(|a| a.chars().any(char::is_alphanumeric))
            .map(|a| self.index.analyze(a, &self.aliases()));
        let qq = QuoteQuery {
            speakers: vec![name_key(&resolved)],
            topic,
            topic_required: false,
            since: q.since,
            until: q.until,
            kind: q.kind,
            article: None,
            limit: q.limit.clamp(1, 50),
            offset: q.offset.min(1_000),
        };
        let (quotes, more) = self.index.search_quotes(&qq)?;
        Ok(WhoSaid::Found { person: resolved, quotes, more })
    }

    /// Speakers whose name (or a word of it) starts with `prefix`, ranked
    /// by whole-name prefix, then by quote count. All of them for "".
    pub fn speakers(&self, prefix: &str) -> Result<Vec<SpeakerCount>, Error> {
        let all = self.index.speakers()?;
        let p = name_key(prefix);
        if p.is_empty() {
            return Ok(all);
        }
        let mut scored: Vec<(u8, SpeakerCount)> = all
            .into_iter()
            .filter_map(|s| {
                let k = name_key(&s.name);
                let rank = if k.starts_with(&p) {
                    0
                } else if k.split(' ').any(|w| w.starts_with(&p)) {
                    1
                } else {
                    return None;
                };
                Some((rank, s))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.quotes.cmp(&a.1.quotes)).then(a.1.name.cmp(&b.1.name)));
        Ok(scored.into_iter().map(|(_, s)| s).collect())
    }
}

/// Finds the one speaker a name means, or says why not.
pub(super) fn resolve_speaker(person: &str, speakers: &[SpeakerCount], aliases: &Aliases) -> Result<String, WhoSaid> {
    let key = name_key(person);
    let canonical_key = aliases.canonical(person).map(name_key);
    if let Some(s) = speakers.iter().find(|s| {
        let k = name_key(&s.name);
        k == key
            || canonical_key
                .as_ref()
                .is_some_and(|c| *c == k || aliases.canonical(&s.name).map(name_key).as_ref() == Some(c))
    }) {
        return Ok(s.name.clone());
    }
    // A lone surname (or any last words) that fits exactly one speaker.
    let tail: Vec<&SpeakerCount> = speakers
        .iter()
        .filter(|s| {
            let k = name_key(&s.name);
            k.ends_with(&format!(" {key}")) || k.starts_with(&format!("{key} "))
        })
        .collect();
    match tail.len() {
        1 => return Ok(tail[0].name.clone()),
        n if n > 1 => {
            return Err(WhoSaid::Ambiguous {
                query: person.to_owned(),
                candidates: tail.into_iter().cloned().collect(),
            })
        }
        _ => {}
    }
    let stem: String = key.chars().take(4).collect();
    let near: Vec<SpeakerCount> = speakers
        .iter()
        .filter(|s| {
            name_key(&s.name)
                .split(' ')
                .any(|w| w.starts_with(&stem) || key.split(' ').any(|k| k.len() > 3 && w.starts_with(&k[..4])))
        })
        .take(5)
        .cloned()
        .collect();
    Err(WhoSaid::NotFound { query: person.to_owned(), near })
}
