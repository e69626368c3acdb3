//! Stored vectors of passages and titles: a table from a text's key (a
//! hash of the exact text embedded) to its vector, kept in one append-only
//! file per model and searched by brute force.
//!
//! Content-addressed on purpose: a rebuilt index, a re-cleaned corpus or a
//! re-added article finds the vectors of every unchanged text already
//! there, and a killed process loses at most the record it was writing
//! (a torn tail is cut on open). Vectors are stored as int8 with one scale
//! per vector (384 bytes + 12), which keeps cosine within about 0.01 of the
//! float values and a million passages in under 400 MB.
//!
//! It must not know the model, tantivy or articles: keys in, keys out.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

/// File header: magic and format version, then the dimension (u32 LE).
const MAGIC: &[u8; 8] = b"PRLYVEC1";
const HEADER: usize = 12;

/// What can go wrong with the vector file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("vector file {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("vector file {path} is not a Parley vector file of dimension {dim}")]
    Foreign { path: PathBuf, dim: usize },
    #[error("a vector of dimension {got} given to a store of dimension {want}")]
    Dimension { got: usize, want: usize },
    #[error("vector file {path} is open to read only (another process writes it)")]
    ReadOnly { path: PathBuf },
}

/// A stable 64-bit key of a text (FNV-1a over its UTF-8 bytes).
pub fn key(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[derive(Default)]
struct Table {
    keys: Vec<u64>,
    scales: Vec<f32>,
    codes: Vec<i8>,
    slot: HashMap<u64, usize>,
}

/// The vectors of one model, on disk and in memory.
pub struct VectorStore {
    path: PathBuf,
    dim: usize,
    /// `None` when opened to read only.
    file: Mutex<Option<File>>,
    table: RwLock<Table>,
}

impl std::fmt::Debug for VectorStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorStore").field("path", &self.path).field("len", &self.len()).finish()
    }
}

fn quantize(v: &[f32]) -> (f32, Vec<i8>) {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return (0.0, vec![0; v.len()]);
    }
    let scale = max / 127.0;
    (scale, v.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8).collect())
}

fn dot(codes: &[i8], q: &[f32]) -> f32 {
    // Four running sums let the compiler vectorise the loop.
    let mut acc = [0.0f32; 4];
    let (chunks, rest) = (codes.chunks_exact(4), codes.len() / 4 * 4);
    for (c, qs) in chunks.zip(q.chunks_exact(4)) {
        for i in 0..4 {
            acc[i] += f32::from(c[i]) * qs[i];
        }
    }
    let mut sum = acc.iter().sum::<f32>();
    for i in rest..codes.len() {
        sum += f32::from(codes[i]) * q[i];
    }
    sum
}

impl VectorStore {
    /// Opens (or creates) the vector file at `path` for vectors of `dim`
    /// dimensions. A torn last record (a killed writer) is cut off.
    pub fn open(path: &Path, dim: usize) -> Result<VectorStore, Error> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let table = if bytes.len() < HEADER {
            let mut header = MAGIC.to_vec();
            header.extend_from_slice(&(dim as u32).to_le_bytes());
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(&header).map_err(io)?;
            file.sync_data().map_err(io)?;
            Table::default()
        } else {
            let (table, good) = parse(path, dim, &bytes)?;
            if good != bytes.len() {
                tracing::warn!(path = %path.display(), "cutting a torn record off the vector file");
                file.set_len(good as u64).map_err(io)?;
            }
            table
        };
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(VectorStore { path: path.to_owned(), dim, file: Mutex::new(Some(file)), table: RwLock::new(table) })
    }

    /// Opens the vector file at `path` to read only, while another process
    /// may append to it: its whole records are read, a record being written
    /// is left alone, a missing file is an empty store, and every write
    /// fails with [`Error::ReadOnly`].
    pub fn open_read_only(path: &Path, dim: usize) -> Result<VectorStore, Error> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(Error::Io { path: path.to_owned(), source }),
        };
        let table = if bytes.len() < HEADER { Table::default() } else { parse(path, dim, &bytes)?.0 };
        Ok(VectorStore { path: path.to_owned(), dim, file: Mutex::new(None), table: RwLock::new(table) })
    }

    /// The file, to write; an error when the store is read-only.
    fn writable(&self) -> Result<std::sync::MutexGuard<'_, Option<File>>, Error> {
        let file = self
            .file
            .lock()
            .map_err(|_| Error::Io { path: self.path.clone(), source: std::io::Error::other("a writer panicked") })?;
        if file.is_none() {
            return Err(Error::ReadOnly { path: self.path.clone() });
        }
        Ok(file)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of stored vectors.
    pub fn len(&self) -> usize {
        self.table.read().map(|t| t.keys.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, key: u64) -> bool {
        self.table.read().is_ok_and(|t| t.slot.contains_key(&key))
    }

    /// Of these keys, those with no vector yet.
    pub fn missing(&self, keys: impl IntoIterator<Item = u64>) -> Vec<u64> {
        let Ok(t) = self.table.read() else { return Vec::new() };
        let mut seen = HashSet::new();
        keys.into_iter().filter(|k| !t.slot.contains_key(k) && seen.insert(*k)).collect()
    }

    /// Stores vectors (appended to the file and synced before returning).
    pub fn insert(&self, items: &[(u64, Vec<f32>)]) -> Result<(), Error> {
        let io = |source| Error::Io { path: self.path.clone(), source };
        let mut buf = Vec::with_capacity(items.len() * (12 + self.dim));
        let mut quantized = Vec::with_capacity(items.len());
        for (k, v) in items {
            if v.len() != self.dim {
                return Err(Error::Dimension { got: v.len(), want: self.dim });
            }
            let (scale, codes) = quantize(v);
            buf.extend_from_slice(&k.to_le_bytes());
            buf.extend_from_slice(&scale.to_le_bytes());
            buf.extend(codes.iter().map(|c| *c as u8));
            quantized.push((*k, scale, codes));
        }
        {
            let mut file = self.writable()?;
            let file = file.as_mut().ok_or_else(|| Error::ReadOnly { path: self.path.clone() })?;
            file.write_all(&buf).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        if let Ok(mut t) = self.table.write() {
            for (k, scale, codes) in quantized {
                t.put(k, scale, codes.into_iter());
            }
        }
        Ok(())
    }

    /// Cosine of the stored vector of `key` with the unit vector `query`.
    pub fn similarity(&self, key: u64, query: &[f32]) -> Option<f32> {
        let t = self.table.read().ok()?;
        let &i = t.slot.get(&key)?;
        Some(dot(&t.codes[i * self.dim..(i + 1) * self.dim], query) * t.scales[i])
    }

    /// The stored vector of `key` (as stored: within int8 precision).
    pub fn get(&self, key: u64) -> Option<Vec<f32>> {
        let t = self.table.read().ok()?;
        let &i = t.slot.get(&key)?;
        Some(t.codes[i * self.dim..(i + 1) * self.dim].iter().map(|c| f32::from(*c) * t.scales[i]).collect())
    }

    /// The `k` stored keys closest to the unit vector `query`, best first.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(u64, f32)> {
        let Ok(t) = self.table.read() else { return Vec::new() };
        if query.len() != self.dim || k == 0 {
            return Vec::new();
        }
        // A bounded min-heap of the best so far.
        let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(Ordered, usize)>> =
            std::collections::BinaryHeap::with_capacity(k + 1);
        for (i, codes) in t.codes.chunks_exact(self.dim).enumerate() {
            let s = dot(codes, query) * t.scales[i];
            if heap.len() < k {
                heap.push(std::cmp::Reverse((Ordered(s), i)));
            } else if heap.peek().is_some_and(|m| s > m.0 .0 .0) {
                heap.pop();
                heap.push(std::cmp::Reverse((Ordered(s), i)));
            }
        }
        let mut out: Vec<(u64, f32)> = heap.into_iter().map(|r| (t.keys[r.0 .1], r.0 .0 .0)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Copies in every vector of `other` this store lacks (vectors
    /// computed elsewhere: another data directory, a cache). Returns how
    /// many were added.
    pub fn absorb(&self, other: &VectorStore) -> Result<usize, Error> {
        if other.dim != self.dim {
            return Err(Error::Dimension { got: other.dim, want: self.dim });
        }
        let io = |source| Error::Io { path: self.path.clone(), source };
        let (mut buf, mut fresh) = (Vec::new(), Vec::new());
        {
            let theirs = other.table.read().map_err(|_| io(std::io::Error::other("a reader panicked")))?;
            let ours = self.table.read().map_err(|_| io(std::io::Error::other("a reader panicked")))?;
            for (i, k) in theirs.keys.iter().enumerate() {
                if ours.slot.contains_key(k) {
                    continue;
                }
                let codes = &theirs.codes[i * self.dim..(i + 1) * self.dim];
                buf.extend_from_slice(&k.to_le_bytes());
                buf.extend_from_slice(&theirs.scales[i].to_le_bytes());
                buf.extend(codes.iter().map(|c| *c as u8));
                fresh.push((*k, theirs.scales[i], codes.to_vec()));
            }
        }
        {
            let mut file = self.writable()?;
            let file = file.as_mut().ok_or_else(|| Error::ReadOnly { path: self.path.clone() })?;
            file.write_all(&buf).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        let n = fresh.len();
        if let Ok(mut t) = self.table.write() {
            for (k, scale, codes) in fresh {
                t.put(k, scale, codes.into_iter());
            }
        }
        Ok(n)
    }

    /// Rewrites the file with only the vectors of `keep` (after a reindex),
    /// atomically (temp file, sync, rename).
    pub fn retain(&self, keep: &HashSet<u64>) -> Result<usize, Error> {
        let io = |source| Error::Io { path: self.path.clone(), source };
        let mut file = self.writable()?;
        let Ok(mut t) = self.table.write() else { return Ok(0) };
        let mut kept = Table::default();
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&(self.dim as u32).to_le_bytes());
        for (i, k) in t.keys.iter().enumerate() {
            if keep.contains(k) {
                let codes = &t.codes[i * self.dim..(i + 1) * self.dim];
                buf.extend_from_slice(&k.to_le_bytes());
                buf.extend_from_slice(&t.scales[i].to_le_bytes());
                buf.extend(codes.iter().map(|c| *c as u8));
                kept.put(*k, t.scales[i], codes.iter().copied());
            }
        }
        let dropped = t.keys.len() - kept.keys.len();
        let tmp = self.path.with_extension("tmp");
        {
            let mut f = File::create(&tmp).map_err(io)?;
            f.write_all(&buf).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(io)?;
        let mut reopened = OpenOptions::new().read(true).append(true).open(&self.path).map_err(io)?;
        reopened.seek(SeekFrom::End(0)).map_err(io)?;
        *file = Some(reopened);
        *t = kept;
        Ok(dropped)
    }
}

/// The table of a vector file's bytes (header included) and the length of
/// its whole records; a torn last record is left out.
fn parse(path: &Path, dim: usize, bytes: &[u8]) -> Result<(Table, usize), Error> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC || bytes[8..12] != (dim as u32).to_le_bytes() {
        return Err(Error::Foreign { path: path.to_owned(), dim });
    }
    let record = 12 + dim;
    let whole = (bytes.len() - HEADER) / record;
    let mut table = Table::default();
    for r in bytes[HEADER..HEADER + whole * record].chunks_exact(record) {
        let mut k = [0u8; 8];
        k.copy_from_slice(&r[..8]);
        let mut s = [0u8; 4];
        s.copy_from_slice(&r[8..12]);
        table.put(u64::from_le_bytes(k), f32::from_le_bytes(s), r[12..].iter().map(|b| *b as i8));
    }
    Ok((table, HEADER + whole * record))
}

impl Table {
    fn put(&mut self, key: u64, scale: f32, codes: impl Iterator<Item = i8>) {
        match self.slot.get(&key) {
            Some(&i) => {
                let dim = self.codes.len() / self.keys.len().max(1);
                self.scales[i] = scale;
                for (dst, c) in self.codes[i * dim..(i + 1) * dim].iter_mut().zip(codes) {
                    *dst = c;
                }
            }
            None => {
                self.slot.insert(key, self.keys.len());
                self.keys.push(key);
                self.scales.push(scale);
                self.codes.extend(codes);
            }
        }
    }
}

/// An `f32` ordered for the heap (NaN sorts lowest).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ordered(f32);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn a_reader_sees_whole_records_leaves_a_torn_tail_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.bin");
        assert!(VectorStore::open_read_only(&path, 4).unwrap().is_empty(), "no file: empty");
        assert!(!path.exists(), "a reader creates nothing");
        let writer = VectorStore::open(&path, 4).unwrap();
        writer.insert(&[(1, unit(&[1.0, 0.0, 0.0, 0.0]))]).unwrap();
        // A record being appended by the writer: half of it is on disk.
        let len = std::fs::metadata(&path).unwrap().len();
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(&[7u8; 9]).unwrap();
        let reader = VectorStore::open_read_only(&path, 4).unwrap();
        assert!(reader.contains(1) && reader.len() == 1);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), len + 9, "the reader cut nothing");
        assert!(matches!(reader.insert(&[(2, unit(&[0.0, 1.0, 0.0, 0.0]))]), Err(Error::ReadOnly { .. })));
        assert!(matches!(reader.retain(&HashSet::new()), Err(Error::ReadOnly { .. })));
        assert!(reader.contains(1), "a refused write changes nothing");
    }

    #[test]
    fn stores_finds_and_survives_a_reopen_and_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.bin");
        let store = VectorStore::open(&path, 4).unwrap();
        store
            .insert(&[
                (1, unit(&[1.0, 0.0, 0.0, 0.0])),
                (2, unit(&[0.0, 1.0, 0.0, 0.0])),
                (3, unit(&[1.0, 1.0, 0.0, 0.0])),
            ])
            .unwrap();
        let q = unit(&[1.0, 0.1, 0.0, 0.0]);
        let best: Vec<u64> = store.nearest(&q, 2).into_iter().map(|(k, _)| k).collect();
        assert_eq!(best, [1, 3]);
        assert!((store.similarity(3, &q).unwrap() - 0.7775).abs() < 0.01);
        assert_eq!(store.missing([1, 4, 4, 5]), [4, 5]);
        drop(store);
        // A writer killed half-way through a record.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[9, 9, 9]).unwrap();
        drop(f);
        let store = VectorStore::open(&path, 4).unwrap();
        assert_eq!(store.len(), 3);
        store.insert(&[(4, unit(&[0.0, 0.0, 1.0, 0.0]))]).unwrap();
        assert_eq!(VectorStore::open(&path, 4).unwrap().len(), 4);
    }

    #[test]
    fn a_file_of_another_dimension_is_refused_and_retain_compacts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.bin");
        let store = VectorStore::open(&path, 4).unwrap();
        store.insert(&[(1, unit(&[1.0, 2.0, 3.0, 4.0])), (2, unit(&[4.0, 3.0, 2.0, 1.0]))]).unwrap();
        assert!(matches!(VectorStore::open(&path, 8), Err(Error::Foreign { .. })));
        assert!(matches!(store.insert(&[(5, vec![1.0])]), Err(Error::Dimension { .. })));
        assert_eq!(store.retain(&HashSet::from([2])).unwrap(), 1);
        store.insert(&[(3, unit(&[1.0, 0.0, 0.0, 0.0]))]).unwrap();
        let again = VectorStore::open(&path, 4).unwrap();
        assert_eq!(again.len(), 2);
        assert!(again.contains(2) && again.contains(3) && !again.contains(1));
    }

    #[test]
    fn quantised_cosine_stays_close_to_float_cosine() {
        let a: Vec<f32> = unit(&(0..384).map(|i| ((i * 37 % 101) as f32 - 50.0) / 50.0).collect::<Vec<_>>());
        let b: Vec<f32> = unit(&(0..384).map(|i| ((i * 53 % 97) as f32 - 48.0) / 48.0).collect::<Vec<_>>());
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let (scale, codes) = quantize(&a);
        assert!((dot(&codes, &b) * scale - exact).abs() < 0.01);
        // What `get` gives back is the stored vector, within int8 precision.
        let dir = tempfile::tempdir().unwrap();
        let store = VectorStore::open(&dir.path().join("v.bin"), 384).unwrap();
        store.insert(&[(9, a.clone())]).unwrap();
        let back = store.get(9).unwrap();
        assert!(a.iter().zip(&back).all(|(x, y)| (x - y).abs() <= scale / 2.0 + 1e-6));
        assert_eq!(store.get(10), None);
    }
}
