"""Typed results shared by the service, the CLI and the UI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of an article, with its scores."""

    chunk_id: str
    article_id: str
    title: str
    section: str
    published: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]
    score: float
    dense_score: float
    keyword_score: float


@dataclass(frozen=True)
class Citation:
    """One quoted sentence: `quote == article body[start:end]`, inside passage `text`."""

    n: int
    article_id: str
    title: str
    section: str
    published: str
    text: str
    quote: str
    start: int
    end: int
    score: float


@dataclass
class Answer:
    question: str
    query: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    language: str = "ja"
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage, not in the JSON

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `assistant ask --json` and the `ask` API endpoint."""
        return {
            "question": self.question,
            "query": self.query,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
        }


@dataclass(frozen=True)
class ArticleInfo:
    """One indexed article, as listed by `assistant list` and the article browser."""

    id: str
    title: str
    published: str
    source: str
    language: str
    chunks: int
    characters: int
    path: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
