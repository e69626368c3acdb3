//! Front matter: the TOML header of Parley's own article files, and the
//! YAML or TOML headers of Markdown files people bring.
//!
//! Parsing only; no file access.

use std::collections::BTreeMap;

use crate::article::{Article, ArticleMeta};

/// Renders an article as the text of its corpus file.
pub fn render(article: &Article) -> String {
    let header = toml::to_string(&article.meta).unwrap_or_default();
    let mut out = String::with_capacity(header.len() + article.body.len() + 16);
    out.push_str("+++\n");
    out.push_str(&header);
    if !header.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("+++\n\n");
    out.push_str(article.body.trim());
    out.push('\n');
    out
}

/// Parses the text of a corpus file. The error is a short reason.
pub fn parse(text: &str) -> Result<Article, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (header, body) = split(text, "+++").ok_or("it does not start with a +++ front matter")?;
    let meta: ArticleMeta = toml::from_str(header).map_err(|e| one_line(&e.to_string()))?;
    Ok(Article { meta, body: body.trim().to_owned() })
}

/// A Markdown file's header, whichever kind it has: the fields as strings
/// (lists joined with ", ") and the rest of the text.
pub fn split_any(text: &str) -> (BTreeMap<String, String>, &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((header, body)) = split(text, "+++") {
        if let Ok(table) = toml::from_str::<toml::Table>(header) {
            let fields =
                table.into_iter().filter_map(|(k, v)| toml_text(&v).map(|s| (k.to_ascii_lowercase(), s))).collect();
            return (fields, body);
        }
    }
    if let Some((header, body)) = split(text, "---") {
        return (yaml_flat(header), body);
    }
    (BTreeMap::new(), text)
}

fn toml_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Array(a) => Some(a.iter().filter_map(toml_text).collect::<Vec<_>>().join(", ")),
        _ => None,
    }
}

/// Splits `<fence>\n header <fence>\n body`.
fn split<'a>(text: &'a str, fence: &str) -> Option<(&'a str, &'a str)> {
    let rest = text.strip_prefix(fence)?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((&rest[..pos], &rest[pos + line.len()..]));
        }
        pos += line.len();
    }
    None
}

/// The flat `key: value` subset of YAML that Markdown front matter uses
/// (scalars, quoted or not, and `[a, b]` or `- a` lists). Nested maps are
/// skipped. A YAML library would be a large dependency for this subset.
fn yaml_flat(header: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut list_key: Option<String> = None;
    for line in header.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let (Some(key), Some(item)) = (&list_key, line.trim_start().strip_prefix("- ")) {
            let item = unquote(item.trim());
            let entry: &mut String = out.entry(key.clone()).or_default();
            if !entry.is_empty() {
                entry.push_str(", ");
            }
            entry.push_str(&item);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else { continue };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if value.is_empty() {
            list_key = Some(key);
            continue;
        }
        list_key = None;
        let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(items) => items.split(',').map(|i| unquote(i.trim())).collect::<Vec<_>>().join(", "),
            None => unquote(value),
        };
        out.insert(key, value);
    }
    out
}

fn unquote(v: &str) -> String {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        let inner = &v[1..v.len() - 1];
        let mut s = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                s.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => s.push('\n'),
                Some('t') => s.push('\t'),
                Some(other) => s.push(other),
                None => {}
            }
        }
        s
    } else if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        v[1..v.len() - 1].replace("''", "'")
    } else {
        v.to_owned()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ArticleId, Published};

    fn article() -> Article {
        Article {
            meta: ArticleMeta {
                id: ArticleId::parse("2031-04-02-vorn-talks").unwrap(),
                title: "Talks in \"Vorn\" — day 2".into(),
                outlet: "The Quill Gazette".into(),
                url: Some("https://quill.example/vorn".into()),
                published: Some(Published::parse("2031-04-02T09:00:00+02:00").unwrap()),
                language: "en".into(),
                added_by: "cli".into(),
                added_at: Some(Published::parse("2031-04-03T10:00:00Z").unwrap()),
                authors: vec![],
                tags: vec!["talks".into()],
                also_reported_by: vec![],
            },
            body: "First paragraph.\n\n+++\nSecond, with a fence inside.".into(),
        }
    }

    #[test]
    fn corpus_files_round_trip() {
        let a = article();
        let text = render(&a);
        assert!(text.starts_with("+++\n"));
        assert_eq!(parse(&text).unwrap(), a);
    }

    #[test]
    fn hand_written_files_parse() {
        let text = "+++\nid = \"x-1\"\ntitle = \"T\"\noutlet = \"unknown\"\npublished = 2025-08-19\n+++\nBody.\n";
        let a = parse(text).unwrap();
        assert_eq!(a.meta.published.unwrap().to_string(), "2025-08-19");
        assert_eq!(a.meta.language, "en");
        assert_eq!(a.body, "Body.");
        for bad in [
            "",
            "no header",
            "+++\nid = 3\n+++\n",
            "+++\ntitle = \"x\"\n",
            "+++\nid = \"BAD ID\"\ntitle=\"t\"\noutlet=\"o\"\n+++\n",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn markdown_headers_of_both_kinds() {
        let yaml = "---\ntitle: \"Vorn: the \\\"deal\\\"\"\nsource: https://x.example/a\ndate: unknown\ntags:\n  - a\n  - b\n---\n\nBody text";
        let (f, body) = split_any(yaml);
        assert_eq!(f["title"], "Vorn: the \"deal\"");
        assert_eq!(f["source"], "https://x.example/a");
        assert_eq!(f["date"], "unknown");
        assert_eq!(f["tags"], "a, b");
        assert_eq!(body.trim(), "Body text");
        let toml = "+++\ntitle = 'T'\npublished = 2030-01-02\n+++\nB";
        let (f, body) = split_any(toml);
        assert_eq!((f["title"].as_str(), f["published"].as_str(), body), ("T", "2030-01-02", "B"));
        let (f, body) = split_any("---\nunterminated");
        assert!(f.is_empty() && body.starts_with("---"));
    }
}
