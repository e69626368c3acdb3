//! The shell's side: sends a writing command to the process holding the
//! writer and hears its progress and result. Files are read here (the
//! other process has another working directory) and sent as bytes, within
//! the limits `add` and `import` keep; an `add` of many files goes as
//! several requests, each within [`super::MAX_REQUEST_BYTES`], and their
//! reports are joined. It must not print anything: the caller does.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use super::{
    to_line, AddItem, BulkFile, Command, Content, Event, Failure, Outcome, Progress, Request, MAX_EVENT_BYTES,
    MAX_IMPORT_BYTES, SOCKET_FILE, WRITE_TIMEOUT,
};
use crate::article::ArticleId;
use crate::engine::{ImportReport, Refusal};

/// File bytes sent in one `add` request (encoded they take a third more).
const ADD_BUDGET: usize = 40 << 20;

/// Why a command handed over did not come back done.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No process listens: nothing was sent.
    #[error("nobody answers on {}", .path.display())]
    Unreachable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The running process refused or failed it (its error, as it said it).
    #[error("{0}")]
    Failed(Failure),
    /// Reading what to send failed here; nothing was sent.
    #[error(transparent)]
    Local(#[from] crate::engine::Error),
    #[error(
        "{origin} is larger than {} MB, the most a shell hands to the running Parley: nothing was imported; stop it (the bot) to import this file, or split it",
        MAX_IMPORT_BYTES >> 20
    )]
    TooLarge { origin: String },
    /// The exchange broke before the answer: the command may or may not
    /// have been performed.
    #[error("{}", lost(.reason, .added))]
    Lost { reason: String, added: Vec<ArticleId> },
}

fn lost(reason: &str, added: &[ArticleId]) -> String {
    let mut s = format!(
        "the running Parley did not finish answering ({reason}): the command may not have been performed; check with `parley list`"
    );
    if !added.is_empty() {
        let ids: Vec<&str> = added.iter().map(ArticleId::as_str).collect();
        s.push_str(&format!(" (added before that: {})", ids.join(", ")));
    }
    s
}

/// Hands `command` to the process listening in `data_dir`.
pub fn hand_off(
    data_dir: &Path,
    user: &str,
    command: Command,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, ClientError> {
    match command {
        Command::Add { items, meta } => {
            let mut report = ImportReport::default();
            let mut group: Vec<AddItem> = Vec::new();
            let mut size = 0;
            let mut first = true;
            let mut send_group = |group: Vec<AddItem>, report: &mut ImportReport, first: &mut bool| {
                let request = Request::new(user, Command::Add { items: group, meta: meta.clone() });
                let result = exchange(data_dir, &request, progress);
                let was_first = std::mem::replace(first, false);
                match result {
                    Ok(Outcome::Added(r)) => {
                        report.added.extend(r.added);
                        report.refused.extend(r.refused);
                        Ok(())
                    }
                    Ok(_) => {
                        Err(ClientError::Lost { reason: "it answered another command".into(), added: ids(report) })
                    }
                    Err(e) if was_first => Err(e),
                    Err(e) => Err(ClientError::Lost { reason: e.to_string(), added: ids(report) }),
                }
            };
            for item in items {
                let item = wire_item(item);
                let cost = match &item {
                    AddItem::File { content, .. } => content.0.len(),
                    _ => 0,
                };
                if !group.is_empty() && size + cost > ADD_BUDGET {
                    send_group(std::mem::take(&mut group), &mut report, &mut first)?;
                    size = 0;
                }
                size += cost;
                group.push(item);
            }
            if !group.is_empty() || first {
                send_group(group, &mut report, &mut first)?;
            }
            Ok(Outcome::Added(report))
        }
        Command::Import { file: BulkFile::Path(path), maps } => {
            let origin = path.display().to_string();
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_IMPORT_BYTES) {
                return Err(ClientError::TooLarge { origin });
            }
            let bytes =
                crate::corpus::ingest::read_file_bytes(&path, MAX_IMPORT_BYTES).map_err(crate::engine::Error::from)?;
            let file = BulkFile::Content { origin, content: Content(bytes) };
            exchange(data_dir, &Request::new(user, Command::Import { file, maps }), progress)
        }
        other => exchange(data_dir, &Request::new(user, other), progress),
    }
}

fn ids(report: &ImportReport) -> Vec<ArticleId> {
    report.added.iter().map(|a| a.id.clone()).collect()
}

/// A file as bytes, or the reason it cannot be read (refused as when the
/// command runs itself).
fn wire_item(item: AddItem) -> AddItem {
    match item {
        AddItem::Path(path) => {
            let origin = path.display().to_string();
            match crate::engine::load_document_file(&path) {
                Ok(bytes) => AddItem::File { name: origin, content: Content(bytes) },
                Err(e) => {
                    let Refusal { origin, reason, .. } = Refusal::from_error(&origin, &e);
                    AddItem::Unreadable { origin, reason }
                }
            }
        }
        other => other,
    }
}

/// One request, then its events until `done` or `failed`.
fn exchange(data_dir: &Path, request: &Request, progress: &mut dyn FnMut(Progress)) -> Result<Outcome, ClientError> {
    let path = data_dir.join(SOCKET_FILE);
    let mut stream = UnixStream::connect(&path).map_err(|source| ClientError::Unreachable { path, source })?;
    let line = to_line(request).map_err(|e| ClientError::Lost { reason: e.to_string(), added: Vec::new() })?;
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let sent = stream.write_all(&line).and_then(|()| stream.flush());
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Read even when sending failed: the process may have said why.
    let mut reader = BufReader::new(stream);
    loop {
        let mut buf = Vec::new();
        let read = (&mut reader).take(MAX_EVENT_BYTES as u64 + 1).read_until(b'\n', &mut buf);
        let lost = |reason: String| ClientError::Lost { reason, added: Vec::new() };
        match read {
            Ok(0) => {
                return Err(lost(match &sent {
                    Err(e) => format!("the request could not be sent: {e}"),
                    Ok(()) => "the connection closed before the answer".into(),
                }))
            }
            Ok(_) if buf.len() > MAX_EVENT_BYTES => return Err(lost("an answer was too large to read".into())),
            Ok(_) => {}
            Err(e) => return Err(lost(format!("reading the answer: {e}"))),
        }
        let event: Event =
            serde_json::from_slice(&buf).map_err(|e| lost(format!("an answer could not be read ({e})")))?;
        match event {
            Event::Progress(p) => progress(p),
            Event::Done(o) => return Ok(o),
            Event::Failed(f) => return Err(ClientError::Failed(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A process on the socket that reads each request and answers with
    /// `lines` (then hangs up), one entry per connection.
    fn fake_writer(dir: &Path, answers: Vec<Vec<Event>>) -> std::thread::JoinHandle<Vec<Request>> {
        let listener = UnixListener::bind(dir.join(SOCKET_FILE)).unwrap();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for events in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut line = Vec::new();
                reader.read_until(b'\n', &mut line).unwrap();
                seen.push(super::super::parse_request(line.trim_ascii_end()).unwrap());
                let mut stream = reader.into_inner();
                for e in events {
                    stream.write_all(&to_line(&e).unwrap()).unwrap();
                }
            }
            seen
        })
    }

    #[test]
    fn an_answer_cut_short_is_an_error_never_a_success() {
        let dir = tempfile::tempdir().unwrap();
        let server = fake_writer(dir.path(), vec![vec![Event::Progress(Progress::Imported { count: 3 })]]);
        let mut heard = Vec::new();
        let r = hand_off(dir.path(), "ana", Command::Reindex, &mut |p| heard.push(p));
        assert!(matches!(r, Err(ClientError::Lost { .. })), "{r:?}");
        assert!(r.unwrap_err().to_string().contains("may not have been performed"));
        assert_eq!(heard, [Progress::Imported { count: 3 }]);
        assert_eq!(server.join().unwrap()[0].user, "ana");
    }

    #[test]
    fn files_travel_as_bytes_and_refusals_as_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vorn.txt");
        std::fs::write(&file, "Vorn talks\nAda Quill spoke.").unwrap();
        let failure = Failure { message: "no article with id x".into(), causes: vec!["deeper".into()] };
        let server = fake_writer(
            dir.path(),
            vec![vec![Event::Done(Outcome::Added(ImportReport::default()))], vec![Event::Failed(failure.clone())]],
        );
        let items = vec![AddItem::Path(file.clone()), AddItem::Path(dir.path().join("gone.txt"))];
        let r = hand_off(dir.path(), "", Command::Add { items, meta: <_>::default() }, &mut |_| {});
        assert!(matches!(r, Ok(Outcome::Added(_))), "{r:?}");
        let r = hand_off(dir.path(), "", Command::Remove { id: "x".into() }, &mut |_| {});
        assert!(matches!(&r, Err(ClientError::Failed(f)) if *f == failure), "{r:?}");
        let seen = server.join().unwrap();
        let Command::Add { items, .. } = &seen[0].command else { panic!("{:?}", seen[0]) };
        assert_eq!(
            items[0],
            AddItem::File {
                name: file.display().to_string(),
                content: Content(b"Vorn talks\nAda Quill spoke.".to_vec())
            }
        );
        assert!(
            matches!(&items[1], AddItem::Unreadable { reason, .. } if reason.contains("no such file")),
            "{items:?}"
        );
        // Nobody listening: unreachable, nothing sent.
        std::fs::remove_file(dir.path().join(SOCKET_FILE)).unwrap();
        let r = hand_off(dir.path(), "", Command::Reindex, &mut |_| {});
        assert!(matches!(r, Err(ClientError::Unreachable { .. })), "{r:?}");
    }

    #[test]
    fn an_import_too_large_to_hand_over_is_refused_here() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.jsonl");
        std::fs::File::create(&big).unwrap().set_len(MAX_IMPORT_BYTES + 1).unwrap();
        let r = hand_off(dir.path(), "", Command::Import { file: BulkFile::Path(big), maps: vec![] }, &mut |_| {});
        let e = r.unwrap_err();
        assert!(matches!(e, ClientError::TooLarge { .. }), "{e:?}");
        assert!(e.to_string().contains("nothing was imported"), "{e}");
    }
}
