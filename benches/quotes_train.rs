//! Trains the learned ranking of `quotes` (`src/quotes/antecedent.rs`:
//! who "the chancellor" or "he" is when the rules cannot say) on the gold
//! set's **dev** split and writes `src/quotes/antecedent_weights.txt`. It
//! never reads the test split.
//!
//! ```text
//! cargo bench --bench quotes_train
//! ```
//!
//! Every statement whose speaker is written as a post or "he"/"she" is a
//! case; each person the article named before it is a candidate, right
//! when the gold item the statement matches (half of the item's
//! characters, as the scorer counts) names that person. A case that
//! matches no gold item has no right candidate: choosing anyone would
//! publish a statement that is not one. Cases the rules resolve train the
//! model too (they are the same question); the threshold is chosen only
//! on the cases the rules leave, where the model is used, from
//! probabilities given to documents it was not fitted on (five folds, by
//! document): the lowest at which the chosen person is right at least
//! [`TARGET_ACCURACY`] of the time. The final weights are fitted on all
//! of dev. Deterministic.

use std::collections::HashMap;

#[allow(dead_code)]
#[path = "../tests/integration/gold.rs"]
mod gold;

use gold::{aliases, gold_files, judging_aliases, read_gold, repo, Docs};
use parley::quotes::antecedent_cases;
use parley::quotes::eval::same_speaker;

/// How often the person chosen must be right on held-out documents: issue
/// 9 asks 0.95 of all speakers, and the rules' own are right 0.96 of the
/// time on dev, so the few chosen here may not pull that down much.
const TARGET_ACCURACY: f64 = 0.90;
/// Fewer choices than this and the accuracy measured is noise.
const MIN_KEPT: usize = 10;
const FOLDS: usize = 5;
const EPOCHS: usize = 30;
const RATE: f64 = 0.1;
const L2: f64 = 1e-3;

/// One statement and its candidates (feature indices, right or not).
struct Case {
    doc: usize,
    by_rules: bool,
    candidates: Vec<(Vec<usize>, bool)>,
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
    let mut cases = Vec::new();
    let files = gold_files(&repo().join("tests/eval/quotes"));
    for (doc, path) in files.iter().enumerate() {
        let Some(l) = read_gold(path, &mut docs, &mut problems) else { continue };
        for c in antecedent_cases(&l.body, &names) {
            let gold = l.gold.iter().find(|g| {
                let o = g.span.end.min(c.span.end).saturating_sub(g.span.start.max(c.span.start));
                o * 2 >= g.span.len().max(1)
            });
            let mut candidates = Vec::new();
            for (name, features) in &c.candidates {
                let right = gold.is_some_and(|g| same_speaker(&g.speaker, name, &judge));
                let mut fs = Vec::with_capacity(features.len());
                for f in features {
                    let next = index.len();
                    fs.push(*index.entry(f.clone()).or_insert(next));
                }
                candidates.push((fs, right));
            }
            if c.by_rules.is_none() && std::env::var_os("PARLEY_TRAIN_SHOW").is_some() {
                let names: Vec<&str> = c.candidates.iter().map(|(n, _)| n.as_str()).collect();
                println!(
                    "LEFT {} gold {:?} candidates {:?}: {:.60}",
                    l.file,
                    gold.map(|g| g.speaker.as_str()),
                    names,
                    l.body.get(c.span.clone()).unwrap_or("")
                );
            }
            cases.push(Case { doc, by_rules: c.by_rules.is_some(), candidates });
        }
    }
    assert!(problems.is_empty(), "gold set problems: {problems:#?}");
    let mut feature_names = vec![String::new(); index.len()];
    for (name, i) in index {
        feature_names[i] = name;
    }
    let left = cases.iter().filter(|c| !c.by_rules).count();
    let answerable = |c: &&Case| c.candidates.iter().any(|(_, r)| *r);
    println!(
        "{} dev documents: {} cases ({} the rules leave, {} of them with the right person among the candidates)",
        files.len(),
        cases.len(),
        left,
        cases.iter().filter(|c| !c.by_rules).filter(answerable).count()
    );

    // Held-out choices: (probability of the best candidate, right, left by the rules).
    let mut held: Vec<(f64, bool, bool)> = Vec::new();
    for fold in 0..FOLDS {
        let train: Vec<&Case> = cases.iter().filter(|c| c.doc % FOLDS != fold).collect();
        let w = fit(&train, feature_names.len());
        for c in cases.iter().filter(|c| c.doc % FOLDS == fold) {
            if let Some((p, right)) = best(&w, c) {
                held.push((p, right, !c.by_rules));
            }
        }
    }
    let rules_cases: Vec<&(f64, bool, bool)> = held.iter().filter(|h| !h.2).collect();
    println!(
        "held out, on the cases the rules resolve: the model's first choice is the gold speaker {} of {} times",
        rules_cases.iter().filter(|h| h.1).count(),
        rules_cases.len()
    );
    let mut used: Vec<(f64, bool)> = held.iter().filter(|h| h.2).map(|h| (h.0, h.1)).collect();
    used.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\nheld out, on the cases the rules leave: threshold, chosen, right, accuracy");
    let mut threshold = None;
    let (mut kept, mut right) = (0usize, 0usize);
    for (i, (p, r)) in used.iter().enumerate() {
        kept += 1;
        right += usize::from(*r);
        let acc = right as f64 / kept as f64;
        let next_differs = used.get(i + 1).is_none_or(|n| n.0 < *p);
        if next_differs && kept >= MIN_KEPT && acc >= TARGET_ACCURACY {
            threshold = Some((*p, kept, right));
        }
        if next_differs && (kept % 5 == 0 || i + 1 == used.len()) {
            println!("{p:>8.3} {kept:>5} {right:>5} {acc:>6.3}");
        }
    }
    let all: Vec<&Case> = cases.iter().collect();
    let w = fit(&all, feature_names.len());
    let mut text = String::from(
        "# The learned ranking of antecedents (src/quotes/antecedent.rs): a logistic\n\
         # regression over candidate features, fitted on the quote gold set's dev split\n\
         # by `cargo bench --bench quotes_train`. Written by that program; do not edit.\n",
    );
    match threshold {
        Some((t, kept, right)) => {
            println!("\nthreshold {t:.3}: held out, {kept} chosen, {right} right ({:.3})", right as f64 / kept as f64);
            text.push_str(&format!(
                "# Held out (5 folds by document), on the cases the rules leave: {kept} chosen, {right} right.\n"
            ));
            text.push_str(&format!("threshold\t{t:.4}\n"));
        }
        None => {
            println!(
                "\nno threshold reaches accuracy {TARGET_ACCURACY} on {MIN_KEPT} or more: the ranking chooses no one"
            );
            text.push_str("# No threshold reached the target accuracy: the ranking chooses no one.\n");
        }
    }
    let mut weights: Vec<(&str, f64)> =
        feature_names.iter().zip(&w).filter(|(_, w)| w.abs() >= 1e-3).map(|(n, w)| (n.as_str(), *w)).collect();
    weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    for (n, w) in weights {
        text.push_str(&format!("{n}\t{w:.4}\n"));
    }
    let out = repo().join("src/quotes/antecedent_weights.txt");
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("quotes_train: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
    println!("wrote {}", out.display());
}

fn score(w: &[f64], features: &[usize]) -> f64 {
    features.iter().map(|&f| w[f]).sum()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The best candidate's probability and whether it is right.
fn best(w: &[f64], c: &Case) -> Option<(f64, bool)> {
    c.candidates.iter().map(|(f, r)| (sigmoid(score(w, f)), *r)).max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Logistic regression over every candidate of every case, by stochastic
/// gradient descent in a fixed shuffled order per epoch.
fn fit(cases: &[&Case], dims: usize) -> Vec<f64> {
    let examples: Vec<(&[usize], bool)> =
        cases.iter().flat_map(|c| c.candidates.iter().map(|(f, r)| (f.as_slice(), *r))).collect();
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
        let rate = RATE / (1.0 + epoch as f64 / 5.0);
        for &k in &order {
            let (f, right) = examples[k];
            let g = f64::from(u8::from(right)) - sigmoid(score(&w, f));
            for &x in f {
                w[x] += rate * (g - L2 * w[x]);
            }
        }
    }
    w
}
