//! Who holds the writer: while an engine holds the index's writer lock it
//! keeps one line in `<data>/parley.writer` ("parley serve, pid 4242,
//! since …"), so a second writer can say what it waits for. The lock
//! decides; the note only names it (a note left by a killed process is
//! never read while the lock is free, and the next writer replaces it).
//! It must not decide anything about locking.

use std::path::{Path, PathBuf};

/// The note's file in the data directory.
pub const HOLDER_FILE: &str = "parley.writer";

/// The note of this process, removed when dropped (if still ours).
#[derive(Debug)]
pub(super) struct HolderNote {
    path: PathBuf,
    line: String,
}

impl HolderNote {
    /// Writes the note (atomically: temp file, rename). A failure is only
    /// logged: the note is a courtesy, the lock is what counts.
    pub(super) fn claim(data_dir: &Path, label: &str) -> Option<HolderNote> {
        let since = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        let line = format!("{}, pid {}, since {since}", crate::text::one_line(label), std::process::id());
        let path = data_dir.join(HOLDER_FILE);
        let tmp = data_dir.join(format!("{HOLDER_FILE}.{}.tmp", std::process::id()));
        let written = std::fs::write(&tmp, format!("{line}\n")).and_then(|()| std::fs::rename(&tmp, &path));
        match written {
            Ok(()) => Some(HolderNote { path, line }),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                tracing::debug!(path = %path.display(), "cannot write the writer's note: {e}");
                None
            }
        }
    }
}

impl Drop for HolderNote {
    fn drop(&mut self) {
        if std::fs::read_to_string(&self.path).is_ok_and(|s| s.trim_end() == self.line) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What the note of the process holding the writer says, as one short
/// line without control characters; `None` without a note.
pub fn writer_holder(data_dir: &Path) -> Option<String> {
    let text = std::fs::read(data_dir.join(HOLDER_FILE)).ok()?;
    let text = String::from_utf8_lossy(&text[..text.len().min(400)]).into_owned();
    let line: String = text.lines().next()?.chars().filter(|c| !c.is_control()).take(200).collect();
    Some(line.trim().to_owned()).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_names_the_holder_and_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(writer_holder(dir.path()), None);
        let note = HolderNote::claim(dir.path(), "parley serve\x1b[2J").unwrap();
        let said = writer_holder(dir.path()).unwrap();
        assert!(said.starts_with("parley serve"), "{said}");
        assert!(said.contains(&format!("pid {}", std::process::id())), "{said}");
        assert!(!said.contains('\x1b'));
        drop(note);
        assert_eq!(writer_holder(dir.path()), None);
        // A note another process wrote since stays.
        let note = HolderNote::claim(dir.path(), "parley console").unwrap();
        std::fs::write(dir.path().join(HOLDER_FILE), "parley import, pid 1, since x\n").unwrap();
        drop(note);
        assert_eq!(writer_holder(dir.path()).as_deref(), Some("parley import, pid 1, since x"));
    }
}
