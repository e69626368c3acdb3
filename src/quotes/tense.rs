//! The tense of a sentence's first finite verb, read from closed-class
//! auxiliaries and modals ("are using", "has been", "cannot be", "was
//! sworn", "would contrast"), simple past forms after a subject ("agreed",
//! "gave") and a short list of lexical present forms after a subject
//! (`present_verbs.txt`: "The authorities continue …", "These include …").
//!
//! It serves the reported-speech pass in telling free indirect speech from
//! the writer's narration. It must NOT decide who speaks or whether a
//! sentence is a statement, look beyond the tokens it is given, or take
//! more than linear time.

use std::sync::LazyLock;

use super::lexicon;
use super::tokens::Tok;

/// The tense of the first finite verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finite {
    /// "is", "are", "can", "must", "continue(s)" …
    Present,
    /// "has", "have": the present perfect, as news narration uses it
    /// ("Kyiv has rejected …").
    Perfect,
    /// "was", "were", "did", "could", "agreed" …
    Past,
    /// "would", "had": past-in-the-past or backshifted reported speech.
    Backshift,
    /// "will", "shall".
    Future,
}

static PRESENT_VERBS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("present_verbs.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect()
});

/// "continue"/"continues", "deny"/"denies": (base form, whether the -s form).
fn present_verb(w: &str) -> Option<bool> {
    if PRESENT_VERBS.contains(&w) {
        return Some(false);
    }
    let base = w
        .strip_suffix("ies")
        .map(|b| format!("{b}y"))
        .or_else(|| w.strip_suffix("es").filter(|b| b.ends_with(['s', 'h', 'x'])).map(str::to_owned))
        .or_else(|| w.strip_suffix('s').map(str::to_owned))?;
    PRESENT_VERBS.contains(&base.as_str()).then_some(true)
}

/// Prepositions and conjunctions after which a verb-like word is a noun or
/// an infinitive, not a finite verb ("for support", "to continue").
fn blocks_finite(w: &str) -> bool {
    lexicon::determiner(w)
        || matches!(
            w,
            "to" | "for"
                | "of"
                | "in"
                | "on"
                | "at"
                | "by"
                | "with"
                | "without"
                | "from"
                | "into"
                | "our"
                | "my"
                | "your"
        )
}

/// Irregular simple past forms common in narration.
fn irregular_past(w: &str) -> bool {
    matches!(
        w,
        "gave"
            | "made"
            | "took"
            | "held"
            | "met"
            | "went"
            | "came"
            | "saw"
            | "spoke"
            | "led"
            | "became"
            | "began"
            | "sent"
            | "brought"
            | "sought"
            | "found"
            | "left"
            | "kept"
            | "won"
            | "lost"
            | "told"
            | "said"
            | "wrote"
    )
}

/// The tense of the first finite verb among `toks` (words lower-cased in
/// `lw`), or None when no form tells.
pub fn first_finite(body: &str, toks: &[Tok], lw: &[String]) -> Option<Finite> {
    let mut prev = "";
    // Inside a relative clause ("units, which continue …,"): not the main verb.
    let mut relative = false;
    for (i, (t, w)) in toks.iter().zip(lw).enumerate() {
        if !t.word {
            if w == "," {
                relative = false;
            }
            continue;
        }
        let w = w.as_str();
        if matches!(w, "which" | "who" | "whom" | "whose") {
            relative = true;
        }
        if relative {
            continue;
        }
        let next = lw.get(i + 1).map_or("", String::as_str);
        let tense = if prev == "to" {
            None
        } else {
            match w {
                "is" | "are" | "am" | "does" | "do" | "can" | "cannot" | "must" | "should" => Some(Finite::Present),
                "has" | "have" => Some(Finite::Perfect),
                "was" | "were" | "did" | "could" | "might" => Some(Finite::Past),
                "would" | "had" => Some(Finite::Backshift),
                "will" | "shall" => Some(Finite::Future),
                // "These include …", "They continue …".
                _ if matches!(prev, "they" | "we" | "these" | "those" | "i" | "you") && present_verb(w).is_some() => {
                    Some(Finite::Present)
                }
                _ if blocks_finite(prev) || t.is_cap(body) => None,
                _ if irregular_past(w) => Some(Finite::Past),
                // "the districts controlled by …" is a participle.
                _ if w.len() >= 5 && w.ends_with("ed") && next != "by" => Some(Finite::Past),
                _ => match present_verb(w) {
                    // "The West prefers …", "this situation demands …".
                    Some(true) => Some(Finite::Present),
                    // "These include …", "The authorities continue …":
                    // after a plural subject.
                    Some(false) if prev.len() > 3 && prev.ends_with('s') && !prev.ends_with("ss") => {
                        Some(Finite::Present)
                    }
                    _ => None,
                },
            }
        };
        if tense.is_some() {
            return tense;
        }
        prev = w;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::doc::words;
    use crate::quotes::tokens::tokenize;

    fn tense(s: &str) -> Option<Finite> {
        let toks = tokenize(s, 0..s.len());
        let lw = words(s, &toks);
        first_finite(s, &toks, &lw)
    }

    #[test]
    fn reads_the_first_finite_verb() {
        assert_eq!(tense("The Vorn militias are using farms as cover."), Some(Finite::Present));
        assert_eq!(tense("Attempts to leave the valleys controlled by Vorn are stopped."), Some(Finite::Present));
        assert_eq!(tense("The Tarnish authorities continue to break their promise."), Some(Finite::Present));
        assert_eq!(tense("The collective North prefers to ignore it."), Some(Finite::Present));
        assert_eq!(tense("These include a neutral status for Vorn."), Some(Finite::Present));
        assert_eq!(tense("Vorn has firmly rejected the plan."), Some(Finite::Perfect));
        assert_eq!(tense("The two leaders agreed to continue their contacts."), Some(Finite::Past));
        assert_eq!(tense("Mr Tarn was sworn in on Thursday."), Some(Finite::Past));
        assert_eq!(tense("He would contrast the two plans."), Some(Finite::Backshift));
        assert_eq!(tense("The leaders will continue their contacts."), Some(Finite::Future));
        assert_eq!(
            tense("The acts of the bands, which continue to shell the farms, who have fled, demonstrate cruelty."),
            Some(Finite::Present)
        );
        assert_eq!(tense("The Armed Forces of Vorn."), None);
        assert_eq!(tense("Financial support for Vorn."), None);
    }
}
