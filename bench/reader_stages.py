"""Where the reader questions' misses happen, by stage — on the TUNE halves only.

    python bench/reader_stages.py [--questions FILE ...] [--index DIR] [--show]

For every tune question of the files (the held-out halves are never read past their split
field), the real answer is asked and each miss is put in one stage:

- `false decline` / `missed decline`: the decline rule said the wrong thing;
- `summary/opinion`: a summary or opinion answer whose [1] lacks the expected strings;
- `retrieval`: no passage among the top 5 (after the role filter of answer.passages_for,
  or the asked part of the page) holds the expected fact;
- `candidates`: it is in passage 4 or 5, but only the top 3 passages give candidates (4 for
  an English question over Japanese articles);
- `ranking`: a candidate holds it, and another sentence was quoted first.

With --show, each miss is printed with the rank (from 0) of the expected passage — for a
retrieval miss, its rank among the top 20, None when not even there. The figures this
printed on 2026-12-03 are in bench/RESULTS.md ("issue 12, reader3").
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from reader_check import HERE, ReaderQuestion, load_questions

from assistant.answer import asked_parts, in_parts, passages_for
from assistant.english_reader import CANDIDATE_PASSAGES as ENGLISH_CANDIDATES
from assistant.focus import intent
from assistant.qa import Assistant
from assistant.results import Passage
from assistant.retrieval import HybridRetriever
from assistant.settings import load_settings

FILES = (HERE / "reader_questions.json", HERE / "reader_questions_2.json",
         HERE / "reader_questions_3.json")
LOOKED_AT = 5  # passages a question's answer can come from (settings.top_k)
CANDIDATE_DEPTH = 3  # sentences.CANDIDATE_PASSAGES
DEEP = 20  # how far down a retrieval miss's fact is looked for (--show prints the rank)


def fact_rank(question: ReaderQuestion, query: str, retriever: HybridRetriever,
              depth: int = LOOKED_AT) -> int | None:
    """The rank of the first passage (as the answer sees them) holding an expected string."""
    parts = asked_parts(question.question)
    passages: list[Passage]
    if parts:
        passages = in_parts(retriever.retrieve(query, 50, None), parts, retriever, depth)
    else:
        found = retriever.retrieve(query, depth, None)
        passages = passages_for(question.question, found.passages, retriever)
    for rank, passage in enumerate(passages[:depth]):
        body = retriever.articles[passage.article_id].body
        if any(e in body[s:t] for s, t in passage.sentences for e in question.expect):
            return rank
    return None


def candidate_depth(query: str, retriever: HybridRetriever) -> int:
    """Passages whose sentences are candidates: more for an English question over Japanese
    articles (english_reader.CANDIDATE_PASSAGES)."""
    english = retriever.english is not None and retriever.english.expansion(query) is not None
    return ENGLISH_CANDIDATES if english else CANDIDATE_DEPTH


def stage_of(question: ReaderQuestion, assistant: Assistant) -> tuple[str, str]:
    """(stage, [1]'s quote) of one question; stage "ok" when the answer is right."""
    answer = assistant.ask(question.question, list(question.history))
    first = answer.citations[0].quote if answer.citations and not answer.abstained else ""
    if question.expect_decline:
        return ("ok" if answer.abstained else "missed decline"), first
    if answer.abstained:
        return "false decline", first
    if any(e in first for e in question.expect):
        return "ok", first
    if intent(question.question) != "fact":
        return "summary/opinion", first
    retriever = assistant.retriever()
    rank = fact_rank(question, answer.query, retriever)
    if rank is None:
        deep = fact_rank(question, answer.query, retriever, DEEP)
        return "retrieval", f"(fact at rank {deep}) {first}"
    depth = candidate_depth(answer.query, retriever)
    return ("candidates" if rank >= depth else "ranking"), f"(fact at rank {rank}) {first}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--questions", type=Path, nargs="+", default=list(FILES))
    parser.add_argument("--index", type=Path, default=HERE.parent / "index")
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--show", action="store_true", help="print each miss")
    args = parser.parse_args()
    assistant = Assistant(load_settings(corpus_dir=args.corpus, index_dir=args.index))
    assistant.ensure_index(progress=False)
    total: Counter[str] = Counter()
    for path in args.questions:
        stages: Counter[str] = Counter()
        for question in (q for q in load_questions(path) if q.split == "tune"):
            stage, first = stage_of(question, assistant)
            stages[stage] += 1
            if args.show and stage != "ok":
                print(f"  {stage:16} [{question.id}] {question.question}\n      [1]: {first}")
        total.update(stages)
        print(f"{path.name}: " + ", ".join(f"{k} {v}" for k, v in stages.most_common()))
    print("all tune: " + ", ".join(f"{k} {v}" for k, v in total.most_common()))


if __name__ == "__main__":
    sys.exit(main())
