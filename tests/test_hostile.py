"""Hostile input end to end: whatever a user or a model server sends, the answer stays
honest (every marker names a real citation) and nothing crashes."""

from __future__ import annotations

import json
import re

from .conftest import SEED_CORPUS
from .openai_server import Reply, ScriptedLLM, number_of
from .test_cli import run

# --- model citation markers ---


def test_a_model_writing_bogus_markers_gets_them_removed_and_counted(seed_index_dir):
    """Negative, huge (beyond int's digit limit), zero, full-width, bracketed-list markers
    through `assistant ask --json`: only valid passage numbers survive, renumbered."""
    llm = ScriptedLLM()
    try:
        llm.answer = lambda r: Reply(
            f"Witkoff spoke with Ushakov [{number_of(r, 'ウシャコフ')}][-1][99999999999]"
            f"[{'9' * 5000}]. The call was leaked ［０］【{number_of(r, 'ウシャコフ')}】 [sic].")
        result = run("ask", "Who did Witkoff speak with?", "--json", "--corpus",
                     str(SEED_CORPUS), "--index", str(seed_index_dir), "--llm-url", llm.url,
                     "--llm-model", "scripted")
    finally:
        llm.close()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "llm"
    markers = re.findall(r"[\[［【]([^\]］】]*)[\]］】]", data["answer"])
    assert markers and set(markers) <= {str(c["n"]) for c in data["citations"]} | {"sic"}
    assert "99999" not in data["answer"] and "-1" not in data["answer"]
    assert "Removed 4 citation marker" in data["notice"]
