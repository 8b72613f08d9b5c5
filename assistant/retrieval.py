"""Hybrid retrieval: dense (Chroma) + BM25, fused by z-scores.

For a query, the dense side asks Chroma for its nearest chunks and the keyword side
scores every chunk with BM25; the union of both top lists is the candidate set. Each
side's scores are turned into z-scores over the candidates (a candidate the dense side
did not return gets the lowest dense score it did return) and summed with the
configured weights. A question in a language the articles don't share (English over
Japanese text) gets no BM25 matches, so dense alone decides, as it should.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .corpus import Article
from .embeddings import Embedder
from .keyword import KeywordIndex
from .manifest import TAG_KEY
from .results import Passage
from .revision import ChunkRecord, Revision
from .roles import ArticleRoles, Role
from .settings import Settings

if TYPE_CHECKING:
    from .crosslingual import Expansion
    from .english_reader import EnglishReader

__all__ = ["CANDIDATES", "ChunkRecord", "HybridRetriever", "Retrieval", "Revision",
           "Stopwatch", "zscores"]

CANDIDATES = 50
OTHER_VERSIONS_MARGIN = 20  # extra dense hits asked for: records of other revisions are skipped
EXACT_SCOPE_CHUNKS = 2_000  # a question limited to this many chunks or fewer is searched exactly


@dataclass
class Retrieval:
    """What one search found, and the signals the decline rule looks at."""

    passages: list[Passage]
    query_vector: np.ndarray
    dense_top: float = 0.0  # best cosine of any chunk
    dense_gap: float = 0.0  # best cosine minus the mean cosine of the dense candidates
    keyword_ratio: float = 0.0  # best BM25 score / mean BM25 score of matching chunks
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    # an English query's Japanese terms (english_reader.py), when they were searched
    expansion: Expansion | None = None


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
    scaled: np.ndarray = (values - values.mean()) / std
    return scaled


class HybridRetriever:
    """Searches one loaded revision (`Revision`); cheap to query. Articles, chunks, the
    keyword index and sentence navigation are the revision's."""

    def __init__(self, loaded: Revision, settings: Settings, embedder: Embedder) -> None:
        self.loaded = loaded
        self.settings = settings
        self.embedder = embedder
        self.revision = loaded.revision
        self.generation = loaded.generation
        self.tags = loaded.tags
        self.articles: Mapping[str, Article] = loaded.articles
        self.chunks: list[ChunkRecord] = loaded.chunks
        self.keyword: KeywordIndex = loaded.keyword
        # English queries over Japanese articles: BM25 on their Japanese terms (set by qa)
        self.english: EnglishReader | None = None

    def dense_search(
        self, vector: np.ndarray, n: int, article_ids: Collection[str] | None = None
    ) -> dict[int, float]:
        """Chunk position -> cosine similarity of the n nearest chunks.

        Reads ids and distances straight from the Chroma collection: the chunk records are
        already in memory, and rebuilding llama-index nodes from each hit's metadata cost
        ~3 ms of a ~10 ms question (bench/RESULTS.md). Writes go through ChromaVectorStore.
        A question limited to a few articles is scored exactly against their chunks' vectors
        instead: Chroma's filtered search took ~120 ms at 100k chunks (bench/RESULTS.md).
        """
        if article_ids is not None:
            positions = self.loaded.positions_in(article_ids)
            if len(positions) <= EXACT_SCOPE_CHUNKS:
                return self._exact_nearest(vector, n, positions)
        where = {"article_id": {"$in": list(article_ids)}} if article_ids is not None else None
        asked = n + OTHER_VERSIONS_MARGIN
        found, returned = self._nearest_live(vector, asked, n, where)
        if len(found) < n and returned == asked:  # crowded out by another revision's records
            live = {TAG_KEY: {"$in": sorted(set(self.tags.values()))}}
            found, _ = self._nearest_live(vector, n, n,
                                          live if where is None else {"$and": [where, live]})
        return found

    def _exact_nearest(self, vector: np.ndarray, n: int, positions: list[int]
                       ) -> dict[int, float]:
        """The n chunks among `positions` most similar to the vector (cosine: the stored
        vectors are L2-normalised); ties in table order."""
        similarity = self.loaded.chunk_vectors(positions) @ vector.astype(np.float32)
        best = np.argsort(-similarity, kind="stable")[:n]
        return {positions[i]: float(similarity[i]) for i in best.tolist()}

    def _nearest_live(self, vector: np.ndarray, asked: int, n: int,
                      where: Mapping[str, object] | None) -> tuple[dict[int, float], int]:
        """The n nearest chunks of this revision among the `asked` nearest records."""
        result = self.loaded.chunk_store.query(query_embeddings=[vector.tolist()], n_results=asked,
                                        where=where, include=["distances"])
        found: dict[int, float] = {}
        for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            if chunk_id in self.loaded.position and len(found) < n:  # skip other versions' records
                found[self.loaded.position[chunk_id]] = 1.0 - distance  # cosine distance = 1 - cos
        return found, len(result["ids"][0])

    def keyword_search(
        self, query: str, article_ids: Collection[str] | None = None
    ) -> np.ndarray:
        scores = self.keyword.scores(query)
        if article_ids is not None:
            scores = np.where(self.loaded.in_scope(article_ids), scores, 0.0)
        return scores

    def _keyword_scores(self, query: str, expansion: Expansion | None,
                        article_ids: Collection[str] | None) -> np.ndarray:
        """BM25 of the query, or of its Japanese terms when it is English over Japanese
        articles (english_reader.py)."""
        if expansion is None or self.english is None:
            return self.keyword_search(query, article_ids)
        scores = self.english.keyword_scores(self.keyword, expansion)
        return scores if article_ids is None else np.where(
            self.loaded.in_scope(article_ids), scores, 0.0)

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
        expansion = self.english.expansion(query) if self.english is not None else None
        keyword = self._keyword_scores(query, expansion, article_ids)
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
        dense_weight = self.settings.dense_weight
        if expansion is not None and self.english is not None and not self.english.parts.dense:
            dense_weight = 0.0  # measuring the terms alone (ASSISTANT_ENGLISH_PARTS)
        fused = (dense_weight * zscores(dense_scores)
                 + self.settings.keyword_weight * zscores(keyword_scores))
        ranked = np.argsort(-fused, kind="stable")[:top_k]
        passages = [
            self.loaded.passage(order[r], float(fused[r]), float(dense_scores[r]),
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
            expansion=expansion,
        )
        watch.lap("fusion")
        return found

    def neighbour_sentences(self, article_id: str, start: int, end: int
                            ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The spans of the article sentences just before and just after [start, end)."""
        return self.loaded.neighbour_sentences(article_id, start, end)

    def roles(self, article_id: str) -> ArticleRoles:
        return self.loaded.roles(article_id)

    def role_at(self, article_id: str, offset: int) -> Role:
        """The passage role (roles.py) of an article's text at this offset."""
        return self.loaded.role_at(article_id, offset)

    def following_sentences(self, article_id: str, end: int, n: int) -> list[Passage]:
        """The next n sentences of an article after offset `end`, each with its chunk."""
        return self.loaded.following_sentences(article_id, end, n)

    def sentence_vectors(self, keys: list[tuple[str, int, int]]) -> np.ndarray:
        """Stored vectors of sentences (article_id, start, end), in the order asked."""
        return self.loaded.sentence_vectors(keys)
