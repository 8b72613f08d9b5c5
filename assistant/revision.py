"""One index revision as it is loaded to answer: articles, chunk table, sentence
navigation, BM25 index, its Chroma collections and a cache of sentence vectors.

The indexer writes a revision's search files (`search-REV/`: the chunk table and the BM25
index in bm25s's plain files) from the chunks it has just made, before the commit, so a
reader only reads them. Should they be missing, damaged or built with another tokenizer,
`Revision.load` rebuilds them from the revision's articles (chunking is deterministic
under the index's settings) instead of tokenizing at every start.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .chunking import Chunk, chunk_article
from .corpus import Article
from .keyword import KeywordIndex
from .manifest import Snapshot
from .results import Passage
from .roles import ArticleRoles, Role, article_roles

if TYPE_CHECKING:
    from .index import ArticleIndex

CHUNKS = "chunks"
SENTENCES = "sentences"
SEARCH_FORMAT = 1  # of the files in search-REV/
SENTENCE_VECTOR_CACHE = 50_000  # ~77 MB of 384-dim float32 vectors at most


def record_tag(article: Article) -> str:
    """Names one version of one article's records (the same text gives the same tag)."""
    key = f"{article.id}\x1f{article.content_hash}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def chunk_record_id(article_id: str, tag: str, index: int) -> str:
    return f"{article_id}#{tag}#{index}"


def sentence_id(article_id: str, tag: str, start: int, end: int) -> str:
    return f"{article_id}#{tag}@{start}-{end}"


def embedding_text(article: Article, section: str, text: str) -> str:
    """What is embedded (and keyword-indexed) for a chunk: title and section give context."""
    return "\n".join(part for part in (article.title, section, text) if part)


@dataclass(frozen=True)
class ChunkRecord:
    """One row of a revision's chunk table (`chunk_id` is its Chroma record id)."""

    chunk_id: str
    article_id: str
    section: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, chunk: Chunk, tag: str) -> ChunkRecord:
        return cls(chunk_record_id(chunk.article_id, tag, chunk.index), chunk.article_id,
                   chunk.section, chunk.start, chunk.end, chunk.text, tuple(chunk.sentences))


@dataclass(frozen=True)
class SearchFiles:
    """The derived search files of one revision: `search-REV/` in the index folder."""

    folder: Path
    revision: str
    tokenizer: str

    def is_current(self) -> bool:
        try:
            state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            return bool(state["revision"] == self.revision
                        and state["tokenizer"] == self.tokenizer
                        and state.get("format", 1) == SEARCH_FORMAT)
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def read(self) -> tuple[list[ChunkRecord], KeywordIndex]:
        """Raises OSError/ValueError/KeyError/TypeError when damaged."""
        rows = json.loads((self.folder / "chunks.json").read_text(encoding="utf-8"))
        chunks = [ChunkRecord(**{**c, "sentences": tuple(tuple(s) for s in c["sentences"])})
                  for c in rows]
        return chunks, KeywordIndex.load(self.folder)

    def read_rows(self) -> list[ChunkRecord]:
        """The chunk table alone ([] when missing or damaged)."""
        try:
            return self.read()[0] if self.is_current_format() else []
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def is_current_format(self) -> bool:
        try:
            state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            return bool(state.get("format", 1) == SEARCH_FORMAT)
        except (OSError, ValueError, AttributeError):
            return False

    def build(self, articles: Mapping[str, Article], chunks: Iterable[ChunkRecord],
              reuse: SearchFiles | None) -> tuple[list[ChunkRecord], KeywordIndex]:
        """Sort the chunk table, index it for BM25 (reusing the terms `reuse` saved for
        texts it had: SudachiPy over 100k chunks takes about a minute), and save both."""
        table = sorted(chunks, key=lambda r: (r.article_id, r.start, r.end))
        known = KeywordIndex.saved_terms(reuse.folder, self.tokenizer) if reuse else None
        keyword = KeywordIndex(
            [embedding_text(articles[c.article_id], c.section, c.text) for c in table],
            self.tokenizer, known_terms=known)
        self.save(table, keyword)
        return table, keyword

    def save(self, chunks: Sequence[ChunkRecord], keyword: KeywordIndex) -> None:
        """Write next to the folder, then swap in; a failure only costs a rebuild later."""
        tmp = self.folder.with_name(f"{self.folder.name}.tmp-{os.getpid()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            keyword.save(tmp)
            (tmp / "chunks.json").write_text(json.dumps([asdict(c) for c in chunks],
                                                        ensure_ascii=False), encoding="utf-8")
            (tmp / "state.json").write_text(json.dumps(
                {"revision": self.revision, "tokenizer": self.tokenizer,
                 "format": SEARCH_FORMAT}), encoding="utf-8")
            shutil.rmtree(self.folder, ignore_errors=True)
            os.replace(tmp, self.folder)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)


def chunk_table(articles: Mapping[str, Article], tags: Mapping[str, str], max_chars: int,
                overlap: int) -> list[ChunkRecord]:
    """The chunk rows of these articles, made afresh from their text."""
    return [ChunkRecord.of(chunk, tags[article.id])
            for article in articles.values()
            for chunk in chunk_article(article, max_chars, overlap)]


class Revision:
    """The loaded, unchanging state of one index revision (built once per revision)."""

    def __init__(self, snapshot: Snapshot, articles: Mapping[str, Article],
                 chunks: list[ChunkRecord], keyword: KeywordIndex, chunk_store: Any,
                 sentence_store: Any, search_folder: Path | None = None) -> None:
        self.snapshot = snapshot
        self.search_folder = search_folder  # derived per-revision files (search-REV/)
        self.articles: Mapping[str, Article] = articles
        self.chunks = chunks
        self.keyword = keyword
        self.chunk_store = chunk_store  # Chroma collections (untyped library objects)
        self.sentence_store = sentence_store
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}
        self.article_of = np.array([c.article_id for c in chunks], dtype=object)
        self._sentences_of: dict[str, list[tuple[int, int, int]]] = {}
        for i, c in enumerate(chunks):
            spans = self._sentences_of.setdefault(c.article_id, [])
            spans.extend((start, end, i) for start, end in c.sentences)
        for spans in self._sentences_of.values():
            spans.sort()
        self._sentence_cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._roles: dict[str, ArticleRoles] = {}
        self._searchable: dict[str, str] | None = None

    @classmethod
    def load(cls, index: ArticleIndex, snapshot: Snapshot, tokenizer: str) -> Revision:
        """Read a committed revision: its articles, search files (rebuilt from the
        articles if unusable) and collection handles."""
        articles = index.read_articles(snapshot.revision)
        files = SearchFiles(index.search_path(snapshot.revision), snapshot.revision, tokenizer)
        loaded = None
        if files.is_current():
            try:
                loaded = files.read()
            except (OSError, ValueError, KeyError, TypeError):
                loaded = None  # damaged: rebuilt below
        if loaded is None:
            rows = chunk_table(articles, snapshot.tags, index.settings.chunk_max_chars,
                               index.settings.chunk_overlap_sentences)
            loaded = files.build(articles, rows, reuse=files)
        return cls(snapshot, articles, loaded[0], loaded[1],
                   index.collection(CHUNKS, snapshot.generation),
                   index.collection(SENTENCES, snapshot.generation), files.folder)

    @property
    def revision(self) -> str:
        return self.snapshot.revision

    @property
    def generation(self) -> str:
        return self.snapshot.generation

    @property
    def tags(self) -> Mapping[str, str]:
        return self.snapshot.tags

    def roles(self, article_id: str) -> ArticleRoles:
        """The passage roles of an article (roles.py), worked out once per revision."""
        found = self._roles.get(article_id)
        if found is None:
            article = self.articles[article_id]
            overrides = {section: role for section, role in article.roles if role}
            found = self._roles[article_id] = article_roles(
                article.body, overrides)  # type: ignore[arg-type]
        return found

    def role_at(self, article_id: str, offset: int) -> Role:
        return self.roles(article_id).at(offset)

    def searchable_texts(self, article_ids: Iterable[str] | None = None) -> list[str]:
        """Title and body of each article in scope (all by default), NFKC-normalised and
        lower-cased once per revision, to look a question's focus terms up in (focus.py)."""
        from .focus import normalise

        if self._searchable is None:
            self._searchable = {i: normalise(f"{a.title}\n{a.body}")
                                for i, a in self.articles.items()}
        if article_ids is None:
            return list(self._searchable.values())
        return [self._searchable[i] for i in article_ids if i in self._searchable]

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
                passage = self.passage(position, 0.0, 0.0, 0.0)
                found.append(replace(passage, sentences=((start, stop),)))
        return found

    def passage(self, position: int, score: float, dense: float, keyword: float) -> Passage:
        """The chunk at `position` of the table as a Passage with these scores."""
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
        dim = self.snapshot.dimension
        zero = np.zeros(dim, dtype=np.float32)
        return np.array([self._sentence_cache.get(i, zero) for i in ids],
                        dtype=np.float32).reshape(len(ids), dim)
