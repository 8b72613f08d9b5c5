"""One index revision as it is loaded to answer: articles, chunk table, sentence
navigation, BM25 index, its Chroma collections and a cache of sentence vectors.

The indexer writes a revision's search files (`search-REV/`: the chunk table and the BM25
index in segments, search_files.py) from the chunks it has just made, before the commit,
so a reader only reads them. Should they be missing, damaged or built with another
tokenizer, `Revision.load` rebuilds them from the revision's articles (chunking is
deterministic under the index's settings) instead of tokenizing at every start.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .chunking import chunk_article
from .corpus import Article
from .keyword import KeywordIndex, cjk_bigrams
from .manifest import Snapshot
from .results import Passage
from .roles import ArticleRoles, Role, article_roles, headings
from .search_files import DAMAGE, old_format_terms, table_order
from .search_files import ChunkRecord as ChunkRecord  # re-exported: index.py imports them here
from .search_files import SearchFiles as SearchFiles
from .search_files import chunk_record_id as chunk_record_id
from .search_files import embedding_text as embedding_text
from .vector_files import SentenceVectorFiles, vector_folder

if TYPE_CHECKING:
    from .index import ArticleIndex

CHUNKS = "chunks"
SENTENCES = "sentences"
STORED_VECTOR_CACHE = 50_000  # per cache (sentences, chunks): ~77 MB of 384-dim vectors


def record_tag(article: Article) -> str:
    """Names one version of one article's records (the same text gives the same tag)."""
    key = f"{article.id}\x1f{article.content_hash}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def sentence_id(article_id: str, tag: str, start: int, end: int) -> str:
    return f"{article_id}#{tag}@{start}-{end}"


def chunk_table(articles: Mapping[str, Article], tags: Mapping[str, str], max_chars: int,
                overlap: int) -> list[ChunkRecord]:
    """The chunk rows of these articles, made afresh from their text."""
    return [ChunkRecord.of(chunk, tags[article.id])
            for article in articles.values()
            for chunk in chunk_article(article, max_chars, overlap)]


def read_search_files(files: SearchFiles) -> tuple[list[ChunkRecord], KeywordIndex] | None:
    try:
        return files.read()
    except DAMAGE:
        return None


def rebuilt_search_files(files: SearchFiles, articles: Mapping[str, Article],
                         rows: list[ChunkRecord]) -> tuple[list[ChunkRecord], KeywordIndex]:
    """Search files made again: from what the folder still has (an older format's terms,
    sound segments), else from nothing; in memory alone when they can't be written (a
    read-only index folder)."""
    for reuse in (files, None):
        files.build(articles, rows, reuse=reuse)
        if not files.is_current():
            break  # not written
        loaded = read_search_files(files)
        if loaded is not None:
            return loaded
    table = sorted(rows, key=table_order)
    texts = [embedding_text(articles[c.article_id], c.section, c.text) for c in table]
    return table, KeywordIndex(texts, files.tokenizer,
                               known_terms=old_format_terms(files.folder, files.tokenizer))


class Revision:
    """The loaded, unchanging state of one index revision (built once per revision)."""

    def __init__(self, snapshot: Snapshot, articles: Mapping[str, Article],
                 chunks: list[ChunkRecord], keyword: KeywordIndex, chunk_store: Any,
                 sentence_files: SentenceVectorFiles, sentence_store: Any | None = None,
                 search_folder: Path | None = None) -> None:
        self.snapshot = snapshot
        self.search_folder = search_folder  # derived per-revision files (search-REV/)
        self.articles: Mapping[str, Article] = articles
        self.chunks = chunks
        self.keyword = keyword
        self.chunk_store = chunk_store  # Chroma collections (untyped library objects)
        self.sentence_files = sentence_files
        self.sentence_store = sentence_store  # indexes written before the vector files
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}
        self._positions_of: dict[str, list[int]] = {}
        self._sentences_of: dict[str, list[tuple[int, int, int]]] = {}
        for i, c in enumerate(chunks):
            self._positions_of.setdefault(c.article_id, []).append(i)
            spans = self._sentences_of.setdefault(c.article_id, [])
            spans.extend((start, end, i) for start, end in c.sentences)
        for spans in self._sentences_of.values():
            spans.sort()
        self._sentence_cache: dict[str, np.ndarray] = {}
        self._chunk_cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._roles: dict[str, ArticleRoles] = {}
        self._searchable: dict[str, str] | None = None
        self._headings: frozenset[str] | None = None

    @classmethod
    def load(cls, index: ArticleIndex, snapshot: Snapshot, tokenizer: str) -> Revision:
        """Read a committed revision: its articles, search files (rebuilt from the
        articles if unusable) and collection handles."""
        articles = index.read_articles(snapshot)
        files = SearchFiles(index.search_path(snapshot.revision), snapshot.revision, tokenizer)
        loaded = read_search_files(files) if files.is_current() else None
        if loaded is None:
            rows = chunk_table(articles, snapshot.tags, index.settings.chunk_max_chars,
                               index.settings.chunk_overlap_sentences)
            loaded = rebuilt_search_files(files, articles, rows)
        return cls(snapshot, articles, loaded[0], loaded[1],
                   index.collection(CHUNKS, snapshot.generation),
                   SentenceVectorFiles(vector_folder(index.root, snapshot.generation)),
                   index.optional_collection(SENTENCES, snapshot.generation), files.folder)

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

    def may_contain(self, text: str) -> bool:
        """False when the text can't occur in any article of the revision: one of its
        kana/kanji bigrams is in no chunk (the BM25 vocabulary, a dictionary look-up) and
        no heading. Lets a focus term the articles lack skip the scan of every article's
        text (~30 ms a term at 100k chunks). A chunk's text holds the title, its section's
        heading and its sentences; headings with no chunk of their own (関連書籍紹介, right
        above a subheading) are looked up apart. Only a word cut by the split of an
        over-long sentence could be missed."""
        return all(self.keyword.known(term) or term in self._heading_bigrams()
                   for term in cjk_bigrams(text))

    def _heading_bigrams(self) -> frozenset[str]:
        """The kana/kanji bigrams of every heading of the revision (made on first use)."""
        if self._headings is None:
            self._headings = frozenset(
                term for article in self.articles.values() for heading in headings(article.body)
                for term in cjk_bigrams(article.body[heading.start:heading.end]))
        return self._headings

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
        """Stored vectors of sentences (article_id, start, end), in the order asked: from
        the article version's vector file (vector_files.py), or, for an index written
        before those, from the Chroma collection (kept up to STORED_VECTOR_CACHE)."""
        found = np.zeros((len(keys), self.snapshot.dimension), dtype=np.float32)
        from_store: list[int] = []
        for i, (article_id, start, end) in enumerate(keys):
            stored = self.sentence_files.of(self.tags.get(article_id, ""))
            row = stored.rows.get((start, end)) if stored is not None else None
            if stored is not None and row is not None:
                found[i] = stored.vectors[row]
            else:
                from_store.append(i)
        if from_store and self.sentence_store is not None:
            ids = [sentence_id(keys[i][0], self.tags.get(keys[i][0], ""), *keys[i][1:])
                   for i in from_store]
            found[from_store] = self._stored_vectors(self.sentence_store, ids,
                                                     self._sentence_cache)
        return found

    def chunk_vectors(self, positions: Sequence[int]) -> np.ndarray:
        """Stored vectors of the chunks at these table positions, in the order asked (kept
        like the sentences': an article asked about is asked about again)."""
        ids = [self.chunks[i].chunk_id for i in positions]
        return self._stored_vectors(self.chunk_store, ids, self._chunk_cache)

    def _stored_vectors(self, store: Any, ids: list[str], cache: dict[str, np.ndarray]
                        ) -> np.ndarray:
        missing = [i for i in ids if i not in cache]
        if missing:
            data = store.get(ids=missing, include=["embeddings"])
            with self._cache_lock:  # questions may be answered in several threads
                for key, vector in zip(data["ids"], data["embeddings"], strict=True):
                    cache[key] = np.asarray(vector, dtype=np.float32)
                while len(cache) > STORED_VECTOR_CACHE:
                    cache.pop(next(iter(cache)))
        dim = self.snapshot.dimension
        zero = np.zeros(dim, dtype=np.float32)
        return np.array([cache.get(i, zero) for i in ids],
                        dtype=np.float32).reshape(len(ids), dim)

    def positions_in(self, article_ids: Collection[str]) -> list[int]:
        """Table positions of these articles' chunks (in table order)."""
        return sorted(i for a in set(article_ids) for i in self._positions_of.get(a, ()))

    def in_scope(self, article_ids: Collection[str]) -> np.ndarray:
        """A bool per chunk of the table: in one of these articles."""
        mask = np.zeros(len(self.chunks), dtype=bool)
        mask[self.positions_in(article_ids)] = True
        return mask
