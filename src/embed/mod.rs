//! The sentence-embedding model: text in, unit vectors out. The only module
//! that knows candle and tokenizers; nothing else imports them.
//!
//! The model is all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean
//! pooling), shipped in `models/all-MiniLM-L6-v2/` with its licence. Every
//! file is checked against `SHA256SUMS` when the model loads, so a damaged
//! or swapped file is refused with its name rather than giving quietly
//! different vectors.
//!
//! It must not know passages, articles or the index: callers hand it text
//! and keep the vectors where they belong.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

/// Dimensions of a vector.
pub const DIM: usize = 384;
/// Tokens the model reads of one text (the rest is cut), as it was trained.
const MAX_TOKENS: usize = 256;
/// Texts run through the model together (similar lengths are grouped).
const BATCH: usize = 16;
/// The files of a model directory, each checked against `SHA256SUMS`.
const FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];
/// The model shipped with Parley, under the crate's root.
pub const BUNDLED: &str = "models/all-MiniLM-L6-v2";

/// What can go wrong loading or running the model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("model file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("model file {path} does not match its checksum in SHA256SUMS (damaged or replaced)")]
    Checksum { path: PathBuf },
    #[error("model directory {dir}: SHA256SUMS has no line for {file}")]
    Unlisted { dir: PathBuf, file: &'static str },
    #[error("model file {path}: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("running the model: {0}")]
    Run(String),
}

fn run_err(e: impl std::fmt::Display) -> Error {
    Error::Run(e.to_string())
}

/// Where the model is looked for: `PARLEY_MODEL_DIR` when set, else the
/// bundled model beside the crate's sources.
pub fn default_dir() -> PathBuf {
    match std::env::var_os("PARLEY_MODEL_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED),
    }
}

/// A loaded sentence-embedding model. Cheap to share behind an `Arc`;
/// `embed` takes `&self` and may run on several threads at once.
pub struct Model {
    bert: BertModel,
    tokenizer: Tokenizer,
    id: String,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("id", &self.id).finish()
    }
}

impl Model {
    /// Loads the model in `dir` after checking every file's SHA-256.
    pub fn load(dir: &Path) -> Result<Model, Error> {
        let sums_path = dir.join("SHA256SUMS");
        let sums = std::fs::read_to_string(&sums_path).map_err(|source| Error::Read { path: sums_path, source })?;
        let (mut weights, mut weights_sum) = (Vec::new(), String::new());
        for file in FILES {
            let expected = sums
                .lines()
                .filter_map(|l| l.split_once(char::is_whitespace))
                .find(|(_, name)| name.trim().trim_start_matches('*') == file)
                .map(|(sum, _)| sum.trim().to_ascii_lowercase())
                .ok_or(Error::Unlisted { dir: dir.to_owned(), file })?;
            let path = dir.join(file);
            let bytes = std::fs::read(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
            let found: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            if found != expected {
                return Err(Error::Checksum { path });
            }
            if file == FILES[0] {
                (weights, weights_sum) = (bytes, found);
            }
        }
        let load = |file: &str, reason: String| Error::Load { path: dir.join(file), reason };
        let config: Config = serde_json::from_slice(
            &std::fs::read(dir.join("config.json"))
                .map_err(|source| Error::Read { path: dir.join("config.json"), source })?,
        )
        .map_err(|e| load("config.json", e.to_string()))?;
        let mut tokenizer =
            Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| load("tokenizer.json", e.to_string()))?;
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| load("tokenizer.json", e.to_string()))?;
        tokenizer.with_padding(None);
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(|e| load(FILES[0], e.to_string()))?;
        let bert = BertModel::load(vb, &config).map_err(|e| load(FILES[0], e.to_string()))?;
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("model");
        let id = format!("{name}-{}", &weights_sum[..12]);
        Ok(Model { bert, tokenizer, id })
    }

    /// The model's name and the start of its weights' checksum: vectors of
    /// two models never mix.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Unit-length vectors of `texts`, in order. An empty text gets the
    /// vector of the empty string.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(run_err)?;
        // Group texts of similar length so little padding is computed.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let longest = chunk.iter().map(|&i| encodings[i].get_ids().len()).max().unwrap_or(0).max(1);
            let mut ids: Vec<u32> = Vec::with_capacity(chunk.len() * longest);
            let mut mask: Vec<u32> = Vec::with_capacity(chunk.len() * longest);
            for &i in chunk {
                let e = encodings[i].get_ids();
                ids.extend_from_slice(e);
                ids.extend(std::iter::repeat_n(0, longest - e.len()));
                mask.extend(std::iter::repeat_n(1, e.len()));
                mask.extend(std::iter::repeat_n(0, longest - e.len()));
            }
            let shape = (chunk.len(), longest);
            let ids = Tensor::from_vec(ids, shape, &Device::Cpu).map_err(run_err)?;
            let mask = Tensor::from_vec(mask, shape, &Device::Cpu).map_err(run_err)?;
            let types = ids.zeros_like().map_err(run_err)?;
            let hidden = self.bert.forward(&ids, &types, Some(&mask)).map_err(run_err)?;
            // Mean of the token vectors that are not padding, then unit length.
            let m = mask.to_dtype(DType::F32).and_then(|m| m.unsqueeze(2)).map_err(run_err)?;
            let summed = hidden.broadcast_mul(&m).and_then(|h| h.sum(1)).map_err(run_err)?;
            let counts = m.sum(1).and_then(|c| c.clamp(1e-9, f64::MAX)).map_err(run_err)?;
            let mean = summed.broadcast_div(&counts).map_err(run_err)?;
            let rows: Vec<Vec<f32>> = mean.to_vec2().map_err(run_err)?;
            for (&i, row) in chunk.iter().zip(rows) {
                out[i] = unit(row);
            }
        }
        Ok(out)
    }
}

/// `v` scaled to length 1 (a zero vector stays zero).
pub fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED)).expect("the bundled model loads")
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_text() {
        let m = model();
        let v = m
            .embed(&[
                "The two presidents agreed to meet in Vornhaven next month.",
                "A summit between the leaders is planned in Vornhaven soon.",
                "The recipe needs two cups of flour and a pinch of salt.",
                "",
            ])
            .unwrap();
        assert_eq!(v.len(), 4);
        assert!(v.iter().take(3).all(|x| x.len() == DIM));
        let (close, far) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
        assert!(close > far + 0.3, "paraphrase {close}, unrelated {far}");
        assert!((cosine(&v[0], &v[0]) - 1.0).abs() < 1e-4);
    }

    #[test]
    fn batching_does_not_change_a_vector() {
        let m = model();
        let alone = m.embed(&["Ceasefire talks in Tarnholm ended early."]).unwrap();
        let texts = ["short", "Ceasefire talks in Tarnholm ended early.", &"a much longer sentence ".repeat(40)];
        let together = m.embed(&texts).unwrap();
        assert!(cosine(&alone[0], &together[1]) > 0.9999);
    }

    #[test]
    fn a_damaged_file_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED);
        for f in ["SHA256SUMS", "config.json", "tokenizer.json"] {
            std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(dir.path().join("model.safetensors"), b"not a model").unwrap();
        let err = Model::load(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }), "{err}");
        assert!(err.to_string().contains("model.safetensors"));
    }
}
