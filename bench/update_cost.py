"""What one changed article costs in a big index (issue 6: revisions written beside the
live records, so an update costs what changed, not the size of the index).

    python bench/update_cost.py [--chunks 10000] [--append]

Works on a copy of bench/.cache/scale-N (built by bench/scale.py), with the same
synthetic embedder: time of `index_articles` after removing one article, after adding it
back, and with nothing changed; split into the sync itself and the search files (chunk
table + BM25) that every new revision gets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
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

    saved = (SearchFiles.build, SearchFiles.build_changed)
    measured(SearchFiles, "build", "search")
    measured(SearchFiles, "build_changed", "search")
    measured(assistant.embedder, "embed_passages", "embed")
    try:
        started = time.perf_counter()
        assistant.index_articles(articles, progress=False)
        return time.perf_counter() - started, spent["search"], spent["embed"]
    finally:
        SearchFiles.build, SearchFiles.build_changed = saved  # type: ignore[method-assign]
        del assistant.embedder.embed_passages  # the instance attribute set above


def edited_copy(article: Article) -> Article:
    """The article with one sentence added: a new version (new tag, new records)."""
    body = article.body + "\n\nこの記事は更新されました。"
    return replace(article, body=body, content_hash=hashlib.sha256(body.encode()).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    source = HERE / ".cache" / f"scale-{args.chunks}"
    if not (source / "manifest.json").exists():
        raise SystemExit(f"build it first: python bench/scale.py --chunks {args.chunks}")
    articles = synthetic_articles(args.chunks)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        shutil.copytree(source, index_dir)
        assistant = Assistant(load_settings(index_dir=index_dir), embedder=SyntheticPassages())
        edited = [*articles[:-1], edited_copy(articles[-1])]
        rows = [("nothing changed", timed(assistant, articles)),
                ("one article removed", timed(assistant, articles[:-1])),
                ("the same article added back (embedded again)", timed(assistant, articles)),
                ("one article edited (new text: embedded, new records)",
                 timed(assistant, edited)),
                ("one article removed again", timed(assistant, edited[:-1])),
                ("nothing changed", timed(assistant, edited[:-1]))]
    lines = [f"## {dt.date.today()} — Cost of one changed article at {args.chunks:,} chunks "
             "(issues 6, 18)", "", f"`python bench/update_cost.py --chunks {args.chunks}` "
             "(a copy of the scale index, synthetic vectors)", "",
             "| update | whole `index_articles` | of which: new search files (chunks + BM25) "
             "| of which: embedding the changed article |", "|---|---|---|---|"]
    lines += [f"| {label} | {total:.2f} s | {search:.2f} s | {embed:.2f} s |"
              for label, (total, search, embed) in rows]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
