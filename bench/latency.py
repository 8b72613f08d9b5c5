"""Warm query latency, in process, split by stage; beside it the LlamaIndex tutorial pipeline.

    python bench/latency.py [--jsquad ../shared/data/jsquad-valid-v1.3.json] [--append]

Seed corpus: the 34 questions of bench/seed_questions.json, five times each with a
different suffix (" (1)", …) so that the query-embedding cache never helps, after one
warm-up question; the tutorial pipeline is timed on the same texts, interleaved. JSQuAD:
every question of the
file against the index in bench/.cache/jsquad-index (built by `assistant eval jsquad
--keep-index bench/.cache/jsquad-index` if missing). The tutorial pipeline
(VectorStoreIndex + ChromaVectorStore, default SentenceSplitter, same embedder,
top-10 similarity) is built over the same seed articles and asked the same questions
(its query embeddings bypass the product's query cache, as in the tutorial).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
from results_file import publish

from assistant.baselines import TutorialPipeline
from assistant.corpus import load_corpus
from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.settings import load_settings

HERE = Path(__file__).parent
STAGES = ("embed_query", "dense_search", "bm25", "fusion", "answer")


def percentiles(values: list[float]) -> str:
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return f"{p50:.1f} / {p95:.1f} / {p99:.1f}"


def measure(assistant: Assistant, questions: list[str], tutorial: TutorialPipeline | None,
            rounds: int = 1) -> tuple[dict[str, list[float]], list[float]]:
    """Stage times of `Assistant.ask` and, interleaved question by question (so that
    machine noise hits both alike), times of the tutorial's retrieve."""
    assistant.ask("ウォームアップ warm-up")
    if tutorial:
        tutorial.retrieve("ウォームアップ warm-up")
    rows: dict[str, list[float]] = {s: [] for s in (*STAGES, "total")}
    tutorial_times: list[float] = []
    for round_ in range(rounds):
        for q in questions:
            text = q if round_ == 0 else f"{q} ({round_})"  # new text: no query cache hit
            if tutorial:
                started = time.perf_counter()
                tutorial.retrieve(text)
                tutorial_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            answer = assistant.ask(text)
            rows["total"].append((time.perf_counter() - started) * 1000)
            for stage in STAGES:
                rows[stage].append(answer.timings.get(stage, 0.0))
    return rows, tutorial_times


def table(title: str, rows: dict[str, list[float]], tutorial: list[float] | None) -> str:
    lines = [f"| {title} | p50 / p95 / p99 ms |", "|---|---|"]
    lines += [f"| {stage} | {percentiles(rows[stage])} |" for stage in STAGES]
    lines.append(f"| **total (`Assistant.ask`)** | **{percentiles(rows['total'])}** |")
    if tutorial is not None:
        lines.append(f"| LlamaIndex tutorial pipeline, retrieve only | {percentiles(tutorial)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jsquad", type=Path, default=None)
    parser.add_argument("--append", action="store_true", help="Append to bench/RESULTS.md.")
    args = parser.parse_args()
    seed_questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    questions = [q["q"] for q in seed_questions["answerable"]] + seed_questions["off_topic"]
    settings = load_settings(corpus_dir=HERE.parent / "corpus",
                             index_dir=HERE / ".cache" / "seed-index")
    seed = Assistant(settings)
    seed.ensure_index(progress=False)
    articles, _ = load_corpus(settings.corpus_dir)
    tutorial = TutorialPipeline(articles, seed.embedder, False)
    rows, tutorial_times = measure(seed, questions, tutorial, rounds=5)
    out = [f"## {dt.date.today()} — Warm query latency (issue 7)", "",
           "`python bench/latency.py" + (f" --jsquad {args.jsquad}" if args.jsquad else "")
           + "`", "",
           table(f"seed corpus, {len(questions)} questions × 5 variants", rows, tutorial_times)]
    if args.jsquad:
        jsquad = Assistant(load_settings(index_dir=HERE / ".cache" / "jsquad-index"))
        jsquad.index_articles(load_jsquad(args.jsquad)[0])
        texts = [q.text for q in load_jsquad(args.jsquad)[1]]
        out += ["", table(f"JSQuAD valid, {len(texts)} questions (1,008 chunks)",
                          measure(jsquad, texts, None)[0], None)]
    publish(out, args.append)


if __name__ == "__main__":
    main()
