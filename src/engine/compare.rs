//! `compare`: what two people or sides said on a topic, newest first.
//!
//! A name is a side when the alias table has a side by that name (its
//! members resolved to speakers like `who-said`), else one speaker
//! resolved like `who-said` — an ambiguous or unknown name is an error,
//! never a guess. Statements are those `timeline` takes: attributed above
//! `quotes::MIN_CONFIDENCE`, on the topic. It formats nothing.

use super::timeline::{members_of, resolve_or_error};
use super::*;
use crate::answer::{CompareQuery, Comparison, Party, PartyKind};

impl Engine {
    /// The statements of each party on the topic.
    pub fn compare(&self, q: &CompareQuery) -> Result<Comparison, Error> {
        let aliases = self.aliases();
        let analyzed = self.index.analyze(&q.topic, &aliases);
        if analyzed.is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let speakers = self.index.speakers()?;
        let a = party_of(&q.a, &speakers, &aliases)?;
        let b = party_of(&q.b, &speakers, &aliases)?;
        if a.kind == b.kind && name_key(&a.name) == name_key(&b.name) {
            return Err(Error::SameParty);
        }
        let limit = q.limit.clamp(1, CompareQuery::MAX_LIMIT);
        let fill = |mut p: Party| -> Result<Party, Error> {
            if p.speakers.is_empty() {
                return Ok(p);
            }
            let keys = p.speakers.iter().map(|s| name_key(s)).collect();
            let mut hits = self.statements_on(&analyzed, keys, q.since, q.until)?;
            hits.sort_by(|x, y| {
                y.source
                    .published
                    .map(|d| d.timestamp())
                    .cmp(&x.source.published.map(|d| d.timestamp()))
                    .then(x.source.article_id.cmp(&y.source.article_id))
                    .then(x.quote.span.start.cmp(&y.quote.span.start))
            });
            p.more = hits.len() > limit;
            hits.truncate(limit);
            p.statements = hits;
            Ok(p)
        };
        Ok(Comparison { topic: q.topic.trim().to_owned(), a: fill(a)?, b: fill(b)? })
    }

    /// Sides and speakers whose name starts with (or has a word starting
    /// with) `prefix`: sides first, for autocomplete. Speakers are ranked
    /// like [`Engine::speakers`].
    pub fn parties(&self, prefix: &str) -> Result<Vec<(String, PartyKind, u64)>, Error> {
        let all = self.party_list()?;
        let p = name_key(prefix);
        let word = |key: &str| p.is_empty() || key.split(' ').any(|w| w.starts_with(&p));
        let mut out: Vec<(String, PartyKind, u64)> = all
            .iter()
            .filter(|s| s.kind == PartyKind::Side && word(&s.key))
            .map(|s| (s.name.clone(), PartyKind::Side, s.count))
            .collect();
        let mut people: Vec<(u8, &super::PartyChoice)> = all
            .iter()
            .filter(|s| s.kind == PartyKind::Person)
            .filter_map(|s| match () {
                _ if p.is_empty() || s.key.starts_with(&p) => Some((0, s)),
                _ if word(&s.key) => Some((1, s)),
                _ => None,
            })
            .collect();
        if !p.is_empty() {
            people.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.count.cmp(&a.1.count)).then(a.1.name.cmp(&b.1.name)));
        }
        out.extend(people.into_iter().map(|(_, s)| (s.name.clone(), PartyKind::Person, s.count)));
        Ok(out)
    }
}

/// A side by that name, else the one speaker it means.
fn party_of(who: &str, speakers: &[SpeakerCount], aliases: &Aliases) -> Result<Party, Error> {
    let who = who.trim();
    if name_key(who).is_empty() {
        return Err(Error::EmptyQuestion);
    }
    if let Some(side) = aliases.side(who) {
        return Ok(Party {
            name: side.name.clone(),
            kind: PartyKind::Side,
            speakers: members_of(side, speakers, aliases),
            statements: Vec::new(),
            more: false,
        });
    }
    let name = resolve_or_error(who, speakers, aliases)?;
    Ok(Party { name: name.clone(), kind: PartyKind::Person, speakers: vec![name], statements: Vec::new(), more: false })
}
