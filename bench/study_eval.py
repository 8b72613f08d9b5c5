"""The study guide measured: timeline dates on JSQuAD's dated answers, the quiz round trip
on the seeds and on JSQuAD articles.

    PYTHONPATH=. python bench/study_eval.py timeline --data jsquad-valid-v1.3.json
    PYTHONPATH=. python bench/study_eval.py quiz --data jsquad-valid-v1.3.json --articles 12
    PYTHONPATH=. python bench/study_eval.py seeds [--index DIR]

**timeline**: JSQuAD has no date annotations, but its answers to いつ / 何年 questions are
date expressions of their paragraph (「1560年」, 「10月中旬」). Each answer that names a
year, month or day in digits is a gold date; its sentence is a dated sentence. Found: a
date mention of timeline.find_dates overlaps the answer span; right: the year, month and
day written in the answer equal the mention's (`named`). With ja-timex importable
(`pip install ja-timex`, or PYTHONPATH to a folder holding it), the same for its TIMEX
values, and its load and parse time. `--show N` prints N misses (to read them).

**quiz**: the guide of N JSQuAD articles (the first N titles, indexed in a temporary
folder) and of the seeds; each quiz question is asked with `Assistant.ask` over all the
indexed articles; a round trip holds when [1] is the quiz item's cited sentence.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from assistant.chunking import split_sentences
from assistant.evaluate import load_jsquad
from assistant.timeline import DateMention, Reference, find_dates

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_GOLD = re.compile(r"(?:(\d{3,4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})日)?")


def gold_dates(data: Path) -> list[tuple[str, int, int, tuple[int, int, int]]]:
    """(sentence, answer start, answer end in it, (year, month, day) written) for each
    JSQuAD answer that writes a date in digits (first answer of each question)."""
    raw = json.loads(data.read_text(encoding="utf-8"))["data"]
    found, seen = [], set()
    for entry in raw:
        for paragraph in entry["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                if not qa["answers"]:
                    continue
                answer = qa["answers"][0]
                written = _written(answer["text"])
                start = answer["answer_start"]
                if written is None or (context, start) in seen:
                    continue
                seen.add((context, start))
                sentence = _sentence_at(context, start)
                if sentence is not None:
                    a = start - sentence[0]
                    found.append((context[sentence[0] : sentence[1]], a,
                                  a + len(answer["text"]), written))
    return found


def _written(answer: str) -> tuple[int, int, int] | None:
    text = answer.translate(_DIGITS)
    for match in _GOLD.finditer(text):
        if match.group(0) and any(match.groups()):
            year, month, day = (int(g) if g else 0 for g in match.groups())
            if month <= 12 and day <= 31 and (year or month):
                return year, month, day
    return None


def _sentence_at(context: str, offset: int) -> tuple[int, int] | None:
    return next(((s.start, s.end) for s in split_sentences(context)
                 if s.start <= offset < s.end), None)


def _agrees(mention: DateMention, written: tuple[int, int, int]) -> bool:
    named = mention.named if mention.named != (0, 0, 0) else mention.first
    return all(w == 0 or w == abs(n) for w, n in zip(written, named, strict=True))


def sample_mentions(data: Path, n: int) -> None:
    """n random date mentions over every JSQuAD sentence, to read (precision by eye)."""
    import random

    raw = json.loads(data.read_text(encoding="utf-8"))["data"]
    sentences = [p["context"][s.start : s.end] for e in raw for p in e["paragraphs"]
                 for s in split_sentences(p["context"])]
    mentions = [(text, m) for text in dict.fromkeys(sentences)
                for m in find_dates(text, Reference(2020, guessed=True))]
    print(f"{len(mentions)} mentions in {len(set(sentences))} sentences; a sample of {n}:")
    for text, m in random.Random(15).sample(mentions, min(n, len(mentions))):
        around = text[max(0, m.start - 20) : m.end + 20]
        print(f"  {text[m.start : m.end]:>14} -> {m.iso():<22} | {around}")


def run_timeline(data: Path, show: int) -> None:
    golds = gold_dates(data)
    reference = Reference(2020, guessed=True)  # JSQuAD articles have no date
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    misses = []
    for sentence, a, b, written in golds:
        mentions = [m for m in find_dates(sentence, reference) if m.start < b and a < m.end]
        counts["found"] += bool(mentions)
        right = any(_agrees(m, written) for m in mentions)
        counts["right"] += right
        if not right:
            misses.append((sentence[a:b], sentence))
    ours_ms = (time.perf_counter() - started) * 1000
    print(f"dated JSQuAD answers: {len(golds)} (sentences with a date in the gold answer)")
    print(f"timeline.find_dates: found {counts['found'] / len(golds):.3f}, "
          f"right values {counts['right'] / len(golds):.3f}, {ours_ms / len(golds):.2f} ms "
          "a sentence")
    for answer, sentence in misses[:show]:
        print(f"  miss: {answer} | {sentence[:100]}")
    _timex(golds)


def _timex(golds: list[tuple[str, int, int, tuple[int, int, int]]]) -> None:
    """The same golds through ja-timex, when it can be imported."""
    started = time.perf_counter()
    try:
        from ja_timex import TimexParser  # type: ignore[import-not-found]
    except ImportError:
        print("ja-timex: not importable (skipped)")
        return
    parser = TimexParser()
    loaded = time.perf_counter() - started
    found = right = 0
    started = time.perf_counter()
    for sentence, a, b, written in golds:
        hits = [t for t in parser.parse(sentence) if t.span[0] < b and a < t.span[1]
                and t.type == "DATE"]
        found += bool(hits)
        right += any(_timex_agrees(t.value, written) for t in hits)
    per = (time.perf_counter() - started) * 1000 / len(golds)
    print(f"ja-timex: found {found / len(golds):.3f}, right values {right / len(golds):.3f}, "
          f"{per:.2f} ms a sentence, import + parser {loaded:.2f} s")


def _timex_agrees(value: str, written: tuple[int, int, int]) -> bool:
    parts = [*value.split("-"), "", "", ""][:3]
    numbers = [int(p) if p.isdigit() else 0 for p in parts]
    return all(w == 0 or w == n for w, n in zip(written, numbers, strict=True))


def round_trip(assistant: object, guide: object) -> tuple[int, int, Counter[str]]:
    """(held, asked, held per kind) of the guide's quiz questions."""
    held = asked = 0
    per_kind: Counter[str] = Counter()
    for article in guide.articles:  # type: ignore[attr-defined]
        for item in article.quiz:
            answer = assistant.ask(item.question)  # type: ignore[attr-defined]
            first = answer.citations[0] if answer.citations else None
            ok = first is not None and (first.article_id, first.start) == (
                item.citation.article_id, item.citation.start)
            held += ok
            asked += 1
            if not ok:
                print(f"  missed ({item.kind}): {item.question} -> [1] "
                      f"{first.quote[:60] if first else '(declined)'}")
            per_kind[f"{item.kind} {'held' if ok else 'missed'}"] += 1
    return held, asked, per_kind


def run_quiz(data: Path | None, articles: int, index: Path | None) -> None:
    from assistant.qa import Assistant
    from assistant.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        if data is None:
            assistant = Assistant(load_settings(corpus_dir=Path("corpus"),
                                                index_dir=index or Path(tmp) / "index"))
            assistant.ensure_index(progress=False)
            name = "seeds"
        else:
            chosen = load_jsquad(data)[0][:articles]
            assistant = Assistant(load_settings(index_dir=index or Path(tmp) / "index"))
            assistant.index_articles(chosen, progress=False)
            name = f"JSQuAD, first {len(chosen)} articles"
        assistant.retriever()  # the revision loaded and calibrated before timing the guide
        started = time.perf_counter()
        guide = assistant.study_guide()
        built = (time.perf_counter() - started) * 1000
        held, asked, kinds = round_trip(assistant, guide)
    print(f"{name}: guide built in {built:.0f} ms; quiz round trip {held}/{asked} = "
          f"{held / max(asked, 1):.3f}; {dict(sorted(kinds.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["timeline", "quiz", "seeds"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--sample", type=int, default=0,
                        help="timeline: also print this many random mentions to read")
    args = parser.parse_args()
    if args.what == "timeline":
        run_timeline(args.data, args.show)
        if args.sample:
            sample_mentions(args.data, args.sample)
    elif args.what == "quiz":
        run_quiz(args.data, args.articles, args.index)
    else:
        run_quiz(None, 0, args.index)


if __name__ == "__main__":
    main()
