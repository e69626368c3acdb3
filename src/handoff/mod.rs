//! The hand-off: a writing command typed in a shell while another process
//! (`parley serve`, `parley console`) holds the writer is sent to that
//! process over a Unix socket in the data directory ([`SOCKET_FILE`],
//! owner-only), performed there through the same engine calls, and its
//! progress and result streamed back, so the shell prints what it would
//! have printed had it done the work itself.
//!
//! This module owns the protocol (a small versioned JSON-lines exchange:
//! one request line, then event lines — progress, then one `done` or
//! `failed`), performing a writing command over an engine ([`perform`],
//! which the command line uses too when it holds the writer), the server
//! and the client. It must NOT know clap or serenity, format output for a
//! person, or decide anything the engine decides (duplicates, ids).

#[cfg(unix)]
pub mod client;
mod perform;
#[cfg(unix)]
pub mod server;

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::article::{ArticleMeta, Published};
use crate::engine::{ImportReport, Reconciled, VectorStatus};

pub use perform::{perform, PerformConfig, PerformError, VectorMode};

/// The protocol's version; a request with another is refused.
pub const VERSION: u32 = 1;
/// The socket, in the data directory.
pub const SOCKET_FILE: &str = "parley.sock";
/// Most bytes of one request line (the largest file `add` takes, 20 MB,
/// is about 27 MB once encoded).
pub const MAX_REQUEST_BYTES: usize = 72 << 20;
/// Largest `import` file a shell hands over (encoded, it fits a request).
pub const MAX_IMPORT_BYTES: u64 = 48 << 20;
/// Most bytes of one event line the client reads (an import's report).
pub const MAX_EVENT_BYTES: usize = 256 << 20;
/// Requests served at once; more are refused as busy.
pub const MAX_CONNECTIONS: usize = 4;
/// Time a client has to send its whole request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time one event may take to be written to a client.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request: the protocol version, who asked (for the audit log: the
/// shell's user name), and the command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub v: u32,
    #[serde(default)]
    pub user: String,
    pub command: Command,
}

impl Request {
    pub fn new(user: &str, command: Command) -> Request {
        Request { v: VERSION, user: user.chars().filter(|c| !c.is_control()).take(100).collect(), command }
    }
}

/// A writing command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `parley add`: files (as their bytes) and URLs, with the metadata
    /// given on the command line.
    Add {
        items: Vec<AddItem>,
        #[serde(default)]
        meta: MetaOverrides,
    },
    /// `parley import`: a CSV or JSON Lines file.
    Import {
        file: BulkFile,
        /// `FIELD=COLUMN` maps.
        #[serde(default)]
        maps: Vec<String>,
    },
    /// `parley remove`.
    Remove { id: String },
    /// `parley reindex`.
    Reindex,
    /// `parley vectors`.
    Vectors,
}

/// One thing `add` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddItem {
    /// A file on this machine, read where the command runs; never sent
    /// (the client sends its bytes as [`AddItem::File`]).
    #[serde(skip)]
    Path(PathBuf),
    /// A file's bytes, named as the shell named it (its extension says
    /// the format; the name is the origin in messages).
    File { name: String, content: Content },
    /// A web page, fetched by the process that performs the request.
    Url { url: String },
    /// A file the shell could not read, with the reason (a refusal in the
    /// report, as when the command runs itself).
    Unreadable { origin: String, reason: String },
}

/// The file `import` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkFile {
    /// Read where the command runs; never sent.
    #[serde(skip)]
    Path(PathBuf),
    /// Its bytes, with its path as the shell named it.
    Content { origin: String, content: Content },
}

/// Metadata given on the command line that overrides the file's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetaOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
}

/// Bytes, carried as base64 text.
#[derive(Clone, PartialEq, Eq)]
pub struct Content(pub Vec<u8>);

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Content({} bytes)", self.0.len())
    }
}

impl Serialize for Content {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Content)
            .map_err(|e| serde::de::Error::custom(format!("content is not base64 ({e})")))
    }
}

/// One line the server sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Progress(Progress),
    /// The command was performed; the last line.
    Done(Outcome),
    /// It was not, or not whole; the last line.
    Failed(Failure),
}

/// Progress of a long command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// An import committed this many articles so far.
    Imported { count: usize },
    /// Passage vectors computed so far.
    Vectors { done: usize, total: usize },
}

/// What a performed command did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `add`, `import`.
    Added(ImportReport),
    Removed(ArticleMeta),
    Reindexed(Reconciled),
    Vectors(VectorStatus),
}

/// Why a command failed: the error and its causes, outermost first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub message: String,
    #[serde(default)]
    pub causes: Vec<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), causes: Vec::new() }
    }

    /// An error with its chain of sources.
    pub fn from_error(e: &(dyn std::error::Error + 'static)) -> Failure {
        let mut causes = Vec::new();
        let mut source = e.source();
        while let Some(s) = source {
            causes.push(s.to_string());
            source = s.source();
        }
        Failure { message: e.to_string(), causes }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a command is about, for the audit log and the server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `add`, `import`, `remove`, `reindex`, `vectors`.
    pub action: &'static str,
    /// File names, URLs, an article id.
    pub target: String,
}

impl Command {
    pub fn summary(&self) -> Summary {
        let (action, target) = match self {
            Command::Add { items, .. } => {
                let names: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        AddItem::Path(p) => p.display().to_string(),
                        AddItem::File { name, .. } => name.clone(),
                        AddItem::Url { url } => url.clone(),
                        AddItem::Unreadable { origin, .. } => origin.clone(),
                    })
                    .collect();
                ("add", names.join(", "))
            }
            Command::Import { file, .. } => (
                "import",
                match file {
                    BulkFile::Path(p) => p.display().to_string(),
                    BulkFile::Content { origin, .. } => origin.clone(),
                },
            ),
            Command::Remove { id } => ("remove", id.clone()),
            Command::Reindex => ("reindex", String::new()),
            Command::Vectors => ("vectors", String::new()),
        };
        Summary { action, target: crate::text::one_line(&target).chars().take(300).collect() }
    }
}

/// A request or reply the protocol refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("the request is larger than {} MB", .max >> 20)]
    TooLarge { max: usize },
    #[error("the request did not arrive within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("the connection closed before a whole request line")]
    Incomplete,
    #[error("the request is not valid: {0}")]
    Malformed(String),
    #[error(
        "this Parley speaks hand-off version {VERSION}, the request version {}: run the same parley binary in the shell and in the running process",
        .got.as_deref().unwrap_or("none")
    )]
    UnknownVersion { got: Option<String> },
    #[error("unknown command: {0}")]
    UnknownCommand(String),
}

/// Reads one request line (without its newline).
pub fn parse_request(line: &[u8]) -> Result<Request, ProtocolError> {
    let text = std::str::from_utf8(line).map_err(|_| ProtocolError::Malformed("not UTF-8 text".into()))?;
    /// The version alone, every other field skipped unread.
    #[derive(Deserialize)]
    struct Head {
        v: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_str(text)
        .map_err(|e| ProtocolError::Malformed(format!("not a JSON object on one line ({e})")))?;
    match &head.v {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
        other => {
            let got = other.as_ref().map(|v| v.to_string().chars().take(20).collect());
            return Err(ProtocolError::UnknownVersion { got });
        }
    }
    serde_json::from_str::<Request>(text).map_err(|e| {
        let msg = e.to_string();
        if msg.starts_with("unknown variant") && !msg.contains("expected one of `file`") {
            ProtocolError::UnknownCommand(msg)
        } else {
            ProtocolError::Malformed(msg)
        }
    })
}

/// One line of JSON (with its newline) for an event or a request.
pub fn to_line<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut line = serde_json::to_vec(value)?;
    line.push(b'\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_request() -> Request {
        Request::new(
            "ana",
            Command::Add {
                items: vec![
                    AddItem::File { name: "talks.txt".into(), content: Content(vec![0, 1, 2, 0xff, b'a']) },
                    AddItem::Url { url: "https://vorn.example/a".into() },
                    AddItem::Unreadable { origin: "gone.txt".into(), reason: "no such file".into() },
                ],
                meta: MetaOverrides { title: Some("Vorn talks".into()), ..MetaOverrides::default() },
            },
        )
    }

    #[test]
    fn requests_round_trip_as_one_line() {
        for r in [
            add_request(),
            Request::new("", Command::Remove { id: "2031-01-02-talks".into() }),
            Request::new("", Command::Reindex),
            Request::new(
                "",
                Command::Import {
                    file: BulkFile::Content { origin: "x.csv".into(), content: Content(b"a,b\n".to_vec()) },
                    maps: vec!["body=text".into()],
                },
            ),
        ] {
            let line = to_line(&r).unwrap();
            assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
            assert_eq!(parse_request(&line[..line.len() - 1]).unwrap(), r);
        }
    }

    #[test]
    fn local_paths_are_never_sent() {
        let r =
            Request::new("", Command::Add { items: vec![AddItem::Path("/etc/passwd".into())], meta: <_>::default() });
        assert!(to_line(&r).is_err());
        let r = Request::new("", Command::Import { file: BulkFile::Path("/x.csv".into()), maps: vec![] });
        assert!(to_line(&r).is_err());
    }

    #[test]
    fn malformed_lines_are_refused_plainly() {
        for bad in [&b"not json"[..], b"", b"[1,2]", b"{\"v\":1", b"\xff\xfe", b"{\"v\":1}", b"{\"v\":1,\"command\":7}"]
        {
            let e = parse_request(bad).unwrap_err();
            assert!(matches!(e, ProtocolError::Malformed(_)), "{bad:?}: {e:?}");
        }
        let e = parse_request(br#"{"v":1,"command":{"add":{"items":[{"file":{"name":"a.txt","content":"!!"}}]}}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("base64"), "{e}");
    }

    #[test]
    fn other_versions_and_unknown_commands_are_refused() {
        for (line, got) in [
            (r#"{"v":2,"command":"reindex"}"#, "2"),
            (r#"{"v":"1","command":"reindex"}"#, "\"1\""),
            (r#"{"command":"reindex"}"#, "none"),
            (r#"{"v":-1,"command":"reindex"}"#, "-1"),
        ] {
            let e = parse_request(line.as_bytes()).unwrap_err();
            assert!(matches!(e, ProtocolError::UnknownVersion { .. }), "{line}: {e:?}");
            assert!(e.to_string().contains(&format!("request version {got}")), "{e}");
        }
        let e = parse_request(br#"{"v":1,"command":"format_disk"}"#).unwrap_err();
        assert!(matches!(e, ProtocolError::UnknownCommand(_)), "{e:?}");
        assert!(e.to_string().contains("format_disk"), "{e}");
        let e = parse_request(br#"{"v":1,"command":{"path":{"0":"/etc"}}}"#).unwrap_err();
        assert!(matches!(e, ProtocolError::UnknownCommand(_)), "{e:?}");
        assert_eq!(parse_request(br#"{"v":1,"command":"reindex"}"#).unwrap().command, Command::Reindex);
    }

    #[test]
    fn failures_keep_their_causes() {
        let io = std::io::Error::other("disk full");
        let e = crate::corpus::ingest::IngestError::Unreadable { origin: "a.txt".into(), reason: io.to_string() };
        let f = Failure::from_error(&e);
        assert!(f.message.contains("a.txt"), "{f:?}");
        let line = to_line(&Event::Failed(f.clone())).unwrap();
        assert_eq!(serde_json::from_slice::<Event>(&line).unwrap(), Event::Failed(f));
    }
}
