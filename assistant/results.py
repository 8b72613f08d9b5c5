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
    """One quoted sentence: `quote == article body[start:end]`, inside passage `text`,
    which starts at `passage_start` in the article body."""

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
    passage_start: int
    role: str = "report"  # of the quoted sentence: report, analysis, comments, promotion, credit
    # an English word gloss of the quote when the question's language is not the quote's
    # (english_reader.py): names romanised, dictionary words, dates converted; not a
    # translation. None when they share a language.
    gloss: str | None = None
    # what `gloss` is: "translation" (a model's, its numbers and names checked against the
    # quote) or "word_gloss"; None without a gloss
    gloss_kind: str | None = None


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the answer text, the citation numbers it carries, and whether it
    rests on no passage at all (possible only for a model-written answer)."""

    text: str
    citations: tuple[int, ...]
    unsupported: bool = False


@dataclass(frozen=True)
class ShortAnswer:
    """The answer phrase, verbatim inside the quote of citation `n`: body[start:end]."""

    text: str
    n: int
    start: int
    end: int
    romanised: str | None = None  # for a reader of another language: "Yuri Ushakov"


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
    mode: str = "extractive"  # "extractive" | "llm": what wrote the answer text
    notice: str | None = None  # e.g. why an LLM answer fell back to the extractive one
    sentences: list[AnswerSentence] = field(default_factory=list)
    short_answer: ShortAnswer | None = None
    # "fact" | "summary" | "opinion" | "title" | "date" (the article's own): what the reader
    # asked for
    intent: str = "fact"

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `assistant ask --json` and the `ask` API endpoint."""
        return {
            "question": self.question,
            "query": self.query,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "mode": self.mode,
            "notice": self.notice,
            "sentences": [{"text": s.text, "citations": list(s.citations),
                           "unsupported": s.unsupported} for s in self.sentences],
            "short_answer": asdict(self.short_answer) if self.short_answer else None,
            "intent": self.intent,
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
