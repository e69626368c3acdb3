#!/usr/bin/env python3
"""Validate the hand-labelled quote gold set in this folder.

Checks every *.jsonl line (top-level files: the dev split; test/*.jsonl: the
held-out test split; second/*.jsonl: dev documents labelled a second time):
valid JSON, required fields, `kind` is direct or
indirect, `quote` is an exact substring of its document (and sits at `offset`
when one is given), no reserved article is labelled, no two items share a span.
Prints the counts per file and per split.
Documents are read from ../shared/data beside the repository (or $PARLEY_SHARED).

    python3 tests/eval/quotes/check.py          # exit status 1 on any problem
"""
import collections
import csv
import json
import os
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]
SHARED = pathlib.Path(os.environ.get("PARLEY_SHARED", REPO.parent / "shared")) / "data"
RESERVED = {
    "crawl_2bdc05d7b899", "crawl_f14a259ca208", "crawl_eb2356755baa", "crawl_6d7bedb3f039",
    "crawl_57b5c62741f5", "crawl_895f1a311583", "crawl_ff323d7cbe1e", "crawl_bec7a3524d0a",
    "crawl_c16265ddbfb2", "crawl_3015cd294a62",
}
KEYS = {"file", "speaker", "kind", "quote", "anonymous", "note", "offset"}

csv.field_size_limit(sys.maxsize)
_csv_cache = {}


def document(ref):
    """Text of a document reference: `talks-news/x.md` or `press-releases/y.csv#<link>` (body)."""
    if "#" in ref:
        path, link = ref.split("#", 1)
        if path not in _csv_cache:
            with open(SHARED / path, newline="", encoding="utf-8") as f:
                _csv_cache[path] = {row["link"]: row["body"] for row in csv.DictReader(f)}
        return _csv_cache[path].get(link)
    p = SHARED / ref
    return p.read_text(encoding="utf-8") if p.exists() else None


def main():
    if not SHARED.exists():
        sys.exit(f"shared data not found at {SHARED}")
    errors = []
    # dev: top-level files, test: test/, second: second/ (dev documents labelled again)
    splits = collections.defaultdict(collections.Counter)
    per_file = {}
    for jl in sorted(HERE.glob("*.jsonl")) + sorted(HERE.glob("test/*.jsonl")) + sorted(HERE.glob("second/*.jsonl")):
        split = jl.parent.name if jl.parent.name in ("test", "second") else "dev"
        seen = set()
        counts = collections.Counter()
        for n, line in enumerate(jl.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{jl.relative_to(HERE)}:{n}"
            if not line.strip():
                errors.append(f"{where}: blank line")
                continue
            try:
                o = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: invalid JSON: {e}")
                continue
            missing = {"file", "speaker", "kind", "quote"} - o.keys()
            if missing:
                errors.append(f"{where}: missing {sorted(missing)}")
                continue
            if o.keys() - KEYS:
                errors.append(f"{where}: unknown keys {sorted(o.keys() - KEYS)}")
            if o["kind"] not in ("direct", "indirect"):
                errors.append(f"{where}: bad kind {o['kind']!r}")
            if "anonymous" in o and o["anonymous"] is not True:
                errors.append(f"{where}: anonymous must be true when present")
            if not o["speaker"].strip() or not o["quote"].strip():
                errors.append(f"{where}: empty speaker or quote")
            if re.search(r"crawl_[0-9a-f]{12}", o["file"]) and \
                    re.search(r"crawl_[0-9a-f]{12}", o["file"]).group(0) in RESERVED:
                errors.append(f"{where}: reserved article {o['file']}")
            text = document(o["file"])
            if text is None:
                errors.append(f"{where}: document not found: {o['file']}")
                continue
            if o["quote"] not in text:
                errors.append(f"{where}: quote is not a substring of {o['file']}: {o['quote'][:60]!r}")
                continue
            off = o.get("offset")
            if off is not None and text[off:off + len(o["quote"])] != o["quote"]:
                errors.append(f"{where}: quote not at offset {off}")
            key = (o["file"], off if off is not None else text.index(o["quote"]))
            if key in seen:
                errors.append(f"{where}: duplicate span")
            seen.add(key)
            counts[o["kind"]] += 1
            splits[split][o["kind"]] += 1
            splits[split]["anonymous"] += "anonymous" in o
        per_file[str(jl.relative_to(HERE))] = counts
        splits[split]["documents"] += 1
    for name, c in per_file.items():
        print(f"{name:60} direct {c['direct']:3}  indirect {c['indirect']:3}")
    for split, c in sorted(splits.items()):
        print(f"{split}: {c['documents']} documents, {c['direct'] + c['indirect']} statements: "
              f"{c['direct']} direct, {c['indirect']} indirect ({c['anonymous']} anonymous)")
    gold = [splits[s] for s in ("dev", "test")]
    direct, indirect = sum(c["direct"] for c in gold), sum(c["indirect"] for c in gold)
    print(f"gold set (dev + test): {sum(c['documents'] for c in gold)} documents, {direct + indirect} statements: "
          f"{direct} direct, {indirect} indirect")
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
