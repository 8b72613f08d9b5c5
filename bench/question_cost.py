"""CPU time of one question: a normal one against 2,000-character ones (the longest
accepted), in process, on the seed articles.

    python bench/question_cost.py [--index DIR] [--rounds 3] [--profile]

A long question must cost at most ~5x a normal one (the search query that is embedded
and the BM25 / sentence-feature terms are capped; the question shown stays whole), so a
few clients sending long questions cannot hold the cores. CPU time (process_time) is
measured, not wall time, so other load on the machine matters less. `--profile` prints
the top functions (cProfile) of one long question.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from assistant.qa import Assistant
from assistant.settings import load_settings

HERE = Path(__file__).parent
NORMAL = ["ウィトコフ特使と通話したロシア高官は誰ですか？", "その通話はいつ行われましたか？",
          "Who did Witkoff talk to?", "和平案は何項目ですか？"]


def long_questions(seed: int) -> list[str]:
    """2,000-character questions of the kinds a client might send: many different words
    (Japanese and English), one repeated question, random letters."""
    rng = random.Random(seed)
    words = ["ウクライナ", "ロシア", "和平案", "通話", "特使", "大統領", "交渉", "停戦", "領土",
             "安全保障", "欧州", "米国", "Witkoff", "Ushakov", "peace", "plan", "call", "envoy",
             "talks", "ceasefire"]
    mixed = " ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(400))
    letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzあいうえおかきくけこ漢字語文 ")
                      for _ in range(2000))
    return [mixed[:2000], (NORMAL[0] * 100)[:2000], letters]


def cpu_per_question(assistant: Assistant, questions: list[str], rounds: int) -> float:
    """Mean CPU milliseconds per question (each text made new per round: no cache)."""
    started = time.process_time()
    for round_ in range(rounds):
        for question in questions:
            assistant.ask(f"{question[:1990]} ({round_})" if round_ else question)
    return (time.process_time() - started) * 1000 / (rounds * len(questions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder of the seed articles (default: built in a temp dir)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    index_dir = args.index or Path(tempfile.mkdtemp(prefix="question-cost-"))
    assistant = Assistant(load_settings(corpus_dir=HERE.parent / "corpus", index_dir=index_dir))
    assistant.ensure_index(progress=False)
    assistant.ask("ウォームアップ warm-up")
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            assistant.ask(long_questions(0)[0])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    normal = cpu_per_question(assistant, NORMAL, args.rounds)
    long = cpu_per_question(assistant, long_questions(1), args.rounds)
    print(f"normal question: {normal:7.1f} ms CPU")
    print(f"2,000 characters: {long:7.1f} ms CPU ({long / normal:.1f}x a normal one)")


if __name__ == "__main__":
    main()
