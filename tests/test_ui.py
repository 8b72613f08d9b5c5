"""The chat: its views, its handlers (called directly over the seed index), and a real
`assistant serve` process driven through gradio_client."""

import html
import json
import re
from pathlib import Path

import pytest

from assistant.results import Answer, Citation
from assistant.views import chat_markup, conversation_markdown, evidence_html

WHO = "ウィトコフ特使と通話したロシア高官は誰ですか？"


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_returns_the_json_contract(client):
    data = client.predict(WHO, None, api_name="/ask")
    assert list(data) == ["question", "query", "answer", "abstained", "citations", "mode",
                          "notice", "sentences", "short_answer", "intent"]
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



def without_readings(markup: str) -> str:
    """The markup without its ふりがな (shown only when the switch is on)."""
    return re.sub(r"<rt>.*?</rt>|</?ruby>", "", markup)


def test_furigana_goes_over_kanji_only_and_keeps_the_text():
    from assistant.furigana import ruby_html

    shown = ruby_html("ウィトコフ特使と話し合い、<b>R&D</b>の予算。11月25日と1日。")
    assert "<ruby>特使<rt>とくし</rt></ruby>" in shown
    assert "<ruby>話<rt>はな</rt></ruby>し<ruby>合<rt>あ</rt></ruby>い" in shown  # okurigana out
    assert "ウィトコフ" in shown and "<ruby>ウ" not in shown  # katakana as it is
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in shown  # escaped, never markup
    assert "<ruby>日<rt>にち</rt></ruby>" in shown and "<ruby>1日<rt>ついたち</rt></ruby>" in shown
    plain = html.unescape(without_readings(shown))
    assert plain == "ウィトコフ特使と話し合い、<b>R&D</b>の予算。11月25日と1日。"
    assert ruby_html("line one\n## 見出し\n").count("\n") == 2


def test_a_huge_text_is_shown_without_readings():
    from assistant.furigana import MAX_RUBY_CHARS, ruby_html

    huge = "<漢字>" * (MAX_RUBY_CHARS // 4 + 1)
    assert ruby_html(huge) == html.escape(huge)  # at once, nothing lost


def test_an_answer_shows_each_sentence_with_its_markers_as_chips():
    from assistant.views import reply_markup

    shown = reply_markup("「答え」[1]\n最初の文。[1][2]次の<script>文。[9]脚注[99999999999]",
                         [1, 2])
    assert shown.startswith('<div class="answer" lang="ja">')
    assert shown.count('<span class="sentence">') == 4
    assert shown.count('class="marker"') == 3 and 'tabindex="0"' in shown
    assert "[9]</span>" in shown and "data-n=\"9\"" not in shown  # cites nothing: text
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    assert reply_markup("An answer. [1]", [1]).startswith('<div class="answer" lang="en">')


def test_relevance_is_a_level_with_the_score_explained():
    from assistant.views import relevance_level

    assert [relevance_level(s) for s in (6.3, 3.0, 2.0, 0.4)] == [
        "high", "high", "medium", "low"]
    answer = Answer(question="q", query="q", answer="文。[1]", abstained=False,
                    citations=[Citation(1, "a", "t", "", "", "文。", "文。", 0, 2, 4.5, 0)])
    shown = evidence_html(answer, "en")
    assert "relevance: high" in shown and "search score 4.50" in shown

def test_evidence_shows_markup_in_articles_as_text():
    text = "前文。<script>alert(1)</script>は危険。後文。"
    quote = "<script>alert(1)</script>は危険。"
    start = 10 + text.index(quote)
    answer = Answer(
        question="<b>q</b>", query="<b>q</b>", answer=f"{quote}[1]", abstained=False,
        citations=[Citation(1, "a", "<i>title</i>", "", "", text, quote, start,
                            start + len(quote), 1.0, 10)],
    )
    shown = without_readings(evidence_html(answer))
    assert "<script>" not in shown and "<i>" not in shown
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;は危険。</mark>" in shown


def test_evidence_marks_the_quoted_sentence_where_it_is_not_where_its_text_first_appears():
    passage = "同じ文。違う文。同じ文。"
    start = 100 + passage.rindex("同じ文。")  # the second 「同じ文。」 is the one quoted
    answer = Answer(question="q", query="q", answer="同じ文。[1]", abstained=False,
                    citations=[Citation(1, "a", "t", "", "", passage, "同じ文。", start,
                                        start + 4, 1.0, 100)])
    assert "<p>同じ文。違う文。<mark>同じ文。</mark></p>" in without_readings(evidence_html(answer))


def test_chat_messages_escape_only_what_would_be_markup():
    assert chat_markup("<script>alert(1)</script>") == "&lt;script>alert(1)&lt;/script>"
    assert chat_markup("<!-- c --> <b>") == "&lt;!-- c --> &lt;b>"
    assert chat_markup("&lt; &#60;") == "&amp;lt; &amp;#60;"  # shown as typed, not decoded
    assert chat_markup("&copy 2025") == "&amp;copy 2025"  # decoded even without ";"
    # what the copy buttons copy: ordinary text stays as it is
    assert chat_markup("R&D費は3 < 5、AT&T > 2、Q&A。") == "R&D費は3 < 5、AT&T > 2、Q&A。"


def test_evidence_outlines_the_clicked_source_and_names_an_earlier_question():
    quote = "通話は10月中旬に行われた。"
    answer = Answer(question="いつ？", query="いつ？", answer=f"{quote}[1]", abstained=False,
                    citations=[Citation(n, "a", "t", "", "", quote, quote, n * 100,
                                        n * 100 + len(quote), 1.0, n * 100) for n in (1, 2)])
    shown = without_readings(evidence_html(answer, "ja", selected=2, earlier=True))
    assert 'class="evidence-card selected" id="cite-2"' in shown
    assert 'class="evidence-card" id="cite-1"' in shown
    assert "前の質問「いつ？」の出典" in shown
    assert "evidence-for" not in evidence_html(answer, "en", selected=1)


def test_one_card_per_passage_with_each_quote_marked():
    text = "一文目。二文目。三文目。"
    cite = [Citation(n, "a", "t", "", "", text, q, text.index(q), text.index(q) + len(q), 1.0, 0)
            for n, q in ((1, "三文目。"), (2, "一文目。"))]
    shown = without_readings(evidence_html(Answer(
        question="q", query="q", answer="三文目。[1]一文目。[2]", abstained=False,
        citations=cite), "ja", selected=2))
    assert shown.count('class="evidence-card') == 1 and "[1][2] t" in shown
    assert "<mark>一文目。</mark>二文目。<mark>三文目。</mark>" in shown
    assert 'id="cite-2"' in shown and 'class="evidence-card selected" id="cite-1"' in shown


def test_the_export_writes_every_answer_with_its_citations():
    quote = "通話は10月中旬に行われた。"
    answers = [Answer(question=q, query=q, answer=f"{quote}[1]", abstained=False,
                      citations=[Citation(1, "a", "記事", "節", "2025-11-25", quote, quote, 0,
                                          len(quote), 1.0, 0)]) for q in ("いつ？", "誰？")]
    exported = conversation_markdown(answers, "ja")
    assert "## 1. いつ？" in exported and "## 2. 誰？" in exported
    assert exported.count("[1] 記事 — 節 (2025-11-25) (報道): 「通話は10月中旬に行われた。」") == 2


# --- the chat's handlers, called directly with a real Assistant over the seed index ---

@pytest.fixture(scope="module")
def chat(seed_assistant):
    """(page, handlers) of a chat app built (not launched) over the seed index."""
    from assistant.ui import build_page

    _app, page, handlers = build_page(seed_assistant)
    return page, handlers


def last(updates):
    """The final updates of a streaming handler."""
    return list(updates)[-1]


def asked(chat, question, state=None, classroom=False, language="日本語"):
    from assistant.ui import ChatState

    _page, handlers = chat
    return last(handlers.answer(question, state or ChatState(), classroom, language))


def cards(html: str) -> list[str]:
    return re.findall(r'id="cite-(\d+)"', html)


def test_the_ask_api_keeps_its_name(seed_assistant):
    """A chat handler named like the API took "ask" and the API became "ask_1"."""
    from assistant.ui import build_page

    app = build_page(seed_assistant)[0]
    public = [d["api_name"] for d in app.get_config_file()["dependencies"]
              if d.get("api_visibility") != "private"]
    assert public == ["ask", "compare"]


def test_asking_keeps_the_typed_answer_and_shows_its_sources(chat):
    page, _handlers = chat
    updates = asked(chat, WHO)
    state = updates[page.state]
    answer = state.exchanges[0].answer
    assert isinstance(answer, Answer) and "ウシャコフ" in answer.citations[0].quote
    shown = [(m["role"], html.unescape(re.sub(r"<[^>]*>", "", without_readings(m["content"]))))
             for m in updates[page.chat.chatbot]]
    assert shown == [("user", WHO), ("assistant", answer.answer)]  # as text, markup aside
    assert cards(updates[page.chat.evidence]) == [str(c.n) for c in answer.citations]
    assert state.revealed == len(answer.citations)
    assert updates[page.chat.question] == ""
    numbers = [c.n for c in answer.citations]
    assert html.unescape(updates[page.bridge.markers]).count(json.dumps([numbers])) == 1
    exported = Path(updates[page.header.export]["value"]).read_text(encoding="utf-8")
    assert f"## 1. {WHO}" in exported and "ウシャコフ" in exported


def test_a_follow_up_is_searched_with_the_conversation(chat):
    page, _handlers = chat
    first = asked(chat, WHO)[page.state]
    updates = asked(chat, "その通話はいつですか？", first)
    answer = updates[page.state].latest_answer()
    assert WHO in answer.query and "10月中旬" in answer.citations[0].quote
    assert "検索: " in updates[page.chat.evidence]
    assert len(updates[page.chat.chatbot]) == 4


def test_a_refused_question_is_a_message_and_keeps_the_earlier_answer(chat):
    page, _handlers = chat
    first = asked(chat, WHO)[page.state]
    updates = asked(chat, "  ", first)
    state = updates[page.state]
    assert state.exchanges[-1].reply.startswith("⚠") and "empty" in state.exchanges[-1].reply
    assert state.answers() == first.answers()
    assert page.chat.evidence not in updates and page.header.export not in updates


def test_retry_asks_the_last_question_again_in_its_place(chat):
    page, handlers = chat
    first = asked(chat, WHO)[page.state]
    refused = asked(chat, "長" * 2001, first)[page.state]
    again = last(handlers.retry(refused, False, "日本語"))[page.state]
    assert len(again.exchanges) == 2 and again.exchanges[-1].reply.startswith("⚠")
    assert again.answers() == first.answers()
    redone = last(handlers.retry(first, False, "日本語"))[page.state]
    assert len(redone.exchanges) == 1 and redone.latest_answer().question == WHO
    assert list(handlers.retry(redone.__class__(), False, "日本語")) == []  # nothing to retry


def test_a_clicked_marker_outlines_its_card_and_names_an_earlier_question(chat):
    page, handlers = chat
    first = asked(chat, WHO)[page.state]
    state = asked(chat, "ブダペスト覚書って何？", first)[page.state]  # three quotes
    latest = handlers.show_reference("1|1|2", state, False, "日本語")[page.chat.evidence]
    selected = re.search(r'class="evidence-card selected" id="cite-\d+" [^>]*data-ns="([\d ]+)"',
                         latest)
    assert selected and "2" in selected.group(1).split()  # the card holding [2]
    assert "evidence-for" not in latest
    earlier = handlers.show_reference("2|0|1", state, False, "日本語")[page.chat.evidence]
    assert f"前の質問「{WHO}」の出典" in earlier
    assert 'class="evidence-card selected" id="cite-1"' in earlier


def test_classroom_mode_shows_one_exchange_and_reveals_sources_one_by_one(chat):
    page, handlers = chat
    first = asked(chat, WHO)[page.state]
    state = asked(chat, "ブダペスト覚書って何？", first)[page.state]  # three quotes
    updates = handlers.set_classroom(True, state, "日本語")
    assert [m["role"] for m in updates[page.chat.chatbot]] == ["user", "assistant"]
    assert len(cards(updates[page.chat.evidence])) == 1
    assert updates[page.chat.next_cite]["visible"] is True
    state = updates[page.state]
    updates = handlers.reveal_next(state, "日本語")
    assert cards(updates[page.chat.evidence]) == ["1", "2"]
    # in classroom mode the chat shows one answer: k=0 is the latest; [3] reveals up to 3
    updates = handlers.show_reference("7|0|3", updates[page.state], True, "日本語")
    assert cards(updates[page.chat.evidence]) == ["1", "2", "3"]
    assert updates[page.state].revealed == 3
    off = handlers.set_classroom(False, updates[page.state], "日本語")
    assert len(off[page.chat.chatbot]) == 4 and off[page.chat.next_cite]["visible"] is False


def test_the_reveal_button_says_when_every_source_is_shown(chat):
    page, handlers = chat
    state = handlers.set_classroom(True, asked(chat, WHO)[page.state], "English")[page.state]
    total = len(state.latest_answer().citations)
    assert total > 1
    for shown in range(2, total + 1):
        updates = handlers.reveal_next(state, "English")
        state = updates[page.state]
        assert len(cards(updates[page.chat.evidence])) == shown
    button = updates[page.chat.next_cite]
    assert button["value"] == "All sources shown" and button["interactive"] is False
    again = handlers.reveal_next(state, "English")  # nothing more, nothing breaks
    assert len(cards(again[page.chat.evidence])) == total


def test_starting_over_forgets_the_conversation_and_its_export_but_not_the_scope(chat):
    from assistant.ui import ChatState

    page, handlers = chat
    scoped = ChatState(scope="witkoff-ushakov-call-leak")
    updates = asked(chat, WHO, scoped)
    export = Path(updates[page.header.export]["value"])
    cleared = handlers.start_over(updates[page.state], "English")
    assert cleared[page.state] == ChatState(scope="witkoff-ushakov-call-leak")
    assert cleared[page.chat.chatbot] == [] and "No answer yet" in cleared[page.chat.evidence]
    assert cleared[page.header.export]["value"] is None and not export.exists()


def test_a_clicked_card_opens_the_article_at_the_quote(chat):
    page, handlers = chat
    answer = asked(chat, WHO)[page.state].latest_answer()
    c = answer.citations[0]
    updates = handlers.open_citation(f"3|{c.article_id}|{c.start}|{c.end}", "日本語")
    assert f'<mark id="reader-mark">{html.escape(c.quote)}</mark>' in \
        without_readings(updates[page.articles.reader])
    assert updates[page.tabs].selected == "articles"
    assert updates[page.articles.picker]["value"] == c.article_id


def test_asking_about_one_article_limits_the_search_until_switched_back(chat):
    page, handlers = chat
    from assistant.ui import ChatState

    article_id = "ukraine-peace-talks-witkoff"
    updates = handlers.ask_about(article_id, ChatState(), "日本語")
    state = updates[page.state]
    assert state.scope == article_id and "この記事だけから探します" in updates[page.chat.scope_line]
    assert updates[page.chat.scope_clear]["visible"] is True
    updates = asked(chat, "和平実現の障害の背景には何がありますか？", state)
    answer = updates[page.state].latest_answer()
    assert answer.citations and {c.article_id for c in answer.citations} == {article_id}
    back = handlers.search_all(state, "日本語")
    assert back[page.state].scope is None and back[page.chat.scope_clear]["visible"] is False


def test_the_language_switch_relabels_the_page(chat):
    from assistant.ui import ChatState

    page, handlers = chat
    updates = handlers.relabel("English", ChatState())
    assert "Every sentence of an answer cites its source" in updates[page.header.title]
    assert updates[page.chat.send]["value"] == "Ask"
    assert updates[page.articles.tab]["label"] == "Articles"
    examples = [e["text"] for e in updates[page.chat.chatbot]["examples"]]
    assert examples[0] == "Who did Witkoff talk to on the leaked call?"  # English ones first
    assert "ウィトコフ特使と通話したロシア高官は誰ですか？" in examples
    assert updates[page.chat.scope_line] == "Searching all articles."


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


def test_auth_protects_the_page_and_the_api(guarded_server):
    """The login (given as ASSISTANT_AUTH) guards the API that gradio_client uses."""
    from gradio_client import Client

    from .conftest import LOGIN

    url = guarded_server.url + "/"
    with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
        Client(url, verbose=False).predict(WHO, None, api_name="/ask")
    client = Client(url, auth=LOGIN, verbose=False)
    assert client.predict(WHO, None, api_name="/ask")["abstained"] is False


def test_a_malformed_auth_is_one_clear_line():
    from .test_cli import assert_one_line_error, run

    result = run("serve", "--auth", "no-colon-here", "--port", "1")
    assert_one_line_error(result)
    assert "USER:PASSWORD" in result.stderr
