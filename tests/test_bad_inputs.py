"""Every bad input of the README's table, through the CLI and the running server's API.

Each row: what is sent, and what the user must see — an error line naming the problem,
a plain decline, or an answer. Never a traceback, and the server keeps answering."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from .conftest import SEED_CORPUS, wait_until
from .test_cli import WHO, assert_one_line_error

ZERO_WIDTH = "\u200bウィトコフ特使と\u0007通話した\u200dロシア高官は\ufeff誰ですか？"
QUESTIONS = [  # (row of the README table, question, expected)
    ("empty", "", "error: empty"),
    ("whitespace only", " \n\t\u3000 ", "error: empty"),
    ("10,000 characters", "ウクライナ" * 2_000, "error: too long"),
    ("1,000,000 characters", "あ" * 1_000_000, "error: too long"),
    ("control and zero-width characters", ZERO_WIDTH, "answer: ウシャコフ"),
    ("emoji only", "🙂🙂🙂", "declined"),
    ("HTML / script", "<script>alert(1)</script><b>x</b>", "declined"),
    ("a language the corpus doesn't have", "Qui a parlé avec Witkoff au téléphone ?",
     "answer or declined"),
    ("fewer than 3 words in another language", "hello test", "declined"),
]


def check(expected: str, data: dict | None, error: str | None) -> None:
    kind, _, words = expected.partition(": ")
    if kind == "error":
        assert data is None and error is not None and words in error, (error, data)
        return
    assert error is None and data is not None, error
    assert set(data) >= {"question", "query", "answer", "abstained", "citations"}
    if kind == "declined":
        assert data["abstained"] is True and data["citations"] == []
        assert "記事には" in data["answer"] or "articles" in data["answer"]
    elif kind == "answer":
        assert data["abstained"] is False and words in data["citations"][0]["quote"]
    for citation in data["citations"]:  # any answer given must still cite real text
        body = (SEED_CORPUS / f"{citation['article_id']}.md").read_text(encoding="utf-8")
        assert citation["quote"] in body


def cli_ask(question: str, *extra: str, index_dir) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "assistant", "ask", "-", "--json",
               "--corpus", str(SEED_CORPUS), "--index", str(index_dir), *extra]
    return subprocess.run(command, input=question.encode("utf-8"), capture_output=True,
                          timeout=180)


@pytest.mark.parametrize(("row", "question", "expected"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_bad_question_on_the_command_line(row, question, expected, seed_index_dir):
    result = cli_ask(question, index_dir=seed_index_dir)
    stderr = result.stderr.decode("utf-8")
    if expected.startswith("error"):
        assert_one_line_error(subprocess.CompletedProcess([], result.returncode, "", stderr))
        check(expected, None, stderr)
    else:
        assert result.returncode == 0 and "Traceback" not in stderr, stderr
        check(expected, json.loads(result.stdout), None)


def test_html_in_a_question_comes_back_as_the_same_text(seed_index_dir):
    result = cli_ask("<script>alert(1)</script><b>x</b>", index_dir=seed_index_dir)
    assert json.loads(result.stdout)["question"] == "<script>alert(1)</script><b>x</b>"


@pytest.mark.parametrize(("content", "words"), [
    ('{"role": "user", "content": "x"}', "JSON list"),
    ('[{"role": "system", "content": "x"}]', "history item 0"),
    ("[{not json", "not valid JSON"),
    ('"' + "x" * 2_100_000 + '"', "larger than 2 MB"),
])
def test_bad_history_file(content, words, tmp_path, seed_index_dir):
    history = tmp_path / "history.json"
    history.write_text(content, encoding="utf-8")
    result = cli_ask(WHO, "--history", str(history), index_dir=seed_index_dir)
    stderr = result.stderr.decode("utf-8")
    assert_one_line_error(subprocess.CompletedProcess([], result.returncode, "", stderr))
    assert words in stderr


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def api_ask(client, question, history=None) -> tuple[dict | None, str | None]:
    from gradio_client.exceptions import AppError

    try:
        return client.predict(question, history, api_name="/ask"), None
    except AppError as err:
        return None, str(err)


@pytest.mark.parametrize(("row", "question", "expected"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_bad_question_through_the_api(row, question, expected, client):
    data, error = api_ask(client, question)
    check(expected, data, error)


@pytest.mark.parametrize(("history", "words"), [
    ({"role": "user"}, "JSON list"),
    ([{"role": "user", "content": 5}], "history item 0"),
    ([{"role": "user", "content": "x"}] * 5_000, "turns"),
    ([{"role": "user", "content": "あ" * 600_000}] * 2, "longer than"),
])
def test_bad_history_through_the_api(history, words, client):
    data, error = api_ask(client, WHO, history)
    assert data is None and words in error


def test_a_huge_question_does_not_hold_up_other_users(client, server):
    """While one client sends 1,000,000-character questions, another still gets answers."""
    from gradio_client import Client

    stop = threading.Event()
    refusals: list[str] = []  # what the flooding client got back, request by request

    def flood() -> None:
        flooder = Client(server, verbose=False)
        while not stop.is_set():
            data, error = api_ask(flooder, "あ" * 1_000_000)
            refusals.append(error if data is None and error else f"not refused: {data}")

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:  # the flood is on once the server has refused its first huge question
        wait_until(lambda: refusals or not thread.is_alive(), 120, "the first huge question")
        assert thread.is_alive(), "the flooding client stopped"
        for _ in range(3):
            data, error = api_ask(client, WHO)
            assert error is None and data["abstained"] is False
        assert thread.is_alive(), "the flooding client stopped"
    finally:
        stop.set()
        thread.join(timeout=60)
    assert all("too long" in answer for answer in refusals), refusals[:3]
