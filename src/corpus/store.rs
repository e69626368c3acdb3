//! The corpus directory: listing, reading, atomically writing and removing
//! article files, and the alias table and hidden statements beside them.
//!
//! Every write is temp file + fsync + rename, so a reader (or a crash) sees
//! the old file or the new one, never half of one. Left-over temp files
//! (`.*.tmp`) are ignored when listing and swept on open.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::hidden::{Hidden, HIDDEN_FILE};
use super::{frontmatter, Error};
use crate::article::{Article, ArticleId};
use crate::names::Aliases;

/// The corpus directory.
#[derive(Debug, Clone)]
pub struct Corpus {
    dir: PathBuf,
}

/// A corpus file as the directory lists it, before reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    pub id: ArticleId,
    pub path: PathBuf,
    pub len: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: i64,
}

/// How hard a write tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync the file before the rename and the directory after it.
    Sync,
    /// Rename only; the caller syncs the batch (see [`Corpus::sync`]).
    Batch,
}

pub const ALIASES_FILE: &str = "aliases.toml";

impl Corpus {
    /// Opens (creating if needed) the corpus directory and sweeps temp files
    /// left by an interrupted write.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Corpus, Error> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| Error::Write { path: dir.clone(), source })?;
        let corpus = Corpus { dir };
        if let Ok(entries) = fs::read_dir(&corpus.dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        Ok(corpus)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, id: &ArticleId) -> PathBuf {
        self.dir.join(format!("{id}.md"))
    }

    /// Every article file (`<id>.md` with a valid id), sorted by id.
    pub fn list(&self) -> Result<Vec<FileStamp>, Error> {
        let entries = fs::read_dir(&self.dir).map_err(|source| Error::Read { path: self.dir.clone(), source })?;
        let mut out = Vec::new();
        for e in entries {
            let e = e.map_err(|source| Error::Read { path: self.dir.clone(), source })?;
            let name = e.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".md")) else { continue };
            let Ok(id) = ArticleId::parse(stem) else {
                tracing::warn!(file = %e.path().display(), "skipped: the file name is not an article id");
                continue;
            };
            let Ok(md) = e.metadata() else { continue };
            if !md.is_file() {
                continue;
            }
            out.push(FileStamp { id, path: e.path(), len: md.len(), mtime_ns: mtime_ns(&md) });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    pub fn exists(&self, id: &ArticleId) -> bool {
        self.path_of(id).is_file()
    }

    /// The raw bytes of an article file.
    pub fn read_bytes(&self, id: &ArticleId) -> Result<Vec<u8>, Error> {
        let path = self.path_of(id);
        fs::read(&path).map_err(|source| Error::Read { path, source })
    }

    /// Reads and parses an article. Its id is the file name's, whatever the
    /// header says (a person may have renamed the file).
    pub fn read(&self, id: &ArticleId) -> Result<Article, Error> {
        let bytes = self.read_bytes(id)?;
        self.parse(id, &bytes)
    }

    /// Parses the bytes of the file of `id`.
    pub fn parse(&self, id: &ArticleId, bytes: &[u8]) -> Result<Article, Error> {
        let path = self.path_of(id);
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::Format { path: path.clone(), reason: "it is not UTF-8".into() })?;
        let mut article = frontmatter::parse(text).map_err(|reason| Error::Format { path, reason })?;
        article.meta.id = id.clone();
        Ok(article)
    }

    /// Writes an article file atomically. Returns the file's stamp and the
    /// bytes written, so a caller need not read the file back.
    pub fn write(&self, article: &Article, durability: Durability) -> Result<(FileStamp, Vec<u8>), Error> {
        let path = self.path_of(&article.meta.id);
        let bytes = frontmatter::render(article).into_bytes();
        write_atomic(&path, &bytes, durability)?;
        Ok((self.stat(&article.meta.id)?, bytes))
    }

    /// The stamp of one article file.
    pub fn stat(&self, id: &ArticleId) -> Result<FileStamp, Error> {
        let path = self.path_of(id);
        let md = fs::metadata(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
        Ok(FileStamp { id: id.clone(), path, len: md.len(), mtime_ns: mtime_ns(&md) })
    }

    /// Removes an article file. Removing a missing file is not an error.
    pub fn remove(&self, id: &ArticleId) -> Result<(), Error> {
        let path = self.path_of(id);
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Write { path, source }),
        }
    }

    /// Flushes the directory after a batch of [`Durability::Batch`] writes:
    /// each file, then the directory entry.
    pub fn sync(&self, ids: &[ArticleId]) -> Result<(), Error> {
        for id in ids {
            let path = self.path_of(id);
            let f = fs::File::open(&path).map_err(|source| Error::Write { path: path.clone(), source })?;
            f.sync_data().map_err(|source| Error::Write { path, source })?;
        }
        sync_dir(&self.dir)
    }

    /// The alias table, or an empty one when the file is absent.
    pub fn aliases(&self) -> Result<Aliases, Error> {
        let path = self.dir.join(ALIASES_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => Aliases::parse(&text).map_err(|source| Error::Aliases { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Aliases::default()),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    pub fn write_aliases(&self, aliases: &Aliases) -> Result<(), Error> {
        write_atomic(&self.dir.join(ALIASES_FILE), aliases.to_toml().as_bytes(), Durability::Sync)
    }

    /// The statements hidden from answers, or none when the file is absent.
    pub fn hidden(&self) -> Result<Hidden, Error> {
        let path = self.dir.join(HIDDEN_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => Hidden::parse(&text).map_err(|source| Error::Hidden { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Hidden::default()),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    pub fn write_hidden(&self, hidden: &Hidden) -> Result<(), Error> {
        write_atomic(&self.dir.join(HIDDEN_FILE), hidden.to_toml().as_bytes(), Durability::Sync)
    }
}

/// Modification time in nanoseconds since the epoch (0 when unknown).
fn mtime_ns(md: &fs::Metadata) -> i64 {
    md.modified().ok().and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64)
}

/// Writes `bytes` to `path` through a temp file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let err = |source| Error::Write { path: path.to_owned(), source };
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durability == Durability::Sync {
            f.sync_all()?;
        }
        drop(f);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(err(e));
    }
    if durability == Durability::Sync {
        sync_dir(dir)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    // Directories can be opened and fsynced on Unix; elsewhere this is a no-op.
    #[cfg(unix)]
    {
        let d = fs::File::open(dir).map_err(|source| Error::Write { path: dir.to_owned(), source })?;
        d.sync_all().map_err(|source| Error::Write { path: dir.to_owned(), source })?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::ArticleMeta;

    fn article(id: &str) -> Article {
        Article {
            meta: ArticleMeta {
                id: ArticleId::parse(id).unwrap(),
                title: "Vorn".into(),
                outlet: "unknown".into(),
                url: None,
                published: None,
                language: "en".into(),
                added_by: "test".into(),
                added_at: None,
                authors: vec![],
                tags: vec![],
                also_reported_by: vec![],
            },
            body: "Body.".into(),
        }
    }

    #[test]
    fn write_list_read_remove() {
        let dir = tempfile::tempdir().unwrap();
        let c = Corpus::open(dir.path()).unwrap();
        c.write(&article("b"), Durability::Sync).unwrap();
        c.write(&article("a"), Durability::Batch).unwrap();
        fs::write(dir.path().join("Not An Id.md"), "x").unwrap();
        fs::write(dir.path().join(".a.md.99.tmp"), "half").unwrap();
        let ids: Vec<_> = c.list().unwrap().into_iter().map(|s| s.id.to_string()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(c.read(&ArticleId::parse("a").unwrap()).unwrap(), article("a"));
        c.remove(&ArticleId::parse("a").unwrap()).unwrap();
        c.remove(&ArticleId::parse("a").unwrap()).unwrap();
        assert_eq!(c.list().unwrap().len(), 1);
        // Reopening sweeps temp files.
        Corpus::open(dir.path()).unwrap();
        assert!(!dir.path().join(".a.md.99.tmp").exists());
    }

    #[test]
    fn a_renamed_file_takes_its_name_as_id() {
        let dir = tempfile::tempdir().unwrap();
        let c = Corpus::open(dir.path()).unwrap();
        c.write(&article("old"), Durability::Sync).unwrap();
        fs::rename(dir.path().join("old.md"), dir.path().join("new.md")).unwrap();
        assert_eq!(c.read(&ArticleId::parse("new").unwrap()).unwrap().meta.id.as_str(), "new");
    }
}
