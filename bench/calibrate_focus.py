"""Choose the focus-aware decline thresholds on JSQuAD's tuning half (report half printed
beside, never used for the choice).

    python bench/calibrate_focus.py --data jsquad-valid-v1.3.json --index DIR [--dump F]

For every question, asked normally and with its article held out (as `assistant eval
jsquad` does), it records the relevance z-score and which focus terms (focus.py) no
article in scope contains, then prints answerable-kept / held-out-declined for a grid of
(z when every focus term is found, z when a word is missing); a missing name always
declines.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluate import load_jsquad
from assistant.focus import missing_focus, normalise, question_focus
from assistant.qa import Assistant
from assistant.settings import load_settings


@dataclass(frozen=True)
class Case:
    half: str
    held_out: bool
    z: float
    missing_name: bool
    missing_word: bool
    has_focus: bool


def cases(assistant: Assistant, data: Path, limit: int | None) -> list[Case]:
    articles, questions = load_jsquad(data)
    assistant.index_articles(articles, progress=True)
    retriever, rule = assistant.retriever(), assistant.decline_rule()
    texts = {a.id: normalise(f"{a.title}\n{a.body}") for a in articles}
    found_cases = []
    for q in questions[:limit]:
        focus = question_focus(q.text)
        for held_out in (False, True):
            scope = [i for i in texts if i != q.article_id] if held_out else None
            found = retriever.retrieve(q.text, 10, scope)
            missing = missing_focus(focus, [texts[i] for i in (scope or texts)])
            found_cases.append(Case(q.half, held_out, rule.z(found, "ja"),
                                    any(t.is_name for t in missing),
                                    any(not t.is_name for t in missing), bool(focus)))
    return found_cases


def answered(case: Case, z_found: float, z_missing_word: float) -> bool:
    if case.missing_name:
        return False
    return case.z >= (z_missing_word if case.missing_word else z_found)


def table(all_cases: list[Case]) -> None:
    for half in ("tune", "report"):
        normal = [c for c in all_cases if c.half == half and not c.held_out]
        held = [c for c in all_cases if c.half == half and c.held_out]
        print(f"== {half}: {len(normal)} questions")
        for z_found in (1.0, 1.25, 1.5, 1.75, 2.0, 2.22, 2.5):
            for z_word in (2.22, 3.0, 4.0, 5.0, 99.0):
                kept = sum(answered(c, z_found, z_word) for c in normal) / len(normal)
                declined = sum(not answered(c, z_found, z_word) for c in held) / len(held)
                print(f"z_found {z_found:4.2f} z_missing_word {z_word:5.2f}: "
                      f"kept {kept:.4f} declined {declined:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    assistant = Assistant(load_settings(index_dir=args.index))
    found = cases(assistant, args.data, args.limit)
    if args.dump:
        args.dump.write_text(json.dumps([c.__dict__ for c in found]), encoding="utf-8")
    table(found)


if __name__ == "__main__":
    main()
