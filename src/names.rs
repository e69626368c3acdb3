//! The one table of names: canonical people, institutions and places with
//! their spelling variants (`corpus/aliases.toml`), and the folding rules that
//! make transliteration variants meet (Zelensky / Zelenskyy / Zelenskiy /
//! Zelenskyi; Peskov / Peskow).
//!
//! It also holds the sides (`[sides]`): named groups of speakers ("Russia" =
//! the Kremlin, Putin, Lavrov…) that `/compare` and the `/timeline` chart
//! group statements by. A side lists names as a person would type them;
//! the engine resolves each to a speaker the way `who-said` does.
//!
//! `ask` uses it to expand queries, `who-said` to find a person. Pure: this
//! module parses and prints the TOML text but never touches a file (the
//! corpus does) and knows nothing of the index.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// What `aliases.toml` looks like:
///
/// ```toml
/// [people]
/// "Volodymyr Zelensky" = ["Zelenskyy", "Zelenskiy", "Volodymyr Zelenskyy"]
/// [institutions]
/// "the Kremlin" = ["Kremlin"]
/// [places]
/// "Kyiv" = ["Kiev"]
/// [sides]
/// "Russia" = ["the Kremlin", "Putin", "Lavrov"]
/// ```
///
/// `[sides]` is optional: a table without it reads as before, and one
/// without sides is written without it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AliasFile {
    #[serde(default)]
    pub people: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub institutions: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub places: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sides: BTreeMap<String, Vec<String>>,
}

/// A side: a name ("Russia") and the speakers it groups, as written in the
/// table (each resolved to a speaker by the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub name: String,
    pub members: Vec<String>,
}

/// Why a name could not be put on a side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SideError {
    #[error("a side and a name are both needed")]
    Empty,
    #[error("{member:?} is already on the side {side:?}")]
    OnAnotherSide { member: String, side: String },
}

/// Which section of the table a name sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Person,
    Institution,
    Place,
}

/// One canonical name with its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct NameEntry {
    pub canonical: String,
    pub kind: NameKind,
    pub variants: Vec<String>,
}

/// The alias table, ready for look-ups.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    entries: Vec<NameEntry>,
    /// `name_key` of the canonical name and of every variant → entry.
    by_key: HashMap<String, usize>,
    /// Single-word keys (surnames, "Kiev") → entry, for query expansion.
    by_word: HashMap<String, Vec<usize>>,
    sides: Vec<Side>,
}

/// Why `aliases.toml` could not be read.
#[derive(Debug, thiserror::Error)]
#[error("aliases table is not valid TOML of the form [people] \"Name\" = [\"Variant\", …]")]
pub struct BadAliases(#[from] pub toml::de::Error);

impl Aliases {
    pub fn parse(text: &str) -> Result<Aliases, BadAliases> {
        let file: AliasFile = toml::from_str(text)?;
        Ok(Aliases::from_file(&file))
    }

    pub fn from_file(file: &AliasFile) -> Aliases {
        let mut a = Aliases::default();
        for (kind, section) in [
            (NameKind::Person, &file.people),
            (NameKind::Institution, &file.institutions),
            (NameKind::Place, &file.places),
        ] {
            for (canonical, variants) in section {
                a.insert(NameEntry { canonical: canonical.clone(), kind, variants: variants.clone() });
            }
        }
        for (name, members) in &file.sides {
            if name_key(name).is_empty() {
                continue;
            }
            let mut kept: Vec<String> = Vec::new();
            for m in members {
                let m = m.trim();
                if !name_key(m).is_empty() && !kept.iter().any(|k| name_key(k) == name_key(m)) {
                    kept.push(m.to_owned());
                }
            }
            a.sides.push(Side { name: name.trim().to_owned(), members: kept });
        }
        a
    }

    fn insert(&mut self, entry: NameEntry) {
        let i = self.entries.len();
        for name in std::iter::once(&entry.canonical).chain(&entry.variants) {
            let key = name_key(name);
            if key.is_empty() {
                continue;
            }
            self.by_key.entry(key.clone()).or_insert(i);
            if !key.contains(' ') {
                let v = self.by_word.entry(key).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        self.entries.push(entry);
    }

    /// Adds `variant` to `canonical` (creating a person entry when the name
    /// is new). Returns false when the variant already names someone else.
    pub fn add_variant(&mut self, canonical: &str, variant: &str) -> bool {
        let vkey = name_key(variant);
        if let Some(&j) = self.by_key.get(&vkey) {
            return name_key(&self.entries[j].canonical) == name_key(canonical);
        }
        let mut file = self.to_file();
        let section = match self.lookup(canonical).map(|e| e.kind) {
            Some(NameKind::Institution) => &mut file.institutions,
            Some(NameKind::Place) => &mut file.places,
            _ => &mut file.people,
        };
        let key = self.lookup(canonical).map(|e| e.canonical.clone()).unwrap_or_else(|| canonical.trim().to_owned());
        section.entry(key).or_default().push(variant.trim().to_owned());
        *self = Aliases::from_file(&file);
        true
    }

    pub fn to_file(&self) -> AliasFile {
        let mut file = AliasFile::default();
        for e in &self.entries {
            let section = match e.kind {
                NameKind::Person => &mut file.people,
                NameKind::Institution => &mut file.institutions,
                NameKind::Place => &mut file.places,
            };
            section.insert(e.canonical.clone(), e.variants.clone());
        }
        for side in &self.sides {
            file.sides.insert(side.name.clone(), side.members.clone());
        }
        file
    }

    /// Every side, in the table's order.
    pub fn sides(&self) -> &[Side] {
        &self.sides
    }

    /// The side called `name` (any spelling that folds to the same key).
    pub fn side(&self, name: &str) -> Option<&Side> {
        let key = name_key(name);
        (!key.is_empty()).then(|| self.sides.iter().find(|s| name_key(&s.name) == key)).flatten()
    }

    /// Whether a side member and a name mean one person: the same key, or
    /// the same canonical name in the table.
    pub fn same_person(&self, a: &str, b: &str) -> bool {
        let (ka, kb) = (name_key(a), name_key(b));
        if ka.is_empty() || kb.is_empty() {
            return false;
        }
        ka == kb || matches!((self.canonical(a), self.canonical(b)), (Some(x), Some(y)) if x == y)
    }

    /// Puts `member` on the side `side` (creating the side when new).
    /// Refused when the member is already on another side; true when it
    /// was added, false when it was already there.
    pub fn add_to_side(&mut self, side: &str, member: &str) -> Result<bool, SideError> {
        let (side, member) = (side.trim(), member.trim());
        if name_key(side).is_empty() || name_key(member).is_empty() {
            return Err(SideError::Empty);
        }
        let side_key = name_key(side);
        for s in &self.sides {
            if s.members.iter().any(|m| self.same_person(m, member)) {
                if name_key(&s.name) == side_key {
                    return Ok(false);
                }
                return Err(SideError::OnAnotherSide { member: member.to_owned(), side: s.name.clone() });
            }
        }
        match self.sides.iter_mut().find(|s| name_key(&s.name) == side_key) {
            Some(s) => s.members.push(member.to_owned()),
            None => self.sides.push(Side { name: side.to_owned(), members: vec![member.to_owned()] }),
        }
        Ok(true)
    }

    /// The TOML text of the table, for writing `aliases.toml`.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(&self.to_file()).unwrap_or_default();
        format!("# Canonical names and their spelling variants. Parley folds case, accents\n# and transliteration endings (-yy/-iy/-yi/-yj, -ow) on its own.\n\n{body}")
    }

    /// The entry a name (canonical or variant, any spelling that folds to
    /// the same key) belongs to.
    pub fn lookup(&self, name: &str) -> Option<&NameEntry> {
        self.by_key.get(&name_key(name)).map(|&i| &self.entries[i])
    }

    /// The canonical form of a name when the table knows it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.lookup(name).map(|e| e.canonical.as_str())
    }

    /// For one query word, every single-word spelling of the names it may
    /// be part of ("kiev" → ["kyiv", "kiev"]). Empty when unknown.
    pub fn word_variants(&self, word: &str) -> Vec<String> {
        let key = name_key(word);
        let mut out: Vec<String> = Vec::new();
        if let Some(ids) = self.by_word.get(&key) {
            for &i in ids {
                let e = &self.entries[i];
                for name in std::iter::once(&e.canonical).chain(&e.variants) {
                    for w in name.split_whitespace() {
                        let f = fold(w);
                        if (name_key(&f) == key || !name.contains(' ')) && !out.contains(&f) {
                            out.push(f);
                        }
                    }
                }
            }
        }
        out
    }

    pub fn entries(&self) -> &[NameEntry] {
        &self.entries
    }
}

/// The key two spellings of one name share: folded to ASCII, lower case,
/// punctuation dropped, and the common transliteration endings of Ukrainian
/// and Russian names merged (-yy, -iy, -yi, -ij, -yj, -ii → -y; final -w →
/// -v). `"Zelenskyy"`, `"Zelenskiy"`, `"Zelenskyi"` → `"zelensky"`.
pub fn name_key(name: &str) -> String {
    let folded = fold(name);
    let folded = folded.trim_start();
    // "the Kremlin" and "Kremlin" are one speaker.
    let folded = folded.strip_prefix("the ").unwrap_or(folded);
    let mut out = String::with_capacity(folded.len());
    for word in folded
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold_word_ending(word));
    }
    out
}

fn fold_word_ending(w: &str) -> String {
    let w = w.strip_suffix("'s").unwrap_or(w);
    for (suffix, with) in [("yy", "y"), ("iy", "y"), ("yi", "y"), ("ij", "y"), ("yj", "y"), ("ii", "y")] {
        if w.len() > suffix.len() + 2 {
            if let Some(stem) = w.strip_suffix(suffix) {
                return format!("{stem}{with}");
            }
        }
    }
    if w.len() > 3 {
        if let Some(stem) = w.strip_suffix("ow") {
            return format!("{stem}ov");
        }
    }
    w.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
[people]
"Ada Quill" = ["Quil", "Kvill"]
"Oleksandr Varenyk" = ["Varenykyy"]
[institutions]
"the Hollow Court" = ["Hollow Court"]
[places]
"Vornhaven" = ["Vorn"]
"#;

    #[test]
    fn transliteration_variants_share_a_key() {
        let groups: &[&[&str]] = &[
            &["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskyi", "ZELENSKYY", "Zelenskyy's"],
            &["Maletskyj", "Maletskyi", "Maletsky"],
            &["Peskov", "Peskow"],
            &["Vitalii Maletskyj", "Vitaliy Maletskyi"],
        ];
        for group in groups {
            let key = name_key(group[0]);
            for name in *group {
                assert_eq!(name_key(name), key, "{name}");
            }
        }
        assert_ne!(name_key("Putin"), name_key("Peskov"));
    }

    #[test]
    fn lookup_by_any_spelling() {
        let a = Aliases::parse(TABLE).unwrap();
        assert_eq!(a.canonical("kvill"), Some("Ada Quill"));
        assert_eq!(a.canonical("Varenykyi"), Some("Oleksandr Varenyk"));
        assert_eq!(a.canonical("Hollow Court"), Some("the Hollow Court"));
        assert_eq!(a.canonical("Nobody"), None);
        assert_eq!(a.word_variants("Vorn"), vec!["vornhaven".to_owned(), "vorn".to_owned()]);
    }

    #[test]
    fn variants_round_trip_through_toml() {
        let mut a = Aliases::parse(TABLE).unwrap();
        assert!(a.add_variant("Ada Quill", "Kwill"));
        assert!(a.add_variant("Bran Tor", "Tor"));
        assert!(!a.add_variant("Bran Tor", "Vorn"), "a variant of another name is refused");
        let b = Aliases::parse(&a.to_toml()).unwrap();
        assert_eq!(b.canonical("Kwill"), Some("Ada Quill"));
        assert_eq!(b.canonical("tor"), Some("Bran Tor"));
    }

    #[test]
    fn sides_read_resolve_and_round_trip() {
        let table = format!("{TABLE}[sides]\n\"Northmark\" = [\"Kvill\", \"the Hollow Court\", \"\"]\n\"Southreach\" = [\"Bran Tor\"]\n");
        let mut a = Aliases::parse(&table).unwrap();
        assert_eq!(a.sides().len(), 2);
        let north = a.side("northmark").unwrap();
        assert_eq!(north.members, ["Kvill", "the Hollow Court"], "empty names are dropped");
        assert!(a.same_person("Kvill", "Ada Quill"), "through the alias table");
        assert!(!a.same_person("Kvill", "Bran Tor"));
        // Adding: to a side (new or known), never to two sides.
        assert_eq!(a.add_to_side("Northmark", "Oleksandr Varenyk"), Ok(true));
        assert_eq!(a.add_to_side("Northmark", "Varenykyy"), Ok(false), "already there by another spelling");
        assert!(matches!(a.add_to_side("Southreach", "Ada Quill"), Err(SideError::OnAnotherSide { .. })));
        assert_eq!(a.add_to_side("Eastfold", "Mira Sol"), Ok(true));
        assert_eq!(a.add_to_side(" ", "Mira Sol"), Err(SideError::Empty));
        // Sides survive a new variant and a write.
        assert!(a.add_variant("Ada Quill", "Kwill"));
        let b = Aliases::parse(&a.to_toml()).unwrap();
        assert_eq!(b.side("Northmark").unwrap().members.len(), 3);
        assert_eq!(b.side("Eastfold").unwrap().members, ["Mira Sol"]);
        // A table without sides is written without them.
        assert!(!Aliases::parse(TABLE).unwrap().to_toml().contains("[sides]"));
    }

    #[test]
    fn bad_tables_are_errors_not_panics() {
        assert!(Aliases::parse("[sides]\nx = 3").is_err());
        assert!(Aliases::parse("[people]\nx = 3").is_err());
        assert!(Aliases::parse("not toml [").is_err());
    }
}
