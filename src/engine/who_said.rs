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
            speakers: speaker_keys(&resolved, &speakers),
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
        let all = self.keyed_speakers()?;
        let p = name_key(prefix);
        if p.is_empty() {
            return Ok(all.iter().map(|s| s.speaker.clone()).collect());
        }
        let mut scored: Vec<(u8, &SpeakerCount)> = all
            .iter()
            .filter_map(|s| {
                let rank = if s.key.starts_with(&p) {
                    0
                } else if s.key.split(' ').any(|w| w.starts_with(&p)) {
                    1
                } else {
                    return None;
                };
                Some((rank, &s.speaker))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.quotes.cmp(&a.1.quotes)).then(a.1.name.cmp(&b.1.name)));
        Ok(scored.into_iter().map(|(_, s)| s.clone()).collect())
    }
}

/// Finds the one speaker a name means, or says why not.
pub(super) fn resolve_speaker(person: &str, speakers: &[SpeakerCount], aliases: &Aliases) -> Result<String, WhoSaid> {
    let key = name_key(person);
    let canonical_key = aliases.canonical(person).map(name_key);
    // "Putin" when the corpus has "Vladimir Putin" (1,118 statements) and,
    // from an article that never gave his first name, "Putin" (1): the one
    // full name the surname belongs to.
    if !key.contains(' ') {
        if let [full] = fuller_names(&key, speakers)[..] {
            return Ok(full.name.clone());
        }
    }
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

/// The speakers whose name ends with the one word `key` (a surname), other
/// than `key` itself.
fn fuller_names<'a>(key: &str, speakers: &'a [SpeakerCount]) -> Vec<&'a SpeakerCount> {
    let tail = format!(" {key}");
    speakers.iter().filter(|s| name_key(&s.name).ends_with(&tail)).collect()
}

/// The index keys a resolved speaker's statements are filed under: the
/// name, and the lone surname when that surname belongs to no other
/// speaker (statements from articles that gave only "Putin").
pub(super) fn speaker_keys(resolved: &str, speakers: &[SpeakerCount]) -> Vec<String> {
    let key = name_key(resolved);
    let mut keys = vec![key.clone()];
    if let Some((_, last)) = key.rsplit_once(' ') {
        let lone = speakers.iter().any(|s| name_key(&s.name) == last);
        if lone && fuller_names(last, speakers).len() == 1 {
            keys.push(last.to_owned());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(names: &[(&str, u64)]) -> Vec<SpeakerCount> {
        names.iter().map(|(n, q)| SpeakerCount { name: (*n).to_owned(), quotes: *q }).collect()
    }

    #[test]
    fn a_lone_surname_is_the_one_full_name_it_belongs_to() {
        let aliases = Aliases::default();
        let s = counts(&[("Ivo Tarn", 40), ("Tarn", 1), ("Ada Quill", 3), ("Bo Quill", 2), ("Quill", 1)]);
        assert_eq!(resolve_speaker("Tarn", &s, &aliases).ok().as_deref(), Some("Ivo Tarn"));
        assert_eq!(speaker_keys("Ivo Tarn", &s), ["ivo tarn", "tarn"]);
        // Two full names with that surname: the lone one is nobody's in particular.
        assert_eq!(resolve_speaker("Quill", &s, &aliases).ok().as_deref(), Some("Quill"));
        assert_eq!(speaker_keys("Ada Quill", &s), ["ada quill"]);
        assert_eq!(resolve_speaker("Ada Quill", &s, &aliases).ok().as_deref(), Some("Ada Quill"));
    }
}
