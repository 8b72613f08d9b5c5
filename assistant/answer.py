"""Extractive answers: the best sentences of the top passages, each cited exactly.

A candidate sentence is scored by
- its e5 similarity to the question (sentence vectors are computed at index time),
- the share of the question's terms it contains,
- whether it has the kind of thing the question asks for (a date for いつ/when, a
  number for 何人/how many, a name for 誰/who, a place for どこ/where),
- the rank of the passage it comes from.
The best sentence becomes citation [1]; up to `max_sentences` close runners-up follow.
Whether to answer at all is decided before, by refusal.DeclineRule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .corpus import Article
from .keyword import bigram_terms
from .results import Answer, Citation, Passage

CANDIDATE_PASSAGES = 3
RUNNER_UP_MARGIN = 0.75
WEIGHTS = {"similarity": 1.0, "overlap": 0.7, "answer_type": 0.4, "passage_rank": 0.5}

DECLINE = {
    "ja": "記事には、この質問に答える記述が見つかりませんでした。"
    "言い換えるか、記事の内容について質問してみてください。",
    "en": "The articles don't say. Try rephrasing the question, "
    "or ask about something the articles cover.",
}

_DATE = re.compile(
    r"\d|[〇一二三四五六七八九十百千]+(?:年|月|日)|世紀|年代|時代|旬|昭和|平成|令和|明治|大正"
)
_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万億]")
_PERSON = re.compile(
    r"氏|さん|大統領|首相|特使|顧問|長官|大臣|高官|議長|社長|[ァ-ヶー]{2,}・[ァ-ヶー]{2,}"
)
_PLACE = re.compile(r"国|県|市|町|村|州|島|地域|地方|都|府|[ァ-ヶー]{3,}")
QUESTION_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"いつ|何年|何月|何日|何時|何世紀|when|what (?:year|date|time)", re.I), _DATE),
    (re.compile(r"何人|いくつ|何個|何回|何か国|何ヶ国|何項目|how (?:many|much)", re.I), _NUMBER),
    (re.compile(r"誰|だれ|\bwho(?:m|se)?\b", re.I), _PERSON),
    (re.compile(r"どこ|\bwhere\b", re.I), _PLACE),
]


@dataclass(frozen=True)
class Candidate:
    article_id: str
    start: int
    end: int
    passage: Passage
    rank: int


def answer_type_pattern(question: str) -> re.Pattern[str] | None:
    """What an answer to this question should contain, if the question says."""
    for asks, answer_looks_like in QUESTION_TYPES:
        if asks.search(question):
            return answer_looks_like
    return None


def _content_terms(text: str) -> set[str]:
    """Bigrams and words: unigrams (particles, single kana) carry too little here."""
    return {t for t in bigram_terms(text) if len(t) > 1}


def candidate_sentences(passages: list[Passage]) -> list[Candidate]:
    """Distinct sentences of the top passages, each with the best passage holding it."""
    seen: set[tuple[str, int, int]] = set()
    candidates = []
    for rank, passage in enumerate(passages[:CANDIDATE_PASSAGES]):
        for start, end in passage.sentences:
            key = (passage.article_id, start, end)
            if key not in seen:
                seen.add(key)
                candidates.append(Candidate(passage.article_id, start, end, passage, rank))
    return candidates


def _z(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)


def score_sentences(
    question: str,
    question_vector: np.ndarray,
    candidates: list[Candidate],
    sentence_vectors: np.ndarray,
    articles: dict[str, Article],
) -> np.ndarray:
    texts = [articles[c.article_id].body[c.start : c.end] for c in candidates]
    similarity = sentence_vectors @ question_vector
    question_terms = _content_terms(question)
    overlap = np.array(
        [len(question_terms & _content_terms(t)) / max(len(question_terms), 1) for t in texts]
    )
    wanted = answer_type_pattern(question)
    answer_type = np.array([1.0 if wanted and wanted.search(t) else 0.0 for t in texts])
    passage_rank = np.array([1.0 / (1 + c.rank) for c in candidates])
    return (
        WEIGHTS["similarity"] * _z(similarity)
        + WEIGHTS["overlap"] * _z(overlap)
        + WEIGHTS["answer_type"] * answer_type
        + WEIGHTS["passage_rank"] * passage_rank
    )


def pick_sentences(scores: np.ndarray, max_sentences: int) -> list[int]:
    """Indices of the best sentence and the runners-up within the margin, best first."""
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    if not order:
        return []
    best = scores[order[0]]
    return [i for i in order[:max_sentences] if scores[i] >= best - RUNNER_UP_MARGIN]


def join_cited(quotes: list[str], language: str) -> str:
    """Sentences each followed by its marker [n]."""
    parts = []
    for n, quote in enumerate(quotes, start=1):
        piece = f"{quote}[{n}]"
        needs_space = language == "en" or not quote.endswith(("。", "！", "？", "」", "』"))
        parts.append(piece + (" " if needs_space else ""))
    return "".join(parts).strip()


def decline(question: str, query: str, language: str, passages: list[Passage]) -> Answer:
    return Answer(question, query, DECLINE[language], True, [], language, passages)


def extractive_answer(
    question: str,
    query: str,
    language: str,
    question_vector: np.ndarray,
    passages: list[Passage],
    sentence_vectors: np.ndarray,
    candidates: list[Candidate],
    articles: dict[str, Article],
    max_sentences: int,
) -> Answer:
    """Compose the answer from scored candidate sentences (see module docstring)."""
    if not candidates:
        return decline(question, query, language, passages)
    scores = score_sentences(question, question_vector, candidates, sentence_vectors, articles)
    citations = []
    for n, i in enumerate(pick_sentences(scores, max_sentences), start=1):
        c = candidates[i]
        p = c.passage
        citations.append(Citation(
            n=n, article_id=p.article_id, title=p.title, section=p.section,
            published=p.published, text=p.text,
            quote=articles[c.article_id].body[c.start : c.end],
            start=c.start, end=c.end, score=p.score,
        ))
    text = join_cited([c.quote for c in citations], language)
    return Answer(question, query, text, False, citations, language, passages)
