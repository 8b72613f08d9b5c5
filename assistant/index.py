"""The persisted index: Chroma collections plus a manifest that is replaced atomically.

Layout (index folder, plus the vectors in Chroma):
- `manifest.json`: format, embedding model id, chunking parameters, where the vectors
  live (`store`), the collections' `generation`, the current `revision`, and per article
  its content hash, record tag and chunk count. Checked against the settings before any
  use. Replacing this file (one atomic rename) *is* the commit of a change.
- `articles-<rev>.json`: the articles of that revision (metadata and body), so citations
  are always cut from the text that was indexed, never from a file changed since;
- `search-<rev>/`: the chunk table and BM25 index of that revision (derived, rebuildable);
- Chroma collections `<ns>-chunks-<generation>` (written through llama-index's
  ChromaVectorStore) and `<ns>-sentences-<generation>` (sentence vectors for answer
  selection), in the embedded store under `chroma/` or on a Chroma server.

Records are content-addressed: their ids and `article_hash` metadata carry a tag made
from the article id and content hash, so a changed article's new vectors are written
*beside* the old ones and nothing a reader uses is touched before the commit. A reader
only uses the records whose tag its revision lists (dense hits of other tags are
skipped), so a crash at any moment (even `kill -9`) leaves the previous revision intact
and answering, and an update costs only what changed. Records that only the previous
revision uses are deleted at the next change (a server still answering from it is never
cut off mid-question); records an interrupted run wrote are found through `pending.json`
and either reused (the next run resumes) or deleted. `--rebuild` (or a new model)
writes a new generation of collections and drops the old one after the commit.
A file lock lets only one writer in at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
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
DELETE_BATCH = 200  # tags per delete call


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


@dataclass(frozen=True)
class Snapshot:
    """One committed state of the index, as a reader uses it."""

    revision: str
    generation: str
    tags: dict[str, str]  # article id -> tag of its records


def record_tag(article: Article) -> str:
    """Names one version of one article's records (the same text gives the same tag)."""
    key = f"{article.id}\x1f{article.content_hash}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def chunk_record_id(article_id: str, tag: str, index: int) -> str:
    return f"{article_id}#{tag}#{index}"


def sentence_id(article_id: str, tag: str, start: int, end: int) -> str:
    return f"{article_id}#{tag}@{start}-{end}"


def chunk_to_node(chunk: Chunk, tag: str, embedding: np.ndarray) -> Any:
    """A llama-index TextNode for a chunk, its offsets and sentence spans in metadata."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    return TextNode(
        id_=chunk_record_id(chunk.article_id, tag, chunk.index),
        text=chunk.text,
        embedding=embedding.tolist(),
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        metadata={
            "article_id": chunk.article_id,
            "article_hash": tag,
            "chunk_index": chunk.index,
            "section": chunk.section,
            "sentences": json.dumps(chunk.sentences),
        },
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.article_id)},
    )


def open_chroma(settings: Settings, create: bool = False) -> Any:
    """The Chroma client the settings ask for: a server's HttpClient or the embedded store
    (created only when `create`: a reader must not leave an empty store behind)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        path = Path(settings.index_dir) / "chroma"
        if not create and not (path / "chroma.sqlite3").is_file():
            raise IndexProblem(f"the vectors of the index in {settings.index_dir} are missing "
                               f"({path}): run `assistant index --rebuild`")
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

    # -- files and names ----------------------------------------------------------
    def articles_path(self, revision: str) -> Path:
        return self.root / f"articles-{revision}.json"

    def search_path(self, revision: str) -> Path:
        return self.root / f"search-{revision}"

    def collection_name(self, kind: str, generation: str) -> str:
        return f"{self.settings.chroma_namespace}-{kind}-{generation}"

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
        if not all(isinstance(manifest.get(k), str) for k in ("revision", "generation")):
            raise IndexProblem(f"the index in {self.root} is damaged (no revision or generation): "
                               "run `assistant index --rebuild`")

    def current(self) -> dict[str, Any]:
        """The manifest of the index in use, checked; raises IndexProblem."""
        if not self.exists():
            raise IndexProblem(f"there is no index in {self.root}: run `assistant index`")
        manifest = self.read_manifest()
        self.check_compatible(manifest)
        return manifest

    @staticmethod
    def snapshot(manifest: dict[str, Any]) -> Snapshot:
        tags = {article_id: entry["tag"] for article_id, entry in manifest["articles"].items()}
        return Snapshot(manifest["revision"], manifest["generation"], tags)

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
    def client(self, create: bool = False) -> Any:
        if self._client is None:
            self._client = open_chroma(self.settings, create)
        return self._client

    def reopen(self) -> None:
        """Forget the open store so the next read sees what other processes wrote.

        An embedded Chroma client keeps each collection's vector index in memory and does
        not see records another process added since it was loaded; a new client loads it
        afresh (Chroma caches one client per folder and process, hence the cache reset;
        handles already given out keep working). A server has no such problem."""
        if self.store == "embedded":
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        self._client = None

    def collection(self, kind: str, generation: str) -> Any:
        """A collection of the index; IndexProblem when it is gone."""
        name = self.collection_name(kind, generation)
        try:
            return self.client().get_collection(name, embedding_function=None)
        except IndexProblem:
            raise
        except Exception as err:
            raise IndexProblem(
                f"the index in {self.root} names vectors ({name}) that {_store(self.store)} "
                "does not have: run `assistant index --rebuild`"
            ) from err

    def _writable_collection(self, kind: str, generation: str) -> Any:
        return self.client(create=True).get_or_create_collection(
            self.collection_name(kind, generation),
            configuration={"hnsw": {"space": "cosine"}}, embedding_function=None,
        )

    def vector_store(self, generation: str) -> Any:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection(CHUNKS, generation))

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
        prepare: Callable[[Snapshot, str | None], None] | None = None,
    ) -> SyncReport:
        """Make the index match `articles` as a new revision, then switch to it.

        `prepare(snapshot, replaced_revision)` runs after the revision's data is written and
        before the switch (the service builds the search files there, so readers find them
        ready)."""
        with self.writer_lock():
            old = None if rebuild else self._manifest_for_update()
            report = _plan(articles, old["articles"] if old else {})
            if old is not None:
                self._check_vectors_exist(old["generation"])  # else: the rebuild hint
            if old is not None and not report.changed:
                self._forget_abandoned_run(old)
                return report
            prior = old if old is not None else self._readable_manifest()
            self._write_revision(articles, old, prior, report, progress, prepare)
        return report

    def _check_vectors_exist(self, generation: str) -> None:
        """IndexProblem (with the rebuild hint) when the store lost this index's vectors.
        The embedded store is checked by its database file: opening it costs ~0.3 s, a
        third of a no-change `assistant index`."""
        if self.store == "embedded":
            if not (self.root / "chroma" / "chroma.sqlite3").is_file():
                self.client()  # raises with the message
            return
        for kind in (CHUNKS, SENTENCES):
            self.collection(kind, generation)

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
        prepare: Callable[[Snapshot, str | None], None] | None,
    ) -> None:
        """Write the records of a new revision beside `old` (None: a new generation),
        commit it, then clean up; `prior` is the manifest being replaced."""
        generation = old["generation"] if old else self._generation_for_fresh_build()
        tags = {a.id: record_tag(a) for a in articles}
        todo = [a for a in articles if a.id not in report.unchanged]
        pending = self._start_or_resume(generation, old is None, prior,
                                        {a.id: tags[a.id] for a in todo})
        report.resumed = len(pending["done"])
        report.chunks_embedded = self._embed_articles(generation, todo, tags, pending, progress)
        counts = {**{k: v["chunks"] for k, v in (old or {}).get("articles", {}).items()},
                  **pending["chunks"]}
        entries = {a.id: {"hash": a.content_hash, "tag": tags[a.id], "chunks": counts[a.id],
                          "path": a.path} for a in articles}
        revision = uuid.uuid4().hex[:16]
        write_json(self.articles_path(revision),
                   {a.id: asdict(a) for a in sorted(articles, key=lambda a: a.id)})
        if prepare is not None:
            replaced = (prior or {}).get("revision")
            prepare(Snapshot(revision, generation, tags),
                    replaced if isinstance(replaced, str) else None)
        live = set(tags.values())
        was_live = {e["tag"] for e in old["articles"].values()} if old else set()
        manifest = {**self.config, "store": self.store, "generation": generation,
                    "revision": revision, "previous_revision": old["revision"] if old else None,
                    "stale_tags": sorted(was_live - live), "articles": entries}
        write_json(self.manifest_path, manifest)  # the commit
        self.pending_path.unlink(missing_ok=True)
        if old is not None:  # records only the revision before the previous one used
            self._delete_tags(generation, set(old.get("stale_tags", [])) - live)
        self._drop_unused_files({revision, manifest["previous_revision"]})
        if prior is not None and prior.get("generation") not in (None, generation):
            self._drop_generation(prior["generation"])
        if old is None and self.store == "embedded":
            self._drop_stray_collections(generation)

    def _resumable(self, pending: dict[str, Any] | None, fresh: bool) -> bool:
        return (
            pending is not None
            and {k: pending.get(k) for k in self.config} == self.config
            and pending.get("store") == self.store
            and pending.get("fresh") is fresh
        )

    def _generation_for_fresh_build(self) -> str:
        """A new generation, or that of an interrupted first build / rebuild to resume."""
        pending = self._read_pending()
        if self._resumable(pending, fresh=True):
            return str(pending["generation"])  # type: ignore[index]
        return uuid.uuid4().hex[:12]

    def _start_or_resume(self, generation: str, fresh: bool, prior: dict[str, Any] | None,
                         todo: dict[str, str]) -> dict[str, Any]:
        """The progress record of this run: an interrupted run of the same job is resumed
        (articles it finished are kept), anything else it wrote is deleted. `prior` is the
        manifest in use (whose records must survive)."""
        pending = self._read_pending()
        resumable = (self._resumable(pending, fresh)
                     and pending.get("generation") == generation)  # type: ignore[union-attr]
        kept: dict[str, str] = {}
        if pending is not None and resumable:
            kept = {k: t for k, t in pending["done"].items() if todo.get(k) == t}
            self._delete_tags(generation, set(pending["planned"].values()) - set(kept.values()))
        elif pending is not None:
            self._forget_abandoned_run(prior)
        chunks = {k: n for k, n in (pending or {}).get("chunks", {}).items() if k in kept}
        pending = {**self.config, "store": self.store, "generation": generation,
                   "fresh": fresh, "planned": todo, "done": kept, "chunks": chunks}
        self._save_pending(pending)
        return pending

    def _forget_abandoned_run(self, current: dict[str, Any] | None) -> None:
        """Delete what an interrupted run wrote for a job that is no longer wanted."""
        pending = self._read_pending()
        if pending is None:
            return
        generation = pending.get("generation")
        if current is not None and generation == current.get("generation"):
            in_use = {e.get("tag") for e in current.get("articles", {}).values()}
            in_use |= set(current.get("stale_tags", []))
            self._delete_tags(generation, set(pending.get("planned", {}).values()) - in_use)
        elif isinstance(generation, str) and generation != (current or {}).get("generation"):
            self._drop_generation(generation)
        self.pending_path.unlink(missing_ok=True)

    def _read_pending(self) -> dict[str, Any] | None:
        try:
            pending = json.loads(self.pending_path.read_text(encoding="utf-8"))
            if all(isinstance(pending.get(k), dict) for k in ("planned", "done", "chunks")):
                return pending
        except (OSError, ValueError, AttributeError):
            pass
        return None

    def _save_pending(self, pending: dict[str, Any]) -> None:
        write_json(self.pending_path, pending)

    def _embed_articles(self, generation: str, articles: list[Article], tags: dict[str, str],
                        pending: dict[str, Any], progress: bool) -> int:
        todo = [a for a in articles if a.id not in pending["done"]]
        plans = [(a, chunk_article(a, self.settings.chunk_max_chars,
                                   self.settings.chunk_overlap_sentences)) for a in todo]
        total = sum(len(chunks) + len(split_sentences(a.body)) for a, chunks in plans)
        chunk_store = self._writable_collection(CHUNKS, generation)
        sentence_store = self._writable_collection(SENTENCES, generation)
        embedded = 0
        with tqdm(total=total, desc="embedding", unit="text", disable=not progress,
                  file=_stderr(), dynamic_ncols=True) as bar:
            last_save = time.monotonic()
            for article, chunks in plans:
                tag = tags[article.id]
                self._add_chunks(chunk_store, article, tag, chunks, bar)
                self._add_sentences(sentence_store, article, tag, bar)
                pending["done"][article.id] = tag
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

    def _add_chunks(self, store: Any, article: Article, tag: str, chunks: list[Chunk],
                    bar: tqdm) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        if not chunks:
            return
        texts = [embedding_text(article, c.section, c.text) for c in chunks]
        vectors = self._embed(texts, bar)
        ChromaVectorStore(chroma_collection=store).add(
            [chunk_to_node(c, tag, v) for c, v in zip(chunks, vectors, strict=True)])

    def _add_sentences(self, store: Any, article: Article, tag: str, bar: tqdm) -> None:
        sentences = split_sentences(article.body)
        if not sentences:
            return
        vectors = self._embed([article.body[s.start : s.end] for s in sentences], bar)
        store.add(
            ids=[sentence_id(article.id, tag, s.start, s.end) for s in sentences],
            embeddings=vectors,
            metadatas=[{"article_id": article.id, "article_hash": tag, "start": s.start,
                        "end": s.end} for s in sentences],
        )

    # -- clean-up -------------------------------------------------------------------
    def _delete_tags(self, generation: str, tags: set[str]) -> None:
        if not tags:
            return
        ordered = sorted(tags)
        for kind in (CHUNKS, SENTENCES):
            try:
                collection = self.client().get_collection(
                    self.collection_name(kind, generation), embedding_function=None)
            except Exception:  # no such collection: nothing to delete
                continue
            for i in range(0, len(ordered), DELETE_BATCH):
                collection.delete(where={"article_hash": {"$in": ordered[i : i + DELETE_BATCH]}})

    def _drop_generation(self, generation: str) -> None:
        for kind in (CHUNKS, SENTENCES):
            with contextlib.suppress(Exception):  # already gone
                self.client().delete_collection(self.collection_name(kind, generation))

    def _drop_unused_files(self, keep: set[str | None]) -> None:
        for path in self.root.glob("articles-*.json"):
            if path.stem.removeprefix("articles-") not in keep:
                path.unlink(missing_ok=True)
        for path in self.root.glob("search-*"):
            if path.name.removeprefix("search-") not in keep:
                shutil.rmtree(path, ignore_errors=True)
        for stray in ("articles.json", "search"):  # the layout of format 1
            target = self.root / stray
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)

    def _drop_stray_collections(self, generation: str) -> None:
        """After a rebuild, the embedded store belongs to this index alone: anything but
        the new generation (older formats, runs abandoned long ago) goes."""
        for collection in self.client().list_collections():
            name = getattr(collection, "name", collection)
            if not name.endswith(f"-{generation}"):
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
