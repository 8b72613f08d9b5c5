"""`assistant eval jsquad` on a small JSQuAD slice, through the real pipeline."""

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.evaluate import load_jsquad

SLICE = Path(__file__).parent / "data" / "jsquad-slice.json"


def test_loader_keeps_gold_paragraph_spans():
    articles, questions = load_jsquad(SLICE)
    assert [a.title for a in articles] == ["梅雨", "グスタフ・マーラー"]
    by_id = {a.id: a for a in articles}
    assert "[SEP]" not in by_id["jsquad-000"].body
    for q in questions:
        paragraph = by_id[q.article_id].body[q.gold_start : q.gold_end]
        # a few answers point into the dropped "<title> [SEP] " prefix: they are the title
        assert any(a in paragraph or a == by_id[q.article_id].title for a in q.answers), q.id


def test_eval_limit_50_reports_sane_metrics():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "jsquad", "--data", str(SLICE),
         "--limit", "50", "--json"],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    overall = metrics["all"]
    assert overall["questions"] == 50 and metrics["articles"] == 1
    assert metrics["chunks_indexed"] > 10
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit@5",
                "answer_in_first_citation", "answer_in_answer"):
        assert 0.0 <= overall[key] <= 1.0
    assert overall["recall@1"] <= overall["recall@5"] <= overall["recall@10"]
    answered = overall["answered_only"]
    kept = overall["refusal"]["answerable_kept"]
    assert answered["questions"] == round(kept * 50)
    for key in ("answer_in_first_citation", "answer_in_answer"):  # same hits, fewer questions
        assert answered[key] == round(overall[key] * 50 / max(answered["questions"], 1), 4)
    assert answered["answer_in_first_citation"] <= answered["answer_in_answer"]
    assert overall["mrr@10"] >= overall["recall@1"]
    # one article: with it held out nothing is left, so every held-out question is declined
    assert overall["refusal"]["unanswerable_declined"] == 1.0
    assert overall["recall@5"] > 0.5  # far above chance on a real pipeline
    assert overall["latency_ms"]["p50"] > 0
