"""Fit the short answer's weights and threshold (assistant/data/short_answer.json).

    python bench/fit_short_answer.py --data jsquad-valid-v1.3.json \
        [--quotes bench/.cache/jsquad-quotes.json] [--write]

Only JSQuAD's tuning half (evaluate.py's split by title: even positions) is used. Each
question with an asked kind gives its candidates (`short_answer.candidates`) in the
sentence holding the gold answer and, when --quotes (from bench/short_answer_eval.py) is
given, in the quote of citation [1] the product actually answered with (a sentence that
may not hold the answer at all: then "none of them" is the right choice). A candidate is
right when its character F1 against some gold answer is ≥ 0.8. The model is a conditional
logit over each sentence's candidates plus a "none" option per asked kind (the likelihood
of the right candidates, or of none when there is no right one; L2-penalised; fitted
with scipy's L-BFGS — fitting only: the product reads plain numbers). The threshold is
the lowest confidence at which the shown phrases of the tuning half's [1] quotes (the
oracle sentences without --quotes) are right at least `--target` of the time, a margin
above the 85% asked for.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize  # type: ignore[import-untyped]
from short_answer_eval import Case, best_f1, build_cases

from assistant.short_answer import (
    FEATURES,
    MODEL_PATH,
    AnswerKind,
    Model,
    _choose,
    asked_kind,
    candidates,
)

KINDS = [k.value for k in AnswerKind]


@dataclass(frozen=True)
class Group:
    """One sentence: its candidates' rows in the design matrix, labels, and kind."""

    case: Case
    rows: slice
    right: np.ndarray
    kind: int


def design(cases: list[Case]) -> tuple[np.ndarray, list[Group]]:
    rows: list[tuple[float, ...]] = []
    groups = []
    for case in cases:
        kind = asked_kind(case.question.text)
        if kind is None or case.sentence is None:
            continue
        found = candidates(case.question.text, case.sentence, kind)
        if not found:
            continue
        right = [best_f1(case.sentence[c.start : c.end], case.question.answers) >= 0.8
                 for c in found]
        groups.append(Group(case, slice(len(rows), len(rows) + len(found)),
                            np.array(right), KINDS.index(kind.value)))
        rows.extend(c.features for c in found)
    return np.array(rows, dtype=np.float64), groups


def loss(params: np.ndarray, x: np.ndarray, groups: list[Group], l2: float
         ) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of the right candidates (or of none) and its gradient."""
    w, none = params[: x.shape[1]], params[x.shape[1] :]
    scores = x @ w
    total, grad_w, grad_none = 0.0, np.zeros_like(w), np.zeros_like(none)
    for g in groups:
        s = np.append(scores[g.rows], none[g.kind])
        top = s.max()
        p = np.exp(s - top)
        p /= p.sum()
        target = np.append(g.right, not g.right.any()).astype(np.float64)
        mass = float((p * target).sum())
        total -= np.log(max(mass, 1e-12))
        q = p * target / max(mass, 1e-12)  # posterior over the right options
        diff = p - q
        grad_w += diff[:-1] @ x[g.rows]
        grad_none[g.kind] += diff[-1]
    total += l2 * float(w @ w)
    return total, np.concatenate([grad_w + 2 * l2 * w, grad_none])


def confidences(model: Model, x: np.ndarray, groups: list[Group]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence: the chosen phrase's confidence and whether it is right."""
    scores = x @ np.array(model.weights)
    confidence, right = [], []
    for g in groups:
        case = g.case
        assert case.sentence is not None
        found = candidates(case.question.text, case.sentence, AnswerKind(KINDS[g.kind]))
        best, p = _choose(case.sentence, found, list(scores[g.rows]), model.none[KINDS[g.kind]])
        confidence.append(p)
        right.append(best_f1(case.sentence[best.start : best.end], case.question.answers) >= 0.8)
    return np.array(confidence), np.array(right)


def choose_threshold(confidence: np.ndarray, right: np.ndarray, target: float) -> float:
    """The lowest confidence at which the phrases shown (≥ it) are right `target` of the
    time, every higher cut with at least 30 shown staying within 2 points of it."""
    order = np.argsort(-confidence)
    precision = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    chosen = float(confidence[order[min(29, len(order) - 1)]])
    for k in range(29, len(order)):
        if precision[k] >= target and np.all(precision[29 : k + 1] >= target - 0.02):
            chosen = float(confidence[order[k]])
    return round(chosen, 4)


def fit(x: np.ndarray, groups: list[Group], l2: float) -> Model:
    start = np.zeros(x.shape[1] + len(KINDS))
    fitted = minimize(loss, start, args=(x, groups, l2), jac=True, method="L-BFGS-B",
                      options={"maxiter": 500})
    return Model(tuple(fitted.x[: x.shape[1]]), dict(zip(KINDS, fitted.x[x.shape[1] :],
                                                          strict=True)), 0.0)


def out_of_fold(cases: list[Case], scored: list[Case], l2: float, folds: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Confidence and rightness of each `scored` case from a model fitted without its
    article (folds by article within the tuning half): what a threshold meets on
    questions the weights never saw, unlike the fitted model's own cases."""
    confidence, right = [], []
    for fold in range(folds):
        def held(case: Case, fold: int = fold) -> bool:
            return int(case.question.article_id.rsplit("-", 1)[1]) // 2 % folds == fold

        x, groups = design([c for c in cases if not held(c)])
        model = fit(x, groups, l2)
        cx, cg = design([c for c in scored if held(c)])
        c, r = confidences(model, cx, cg)
        confidence.append(c)
        right.append(r)
    return np.concatenate(confidence), np.concatenate(right)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--quotes", type=Path, default=None)
    parser.add_argument("--target", type=float, default=0.88)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    oracle = build_cases(args.data, None, "tune")
    quoted = build_cases(args.data, args.quotes, "tune") if args.quotes else []
    x, groups = design(oracle + quoted)
    print(f"{len(x)} candidates, {len(groups)} sentences, "
          f"{sum(g.right.any() for g in groups)} holding a right one")
    model = fit(x, groups, args.l2)
    weights, none = np.array(model.weights), model.none
    for name, cases in (("oracle", oracle), ("[1] quote", quoted)):
        if cases:
            cx, cg = design(cases)
            confidence, right = confidences(model, cx, cg)
            print(f"tune {name}: top-1 right {right.mean():.3f} of {len(right)} with a kind")
    confidence, right = out_of_fold(oracle + quoted, quoted or oracle, args.l2, args.folds)
    threshold = choose_threshold(confidence, right, args.target)
    shown = confidence >= threshold
    print(f"threshold {threshold} (out of fold): shown {shown.sum()} / {len(shown)}, "
          f"right {right[shown].mean():.3f}")
    cx, cg = design(quoted or oracle)
    confidence, right = confidences(model, cx, cg)
    shown = confidence >= threshold
    print(f"  the fitted model on its own cases: shown {shown.sum()} / {len(shown)}, "
          f"right {right[shown].mean():.3f}")
    ranked = sorted(zip(FEATURES, weights, strict=True), key=lambda item: -abs(item[1]))
    for name, weight in ranked[:20]:
        print(f"  {name:28} {weight:+.3f}")
    print("  none", {k: round(v, 2) for k, v in none.items()})
    if args.write:
        MODEL_PATH.write_text(json.dumps({
            "fitted_by": "bench/fit_short_answer.py on JSQuAD v1.3 validation, tuning half",
            "features": list(FEATURES),
            "weights": [round(float(w), 5) for w in weights],
            "none": {k: round(float(v), 5) for k, v in none.items()},
            "threshold": threshold,
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
