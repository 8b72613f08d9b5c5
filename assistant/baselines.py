"""Baselines scored beside the product by `assistant eval jsquad --compare`.

- `bm25 only` and `dense only`: the product's own chunks and index, one side of the fusion;
- `llama-index tutorial`: what a user would build from the LlamaIndex starter tutorial —
  `VectorStoreIndex.from_documents` over a `ChromaVectorStore`, the default
  `SentenceSplitter`, the same embedder, `as_retriever(similarity_top_k=10)`; no BM25,
  no sentence choice, no decline.

Each baseline is a function question -> ranked hits (article id, start, end, text), so the
same retrieval metrics apply to all of them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .corpus import Article
from .embeddings import Embedder
from .llama_adapter import LlamaIndexEmbedding


@dataclass(frozen=True)
class Hit:
    article_id: str
    start: int
    end: int
    text: str


Retrieve = Callable[[str], list[Hit]]


def product_side(assistant: Any, dense_weight: float, keyword_weight: float) -> Retrieve:
    """The product's hybrid retriever with one side switched off."""
    from .retrieval import HybridRetriever

    settings = assistant.settings.model_copy(
        update={"dense_weight": dense_weight, "keyword_weight": keyword_weight})
    retriever = HybridRetriever(assistant.retriever().loaded, settings, assistant.embedder)

    def retrieve(question: str) -> list[Hit]:
        return [Hit(p.article_id, p.start, p.end, p.text)
                for p in retriever.retrieve(question, 10).passages]

    return retrieve


class TutorialPipeline:
    """The LlamaIndex tutorial pipeline over the same articles, in a temporary Chroma."""

    def __init__(self, articles: list[Article], embedder: Embedder, progress: bool,
                 path: Path | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self._tmp = None if path else tempfile.TemporaryDirectory(prefix="tutorial-chroma-")
        folder = path or Path(self._tmp.name if self._tmp else ".")
        client = chromadb.PersistentClient(
            path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
        # embedding_function=None only keeps Chroma from ever loading its own model;
        # vectors always come from the embedder below, as in the tutorial.
        collection = client.get_or_create_collection("tutorial", embedding_function=None)
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(
            chroma_collection=collection))
        documents = [Document(text=a.body, id_=a.id, metadata={"title": a.title})
                     for a in articles]
        started = time.perf_counter()
        self.index = VectorStoreIndex.from_documents(
            documents, storage_context=storage, embed_model=LlamaIndexEmbedding(embedder),
            transformations=[SentenceSplitter()], show_progress=progress)
        self.build_seconds = time.perf_counter() - started
        self.chunks = collection.count()
        self.retriever = self.index.as_retriever(similarity_top_k=10)

    def retrieve(self, question: str) -> list[Hit]:
        hits = []
        for scored in self.retriever.retrieve(question):
            node = scored.node
            start = getattr(node, "start_char_idx", None) or 0  # a TextNode's offsets
            end = getattr(node, "end_char_idx", None) or 0
            hits.append(Hit(node.ref_doc_id or "", start, end, node.get_content()))
        return hits


def retrieval_metrics(retrieve: Retrieve, questions: list[Any], desc: str,
                      progress: bool) -> dict[str, Any]:
    """Recall@k, MRR@10, answer_hit@5 and latency of one retriever over the questions."""
    ranks, hits5, latencies = [], [], []
    for q in tqdm(questions, desc=desc, disable=not progress):
        started = time.perf_counter()
        hits = retrieve(q.text)
        latencies.append((time.perf_counter() - started) * 1000)
        ranks.append([h.article_id == q.article_id and h.start < q.gold_end
                      and q.gold_start < h.end for h in hits])
        hits5.append(any(a in h.text for h in hits[:5] for a in q.answers))
    n = len(questions)
    if not n:
        return {"questions": 0}
    latencies.sort()
    return {
        "questions": n,
        **{f"recall@{k}": round(sum(any(r[:k]) for r in ranks) / n, 4) for k in (1, 5, 10)},
        "mrr@10": round(sum(next((1 / (i + 1) for i, x in enumerate(r[:10]) if x), 0.0)
                            for r in ranks) / n, 4),
        "answer_hit@5": round(sum(hits5) / n, 4),
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(latencies[min(n - 1, int(0.95 * n))], 1)},
    }
