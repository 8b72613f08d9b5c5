"""Citations: chosen article sentences turned into numbered, exact quotes, for both modes.

Both answer modes end the same way: some sentences of the articles (a `[start, end)` span
each, with the retrieved passage it is cited from) become `Citation`s numbered [1], [2], …
in the order they are first cited, the quote cut from the indexed article body so that
`quote == body[start:end]` always holds. The extractive mode cites the sentences that
sentences.py chose; the model-written mode (llm.py) cites, for each answer sentence and
each passage it names, the passage sentence that best supports it (`SupportFinder`). The
same sentence cited twice keeps its first number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .results import Citation, Passage
from .retrieval import zscores
from .sentences import Candidate, candidate_sentences, score_sentences

if TYPE_CHECKING:
    from .embeddings import Embedder
    from .retrieval import HybridRetriever

BodyOf = Callable[[str], str]  # article id -> its indexed body
CLAIM_WEIGHT = 1.0  # the claim's similarity, against the question-based sentence score
_CLOSES_JAPANESE = ("。", "！", "？", "」", "』")


class CitationList:
    """Citations numbered in the order they are first cited; citing a sentence again gives
    its number again."""

    def __init__(self, body_of: BodyOf) -> None:
        self.body_of = body_of
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, passage: Passage, start: int, end: int) -> int:
        """The number of the sentence [start, end) of the passage's article, quoted with
        this passage when it is cited for the first time."""
        key = (passage.article_id, start, end)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(Citation(
                n=self._numbers[key], article_id=passage.article_id, title=passage.title,
                section=passage.section, published=passage.published, text=passage.text,
                quote=self.body_of(passage.article_id)[start:end], start=start, end=end,
                score=passage.score, passage_start=passage.start))
        return self._numbers[key]


def cite_sentences(chosen: list[Candidate], body_of: BodyOf) -> list[Citation]:
    """The chosen sentences as citations [1]…[n], each with the passage it was chosen from."""
    cited = CitationList(body_of)
    for candidate in chosen:
        cited.cite(candidate.passage, candidate.start, candidate.end)
    return cited.citations


def join_cited(quotes: list[str], language: str, first: int = 1) -> str:
    """Sentences each followed by its marker [n] (a space after it in English, and after
    a Japanese quote that doesn't end a sentence); a quote of several lines on lines of
    its own."""
    parts = []
    for n, quote in enumerate(quotes, start=first):
        if "\n" in quote:  # a list quoted whole (answer.lists_as_one_quote): its own lines
            parts.append(f"\n{quote}[{n}]\n")
            continue
        needs_space = language == "en" or not quote.endswith(_CLOSES_JAPANESE)
        parts.append(f"{quote}[{n}]" + (" " if needs_space else ""))
    return "".join(parts).strip()


@dataclass(frozen=True, eq=False)
class SupportFinder:
    """For a claim of a model's answer that cites a passage: the passage sentence that
    best supports it. Each sentence of the passage is scored as the extractive answer
    scores candidates for the search query (answer type, overlap, …; in `query_language`),
    plus `claim_weight` times the z-score of how well it matches the claim itself (e5
    similarity to the claim embedded like the stored sentences, plus shared bigrams)."""

    retriever: HybridRetriever
    embedder: Embedder
    query: str
    query_language: str
    query_vector: np.ndarray
    claim_weight: float = CLAIM_WEIGHT

    def body_of(self, article_id: str) -> str:
        return self.retriever.articles[article_id].body

    def best_support(self, claim: str, passage: Passage) -> tuple[int, int]:
        """The [start, end) of the best supporting sentence of the passage's article."""
        candidates = candidate_sentences([passage])
        body = self.body_of(passage.article_id)
        vectors = self.retriever.sentence_vectors([(c.article_id, c.start, c.end)
                                                   for c in candidates])
        for_query = score_sentences(self.query, self.query_language, self.query_vector,
                                    candidates, vectors, self.retriever)
        claim_vector = self.embedder.embed_passages([claim])[0]  # like the stored ones
        for_claim = support_scores(claim_vector, vectors, claim,
                                   [body[c.start : c.end] for c in candidates])
        best = candidates[int(np.argmax(for_query + self.claim_weight * zscores(for_claim)))]
        return best.start, best.end


def support_scores(claim_vector: np.ndarray, sentence_vectors: np.ndarray,
                   claim: str, sentences: list[str]) -> np.ndarray:
    """How well each passage sentence supports a claim: e5 cosine plus the share of the
    claim's character bigrams it contains (which decides between near ties in the same
    language)."""
    grams = _bigrams(claim)
    overlap = np.array([len(grams & _bigrams(s)) / (len(grams) or 1) for s in sentences])
    scores: np.ndarray = sentence_vectors @ claim_vector + 0.5 * overlap
    return scores


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}
