"""The search files of one index revision, `search-REV/`: its chunk table and its BM25
index, both kept in segments.

    search-REV/state.json   revision, tokenizer, format, and the segments in use, each with
                            its tombstones (the documents deleted since it was written)
    search-REV/seg-ID/      one segment: rows.json (its chunk rows), ids.json (their chunk
                            ids), vocab.json + postings-*.npy (term frequencies, one
                            file per array, keyword.py; older segments: postings.npz)

The indexer writes a revision's files before the commit, so a reader only reads them. A new
revision keeps the previous revision's segments as hard links to the same files — segment
files are written once and never changed, so the previous revision answers on from them
while it is live and its folder can be deleted later without touching the new one; a file
system without hard links gets copies — tombstones the chunks it no longer has, and writes
the new ones as a small delta segment: an update costs what changed, not the size of the
index. When the deltas and tombstones outgrow MERGE_SHARE of the base, all segments are
merged into a new base; beyond MAX_SEGMENTS the deltas are merged into one. Merging works
from the stored term frequencies (nothing is tokenized again). Scores use the statistics of
all live documents (keyword.KeywordIndex), so they never depend on how the documents are
split into segments. Format 1 (one chunks.json + bm25s files + terms.json) is still read:
its rows and saved terms make the first segment without tokenizing anything again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .corpus import Article
from .keyword import (
    DEAD,
    KeywordIndex,
    LivePart,
    Postings,
    corpus_terms,
    live_part,
)

SEARCH_FORMAT = 2  # of the files in search-REV/ (1: one bm25s index, rebuilt every revision)
MAX_SEGMENTS = 8  # more, and the deltas are merged into one
MERGE_SHARE = 0.10  # deltas + tombstones beyond this share of the base: merge everything
STATE_FILE = "state.json"
ROWS_FILE = "rows.json"
IDS_FILE = "ids.json"
DAMAGE = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError)  # a bad file


def chunk_record_id(article_id: str, tag: str, index: int) -> str:
    return f"{article_id}#{tag}#{index}"


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

    def to_json(self) -> dict[str, object]:
        """Its fields (what `asdict` gives, without its deep copies: ~1 ms a row)."""
        return {"chunk_id": self.chunk_id, "article_id": self.article_id,
                "section": self.section, "start": self.start, "end": self.end,
                "text": self.text, "sentences": self.sentences}


def row_key(row: ChunkRecord) -> str:
    """What a segment knows a row by: its chunk id (article and version: title and body)
    with everything else the row holds but its text (which is the body's [start:end]), so
    a row made under other chunking settings or sentence splitting is never taken over."""
    return f"{row.chunk_id}|{row.section}|{row.start}-{row.end}|{row.sentences}"


KEY_TAG = re.compile(r"#([0-9a-f]{16})#[0-9]+\|")  # the record tag inside a row key


def key_tag(key: str) -> str | None:
    """The record tag (article version) a row key names (its chunk id is `id#tag#n`)."""
    found = KEY_TAG.search(key)
    return found.group(1) if found else None


def table_order(row: ChunkRecord) -> tuple[str, int, int]:
    """The chunk table's order (a revision's positions; keyword scores follow it)."""
    return row.article_id, row.start, row.end


def read_rows(path: Path) -> list[ChunkRecord]:
    """Chunk rows saved as JSON (raises one of DAMAGE when unreadable)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [ChunkRecord(**{**c, "sentences": tuple(tuple(s) for s in c["sentences"])})
            for c in rows]


@dataclass(frozen=True)
class SegmentEntry:
    """A segment a revision uses, and which of its documents that revision deleted."""

    name: str
    docs: int
    deleted: tuple[int, ...] = ()

    @property
    def live(self) -> int:
        return self.docs - len(self.deleted)

    def keep(self) -> np.ndarray:
        """A bool per document: not deleted."""
        keep = np.ones(self.docs, dtype=bool)
        keep[list(self.deleted)] = False
        return keep


@dataclass(frozen=True)
class SearchState:
    """state.json: which revision and tokenizer the folder is for, and its segments."""

    revision: str
    tokenizer: str
    segments: tuple[SegmentEntry, ...]

    def to_json(self) -> dict[str, object]:
        segments = [{"name": s.name, "docs": s.docs, "deleted": s.deleted}
                    for s in self.segments]
        return {"revision": self.revision, "tokenizer": self.tokenizer,
                "format": SEARCH_FORMAT, "segments": segments}

    @classmethod
    def read(cls, folder: Path) -> SearchState | None:
        """None when missing, damaged or of another format."""
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            if data.get("format", 1) != SEARCH_FORMAT:
                return None
            segments = tuple(SegmentEntry(str(s["name"]), int(s["docs"]),
                                          tuple(int(i) for i in s["deleted"]))
                             for s in data["segments"])
            return cls(str(data["revision"]), str(data["tokenizer"]), segments)
        except DAMAGE:
            return None


@dataclass(frozen=True)
class Carried:
    """What a new revision takes over from the previous one: its segments with the
    tombstones of the chunks it no longer has, and the row keys still live in them."""

    source: Path
    segments: tuple[SegmentEntry, ...]
    live_keys: frozenset[str]

    def chunks_per_tag(self) -> Counter[str | None]:
        return Counter(key_tag(key) for key in self.live_keys)


def carry_over(source: Path, state: SearchState, wanted: Callable[[str], bool]
               ) -> Carried | None:
    """The previous revision's segments, tombstoning every chunk whose row key is not
    `wanted`; None when a segment's files are missing or its ids unreadable (then
    everything is made anew)."""
    segments: list[SegmentEntry] = []
    live: set[str] = set()
    for entry in state.segments:
        folder = source / entry.name
        try:
            ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
        except DAMAGE:
            return None
        if len(ids) != entry.docs or not (folder / ROWS_FILE).is_file() or not Postings.saved_in(
                folder):
            return None
        deleted = set(entry.deleted)
        deleted.update(i for i, key in enumerate(ids) if not wanted(key))
        if len(deleted) < entry.docs:  # a segment with nothing live is dropped
            segments.append(SegmentEntry(entry.name, entry.docs, tuple(sorted(deleted))))
            live.update(ids[i] for i in range(entry.docs) if i not in deleted)
    return Carried(source, tuple(segments), frozenset(live))


def segments_to_merge(segments: Sequence[SegmentEntry]) -> tuple[int, ...]:
    """Which segments (by position; the first is the base) to merge into one now: all of
    them when deltas and tombstones outgrow MERGE_SHARE of the base, the deltas when there
    are more than MAX_SEGMENTS, else none. Merging costs the size of what is merged."""
    if not segments:
        return ()
    churn = sum(s.docs for s in segments[1:]) + sum(len(s.deleted) for s in segments)
    if churn > MERGE_SHARE * segments[0].docs:
        return tuple(range(len(segments)))
    if len(segments) > MAX_SEGMENTS:
        return tuple(range(1, len(segments)))
    return ()


def write_segment(folder: Path, rows: Sequence[ChunkRecord], postings: Postings
                  ) -> SegmentEntry:
    """A new segment in `folder` (its files are never written again)."""
    entry = SegmentEntry(f"seg-{uuid.uuid4().hex[:12]}", len(rows))
    target = folder / entry.name
    target.mkdir(parents=True)
    (target / ROWS_FILE).write_text(json.dumps([r.to_json() for r in rows], ensure_ascii=False),
                                    encoding="utf-8")
    (target / IDS_FILE).write_text(json.dumps([row_key(r) for r in rows], ensure_ascii=False),
                                   encoding="utf-8")
    postings.save(target)
    return entry


def link_segment(source: Path, target: Path) -> None:
    """The same immutable files under another revision's folder: hard links (no copy, and
    each folder can be deleted alone), copies where the file system has no hard links."""
    target.mkdir(parents=True)
    for file in source.iterdir():  # the rows, their ids, vocabulary and postings
        try:
            os.link(file, target / file.name)
        except OSError:
            shutil.copyfile(file, target / file.name)


def merge_segments(folder: Path, segments: Sequence[SegmentEntry]) -> SegmentEntry:
    """One new segment of the live documents of these segments (in `folder`), which are
    then removed from it; their term frequencies are merged, nothing is tokenized."""
    rows: list[ChunkRecord] = []
    parts: list[Postings] = []
    for entry in segments:
        keep = entry.keep()
        seg_rows = read_rows(folder / entry.name / ROWS_FILE)
        rows.extend(row for row, kept in zip(seg_rows, keep.tolist(), strict=True) if kept)
        parts.append(Postings.load(folder / entry.name).select(keep))
    merged = write_segment(folder, rows, Postings.concatenate(parts))
    for entry in segments:
        shutil.rmtree(folder / entry.name)
    return merged


def merged_as_needed(folder: Path, segments: Sequence[SegmentEntry]
                     ) -> tuple[SegmentEntry, ...]:
    chosen = segments_to_merge(segments)
    if len(chosen) < 2 and not (chosen and segments[chosen[0]].deleted):
        return tuple(segments)
    merged = merge_segments(folder, [segments[i] for i in chosen])
    rest = [s for i, s in enumerate(segments) if i not in chosen]
    return (merged, *rest) if chosen[0] == 0 else (*rest, merged)


def old_format_terms(folder: Path, tokenizer: str) -> dict[str, list[str]]:
    """The per-text terms a format-1 folder saved ({} if none or another tokenizer)."""
    try:
        data = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        return dict(data["terms"]) if data.get("tokenizer") == tokenizer else {}
    except DAMAGE:
        return {}


@dataclass(frozen=True)
class SearchFiles:
    """The derived search files of one revision: `search-REV/` in the index folder."""

    folder: Path
    revision: str
    tokenizer: str

    def state(self) -> SearchState | None:
        return SearchState.read(self.folder)

    def is_current(self) -> bool:
        state = self.state()
        return state is not None and (state.revision, state.tokenizer) == (
            self.revision, self.tokenizer)

    def is_current_format(self) -> bool:
        return self.state() is not None

    def read(self) -> tuple[list[ChunkRecord], KeywordIndex]:
        """The chunk table (in table order) and its BM25 index; raises one of DAMAGE."""
        state = self.state()
        if state is None:
            raise ValueError(f"no search state in {self.folder}")
        segments = []
        for entry in state.segments:
            rows = read_rows(self.folder / entry.name / ROWS_FILE)
            postings = Postings.load(self.folder / entry.name)
            if not len(rows) == postings.size == entry.docs:
                raise ValueError(f"segment {entry.name} does not match its state")
            segments.append((entry, rows, postings))
        table = sorted((row for entry, rows, _ in segments
                        for row, kept in zip(rows, entry.keep().tolist(), strict=True)
                        if kept), key=table_order)
        position = {row.chunk_id: i for i, row in enumerate(table)}
        parts: list[LivePart] = []
        for entry, rows, postings in segments:
            where = [position[r.chunk_id] if kept else DEAD
                     for r, kept in zip(rows, entry.keep().tolist(), strict=True)]
            parts.append(live_part(postings, np.array(where, dtype=np.int64)))
        return table, KeywordIndex.of_parts(self.tokenizer, parts, len(table))

    def read_rows(self) -> list[ChunkRecord]:
        """The live chunk rows alone, in no particular order ([] when missing or damaged;
        a format-1 folder's too)."""
        state = self.state()
        try:
            if state is None:
                return read_rows(self.folder / "chunks.json")
            return [row for entry in state.segments
                    for row, kept in zip(read_rows(self.folder / entry.name / ROWS_FILE),
                                         entry.keep().tolist(), strict=True) if kept]
        except DAMAGE:
            return []

    def build(self, articles: Mapping[str, Article], chunks: Iterable[ChunkRecord],
              reuse: SearchFiles | None) -> None:
        """Write the search files of these chunks: `reuse`'s segments (tombstoning what is
        gone) plus a delta of the chunks they lack, merged when the deltas have grown;
        with no usable segments to reuse, one segment of everything (reusing the terms a
        format-1 folder saved). Only the delta's texts are tokenized."""
        wanted = {row_key(c): c for c in chunks}
        state = reuse.state() if reuse else None
        carried = None
        if reuse and state and state.tokenizer == self.tokenizer:
            carried = carry_over(reuse.folder, state, wanted.__contains__)
        known = old_format_terms(reuse.folder, self.tokenizer) if reuse and not state else None
        new_rows = sorted((c for i, c in wanted.items()
                           if carried is None or i not in carried.live_keys), key=table_order)
        self._save(carried, new_rows, self._postings(articles, new_rows, known))

    def build_changed(self, articles: Mapping[str, Article], changed: Iterable[ChunkRecord],
                      kept: Mapping[str, int], reuse: SearchFiles | None) -> bool:
        """Like `build`, without the rows of the articles that did not change: `reuse`'s
        segments are carried over for the article versions (record tags) in `kept` and
        tombstoned for everything else, and `changed` (the other articles' rows) become
        the delta. No row is read, so an update costs what changed. False (nothing
        written) when `reuse` can't be carried over or lacks some of `kept`'s chunks
        (`kept` gives each tag's chunk count): then call `build` with every row."""
        state = reuse.state() if reuse else None
        if reuse is None or state is None or state.tokenizer != self.tokenizer:
            return False
        new_rows = sorted(changed, key=table_order)
        new_keys = {row_key(c) for c in new_rows}
        carried = carry_over(reuse.folder, state,
                             lambda key: key_tag(key) in kept and key not in new_keys)
        if carried is None or carried.chunks_per_tag() != Counter(
                {tag: n for tag, n in kept.items() if n}):
            return False
        self._save(carried, new_rows, self._postings(articles, new_rows, None))
        return self.is_current()

    def _postings(self, articles: Mapping[str, Article], rows: Sequence[ChunkRecord],
                  known: Mapping[str, list[str]] | None) -> Postings | None:
        """The postings of a delta's rows (their texts tokenized)."""
        if not rows:
            return None
        texts = [embedding_text(articles[c.article_id], c.section, c.text) for c in rows]
        return Postings.of(corpus_terms(texts, self.tokenizer, known))

    def _save(self, carried: Carried | None, new_rows: Sequence[ChunkRecord],
              postings: Postings | None) -> None:
        """Write next to the folder, then swap in; a failure only costs a rebuild later."""
        tmp = self.folder.with_name(f"{self.folder.name}.tmp-{os.getpid()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            segments = list(carried.segments) if carried else []
            source = carried.source if carried else self.folder
            for entry in segments:
                link_segment(source / entry.name, tmp / entry.name)
            if postings is not None:
                segments.append(write_segment(tmp, new_rows, postings))
            state = SearchState(self.revision, self.tokenizer, merged_as_needed(tmp, segments))
            (tmp / STATE_FILE).write_text(json.dumps(state.to_json()), encoding="utf-8")
            shutil.rmtree(self.folder, ignore_errors=True)
            os.replace(tmp, self.folder)
        except DAMAGE:
            shutil.rmtree(tmp, ignore_errors=True)
