"""Opening a revision's search files at N chunks, and BM25 per question right after
(issue 18): the first pass scores each term at its first use, the second finds it kept.

    python bench/bm25_open.py FOLDER [--chunks 100000]

FOLDER keeps the revision (made once, like bench/search_update_cost.py's first revision,
from bench/scale.py's synthetic articles), so the same files can be opened by older code:
    PYTHONPATH=BASE python bench/bm25_open.py FOLDER
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scale import HERE, synthetic_articles
from search_update_cost import revision

from assistant.revision import SearchFiles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--chunks", type=int, default=100_000)
    args = parser.parse_args()
    name = f"rev-{args.chunks}"
    if not (args.folder / f"search-{name}").exists():
        args.folder.mkdir(parents=True, exist_ok=True)
        _, seconds = revision(args.folder, name, synthetic_articles(args.chunks), None, set())
        print(f"made in {seconds:.1f} s")
    files = SearchFiles(args.folder / f"search-{name}", name, "sudachi")
    started = time.perf_counter()
    _, keyword = files.read()
    print(f"open the revision: {time.perf_counter() - started:.2f} s")
    questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    for label in ("first pass", "second pass"):
        times = []
        for q in [q["q"] for q in questions["answerable"]] + questions["off_topic"]:
            started = time.perf_counter()
            keyword.scores(q)
            times.append((time.perf_counter() - started) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        print(f"BM25 per question, {label}: p50 {p50:.1f} / p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
