"""Extractive answers: the best sentences of the top passages, each cited exactly.

Which sentences, and in what order, is sentences.py's job (features and a scorer fitted on
JSQuAD's tuning half, and the list a first sentence may announce); citations.py turns them
into citations. This module composes the answer: up to `max_sentences` sentences, each
followed by its marker [n], citation [1] the likeliest answer. Whether to answer at all
is decided before, by refusal.DeclineRule.
"""

from __future__ import annotations

import numpy as np

from .citations import cite_sentences, join_cited
from .results import Answer, AnswerSentence, Passage
from .retrieval import HybridRetriever, Retrieval
from .sentences import choose_sentences

DECLINE = {
    "ja": "記事には、この質問に答える記述が見つかりませんでした。"
    "言い換えるか、記事の内容について質問してみてください。",
    "en": "The articles don't say. Try rephrasing the question, "
    "or ask about something the articles cover.",
}


def decline(question: str, query: str, language: str, passages: list[Passage]) -> Answer:
    return Answer(question, query, DECLINE[language], True, [], language, passages)


def extractive_answer(
    question: str,
    query: str,
    language: str,
    question_vector: np.ndarray,
    found: Retrieval,
    retriever: HybridRetriever,
    max_sentences: int,
) -> Answer:
    """Compose the answer from the chosen sentences (see the module docstring); `language`
    is the question's, detected once by the caller."""
    chosen = choose_sentences(question, language, question_vector, found.passages, retriever,
                              max_sentences)
    if not chosen:
        return decline(question, query, language, found.passages)
    citations = cite_sentences(chosen, lambda article_id: retriever.articles[article_id].body)
    text = join_cited([c.quote for c in citations], language)
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    return Answer(question, query, text, False, citations, language, found.passages,
                  sentences=sentences)
