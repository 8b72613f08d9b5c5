"""What a new revision's search files (chunk table + BM25) cost at N chunks, without Chroma
(issue 18): the part of `bench/update_cost.py` that grew with the size of the index.

    python bench/search_update_cost.py [--chunks 100000] [--append]

The synthetic articles of bench/scale.py; a first revision built from nothing, then the
updates of update_cost.py, each as `ArticleIndex.sync` makes it: the previous revision's
rows of the unchanged articles (`read_rows`), the changed article's rows made afresh,
`SearchFiles.build` with the previous revision to reuse. Then loading the last revision
(`SearchFiles.read`) and BM25 over the seed questions. The same script runs on older code
(the API it uses is unchanged), for the figures side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from results_file import publish
from scale import HERE, synthetic_articles

from assistant.corpus import Article
from assistant.revision import SearchFiles, chunk_table, record_tag


def revision(root: Path, name: str, articles: list[Article], previous: SearchFiles | None,
             changed: set[str]) -> tuple[SearchFiles, float]:
    """A new revision's search files, made as the indexer makes them; seconds taken."""
    started = time.perf_counter()
    by_id = {a.id: a for a in articles}
    tags = {a.id: record_tag(a) for a in articles}
    kept = [r for r in previous.read_rows() if r.article_id in by_id
            and r.article_id not in changed] if previous else []
    fresh = {i: a for i, a in by_id.items() if previous is None or i in changed}
    files = SearchFiles(root / f"search-{name}", name, "sudachi")
    files.build(by_id, kept + chunk_table(fresh, tags, 300, 1), reuse=previous)
    return files, time.perf_counter() - started


def merged_update(root: Path, articles: list[Article], previous: SearchFiles, changed: str
                  ) -> float | None:
    """An update that merges every segment (None for code without segments)."""
    try:
        from assistant import search_files
    except ImportError:
        return None
    share = search_files.MERGE_SHARE
    search_files.MERGE_SHARE = 0.0
    try:
        return revision(root, "merged", articles, previous, {changed})[1]
    finally:
        search_files.MERGE_SHARE = share


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    load_average = os.getloadavg()[0]
    articles = synthetic_articles(args.chunks)
    last = articles[-1].id
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files, spent = revision(root, "r0", articles, None, set())
        rows.append(("first revision (every chunk tokenized)", spent))
        steps = [("one article removed", articles[:-1]),
                 ("the same article added back", articles),
                 ("one article removed again", articles[:-1])]
        for i, (label, now) in enumerate(steps, 1):
            files, spent = revision(root, f"r{i}", now, files, {last})
            rows.append((label, spent))
        started = time.perf_counter()
        table, keyword = files.read()
        load = time.perf_counter() - started
        questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
        times = []
        for q in [q["q"] for q in questions["answerable"]] + questions["off_topic"]:
            started = time.perf_counter()
            keyword.scores(q)
            times.append((time.perf_counter() - started) * 1000)
        merge = merged_update(root, articles, files, last)
    p50, p95 = np.percentile(times, [50, 95])
    lines = [f"## {dt.date.today()} — Search files of a new revision at {len(table):,} chunks "
             "(issue 18)", "", f"`python bench/search_update_cost.py --chunks {args.chunks}` "
             f"(load average at the start: {load_average:.1f})", "",
             "| step | seconds |", "|---|---|"]
    lines += [f"| {label} | {spent:.2f} s |" for label, spent in rows]
    if merge is not None:
        lines.append(f"| the same article added back, all segments merged into a new base "
                     f"(what every ~10% of changed chunks costs) | {merge:.2f} s |")
    lines += [f"| load the last revision's chunk table + BM25 | {load:.2f} s |",
              f"| BM25 scores of every chunk, seed questions, p50 / p95 | "
              f"{p50:.1f} / {p95:.1f} ms |"]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
