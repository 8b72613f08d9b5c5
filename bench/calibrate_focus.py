"""Choose the focus-aware decline thresholds on JSQuAD's tuning half (report half printed
beside, never used for the choice).

    python bench/calibrate_focus.py --data jsquad-valid-v1.3.json --index DIR [--dump F]

For every question, asked normally and with its article held out (as `assistant eval
jsquad` does), it records the relevance z-score and which focus terms (focus.py) no
article in scope contains, then prints answerable-kept / held-out-declined for a grid of
(z when every focus term is found, z when a word is missing), then of (z when every
focus term is found but no top-5 passage holds them all, z when one does: the passage
an answer quotes); a missing name always declines. Chosen: the pair farthest from both
targets on the tuning half (max of min(kept - 0.95, declined - 0.90)), ties to the higher.
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

TOP = 5  # passages an answer is drawn from (settings.top_k)
Z_NO_FOCUS = 2.22  # settings.decline_z: a question without focus terms


@dataclass(frozen=True)
class Case:
    half: str
    held_out: bool
    z: float
    missing_name: bool
    missing_word: bool
    has_focus: bool
    # every focus term occurs in one of the top 5 passages (not only somewhere in scope)
    focus_in_top: bool = False
    # every focus term is a name (「ジュネーブでは何があったの？」)
    names_only: bool = False
    # one of the top 5 passages holds every focus term
    focus_in_one: bool = False


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
            top = [normalise(p.text) for p in found.passages[:TOP]]
            found_cases.append(Case(q.half, held_out, rule.z(found, "ja"),
                                    any(t.is_name for t in missing),
                                    any(not t.is_name for t in missing), bool(focus),
                                    bool(focus) and not missing_focus(focus, top),
                                    bool(focus) and all(t.is_name for t in focus),
                                    bool(focus) and any(not missing_focus(focus, [text])
                                                        for text in top)))
    return found_cases


def answered(case: Case, z_found: float, z_missing_word: float,
             z_in_passages: float | None = None) -> bool:
    """The decline rule of refusal.DeclineRule.threshold for a question in the corpus's
    language (z_in_passages None: the same as z_found)."""
    if case.missing_name:
        return False
    if case.missing_word:
        return case.z >= z_missing_word
    if case.focus_in_one and z_in_passages is not None:
        return case.z >= z_in_passages
    return case.z >= (z_found if case.has_focus else Z_NO_FOCUS)


def rates(cases: list[Case], half: str, z_found: float, z_word: float,
          z_in_passages: float | None) -> str:
    normal = [c for c in cases if c.half == half and not c.held_out]
    held = [c for c in cases if c.half == half and c.held_out]
    kept = sum(answered(c, z_found, z_word, z_in_passages) for c in normal) / len(normal)
    declined = sum(not answered(c, z_found, z_word, z_in_passages) for c in held) / len(held)
    return f"{half} kept {kept:.4f} declined {declined:.4f}"


def table(all_cases: list[Case]) -> None:
    for half in ("tune", "report"):
        print(f"== {half}: {sum(c.half == half and not c.held_out for c in all_cases)} questions")
        for z_found in (1.0, 1.25, 1.5, 1.75, 2.0, 2.22, 2.5):
            for z_word in (2.22, 3.0, 4.0, 5.0, 99.0):
                print(f"z_found {z_found:4.2f} z_missing_word {z_word:5.2f}: "
                      + rates(all_cases, half, z_found, z_word, None))
    print("== z_found (all found, no top passage holds all) x z_in_passages (one does), "
          "z_missing_word 3.0")
    for z_found in (1.75, 2.0, 2.25, 2.5, 2.75, 3.0):
        for z_top in (-0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75):
            print(f"z_found {z_found:4.2f} z_in_passages {z_top:4.2f}: "
                  + rates(all_cases, "tune", z_found, 3.0, z_top)
                  + "   " + rates(all_cases, "report", z_found, 3.0, z_top))


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
