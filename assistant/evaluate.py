"""`assistant eval jsquad`: retrieval, answer and refusal quality on JSQuAD.

Every JSQuAD title becomes one article whose body is its paragraphs in order (the
"<title> [SEP] " prefix of each context is dropped; the title is the article's title).
The articles are chunked, embedded and indexed by the product's own pipeline into a
throw-away folder, and every question is asked through `Assistant.ask`, as the CLI
and the UI do.

- recall@k / mrr@10: a retrieved chunk is gold when its span overlaps the span of the
  paragraph the question was written from;
- answer_hit@5: a gold answer string is inside one of the top 5 chunks;
- answer_in_first_citation / answer_in_answer: a gold answer string is inside the quote
  of citation [1] / inside the answer text;
- refusal: each question is asked again with its gold article excluded from retrieval (a
  metadata filter on the dense search and a mask on BM25, as good as an index without
  it); `answerable_kept` is the share of normal questions answered, `unanswerable_declined`
  the share of held-out ones declined, at the shipped threshold.
Questions are split by title into a tuning half (even title positions) and a report half
(odd positions); metrics are given for both halves and for all.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .corpus import Article
from .qa import Assistant
from .settings import Settings

SEPARATOR = " [SEP] "


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[str, ...]
    article_id: str
    gold_start: int
    gold_end: int
    half: str  # "tune" or "report"


@dataclass
class Outcome:
    question: Question
    ranks: list[bool]
    top5_texts: list[str]
    first_quote: str
    answer_text: str
    answered: bool
    held_out_answered: bool
    latency_ms: float


def load_jsquad(path: Path) -> tuple[list[Article], list[Question]]:
    """Articles (one per title) and questions with the span of their gold paragraph."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    articles, questions = [], []
    for position, entry in enumerate(data):
        title = entry["title"]
        article_id = f"jsquad-{position:03d}"
        half = "tune" if position % 2 == 0 else "report"
        parts, offset = [], 0
        for paragraph in entry["paragraphs"]:
            context = paragraph["context"]
            if SEPARATOR in context[: len(title) + len(SEPARATOR) + 2]:
                context = context.split(SEPARATOR, 1)[1]
            start, end = offset, offset + len(context)
            parts.append(context)
            offset = end + 2  # "\n\n"
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"] if a["text"]))
                questions.append(Question(qa["id"], qa["question"], answers, article_id,
                                          start, end, half))
        body = "\n\n".join(parts)
        articles.append(Article(
            id=article_id, title=title, body=body, source="JSQuAD v1.3 (CC BY-SA 4.0)",
            language="ja", path=str(path),
            content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        ))
    return articles, questions


def select(articles: list[Article], questions: list[Question], limit: int | None
           ) -> tuple[list[Article], list[Question]]:
    """The first `limit` questions and the articles that hold them (all when no limit)."""
    if not limit:
        return articles, questions
    chosen = questions[:limit]
    needed = {q.article_id for q in chosen}
    return [a for a in articles if a.id in needed], chosen


def ask_one(assistant: Assistant, question: Question, all_ids: list[str]) -> Outcome:
    start = time.perf_counter()
    answer = assistant.ask(question.text, top_k=10)
    latency = (time.perf_counter() - start) * 1000
    ranks = [p.article_id == question.article_id and p.start < question.gold_end
             and question.gold_start < p.end for p in answer.passages]
    others = [i for i in all_ids if i != question.article_id]
    held_out = assistant.ask(question.text, top_k=10, article_ids=others)
    return Outcome(
        question=question,
        ranks=ranks,
        top5_texts=[p.text for p in answer.passages[:5]],
        first_quote=answer.citations[0].quote if answer.citations else "",
        answer_text="" if answer.abstained else answer.answer,
        answered=not answer.abstained,
        held_out_answered=not held_out.abstained,
        latency_ms=latency,
    )


def _contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    return any(a in text for a in answers)


def answered_only(outcomes: list[Outcome]) -> dict[str, float]:
    """The two answer metrics over the questions the product answers (declined ones, about
    5% at the shipped threshold, left out rather than counted as misses)."""
    answered = [o for o in outcomes if o.answered]
    n = len(answered) or 1
    return {
        "questions": len(answered),
        "answer_in_first_citation": round(
            sum(_contains_answer(o.first_quote, o.question.answers) for o in answered) / n, 4),
        "answer_in_answer": round(
            sum(_contains_answer(o.answer_text, o.question.answers) for o in answered) / n, 4),
    }


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    if not n:
        return {"questions": 0}

    def share(pred: Callable[[Outcome], bool]) -> float:
        return round(sum(1 for o in outcomes if pred(o)) / n, 4)

    def recall(k: int) -> float:
        return share(lambda o: any(o.ranks[:k]))

    def reciprocal(o: Outcome) -> float:
        return next((1 / (i + 1) for i, hit in enumerate(o.ranks[:10]) if hit), 0.0)

    latencies = sorted(o.latency_ms for o in outcomes)
    return {
        "questions": n,
        "recall@1": recall(1),
        "recall@5": recall(5),
        "recall@10": recall(10),
        "mrr@10": round(sum(reciprocal(o) for o in outcomes) / n, 4),
        "answer_hit@5": share(lambda o: any(_contains_answer(t, o.question.answers)
                                            for t in o.top5_texts)),
        "answer_in_first_citation": share(
            lambda o: _contains_answer(o.first_quote, o.question.answers)),
        "answer_in_answer": share(lambda o: _contains_answer(o.answer_text, o.question.answers)),
        "answered_only": answered_only(outcomes),
        "refusal": {
            "answerable_kept": share(lambda o: o.answered),
            "unanswerable_declined": share(lambda o: not o.held_out_answered),
        },
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(latencies[min(n - 1, int(0.95 * n))], 1),
        },
    }


def run_jsquad(
    settings: Settings,
    data_path: Path,
    limit: int | None = None,
    keep_index: Path | None = None,
    progress: bool = True,
    compare: bool = False,
) -> dict[str, Any]:
    """Build the index (in a temporary folder unless `keep_index`), ask, and score."""
    articles, questions = select(*load_jsquad(data_path), limit)
    with tempfile.TemporaryDirectory(prefix="jsquad-index-") as tmp:
        index_dir = Path(keep_index) if keep_index else Path(tmp)
        assistant = Assistant(settings.model_copy(update={"index_dir": index_dir}))
        started = time.perf_counter()
        report = assistant.index_articles(articles, progress=progress)
        build_seconds = time.perf_counter() - started
        all_ids = [a.id for a in articles]
        assistant.ask(questions[0].text)  # warm up: load the retriever once
        outcomes = [ask_one(assistant, q, all_ids)
                    for q in tqdm(questions, desc="questions", disable=not progress)]
        chunks = len(assistant.retriever().chunks)
        baselines = compare_baselines(assistant, articles, questions, progress) if compare else None
    result = {
        "data": str(data_path),
        "articles": len(articles),
        "chunks_indexed": chunks,
        "index_build_seconds": round(build_seconds, 1),
        "chunks_embedded": report.chunks_embedded,
        "settings": {
            "keyword_tokenizer": settings.keyword_tokenizer,
            "chunk_max_chars": settings.chunk_max_chars,
            "decline_z": settings.decline_z,
            "decline_z_cross": settings.decline_z_cross,
            "decline_keyword_weight": settings.decline_keyword_weight,
            "decline_gap_weight": settings.decline_gap_weight,
            "dense_weight": settings.dense_weight,
            "keyword_weight": settings.keyword_weight,
        },
        "all": summarise(outcomes),
        "tune": summarise([o for o in outcomes if o.question.half == "tune"]),
        "report": summarise([o for o in outcomes if o.question.half == "report"]),
    }
    if baselines is not None:
        result["baselines"] = baselines
    return result


def compare_baselines(assistant: Assistant, articles: list[Article], questions: list[Question],
                      progress: bool) -> dict[str, Any]:
    """BM25 only and dense only (same chunks), and the LlamaIndex tutorial pipeline."""
    from .baselines import TutorialPipeline, product_side, retrieval_metrics

    report = [q for q in questions if q.half == "report"]
    results: dict[str, Any] = {}
    retrievers = {
        "bm25 only": product_side(assistant, dense_weight=0.0, keyword_weight=1.0),
        "dense only": product_side(assistant, dense_weight=1.0, keyword_weight=0.0),
    }
    for name, retrieve in retrievers.items():
        results[name] = {"all": retrieval_metrics(retrieve, questions, name, progress),
                         "report": retrieval_metrics(retrieve, report, name, False)}
    tutorial = TutorialPipeline(articles, assistant.embedder, progress)
    results["llama-index tutorial"] = {
        "chunks_indexed": tutorial.chunks,
        "index_build_seconds": round(tutorial.build_seconds, 1),
        "all": retrieval_metrics(tutorial.retrieve, questions, "tutorial", progress),
        "report": retrieval_metrics(tutorial.retrieve, report, "tutorial", False),
    }
    return results
