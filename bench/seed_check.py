"""Seed-corpus questions in Japanese and English: cited right? declined when off-topic?

    python bench/seed_check.py [--index DIR] [--questions FILE]

Prints, per question, the best dense score, whether it was answered, and whether a
citation holds the expected string; then the totals per language ("good": answered with
the string in some citation / declined when off-topic; "in [1]": in citation [1]).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.corpus import detect_language
from assistant.qa import Assistant
from assistant.settings import load_settings

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--questions", type=Path, default=HERE / "seed_questions.json",
                        help="also bench/english_questions.json (held-out English ones)")
    args = parser.parse_args()
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    assistant = Assistant(load_settings(corpus_dir=args.corpus, index_dir=args.index))
    assistant.ensure_index()
    totals: dict[str, dict[str, int]] = {}
    items = [(q["q"], q["expect"]) for q in questions["answerable"]]
    items += [(q, None) for q in questions.get("off_topic", [])]
    for question, expect in items:
        answer = assistant.ask(question)
        found = assistant.retriever().retrieve(answer.query, assistant.settings.top_k)
        signals = (f"z={assistant.decline_rule().z(found, detect_language(question)):5.2f} "
                   f"dense_top={found.dense_top:.3f} kw_ratio={found.keyword_ratio:5.2f}")
        kind = "answerable" if expect else "off_topic"
        good = (not answer.abstained and any(expect in c.quote for c in answer.citations)
                if expect else answer.abstained)
        first = bool(expect and answer.citations and expect in answer.citations[0].quote)
        key = f"{detect_language(question)} {kind}"
        totals.setdefault(key, {"good": 0, "of": 0, **({"in [1]": 0} if expect else {})})
        totals[key]["good"] += good
        if expect:
            totals[key]["in [1]"] += first
        totals[key]["of"] += 1
        print(f"{'ok ' if good else 'BAD'} {signals} {kind:10} {question}")
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
