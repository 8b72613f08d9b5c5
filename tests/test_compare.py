"""Compare sources (issue 15): on the seed index and on a small planted corpus, real
Chroma and the bundled embedder; the CLI in process and once as a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.compare import ValueReader, differences, occurs
from assistant.qa import Assistant, InvalidQuestion
from assistant.settings import load_settings

from .conftest import SEED_CORPUS, write_article
from .test_cli import assert_one_line_error, invoke, run

SIDEKICK = "ウィトコフ氏は誰の側近ですか？"
BRIDGE = """---
title: {title}
published: 2025-05-01
---
{body}
"""
ORIGINAL = ("港町市の新しい吊り橋「みなと大橋」は2019年に着工し、2024年3月に開通した。"
            "全長は1280メートルで、総工費は約450億円だった。"
            "設計を担当したのは建築家の山本健一氏である。"
            "開通式には市長の佐藤花子氏が出席した。"
            "橋の完成により、対岸の島までの移動時間は40分から10分に短縮された。")
PLANTED = {  # a second article: one value changed / the same facts reworded
    "date": ORIGINAL.replace("2024年3月に開通", "2024年5月に開通"),
    "name": ORIGINAL.replace("山本健一", "中村健一"),
    "reworded": ("2019年に着工した港町市の新しい吊り橋「みなと大橋」が、2024年3月に開通した。"
                 "総工費はおよそ450億円で、全長は1280メートルだ。"
                 "設計を手がけたのは建築家の山本健一氏だ。"
                 "開通式には佐藤花子市長が出席した。"
                 "橋の完成で、対岸の島までの移動時間は40分から10分に縮まった。"),
}
WHEN = "みなと大橋はいつ開通しましたか？"
WHO_DESIGNED = "みなと大橋を設計したのは誰ですか？"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The bridge article and three second articles about it, indexed for real."""
    corpus = tmp_path_factory.mktemp("planted-corpus")
    write_article(corpus, "bridge.md", BRIDGE.format(title="みなと大橋が開通", body=ORIGINAL))
    for name, body in PLANTED.items():
        write_article(corpus, f"bridge-{name}.md",
                      BRIDGE.format(title=f"みなと大橋（{name}）", body=body))
    assistant = Assistant(load_settings(corpus_dir=corpus,
                                        index_dir=tmp_path_factory.mktemp("planted-index")))
    report = assistant.update_index(progress=False)
    assert not report.skipped
    return assistant


def verbatim(assistant: Assistant, article_id: str, text: str, start: int, end: int) -> None:
    assert assistant.retriever().articles[article_id].body[start:end] == text


def test_seeds_say_plainly_that_trumps_title_differs(seed_assistant):
    """One seed calls him トランプ前米大統領, the other トランプ大統領, for the same weeks."""
    comparison = seed_assistant.compare(SIDEKICK)
    assert comparison.status == "compared"
    assert {a.article_id for a in comparison.articles} == {
        "ukraine-peace-talks-witkoff", "witkoff-ushakov-call-leak"}
    assert comparison.sources_differ
    assert comparison.message.startswith("出典によって記述が異なります")
    titles = next(d for d in comparison.differences if d.kind == "title")
    assert {v.text for v in titles.values} == {"前米大統領", "大統領"}
    for article in comparison.articles:
        c = article.citation
        verbatim(seed_assistant, c.article_id, c.quote, c.start, c.end)
    for value in titles.values:
        verbatim(seed_assistant, value.article_id, value.text, value.start, value.end)


@pytest.mark.parametrize(("copy", "question", "kind", "values"), [
    ("bridge-date", WHEN, "date", {"2024年3月", "2024年5月"}),
    ("bridge-name", WHO_DESIGNED, "name", {"山本健一", "中村健一"}),
])
def test_a_planted_change_is_flagged_with_both_values(planted, copy, question, kind, values):
    comparison = planted.compare(question, ["bridge", copy])
    assert comparison.sources_differ, comparison.message
    conflict = next(d for d in comparison.differences if d.conflict)
    assert conflict.kind == kind
    assert {v.text for v in conflict.values} == values
    assert {v.article_id for v in conflict.values} == {"bridge", copy}
    for value in conflict.values:
        verbatim(planted, value.article_id, value.text, value.start, value.end)
    assert all(a.same_statement for a in comparison.articles)


@pytest.mark.parametrize("question", [WHEN, WHO_DESIGNED])
def test_the_same_facts_reworded_are_not_flagged(planted, question):
    comparison = planted.compare(question, ["bridge", "bridge-reworded"])
    assert comparison.status == "compared"
    assert not comparison.sources_differ, comparison.differences
    assert comparison.message == "記事の記述に食い違いは見つかりませんでした。"


def test_one_article_has_nothing_to_compare(planted):
    comparison = planted.compare(WHEN, ["bridge"])
    assert comparison.status == "nothing_to_compare"
    assert comparison.message.startswith("比べる記事がありません")
    assert [a.article_id for a in comparison.articles] == ["bridge"]
    assert comparison.to_dict()["differences"] == []


def test_an_unrelated_question_is_declined_not_compared(planted):
    comparison = planted.compare("洗濯物を早く乾かす方法は？")
    assert comparison.status == "declined"
    assert comparison.articles == () and not comparison.sources_differ


@pytest.mark.parametrize("question", ["🙂🙂🙂", "<script>alert(1)</script>"])
def test_wordless_questions_are_declined(seed_assistant, question):
    assert seed_assistant.compare(question).status == "declined"


def test_bad_questions_raise_the_usual_error(seed_assistant):
    with pytest.raises(InvalidQuestion, match="empty"):
        seed_assistant.compare("   ")


def test_cli_json_contract(seed_index_dir):
    result = invoke("compare", SIDEKICK, "--json", "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == SIDEKICK
    assert data["sources_differ"] is True
    asked = json.loads(invoke("ask", SIDEKICK, "--json", "--corpus", str(SEED_CORPUS),
                              "--index", str(seed_index_dir)).stdout)
    citation_keys = set(asked["citations"][0])
    assert len(data["articles"]) == 2
    for article in data["articles"]:
        assert set(article["citation"]) == citation_keys
        assert article["citation"]["article_id"] == article["article_id"]
    kinds = {d["kind"] for d in data["differences"]}
    assert "title" in kinds
    for difference in data["differences"]:
        assert difference["values"] and all(set(v) == {"article_id", "text", "start", "end"}
                                            for v in difference["values"])


def test_cli_text_marks_the_differing_values(seed_index_dir):
    result = invoke("compare", SIDEKICK, "--corpus", str(SEED_CORPUS),
                    "--index", str(seed_index_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("出典によって記述が異なります")
    assert "【前米大統領】の側近" in result.stdout and "トランプ【大統領】" in result.stdout


def test_cli_one_article_corpus_as_a_real_process(tmp_path: Path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "bridge.md", BRIDGE.format(title="みなと大橋が開通", body=ORIGINAL))
    result = run("compare", WHEN, "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("比べる記事がありません")
    empty = run("compare", " ", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert_one_line_error(empty)


# -- the value comparison itself --------------------------------------------------------
def _values(reader: ValueReader, text: str, article_id: str = "a"):
    return reader.values(article_id, text, 0)


def test_a_number_inside_a_longer_number_is_not_the_same_number():
    assert not occurs("15人", "合計115人が参加した")
    assert occurs("15人", "合計15人が参加した")
    assert not occurs("1280", "全長は11280メートル")
    assert occurs("1280", "全長は1280メートル")


def test_reordered_sentence_keeps_its_values():
    reader = ValueReader()
    first = "1994年、田中角栄は東京で3人と会った。"
    other = "田中角栄は東京で3人と、1994年に会った。"
    found = differences(_values(reader, first), first, _values(reader, other, "b"), other, True)
    assert found == []


def test_a_changed_year_is_a_conflict_only_for_the_same_statement():
    reader = ValueReader()
    first, other = "橋は1994年に完成した。", "橋は1997年に完成した。"
    same = differences(_values(reader, first), first, _values(reader, other, "b"), other, True)
    assert [(d.kind, d.conflict) for d in same] == [("date", True)]
    apart = differences(_values(reader, first), first, _values(reader, other, "b"), other,
                        False)
    assert [(d.kind, d.conflict) for d in apart] == [("date", False)]


# -- the chat's compare button (handlers called directly over the seed index) -------------
@pytest.fixture(scope="module")
def chat(seed_assistant):
    from assistant.ui import build_page

    _app, page, handlers = build_page(seed_assistant)
    return page, handlers


def test_the_compare_button_shows_two_columns_for_the_last_question(chat):
    from assistant.ui import ChatState

    page, handlers = chat
    state = list(handlers.answer(SIDEKICK, ChatState(), False, "日本語"))[-1][page.state]
    shown = handlers.compare_last(state, "日本語")[page.chat.comparison]
    assert shown.count('class="comparison-column"') == 2
    assert "出典によって記述が異なります" in shown
    assert 'title="肩書き"' in shown and ">前米大統領</mark>" in shown and ">大統領</mark>" in shown
    assert SIDEKICK in shown
    english = handlers.compare_last(state, "English")[page.chat.comparison]
    assert 'title="title"' in english


def test_compare_before_any_question_asks_for_one(chat):
    from assistant.ui import ChatState

    page, handlers = chat
    shown = handlers.compare_last(ChatState(), "English")[page.chat.comparison]
    assert "Ask a question first" in shown


def test_compare_columns_show_article_markup_as_text():
    from assistant.compare import ComparedArticle, Comparison
    from assistant.results import Citation
    from assistant.views import comparison_html

    quote = "<script>alert(1)</script>と書いた。"
    citation = Citation(1, "a<b>", "<i>t</i>", "", "", quote, quote, 0, len(quote), 1.0, 0)
    comparison = Comparison("<b>q</b>", "ja", "nothing_to_compare",
                            (ComparedArticle("a<b>", (citation,), (True,), (1.0,)),), ())
    shown = comparison_html(comparison, "ja")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "<i>" not in shown and "<b>q</b>" not in shown
