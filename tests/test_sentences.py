"""Sentence choice (assistant/sentences.py): its features on real text, the shipped trees,
and their use by the real service on the seed articles."""

import json

import numpy as np

from assistant.sentences import (
    FEATURES,
    MODEL_PATH,
    CandidateContext,
    TreeEnsemble,
    model_inputs,
    names_something_new,
    question_slot,
    rank_sentences,
    sentence_model,
    slot_fit,
)

from .conftest import SEED_CORPUS


def test_question_slot_is_the_text_around_the_question_word():
    assert question_slot("梅雨の半ばに一旦天気が回復する期間を何という？") == ("る期間を", "という")
    assert question_slot("ドミニカ国の首都はどこですか？") == ("の首都は", "")
    assert question_slot("Which book?") is None


def test_slot_fit_finds_both_sides_with_the_answer_between():
    slot = question_slot("ウィトコフ氏はどこの停戦交渉で成果を挙げましたか？")
    assert slot == ("コフ氏は", "の停戦交")
    gold = slot_fit(slot, "ウィトコフ氏はガザの停戦交渉で成果を挙げた。")
    other = slot_fit(slot, "ウィトコフ氏は不動産業者の出身である。")
    assert gold == (1.0, 1.0, 1.0)
    assert other == (1.0, 0.0, 0.0)
    assert slot_fit(None, "何でも") == (0.0, 0.0, 0.0)


def test_new_names_are_found_by_part_of_speech():
    question, places = "ドミニカ国はどこの植民地だった？", frozenset({"place", "name"})
    assert names_something_new(question, "同国は旧イギリス植民地であり、…。", places)
    assert not names_something_new(question, "ドミニカ国は島国である。", places)
    assert names_something_new("人口は？", "人口は約701万人。", frozenset({"number"}))


def test_shipped_trees_load_and_score_every_candidate():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)  # fitted on the features computed today
    model = sentence_model()
    contexts = [CandidateContext(f"文{i}。", f"文{i - 1}。", f"文{i + 1}。", i % 3)
                for i in range(6)]
    features = np.random.default_rng(0).normal(size=(6, len(FEATURES)))
    inputs = model_inputs(features, contexts)
    assert inputs.shape == (6, 4 * len(FEATURES))
    scores = model.predict(inputs)
    assert scores.shape == (6,) and np.isfinite(scores).all()
    assert sorted(rank_sentences(features, contexts)) == list(range(6))
    assert rank_sentences(np.zeros((0, len(FEATURES))), []) == []


def test_tree_ensemble_walks_each_tree_to_its_leaf():
    # one tree: x0 <= 0.5 -> leaf 1.0 else (x1 <= 0 -> 2.0 else 3.0); a second: always 0.5
    trees = TreeEnsemble({
        "feature": [0, 0, 1, 0, 0, 0], "threshold": [0.5, 0, 0.0, 0, 0, 0],
        "left": [1, 0, 3, 0, 0, 0], "right": [2, 0, 4, 0, 0, 0],
        "value": [0, 1.0, 0, 2.0, 3.0, 0.5], "leaf": [0, 1, 0, 1, 1, 1],
        "roots": [0, 5], "depth": 3, "baseline": -1.0,
    })
    x = np.array([[0.2, 9.0], [0.9, -1.0], [0.9, 1.0]])
    assert trees.predict(x).tolist() == [0.5, 1.5, 2.5]


def test_answers_quote_up_to_three_sentences_best_first(seed_assistant):
    answer = seed_assistant.ask("ウィトコフ特使と通話したロシア高官は誰ですか？")
    assert len(answer.citations) == seed_assistant.settings.max_answer_sentences
    assert "ウシャコフ" in answer.citations[0].quote
    assert len({(c.article_id, c.start) for c in answer.citations}) == len(answer.citations)



def test_a_question_in_another_language_is_ranked_by_similarity(seed_assistant):
    """The trees saw only Japanese questions about Japanese articles; an English question
    over them ranks by e5 similarity even when SudachiPy finds a shared term (news →
    ニュース)."""
    from assistant import sentences
    from assistant.corpus import detect_language

    retriever = seed_assistant.retriever()
    # the same candidates for both, passages with ニュース (an English question's own
    # passages come from its Japanese expansion now, english_reader.py)
    passages = retriever.retrieve("表面的な「進展」のニュース 通話録音の流出を報じた", 5).passages
    for question, trees in [("Which news outlet reported the leaked recording?", False),
                            ("通話録音の流出を報じたのはどこですか？", True)]:
        found = retriever.retrieve(question, 5)
        candidates = sentences.candidate_sentences(passages)
        vectors = retriever.sentence_vectors(
            [(c.article_id, c.start, c.end) for c in candidates])
        overlap = sentences.Overlap(question, retriever.keyword)
        assert any(any(overlap.of(c.passage.text)) for c in candidates)  # a shared term
        language = detect_language(question)
        described = sentences.describe_candidates(question, language, found.query_vector,
                                                  candidates, vectors, retriever)
        assert described.trees_apply is trees
        if not trees:
            ranked = sentences.best_sentences(question, language, found.query_vector,
                                              candidates, vectors, retriever)
            similarity = vectors @ found.query_vector
            assert ranked == np.argsort(-similarity, kind="stable").tolist()


FEATURES_SCRIPT = """
import hashlib, sys
from pathlib import Path
from assistant import sentences
from assistant.qa import Assistant
from assistant.settings import load_settings

assistant = Assistant(load_settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2])))
retriever = assistant.retriever()
digest = hashlib.sha256()
for question in sys.argv[3:]:
    found = retriever.retrieve(question, 5)
    candidates = sentences.candidate_sentences(found.passages)
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    described = sentences.describe_candidates(question, "ja", found.query_vector, candidates,
                                              vectors, retriever)
    digest.update(described.features.tobytes())
print(digest.hexdigest())
"""


def test_features_are_the_same_bits_whatever_the_string_hashing(seed_index_dir):
    """Term sets iterate in an order that changes with each process's hash seed; sums over
    them must not (a last-bit difference can flip a tree's branch and the quoted sentence)."""
    import os
    import subprocess
    import sys

    questions = ["ウィトコフ特使と通話したロシア高官は誰ですか？", "和平実現の障害は何ですか？",
                 "ロシアは和平交渉で何を求めていますか？"]
    digests = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [sys.executable, "-c", FEATURES_SCRIPT, str(SEED_CORPUS), str(seed_index_dir),
             *questions],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1
