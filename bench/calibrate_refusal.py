"""Collect decline signals on JSQuAD (answerable vs gold-article-held-out) and fit a rule.

    python bench/calibrate_refusal.py --data ../shared/data/jsquad-valid-v1.3.json \
        --index bench/.cache/jsquad-index [--features bench/.cache/refusal-features.npz]

For every question, retrieval runs twice: over all articles (answerable) and with the
gold article excluded (unanswerable). The signals of `Retrieval` (dense_top, dense_gap,
keyword_ratio, keyword_coverage) are saved; then a logistic regression and simple
thresholds are fitted on the tuning half (even title positions) and scored on the report
half, choosing each threshold for the best balanced accuracy on the tuning half.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.settings import load_settings

SIGNALS = ("dense_top", "dense_gap", "keyword_ratio", "keyword_coverage")


def collect(data: Path, index: Path, out: Path) -> None:
    articles, questions = load_jsquad(data)
    assistant = Assistant(load_settings(index_dir=index))
    assistant.index.sync(articles, progress=True)
    retriever = assistant.retriever()
    ids = [a.id for a in articles]
    pos, neg, half = [], [], []
    for q in tqdm(questions, desc="questions"):
        others = [i for i in ids if i != q.article_id]
        for rows, filt in ((pos, None), (neg, others)):
            found = retriever.retrieve(q.text, 10, filt)
            rows.append([getattr(found, s) for s in SIGNALS])
        half.append(q.half)
    np.savez(out, pos=np.array(pos), neg=np.array(neg), half=np.array(half))


def rates(pos: np.ndarray, neg: np.ndarray, t: float) -> tuple[float, float]:
    return float((pos >= t).mean()), float((neg < t).mean())


def best_threshold(pos: np.ndarray, neg: np.ndarray) -> float:
    grid = np.quantile(np.concatenate([pos, neg]), np.linspace(0, 1, 2001))
    return max((sum(rates(pos, neg, t)), t) for t in grid)[1]


def report(name: str, score_pos: np.ndarray, score_neg: np.ndarray, half: np.ndarray) -> None:
    t = best_threshold(score_pos[half == "tune"], score_neg[half == "tune"])
    out: dict = {"rule": name, "threshold": round(float(t), 4)}
    for part in ("tune", "report"):
        kept, declined = rates(score_pos[half == part], score_neg[half == part], t)
        out[part] = {"answerable_kept": round(kept, 4), "unanswerable_declined": round(declined, 4)}
    print(json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=Path("bench/.cache/jsquad-index"))
    parser.add_argument("--features", type=Path, default=Path("bench/.cache/refusal-features.npz"))
    args = parser.parse_args()
    if not args.features.exists():
        collect(args.data, args.index, args.features)
    data = np.load(args.features)
    pos, neg, half = data["pos"], data["neg"], data["half"]
    for i, name in enumerate(SIGNALS):
        report(name, pos[:, i], neg[:, i], half)
    for w in (0.02, 0.05, 0.08, 0.12):
        def rule(x: np.ndarray, w: float = w) -> np.ndarray:
            return x[:, 0] + w * np.log1p(x[:, 2])
        report(f"dense_top + {w} * log1p(keyword_ratio)", rule(pos), rule(neg), half)


if __name__ == "__main__":
    main()
