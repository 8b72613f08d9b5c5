"""Fit the extractive answer's sentence model (assistant/data/sentence_model.json).

    python bench/fit_sentences.py dump --data ../shared/data/jsquad-valid-v1.3.json \
        --index bench/.cache/jsquad-index --out bench/.cache/sentences.pkl
    python bench/fit_sentences.py fit --dump bench/.cache/sentences.pkl \
        --index bench/.cache/jsquad-index [--write]

`dump` retrieves every JSQuAD question as the product does and keeps, per question, the
candidate sentences of the top passages (sentences.candidate_contexts), the e5
similarities, whether the product declines it, and a label per candidate: does it hold a
gold answer. `fit` computes sentences.sentence_features and fits, on the tuning half only
(even title positions):
1. the scorer: a conditional logit (softmax over each question's candidates);
2. the move model: a logistic regression over (best sentence, neighbour) pairs, label
   "the neighbour holds the answer and the best does not"; its threshold is the one with
   the best top-1 share on the tuning half.
It prints top-1 / top-3 shares (over all questions and over the answered ones) for the
shipped model and the fitted one on both halves; `--write` saves the fitted model.
The report half is never used for fitting or choosing.
"""

from __future__ import annotations

import argparse
import json
import pickle
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from tqdm import tqdm

from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.sentences import (
    CANDIDATE_PASSAGES,
    FEATURES,
    MODEL_PATH,
    SentenceModel,
    candidate_contexts,
    candidate_sentences,
    move_features,
    neighbours_of,
    rank_sentences,
    sentence_features,
    sentence_model,
)
from assistant.settings import load_settings

DUMP_DEPTH = 5  # passages whose sentences are kept; `fit` looks at CANDIDATE_PASSAGES
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 1.0)  # 1.0: never move
L2 = 0.01  # scorer
MOVE_L2 = 0.0002  # move model (about scikit-learn's default C=1 at this many pairs)


def dump(data: Path, index: Path, out: Path) -> None:
    assistant = Assistant(load_settings(index_dir=index))
    retriever, rule = assistant._loaded()
    _, questions = load_jsquad(data)
    rows = []
    for q in tqdm(questions, desc="questions"):
        found = retriever.retrieve(q.text, 10)
        candidates = candidate_sentences(found.passages, DUMP_DEPTH)
        vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
        contexts = candidate_contexts(candidates, retriever)
        rows.append({
            "question": q.text, "answers": q.answers, "half": q.half,
            "declined": rule.declines(found, q.text),
            "contexts": contexts,
            "similarity": vectors @ found.query_vector,
            "labels": np.array([any(a in c.text for a in q.answers) for c in contexts]),
        })
    with out.open("wb") as f:
        pickle.dump(rows, f)


class Question:
    """One dumped question's candidates (top CANDIDATE_PASSAGES passages), features, labels."""

    def __init__(self, row: dict, keyword) -> None:
        keep = [c.rank < CANDIDATE_PASSAGES for c in row["contexts"]]
        self.contexts = [c for c, k in zip(row["contexts"], keep, strict=True) if k]
        self.labels = row["labels"][keep]
        self.half, self.declined = row["half"], row["declined"]
        self.features = (sentence_features(row["question"], self.contexts,
                                           row["similarity"][keep], keyword)
                         if self.contexts else np.zeros((0, len(FEATURES))))


def fit_scorer(questions: list[Question]) -> np.ndarray:
    usable = [(q.features, q.labels) for q in questions
              if q.labels.any() and not q.labels.all()]
    dim = len(FEATURES)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(dim)
        for x, y in usable:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            gold = (p * y).sum()
            total -= float(np.log(gold + 1e-12))
            grad += x.T @ p - x.T @ (p * y / max(gold, 1e-12))  # d(-log P(gold))/dw
        n = len(usable)
        return total / n + L2 * float(w @ w), grad / n + 2 * L2 * w

    return minimize(loss, np.zeros(dim), jac=True, method="L-BFGS-B").x


def move_pairs(questions: list[Question], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for q in questions:
        if not len(q.labels):
            continue
        scores = q.features @ weights
        best = int(np.argmax(scores))
        for other, after in neighbours_of(best, q.contexts):
            rows.append(move_features(q.features, scores, best, other, after))
            labels.append(bool(q.labels[other]) and not q.labels[best])
    return np.array(rows), np.array(labels, dtype=float)


def fit_move(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression (L2 on the weights, not the bias)."""
    def loss(wb: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = wb[:-1], wb[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        nll = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
        g = (p - y) / len(y)
        return nll + MOVE_L2 * float(w @ w), np.concatenate([x.T @ g + 2 * MOVE_L2 * w,
                                                             [g.sum()]])

    wb = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return wb[:-1], float(wb[-1])


def shares(questions: list[Question], model: SentenceModel) -> dict[str, float]:
    """Share of questions whose first / top-3 sentences hold a gold answer, over all
    questions and over those the product answers; `ceiling`: any candidate does."""
    first = three = first_answered = three_answered = answered = 0
    for q in questions:
        answered += not q.declined
        if not len(q.labels):
            continue
        order = rank_sentences(q.features, q.contexts, model)
        hit1, hit3 = bool(q.labels[order[0]]), bool(q.labels[order[:3]].any())
        first += hit1
        three += hit3
        first_answered += hit1 and not q.declined
        three_answered += hit3 and not q.declined
    n, answered = len(questions), answered or 1
    return {"first": round(first / n, 4), "top3": round(three / n, 4),
            "first_answered": round(first_answered / answered, 4),
            "top3_answered": round(three_answered / answered, 4),
            "ceiling": round(sum(bool(q.labels.any()) for q in questions) / n, 4)}


def fit(dump_path: Path, index: Path, write: bool) -> None:
    with dump_path.open("rb") as f:
        rows = pickle.load(f)
    keyword = Assistant(load_settings(index_dir=index)).retriever().keyword
    questions = [Question(row, keyword) for row in tqdm(rows, desc="features")]
    tune = [q for q in questions if q.half == "tune"]
    report = [q for q in questions if q.half == "report"]

    weights = fit_scorer(tune)
    move_weights, bias = fit_move(*move_pairs(tune, weights))
    fitted = {t: SentenceModel(weights, move_weights, bias, t) for t in THRESHOLDS}
    for t, model in fitted.items():
        print(f"threshold {t}: tune {shares(tune, model)}")
    threshold = max(THRESHOLDS, key=lambda t: shares(tune, fitted[t])["first"])
    chosen = fitted[threshold]
    print(f"chosen threshold (tuning half): {threshold}")
    try:
        models = {"shipped": sentence_model(), "fitted": chosen}
    except (OSError, KeyError, ValueError):
        models = {"fitted": chosen}
    for name, model in models.items():
        for half, qs in (("tune", tune), ("report", report), ("all", questions)):
            print(name, half, shares(qs, model))
    print("scorer weights:", {n: round(float(w), 3) for n, w in zip(FEATURES, weights,
                                                                    strict=True)})
    if write:
        MODEL_PATH.write_text(json.dumps({
            "fitted": f"{date.today().isoformat()} by bench/fit_sentences.py on the tuning "
                      "half of JSQuAD v1.3 valid (even title positions)",
            "weights": {n: round(float(w), 4) for n, w in zip(FEATURES, weights, strict=True)},
            "move": {"weights": [round(float(w), 4) for w in move_weights],
                     "bias": round(bias, 4), "threshold": threshold},
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", MODEL_PATH)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--data", type=Path, required=True)
    d.add_argument("--index", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    f = sub.add_parser("fit")
    f.add_argument("--dump", type=Path, required=True)
    f.add_argument("--index", type=Path, required=True)
    f.add_argument("--write", action="store_true", help="save the fitted model")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.data, args.index, args.out)
    else:
        fit(args.dump, args.index, args.write)


if __name__ == "__main__":
    main()
