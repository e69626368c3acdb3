//! Trains the learned pass of `quotes` (`src/quotes/learned.rs`) on the
//! gold set's **dev** split and writes its weights,
//! `src/quotes/learned_weights.txt`. It never reads the test split.
//!
//! ```text
//! cargo bench --bench quotes_train
//! ```
//!
//! Every proposal the pass makes on a dev document is labelled: kept when
//! it matches a gold item (half of the item's characters, as the scorer
//! counts) **and** names the item's speaker. A logistic regression over
//! the proposals' features is then fitted by stochastic gradient descent.
//! The threshold is chosen on scores the model gives to documents it was
//! not trained on (five folds, split by document): the lowest score at
//! which the kept proposals are still right at least [`TARGET_PRECISION`]
//! of the time. The final weights are fitted on all of dev.
//!
//! Deterministic: the same dev split gives the same file.

use std::collections::HashMap;
use std::io::Write;

#[allow(dead_code)]
#[path = "../tests/integration/gold.rs"]
mod gold;

use gold::{aliases, gold_files, judging_aliases, read_gold, repo, Docs};
use parley::quotes::eval::same_speaker;
use parley::quotes::proposals;

/// How often a kept proposal must be right, on documents the model has
/// not seen (issue 9 asks 0.93 of all indirect statements; the rules'
/// own are right 0.97 of the time).
const TARGET_PRECISION: f64 = 0.90;
/// Fewer kept proposals than this and the precision measured is noise.
const MIN_KEPT: usize = 20;
const FOLDS: usize = 5;
const EPOCHS: usize = 12;
const RATE: f64 = 0.05;
const L2: f64 = 1e-4;

struct Example {
    doc: usize,
    features: Vec<usize>,
    right: bool,
    continuation: bool,
}

fn main() {
    let shared = repo().join("../shared/data");
    if !shared.is_dir() {
        eprintln!("quotes_train: {} is absent; nothing trained", shared.display());
        return;
    }
    let names = aliases();
    let judge = judging_aliases(&names);
    let mut docs = Docs { data: shared, csv_rows: HashMap::new() };
    let mut problems = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut examples = Vec::new();
    let mut indirect_gold = 0;
    // PARLEY_TRAIN_DUMP=FILE: every dev proposal, labelled, one JSON line each.
    let mut dump = std::env::var_os("PARLEY_TRAIN_DUMP").and_then(|p| std::fs::File::create(p).ok());
    let files = gold_files(&repo().join("tests/eval/quotes"));
    for (doc, path) in files.iter().enumerate() {
        let Some(l) = read_gold(path, &mut docs, &mut problems) else { continue };
        indirect_gold += l.gold.iter().filter(|g| g.kind == parley::quotes::QuoteKind::Indirect).count();
        for p in proposals(&l.body, &names) {
            let right = l.gold.iter().any(|g| {
                let o = g.span.end.min(p.quote.span.end).saturating_sub(g.span.start.max(p.quote.span.start));
                o * 2 >= g.span.len().max(1) && same_speaker(&g.speaker, &p.quote.speaker.name, &judge)
            });
            let mut features = Vec::with_capacity(p.features.len());
            for f in &p.features {
                let next = index.len();
                features.push(*index.entry(f.clone()).or_insert(next));
            }
            if let Some(dump) = dump.as_mut() {
                let line = serde_json::json!({
                    "file": l.file, "start": p.quote.span.start, "end": p.quote.span.end,
                    "speaker": p.quote.speaker.name, "right": right, "continuation": p.continuation,
                    "text": p.quote.text, "features": p.features,
                });
                let _ = writeln!(dump, "{line}");
            }
            examples.push(Example { doc, features, right, continuation: p.continuation });
        }
    }
    let mut names_by_index = vec![String::new(); index.len()];
    for (name, i) in index {
        names_by_index[i] = name;
    }
    assert!(problems.is_empty(), "gold set problems: {problems:#?}");
    let positives = examples.iter().filter(|e| e.right).count();
    println!(
        "{} dev documents, {} proposals ({} continuations), {} right; {} indirect gold items",
        files.len(),
        examples.len(),
        examples.iter().filter(|e| e.continuation).count(),
        positives,
        indirect_gold
    );

    // Held-out scores, five folds by document.
    let mut held: Vec<(f64, bool, bool)> = Vec::new();
    for fold in 0..FOLDS {
        let train: Vec<&Example> = examples.iter().filter(|e| e.doc % FOLDS != fold).collect();
        let w = fit(&train, names_by_index.len());
        held.extend(
            examples
                .iter()
                .filter(|e| e.doc % FOLDS == fold)
                .map(|e| (score(&w, &e.features), e.right, e.continuation)),
        );
    }
    held.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\nheld-out (5 folds by document): threshold, kept, right, precision, continuations kept");
    let mut threshold = None;
    let (mut kept, mut right, mut cont) = (0usize, 0usize, 0usize);
    for (i, (s, r, c)) in held.iter().enumerate() {
        kept += 1;
        right += usize::from(*r);
        cont += usize::from(*c);
        let p = right as f64 / kept as f64;
        let next_differs = held.get(i + 1).is_none_or(|n| n.0 < *s);
        if next_differs && kept >= MIN_KEPT && p >= TARGET_PRECISION {
            threshold = Some((*s, kept, right, cont));
        }
        if next_differs && (kept % 25 == 0 || i + 1 == held.len()) && kept <= 600 {
            println!("{s:>8.3} {kept:>5} {right:>5} {p:>6.3} {cont:>5}");
        }
    }
    let w = fit(&examples.iter().collect::<Vec<_>>(), names_by_index.len());
    let out = repo().join("src/quotes/learned_weights.txt");
    let mut text = String::from(
        "# The learned pass's model (src/quotes/learned.rs): a logistic regression over\n\
         # proposal features, fitted on the quote gold set's dev split by\n\
         # `cargo bench --bench quotes_train`. Written by that program; do not edit.\n",
    );
    match threshold {
        Some((t, kept, right, cont)) => {
            println!(
                "\nthreshold {t:.3}: held out, {kept} kept, {right} right ({:.3}), {cont} continuations; \
                 {:.3} of dev's indirect items",
                right as f64 / kept as f64,
                right as f64 / indirect_gold.max(1) as f64
            );
            text.push_str(&format!(
                "# Held out (5 folds by document): {kept} kept, {right} right; target precision {TARGET_PRECISION}.\n"
            ));
            text.push_str(&format!("threshold\t{t:.4}\n"));
        }
        None => {
            println!(
                "\nno threshold reaches precision {TARGET_PRECISION} on {MIN_KEPT} or more: the pass keeps nothing"
            );
            text.push_str("# No threshold reached the target precision: the pass keeps nothing.\n");
        }
    }
    let mut weights: Vec<(&str, f64)> =
        names_by_index.iter().zip(&w).filter(|(_, w)| w.abs() >= 1e-3).map(|(n, w)| (n.as_str(), *w)).collect();
    weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    for (n, w) in weights {
        text.push_str(&format!("{n}\t{w:.4}\n"));
    }
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("quotes_train: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
    println!("wrote {}", out.display());
}

fn score(w: &[f64], features: &[usize]) -> f64 {
    features.iter().map(|&f| w[f]).sum()
}

/// Logistic regression by stochastic gradient descent, in a fixed
/// shuffled order per epoch.
fn fit(examples: &[&Example], dims: usize) -> Vec<f64> {
    let mut w = vec![0.0; dims];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for epoch in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let rate = RATE / (1.0 + epoch as f64);
        for &k in &order {
            let e = examples[k];
            let p = 1.0 / (1.0 + (-score(&w, &e.features)).exp());
            let g = f64::from(u8::from(e.right)) - p;
            for &f in &e.features {
                w[f] += rate * (g - L2 * w[f]);
            }
        }
    }
    w
}
