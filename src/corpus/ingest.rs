//! Reading articles from what people bring: `.txt` and `.md` files (with a
//! YAML or TOML front matter), and CSV or JSON Lines files for bulk import.
//!
//! It produces [`ArticleDraft`]s — an article before it has an id — or a
//! reason to refuse the item. It decides nothing about duplicates and writes
//! nothing; the engine does.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use crate::article::{Published, UNKNOWN_OUTLET};

/// An article as brought, before it gets an id and enters the corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleDraft {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<Published>,
    pub language: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub body: String,
    /// Who added it ("cli", a Discord user).
    pub added_by: String,
    /// Where it came from, for messages: a file name, `file.csv row 12`, a URL.
    pub origin: String,
}

/// Metadata given on the command line (or a form) that overrides what the
/// file says.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<Published>,
}

impl ArticleDraft {
    pub fn apply(&mut self, o: &Overrides) {
        if let Some(t) = &o.title {
            self.title = Some(t.clone());
        }
        if let Some(v) = &o.outlet {
            self.outlet = Some(v.clone());
        }
        if let Some(v) = &o.url {
            self.url = Some(v.clone());
        }
        if let Some(v) = o.published {
            self.published = Some(v);
        }
    }

    /// Drops control characters from every field (ESC and its kin would
    /// reach the terminal that shows them): the body keeps its line breaks
    /// and tabs, the other fields become single lines; fields left empty
    /// are dropped.
    pub fn strip_controls(&mut self) {
        let line = |s: &str| crate::text::one_line(s).split_whitespace().collect::<Vec<_>>().join(" ");
        let field = |f: &mut Option<String>| {
            *f = f.as_deref().map(line).filter(|s| !s.is_empty());
        };
        field(&mut self.title);
        field(&mut self.outlet);
        field(&mut self.language);
        // A URL has no spaces: a control character inside one is dropped, not spaced.
        self.url = self.url.as_deref().map(|u| crate::text::one_line(u).replace(' ', "")).filter(|u| !u.is_empty());
        for list in [&mut self.authors, &mut self.tags] {
            *list = list.iter().map(|s| line(s)).filter(|s| !s.is_empty()).collect();
        }
        self.body = crate::text::body_text(&self.body).into_owned();
    }

    /// The outlet to record: the one given, else the URL's host name, else
    /// "unknown".
    pub fn outlet_or_default(&self) -> String {
        if let Some(o) = self.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            return o.to_owned();
        }
        self.url.as_deref().and_then(host_of).unwrap_or_else(|| UNKNOWN_OUTLET.to_owned())
    }
}

/// The host name of an http(s) URL, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (!host.is_empty()).then_some(host)
}

/// Why an item was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("{origin}: cannot read it ({reason})")]
    Unreadable { origin: String, reason: String },
    #[error("{origin}: only .txt, .md, .csv and .jsonl files can be added")]
    UnsupportedType { origin: String },
    #[error("{origin}: the body is empty")]
    EmptyBody { origin: String },
    #[error("{origin}: the text is not in a known encoding")]
    Encoding { origin: String },
    #[error("{origin}: {field} {value:?} is not a date (use YYYY-MM-DD with a year from 1000 to 9999)")]
    BadDate { origin: String, field: String, value: String },
    #[error("{origin}: {reason}")]
    Malformed { origin: String, reason: String },
}

/// Largest file accepted.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Decodes file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or a
/// detected legacy encoding (Windows-1252, KOI8-R …). Text with NUL bytes or
/// too many replacement characters is refused.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if bytes.contains(&0) {
        return None;
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, had_errors) = enc.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// Reads a `.txt` or `.md` file into a draft. A `.txt` file's first line is
/// its title; a `.md` file's front matter gives `title`, `source`/`url`,
/// `date`/`published`, `outlet` (and `tags`); without a title in the front
/// matter, a first `# Heading` line or the first line is the title.
pub fn draft_from_file(path: &Path) -> Result<ArticleDraft, IngestError> {
    let origin = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("txt" | "md" | "markdown")) {
        return Err(IngestError::UnsupportedType { origin });
    }
    let bytes = read_file_bytes(path, MAX_FILE_BYTES)?;
    draft_from_bytes(&bytes, &origin, ext.as_deref() == Some("txt"))
}

/// The bytes of a file a person brought, refused (as unreadable) when it
/// is not a regular file or holds more than `max` bytes.
pub fn read_file_bytes(path: &Path, max: u64) -> Result<Vec<u8>, IngestError> {
    let origin = path.display().to_string();
    let md = std::fs::metadata(path)
        .map_err(|e| IngestError::Unreadable { origin: origin.clone(), reason: io_reason(&e) })?;
    if !md.is_file() {
        return Err(IngestError::Unreadable { origin, reason: "not a file".into() });
    }
    if md.len() > max {
        return Err(IngestError::Unreadable { origin, reason: format!("larger than {} MB", max >> 20) });
    }
    std::fs::read(path).map_err(|e| IngestError::Unreadable { origin, reason: io_reason(&e) })
}

/// Reads a text or Markdown document given as bytes (a file, an
/// attachment). `plain` is true for `.txt`.
pub fn draft_from_bytes(bytes: &[u8], origin: &str, plain: bool) -> Result<ArticleDraft, IngestError> {
    let text = decode(bytes).ok_or_else(|| IngestError::Encoding { origin: origin.to_owned() })?;
    let mut draft = ArticleDraft { origin: origin.to_owned(), ..Default::default() };
    let body = if plain {
        text.as_str()
    } else {
        let (fields, body) = super::frontmatter::split_any(&text);
        fill_from_fields(&mut draft, &fields, origin)?;
        body
    };
    let body = body.trim_start_matches('\u{feff}').trim();
    let body = if draft.title.is_none() {
        let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
        let title = first.trim().trim_start_matches('#').trim();
        if title.is_empty() {
            body
        } else {
            draft.title = Some(title.to_owned());
            rest
        }
    } else {
        body
    };
    draft.body = clean_body(body);
    if draft.body.trim().is_empty() {
        return Err(IngestError::EmptyBody { origin: origin.to_owned() });
    }
    Ok(draft)
}

/// Normalises line endings and strips control characters from a body
/// (C0, DEL and C1; line breaks and tabs stay).
pub fn clean_body(body: &str) -> String {
    crate::text::body_text(&body.replace("\r\n", "\n").replace('\r', "\n")).trim().to_owned()
}

fn fill_from_fields(draft: &mut ArticleDraft, f: &BTreeMap<String, String>, origin: &str) -> Result<(), IngestError> {
    let get =
        |names: &[&str]| names.iter().find_map(|n| f.get(*n)).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    draft.title = get(&["title", "headline"]);
    draft.outlet = get(&["outlet", "site", "site_name", "publisher"]);
    draft.url = get(&["url", "source", "link"]).filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    draft.language = get(&["language", "lang"]);
    if let Some(tags) = get(&["tags"]) {
        draft.tags = tags.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    }
    draft.published = parse_date_field(get(&["published", "date"]), "date", origin)?;
    Ok(())
}

/// A date field: empty or "unknown" is no date; anything else must parse.
fn parse_date_field(value: Option<String>, field: &str, origin: &str) -> Result<Option<Published>, IngestError> {
    let Some(v) = value else { return Ok(None) };
    if v.eq_ignore_ascii_case("unknown") || v.eq_ignore_ascii_case("null") || v == "~" {
        return Ok(None);
    }
    Published::parse(&v).map(Some).map_err(|_| IngestError::BadDate {
        origin: origin.to_owned(),
        field: field.to_owned(),
        value: v,
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Which column holds which field, for `import`. The defaults accept the
/// usual names: `url|link`, `title|headline`, `published|date`,
/// `body|text|content`, `outlet`.
#[derive(Debug, Clone)]
pub struct FieldMap {
    pub url: Vec<String>,
    pub title: Vec<String>,
    pub published: Vec<String>,
    pub body: Vec<String>,
    pub outlet: Vec<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        FieldMap {
            url: v(&["url", "link", "source"]),
            title: v(&["title", "headline"]),
            published: v(&["published", "date"]),
            body: v(&["body", "text", "content"]),
            outlet: v(&["outlet", "source_name", "publisher"]),
        }
    }
}

impl FieldMap {
    /// Applies `field=column` overrides (`--map body=article_text`).
    pub fn with_overrides(mut self, maps: &[String]) -> Result<FieldMap, String> {
        for m in maps {
            let (field, column) = m
                .split_once('=')
                .map(|(f, c)| (f.trim(), c.trim()))
                .filter(|(f, c)| !f.is_empty() && !c.is_empty())
                .ok_or_else(|| format!("--map {m:?}: expected field=column"))?;
            let slot = match field {
                "url" => &mut self.url,
                "title" => &mut self.title,
                "published" | "date" => &mut self.published,
                "body" => &mut self.body,
                "outlet" => &mut self.outlet,
                other => return Err(format!("--map: unknown field {other:?} (url, title, published, body, outlet)")),
            };
            *slot = vec![column.to_owned()];
        }
        Ok(self)
    }
}

/// One record of a bulk file: a draft, or the reason it was refused.
pub type Record = Result<ArticleDraft, IngestError>;

/// The two bulk formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkFormat {
    Csv,
    JsonLines,
}

/// Reads a `.csv` or `.jsonl` file record by record. A file that cannot be
/// opened at all is an error; a bad record is a refused item.
pub fn read_bulk(path: &Path, map: &FieldMap) -> Result<Box<dyn Iterator<Item = Record>>, IngestError> {
    let origin = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| IngestError::Unreadable { origin: origin.clone(), reason: io_reason(&e) })?;
    read_bulk_named(std::io::BufReader::new(file), &origin, map)
}

/// [`read_bulk`] over bytes already read (a file handed over by another
/// process); `origin` is the file's path as its reader named it, and its
/// extension says the format.
pub fn read_bulk_bytes(
    bytes: Vec<u8>,
    origin: &str,
    map: &FieldMap,
) -> Result<Box<dyn Iterator<Item = Record>>, IngestError> {
    read_bulk_named(std::io::Cursor::new(bytes), origin, map)
}

/// The format from `origin`'s extension; records named by its file name.
fn read_bulk_named(
    reader: impl BufRead + 'static,
    origin: &str,
    map: &FieldMap,
) -> Result<Box<dyn Iterator<Item = Record>>, IngestError> {
    let path = Path::new(origin);
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let format = match ext.as_deref() {
        Some("csv") => BulkFormat::Csv,
        Some("jsonl" | "ndjson") => BulkFormat::JsonLines,
        _ => return Err(IngestError::UnsupportedType { origin: origin.to_owned() }),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| origin.to_owned());
    read_bulk_from(reader, format, &name, map)
}

/// [`read_bulk`] over any reader (a file, an attachment's bytes); `name`
/// names the records' origins ("`name` row 3").
pub fn read_bulk_from(
    reader: impl BufRead + 'static,
    format: BulkFormat,
    name: &str,
    map: &FieldMap,
) -> Result<Box<dyn Iterator<Item = Record>>, IngestError> {
    let name = name.to_owned();
    let map = map.clone();
    match format {
        BulkFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| IngestError::Malformed { origin: name.clone(), reason: format!("no CSV header ({e})") })?
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
                .collect();
            if find(&headers, &map.body).is_none() {
                return Err(IngestError::Malformed {
                    origin: name,
                    reason: format!("no body column (looked for {}; use --map body=COLUMN)", map.body.join("|")),
                });
            }
            let iter = reader.into_byte_records().enumerate().map(move |(i, rec)| {
                let origin = format!("{name} row {}", i + 2);
                let rec = rec.map_err(|e| IngestError::Malformed { origin: origin.clone(), reason: e.to_string() })?;
                let field = |names: &[String]| -> Option<String> {
                    find(&headers, names)
                        .and_then(|i| rec.get(i))
                        .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                        .filter(|s| !s.is_empty())
                };
                draft_from_record(field, &map, origin)
            });
            Ok(Box::new(iter))
        }
        BulkFormat::JsonLines => {
            let lines = reader.lines().enumerate();
            let iter =
                lines.filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty())).map(move |(i, line)| {
                    let origin = format!("{name} line {}", i + 1);
                    let line =
                        line.map_err(|e| IngestError::Malformed { origin: origin.clone(), reason: e.to_string() })?;
                    let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&line).map_err(|e| {
                        IngestError::Malformed { origin: origin.clone(), reason: format!("not a JSON object ({e})") }
                    })?;
                    let obj: BTreeMap<String, &serde_json::Value> =
                        obj.iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
                    let field = |names: &[String]| -> Option<String> {
                        names.iter().find_map(|n| obj.get(&n.to_ascii_lowercase())).and_then(|v| match v {
                            serde_json::Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
                            serde_json::Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                    };
                    draft_from_record(field, &map, origin)
                });
            Ok(Box::new(iter))
        }
    }
}

fn find(headers: &[String], names: &[String]) -> Option<usize> {
    names.iter().find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
}

/// A draft from one record, `field` giving the value of the first of
/// several column names that the record has.
fn draft_from_record(field: impl Fn(&[String]) -> Option<String>, map: &FieldMap, origin: String) -> Record {
    let (title, outlet, url, published) =
        (field(&map.title), field(&map.outlet), field(&map.url), field(&map.published));
    let body = clean_body(&field(&map.body).unwrap_or_default());
    if body.is_empty() {
        return Err(IngestError::EmptyBody { origin });
    }
    let published = parse_date_field(published, "date", &origin)?;
    Ok(ArticleDraft {
        title,
        outlet,
        url: url.filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        published,
        body,
        origin,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_take_their_first_line_as_title() {
        let d = draft_from_bytes(b"Talks in Vorn\nAda Quill spoke.\nMore.", "a.txt", true).unwrap();
        assert_eq!(d.title.as_deref(), Some("Talks in Vorn"));
        assert_eq!(d.body, "Ada Quill spoke.\nMore.");
    }

    #[test]
    fn markdown_front_matter_gives_metadata() {
        let md =
            "---\ntitle: \"Vorn deal\"\nsource: https://www.quill.example/a?x=1\ndate: 2031-02-03\n---\n\nBody here.";
        let d = draft_from_bytes(md.as_bytes(), "a.md", false).unwrap();
        assert_eq!(d.title.as_deref(), Some("Vorn deal"));
        assert_eq!(d.url.as_deref(), Some("https://www.quill.example/a?x=1"));
        assert_eq!(d.published.unwrap().to_string(), "2031-02-03");
        assert_eq!(d.outlet_or_default(), "quill.example");
        let unknown = "---\ntitle: x\ndate: unknown\n---\nB";
        assert_eq!(draft_from_bytes(unknown.as_bytes(), "b.md", false).unwrap().published, None);
        let bad = "---\ntitle: x\ndate: 31/02/2031\n---\nB";
        assert!(matches!(draft_from_bytes(bad.as_bytes(), "c.md", false), Err(IngestError::BadDate { .. })));
    }

    #[test]
    fn empty_and_binary_inputs_are_refused() {
        assert!(matches!(draft_from_bytes(b"", "e.txt", true), Err(IngestError::EmptyBody { .. })));
        assert!(matches!(draft_from_bytes(b"Title only\n", "e.txt", true), Err(IngestError::EmptyBody { .. })));
        assert!(matches!(draft_from_bytes(b"\x00\x01\x02", "b.txt", true), Err(IngestError::Encoding { .. })));
    }

    #[test]
    fn legacy_encodings_are_detected() {
        // "Café in Vornhaven" in Windows-1252.
        let bytes = b"Title\nCaf\xe9 talks resumed in Vornhaven on Monday, officials said.";
        let d = draft_from_bytes(bytes, "l.txt", true).unwrap();
        assert!(d.body.starts_with("Café"), "{}", d.body);
        let utf16 = [0xFF, 0xFE, b'H', 0, b'i', 0, b'\n', 0, b'x', 0];
        assert_eq!(decode(&utf16).as_deref(), Some("Hi\nx"));
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://www.Quill.example:8080/a").as_deref(), Some("quill.example"));
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn field_map_overrides() {
        let m = FieldMap::default().with_overrides(&["body=article".into()]).unwrap();
        assert_eq!(m.body, ["article"]);
        assert!(FieldMap::default().with_overrides(&["nope=x".into()]).is_err());
        assert!(FieldMap::default().with_overrides(&["body".into()]).is_err());
    }

    #[test]
    fn control_characters_are_stripped_from_every_field() {
        let mut d = ArticleDraft {
            title: Some("Talks\u{1b}[31m in\tVorn\u{9b}".into()),
            outlet: Some("\u{1b}]0;x\u{7}".into()),
            url: Some("https://quill.example/a\u{1b}b\n".into()),
            language: Some("en\u{0}".into()),
            authors: vec!["Ada\u{1b} Quill".into(), "\u{7}".into()],
            tags: vec!["talks\u{85}deal".into()],
            body: "Line one\u{1b}[2J.\n\tLine two\u{7f}.".into(),
            ..ArticleDraft::default()
        };
        d.strip_controls();
        assert_eq!(d.title.as_deref(), Some("Talks[31m in Vorn"));
        assert_eq!(d.outlet.as_deref(), Some("]0;x"));
        assert_eq!(d.url.as_deref(), Some("https://quill.example/ab"));
        assert_eq!(d.language.as_deref(), Some("en"));
        assert_eq!(d.authors, ["Ada Quill"]);
        assert_eq!(d.tags, ["talks deal"]);
        assert_eq!(d.body, "Line one[2J.\n\tLine two.");
        for field in [d.title, d.outlet, d.url, d.language].into_iter().flatten().chain(d.authors).chain(d.tags) {
            assert!(!field.chars().any(char::is_control), "{field:?}");
        }
    }

    #[test]
    fn signed_and_out_of_range_years_are_refused_at_import() {
        let md = "---\ntitle: x\ndate: -0001-01-01\n---\nBody.";
        let err = draft_from_bytes(md.as_bytes(), "y.md", false).unwrap_err();
        assert!(matches!(&err, IngestError::BadDate { value, .. } if value == "-0001-01-01"), "{err}");
        assert!(err.to_string().contains("a year from 1000 to 9999"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("a.csv");
        std::fs::write(
            &csv,
            "title,date,body\nA,-0001-01-01,Body one.\nB,10000-01-01,Body two.\nC,2031-01-02,Body three.\n",
        )
        .unwrap();
        let jsonl = dir.path().join("a.jsonl");
        std::fs::write(&jsonl, "{\"title\":\"A\",\"date\":\"0999-12-31\",\"body\":\"Body.\"}\n").unwrap();
        let csv: Vec<Record> = read_bulk(&csv, &FieldMap::default()).unwrap().collect();
        assert!(matches!(&csv[0], Err(IngestError::BadDate { .. })), "{:?}", csv[0]);
        assert!(matches!(&csv[1], Err(IngestError::BadDate { .. })), "{:?}", csv[1]);
        assert!(csv[2].is_ok());
        let jsonl: Vec<Record> = read_bulk(&jsonl, &FieldMap::default()).unwrap().collect();
        assert!(matches!(&jsonl[0], Err(IngestError::BadDate { .. })), "{:?}", jsonl[0]);
    }

    #[test]
    fn bulk_records_are_read_from_any_reader_with_their_row_or_line() {
        let csv = "Headline,Text\nTruce,\"Vale said yes.\"\nEmpty,\n";
        let map = FieldMap::default().with_overrides(&["body=text".into()]).unwrap();
        let rows: Vec<Record> =
            read_bulk_from(std::io::Cursor::new(csv.as_bytes().to_vec()), BulkFormat::Csv, "up.csv", &map)
                .unwrap()
                .collect();
        assert_eq!(rows[0].as_ref().unwrap().title.as_deref(), Some("Truce"));
        assert_eq!(rows[0].as_ref().unwrap().origin, "up.csv row 2");
        assert!(
            matches!(&rows[1], Err(IngestError::EmptyBody { origin }) if origin == "up.csv row 3"),
            "{:?}",
            rows[1]
        );
        let jsonl = "\n{\"body\": \"Quill spoke.\"}\n[1]\n";
        let lines: Vec<Record> = read_bulk_from(
            std::io::Cursor::new(jsonl.as_bytes().to_vec()),
            BulkFormat::JsonLines,
            "up.jsonl",
            &FieldMap::default(),
        )
        .unwrap()
        .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].as_ref().unwrap().origin, "up.jsonl line 2");
        assert!(matches!(&lines[1], Err(IngestError::Malformed { origin, .. }) if origin == "up.jsonl line 3"));
        let no_body = read_bulk_from(std::io::Cursor::new(b"title\nx\n".to_vec()), BulkFormat::Csv, "t.csv", &map);
        assert!(matches!(no_body, Err(IngestError::Malformed { origin, .. }) if origin == "t.csv"));
    }
}
