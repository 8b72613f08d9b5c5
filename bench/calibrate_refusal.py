"""Choose the decline rule's parameters from data.

    python bench/calibrate_refusal.py --data ../shared/data/jsquad-valid-v1.3.json \
        --index bench/.cache/jsquad-index --seed-index /tmp/seed-index

1. JSQuAD (same language as the corpus). For every question, retrieval runs twice: over
   all articles (answerable) and with the gold article excluded (unanswerable); the
   signals are cached in --features. For each pair of weights, relevance is turned into
   z-scores against the index's background (refusal.measure_background), and `decline_z`
   is the z that keeps 95% of the answerable questions of the tuning half (even title
   positions). Reported: kept/declined on the tuning and the report half.
2. Cross-language (English questions over the Japanese seed articles): the hand-written
   questions of bench/seed_questions.json; `decline_z_cross` is the z with the best balanced
   accuracy over them (lowest such z). A small set: the README says so.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.corpus import detect_language
from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.refusal import RelevanceWeights, measure_background
from assistant.settings import load_settings

HERE = Path(__file__).parent
SIGNALS = ("dense_top", "dense_gap", "keyword_ratio")  # + keyword coverage of the question
WEIGHTS = [(k, g) for k in (0.0, 0.02, 0.03, 0.04) for g in (0.0, 0.2, 0.4)]


def collect(assistant: Assistant, data: Path, out: Path) -> None:
    articles, questions = load_jsquad(data)
    retriever = assistant.retriever()
    ids = [a.id for a in articles]
    pos, neg, half = [], [], []
    for q in tqdm(questions, desc="questions"):
        others = [i for i in ids if i != q.article_id]
        for rows, only in ((pos, None), (neg, others)):
            found = retriever.retrieve(q.text, 10, only)
            rows.append([*(getattr(found, s) for s in SIGNALS),
                         retriever.keyword.coverage(q.text)])
        half.append(q.half)
    np.savez(out, pos=np.array(pos), neg=np.array(neg), half=np.array(half))


def jsquad(assistant: Assistant, features: Path) -> None:
    data = np.load(features)
    pos, neg, half = data["pos"], data["neg"], data["half"]
    tune, rep = half == "tune", half == "report"
    for kw, gap in WEIGHTS:
        bg = measure_background(assistant.retriever(), RelevanceWeights(kw, gap))["ja"]
        zp = (pos[:, 0] + kw * np.log1p(pos[:, 2]) + gap * pos[:, 1] - bg.mean) / bg.std
        zn = (neg[:, 0] + kw * np.log1p(neg[:, 2]) + gap * neg[:, 1] - bg.mean) / bg.std
        z = float(np.quantile(zp[tune], 0.05))
        print(json.dumps({
            "keyword_weight": kw, "gap_weight": gap,
            "background": [round(bg.mean, 4), round(bg.std, 4)],
            "decline_z": round(z, 2),
            "tune": {"answerable_kept": round(float((zp[tune] >= z).mean()), 4),
                     "unanswerable_declined": round(float((zn[tune] < z).mean()), 4)},
            "report": {"answerable_kept": round(float((zp[rep] >= z).mean()), 4),
                       "unanswerable_declined": round(float((zn[rep] < z).mean()), 4)},
        }), flush=True)


def cross_language(seed: Assistant) -> None:
    questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    rule = seed.decline_rule()
    retriever = seed.retriever()
    rows = [(rule.z(retriever.retrieve(q["q"], 5), detect_language(q["q"])), True)
            for q in questions["answerable"] if detect_language(q["q"]) == "en"]
    rows += [(rule.z(retriever.retrieve(q, 5), detect_language(q)), False)
             for q in questions["off_topic"] if detect_language(q) == "en"]
    zs = sorted({round(z, 2) for z, _ in rows})
    def balanced(t: float) -> float:
        kept = np.mean([z >= t for z, ok in rows if ok])
        declined = np.mean([z < t for z, ok in rows if not ok])
        return float(kept + declined)
    best = max(zs, key=lambda t: (balanced(t), -t))
    print(json.dumps({"english_over_japanese": [(round(z, 2), ok) for z, ok in sorted(rows)],
                      "decline_z_cross": best, "balanced_accuracy": round(balanced(best) / 2, 3)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=Path("bench/.cache/jsquad-index"))
    parser.add_argument("--seed-index", type=Path, default=Path("bench/.cache/seed-index"))
    parser.add_argument("--features", type=Path, default=Path("bench/.cache/refusal-features.npz"))
    args = parser.parse_args()
    assistant = Assistant(load_settings(index_dir=args.index))
    assistant.index_articles(load_jsquad(args.data)[0])
    if not args.features.exists():
        collect(assistant, args.data, args.features)
    jsquad(assistant, args.features)
    seed = Assistant(load_settings(corpus_dir=HERE.parent / "corpus", index_dir=args.seed_index))
    seed.ensure_index()
    cross_language(seed)


if __name__ == "__main__":
    main()
