"""The `assistant` command as a user runs it, on real index folders.

Most tests invoke the click command in this process (`invoke`, click's CliRunner: same
options, output and exit status, without a new interpreter loading the model each time);
a few run `python -m assistant` as a real process, as the shell sees it (exit status,
nothing but one line on stderr). `run` is shared with the tests of `add`/`index`/`serve`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result

from assistant.cli import cli

from .conftest import SEED_CORPUS, write_article

WHO = "ウィトコフ特使と通話したロシア高官は誰ですか？"


def run(*args, cwd=None, timeout=180, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
        timeout=timeout, env=env, cwd=cwd,
    )


def invoke(*args: str) -> Result:
    """`assistant ARGS` in this process (settings from the arguments only: the autouse
    fixture has cleared every ASSISTANT_ variable)."""
    return CliRunner().invoke(cli, list(args), prog_name="assistant")


def assert_one_line_error(result: subprocess.CompletedProcess | Result) -> None:
    """A failure the user can act on: status 1, one `error: ` line, no traceback."""
    if isinstance(result, Result):
        assert isinstance(result.exception, SystemExit), result.exception  # nothing escaped
        status = result.exit_code
    else:
        status = result.returncode
    assert status == 1, (status, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def test_ask_json_cites_ushakov_verbatim(seed_index_dir):
    """A real process: `python -m assistant ask --json` prints the answer object, status 0."""
    result = run("ask", WHO, "--json", "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["abstained"] is False
    quote = data["citations"][0]["quote"]
    assert "ウシャコフ" in quote
    body = (SEED_CORPUS / "witkoff-ushakov-call-leak.md").read_text(encoding="utf-8")
    assert quote in body


def test_ask_declines_a_recipe_question(seed_index_dir):
    result = invoke("ask", "カレーライスの作り方を教えて", "--json", "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["abstained"] is True and data["citations"] == []


def test_ask_with_history_file_and_human_output(seed_index_dir, tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": WHO},
                                   {"role": "assistant", "content": "ウシャコフ外交顧問です。"}],
                                  ensure_ascii=False), encoding="utf-8")
    result = invoke("ask", "その通話はいつですか？", "--history", str(history), "--top-k", "3",
                    "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.stderr
    assert "10月中旬" in result.stdout
    assert "[1]" in result.stdout and "検索" in result.stdout


def test_ask_builds_a_missing_index_first_then_index_reports_no_change(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", "---\ntitle: 火山\n---\n桜島は2024年に噴火した。\n")
    index = tmp_path / "index"
    result = invoke("ask", "桜島はいつ噴火した？", "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0, result.stderr
    assert "1 added" in result.stderr and "2024年" in result.stdout
    again = invoke("index", "--corpus", str(corpus), "--index", str(index))
    assert again.exit_code == 0, again.stderr
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.stdout


@pytest.mark.parametrize(
    "question", ["", "   ", "\u200b", "質" * 10_000], ids=["empty", "spaces", "zero-width", "10k"]
)
def test_bad_questions_get_a_one_line_error(seed_index_dir, question):
    result = invoke("ask", question, "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir))
    assert_one_line_error(result)


def test_a_bad_question_exits_1_with_one_line_in_a_real_process(seed_index_dir):
    """What the shell sees: status 1 and a single line on stderr, from the interpreter."""
    result = run("ask", "質" * 10_000, "--corpus", str(SEED_CORPUS),
                 "--index", str(seed_index_dir))
    assert_one_line_error(result)
    assert "too long" in result.stderr and result.stdout == ""


def test_control_characters_in_a_question_are_harmless(seed_index_dir):
    result = invoke("ask", "ウィトコフ\x07特使と\x1b通話した高官は誰？", "--json",
                    "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.stderr
    assert "ウシャコフ" in json.loads(result.stdout)["citations"][0]["quote"]


@pytest.mark.parametrize("content", ["{not json", '{"role": "user"}', '[{"role": "bot"}]'])
def test_a_malformed_history_file_gets_a_one_line_error(seed_index_dir, tmp_path, content):
    history = tmp_path / "h.json"
    history.write_text(content, encoding="utf-8")
    result = invoke("ask", WHO, "--history", str(history), "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert_one_line_error(result)
    assert "history" in result.stderr


def test_a_corrupt_index_gets_a_one_line_error(seed_index_copy):
    (seed_index_copy / "manifest.json").write_text("garbage", encoding="utf-8")
    result = run("ask", WHO, "--corpus", str(SEED_CORPUS), "--index", str(seed_index_copy))
    assert_one_line_error(result)
    assert "--rebuild" in result.stderr


def test_a_missing_corpus_folder_gets_a_one_line_error(tmp_path):
    result = invoke("index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert_one_line_error(result)


def test_ask_article_limits_the_search_to_that_article(seed_index_dir, seed_assistant):
    """`--article ID` answers as the chat's "ask about this article" does: the same
    answer as the service limited to that article, every citation from it."""
    other = "ukraine-peace-talks-witkoff"
    unlimited = json.loads(invoke("ask", WHO, "--json", "--corpus", str(SEED_CORPUS),
                                  "--index", str(seed_index_dir)).stdout)
    assert {c["article_id"] for c in unlimited["citations"]} != {other}
    result = invoke("ask", WHO, "--json", "--article", other, "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.stderr
    limited = json.loads(result.stdout)
    assert {c["article_id"] for c in limited["citations"]} <= {other}
    assert limited["citations"] or limited["abstained"]
    expected = seed_assistant.ask(WHO, article_ids=[other]).to_dict()
    assert limited["answer"] == expected["answer"]
    assert limited["citations"] == expected["citations"]


def test_ask_article_is_repeatable(seed_index_dir):
    ids = ["ukraine-peace-talks-witkoff", "witkoff-ushakov-call-leak"]
    result = invoke("ask", WHO, "--json", "--article", ids[0], "--article", ids[1],
                    "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "ウシャコフ" in data["citations"][0]["quote"]
    assert {c["article_id"] for c in data["citations"]} <= set(ids)


def test_ask_article_with_an_unknown_id_gets_a_one_line_error(seed_index_dir):
    result = invoke("ask", WHO, "--article", "no-such-article", "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert_one_line_error(result)
    assert "'no-such-article'" in result.stderr and "assistant list" in result.stderr
