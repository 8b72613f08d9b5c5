"""The persisted index: Chroma collections plus a manifest that is replaced atomically.

Layout (index folder, plus the vectors in Chroma):
- `manifest.json` (manifest.py): format, embedding model id, chunking parameters, where
  the vectors live (`store`), the collections' `generation`, the current `revision`, the
  vectors' width, and per article its content hash, record tag and chunk count. Checked
  against the settings before any use (an older format is migrated in place). Replacing
  this file (one atomic rename) *is* the commit of a change.
- `articles/<tag>.json`: each article version (metadata and body), written once, so
  citations are always cut from the text that was indexed, never from a file changed
  since (revisions written before these have one `articles-<rev>.json`, still read);
- `search-<rev>/`: the chunk table and BM25 index of that revision (derived, rebuildable);
  a new revision carries the previous one's segments over and adds a delta of what changed;
- `vectors-<generation>/<tag>.npy`: each article version's sentence vectors, for choosing
  the answer sentence (vector_files.py; indexes written before them keep these in a Chroma
  collection `<ns>-sentences-<generation>`, which is still read);
- the Chroma collection `<ns>-chunks-<generation>` (chunk vectors, searched by similarity),
  in the embedded store under `chroma/` or on a Chroma server.

Records are content-addressed: their ids and `record_tag` metadata carry a tag made
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
import json
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

import numpy as np
from tqdm import tqdm

from .chunking import Chunk, Sentence, chunk_sentences, split_sentences
from .corpus import Article, Skipped
from .embeddings import Embedder
from .manifest import (
    FORMAT,
    SPLITTER_VERSION,
    TAG_KEY,
    ArticleEntry,
    ChunkingConfig,
    IndexConfig,
    IndexProblem,
    Manifest,
    Pending,
    Snapshot,
    check_compatible,
    migratable,
    migrate,
    read_manifest_json,
    read_pending,
    store_phrase,
    write_json,
)
from .revision import (
    CHUNKS,
    SENTENCES,
    ChunkRecord,
    SearchFiles,
    chunk_record_id,
    chunk_table,
    embedding_text,
    record_tag,
)
from .settings import Settings
from .vector_files import (
    delete_sentence_vectors,
    drop_vector_folders,
    vector_folder,
    write_sentence_vectors,
)

__all__ = ["CHUNKS", "SENTENCES", "ArticleIndex", "IndexProblem", "Snapshot", "SyncReport",
           "embedding_text", "index_config", "record_tag", "store_label", "write_json"]

COMMIT_SECONDS = 5.0  # how often a running sync saves its progress
PAGE = 5_000  # records per Chroma get(): one get of ~100k exceeds SQLite's variable limit
DELETE_BATCH = 200  # tags per delete call


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)  # indexed, with something ignored
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


@dataclass(frozen=True)
class ArticlePlan:
    """A changed article split once: its sentences (embedded) and chunks (embedded)."""

    article: Article
    tag: str
    sentences: list[Sentence]
    chunks: list[Chunk]


def index_config(settings: Settings, embedder_id: str) -> IndexConfig:
    """What an index must have been built with to be usable under these settings."""
    return IndexConfig(FORMAT, embedder_id, ChunkingConfig(
        settings.chunk_max_chars, settings.chunk_overlap_sentences, SPLITTER_VERSION))


def store_label(settings: Settings) -> str:
    """Where the vectors live: 'embedded' or the Chroma server's URL."""
    return settings.chroma_url.rstrip("/") if settings.chroma_url else "embedded"


def chunk_metadata(chunk: Chunk, tag: str) -> dict[str, str | int]:
    """A chunk record's metadata: article, record tag, offsets' context, and the source
    keys llama-index gives a node (so its ChromaVectorStore can read and delete these
    records too). Written with chromadb directly: nothing reads llama-index's serialised
    node back, and importing llama-index cost an `assistant index` ~1–2 s."""
    return {"article_id": chunk.article_id, TAG_KEY: tag, "chunk_index": chunk.index,
            "section": chunk.section, "sentences": json.dumps(chunk.sentences),
            "document_id": chunk.article_id, "doc_id": chunk.article_id,
            "ref_doc_id": chunk.article_id}


def _chroma_settings(path: Path | None = None) -> Any:
    from chromadb.config import Settings as ChromaSettings

    if path is None:
        return ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False, is_persistent=True,
                          persist_directory=str(path))


def open_embedded(path: Path) -> Any:
    """A client of the embedded store in `path` on a System of its own, so it loads the
    store as it is now on disk (Chroma's PersistentClient shares one System per folder and
    process, whose in-memory vector index misses other processes' writes). Only clients
    of this folder made later share the new System; other indexes are left alone."""
    from chromadb.api import ServerAPI
    from chromadb.api.client import Client
    from chromadb.config import System

    system = System(_chroma_settings(path))
    system.instance(ServerAPI)  # type: ignore[type-abstract]  # chromadb's own pattern
    system.start()
    return Client.from_system(system)


def open_chroma(settings: Settings, create: bool = False) -> Any:
    """The Chroma client the settings ask for: a server's HttpClient or the embedded store
    (created only when `create`: a reader must not leave an empty store behind)."""
    import chromadb

    if not settings.chroma_url:
        path = Path(settings.index_dir) / "chroma"
        if not create and not (path / "chroma.sqlite3").is_file():
            raise IndexProblem(f"the vectors of the index in {settings.index_dir} are missing "
                               f"({path}): run `assistant index --rebuild`")
        path.mkdir(parents=True, exist_ok=True)
        return open_embedded(path)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise IndexProblem(
            f"--chroma-url must look like http://HOST:PORT, not {settings.chroma_url!r}")
    try:
        client = chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=_chroma_settings(),
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

    def search_files(self, revision: str) -> SearchFiles:
        return SearchFiles(self.search_path(revision), revision, self.settings.keyword_tokenizer)

    def collection_name(self, kind: str, generation: str) -> str:
        return f"{self.settings.chroma_namespace}-{kind}-{generation}"

    # -- reading ------------------------------------------------------------------
    def exists(self) -> bool:
        return self.manifest_path.exists()

    def current(self) -> Manifest:
        """The manifest of the index in use, checked (and migrated from an older format);
        raises IndexProblem."""
        if not self.exists():
            raise IndexProblem(f"there is no index in {self.root}: run `assistant index`")
        data = read_manifest_json(self.manifest_path)
        if migratable(data):
            data = self._migrate()
        return check_compatible(data, self.config, self.store, self.root)

    def check_compatible(self) -> None:
        """IndexProblem (saying what to run) when an existing index can't be used."""
        if self.exists():
            self.current()

    def _migrate(self) -> dict[str, object]:
        """Bring an older format up to date in place (as a writer: one at a time)."""
        with self.writer_lock():
            data = read_manifest_json(self.manifest_path)  # another process may have done it
            if not migratable(data):
                return data
            data = migrate(self.manifest_path, data, self)
            manifest = check_compatible(data, self.config, self.store, self.root)
            self.ensure_search_files(manifest)
            return data

    def ensure_search_files(self, manifest: Manifest) -> None:
        """Rebuild the current revision's search files if missing or of another format."""
        files = self.search_files(manifest.revision)
        if not files.is_current():
            articles = self.read_articles(manifest.snapshot())
            files.build(articles, chunk_table(articles, manifest.snapshot().tags,
                                              self.settings.chunk_max_chars,
                                              self.settings.chunk_overlap_sentences),
                        reuse=files)

    def article_path(self, tag: str) -> Path:
        return self.root / "articles" / f"{tag}.json"

    def read_articles(self, snapshot: Snapshot) -> dict[str, Article]:
        """The revision's articles: one file per article version (`articles/TAG.json`),
        or the single `articles-REV.json` that revisions written before those have."""
        whole = self.articles_path(snapshot.revision)
        path = whole
        try:
            if whole.is_file():
                data = json.loads(whole.read_text(encoding="utf-8"))
                return {a["id"]: Article(**a) for a in data.values()}
            found = {}
            for article_id, tag in snapshot.tags.items():
                path = self.article_path(tag)
                found[article_id] = Article(**json.loads(path.read_text(encoding="utf-8")))
            return found
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
            raise IndexProblem(
                f"the index in {self.root} is damaged ({path.name} unreadable): "
                "run `assistant index --rebuild`"
            ) from err

    def _write_article_files(self, articles: list[Article], tags: Mapping[str, str]) -> None:
        """Each article version's file, once: an update writes the changed articles'
        (and, after an older index, each one's first), never the whole corpus again."""
        for article in articles:
            path = self.article_path(tags[article.id])
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_json(path, asdict(article))

    def is_stale(self, articles: Iterable[Article]) -> bool:
        """Does the corpus differ from what the index holds?"""
        if not self.exists():
            return True
        indexed = self.current().articles
        current = {a.id: a.content_hash for a in articles}
        return current != {k: v.hash for k, v in indexed.items()}

    # -- chroma ----------------------------------------------------------------------
    def client(self, create: bool = False) -> Any:
        if self._client is None:
            self._client = open_chroma(self.settings, create)
        return self._client

    def reopen(self) -> None:
        """Forget the open store so the next read sees what other processes wrote.

        An embedded Chroma client keeps each collection's vector index in memory and does
        not see records another process added since it was loaded; the next client is
        built on a System of its own (see `open_embedded`; handles already given out keep
        working). A server has no such problem."""
        self._client = None

    def collection(self, kind: str, generation: str) -> Any:
        """A collection of the index; IndexProblem when it is gone (raised from the store's
        error, which tells a full disk from a lost collection: cli.py)."""
        name = self.collection_name(kind, generation)
        try:
            return self.client().get_collection(name, embedding_function=None)
        except IndexProblem:
            raise
        except Exception as err:
            raise IndexProblem(
                f"the index in {self.root} names vectors ({name}) that "
                f"{store_phrase(self.store)} does not have: run `assistant index --rebuild`"
            ) from err

    def optional_collection(self, kind: str, generation: str) -> Any | None:
        """A collection, or None when the store lacks it (the sentences' one only indexes
        written before the vector files have: vector_files.py)."""
        try:
            return self.client().get_collection(self.collection_name(kind, generation),
                                                embedding_function=None)
        except IndexProblem:
            raise
        except Exception:
            return None

    def collections_of(self, generation: str) -> list[Any]:
        """The collections a generation has (for a migration)."""
        sentences = self.optional_collection(SENTENCES, generation)
        return [self.collection(CHUNKS, generation)] + ([sentences] if sentences else [])

    def vector_folder(self, generation: str) -> Path:
        return vector_folder(self.root, generation)

    def stored_dimension(self, generation: str) -> int:
        """The width of the generation's stored vectors, read from one record."""
        for collection in self.collections_of(generation):
            found = collection.get(limit=1, include=["embeddings"])["embeddings"]
            if found is not None and len(found):
                return len(found[0])
        return 0

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

    def sync(self, articles: list[Article], *, rebuild: bool = False,
             progress: bool = True) -> SyncReport:
        """Make the index match `articles` as a new revision (its records, articles file
        and search files written first), then switch to it."""
        old = None if rebuild or not self.exists() else self.current()
        with self.writer_lock():
            if old is not None:
                old = self.current()  # as it is now that this writer holds the lock
            report = _plan(articles, old.articles if old else {})
            if old is not None:
                self._check_vectors_exist(old.generation)  # else: the rebuild hint
            if old is not None and not report.changed:
                self._forget_abandoned_run(old)
                return report
            prior = old if old is not None else self._readable_manifest()
            self._write_revision(articles, old, prior, report, progress)
        return report

    def _check_vectors_exist(self, generation: str) -> None:
        """IndexProblem (with the rebuild hint) when the store lost this index's vectors.
        The embedded store is checked by its database file: opening it costs ~0.3 s, a
        third of a no-change `assistant index`."""
        if self.store == "embedded":
            if not (self.root / "chroma" / "chroma.sqlite3").is_file():
                self.client()  # raises with the message
            return
        self.collection(CHUNKS, generation)

    def _readable_manifest(self) -> PriorIndex | None:
        """What the manifest names, even of an incompatible index; None if unreadable."""
        try:
            data = read_manifest_json(self.manifest_path) if self.exists() else None
        except IndexProblem:
            return None
        if data is None:
            return None
        revision, generation = data.get("revision"), data.get("generation")
        return PriorIndex(revision if isinstance(revision, str) else None,
                          generation if isinstance(generation, str) else None)

    def _write_revision(self, articles: list[Article], old: Manifest | None,
                        prior: Manifest | PriorIndex | None, report: SyncReport,
                        progress: bool) -> None:
        """Write the records of a new revision beside `old` (None: a new generation) and
        its files, commit it, then clean up; `prior` is what is being replaced."""
        generation = old.generation if old else self._generation_for_fresh_build()
        tags = {a.id: record_tag(a) for a in articles}
        plans = [self._plan_article(a, tags[a.id]) for a in articles
                 if a.id not in report.unchanged]
        pending = self._start_or_resume(generation, old is None, prior,
                                        {p.article.id: p.tag for p in plans})
        report.resumed = len(pending.done)
        report.chunks_embedded = self._embed_articles(generation, plans, pending, progress)
        revision = uuid.uuid4().hex[:16]
        self._write_article_files(articles, tags)
        reuse = self.search_files(prior.revision) if prior and prior.revision else None
        counts = self._write_search_files(revision, articles, plans, old, reuse)
        live = set(tags.values())
        was_live = {e.tag for e in old.articles.values()} if old else set()
        manifest = Manifest(
            self.config, self.store, generation, revision,
            previous_revision=old.revision if old else None,
            stale_tags=tuple(sorted(was_live - live)),
            articles={a.id: ArticleEntry(a.content_hash, tags[a.id], counts[a.id], a.path)
                      for a in articles},
            dimension=old.dimension if old and old.dimension else self.stored_dimension(
                generation))
        write_json(self.manifest_path, manifest.to_json())  # the commit
        self.pending_path.unlink(missing_ok=True)
        self._clean_up(manifest, old, prior)

    def _clean_up(self, manifest: Manifest, old: Manifest | None,
                  prior: Manifest | PriorIndex | None) -> None:
        live = set(manifest.snapshot().tags.values())
        if old is not None:  # records only the revision before the previous one used
            self._delete_tags(manifest.generation, set(old.stale_tags) - live)
        self._drop_unused_files({manifest.revision, manifest.previous_revision})
        if prior is not None and prior.generation not in (None, manifest.generation):
            self._drop_generation(prior.generation)
        if old is None:  # a new generation: any other's vector and article files are strays
            drop_vector_folders(self.root, keep=manifest.generation)
            for path in (self.root / "articles").glob("*.json"):
                if path.stem not in live:
                    path.unlink(missing_ok=True)
        if old is None and self.store == "embedded":
            self._drop_stray_collections(manifest.generation)

    def _plan_article(self, article: Article, tag: str) -> ArticlePlan:
        """Split the article into sentences once; chunk those."""
        sentences = split_sentences(article.body)
        return ArticlePlan(article, tag, sentences, chunk_sentences(
            article, sentences, self.settings.chunk_max_chars,
            self.settings.chunk_overlap_sentences))

    def _write_search_files(self, revision: str, articles: list[Article],
                            plans: list[ArticlePlan], old: Manifest | None,
                            reuse: SearchFiles | None) -> dict[str, int]:
        """The new revision's search files; its chunk count per article. The previous
        revision's segments are carried over for the unchanged articles without reading
        their rows; when that can't be done, from the whole chunk table."""
        by_id = {a.id: a for a in articles}
        changed = [ChunkRecord.of(c, p.tag) for p in plans for c in p.chunks]
        planned = {p.article.id for p in plans}
        unchanged = {i: old.articles[i] for i in by_id if i not in planned} if old else {}
        files = self.search_files(revision)
        if old is not None and files.build_changed(
                by_id, changed, {e.tag: e.chunks for e in unchanged.values()}, reuse):
            counted, counts = changed, {i: e.chunks for i, e in unchanged.items()}
        else:
            counted, counts = self._chunk_rows(articles, plans, old), {}
            files.build(by_id, counted, reuse)
        counts = dict.fromkeys(by_id, 0) | counts
        for row in counted:
            counts[row.article_id] += 1
        return counts

    def _chunk_rows(self, articles: list[Article], plans: list[ArticlePlan],
                    old: Manifest | None) -> list[ChunkRecord]:
        """The new revision's whole chunk table: changed articles' rows from their chunks,
        unchanged ones' from the previous revision's table (made afresh if missing)."""
        tags = {a.id: record_tag(a) for a in articles}
        rows = [ChunkRecord.of(c, p.tag) for p in plans for c in p.chunks]
        changed = {p.article.id for p in plans}
        unchanged = {a.id: a for a in articles if a.id not in changed}
        if old is not None and unchanged:
            kept = [r for r in self.search_files(old.revision).read_rows()
                    if r.article_id in unchanged and r.chunk_id.startswith(
                        f"{r.article_id}#{tags[r.article_id]}#")]
            rows += kept
            for article_id in {r.article_id for r in kept}:
                del unchanged[article_id]
        return rows + chunk_table(unchanged, tags, self.settings.chunk_max_chars,
                                  self.settings.chunk_overlap_sentences)

    def _generation_for_fresh_build(self) -> str:
        """A new generation, or that of an interrupted first build / rebuild to resume."""
        pending = read_pending(self.pending_path, self.config)
        resumable = pending.resumable_as if pending else None
        if resumable is not None and resumable.store == self.store and resumable.fresh:
            return resumable.generation
        return uuid.uuid4().hex[:12]

    def _start_or_resume(self, generation: str, fresh: bool,
                         prior: Manifest | PriorIndex | None, todo: dict[str, str]) -> Pending:
        """The progress record of this run: an interrupted run of the same job is resumed
        (articles it finished are kept), anything else it wrote is deleted. `prior` is the
        index in use (whose records must survive)."""
        stored = read_pending(self.pending_path, self.config)
        same = stored.resumable_as if stored else None
        resumable = (same is not None and same.store == self.store and same.fresh is fresh
                     and same.generation == generation)
        kept: dict[str, str] = {}
        if stored is not None and resumable:
            kept = {k: t for k, t in stored.done.items() if todo.get(k) == t}
            self._delete_tags(generation, set(stored.planned.values()) - set(kept.values()))
        elif stored is not None:
            self._forget_abandoned_run(prior if isinstance(prior, Manifest) else None)
        pending = Pending(self.config, self.store, generation, fresh, todo, kept)
        write_json(self.pending_path, pending.to_json())
        return pending

    def _forget_abandoned_run(self, current: Manifest | None) -> None:
        """Delete what an interrupted run wrote for a job that is no longer wanted."""
        stored = read_pending(self.pending_path, self.config)
        if stored is None:
            return
        generation = stored.generation
        if current is not None and generation == current.generation:
            in_use = {e.tag for e in current.articles.values()} | set(current.stale_tags)
            self._delete_tags(generation, set(stored.planned.values()) - in_use)
        elif generation is not None and generation != (current.generation if current else None):
            self._drop_generation(generation)
        self.pending_path.unlink(missing_ok=True)

    def _embed_articles(self, generation: str, plans: list[ArticlePlan], pending: Pending,
                        progress: bool) -> int:
        todo = [p for p in plans if p.article.id not in pending.done]
        total = sum(len(p.chunks) + len(p.sentences) for p in todo)
        chunk_store = self._writable_collection(CHUNKS, generation) if todo else None
        done = dict(pending.done)
        embedded = 0
        with tqdm(total=total, desc="embedding", unit="text", disable=not progress,
                  file=_stderr(), dynamic_ncols=True) as bar:
            last_save = time.monotonic()
            for plan in todo:
                self._add_chunks(chunk_store, plan, bar)
                self._write_sentences(generation, plan, bar)
                done[plan.article.id] = plan.tag
                embedded += len(plan.chunks)
                if time.monotonic() - last_save >= COMMIT_SECONDS:
                    write_json(self.pending_path, replace_done(pending, done).to_json())
                    last_save = time.monotonic()
        write_json(self.pending_path, replace_done(pending, done).to_json())
        return embedded

    def _embed(self, texts: list[str], bar: Any) -> np.ndarray:
        size = self.embedder.batch_size
        parts = []
        for i in range(0, len(texts), size):
            parts.append(self.embedder.embed_passages(texts[i : i + size]))
            bar.update(len(texts[i : i + size]))
        return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def _add_chunks(self, store: Any, plan: ArticlePlan, bar: Any) -> None:
        if not plan.chunks:
            return
        texts = [embedding_text(plan.article, c.section, c.text) for c in plan.chunks]
        store.add(ids=[chunk_record_id(c.article_id, plan.tag, c.index) for c in plan.chunks],
                  embeddings=self._embed(texts, bar),
                  metadatas=[chunk_metadata(c, plan.tag) for c in plan.chunks],
                  documents=[c.text for c in plan.chunks])

    def _write_sentences(self, generation: str, plan: ArticlePlan, bar: Any) -> None:
        """The article version's sentence vectors, as its file (vector_files.py)."""
        body = plan.article.body
        vectors = self._embed([body[s.start : s.end] for s in plan.sentences], bar)
        write_sentence_vectors(self.vector_folder(generation), plan.tag, plan.sentences,
                               vectors)

    # -- clean-up -------------------------------------------------------------------
    def _delete_tags(self, generation: str, tags: set[str]) -> None:
        if not tags:
            return
        delete_sentence_vectors(self.vector_folder(generation), tags)
        for tag in tags:
            self.article_path(tag).unlink(missing_ok=True)
        ordered = sorted(tags)
        for kind in (CHUNKS, SENTENCES):
            try:
                collection = self.client().get_collection(
                    self.collection_name(kind, generation), embedding_function=None)
            except Exception:  # no such collection: nothing to delete
                continue
            for i in range(0, len(ordered), DELETE_BATCH):
                collection.delete(where={TAG_KEY: {"$in": ordered[i : i + DELETE_BATCH]}})

    def _drop_generation(self, generation: str) -> None:
        shutil.rmtree(self.vector_folder(generation), ignore_errors=True)
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


@dataclass(frozen=True)
class PriorIndex:
    """What an unusable (incompatible) manifest still names, for the clean-up."""

    revision: str | None
    generation: str | None


def replace_done(pending: Pending, done: Mapping[str, str]) -> Pending:
    return Pending(pending.config, pending.store, pending.generation, pending.fresh,
                   pending.planned, dict(done))


def _plan(articles: list[Article], indexed: Mapping[str, ArticleEntry]) -> SyncReport:
    report = SyncReport()
    current = {a.id for a in articles}
    report.removed = sorted(set(indexed) - current)
    for article in articles:
        entry = indexed.get(article.id)
        if entry and entry.hash == article.content_hash:
            report.unchanged.append(article.id)
        else:
            (report.updated if entry else report.added).append(article.id)
    return report


def _stderr() -> IO[str]:
    import sys

    return sys.stderr
