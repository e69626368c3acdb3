#!/usr/bin/env python3
"""Tunes `ask`'s score weights and relevance floor on the dev split only.

Reads `target/tmp/relevance-dev-features.jsonl` (written by
`cargo test --release --test integration relevance`): for every dev question,
every candidate `ask` weighed with its signals and whether it answers. It
re-scores the candidates for a grid of weights, keeps two passages per
article as `ask` does, and prints the best settings by MRR (R@1, R@3 too),
then the relevance floor's trade-off between refusing answerable and
unanswerable questions. The test split is never read.

    python3 tests/eval/questions/tune.py [FEATURES.jsonl]
"""
import itertools
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
PATH = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/tmp/relevance-dev-features.jsonl"
PER_ARTICLE = 2
LIMIT = 5


def load():
    rows = [json.loads(l) for l in PATH.read_text().splitlines() if l.strip()]
    return [r for r in rows if r["answerable"]], [r for r in rows if not r["answerable"]]


def score(c, w):
    sentence = c["sentence_cosine"] if c["sentence_cosine"] is not None else c["cosine"]
    return (w["cosine"] * (c["cosine"] or 0.0) + w["sentence"] * (sentence or 0.0) + w["coverage"] * c["coverage"]
            + w["bm25"] * c["bm25"] + w["title"] * (c["title_cosine"] or 0.0) + (w["date"] if c["date_match"] else 0.0))


def ranked(cands, w):
    """The top LIMIT as `ask` ranks them, two per article."""
    out, per = [], {}
    for c in sorted(cands, key=lambda c: -score(c, w)):
        n = per.get(c["article_id"], 0)
        if n >= PER_ARTICLE:
            continue
        per[c["article_id"]] = n + 1
        out.append(c)
        if len(out) == LIMIT:
            break
    return out


def metrics(questions, w):
    r1 = r3 = mrr = 0.0
    for q in questions:
        top = ranked(q["candidates"], w)
        rank = next((i + 1 for i, c in enumerate(top) if c["correct"]), None)
        if rank:
            r1 += rank == 1
            r3 += rank <= 3
            mrr += 1.0 / rank
    n = max(len(questions), 1)
    return r1 / n, r3 / n, mrr / n


def meaning(c, how):
    cos, sent = c["cosine"] or 0.0, c["sentence_cosine"] if c["sentence_cosine"] is not None else (c["cosine"] or 0.0)
    return {"passage": cos, "sentence": sent, "max": max(cos, sent), "mean": (cos + sent) / 2}[how]


def relevance(q, wc, how):
    """What the floor is compared with: the highest mix of closeness in
    meaning and coverage among the candidates (`ask` uses wc = 0.5, the
    mean, with the higher of the passage's and its best sentence's
    cosine: "max")."""
    return max((((1 - wc) * meaning(c, how) + wc * c["coverage"]) for c in q["candidates"]), default=-1.0)


def main():
    answerable, unanswerable = load()
    grid = {
        "cosine": [1.0],
        "sentence": [0.0, 0.5, 1.0, 2.0],
        "coverage": [0.0, 0.25, 0.5, 1.0],
        "bm25": [0.0, 0.2],
        "title": [0.0, 0.1, 0.2, 0.3],
        "date": [0.0, 0.1, 0.2],
    }
    results = []
    for values in itertools.product(*grid.values()):
        w = dict(zip(grid.keys(), values))
        results.append((metrics(answerable, w), w))
    results.sort(key=lambda r: (-r[0][2], -r[0][1]))
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable dev questions")
    for (r1, r3, mrr), w in results[:12]:
        print(f"R@1 {r1:.3f}  R@3 {r3:.3f}  MRR {mrr:.3f}  {w}")
    print("\nrelevance floor (answerable refused / unanswerable refused):")
    for how in ("passage", "sentence", "max", "mean"):
        for wc in (0.3, 0.5, 0.6):
            for floor in (0.42, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.52, 0.55, 0.58):
                a = sum(relevance(q, wc, how) < floor for q in answerable) / max(len(answerable), 1)
                u = sum(relevance(q, wc, how) < floor for q in unanswerable) / max(len(unanswerable), 1)
                print(f"  {how}, coverage share {wc:.1f}, floor {floor:.2f}: {a:.3f} / {u:.3f}")


if __name__ == "__main__":
    main()
