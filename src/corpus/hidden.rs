//! `corpus/hidden.toml`: statements a moderator hid from answers. The
//! article keeps its words (the corpus is the truth); this file marks the
//! statements the index must leave out, so that they never come back when
//! the index is rebuilt from the corpus.
//!
//! Plain data and its TOML form; reading and writing the file is
//! [`super::Corpus`]'s. It must not know the index.

use serde::{Deserialize, Serialize};

/// The file name in the corpus directory.
pub const HIDDEN_FILE: &str = "hidden.toml";

/// One hidden statement: the article and the statement's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenStatement {
    pub article: String,
    /// The statement as quote extraction finds it (compared with
    /// whitespace runs folded).
    pub text: String,
    /// Who it was attributed to, as written (for people reading the file).
    #[serde(default)]
    pub speaker: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub hidden_by: String,
    #[serde(default)]
    pub at: String,
}

/// Every hidden statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hidden {
    #[serde(default, rename = "statement")]
    pub statements: Vec<HiddenStatement>,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Hidden {
    pub fn parse(text: &str) -> Result<Hidden, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn to_toml(&self) -> String {
        let head = "# Statements hidden from answers by a moderator (/corpus resolve … action:hide).\n\
                    # The articles keep their words; the index leaves these out, also after `parley reindex`.\n\n";
        format!("{head}{}", toml::to_string(self).unwrap_or_default())
    }

    /// Whether the statement `text` of `article` is hidden.
    pub fn hides(&self, article: &str, text: &str) -> bool {
        if self.statements.is_empty() {
            return false;
        }
        let t = squash(text);
        self.statements.iter().any(|s| s.article == article && squash(&s.text) == t)
    }

    /// Adds a statement; false when it was hidden already.
    pub fn add(&mut self, s: HiddenStatement) -> bool {
        if self.hides(&s.article, &s.text) {
            return false;
        }
        self.statements.push(s);
        true
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The articles whose hidden statements differ between `self` and
    /// `other` (one hid or shows again a statement the other does not):
    /// the articles to index again when the table changes.
    pub fn articles_changed(&self, other: &Hidden) -> std::collections::BTreeSet<String> {
        let keys = |h: &Hidden| -> std::collections::BTreeSet<(String, String)> {
            h.statements.iter().map(|s| (s.article.clone(), squash(&s.text))).collect()
        };
        let (a, b) = (keys(self), keys(other));
        a.symmetric_difference(&b).map(|(article, _)| article.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_matches_by_article_and_words() {
        let mut h = Hidden::default();
        let s = HiddenStatement {
            article: "2031-05-10-saltmere-truce".into(),
            text: "The truce  holds \"firm\"".into(),
            speaker: "Marden".into(),
            reason: "wrong attribution".into(),
            hidden_by: "mod (1)".into(),
            at: "2031-05-11T00:00:00Z".into(),
        };
        assert!(h.add(s.clone()));
        assert!(!h.add(s));
        let back = Hidden::parse(&h.to_toml()).unwrap();
        assert_eq!(back, h);
        assert!(back.hides("2031-05-10-saltmere-truce", "The truce holds \"firm\""));
        assert!(!back.hides("2031-05-10-other", "The truce holds \"firm\""));
        assert!(!back.hides("2031-05-10-saltmere-truce", "The truce holds"));
        assert_eq!(Hidden::parse("").unwrap(), Hidden::default());
        assert!(Hidden::parse("[[statement]]\narticle = 3").is_err());
    }

    #[test]
    fn changed_articles_are_those_with_a_statement_more_or_less() {
        let s = |article: &str, text: &str| HiddenStatement {
            article: article.into(),
            text: text.into(),
            speaker: String::new(),
            reason: String::new(),
            hidden_by: String::new(),
            at: String::new(),
        };
        let old = Hidden { statements: vec![s("a", "one  two"), s("b", "three")] };
        // Spacing and the reason do not count; a new statement and a dropped one do.
        let mut reworded = s("a", "one two");
        reworded.reason = "spam".into();
        let new = Hidden { statements: vec![reworded, s("c", "four")] };
        let changed: Vec<String> = old.articles_changed(&new).into_iter().collect();
        assert_eq!(changed, ["b", "c"]);
        assert!(old.articles_changed(&old.clone()).is_empty());
    }
}
