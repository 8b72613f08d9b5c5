"""Any `Embedder` as a llama-index embedding model, for the LlamaIndex tutorial baseline
(`baselines.py`, bench/). Its own module so that importing `embeddings` (every command)
does not import llama-index.core (~0.6 s of a one-shot `assistant ask`)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from .embeddings import Embedder


class LlamaIndexEmbedding(BaseEmbedding):
    """Any `Embedder` as a llama-index embedding model (queries and passages kept apart)."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=embedder.batch_size,
                         **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        vector: list[float] = self._embedder.embed_queries([query])[0].tolist()
        return vector

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        vector: list[float] = self._embedder.embed_passages([text])[0].tolist()
        return vector

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self._embedder.embed_passages(texts).tolist()
        return vectors
