"""The index's manifest and pending-run record as typed values, and their migrations.

`manifest.json` names what an index was built with (`IndexConfig`), where its vectors
live, its collections' generation, its current revision and, per article, its content
hash, record tag and chunk count (`ArticleEntry`). Replacing the file atomically *is* the
commit of a change. `pending.json` (`Pending`) records an unfinished run so the next one
resumes it. Both are read into frozen dataclasses at the edge; nothing else sees JSON.

Formats are numbered. An older format is brought up to date in place by the numbered
`MIGRATIONS` (each step rewrites what it must, then the manifest with the next format
number is written atomically), so a format change needs no re-embedding; format 1 (no
revisions) can only be rebuilt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

FORMAT = 3
SPLITTER_VERSION = 1
TAG_KEY = "record_tag"  # the Chroma metadata key holding a record's tag (format 3)
MIGRATION_PAGE = 1_000  # records per metadata rewrite of a migration
JsonObject = dict[str, object]


class IndexProblem(Exception):
    """The index can't be used as it is; the message says what to run."""


@dataclass(frozen=True)
class ChunkingConfig:
    max_chars: int
    overlap_sentences: int
    splitter: int


@dataclass(frozen=True)
class IndexConfig:
    """What an index must have been built with to be usable under given settings."""

    format: int
    embedding_model: str
    chunking: ChunkingConfig

    def to_json(self) -> JsonObject:
        return {"format": self.format, "embedding_model": self.embedding_model,
                "chunking": {"max_chars": self.chunking.max_chars,
                             "overlap_sentences": self.chunking.overlap_sentences,
                             "splitter": self.chunking.splitter}}

    def matches(self, data: Mapping[str, object]) -> bool:
        """Was the JSON object `data` (a manifest or pending record) built with this?"""
        return {k: data.get(k) for k in ("format", "embedding_model", "chunking")} == (
            self.to_json())


@dataclass(frozen=True)
class ArticleEntry:
    hash: str
    tag: str
    chunks: int
    path: str


@dataclass(frozen=True)
class Snapshot:
    """One committed state of the index, as a reader uses it."""

    revision: str
    generation: str
    tags: Mapping[str, str]  # article id -> tag of its records
    dimension: int  # of the stored vectors (0 when there are none)


@dataclass(frozen=True)
class Manifest:
    config: IndexConfig
    store: str
    generation: str
    revision: str
    previous_revision: str | None
    stale_tags: tuple[str, ...]  # records only the previous revision uses
    articles: Mapping[str, ArticleEntry]
    dimension: int

    def snapshot(self) -> Snapshot:
        return Snapshot(self.revision, self.generation,
                        {k: e.tag for k, e in self.articles.items()}, self.dimension)

    def to_json(self) -> JsonObject:
        return {**self.config.to_json(), "store": self.store, "generation": self.generation,
                "revision": self.revision, "previous_revision": self.previous_revision,
                "stale_tags": list(self.stale_tags), "dimension": self.dimension,
                "articles": {k: {"hash": e.hash, "tag": e.tag, "chunks": e.chunks,
                                 "path": e.path} for k, e in self.articles.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, object], config: IndexConfig) -> Manifest:
        """A manifest already checked to match `config`; ValueError when malformed."""
        articles = _object(data.get("articles"))
        previous = data.get("previous_revision")
        return cls(
            config=config, store=_str(data.get("store")),
            generation=_str(data.get("generation")), revision=_str(data.get("revision")),
            previous_revision=None if previous is None else _str(previous),
            stale_tags=tuple(_str(t) for t in _list(data.get("stale_tags", []))),
            articles={k: _entry(_object(v)) for k, v in articles.items()},
            dimension=_int(data.get("dimension", 0)),
        )


@dataclass(frozen=True)
class Pending:
    """An unfinished run: what it planned to write and which articles it finished."""

    config: IndexConfig
    store: str
    generation: str
    fresh: bool  # a first build or rebuild (its own generation)
    planned: Mapping[str, str]  # article id -> tag
    done: Mapping[str, str]

    def to_json(self) -> JsonObject:
        return {**self.config.to_json(), "store": self.store, "generation": self.generation,
                "fresh": self.fresh, "planned": dict(self.planned), "done": dict(self.done)}


@dataclass(frozen=True)
class StoredPending:
    """What a pending.json holds, whoever wrote it (an older format, other settings)."""

    generation: str | None
    planned: Mapping[str, str]
    done: Mapping[str, str]
    resumable_as: Pending | None  # the same record, when written under `config`


def read_pending(path: Path, config: IndexConfig) -> StoredPending | None:
    """The pending record; None when there is none or it is unreadable."""
    try:
        data = _object(json.loads(path.read_text(encoding="utf-8")))
        generation = data.get("generation")
        planned = {k: _str(v) for k, v in _object(data.get("planned")).items()}
        done = {k: _str(v) for k, v in _object(data.get("done")).items()}
    except (OSError, ValueError):
        return None
    resumable = None
    if (config.matches(data) and isinstance(generation, str)
            and isinstance(data.get("store"), str) and isinstance(data.get("fresh"), bool)):
        resumable = Pending(config, _str(data["store"]), generation, data["fresh"] is True,
                            planned, done)
    return StoredPending(generation if isinstance(generation, str) else None, planned, done,
                         resumable)


def write_json(path: Path, data: object) -> None:
    """Write a JSON file atomically (temporary file, fsync, rename)."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=1))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def read_manifest_json(path: Path) -> JsonObject:
    """The manifest file as a JSON object with an `articles` object; IndexProblem if not."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexProblem(
            f"the index in {path.parent} is damaged ({path.name} unreadable): "
            "run `assistant index --rebuild`"
        ) from err
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise IndexProblem(f"{path.parent} does not hold an index of this assistant: "
                           "run `assistant index --rebuild`")
    return data


def check_compatible(data: Mapping[str, object], config: IndexConfig, store: str,
                     root: Path) -> Manifest:
    """The manifest, if usable under `config` and `store`; else IndexProblem saying why."""
    if not config.matches(data):
        built = {k: data.get(k) for k in ("format", "embedding_model", "chunking")}
        raise IndexProblem(
            f"the index in {root} was built with {describe(built)}, but the settings "
            f"ask for {describe(config.to_json())}: run `assistant index --rebuild`"
        )
    if data.get("store") != store:
        raise IndexProblem(
            f"the index in {root} keeps its vectors in {store_phrase(data.get('store'))}, "
            f"but the settings point to {store_phrase(store)}: use the same --chroma-url, "
            "or run `assistant index --rebuild` to build it there"
        )
    try:
        return Manifest.from_json(data, config)
    except ValueError:
        raise IndexProblem(f"the index in {root} is damaged (no revision or generation): "
                           "run `assistant index --rebuild`") from None


def store_phrase(label: object) -> str:
    return "the embedded store" if label == "embedded" else f"the Chroma server {label}"


def describe(config: Mapping[str, object]) -> str:
    chunking = config.get("chunking")
    parts = chunking if isinstance(chunking, dict) else {}
    return (
        f"embedding model {config.get('embedding_model')!r}, chunks of "
        f"{parts.get('max_chars')} chars with {parts.get('overlap_sentences')} "
        f"sentence(s) overlap (splitter v{parts.get('splitter')}, format {config.get('format')})"
    )


# -- migrations -----------------------------------------------------------------------
class MigrationStore(Protocol):
    """What a migration may touch besides the manifest: the index's Chroma collections."""

    def collections_of(self, generation: str) -> list[Any]:
        """The generation's Chroma collections (untyped library objects)."""

    def stored_dimension(self, generation: str) -> int:
        """The width of the generation's stored vectors (0 when there are none)."""


Migration = Callable[[JsonObject, MigrationStore], JsonObject]


def rename_tag_key(manifest: JsonObject, store: MigrationStore) -> JsonObject:
    """2 -> 3: the records' tag moves from metadata `article_hash` to `record_tag`
    (metadata rewritten in pages, vectors untouched; a step interrupted and run again
    finds some records done), and the vectors' width is recorded."""
    generation = _str(manifest.get("generation"))
    for collection in store.collections_of(generation):
        ids = _all_ids(collection)
        for i in range(0, len(ids), MIGRATION_PAGE):
            page = collection.get(ids=ids[i : i + MIGRATION_PAGE], include=["metadatas"])
            updates = [(record_id, {TAG_KEY: meta["article_hash"], "article_hash": None})
                       for record_id, meta in zip(page["ids"], page["metadatas"], strict=True)
                       if meta and "article_hash" in meta]
            if updates:
                collection.update(ids=[u[0] for u in updates],
                                  metadatas=[u[1] for u in updates])
    return {**manifest, "format": 3, "dimension": store.stored_dimension(generation)}


MIGRATIONS: dict[int, Migration] = {2: rename_tag_key}  # from format N to N + 1


def migratable(data: Mapping[str, object]) -> bool:
    """Can the numbered migrations bring this manifest to FORMAT?"""
    found = data.get("format")
    return isinstance(found, int) and found < FORMAT and all(
        n in MIGRATIONS for n in range(found, FORMAT))


def migrate(path: Path, data: JsonObject, store: MigrationStore) -> JsonObject:
    """Apply the migrations from the manifest's format up to FORMAT; each step ends by
    writing the manifest with its new format number atomically."""
    while migratable(data):
        step = MIGRATIONS[_int(data.get("format"))]
        data = step(data, store)
        write_json(path, data)
    return data


def _all_ids(collection: Any) -> list[str]:
    ids: list[str] = []
    while True:  # in pages: one get() of ~100k records exceeds SQLite's variable limit
        page = collection.get(include=[], limit=MIGRATION_PAGE, offset=len(ids))
        ids += [str(i) for i in page["ids"]]
        if len(page["ids"]) < MIGRATION_PAGE:
            return ids


def _entry(data: Mapping[str, object]) -> ArticleEntry:
    return ArticleEntry(_str(data.get("hash")), _str(data.get("tag")),
                        _int(data.get("chunks")), _str(data.get("path", "")))


def _object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return {str(k): v for k, v in value.items()}


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a JSON list")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value
