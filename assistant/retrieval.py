"""Hybrid retrieval: dense (Chroma) + BM25, fused by z-scores.

For a query, the dense side asks Chroma for its nearest chunks and the keyword side
scores every chunk with BM25; the union of both top lists is the candidate set. Each
side's scores are turned into z-scores over the candidates (a candidate the dense side
did not return gets the lowest dense score it did return) and summed with the
configured weights. A question in a language the articles don't share (English over
Japanese text) gets no BM25 matches, so dense alone decides, as it should.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import threading
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .corpus import Article
from .embeddings import Embedder
from .index import CHUNKS, PAGE, SENTENCES, ArticleIndex, Snapshot, embedding_text, sentence_id
from .keyword import KeywordIndex
from .results import Passage
from .settings import Settings

CANDIDATES = 50
OTHER_VERSIONS_MARGIN = 20  # extra dense hits asked for: records of other revisions are skipped
SENTENCE_VECTOR_CACHE = 50_000  # ~77 MB of 384-dim float32 vectors at most


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    article_id: str
    section: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]


@dataclass
class Retrieval:
    """What one search found, and the signals the decline rule looks at."""

    passages: list[Passage]
    query_vector: np.ndarray
    dense_top: float = 0.0  # best cosine of any chunk
    dense_gap: float = 0.0  # best cosine minus the mean cosine of the dense candidates
    keyword_ratio: float = 0.0  # best BM25 score / mean BM25 score of matching chunks
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage


class Stopwatch:
    """Milliseconds spent in consecutive named stages."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self._last) * 1000
        self._last = now


def zscores(values: np.ndarray) -> np.ndarray:
    """(values - mean) / std; all zeros when the values don't vary."""
    std = float(values.std())
    if std < 1e-9:
        return np.zeros_like(values)
    return (values - values.mean()) / std


def load_search_state(index: ArticleIndex, tokenizer: str, snapshot: Snapshot,
                      reuse: str | None = None) -> tuple[list[ChunkRecord], KeywordIndex]:
    """The chunk table and BM25 index of a revision: read from its search folder when they
    were built with this tokenizer, else built from Chroma and saved (reusing the terms of
    the `reuse` revision's unchanged chunks).

    Building means tokenizing every chunk (SudachiPy: ~1 M characters/s), which at 100k
    chunks would take half a minute at every start; reading the saved files does not."""
    revision = snapshot.revision
    folder = index.search_path(revision)
    if search_state_is_current(index, tokenizer, revision):
        try:
            chunks = [ChunkRecord(**{**c, "sentences": tuple(map(tuple, c["sentences"]))})
                      for c in json.loads((folder / "chunks.json").read_text(encoding="utf-8"))]
            return chunks, KeywordIndex.load(folder)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # damaged: rebuild below
    articles = index.read_articles(revision)
    chunks = load_chunks(index, snapshot)
    known = KeywordIndex.saved_terms(index.search_path(reuse), tokenizer) if reuse else None
    keyword = KeywordIndex(
        [embedding_text(articles[c.article_id], c.section, c.text) for c in chunks], tokenizer,
        known_terms=known)
    _save_search_state(folder, revision, tokenizer, chunks, keyword)
    return chunks, keyword


def search_state_is_current(index: ArticleIndex, tokenizer: str, revision: str) -> bool:
    try:
        state = json.loads((index.search_path(revision) / "state.json").read_text(
            encoding="utf-8"))
        return state["revision"] == revision and state["tokenizer"] == tokenizer
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _save_search_state(folder: Path, revision: str | None, tokenizer: str,
                       chunks: list[ChunkRecord], keyword: KeywordIndex) -> None:
    """Write next to the index, then swap in; a failure only costs a rebuild next time."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        keyword.save(tmp)
        (tmp / "chunks.json").write_text(json.dumps([asdict(c) for c in chunks],
                                                    ensure_ascii=False), encoding="utf-8")
        (tmp / "state.json").write_text(json.dumps({"revision": revision,
                                                    "tokenizer": tokenizer}), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def load_chunks(index: ArticleIndex, snapshot: Snapshot) -> list[ChunkRecord]:
    """Every chunk of a revision (records of other revisions skipped), in a stable order
    (article, then position)."""
    collection = index.collection(CHUNKS, snapshot.generation)
    ids: list[str] = []
    documents: list[str] = []
    metadatas: list[dict] = []
    while True:  # in pages: one get() of ~100k records exceeds SQLite's variable limit
        page = collection.get(include=["documents", "metadatas"], limit=PAGE, offset=len(ids))
        ids += page["ids"]
        documents += page["documents"]
        metadatas += page["metadatas"]
        if len(page["ids"]) < PAGE:
            break
    records = []
    for chunk_id, text, meta in zip(ids, documents, metadatas, strict=True):
        if snapshot.tags.get(str(meta["article_id"])) != meta.get("article_hash"):
            continue  # another version of the article (older, or being written)
        node = json.loads(meta.get("_node_content") or "{}")
        records.append(
            ChunkRecord(
                chunk_id=chunk_id,
                article_id=str(meta["article_id"]),
                section=str(meta.get("section", "")),
                start=int(node.get("start_char_idx") or 0),
                end=int(node.get("end_char_idx") or 0),
                text=text or "",
                sentences=tuple(tuple(s) for s in json.loads(meta.get("sentences", "[]"))),
            )
        )
    records.sort(key=lambda r: (r.article_id, r.start, r.end))
    return records


class HybridRetriever:
    """Searches one loaded index; cheap to query, built once per index version."""

    def __init__(self, index: ArticleIndex, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        index.reopen()  # see the records other processes wrote since the store was opened
        snapshot = index.snapshot(index.current())
        self.revision = snapshot.revision
        self.generation = snapshot.generation
        self.tags = snapshot.tags
        self.articles: dict[str, Article] = index.read_articles(self.revision)
        self.chunks, self.keyword = load_search_state(index, settings.keyword_tokenizer,
                                                      snapshot)
        self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self._sentences_of: dict[str, list[tuple[int, int, int]]] = {}
        for i, c in enumerate(self.chunks):
            spans = self._sentences_of.setdefault(c.article_id, [])
            spans.extend((start, end, i) for start, end in c.sentences)
        for spans in self._sentences_of.values():
            spans.sort()
        self._article_of = np.array([c.article_id for c in self.chunks], dtype=object)
        self.chunk_store = index.collection(CHUNKS, snapshot.generation)
        self._sentence_cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self.embedder_dim = len(embedder.embed_query("次元 dimension"))
        self.sentence_store = index.collection(SENTENCES, snapshot.generation)

    def dense_search(
        self, vector: np.ndarray, n: int, article_ids: Collection[str] | None = None
    ) -> dict[int, float]:
        """Chunk position -> cosine similarity of the n nearest chunks.

        Reads ids and distances straight from the Chroma collection: the chunk records are
        already in memory, and rebuilding llama-index nodes from each hit's metadata cost
        ~3 ms of a ~10 ms question (bench/RESULTS.md). Writes go through ChromaVectorStore.
        """
        where = {"article_id": {"$in": list(article_ids)}} if article_ids is not None else None
        asked = n + OTHER_VERSIONS_MARGIN
        found, returned = self._nearest_live(vector, asked, n, where)
        if len(found) < n and returned == asked:  # crowded out by another revision's records
            live = {"article_hash": {"$in": sorted(set(self.tags.values()))}}
            found, _ = self._nearest_live(vector, n, n,
                                          live if where is None else {"$and": [where, live]})
        return found

    def _nearest_live(self, vector: np.ndarray, asked: int, n: int, where: dict | None
                      ) -> tuple[dict[int, float], int]:
        """The n nearest chunks of this revision among the `asked` nearest records."""
        result = self.chunk_store.query(query_embeddings=[vector.tolist()], n_results=asked,
                                        where=where, include=["distances"])
        found: dict[int, float] = {}
        for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            if chunk_id in self.position and len(found) < n:  # skip other versions' records
                found[self.position[chunk_id]] = 1.0 - distance  # cosine distance = 1 - cos
        return found, len(result["ids"][0])

    def keyword_search(
        self, query: str, article_ids: Collection[str] | None = None
    ) -> np.ndarray:
        scores = self.keyword.scores(query)
        if article_ids is not None:
            scores = np.where(np.isin(self._article_of, list(article_ids)), scores, 0.0)
        return scores

    def retrieve(
        self, query: str, top_k: int, article_ids: Collection[str] | None = None
    ) -> Retrieval:
        watch = Stopwatch()
        vector = self.embedder.embed_query(query)
        watch.lap("embed_query")
        if not self.chunks or (article_ids is not None and not article_ids):
            return Retrieval([], vector, timings=watch.laps)
        n = min(len(self.chunks), max(CANDIDATES, top_k))
        dense = self.dense_search(vector, n, article_ids)
        watch.lap("dense_search")
        keyword = self.keyword_search(query, article_ids)
        top_keyword = np.argpartition(-keyword, n - 1)[:n] if n < len(keyword) else range(n)
        watch.lap("bm25")
        candidates = set(dense)
        candidates.update(int(i) for i in top_keyword if keyword[i] > 0)
        if not candidates:
            return Retrieval([], vector, timings=watch.laps)
        order = sorted(candidates)
        floor = min(dense.values()) if dense else 0.0
        dense_scores = np.array([dense.get(i, floor) for i in order], dtype=np.float32)
        keyword_scores = keyword[order]
        fused = (self.settings.dense_weight * zscores(dense_scores)
                 + self.settings.keyword_weight * zscores(keyword_scores))
        ranked = np.argsort(-fused, kind="stable")[:top_k]
        passages = [
            self._passage(order[r], float(fused[r]), float(dense_scores[r]),
                          float(keyword_scores[r]))
            for r in ranked
        ]
        matching = keyword[keyword > 0]
        dense_values = np.array(list(dense.values()) or [0.0])
        found = Retrieval(
            passages,
            vector,
            dense_top=float(dense_scores.max()),
            dense_gap=float(dense_values.max() - dense_values.mean()),
            keyword_ratio=float(matching.max() / matching.mean()) if matching.size else 0.0,
            timings=watch.laps,
        )
        watch.lap("fusion")
        return found

    def neighbour_sentences(self, article_id: str, start: int, end: int
                            ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The spans of the article sentences just before and just after [start, end)."""
        spans = self._sentences_of.get(article_id, [])
        i = bisect.bisect_left(spans, (start, end, -1))
        before = next((s[:2] for s in reversed(spans[:i]) if s[1] <= start), None)
        after = next((s[:2] for s in spans[i:] if s[0] >= end), None)
        return before, after

    def following_sentences(self, article_id: str, end: int, n: int) -> list[Passage]:
        """The next n sentences of an article after offset `end`, each with its chunk."""
        found: list[Passage] = []
        seen: set[tuple[int, int]] = set()
        for start, stop, position in self._sentences_of.get(article_id, []):
            if start >= end and (start, stop) not in seen and len(found) < n:
                seen.add((start, stop))
                passage = self._passage(position, 0.0, 0.0, 0.0)
                found.append(replace(passage, sentences=((start, stop),)))
        return found

    def _passage(self, position: int, score: float, dense: float, keyword: float) -> Passage:
        chunk = self.chunks[position]
        article = self.articles[chunk.article_id]
        return Passage(
            chunk_id=chunk.chunk_id,
            article_id=chunk.article_id,
            title=article.title,
            section=chunk.section,
            published=article.published,
            start=chunk.start,
            end=chunk.end,
            text=chunk.text,
            sentences=chunk.sentences,
            score=round(score, 4),
            dense_score=round(dense, 4),
            keyword_score=round(keyword, 4),
        )

    def sentence_vectors(self, keys: list[tuple[str, int, int]]) -> np.ndarray:
        """Stored vectors of sentences (article_id, start, end), in the order asked.

        Vectors read once are kept (up to SENTENCE_VECTOR_CACHE): the same sentences are
        candidates again and again."""
        ids = [sentence_id(a, self.tags.get(a, ""), start, end) for a, start, end in keys]
        missing = [i for i in ids if i not in self._sentence_cache]
        if missing:
            data = self.sentence_store.get(ids=missing, include=["embeddings"])
            with self._cache_lock:  # questions may be answered in several threads
                for key, vector in zip(data["ids"], data["embeddings"], strict=True):
                    self._sentence_cache[key] = np.asarray(vector, dtype=np.float32)
                while len(self._sentence_cache) > SENTENCE_VECTOR_CACHE:
                    self._sentence_cache.pop(next(iter(self._sentence_cache)))
        dim = self.embedder_dim
        zero = np.zeros(dim, dtype=np.float32)
        return np.array([self._sentence_cache.get(i, zero) for i in ids],
                        dtype=np.float32).reshape(len(ids), dim)
