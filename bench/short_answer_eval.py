"""The short answer on JSQuAD: exact match and character F1 of the phrase shown in [1].

    python bench/short_answer_eval.py --data jsquad-valid-v1.3.json \
        [--index bench/.cache/jsquad-index] [--quotes bench/.cache/jsquad-quotes.json]

Stage 1 (once): build the JSQuAD index with the product's own pipeline (kept in --index;
reused when present) and ask every question through `Assistant.ask`, keeping the quote of
citation [1] of each answered one in --quotes. Stage 2: run `short_answer.asked_kind` and
`short_answer.extract` on each quote and score the shown phrases against the gold answers
(max over JSQuAD's several golds) — on the report half of evaluate.py's split by title
(the tuning half is what bench/fit_short_answer.py fits on). `--oracle` scores the
sentence holding the gold answer instead of [1] (the development loop).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluate import Question, load_jsquad
from assistant.short_answer import asked_kind, char_f1, extract, load_threshold

HERE = Path(__file__).parent
CACHE = HERE / ".cache"


@dataclass(frozen=True)
class Case:
    """One question with the sentence the extractor reads (None: the product declined)."""

    question: Question
    sentence: str | None


def collect_quotes(data: Path, index_dir: Path, quotes_path: Path) -> None:
    """Index JSQuAD (or reuse the kept index) and store each question's [1] quote."""
    from assistant.qa import Assistant
    from assistant.settings import load_settings

    articles, questions = load_jsquad(data)
    assistant = Assistant(load_settings(index_dir=index_dir))
    started = time.perf_counter()
    assistant.index_articles(articles, progress=True)
    print(f"index ready in {time.perf_counter() - started:.0f} s")
    quotes: dict[str, str | None] = {}
    for number, question in enumerate(questions):
        answer = assistant.ask(question.text, top_k=10)
        quotes[question.id] = (None if answer.abstained or not answer.citations
                               else answer.citations[0].quote)
        if number % 500 == 0:
            print(f"{number}/{len(questions)} asked", flush=True)
    quotes_path.parent.mkdir(parents=True, exist_ok=True)
    quotes_path.write_text(json.dumps(quotes, ensure_ascii=False), encoding="utf-8")


SEED_QUESTIONS = (
    "ウィトコフ特使と通話したロシア高官は誰ですか？",
    "通話はいつ行われましたか？",
    "ブダペスト覚書は何年のものですか？",
    "和平案は何項目から成りますか？",
    "協議されていた和平案は何項目でしたか？",
    "Who did Witkoff talk to?",
    "When did the call take place?",
    "なぜウクライナは反発しているのですか？",
)


def seed_demo(corpus: Path, index_dir: Path) -> None:
    """The short answer on citation [1] of seed-corpus questions, indexed (once, kept in
    index_dir) by the product's own pipeline."""
    from assistant.qa import Assistant
    from assistant.settings import load_settings

    assistant = Assistant(load_settings(corpus_dir=corpus, index_dir=index_dir))
    assistant.ensure_index(progress=False)
    for question in SEED_QUESTIONS:
        answer = assistant.ask(question)
        quote = answer.citations[0].quote if answer.citations else ""
        kind = asked_kind(question)
        found = extract(question, quote, kind) if quote else None
        verdict = ("no kind asked" if kind is None else "no candidate" if found is None
                   else f"{'SHOWN' if found.confidence >= load_threshold() else 'hidden'} "
                        f"「{found.text}」 confidence {found.confidence:.2f}")
        print(f"{question}\n  kind {kind.value if kind else None}: {verdict}\n"
              f"  [1] {quote[:90]}")


def oracle_sentence(body: str, question: Question) -> str | None:
    """The sentence (split at 。) of the gold paragraph holding the first gold answer."""
    paragraph = body[question.gold_start : question.gold_end]
    for answer in question.answers:
        at = paragraph.find(answer)
        if at < 0:
            continue
        start = paragraph.rfind("。", 0, at) + 1
        end = paragraph.find("。", at + len(answer))
        return paragraph[start : end + 1 if end >= 0 else len(paragraph)]
    return None


def best_f1(predicted: str, golds: tuple[str, ...]) -> float:
    return max((char_f1(predicted, g) for g in golds), default=0.0)


@dataclass(frozen=True)
class Scored:
    """One extraction with a kind asked: its confidence and how right it is."""

    confidence: float
    exact: bool
    f1: float
    kind: str


def run_extractor(cases: list[Case]) -> tuple[list[Scored], dict[str, int], list[float]]:
    """Extract on every case; the scored extractions, counts, and per-call milliseconds."""
    scored: list[Scored] = []
    counts = {"questions": len(cases), "answered": 0, "kind_asked": 0, "candidate": 0}
    timings: list[float] = []
    for case in cases:
        if case.sentence is None:
            continue
        counts["answered"] += 1
        kind = asked_kind(case.question.text)
        if kind is None:
            continue
        counts["kind_asked"] += 1
        started = time.perf_counter()
        found = extract(case.question.text, case.sentence, kind)
        timings.append((time.perf_counter() - started) * 1000)
        if found is None:
            continue
        counts["candidate"] += 1
        assert case.sentence[found.start : found.end] == found.text
        scored.append(Scored(found.confidence, found.text in case.question.answers,
                             best_f1(found.text, case.question.answers), kind.value))
    return scored, counts, timings


def at_threshold(scored: list[Scored], counts: dict[str, int], threshold: float
                 ) -> dict[str, float]:
    shown = [s for s in scored if s.confidence >= threshold]
    n = len(shown) or 1
    return {
        "threshold": threshold,
        "shown": len(shown),
        "precision_f1>=0.8": round(sum(s.f1 >= 0.8 for s in shown) / n, 4),
        "exact_match": round(sum(s.exact for s in shown) / n, 4),
        "mean_f1": round(sum(s.f1 for s in shown) / n, 4),
        "shown/answered": round(len(shown) / max(counts["answered"], 1), 4),
        "shown/kind_asked": round(len(shown) / max(counts["kind_asked"], 1), 4),
    }


def build_cases(data: Path, quotes_path: Path | None, half: str) -> list[Case]:
    articles, questions = load_jsquad(data)
    bodies = {a.id: a.body for a in articles}
    chosen = [q for q in questions if half == "all" or q.half == half]
    if quotes_path is None:
        return [Case(q, oracle_sentence(bodies[q.article_id], q)) for q in chosen]
    quotes = json.loads(quotes_path.read_text(encoding="utf-8"))
    return [Case(q, quotes.get(q.id)) for q in chosen]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=CACHE / "jsquad-index")
    parser.add_argument("--quotes", type=Path, default=CACHE / "jsquad-quotes.json")
    parser.add_argument("--half", choices=["report", "tune", "all"], default="report")
    parser.add_argument("--oracle", action="store_true",
                        help="score the gold sentence instead of citation [1]")
    parser.add_argument("--collect-only", action="store_true")
    parser.add_argument("--seed", type=Path, default=None,
                        help="also show the seed questions' answers on this corpus folder")
    args = parser.parse_args()
    if args.seed:
        seed_demo(args.seed, CACHE / "seed-index")
    if not args.oracle and not args.quotes.exists():
        collect_quotes(args.data, args.index, args.quotes)
    if args.collect_only:
        return
    cases = build_cases(args.data, None if args.oracle else args.quotes, args.half)
    scored, counts, timings = run_extractor(cases)
    shipped = load_threshold()
    print(json.dumps({"source": "oracle sentence" if args.oracle else "citation [1]",
                      "half": args.half, **counts,
                      "extract_ms_p50": round(statistics.median(timings), 3),
                      "extract_ms_p95": round(sorted(timings)[int(0.95 * len(timings))], 3),
                      "shipped": at_threshold(scored, counts, shipped)}, ensure_ascii=False))
    by_kind = {}
    for kind in sorted({s.kind for s in scored}):
        of_kind = [s for s in scored if s.kind == kind]
        shown_kind = [s for s in of_kind if s.confidence >= shipped]
        by_kind[kind] = (f"{len(shown_kind)}/{len(of_kind)} shown, right "
                         f"{sum(s.f1 >= 0.8 for s in shown_kind) / max(len(shown_kind), 1):.3f}")
    print(json.dumps(by_kind, ensure_ascii=False))
    print("| threshold | shown | precision (F1 ≥ 0.8) | EM | mean F1 | shown/answered "
          "| shown/kind asked |")
    print("|---|---|---|---|---|---|---|")
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, shipped):
        row = at_threshold(scored, counts, threshold)
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
