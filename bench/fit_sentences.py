"""Fit the extractive answer's sentence model (assistant/data/sentence_model.json).

    python bench/fit_sentences.py dump --data ../shared/data/jsquad-valid-v1.3.json \
        --index bench/.cache/jsquad-index --out bench/.cache/sentences.pkl
    python bench/fit_sentences.py dump-small --data ../shared/data/jsquad-valid-v1.3.json \
        --out bench/.cache/sentences-small.pkl
    python bench/fit_sentences.py fit --dump bench/.cache/sentences.pkl \
        --index bench/.cache/jsquad-index [--small-dump bench/.cache/sentences-small.pkl] \
        [--write]

`dump` retrieves every JSQuAD question as the product does from the 59-article index and
keeps, per question, the candidate sentences of the top passages
(sentences.candidate_contexts), the e5 similarities, whether the product declines it,
and a label per candidate: does it hold a gold answer. `dump-small` does the same with
each question asked of a small corpus (its article and one more of the same half, indexed
on their own, as a teacher's handful of articles would be). `fit` computes
sentences.model_inputs and fits gradient-boosted trees (scikit-learn's
HistGradientBoostingClassifier, which the test extra installs; the product only reads
the exported arrays) on the tuning half only (even title positions): the settings, and
whether to train on the small-corpus questions too, come from a 2-fold split of the
tuning half by article; the choice is then fitted on the whole tuning half. It prints
top-1 / top-3 shares (over all questions and over the answered ones) for the shipped
model and the fitted one, per regime and half; `--write` saves the fitted model. The
report half is never used for fitting or choosing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.corpus import detect_language
from assistant.evaluate import load_jsquad
from assistant.qa import Assistant
from assistant.sentences import (
    CANDIDATE_PASSAGES,
    FEATURES,
    MODEL_PATH,
    TreeEnsemble,
    candidate_contexts,
    candidate_sentences,
    model_inputs,
    rank_sentences,
    sentence_features,
    sentence_model,
)
from assistant.settings import load_settings

SMALL_CORPUS_ARTICLES = 2
DUMP_DEPTH = 5  # passages whose sentences are kept; `fit` looks at CANDIDATE_PASSAGES
CONFIGS = [  # scikit-learn HistGradientBoostingClassifier settings tried
    {"learning_rate": 0.05, "max_iter": 200, "max_leaf_nodes": 7, "l2_regularization": 1.0,
     "min_samples_leaf": 40},
    {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 15, "l2_regularization": 1.0,
     "min_samples_leaf": 40},
    {"learning_rate": 0.05, "max_iter": 400, "max_leaf_nodes": 15, "l2_regularization": 5.0,
     "min_samples_leaf": 40},
]


def dump(data: Path, index: Path, out: Path) -> None:
    assistant = Assistant(load_settings(index_dir=index))
    retriever, rule = assistant._loaded()
    _, questions = load_jsquad(data)
    rows = [question_row(q, retriever, rule) for q in tqdm(questions, desc="questions")]
    with out.open("wb") as f:
        pickle.dump(rows, f)


def dump_small(data: Path, out: Path, size: int = SMALL_CORPUS_ARTICLES) -> None:
    """The same, but each question asked of a small corpus: its article and the next
    `size - 1` articles of the same half, indexed on their own (as a teacher's handful of
    articles would be: few chunks, IDFs and passage ranks unlike the 59-article index)."""
    articles, questions = load_jsquad(data)
    rows = []
    for half in ("tune", "report"):
        ours = [a for i, a in enumerate(articles) if ("tune", "report")[i % 2] == half]
        for start in tqdm(range(0, len(ours), size), desc=f"small corpora ({half})"):
            group = ours[start : start + size]
            ids = {a.id for a in group}
            with tempfile.TemporaryDirectory(prefix="small-corpus-") as tmp:
                assistant = Assistant(load_settings(index_dir=Path(tmp)))
                assistant.index_articles(group, progress=False)
                retriever, rule = assistant._loaded()
                rows += [question_row(q, retriever, rule) for q in questions
                         if q.article_id in ids]
    with out.open("wb") as f:
        pickle.dump(rows, f)


def question_row(q, retriever, rule) -> dict:
    found = retriever.retrieve(q.text, 10)
    candidates = candidate_sentences(found.passages, DUMP_DEPTH)
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    contexts = candidate_contexts(candidates, retriever)
    similarity = vectors @ found.query_vector
    keep = [c.rank < CANDIDATE_PASSAGES for c in contexts]
    kept = [c for c, k in zip(contexts, keep, strict=True) if k]
    return {
        "question": q.text, "answers": q.answers, "half": q.half, "article_id": q.article_id,
        "declined": rule.declines(found, q.text, detect_language(q.text)),
        "contexts": contexts,
        "similarity": similarity,
        "labels": np.array([any(a in c.text for a in q.answers) for c in contexts]),
        # computed here, with this corpus's IDFs (a small corpus's index is gone after)
        "features": (sentence_features(q.text, kept, similarity[keep], retriever.keyword)
                     if kept else None),
    }


class Question:
    """One dumped question's candidates (top CANDIDATE_PASSAGES passages), features, labels."""

    def __init__(self, row: dict, keyword) -> None:
        keep = [c.rank < CANDIDATE_PASSAGES for c in row["contexts"]]
        self.contexts = [c for c, k in zip(row["contexts"], keep, strict=True) if k]
        self.labels = row["labels"][keep]
        self.half, self.declined = row["half"], row["declined"]
        self.article_id = row["article_id"]
        if not self.contexts:
            self.features = np.zeros((0, len(FEATURES)))
        elif row.get("features") is not None and keyword is None:
            self.features = row["features"]  # a small corpus's, computed by dump-small
        else:
            self.features = sentence_features(row["question"], self.contexts,
                                              row["similarity"][keep], keyword)


def training_rows(questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    usable = [q for q in questions if len(q.labels)]
    return (np.vstack([model_inputs(q.features, q.contexts) for q in usable]),
            np.concatenate([q.labels for q in usable]))


def fit_trees(questions: list[Question], config: dict) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = training_rows(questions)
    model = HistGradientBoostingClassifier(random_state=0, early_stopping=False, **config)
    model.fit(x, y)
    trees = export(model)
    check = x[:2000]
    assert np.allclose(TreeEnsemble(trees).predict(check), model._raw_predict(check)[:, 0])
    return TreeEnsemble(trees), trees


def export(model) -> dict:
    """scikit-learn's fitted trees as plain arrays (node indices made global)."""
    columns: dict[str, list] = {k: [] for k in ("feature", "threshold", "left", "right",
                                                "value", "leaf")}
    roots, depth = [], 0
    for (tree,) in model._predictors:
        nodes, offset = tree.nodes, len(columns["value"])
        roots.append(offset)
        depth = max(depth, int(nodes["depth"].max()) + 1)
        columns["feature"] += nodes["feature_idx"].tolist()
        columns["threshold"] += nodes["num_threshold"].tolist()
        columns["left"] += (nodes["left"] + offset).tolist()
        columns["right"] += (nodes["right"] + offset).tolist()
        columns["value"] += nodes["value"].tolist()
        columns["leaf"] += nodes["is_leaf"].astype(int).tolist()
    return {**columns, "roots": roots, "depth": depth,
            "baseline": float(model._baseline_prediction.ravel()[0])}


def shares(questions: list[Question], model: TreeEnsemble) -> dict[str, float]:
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


def choose(big: list[Question], small: list[Question]) -> tuple[dict, bool]:
    """The settings, and whether to train on the small-corpus questions too, with the best
    top-1 share over a 2-fold split of the tuning half by article: the mean of the shares
    on the 59-article index and on the small corpora (on the first alone without a
    small-corpus dump)."""
    folds = [[q for q in big if fold(q.article_id) == k] for k in (0, 1)]
    small_folds = [[q for q in small if fold(q.article_id) == k] for k in (0, 1)]
    best, best_share = (CONFIGS[0], False), -1.0
    for with_small in (False, True) if small else (False,):
        for config in CONFIGS:
            big_share, small_share = [], []
            for k in (0, 1):
                train = folds[k] + (small_folds[k] if with_small else [])
                model = fit_trees(train, config)[0]
                big_share.append(shares(folds[1 - k], model)["first"])
                if small:
                    small_share.append(shares(small_folds[1 - k], model)["first"])
            mean = float(np.mean(big_share + small_share))
            print(f"{config} trained on small corpora too: {with_small}: 2-fold top-1 "
                  f"59 articles {np.mean(big_share):.4f}"
                  + (f", small corpora {np.mean(small_share):.4f}" if small else ""))
            if mean > best_share:
                best, best_share = (config, with_small), mean
    return best


def fold(article_id: str) -> int:
    return int(article_id.rsplit("-", 1)[-1]) // 2 % 2  # tuning titles are even positions


def load_questions(path: Path, keyword) -> list[Question]:
    with path.open("rb") as f:
        rows = pickle.load(f)
    return [Question(row, keyword) for row in tqdm(rows, desc=f"features ({path.name})")]


def fit(dump_path: Path, index: Path, write: bool, small_path: Path | None) -> None:
    keyword = Assistant(load_settings(index_dir=index)).retriever().keyword
    regimes = {"59 articles": load_questions(dump_path, keyword)}
    if small_path:
        regimes["small corpora"] = load_questions(small_path, None)
    tune = {name: [q for q in qs if q.half == "tune"] for name, qs in regimes.items()}

    config, with_small = choose(tune["59 articles"], tune.get("small corpora", []))
    train = tune["59 articles"] + (tune["small corpora"] if with_small else [])
    fitted, trees = fit_trees(train, config)
    print(f"chosen: {config}, trained on small corpora too: {with_small}")
    models = {"fitted": fitted}
    with contextlib.suppress(OSError, KeyError, ValueError):  # none shipped yet
        models["shipped"] = sentence_model()
    for name, model in models.items():
        for regime, qs in regimes.items():
            for half in ("tune", "report"):
                print(name, regime, half, shares([q for q in qs if q.half == half], model))
    if write:
        MODEL_PATH.write_text(json.dumps({
            "fitted": f"{date.today().isoformat()} by bench/fit_sentences.py on the tuning "
                      "half of JSQuAD v1.3 valid (even title positions)"
                      + (", asked of the 59-article index and of 2-article corpora"
                         if with_small else ""),
            "features": list(FEATURES),
            "config": config,
            "trees": trees,
        }, separators=(",", ":")) + "\n", encoding="utf-8")
        print("wrote", MODEL_PATH)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--data", type=Path, required=True)
    d.add_argument("--index", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    small = sub.add_parser("dump-small")
    small.add_argument("--data", type=Path, required=True)
    small.add_argument("--out", type=Path, required=True)
    f = sub.add_parser("fit")
    f.add_argument("--dump", type=Path, required=True)
    f.add_argument("--index", type=Path, required=True)
    f.add_argument("--write", action="store_true", help="save the fitted model")
    f.add_argument("--small-dump", type=Path, help="a dump-small file: fit for both regimes")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.data, args.index, args.out)
    elif args.command == "dump-small":
        dump_small(args.data, args.out)
    else:
        fit(args.dump, args.index, args.write, args.small_dump)


if __name__ == "__main__":
    main()
