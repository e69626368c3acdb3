#!/usr/bin/env python3
"""Validate the split retrieval question sets in this directory.

Checks `test.jsonl` and `dev.jsonl` (whichever are present):

- every line is a JSON object;
- an answerable row has `question`, `file` and `answer`; `answer` is an exact
  substring of the document body (a `.md` file: the text after its YAML front
  matter; `seed/article.txt`: the whole text; a CSV row
  `data/press-releases/<csv>#<link>`: the `body` cell of the row whose `link`
  is `<link>`); so is every entry of `also`, except that an `also` may instead
  quote another document of the corpus (the same fact as worded by a reprint,
  as `../README.md` allows; the scorer accepts any document holding it);
- an unanswerable row has `question` and `unanswerable` ("off-topic" or
  "absent") and nothing that points into a document;
- no question shares a run of more than three consecutive words with its
  answer or an `also` text (lower case, `\\w+` tokens);
- no row points at a reserved document (the talks-news articles held out in
  `../quotes/README.md`);
- no document appears in both splits; no question appears twice;
- the test split uses no document of `../questions.jsonl` (the set the
  ranking was developed against).

It also warns (without failing) when an answer of one split is found verbatim
in a document of the other split: the same article under two hosts puts the
same text on both sides of a split by document.

Prints counts per split, per source and per kind; exits 1 on any problem.
The documents are read from `<repo>/../shared` (or the directory given as the
first argument, or $PARLEY_SHARED).
"""

import csv
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPLITS = ["test", "dev"]
LEGACY_DEV_LINES = 50
MAX_RUN = 3
KINDS = {"paraphrase", "name-variant", "typo", "event-or-date", "yes-no",
         "number", "who", "where", "why"}
UNANSWERABLE = {"off-topic", "absent"}

# Held out for an independent evaluation (tests/eval/quotes/README.md).
RESERVED_TALKS = {
    "crawl_2bdc05d7b899", "crawl_f14a259ca208", "crawl_eb2356755baa",
    "crawl_6d7bedb3f039", "crawl_57b5c62741f5", "crawl_895f1a311583",
    "crawl_ff323d7cbe1e", "crawl_bec7a3524d0a", "crawl_c16265ddbfb2",
    "crawl_3015cd294a62",
}
# The set the ranking was developed against: the test split stays off its documents.
EARLIER_SET = HERE.parent / "questions.jsonl"


def shared_dir():
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    if os.environ.get("PARLEY_SHARED"):
        return Path(os.environ["PARLEY_SHARED"])
    return REPO.parent / "shared"


def words(text):
    return re.findall(r"\w+", text.lower())


def longest_shared_run(a, b):
    """Length of the longest run of consecutive words common to a and b."""
    x, y = words(a), words(b)
    best = 0
    prev = [0] * (len(y) + 1)
    for i in range(1, len(x) + 1):
        cur = [0] * (len(y) + 1)
        for j in range(1, len(y) + 1):
            if x[i - 1] == y[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def strip_front_matter(text):
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + len("\n---\n"):]
    return text


class Documents:
    def __init__(self, root):
        self.root = root
        self.cache = {}
        self.csv_rows = {}

    def _csv(self, name):
        if name not in self.csv_rows:
            csv.field_size_limit(10 ** 9)
            path = self.root / "data" / "press-releases" / name
            with open(path, encoding="utf-8", newline="") as f:
                self.csv_rows[name] = {row["link"].strip(): row["body"]
                                       for row in csv.DictReader(f)}
        return self.csv_rows[name]

    def corpus(self):
        """(name, body) of every document the scorer indexes, reserved ones left out."""
        if not hasattr(self, "_corpus"):
            out = []
            seed = self.root / "seed" / "article.txt"
            if seed.is_file():
                out.append(("seed/article.txt", seed.read_text(encoding="utf-8")))
            for p in sorted((self.root / "data" / "talks-news").glob("*.md")):
                if p.stem in RESERVED_TALKS:
                    continue
                out.append((f"data/talks-news/{p.name}",
                            strip_front_matter(p.read_text(encoding="utf-8"))))
            for name in ("kremlin.csv", "president-ua.csv"):
                for link, body in self._csv(name).items():
                    out.append((f"data/press-releases/{name}#{link}", body))
            self._corpus = out
        return self._corpus

    def elsewhere(self, text):
        """Name of some document of the corpus that contains text, or None."""
        for name, body in self.corpus():
            if text in body:
                return name
        return None

    def body(self, file):
        """The searchable body of `file`, or raise ValueError."""
        if file in self.cache:
            return self.cache[file]
        if "#" in file:
            path, link = file.split("#", 1)
            if not path.startswith("data/press-releases/") or not path.endswith(".csv"):
                raise ValueError(f"a '#' link must point into data/press-releases/*.csv: {file}")
            rows = self._csv(Path(path).name)
            if link.strip() not in rows:
                raise ValueError(f"no row with link {link!r} in {path}")
            text = rows[link.strip()]
        else:
            p = self.root / file
            if not p.is_file():
                raise ValueError(f"no such file: {file}")
            text = p.read_text(encoding="utf-8")
            if file.endswith(".md"):
                text = strip_front_matter(text)
        self.cache[file] = text
        return text


def source_of(file):
    if file.startswith("seed/"):
        return "seed"
    if file.startswith("data/talks-news/"):
        return "talks-news"
    if file.startswith("data/press-releases/kremlin.csv"):
        return "kremlin"
    if file.startswith("data/press-releases/president-ua.csv"):
        return "president-ua"
    return "other"


def reserved(file):
    return file.startswith("data/talks-news/") and Path(file).stem in RESERVED_TALKS


def earlier_files():
    files = set()
    if EARLIER_SET.exists():
        for line in EARLIER_SET.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    files.add(json.loads(line).get("file"))
                except (json.JSONDecodeError, AttributeError):
                    pass
    files.discard(None)
    return files


def check_split(name, path, docs, problems):
    rows = []
    seen = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{lineno}"
        if not line.strip():
            problems.append(f"{where}: empty line")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not JSON ({e})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        q = row.get("question")
        if not isinstance(q, str) or not q.strip():
            problems.append(f"{where}: missing question")
            continue
        key = " ".join(words(q))
        if key in seen:
            problems.append(f"{where}: duplicate question {q!r}")
        seen.add(key)
        if "unanswerable" in row:
            if row["unanswerable"] not in UNANSWERABLE:
                problems.append(f"{where}: unanswerable must be one of {sorted(UNANSWERABLE)}")
            for k in ("file", "answer", "also"):
                if k in row:
                    problems.append(f"{where}: unanswerable row has {k!r}")
            rows.append(row)
            continue
        file, answer = row.get("file"), row.get("answer")
        if not isinstance(file, str) or not isinstance(answer, str) or not answer.strip():
            problems.append(f"{where}: answerable row needs file and answer")
            continue
        also = row.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            problems.append(f"{where}: also must be a list of non-empty strings")
            also = []
        kind = row.get("kind")
        if kind is not None and kind not in KINDS:
            problems.append(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
        if reserved(file):
            problems.append(f"{where}: reserved document {file}")
            rows.append(row)
            continue
        try:
            body = docs.body(file)
        except (OSError, ValueError) as e:
            problems.append(f"{where}: {e}")
            rows.append(row)
            continue
        for i, text in enumerate([answer] + also):
            if text not in body:
                if i == 0:
                    problems.append(f"{where}: answer not an exact substring of {file}: "
                                    f"{text[:80]!r}")
                elif docs.elsewhere(text) is None:
                    problems.append(f"{where}: also text in no document: {text[:80]!r}")
            run = longest_shared_run(q, text)
            # The first 50 dev questions predate the rule (they were the
            # whole set before the split) and are kept as written.
            legacy = name == "dev" and lineno <= LEGACY_DEV_LINES
            if run > MAX_RUN and not legacy:
                problems.append(f"{where}: question shares {run} consecutive words "
                                f"with {text[:60]!r}")
        rows.append(row)
    return rows


def report(name, rows):
    answerable = [r for r in rows if "unanswerable" not in r]
    unanswerable = [r for r in rows if "unanswerable" in r]
    per_doc = Counter(r["file"] for r in answerable if "file" in r)
    per_source = Counter(source_of(r["file"]) for r in answerable if "file" in r)
    docs_per_source = Counter(source_of(f) for f in per_doc)
    kinds = Counter(r.get("kind", "-") for r in answerable)
    unans = Counter(r["unanswerable"] for r in unanswerable)
    print(f"{name}: {len(rows)} questions, {len(answerable)} answerable over "
          f"{len(per_doc)} documents, {len(unanswerable)} unanswerable")
    for src in sorted(per_source):
        print(f"  {src:13} {per_source[src]:3} questions  {docs_per_source[src]:3} documents")
    print("  kinds:        " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("  unanswerable: " + ", ".join(f"{k} {v}" for k, v in sorted(unans.items())))
    return set(per_doc)


def main():
    root = shared_dir()
    if not root.is_dir():
        print(f"shared material not found at {root}", file=sys.stderr)
        return 1
    docs = Documents(root)
    problems = []
    files_by_split = {}
    rows_by_split = {}
    for name in SPLITS:
        path = HERE / f"{name}.jsonl"
        if not path.exists():
            print(f"{name}: {path.name} not present, skipped")
            continue
        rows = check_split(name, path, docs, problems)
        rows_by_split[name] = rows
        files_by_split[name] = report(name, rows)

    if "test" in files_by_split:
        for f in sorted(files_by_split["test"] & earlier_files()):
            problems.append(f"test document also in {EARLIER_SET.name}: {f}")

    if len(files_by_split) == 2:
        both = files_by_split["test"] & files_by_split["dev"]
        for f in sorted(both):
            problems.append(f"document in both splits: {f}")
        # Same text under two names (duplicate pages) leaks across a split
        # by document; say so, but it is not an error of the sets themselves.
        for a, b in (("test", "dev"), ("dev", "test")):
            for row in rows_by_split[a]:
                if "answer" not in row:
                    continue
                for f in sorted(f for f in files_by_split[b] if not reserved(f)):
                    try:
                        if row["answer"] in docs.body(f):
                            print(f"warning: {a} answer {row['answer'][:50]!r} also in "
                                  f"{b} document {f}")
                    except (OSError, ValueError):
                        pass

    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
