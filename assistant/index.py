"""The persisted index under index/: Chroma (chunks and sentences) plus a manifest.

Layout of the index folder:
- `manifest.json`: format, embedding model id, chunking parameters, and per article its
  content hash and chunk count; checked against the settings before any use;
- `articles.json`: the indexed articles (metadata and body), so citations are always cut
  from the text that was indexed, never from a file changed since;
- `chroma/`: a Chroma PersistentClient with two cosine collections, `chunks` (written and
  queried through llama-index's ChromaVectorStore) and `sentences` (sentence vectors used
  to pick answer sentences). Embeddings are always computed here and passed in, so
  Chroma's own embedding function (which would download a model) never runs.

`sync()` embeds only added or changed articles and deletes removed ones. Articles are
committed to the manifest every few seconds after their vectors are written (and at the
end), so an interrupted run loses at most the last few seconds of work: the next run
sees those articles as new or changed, deletes whatever vectors they left, and redoes them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from .chunking import Chunk, chunk_article, split_sentences
from .corpus import Article, Skipped
from .embeddings import Embedder
from .settings import Settings

FORMAT = 1
SPLITTER_VERSION = 1
COMMIT_SECONDS = 5.0  # rewriting the manifest per article is quadratic for big folders
CHUNKS = "chunks"
SENTENCES = "sentences"


class IndexProblem(Exception):
    """The index can't be used as it is; the message says what to run."""


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return "index: " + ", ".join(parts) + f" ({self.chunks_embedded} chunks embedded)"


def index_config(settings: Settings, embedder_id: str) -> dict[str, Any]:
    """What an index must have been built with to be usable under these settings."""
    return {
        "format": FORMAT,
        "embedding_model": embedder_id,
        "chunking": {
            "max_chars": settings.chunk_max_chars,
            "overlap_sentences": settings.chunk_overlap_sentences,
            "splitter": SPLITTER_VERSION,
        },
    }


def embedding_text(article: Article, section: str, text: str) -> str:
    """What is embedded (and keyword-indexed) for a chunk: title and section give context."""
    return "\n".join(part for part in (article.title, section, text) if part)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexProblem(
            f"the index in {path.parent} is damaged ({path.name} unreadable): "
            "run `assistant index --rebuild`"
        ) from err


def chunk_to_node(chunk: Chunk, embedding: np.ndarray) -> Any:
    """A llama-index TextNode for a chunk, its offsets and sentence spans in metadata."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    return TextNode(
        id_=chunk.id,
        text=chunk.text,
        embedding=embedding.tolist(),
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        metadata={
            "article_id": chunk.article_id,
            "chunk_index": chunk.index,
            "section": chunk.section,
            "sentences": json.dumps(chunk.sentences),
        },
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.article_id)},
    )


class ArticleIndex:
    """One index folder: open it, check it, bring it in line with the corpus, read it."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.root = Path(settings.index_dir)
        self.manifest_path = self.root / "manifest.json"
        self.articles_path = self.root / "articles.json"
        self.chroma_path = self.root / "chroma"
        self.search_path = self.root / "search"  # chunk table + BM25, derived, rebuildable
        self.config = index_config(settings, embedder.model_id)
        self._client: Any = None

    # -- state on disk -------------------------------------------------------------
    def exists(self) -> bool:
        return self.manifest_path.exists()

    def read_manifest(self) -> dict[str, Any]:
        manifest = _read_json(self.manifest_path)
        if not isinstance(manifest, dict) or "articles" not in manifest:
            raise IndexProblem(
                f"{self.root} does not hold an index of this assistant: "
                "run `assistant index --rebuild`"
            )
        return manifest

    def check_compatible(self, manifest: dict[str, Any]) -> None:
        built = {k: manifest.get(k) for k in self.config}
        if built != self.config:
            raise IndexProblem(
                f"the index in {self.root} was built with {_describe(built)}, but the settings "
                f"ask for {_describe(self.config)}: run `assistant index --rebuild`"
            )

    def read_articles(self) -> dict[str, Article]:
        data = _read_json(self.articles_path) if self.articles_path.exists() else {}
        return {a["id"]: Article(**a) for a in data.values()}

    def is_stale(self, articles: Iterable[Article]) -> bool:
        """Does the corpus differ from what the index holds?"""
        if not self.exists():
            return True
        indexed = self.read_manifest()["articles"]
        current = {a.id: a.content_hash for a in articles}
        return current != {k: v["hash"] for k, v in indexed.items()}

    # -- chroma ----------------------------------------------------------------------
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self.chroma_path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.chroma_path),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
        return self._client

    def collection(self, name: str) -> Any:
        return self.client().get_or_create_collection(
            name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )

    def vector_store(self) -> Any:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection(CHUNKS))

    # -- writing ------------------------------------------------------------------
    def sync(
        self, articles: list[Article], *, rebuild: bool = False, progress: bool = True
    ) -> SyncReport:
        """Make the index match `articles`: embed added/changed ones, drop removed ones."""
        if rebuild:
            self.wipe()
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = self._manifest_or_new()
        stored = self.read_articles()
        report = SyncReport()
        current = {a.id: a for a in articles}
        for article_id in sorted(set(manifest["articles"]) - set(current)):
            self._delete_article(article_id)
            del manifest["articles"][article_id]
            stored.pop(article_id, None)
            report.removed.append(article_id)
        if report.removed or not self.exists():
            self._commit(manifest, stored)  # a new revision only when something changed
        todo = []
        for article in articles:
            entry = manifest["articles"].get(article.id)
            if entry and entry["hash"] == article.content_hash:
                report.unchanged.append(article.id)
            else:
                (report.updated if entry else report.added).append(article.id)
                todo.append(article)
        if todo:
            report.chunks_embedded = self._embed_articles(todo, manifest, stored, progress)
        return report

    def wipe(self) -> None:
        """Forget everything indexed (the manifest first, so a crash leaves 'no index')."""
        for name in ("manifest.json", "articles.json"):
            (self.root / name).unlink(missing_ok=True)
        shutil.rmtree(self.search_path, ignore_errors=True)
        if not self.chroma_path.exists():
            return
        try:  # dropping collections keeps Chroma's per-process client cache valid
            for name in (CHUNKS, SENTENCES):
                if name in {c.name for c in self.client().list_collections()}:
                    self.client().delete_collection(name)
        except Exception:  # an unreadable store: remove it from disk instead
            from chromadb.api.client import SharedSystemClient

            self._client = None
            SharedSystemClient.clear_system_cache()
            shutil.rmtree(self.chroma_path)

    def _manifest_or_new(self) -> dict[str, Any]:
        if not self.exists():
            return {**self.config, "articles": {}}
        manifest = self.read_manifest()
        self.check_compatible(manifest)
        return manifest

    def _commit(self, manifest: dict[str, Any], stored: dict[str, Article]) -> None:
        manifest["revision"] = uuid.uuid4().hex  # what derived files (search/) were built from
        _write_json(self.articles_path, {k: asdict(v) for k, v in sorted(stored.items())})
        _write_json(self.manifest_path, manifest)

    def _delete_article(self, article_id: str) -> None:
        self.vector_store().delete(ref_doc_id=article_id)
        self.collection(SENTENCES).delete(where={"article_id": article_id})

    def _embed_articles(
        self,
        articles: list[Article],
        manifest: dict[str, Any],
        stored: dict[str, Article],
        progress: bool,
    ) -> int:
        plans = [(a, chunk_article(a, self.settings.chunk_max_chars,
                                   self.settings.chunk_overlap_sentences)) for a in articles]
        total = sum(len(chunks) + len(split_sentences(a.body)) for a, chunks in plans)
        embedded = 0
        with tqdm(total=total, desc="embedding", unit="text", disable=not progress,
                  file=_stderr(), dynamic_ncols=True) as bar:
            last_commit = time.monotonic()
            for article, chunks in plans:
                self._delete_article(article.id)
                self._add_chunks(article, chunks, bar)
                self._add_sentences(article, bar)
                manifest["articles"][article.id] = {
                    "hash": article.content_hash, "chunks": len(chunks), "path": article.path,
                }
                stored[article.id] = article
                embedded += len(chunks)
                if time.monotonic() - last_commit >= COMMIT_SECONDS:
                    self._commit(manifest, stored)
                    last_commit = time.monotonic()
            self._commit(manifest, stored)
        return embedded

    def _embed(self, texts: list[str], bar: tqdm) -> np.ndarray:
        size = self.embedder.batch_size
        parts = []
        for i in range(0, len(texts), size):
            parts.append(self.embedder.embed_passages(texts[i : i + size]))
            bar.update(len(texts[i : i + size]))
        return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def _add_chunks(self, article: Article, chunks: list[Chunk], bar: tqdm) -> None:
        if not chunks:
            return
        texts = [embedding_text(article, c.section, c.text) for c in chunks]
        vectors = self._embed(texts, bar)
        self.vector_store().add([chunk_to_node(c, v) for c, v in zip(chunks, vectors, strict=True)])

    def _add_sentences(self, article: Article, bar: tqdm) -> None:
        sentences = split_sentences(article.body)
        if not sentences:
            return
        vectors = self._embed([article.body[s.start : s.end] for s in sentences], bar)
        self.collection(SENTENCES).add(
            ids=[sentence_id(article.id, s.start, s.end) for s in sentences],
            embeddings=vectors,
            metadatas=[{"article_id": article.id, "start": s.start, "end": s.end}
                       for s in sentences],
        )


def sentence_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}@{start}-{end}"


def _describe(config: dict[str, Any]) -> str:
    chunking = config.get("chunking") or {}
    return (
        f"embedding model {config.get('embedding_model')!r}, chunks of "
        f"{chunking.get('max_chars')} chars with {chunking.get('overlap_sentences')} "
        f"sentence(s) overlap (splitter v{chunking.get('splitter')}, format {config.get('format')})"
    )


def _stderr() -> Any:
    import sys

    return sys.stderr
