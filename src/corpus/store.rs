//! The corpus directory: listing, reading, atomically writing and removing
//! article files, and the alias table and hidden statements beside them.
//!
//! Every write is temp file + fsync + rename, so a reader (or a crash) sees
//! the old file or the new one, never half of one. Left-over temp files
//! (`.*.tmp`) are ignored when listing and swept on open. Which names in the
//! directory are Parley's files at all ([`CorpusFile::of_name`]) is decided
//! here once, for listing and for following hand edits alike: everything
//! else (temp files, editor swap and backup files, notes) is not Parley's.

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

/// A file of the corpus directory that Parley reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CorpusFile {
    /// `<id>.md`.
    Article(ArticleId),
    /// `aliases.toml`.
    Aliases,
    /// `hidden.toml`.
    Hidden,
}

impl CorpusFile {
    /// What the file called `name` is; `None` for anything Parley does
    /// not read: temp files of atomic writes (`.<name>.<pid>.tmp`), editor
    /// swap, lock and backup files (`.x.md.swp`, `x.md~`, `.#x.md`, vim's
    /// `4913`), and `.md` files whose name is not an article id.
    pub fn of_name(name: &std::ffi::OsStr) -> Option<CorpusFile> {
        let name = name.to_str()?;
        match name {
            ALIASES_FILE => Some(CorpusFile::Aliases),
            HIDDEN_FILE => Some(CorpusFile::Hidden),
            _ => name.strip_suffix(".md").and_then(|stem| ArticleId::parse(stem).ok()).map(CorpusFile::Article),
        }
    }
}

/// The size and modification time (ns) of a regular file; `None` when it
/// is missing or not a regular file. Two equal stamps a moment apart say a
/// file is not being written.
pub fn file_stamp(path: &Path) -> Option<(u64, i64)> {
    let md = fs::metadata(path).ok().filter(fs::Metadata::is_file)?;
    Some((md.len(), mtime_ns(&md)))
}

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

    /// Every article file (`<id>.md` with a valid id), sorted by id. A
    /// visible `.md` file whose name is not an id is named in the log.
    pub fn list(&self) -> Result<Vec<FileStamp>, Error> {
        let (files, strays) = self.scan()?;
        for path in strays {
            tracing::warn!(file = %path.display(), "skipped: the file name is not an article id");
        }
        Ok(files)
    }

    /// [`Corpus::list`] without the log: the article files, and the visible
    /// `.md` files whose name is not an article id (hidden ones, like an
    /// editor's `.#x.md` lock, are not even that).
    pub fn scan(&self) -> Result<(Vec<FileStamp>, Vec<PathBuf>), Error> {
        let entries = fs::read_dir(&self.dir).map_err(|source| Error::Read { path: self.dir.clone(), source })?;
        let (mut out, mut strays) = (Vec::new(), Vec::new());
        for e in entries {
            let e = e.map_err(|source| Error::Read { path: self.dir.clone(), source })?;
            let name = e.file_name();
            let Some(CorpusFile::Article(id)) = CorpusFile::of_name(&name) else {
                if name.to_str().is_some_and(|n| n.ends_with(".md") && !n.starts_with('.')) {
                    strays.push(e.path());
                }
                continue;
            };
            let Ok(md) = e.metadata() else { continue };
            if !md.is_file() {
                continue;
            }
            out.push(FileStamp { id, path: e.path(), len: md.len(), mtime_ns: mtime_ns(&md) });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok((out, strays))
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
    fn only_articles_and_the_two_tables_are_corpus_files() {
        let kind = |n: &str| CorpusFile::of_name(std::ffi::OsStr::new(n));
        assert_eq!(
            kind("2031-05-10-truce.md"),
            Some(CorpusFile::Article(ArticleId::parse("2031-05-10-truce").unwrap()))
        );
        assert_eq!(kind("aliases.toml"), Some(CorpusFile::Aliases));
        assert_eq!(kind("hidden.toml"), Some(CorpusFile::Hidden));
        // Temp files of atomic writes, editor swap/lock/backup files, notes.
        for other in [
            ".2031-05-10-truce.md.4242.tmp",
            ".aliases.toml.7.tmp",
            ".2031-05-10-truce.md.swp",
            ".2031-05-10-truce.md.swx",
            "2031-05-10-truce.md~",
            ".#2031-05-10-truce.md",
            "#2031-05-10-truce.md#",
            "4913",
            "Notes.md",
            "truce.txt",
            "aliases.toml~",
            ".md",
        ] {
            assert_eq!(kind(other), None, "{other}");
        }
    }

    #[test]
    fn scan_names_strays_but_not_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let c = Corpus::open(dir.path()).unwrap();
        c.write(&article("a"), Durability::Sync).unwrap();
        fs::write(dir.path().join("Notes.md"), "x").unwrap();
        fs::write(dir.path().join(".#a.md"), "x").unwrap();
        fs::write(dir.path().join("a.md~"), "x").unwrap();
        let (files, strays) = c.scan().unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(strays, [dir.path().join("Notes.md")]);
        let stamp = file_stamp(&files[0].path).unwrap();
        assert_eq!(stamp, (files[0].len, files[0].mtime_ns));
        assert_eq!(file_stamp(dir.path()), None, "a directory has no stamp");
        assert_eq!(file_stamp(&dir.path().join("gone.md")), None);
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
