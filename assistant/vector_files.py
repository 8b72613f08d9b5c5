"""Sentence vectors as files in the index folder, one per article version.

Sentence vectors are only ever fetched by key (the sentences of the retrieved passages,
to choose the answer sentence); nothing searches them by similarity. Kept in a Chroma
collection they cost an HNSW graph nobody walks: at 100k chunks (~600k sentences) ~1 GB
that every writing process loaded before its first add (5–11 s measured on 2 cores), and
a get per question. Here each article version (its record tag) has one immutable file,
`vectors-<generation>/<tag>.npy`: a structured array of (start, end, vector) per sentence,
written whole to a temporary name and renamed (a crash leaves no partial file), read
memory-mapped. Like the Chroma records, a file is content-addressed, so the files of a
changed article are written beside the live ones and deleted with the records of its tag.

Indexes written before this kept their sentence vectors in Chroma; a tag without a file
is read from there (revision.py).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import Sentence

FOLDER_PREFIX = "vectors-"
OPEN_FILES = 4_096  # article versions kept open (memory-mapped: pages load on demand)
DAMAGE = (OSError, ValueError, KeyError, TypeError, IndexError)


def vector_folder(index_root: Path, generation: str) -> Path:
    return index_root / f"{FOLDER_PREFIX}{generation}"


def write_sentence_vectors(folder: Path, tag: str, sentences: Sequence[Sentence],
                           vectors: np.ndarray) -> None:
    """The file of one article version (replaced whole if it exists: same tag, same text)."""
    dim = vectors.shape[1] if len(vectors) else 0
    table = np.zeros(len(sentences), dtype=_dtype(dim))
    table["start"] = [s.start for s in sentences]
    table["end"] = [s.end for s in sentences]
    if len(sentences):
        table["vector"] = vectors
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{tag}.{os.getpid()}.tmp.npy"
    np.save(tmp, table, allow_pickle=False)
    os.replace(tmp, folder / f"{tag}.npy")


def delete_sentence_vectors(folder: Path, tags: Iterable[str]) -> None:
    """The files of these article versions, and any half-written one a crash left."""
    for tag in tags:
        (folder / f"{tag}.npy").unlink(missing_ok=True)
        for partial in folder.glob(f".{tag}.*.tmp.npy"):
            partial.unlink(missing_ok=True)


def drop_vector_folders(index_root: Path, keep: str | None = None) -> None:
    """Every generation's vector folder but `keep`'s (after a rebuild or a dropped run)."""
    for path in index_root.glob(f"{FOLDER_PREFIX}*"):
        if path.name != f"{FOLDER_PREFIX}{keep}":
            shutil.rmtree(path, ignore_errors=True)


def _dtype(dim: int) -> np.dtype:
    return np.dtype([("start", "<i4"), ("end", "<i4"), ("vector", "<f4", (dim,))])


@dataclass(frozen=True)
class ArticleVectors:
    """One article version's sentence vectors, by span."""

    rows: dict[tuple[int, int], int]
    vectors: np.ndarray

    @classmethod
    def load(cls, path: Path) -> ArticleVectors:
        table = np.load(path, mmap_mode="r", allow_pickle=False)
        spans = zip(table["start"].tolist(), table["end"].tolist(), strict=True)
        return cls({span: i for i, span in enumerate(spans)}, table["vector"])


@dataclass
class SentenceVectorFiles:
    """The vector files of one generation, as a reader uses them: opened on first use
    and kept (a bounded number; questions come back to the same articles)."""

    folder: Path
    _open: OrderedDict[str, ArticleVectors | None] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, tag: str) -> ArticleVectors | None:
        """The article version's vectors; None when it has no (readable) file."""
        with self._lock:
            if tag in self._open:
                self._open.move_to_end(tag)
                return self._open[tag]
        try:
            found: ArticleVectors | None = ArticleVectors.load(self.folder / f"{tag}.npy")
        except DAMAGE:
            found = None
        with self._lock:
            self._open[tag] = found
            while len(self._open) > OPEN_FILES:
                self._open.popitem(last=False)
        return found
