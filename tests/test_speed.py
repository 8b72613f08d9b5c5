"""Work a start must not repeat (issue 18): what a one-shot process reads back instead of
computing again. Behaviour only: timings are in bench/, never asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import refusal
from assistant.qa import Assistant
from assistant.settings import load_settings

from .conftest import SEED_CORPUS


def fresh_assistant(index_dir: Path, **overrides: object) -> Assistant:
    return Assistant(load_settings(corpus_dir=SEED_CORPUS, index_dir=index_dir, **overrides))


def background_file(assistant: Assistant) -> Path:
    folder = assistant.retriever().loaded.search_folder
    assert folder is not None
    return folder / refusal.BACKGROUND_FILE


def test_the_decline_background_is_measured_once_per_revision(seed_index_copy, monkeypatch):
    """The first process measures the background and saves it beside the revision's search
    files; the next one reads it (the same rule) instead of embedding 40 questions."""
    first = fresh_assistant(seed_index_copy)
    rule = first.decline_rule()
    assert background_file(first).is_file()

    def must_not_run(*args: object) -> None:
        raise AssertionError("the background was measured again")

    monkeypatch.setattr(refusal, "measure_background", must_not_run)
    second = fresh_assistant(seed_index_copy)
    assert second.decline_rule() == rule


@pytest.mark.parametrize("damage", ["garbage", '{"key": "another", "backgrounds": {}}'])
def test_a_damaged_or_foreign_background_is_measured_again(seed_index_copy, damage):
    first = fresh_assistant(seed_index_copy)
    rule = first.decline_rule()
    background_file(first).write_text(damage, encoding="utf-8")
    second = fresh_assistant(seed_index_copy)
    assert second.decline_rule() == rule
    assert json.loads(background_file(second).read_text(encoding="utf-8"))["key"] != "another"


def test_other_relevance_weights_get_their_own_background(seed_index_copy):
    base = fresh_assistant(seed_index_copy).decline_rule()
    other = fresh_assistant(seed_index_copy, decline_gap_weight=0.9).decline_rule()
    assert other.backgrounds != base.backgrounds
    assert fresh_assistant(seed_index_copy).decline_rule() == base


def test_ask_never_imports_llama_index(seed_index_dir):
    """A one-shot `assistant ask` does not pay for llama-index (~0.6 s): it is imported
    only to write vectors and for the tutorial baseline."""
    import subprocess
    import sys

    code = ("import sys; from assistant.cli import main; sys.argv = ['assistant', 'ask', "
            f"'誰が通話した？', '--corpus', {str(SEED_CORPUS)!r}, '--index', "
            f"{str(seed_index_dir)!r}];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m.startswith(('llama_index', "
            "'gradio'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert "LOADED []" in result.stdout, (result.stdout[-500:], result.stderr[-2000:])
