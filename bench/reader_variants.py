"""Structural variants of the answer path, measured on the reader TUNE halves and JSQuAD.

    python bench/reader_variants.py answers --index DIR [--jsquad FILE --jsquad-index DIR]
                                            [VARIANT ...]
    python bench/reader_variants.py refit --index DIR --jsquad FILE --jsquad-index DIR

A VARIANT is comma-separated settings, "" being the shipped code:

- depth=N: candidate sentences from the top N passages (shipped: 3);
- prior=X: X log-odds off every candidate per passage rank below the third;
- neighbours=N: also the sentence just before and just after each of the top N passages;
- strip=1: frame words (focus.FRAME_WORDS: 具体的, 受け止め, 理由…) out of the BM25 query;
  strip=2: and question words; strip=3: and particles/auxiliaries; strip=4: frame words
  but not the answer-kind ones (背景, 反応, 理由…: the answering sentence says them);
- simw=X: X × the candidates' scaled e5 similarity added to the trees' score; gate=T:
  only as much as the best candidate's bigram share of the question falls below T.

`answers` asks every tune question of the three Japanese reader sets (the held-out halves
are never read past their split field) with each variant and prints per set: fact in
[1] / fact cited / answerable, right declines / to decline; then pooled. With --jsquad it
also runs `assistant eval jsquad`'s questions (the first --limit, on an index `eval
--keep-index` built) and prints R@5, MRR@10, [1] and in-answer of answered, kept and
held-out declined, and [1] of the report half's answered questions.

`refit` is the third suspect: the candidates of the tune questions (fact questions the
product answers) and of the JSQuAD questions, as the product ranks them, then top-1 of
(a) the shipped trees less reader_rules' penalties, (b) a conditional-logit correction
over the trees' score, the 20 features and the raw e5 cosine, (c) gradient-boosted trees
refitted on the reader tune questions plus JSQuAD's tuning-half questions — each judged by
leaving one reader set out, and on JSQuAD's report half with everything else fitted.

Variants replace functions of assistant.sentences / assistant.retrieval in this process
only (restored after each); nothing is written. Results: bench/RESULTS.md ("reader4").
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
from reader_check import HERE, ReaderQuestion, Span, judge, load_questions, section_spans

from assistant import sentences
from assistant.answer import asked_parts, in_parts, passages_for
from assistant.corpus import load_corpus
from assistant.evaluate import Question, ask_one, load_jsquad, select, summarise
from assistant.focus import _QUESTION_WORD, FRAME_WORDS, _tokenizer, intent, normalise
from assistant.qa import Assistant, search_query
from assistant.results import Passage
from assistant.retrieval import HybridRetriever
from assistant.settings import load_settings

FILES = (HERE / "reader_questions.json", HERE / "reader_questions_2.json",
         HERE / "reader_questions_3.json")
_ANSWER_KIND_TEXT = ("態度 反応 立場 姿勢 評価 見方 見解 狙い 背景 影響 役割 関係 印象 主張 方針 "
                     "対応 動き 事情 経緯 きっかけ 原因 状態 現状 意義 根拠 事実 予定 見通し 展開 "
                     "理由 意味 目的")
ANSWER_KIND = frozenset(_ANSWER_KIND_TEXT.split())
FUNCTION_POS = ("助詞", "助動詞", "補助記号")


@dataclass(frozen=True)
class Variant:
    depth: int = sentences.CANDIDATE_PASSAGES
    prior: float = 0.0
    neighbours: int = 0
    strip: int = 0
    simw: float = 0.0
    gate: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Variant:
        kinds = {f.name: f.type for f in fields(cls)}
        values: dict[str, int | float] = {}
        for item in filter(None, text.split(",")):
            name, _, value = item.partition("=")
            if name not in kinds:
                raise SystemExit(f"unknown variant setting {name!r} (one of {sorted(kinds)})")
            values[name] = int(value) if kinds[name] == "int" else float(value)
        return cls(**values)  # type: ignore[arg-type]


def keyword_query(query: str, strip: int) -> str:
    """The query with the words `strip` names replaced by spaces (no bigram across them)."""
    kept = []
    for morpheme in _tokenizer().tokenize(normalise(query)[:2000]):
        surface, pos = morpheme.surface(), morpheme.part_of_speech()
        frame = surface in FRAME_WORDS and not (strip == 4 and surface in ANSWER_KIND)
        drop = (frame and strip in (1, 2, 3, 4)) \
            or (strip == 2 and bool(_QUESTION_WORD.search(surface))) \
            or (strip == 3 and pos[0] in FUNCTION_POS)
        kept.append(" " if drop else surface)
    return "".join(kept)


@contextlib.contextmanager
def applied(variant: Variant, retriever: HybridRetriever) -> Iterator[None]:
    """The variant in force for the block (module functions replaced, then restored)."""
    candidates, scores = sentences.candidate_sentences, sentences.DescribedCandidates.scores
    keyword_search = HybridRetriever.keyword_search

    def varied_candidates(passages: list[Passage], depth: int = 3
                          ) -> list[sentences.Candidate]:
        found = candidates(passages, variant.depth)
        seen = {(c.article_id, c.start, c.end) for c in found}
        for rank, passage in enumerate(passages[: variant.neighbours] if found else []):
            before, _ = retriever.neighbour_sentences(passage.article_id, passage.start,
                                                      passage.start)
            _, after = retriever.neighbour_sentences(passage.article_id, passage.end,
                                                     passage.end)
            for span in (before, after):
                if span and (passage.article_id, *span) not in seen:
                    seen.add((passage.article_id, *span))
                    found.append(sentences.Candidate(passage.article_id, *span, passage, rank))
        return found

    def varied_scores(self: sentences.DescribedCandidates) -> np.ndarray:
        result: np.ndarray = scores(self)
        if not self.trees_apply or not len(self.contexts):
            return result
        weight = variant.simw
        if weight and variant.gate:
            overlap = sentences.Overlap(self.question, retriever.keyword)
            best = max(overlap.of(c.text)[0] for c in self.contexts)
            weight *= max(0.0, variant.gate - best) / variant.gate
        ranks = np.array([c.rank for c in self.contexts], dtype=float)
        varied: np.ndarray = result + weight * self.features[:, 0] \
            - variant.prior * np.maximum(0.0, ranks - 2)
        return varied

    def varied_keyword_search(self: HybridRetriever, query: str,
                              article_ids: object = None) -> np.ndarray:
        query = keyword_query(query, variant.strip) if variant.strip else query
        return keyword_search(self, query, article_ids)  # type: ignore[arg-type]

    sentences.candidate_sentences = varied_candidates
    sentences.DescribedCandidates.scores = varied_scores  # type: ignore[method-assign]
    HybridRetriever.keyword_search = varied_keyword_search  # type: ignore[method-assign]
    try:
        yield
    finally:
        sentences.candidate_sentences = candidates
        sentences.DescribedCandidates.scores = scores  # type: ignore[method-assign]
        HybridRetriever.keyword_search = keyword_search  # type: ignore[method-assign]


def tune_questions() -> list[tuple[str, list[ReaderQuestion]]]:
    return [(path.name, [q for q in load_questions(path) if q.split == "tune"])
            for path in FILES]


def reader_figures(assistant: Assistant, sets: Sequence[tuple[str, list[ReaderQuestion]]],
                   spans: Sequence[Span]) -> str:
    pooled = np.zeros(5, dtype=int)
    parts = []
    for _, questions in sets:
        outcomes = [judge(q, assistant.ask(q.question, list(q.history)), spans)
                    for q in questions]
        answerable = [o for o in outcomes if not o.question.expect_decline]
        declines = [o for o in outcomes if o.question.expect_decline]
        counts = np.array([sum(o.in_first for o in answerable), sum(o.in_any for o in answerable),
                           len(answerable), sum(o.abstained for o in declines), len(declines)])
        pooled += counts
        parts.append("{}/{}/{} d{}/{}".format(*counts))
    return "  ".join(parts) + "  | pooled [1] {0}/{2} cited {1} declines {3}/{4}".format(*pooled)


def jsquad_figures(assistant: Assistant, questions: Sequence[Question], ids: list[str]) -> str:
    outcomes = [ask_one(assistant, q, ids) for q in questions]
    every, report = summarise(outcomes), summarise(
        [o for o in outcomes if o.question.half == "report"])
    answered = every["answered_only"]
    return (f"JSQuAD R@5 {every['recall@5']} MRR@10 {every['mrr@10']} [1] of answered "
            f"{answered['answer_in_first_citation']} in answer {answered['answer_in_answer']} "
            f"kept {every['refusal']['answerable_kept']} "
            f"declined {every['refusal']['unanswerable_declined']} | report [1] of answered "
            f"{report['answered_only']['answer_in_first_citation']}")


def answers(args: argparse.Namespace) -> None:
    reader = Assistant(load_settings(corpus_dir=args.corpus, index_dir=args.index))
    reader.ensure_index(progress=False)
    articles, _ = load_corpus(args.corpus)
    spans = [span for article in articles for span in section_spans(article)]
    sets = tune_questions()
    jsquad: tuple[Assistant, list[Question], list[str]] | None = None
    if args.jsquad:
        chosen, questions = select(*load_jsquad(args.jsquad), args.limit)
        jsquad = (Assistant(load_settings(index_dir=args.jsquad_index,
                                          corpus_dir=args.jsquad_index / "no-corpus")),
                  questions, [a.id for a in chosen])
    for text in args.variants or [""]:
        variant = Variant.parse(text)
        with applied(variant, reader.retriever()):
            line = f"{text or 'shipped':22} {reader_figures(reader, sets, spans)}"
        print(line, flush=True)
        if jsquad is not None:
            with applied(variant, jsquad[0].retriever()):
                print(f"{'':22} {jsquad_figures(*jsquad)}", flush=True)


# -- refit: the third suspect --------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Ranked:
    """One question's candidates as the product ranks them."""

    group: str  # set1..set3, jsq-tune, jsq-report
    inputs: np.ndarray  # sentences.model_inputs
    trees: np.ndarray  # the shipped trees' score less reader_rules' penalties
    cosine: np.ndarray  # raw e5 cosine of question and sentence
    holds: np.ndarray  # 1.0 where the sentence holds an expected string


def ranked(assistant: Assistant, question: str, history: list[object], expect: Sequence[str],
           top_k: int, group: str) -> Ranked | None:
    retriever = assistant.retriever()
    query = search_query(question, history)  # type: ignore[arg-type]
    parts = asked_parts(question)
    passages = in_parts(retriever.retrieve(query, 50, None), parts, retriever, top_k) \
        if parts else passages_for(question, retriever.retrieve(query, top_k, None).passages,
                                   retriever)
    candidates = sentences.candidate_sentences(passages)
    if not candidates:
        return None
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    question_vector = assistant.embedder.embed_query(question)
    described = sentences.describe_candidates(question, "ja", question_vector, candidates,
                                              vectors, retriever)
    if not described.trees_apply:
        return None
    contexts = described.contexts
    return Ranked(group, sentences.model_inputs(described.features, contexts),
                  described.scores(), vectors @ question_vector,
                  np.array([any(e in c.text for e in expect) for c in contexts], float))


def collect(args: argparse.Namespace) -> list[Ranked]:
    reader = Assistant(load_settings(corpus_dir=args.corpus, index_dir=args.index))
    reader.ensure_index(progress=False)
    rows: list[Ranked | None] = []
    for n, (_, questions) in enumerate(tune_questions(), start=1):
        for q in questions:
            if q.expect_decline or intent(q.question) != "fact" \
                    or reader.ask(q.question, list(q.history)).abstained:
                continue
            rows.append(ranked(reader, q.question, list(q.history), q.expect, 5, f"set{n}"))
    jsquad = Assistant(load_settings(index_dir=args.jsquad_index,
                                     corpus_dir=args.jsquad_index / "no-corpus"))
    for question in select(*load_jsquad(args.jsquad), args.limit)[1]:
        rows.append(ranked(jsquad, question.text, [], question.answers, 10,
                           f"jsq-{question.half}"))
    return [row for row in rows if row is not None]


Scorer = Callable[[Ranked], np.ndarray]


def top1(rows: Sequence[Ranked], score: Scorer) -> int:
    return sum(bool(r.holds[int(np.argmax(score(r)))]) for r in rows)


def logit_columns(row: Ranked) -> np.ndarray:
    return np.hstack([row.trees[:, None], row.inputs[:, :len(sentences.FEATURES)],
                      row.cosine[:, None], (row.cosine - row.cosine.max())[:, None]])


def fit_logit(rows: Sequence[Ranked], l2: float) -> Scorer:
    """A conditional logit (softmax over each question's candidates) starting from, and
    shrunk towards, the trees' score alone."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    used = [r for r in rows if r.holds.any()]
    width = logit_columns(used[0]).shape[1]
    anchor = np.zeros(width)
    anchor[0] = 1.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = l2 * float((w - anchor) @ (w - anchor)), 2 * l2 * (w - anchor)
        for row in used:
            x = logit_columns(row)
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            y = row.holds / row.holds.sum()
            total -= float(y @ np.log(p + 1e-12))
            gradient = gradient - x.T @ (y - p)
        return total, gradient

    weights = minimize(loss, anchor, jac=True, method="L-BFGS-B").x
    return lambda row: logit_columns(row) @ weights


def fit_trees(rows: Sequence[Ranked]) -> Scorer:
    """Trees on the model inputs (as bench/fit_sentences.py), less reader_rules' penalties
    taken from the shipped score's difference to the raw trees."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]

    model = HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=200, max_leaf_nodes=7, min_samples_leaf=40,
        l2_regularization=1.0, random_state=0)
    model.fit(np.vstack([r.inputs for r in rows]), np.concatenate([r.holds for r in rows]))
    shipped = sentences.sentence_model()
    return lambda row: model.decision_function(row.inputs) \
        - (shipped.predict(row.inputs) - row.trees)


def refit(args: argparse.Namespace) -> None:
    rows = collect(args)
    groups = ("set1", "set2", "set3")
    of = {g: [r for r in rows if r.group == g] for g in (*groups, "jsq-tune", "jsq-report")}
    print("questions: " + ", ".join(f"{g} {len(v)}" for g, v in of.items()))
    fitters: dict[str, Callable[[Sequence[Ranked]], Scorer]] = {
        "logit l2=1": lambda rs: fit_logit(rs, 1.0),
        "logit l2=10": lambda rs: fit_logit(rs, 10.0),
        "trees refitted": fit_trees,
    }
    shipped: Scorer = lambda row: row.trees  # noqa: E731
    print("shipped trees: " + ", ".join(f"{g} {top1(v, shipped)}" for g, v in of.items()))
    for name, fitter in fitters.items():
        held = {g: top1(of[g], fitter([r for r in rows if r.group not in (g, "jsq-report")]))
                for g in groups}
        everything = fitter([r for r in rows if r.group != "jsq-report"])
        print(f"{name}: leave-one-set-out " + ", ".join(f"{g} {v}" for g, v in held.items())
              + f" = {sum(held.values())}; JSQuAD report {top1(of['jsq-report'], everything)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("command", choices=("answers", "refit"))
    parser.add_argument("variants", nargs="*", help='e.g. "" depth=5,prior=1 strip=1')
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--jsquad", type=Path, default=None)
    parser.add_argument("--jsquad-index", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_intermixed_args()  # variants may follow the options
    if args.jsquad and args.jsquad_index is None:
        sys.exit("error: --jsquad needs --jsquad-index (an index `assistant eval jsquad "
                 "--keep-index` built)")
    if args.command == "refit" and not args.jsquad:
        sys.exit("error: refit needs --jsquad and --jsquad-index")
    answers(args) if args.command == "answers" else refit(args)


if __name__ == "__main__":
    main()
