//! "Find sources" on a message: what the corpus holds on a claim or a
//! question someone posted. Links in the message to articles already in
//! the corpus are recognised (by normalised URL, the duplicate check's
//! key); the rest of the text is asked like `/ask` — whole when short,
//! else its key sentences.
//!
//! Key sentences, simple and deterministic: each sentence scores the
//! number of content words the index's analyser keeps from it (stop words
//! dropped, one per distinct stem), a name counting twice; the best
//! [`KEY_SENTENCES`] (ties: the earlier) are asked, in their order in the
//! message, within [`MAX_QUESTION_CHARS`] characters. It must not know
//! Discord.

use super::*;
use crate::answer::MAX_QUESTION_CHARS;

/// How many sentences of a long message are asked.
pub const KEY_SENTENCES: usize = 2;
/// A message up to this many characters (without its links) is asked whole.
pub const WHOLE_MESSAGE_CHARS: usize = 300;
/// Links looked at in one message.
const MAX_LINKS: usize = 5;
/// Passages shown besides the linked articles.
const PASSAGES: usize = 5;

/// What the corpus holds on a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundSources {
    /// Articles of the corpus the message links to, in the message's order.
    pub linked: Vec<ArticleMeta>,
    /// What was asked: the message without its links, or its key sentences
    /// (empty when the message is only links).
    pub asked: String,
    /// Whether `asked` is the key sentences of a longer message.
    pub condensed: bool,
    /// Passages on `asked`, without those of the linked articles.
    pub answer: Answer,
}

impl FoundSources {
    pub fn is_empty(&self) -> bool {
        self.linked.is_empty() && self.answer.hits.is_empty()
    }
}

impl Engine {
    /// What the corpus holds on a message's text.
    pub fn find_sources(&self, message: &str) -> Result<FoundSources, Error> {
        let (links, text) = split_links(message);
        let mut linked: Vec<ArticleMeta> = Vec::new();
        let catalog = self.catalog()?;
        for link in links.iter().take(MAX_LINKS) {
            let Some(key) = url_key(link) else { continue };
            let Some(id) = self.index.find_by_url(&key)? else { continue };
            if let Some(meta) = catalog.get(&id) {
                if !linked.iter().any(|m| m.id == id) {
                    linked.push(meta.clone());
                }
            }
        }
        let aliases = self.aliases();
        let (asked, condensed) = key_sentences(&text, KEY_SENTENCES, |s| {
            let a = self.index.analyze(s, &aliases);
            a.groups.len() + a.groups.iter().filter(|g| g.entity).count()
        });
        let mut answer = Answer { query: asked.clone(), hits: Vec::new(), more: false };
        if asked.chars().any(char::is_alphanumeric) {
            let mut q = AskQuery::new(asked.clone());
            q.limit = PASSAGES + linked.len() * 2;
            match self.ask(&q) {
                Ok(mut a) => {
                    a.hits.retain(|h| !linked.iter().any(|m| m.id == h.source.article_id));
                    a.hits.truncate(PASSAGES);
                    a.more = false;
                    answer = a;
                }
                // Only stop words: nothing to ask, the links may still speak.
                Err(Error::EmptyQuestion) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(FoundSources { linked, asked, condensed, answer })
    }
}

/// The web addresses in a text and the text without them.
pub fn split_links(text: &str) -> (Vec<String>, String) {
    let mut links = Vec::new();
    let mut rest = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = next_link_start(&text[pos..]) {
        let start = pos + found;
        let tail = &text[start..];
        let len = tail.find(|c: char| c.is_whitespace() || "<>()[]\"'`|“”‘’".contains(c)).unwrap_or(tail.len());
        let raw = tail[..len].trim_end_matches(|c: char| ".,;:!?*_~".contains(c));
        rest.push_str(&text[pos..start]);
        rest.push(' ');
        if raw.len() > "https://".len() {
            links.push(raw.to_owned());
        }
        pos = start + raw.len().max(1);
    }
    rest.push_str(&text[pos..]);
    (links, rest)
}

fn next_link_start(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    match (lower.find("https://"), lower.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The text to ask for a message: the whole (whitespace folded) when it
/// is at most [`WHOLE_MESSAGE_CHARS`] long or has at most `max`
/// sentences, else its `max` best sentences by `score`, in their order,
/// within [`MAX_QUESTION_CHARS`]. Returns whether it was condensed.
pub fn key_sentences(text: &str, max: usize, score: impl Fn(&str) -> usize) -> (String, bool) {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = squash(text);
    let sentences: Vec<&str> = crate::text::sentences(text).into_iter().filter_map(|r| text.get(r)).collect();
    if whole.chars().count() <= WHOLE_MESSAGE_CHARS || sentences.len() <= max.max(1) {
        return (whole.chars().take(MAX_QUESTION_CHARS).collect(), false);
    }
    let mut ranked: Vec<(usize, usize)> = sentences.iter().enumerate().map(|(i, s)| (i, score(s))).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut chars = 0;
    for (i, _) in ranked {
        let n = squash(sentences[i]).chars().count();
        if chosen.len() >= max.max(1) {
            break;
        }
        if !chosen.is_empty() && chars + n + 1 > MAX_QUESTION_CHARS {
            continue;
        }
        chosen.push(i);
        chars += n + 1;
    }
    chosen.sort_unstable();
    let joined = chosen.iter().map(|&i| squash(sentences[i])).collect::<Vec<_>>().join(" ");
    (joined.chars().take(MAX_QUESTION_CHARS).collect(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> usize {
        s.split_whitespace().filter(|w| w.len() > 3).count()
    }

    #[test]
    fn short_messages_are_asked_whole() {
        let (asked, condensed) = key_sentences("  Did   Marden meet Vask in Saltmere? ", 2, words);
        assert_eq!((asked.as_str(), condensed), ("Did Marden meet Vask in Saltmere?", false));
    }

    #[test]
    fn long_messages_keep_their_richest_sentences_in_order() {
        let filler = "It is so. ".repeat(40);
        let text = format!(
            "{filler}Delegates from Marden and Vask signed the Saltmere truce document yesterday. {filler}Ok then. \
             The coastal ceasefire commission reviewed reported incidents along the road. {filler}"
        );
        let (asked, condensed) = key_sentences(&text, 2, words);
        assert!(condensed);
        assert_eq!(
            asked,
            "Delegates from Marden and Vask signed the Saltmere truce document yesterday. \
             The coastal ceasefire commission reviewed reported incidents along the road."
        );
        // The same text gives the same answer: deterministic.
        assert_eq!(key_sentences(&text, 2, words).0, asked);
        let huge = format!("{} end.", "word ".repeat(3000));
        assert!(key_sentences(&format!("{huge} {huge} {huge}"), 2, words).0.chars().count() <= MAX_QUESTION_CHARS);
    }

    #[test]
    fn links_are_taken_out_of_the_text() {
        let (links, rest) = split_links(
            "See <https://courier.example/2031/05/10/saltmere-truce>, and (HTTP://x.example/a?b=1). Also [t](https://y.example/p).",
        );
        assert_eq!(
            links,
            vec!["https://courier.example/2031/05/10/saltmere-truce", "HTTP://x.example/a?b=1", "https://y.example/p"]
        );
        assert!(!rest.contains("example"), "{rest}");
        assert!(rest.contains("See") && rest.contains("Also"));
        assert_eq!(split_links("no links here").0, Vec::<String>::new());
        assert_eq!(split_links("https://").0, Vec::<String>::new());
        assert_eq!(split_links("жж https://ж.example/ж жж").0, vec!["https://ж.example/ж"]);
    }
}
