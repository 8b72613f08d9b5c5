"""The chat server: a real `assistant serve` process driven through gradio_client."""

import pytest

from assistant.results import Answer, Citation
from assistant.ui import evidence_html

WHO = "ウィトコフ特使と通話したロシア高官は誰ですか？"


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_returns_the_json_contract(client):
    data = client.predict(WHO, None, api_name="/ask")
    assert list(data) == ["question", "query", "answer", "abstained", "citations"]
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
                            start + len(quote), 1.0)],
    )
    shown = evidence_html(answer)
    assert "<script>" not in shown and "<i>" not in shown
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;は危険。</mark>" in shown
