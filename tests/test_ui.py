"""The chat server: a real `assistant serve` process driven through gradio_client."""

import pytest

from assistant.results import Answer, Citation
from assistant.views import chat_markup, evidence_html

WHO = "ウィトコフ特使と通話したロシア高官は誰ですか？"


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_returns_the_json_contract(client):
    data = client.predict(WHO, None, api_name="/ask")
    assert list(data) == ["question", "query", "answer", "abstained", "citations", "mode",
                          "notice", "sentences"]
    assert data["abstained"] is False
    assert "ウシャコフ" in data["citations"][0]["quote"]


def test_ask_endpoint_follow_up_through_history(client):
    history = [{"role": "user", "content": WHO}, {"role": "assistant", "content": "ウシャコフ"}]
    data = client.predict("その通話はいつですか？", history, api_name="/ask")
    assert WHO in data["query"]
    assert "10月中旬" in data["citations"][0]["quote"]


def test_ask_endpoint_declines_off_topic(client):
    data = client.predict("カレーライスの作り方を教えて", None, api_name="/ask")
    assert data["abstained"] is True and data["citations"] == []


def test_ask_endpoint_reports_a_bad_question_as_an_error_not_a_crash(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client.predict("  ", None, api_name="/ask")
    assert client.predict(WHO, None, api_name="/ask")["abstained"] is False


def test_page_is_served_without_remote_fonts(server):
    import urllib.request

    page = urllib.request.urlopen(server, timeout=10).read().decode("utf-8")
    assert "fonts.googleapis.com" not in page


def test_evidence_shows_markup_in_articles_as_text():
    text = "前文。<script>alert(1)</script>は危険。後文。"
    quote = "<script>alert(1)</script>は危険。"
    start = 10 + text.index(quote)
    answer = Answer(
        question="<b>q</b>", query="<b>q</b>", answer=f"{quote}[1]", abstained=False,
        citations=[Citation(1, "a", "<i>title</i>", "", "", text, quote, start,
                            start + len(quote), 1.0, 10)],
    )
    shown = evidence_html(answer)
    assert "<script>" not in shown and "<i>" not in shown
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;は危険。</mark>" in shown


def test_chat_messages_escape_only_what_would_be_markup():
    assert chat_markup("<script>alert(1)</script>") == "&lt;script>alert(1)&lt;/script>"
    assert chat_markup("<!-- c --> <b>") == "&lt;!-- c --> &lt;b>"
    assert chat_markup("&lt; &#60;") == "&amp;lt; &amp;#60;"  # shown as typed, not decoded
    assert chat_markup("&copy 2025") == "&amp;copy 2025"  # decoded even without ";"
    # what the copy buttons copy: ordinary text stays as it is
    assert chat_markup("R&D費は3 < 5、AT&T > 2、Q&A。") == "R&D費は3 < 5、AT&T > 2、Q&A。"



def test_a_chat_message_knows_which_answer_it_shows():
    from assistant.ui import answer_shown_at

    conversation = [{"role": "user", "content": "q1"},
                    {"role": "assistant", "content": "a1[1]", "answer": 0},
                    {"role": "user", "content": ""},
                    {"role": "assistant", "content": "⚠ empty question"},  # no answer
                    {"role": "user", "content": "q2"},
                    {"role": "assistant", "content": "a2[1]", "answer": 1}]
    assert [answer_shown_at(conversation, False, k) for k in range(4)] == [0, None, 1, None]
    assert answer_shown_at(conversation, True, 0) == 1  # classroom: the last exchange only
    assert answer_shown_at(conversation, True, 1) is None


def test_evidence_outlines_the_clicked_source_and_names_an_earlier_question():
    quote = "通話は10月中旬に行われた。"
    answer = Answer(question="いつ？", query="いつ？", answer=f"{quote}[1]", abstained=False,
                    citations=[Citation(n, "a", "t", "", "", quote, quote, 0, len(quote), 1.0, 0)
                               for n in (1, 2)])
    shown = evidence_html(answer, "ja", selected=2, earlier=True)
    assert 'class="evidence-card selected" id="cite-2"' in shown
    assert 'class="evidence-card" id="cite-1"' in shown
    assert "前の質問「いつ？」の出典" in shown
    assert "evidence-for" not in evidence_html(answer, "en", selected=1)


def test_concurrent_clients_all_get_their_own_answers(server):
    """Five clients at once, four questions each: every reply answers its own question."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    questions = [WHO, "28項目案にはどんな内容が含まれていましたか？",
                 "ブダペスト覚書は何年のものですか？", "カレーライスの作り方を教えて"]

    def one_client(n: int) -> list[tuple[str, dict]]:
        client = Client(server, verbose=False)
        return [(q, client.predict(q, None, api_name="/ask")) for q in questions[n % 4:] +
                questions[: n % 4]]

    with ThreadPoolExecutor(5) as pool:
        replies = [r for batch in pool.map(one_client, range(5)) for r in batch]
    assert len(replies) == 20
    for question, data in replies:
        assert data["question"] == question
        assert data["abstained"] is (question == "カレーライスの作り方を教えて")


def test_auth_protects_the_page_and_the_api(seed_index_dir, tmp_path):
    import os
    import subprocess
    import sys

    from gradio_client import Client

    from .conftest import SEED_CORPUS, free_port, wait_for_http

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_AUTH"] = "teacher:s3cret"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--corpus",
         str(SEED_CORPUS), "--index", str(seed_index_dir)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, proc)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, verbose=False).predict(WHO, None, api_name="/ask")
        client = Client(url, auth=("teacher", "s3cret"), verbose=False)
        assert client.predict(WHO, None, api_name="/ask")["abstained"] is False
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_malformed_auth_is_one_clear_line():
    from .test_cli import assert_one_line_error, run

    result = run("serve", "--auth", "no-colon-here", "--port", "1")
    assert_one_line_error(result)
    assert "USER:PASSWORD" in result.stderr
