"""Compare retrieval variants (tokenizers, dense/BM25/fused) on one JSQuAD index.

    python bench/retrieval_compare.py --data ../shared/data/jsquad-valid-v1.3.json \
        --index bench/.cache/jsquad-index

Builds the index with the product's pipeline if it is missing (as `assistant eval jsquad
--keep-index` does), then asks every question through `HybridRetriever.retrieve` under
each variant and prints one JSON line per variant (all questions and the report half).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.retrieval import HybridRetriever
from assistant.revision import Revision
from assistant.settings import load_settings

VARIANTS = {
    "bm25 bigram": {"keyword_tokenizer": "bigram", "dense_weight": 0.0},
    "bm25 sudachi": {"keyword_tokenizer": "sudachi", "dense_weight": 0.0},
    "dense": {"keyword_weight": 0.0},
    "fused bigram": {"keyword_tokenizer": "bigram"},
    "fused sudachi": {"keyword_tokenizer": "sudachi"},
}


def outcomes(retriever: HybridRetriever, questions: list) -> list[dict[str, float]]:
    rows = []
    for q in questions:
        passages = retriever.retrieve(q.text, 10).passages
        ranks = [p.article_id == q.article_id and p.start < q.gold_end and q.gold_start < p.end
                 for p in passages]
        row = {f"recall@{k}": float(any(ranks[:k])) for k in (1, 5, 10)}
        row["mrr@10"] = next((1 / (i + 1) for i, r in enumerate(ranks) if r), 0.0)
        row["answer_hit@5"] = float(any(a in p.text for p in passages[:5] for a in q.answers))
        rows.append(row)
    return rows


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=Path("bench/.cache/jsquad-index"))
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    args = parser.parse_args()
    articles, questions = load_jsquad(args.data)
    base = load_settings(index_dir=args.index)
    assistant = Assistant(base)
    assistant.index_articles(articles)
    for name in args.variants:
        settings = base.model_copy(update=VARIANTS[name])
        started = time.perf_counter()
        loaded = Revision.load(assistant.index, assistant.index.current().snapshot(),
                               settings.keyword_tokenizer)
        retriever = HybridRetriever(loaded, settings, assistant.embedder)
        load_seconds = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        rows = outcomes(retriever, questions)
        per_question = (time.perf_counter() - started) * 1000 / len(questions)
        print(json.dumps({
            "variant": name,
            "load_seconds": load_seconds,
            "ms_per_question": round(per_question, 1),
            "all": mean(rows),
            "report": mean([r for r, q in zip(rows, questions, strict=True)
                            if q.half == "report"]),
        }, ensure_ascii=False), flush=True)

if __name__ == "__main__":
    main()
