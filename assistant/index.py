"""The persisted index: Chroma collections plus a manifest, replaced atomically.

Every change to the index writes a new *revision* next to the current one and then
switches to it with one atomic file rename, so a reader (or a crash) only ever sees a
complete index:

- `manifest.json`: format, embedding model id, chunking parameters, where the vectors
  live (`store`), the current `revision`, and per article its content hash and chunk
  count. Checked against the settings before any use. Replacing this file *is* the
  commit.
- `articles-<rev>.json`: the indexed articles (metadata and body) of that revision, so
  citations are always cut from the text that was indexed, never from a file changed since;
- `search-<rev>/`: the chunk table and BM25 index of that revision (derived, rebuildable);
- Chroma collections `<ns>-chunks-<rev>` (written through llama-index's
  ChromaVectorStore) and `<ns>-sentences-<rev>` (sentence vectors for answer selection),
  in the embedded store under `chroma/` or on a Chroma server (`chroma_url`).
  Embeddings are always computed here and passed in, so Chroma's own embedding function
  (which would download a model) never runs.

`sync()` copies the vectors of unchanged articles into the new revision, embeds only
added or changed ones, and leaves removed ones out. Its progress is saved in
`pending.json` every few seconds, so after a crash (even `kill -9`) the previous revision
is still the one in use and the next run resumes where the last one stopped. The
previous revision is kept until the next change, so a server still answering from it is
never cut off mid-question. A file lock lets only one writer in at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from tqdm import tqdm

from .chunking import Chunk, chunk_article, split_sentences
from .corpus import Article, Skipped
from .embeddings import Embedder
from .settings import Settings

FORMAT = 2
SPLITTER_VERSION = 1
COMMIT_SECONDS = 5.0  # how often a running sync saves its progress
CHUNKS = "chunks"
SENTENCES = "sentences"
PAGE = 5_000  # records per Chroma get(): one get of ~100k exceeds SQLite's variable limit
COPY_BATCH = 200  # articles per copy step


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
    resumed: int = 0  # articles already done by an interrupted run

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
        extra = f", {self.resumed} resumed from an interrupted run" if self.resumed else ""
        return "index: " + ", ".join(parts) + f" ({self.chunks_embedded} chunks embedded{extra})"


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


def store_label(settings: Settings) -> str:
    """Where the vectors live: 'embedded' or the Chroma server's URL."""
    return settings.chroma_url.rstrip("/") if settings.chroma_url else "embedded"


def embedding_text(article: Article, section: str, text: str) -> str:
    """What is embedded (and keyword-indexed) for a chunk: title and section give context."""
    return "\n".join(part for part in (article.title, section, text) if part)


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file atomically (temporary file, fsync, rename)."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=1))
        out.flush()
        os.fsync(out.fileno())
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


def open_chroma(settings: Settings) -> Any:
    """The Chroma client the settings ask for: a server's HttpClient or the embedded store."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        path = Path(settings.index_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise IndexProblem(
            f"--chroma-url must look like http://HOST:PORT, not {settings.chroma_url!r}")
    try:
        client = chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=chroma_settings,
        )
        client.heartbeat()
    except Exception as err:
        raise IndexProblem(
            f"cannot reach the Chroma server at {settings.chroma_url} ({err.__class__.__name__}); "
            "is `chroma run` running there?"
        ) from err
    return client


class ArticleIndex:
    """One index: open it, check it, bring it in line with the corpus, read a revision."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.root = Path(settings.index_dir)
        self.manifest_path = self.root / "manifest.json"
        self.pending_path = self.root / "pending.json"
        self.lock_path = self.root / "index.lock"
        self.config = index_config(settings, embedder.model_id)
        self.store = store_label(settings)
        self._client: Any = None

    # -- files of a revision ------------------------------------------------------
    def articles_path(self, revision: str) -> Path:
        return self.root / f"articles-{revision}.json"

    def search_path(self, revision: str) -> Path:
        return self.root / f"search-{revision}"

    def collection_name(self, kind: str, revision: str) -> str:
        return f"{self.settings.chroma_namespace}-{kind}-{revision}"

    # -- reading ------------------------------------------------------------------
    def exists(self) -> bool:
        return self.manifest_path.exists()

    def read_manifest(self) -> dict[str, Any]:
        manifest = _read_json(self.manifest_path)
        if not isinstance(manifest, dict) or not isinstance(manifest.get("articles"), dict):
            raise IndexProblem(
                f"{self.root} does not hold an index of this assistant: "
                "run `assistant index --rebuild`"
            )
        return manifest

    def check_compatible(self, manifest: dict[str, Any]) -> None:
        built = {k: manifest.get(k) for k in self.config}
        if self._upgradable(manifest):
            raise IndexProblem(
                f"the index in {self.root} was written by an older version of the assistant: "
                "run `assistant index` to upgrade it (nothing is embedded again)"
            )
        if built != self.config:
            raise IndexProblem(
                f"the index in {self.root} was built with {_describe(built)}, but the settings "
                f"ask for {_describe(self.config)}: run `assistant index --rebuild`"
            )
        if manifest.get("store") != self.store:
            raise IndexProblem(
                f"the index in {self.root} keeps its vectors in {_store(manifest.get('store'))}, "
                f"but the settings point to {_store(self.store)}: use the same --chroma-url, "
                "or run `assistant index --rebuild` to build it there"
            )
        if not isinstance(manifest.get("revision"), str):
            raise IndexProblem(f"the index in {self.root} is damaged (no revision): "
                               "run `assistant index --rebuild`")

    def current(self) -> dict[str, Any]:
        """The manifest of the index in use, checked; raises IndexProblem."""
        if not self.exists():
            raise IndexProblem(f"there is no index in {self.root}: run `assistant index`")
        manifest = self.read_manifest()
        self.check_compatible(manifest)
        return manifest

    def read_articles(self, revision: str) -> dict[str, Article]:
        data = _read_json(self.articles_path(revision))
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
            self._client = open_chroma(self.settings)
        return self._client

    def collection(self, kind: str, revision: str) -> Any:
        """A collection of a committed revision; IndexProblem when it is gone."""
        name = self.collection_name(kind, revision)
        try:
            return self.client().get_collection(name, embedding_function=None)
        except IndexProblem:
            raise
        except Exception as err:
            raise IndexProblem(
                f"the index in {self.root} names vectors ({name}) that {_store(self.store)} "
                "does not have: run `assistant index --rebuild`"
            ) from err

    def _new_collection(self, kind: str, revision: str) -> Any:
        return self.client().get_or_create_collection(
            self.collection_name(kind, revision),
            configuration={"hnsw": {"space": "cosine"}}, embedding_function=None,
        )

    def vector_store(self, revision: str) -> Any:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection(CHUNKS, revision))

    # -- writing ------------------------------------------------------------------
    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Only one writer per index folder; a second one is told, not made to wait."""
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise IndexProblem(
                f"another `assistant index` is updating {self.root} right now; "
                "wait for it to finish, then run this again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def is_being_written(self) -> bool:
        from filelock import FileLock, Timeout

        if not self.lock_path.exists():
            return False
        try:
            with FileLock(str(self.lock_path), timeout=0):
                return False
        except Timeout:
            return True

    def sync(
        self,
        articles: list[Article],
        *,
        rebuild: bool = False,
        progress: bool = True,
        prepare: Callable[[str], None] | None = None,
    ) -> SyncReport:
        """Make the index match `articles` as a new revision, then switch to it.

        `prepare(revision)` runs after the revision's data is written and before the
        switch (the service builds the search files there, so readers find them ready)."""
        with self.writer_lock():
            if not rebuild:
                self._upgrade_format_1()
            old = None if rebuild else self._manifest_for_update()
            report = _plan(articles, old["articles"] if old else {})
            if old is not None and not report.changed:
                for kind in (CHUNKS, SENTENCES):
                    self.collection(kind, old["revision"])  # still there? else: rebuild hint
                self._collect_garbage(old)
                return report
            prior = old if old is not None else self._readable_manifest()
            self._write_revision(articles, old, prior, report, progress, prepare)
        return report

    def _upgradable(self, manifest: dict[str, Any]) -> bool:
        """A format-1 index (one `chunks`/`sentences` pair, `articles.json`, `search/`)
        built with the same model and chunking: renamed into a revision, not re-embedded."""
        same = {**self.config, "format": 1}
        return ({k: manifest.get(k) for k in same} == same and self.store == "embedded"
                and (self.root / "articles.json").exists())

    def _upgrade_format_1(self) -> None:
        manifest = self._readable_manifest()
        if manifest is None or not self._upgradable(manifest):
            return
        revision = uuid.uuid4().hex[:16]
        client = self.client()
        for kind in (CHUNKS, SENTENCES):
            client.get_collection(kind).modify(name=self.collection_name(kind, revision))
        os.replace(self.root / "articles.json", self.articles_path(revision))
        search = self.root / "search"
        if search.is_dir():  # the BM25 files stay valid: re-label them with the revision
            with contextlib.suppress(OSError, ValueError):
                state = json.loads((search / "state.json").read_text(encoding="utf-8"))
                write_json(search / "state.json", {**state, "revision": revision})
            os.replace(search, self.search_path(revision))
        write_json(self.manifest_path, {
            **manifest, **self.config, "store": self.store, "revision": revision,
            "previous": None, "retired": []})

    def _readable_manifest(self) -> dict[str, Any] | None:
        """The manifest as it is, even of an incompatible index; None if missing/damaged."""
        try:
            return self.read_manifest() if self.exists() else None
        except IndexProblem:
            return None

    def _manifest_for_update(self) -> dict[str, Any] | None:
        if not self.exists():
            return None
        manifest = self.read_manifest()
        self.check_compatible(manifest)
        return manifest

    def _write_revision(
        self,
        articles: list[Article],
        old: dict[str, Any] | None,
        prior: dict[str, Any] | None,
        report: SyncReport,
        progress: bool,
        prepare: Callable[[str], None] | None,
    ) -> None:
        """Write a new revision from `old` (None: from scratch); `prior` is the manifest
        it replaces, whose revision stays readable until the next change."""
        base = old["revision"] if old else None
        pending = self._resume_or_start(base, {a.id: a.content_hash for a in articles})
        revision = pending["revision"]
        report.resumed = len(pending["done"])
        unchanged = [a for a in articles if a.id in report.unchanged]
        todo = [a for a in articles if a.id not in report.unchanged]
        self._copy_unchanged(base, revision, unchanged, pending, progress)
        report.chunks_embedded = self._embed_articles(revision, todo, pending, progress)
        entries = {a.id: {"hash": a.content_hash, "chunks": pending["chunks"][a.id],
                          "path": a.path} for a in articles}
        write_json(self.articles_path(revision),
                   {a.id: asdict(a) for a in sorted(articles, key=lambda a: a.id)})
        if prepare is not None:
            prepare(revision)
        prior = prior or {}
        retired = [*prior.get("retired", []), prior.get("previous")]
        manifest = {**self.config, "store": self.store, "revision": revision,
                    "previous": prior.get("revision"), "retired": [r for r in retired if r],
                    "articles": entries}
        write_json(self.manifest_path, manifest)  # the commit
        self.pending_path.unlink(missing_ok=True)
        self._collect_garbage(manifest, rebuilt=old is None)

    def _resume_or_start(self, base: str | None, wanted: dict[str, str]) -> dict[str, Any]:
        """Continue an interrupted sync into the same base revision, or start afresh."""
        pending = self._read_pending()
        same_job = (
            pending is not None
            and {k: pending.get(k) for k in self.config} == self.config
            and pending.get("store") == self.store
            and pending.get("base") == base
        )
        if pending is not None and not same_job:
            self._drop_revision(pending["revision"])
            pending = None
        if pending is None:
            pending = {**self.config, "store": self.store, "base": base,
                       "revision": uuid.uuid4().hex[:16], "done": {}, "chunks": {}}
            self._save_pending(pending)
        revision = pending["revision"]
        keep = {k: h for k, h in pending["done"].items() if wanted.get(k) == h}
        pending["done"] = keep
        pending["chunks"] = {k: n for k, n in pending["chunks"].items() if k in keep}
        for kind in (CHUNKS, SENTENCES):  # whatever a crash left half-written
            collection = self._new_collection(kind, revision)
            if keep:
                collection.delete(where={"article_id": {"$nin": sorted(keep)}})
            elif collection.count():
                collection.delete(where={"article_id": {"$ne": ""}})
        return pending

    def _read_pending(self) -> dict[str, Any] | None:
        try:
            pending = json.loads(self.pending_path.read_text(encoding="utf-8"))
            if isinstance(pending.get("revision"), str) and isinstance(pending.get("done"), dict):
                return pending
        except (OSError, ValueError, AttributeError):
            pass
        return None

    def _save_pending(self, pending: dict[str, Any]) -> None:
        write_json(self.pending_path, pending)

    def _copy_unchanged(self, base: str | None, revision: str, articles: list[Article],
                        pending: dict[str, Any], progress: bool) -> None:
        """Carry the vectors of unchanged articles over from the base revision."""
        todo = [a for a in articles if a.id not in pending["done"]]
        if not todo or base is None:
            return
        with tqdm(total=len(todo), desc="keeping unchanged", unit="article",
                  disable=not progress or len(todo) < COPY_BATCH, file=_stderr(),
                  dynamic_ncols=True) as bar:
            for i in range(0, len(todo), COPY_BATCH):
                batch = todo[i : i + COPY_BATCH]
                ids = [a.id for a in batch]
                counts = _copy_records(self.collection(CHUNKS, base),
                                       self._new_collection(CHUNKS, revision), ids)
                _copy_records(self.collection(SENTENCES, base),
                              self._new_collection(SENTENCES, revision), ids)
                for article in batch:
                    pending["done"][article.id] = article.content_hash
                    pending["chunks"][article.id] = counts.get(article.id, 0)
                self._save_pending(pending)
                bar.update(len(batch))

    def _embed_articles(self, revision: str, articles: list[Article],
                        pending: dict[str, Any], progress: bool) -> int:
        todo = [a for a in articles if a.id not in pending["done"]]
        plans = [(a, chunk_article(a, self.settings.chunk_max_chars,
                                   self.settings.chunk_overlap_sentences)) for a in todo]
        total = sum(len(chunks) + len(split_sentences(a.body)) for a, chunks in plans)
        chunk_store = self._new_collection(CHUNKS, revision)
        sentence_store = self._new_collection(SENTENCES, revision)
        embedded = 0
        with tqdm(total=total, desc="embedding", unit="text", disable=not progress,
                  file=_stderr(), dynamic_ncols=True) as bar:
            last_save = time.monotonic()
            for article, chunks in plans:
                self._add_chunks(chunk_store, article, chunks, bar)
                self._add_sentences(sentence_store, article, bar)
                pending["done"][article.id] = article.content_hash
                pending["chunks"][article.id] = len(chunks)
                embedded += len(chunks)
                if time.monotonic() - last_save >= COMMIT_SECONDS:
                    self._save_pending(pending)
                    last_save = time.monotonic()
        self._save_pending(pending)
        return embedded

    def _embed(self, texts: list[str], bar: tqdm) -> np.ndarray:
        size = self.embedder.batch_size
        parts = []
        for i in range(0, len(texts), size):
            parts.append(self.embedder.embed_passages(texts[i : i + size]))
            bar.update(len(texts[i : i + size]))
        return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def _add_chunks(self, store: Any, article: Article, chunks: list[Chunk], bar: tqdm) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        if not chunks:
            return
        texts = [embedding_text(article, c.section, c.text) for c in chunks]
        vectors = self._embed(texts, bar)
        ChromaVectorStore(chroma_collection=store).add(
            [chunk_to_node(c, v) for c, v in zip(chunks, vectors, strict=True)])

    def _add_sentences(self, store: Any, article: Article, bar: tqdm) -> None:
        sentences = split_sentences(article.body)
        if not sentences:
            return
        vectors = self._embed([article.body[s.start : s.end] for s in sentences], bar)
        store.add(
            ids=[sentence_id(article.id, s.start, s.end) for s in sentences],
            embeddings=vectors,
            metadatas=[{"article_id": article.id, "start": s.start, "end": s.end}
                       for s in sentences],
        )

    # -- clean-up -------------------------------------------------------------------
    def _collect_garbage(self, manifest: dict[str, Any], rebuilt: bool = False) -> None:
        """Drop revisions retired by earlier commits (the previous one is kept for readers).

        After a rebuild, the embedded store and the folder belong to this index alone, so
        anything not in use is dropped too (older formats, runs abandoned long ago)."""
        keep = {manifest.get("revision"), manifest.get("previous")}
        for revision in manifest.get("retired", []):
            if revision not in keep:
                self._drop_revision(revision)
        if manifest.get("retired"):
            write_json(self.manifest_path, {**manifest, "retired": []})
        if rebuilt:
            self._drop_strays(keep)

    def _drop_revision(self, revision: str) -> None:
        for kind in (CHUNKS, SENTENCES):
            with contextlib.suppress(Exception):  # already gone
                self.client().delete_collection(self.collection_name(kind, revision))
        self.articles_path(revision).unlink(missing_ok=True)
        shutil.rmtree(self.search_path(revision), ignore_errors=True)

    def _drop_strays(self, keep: set[str | None]) -> None:
        pending = self._read_pending()
        keep = keep | {pending["revision"]} if pending else keep
        for path in self.root.glob("articles-*.json"):
            if path.stem.removeprefix("articles-") not in keep:
                path.unlink(missing_ok=True)
        for path in self.root.glob("search-*"):
            if path.name.removeprefix("search-") not in keep:
                shutil.rmtree(path, ignore_errors=True)
        for stray in ("articles.json", "search"):  # the layout of format 1
            target = self.root / stray
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(
                missing_ok=True)
        if self.store != "embedded":
            return  # a server may hold other indexes' collections: only drop what we know
        for collection in self.client().list_collections():
            name = getattr(collection, "name", collection)
            if name.rsplit("-", 1)[-1] not in keep:
                self.client().delete_collection(name)


def _plan(articles: list[Article], indexed: dict[str, Any]) -> SyncReport:
    report = SyncReport()
    current = {a.id for a in articles}
    report.removed = sorted(set(indexed) - current)
    for article in articles:
        entry = indexed.get(article.id)
        if entry and entry["hash"] == article.content_hash:
            report.unchanged.append(article.id)
        else:
            (report.updated if entry else report.added).append(article.id)
    return report


def _copy_records(source: Any, target: Any, article_ids: list[str]) -> dict[str, int]:
    """Copy every record of these articles between collections; records per article."""
    counts: dict[str, int] = {}
    offset = 0
    while True:
        page = source.get(where={"article_id": {"$in": article_ids}}, limit=PAGE, offset=offset,
                          include=["embeddings", "documents", "metadatas"])
        if not page["ids"]:
            break
        documents = page["documents"]
        target.add(ids=page["ids"], embeddings=page["embeddings"], metadatas=page["metadatas"],
                   documents=documents if documents and any(documents) else None)
        for meta in page["metadatas"]:
            counts[meta["article_id"]] = counts.get(meta["article_id"], 0) + 1
        offset += len(page["ids"])
        if len(page["ids"]) < PAGE:
            break
    return counts


def sentence_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}@{start}-{end}"


def _store(label: object) -> str:
    return "the embedded store" if label == "embedded" else f"the Chroma server {label}"


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
