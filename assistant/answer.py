"""Extractive answers: the best sentences of the top passages, each cited exactly.

Which sentences, and in what order, is sentences.py's job (features and a scorer fitted on
JSQuAD's tuning half); this module turns them into the answer: up to `max_sentences`
sentences, each followed by its marker [n], citation [1] the likeliest answer. When the
first sentence announces a list (「次のような内容が含まれていた。」), the sentences that
follow it in the article continue the answer. Whether to answer at all is decided
before, by refusal.DeclineRule.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .results import Answer, AnswerSentence, Citation, Passage
from .retrieval import HybridRetriever, Retrieval
from .sentences import LEAD_IN, Candidate, best_sentences, candidate_sentences

DECLINE = {
    "ja": "記事には、この質問に答える記述が見つかりませんでした。"
    "言い換えるか、記事の内容について質問してみてください。",
    "en": "The articles don't say. Try rephrasing the question, "
    "or ask about something the articles cover.",
}


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
        end=candidate.end, score=p.score, passage_start=p.start,
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
    """Compose the answer from the best candidate sentences (see the module docstring)."""
    candidates = candidate_sentences(found.passages)
    if not candidates:
        return decline(question, query, language, found.passages)
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    ranked = best_sentences(question, question_vector, candidates, vectors, retriever)
    chosen = [candidates[i] for i in ranked[:max_sentences]]
    best = chosen[0]
    if LEAD_IN.search(retriever.articles[best.article_id].body[best.start : best.end]):
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
