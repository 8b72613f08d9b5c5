"""Extractive answers: the best sentences of the top passages, each cited exactly.

A candidate sentence (from the top 3 passages) is scored by a weighted sum of
- its e5 similarity to the question (sentence vectors are computed at index time),
- the IDF-weighted share of the question's character bigrams it contains, and the
  IDF-weighted share of the question's words (SudachiPy) it contains,
- whether it has the kind of thing the question asks for (a date for いつ/when, a
  number for 何人/how many, a name for 誰/who, a place for どこ/where),
- the rank of the passage it comes from,
- for a sentence opening with これ/それ/この/その/同…, or following a lead-in such as
  「次のような内容が含まれていた。」, how well the sentence before it matches the question
  ("拍の周期の長短によって、音楽の速度を感じる。これをテンポという。").
Similarity and overlaps are z-scored over the candidates. The weights were fitted on the
tuning half of JSQuAD (bench/RESULTS.md). When the question shares no terms with the
candidates (an English question over Japanese articles), the overlap weights go to the
e5 similarity, the only evidence left. The best sentence becomes citation [1]; up to
two runners-up within `RUNNER_UP_MARGIN` follow. Whether to answer at all is decided
before, by refusal.DeclineRule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from .corpus import Article
from .keyword import KeywordIndex
from .results import Answer, AnswerSentence, Citation, Passage
from .retrieval import HybridRetriever, Retrieval, zscores

CANDIDATE_PASSAGES = 3
RUNNER_UP_MARGIN = 1.0
WEIGHTS = {"similarity": 0.2, "answer_type": 0.25, "passage_rank": 1.59, "bigram_overlap": 0.35,
           "word_overlap": 0.53, "antecedent": 1.02}
_DEMONSTRATIVE = re.compile(r"^(?:これ|それ|この|その|同|こう|そう|彼|彼女|ここ|そこ)")
_LEAD_IN = re.compile(r"(?:次の|以下の|下記の).{0,20}[。：:]$|[：:]$")

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


class Overlap:
    """IDF-weighted share of a question's bigrams / words that a sentence contains."""

    def __init__(self, question: str, keyword: KeywordIndex) -> None:
        self.keyword = keyword
        self.bigrams, self.words = self.split(question)
        self.bigram_weight = sum(keyword.idf(t) for t in self.bigrams) or 1.0
        self.word_weight = sum(keyword.idf(t) for t in self.words) or 1.0

    def split(self, text: str) -> tuple[set[str], set[str]]:
        terms = self.keyword.sentence_terms(text)
        words = {t for t in terms if t.startswith("w:")}
        return {t for t in terms - words if len(t) > 1}, words

    def of(self, text: str) -> tuple[float, float]:
        bigrams, words = self.split(text)
        idf = self.keyword.idf
        return (sum(idf(t) for t in self.bigrams & bigrams) / self.bigram_weight,
                sum(idf(t) for t in self.words & words) / self.word_weight)


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


def _previous_sentence(candidate: Candidate, body: str) -> str:
    spans = sorted(candidate.passage.sentences)
    before = [s for s in spans if s[1] <= candidate.start]
    return body[before[-1][0] : before[-1][1]] if before else ""


def _antecedent(candidate: Candidate, text: str, body: str, overlap: Overlap) -> float:
    """How well the sentence this one continues (これ…, a list after 次の…：) fits."""
    previous = _previous_sentence(candidate, body)
    if previous and (_DEMONSTRATIVE.match(text) or _LEAD_IN.search(previous)):
        return overlap.of(previous)[0]
    return 0.0


def score_sentences(
    question: str,
    question_vector: np.ndarray,
    candidates: list[Candidate],
    sentence_vectors: np.ndarray,
    articles: dict[str, Article],
    keyword: KeywordIndex,
) -> np.ndarray:
    texts = [articles[c.article_id].body[c.start : c.end] for c in candidates]
    overlap = Overlap(question, keyword)
    bigram_overlap, word_overlap = (np.array(v) for v in zip(*[overlap.of(t) for t in texts],
                                                             strict=True))
    antecedent = np.array([_antecedent(c, t, articles[c.article_id].body, overlap)
                           for c, t in zip(candidates, texts, strict=True)])
    wanted = answer_type_pattern(question)
    answer_type = np.array([1.0 if wanted and wanted.search(t) else 0.0 for t in texts])
    passage_rank = np.array([1.0 / (1 + c.rank) for c in candidates])
    similarity_weight = WEIGHTS["similarity"]
    if not bigram_overlap.any() and not word_overlap.any():
        similarity_weight += WEIGHTS["bigram_overlap"] + WEIGHTS["word_overlap"]
    return (
        similarity_weight * zscores(sentence_vectors @ question_vector)
        + WEIGHTS["bigram_overlap"] * zscores(bigram_overlap)
        + WEIGHTS["word_overlap"] * zscores(word_overlap)
        + WEIGHTS["answer_type"] * answer_type
        + WEIGHTS["passage_rank"] * passage_rank
        + WEIGHTS["antecedent"] * antecedent
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


def _citation(n: int, candidate: Candidate, body: str) -> Citation:
    p = candidate.passage
    return Citation(
        n=n, article_id=p.article_id, title=p.title, section=p.section, published=p.published,
        text=p.text, quote=body[candidate.start : candidate.end], start=candidate.start,
        end=candidate.end, score=p.score,
    )


def _continuation(sentence: Passage, lead_in: Candidate, passages: list[Passage]) -> Candidate:
    """A sentence continuing the lead-in, cited with a retrieved passage holding it (else
    its own chunk), and with the lead-in's relevance rather than none."""
    start, end = sentence.sentences[0]
    holder = next((p for p in passages if p.article_id == sentence.article_id
                   and p.start <= start and end <= p.end), None)
    passage = holder or replace(sentence, score=lead_in.passage.score)
    return Candidate(sentence.article_id, start, end, passage, lead_in.rank)


def extractive_answer(
    question: str,
    query: str,
    language: str,
    question_vector: np.ndarray,
    found: Retrieval,
    retriever: HybridRetriever,
    max_sentences: int,
) -> Answer:
    """Compose the answer from scored candidate sentences (see module docstring).

    When the best sentence announces a list (「次のような内容が含まれていた。」), the
    sentences that follow it in the article are the answer's continuation.
    """
    candidates = candidate_sentences(found.passages)
    if not candidates:
        return decline(question, query, language, found.passages)
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    scores = score_sentences(question, question_vector, candidates, vectors, retriever.articles,
                             retriever.keyword)
    chosen = [candidates[i] for i in pick_sentences(scores, max_sentences)]
    best = chosen[0]
    if _LEAD_IN.search(retriever.articles[best.article_id].body[best.start : best.end]):
        chosen = [best] + [
            _continuation(p, best, found.passages)
            for p in retriever.following_sentences(best.article_id, best.end, max_sentences - 1)
        ]
    citations = [_citation(n, c, retriever.articles[c.article_id].body)
                 for n, c in enumerate(chosen, start=1)]
    text = join_cited([c.quote for c in citations], language)
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    return Answer(question, query, text, False, citations, language, found.passages,
                  sentences=sentences)
