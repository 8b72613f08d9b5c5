"""The study guide (`assistant guide`): key points, timeline, people, quiz — on the real
seed corpus and index, every item an exact quote of its article."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.qa import Assistant
from assistant.settings import load_settings
from assistant.timeline import Reference, find_dates, reference_of
from assistant.views import guide_html, guide_markdown

from .conftest import SEED_CORPUS, write_article

CALL = "witkoff-ushakov-call-leak"


@pytest.fixture(scope="module")
def guide_json(seed_index_dir: Path) -> dict:
    result = CliRunner().invoke(cli, ["guide", "--json", "--corpus", str(SEED_CORPUS),
                                      "--index", str(seed_index_dir)], prog_name="assistant")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _citations(guide: dict) -> list[dict]:
    found = [t["citation"] for t in guide["timeline"]]
    for article in guide["articles"]:
        found += article["key_points"]
        found += [p["citation"] for p in article["people"]]
        found += [q["citation"] for q in article["quiz"]]
    return found


def test_every_quote_of_the_guide_is_verbatim_in_its_article(guide_json, seed_assistant):
    bodies = {a.id: a.body for a in seed_assistant.articles()}
    citations = _citations(guide_json)
    assert len(citations) > 30
    for c in citations:
        assert bodies[c["article_id"]][c["start"] : c["end"]] == c["quote"]
        offset = c["start"] - c["passage_start"]
        assert c["text"][offset : offset + len(c["quote"])] == c["quote"]
        assert c["role"] in ("report", "analysis")  # never a comment, a plug, a credit
    for entry in guide_json["timeline"]:
        assert entry["text"] == entry["citation"]["quote"]
        assert entry["expression"] in entry["text"]


def test_the_timeline_shows_the_october_call_and_the_november_25_report(guide_json):
    timeline = guide_json["timeline"]
    call = next(t for t in timeline if t["expression"] == "10月中旬")
    assert call["date"] == "2025-10-11/2025-10-20"
    assert "mid-October 2025" in call["label"]
    assert call["text"].startswith("通話は10月中旬に行われ")
    assert call["approximate"]  # that article has no date: the year comes from its text
    report = next(t for t in timeline if t["expression"] == "11月25日")
    assert report["date"] == "2025-11-25"
    assert report["text"].startswith("ブルームバーグは11月25日")
    dates = [t["date"] for t in timeline]
    assert dates.index(call["date"]) < dates.index(report["date"])
    assert {"1994", "2014/..", "2025-09/2025-11", "2026"} <= set(dates)  # 来年 of 2025-11-25
    assert not any("2024" in d for d in dates)  # the book plug's date is no event


def test_people_are_merged_across_spellings_with_their_first_sentence(guide_json):
    article = next(a for a in guide_json["articles"] if a["id"] == CALL)
    witkoff = [p for p in article["people"] if "ウィトコフ" in p["name"]]
    assert len(witkoff) == 1
    assert witkoff[0]["name"] == "スティーブ・ウィトコフ"
    assert {"スティーブ・ウィトコフ特使", "ウィトコフ特使"} <= set(witkoff[0]["spellings"])
    ushakov = next(p for p in article["people"] if p["name"] == "ユーリ・ウシャコフ")
    assert ushakov["title"] == "外交顧問" and ushakov["kind"] == "person"
    assert "ロシア大統領府のユーリ・ウシャコフ外交顧問" in ushakov["citation"]["quote"]
    names = {p["name"] for p in article["people"]}
    assert "ロシア大統領府" in names
    assert not names & {"ゾルゲ", "リヒャルト・ゾルゲ", "名越健郎"}  # only in the book plug


def test_the_quiz_answers_are_verbatim_in_their_cited_sentence(guide_json):
    for article in guide_json["articles"]:
        assert len(article["quiz"]) == 5
        for item in article["quiz"]:
            assert item["answer"] in item["citation"]["quote"]
            assert item["answer"] not in item["question"]
            assert item["question"].endswith("ですか？")
    call = next(a for a in guide_json["articles"] if a["id"] == CALL)
    assert {"question": "米政府の特使は誰ですか？", "answer": "スティーブ・ウィトコフ"}.items() \
        <= next(q for q in call["quiz"] if q["kind"] == "who").items()


def test_asking_the_quiz_questions_quotes_their_sentence_first(guide_json, seed_assistant):
    items = [q for a in guide_json["articles"] for q in a["quiz"]]
    hits = 0
    for item in items:
        answer = seed_assistant.ask(item["question"])
        cited = item["citation"]
        hits += bool(answer.citations) and (answer.citations[0].article_id,
                                            answer.citations[0].start) == (
            cited["article_id"], cited["start"])
    assert hits / len(items) >= 0.8, f"{hits} of {len(items)}"


def test_one_article_and_an_unknown_id(seed_index_dir):
    one = CliRunner().invoke(cli, ["guide", CALL, "--json", "--corpus", str(SEED_CORPUS),
                                   "--index", str(seed_index_dir)], prog_name="assistant")
    assert one.exit_code == 0
    assert [a["id"] for a in json.loads(one.stdout)["articles"]] == [CALL]
    missing = CliRunner().invoke(cli, ["guide", "no-such-article", "--corpus",
                                       str(SEED_CORPUS), "--index", str(seed_index_dir)],
                                 prog_name="assistant")
    assert missing.exit_code == 1
    assert missing.stderr.strip().splitlines() == [
        "error: no article with id 'no-such-article' is indexed (see `assistant list`)"]


def test_thin_articles_get_honest_empty_sections(tmp_path):
    """A one-sentence article without dates or names, and an English article: no crash,
    empty sections said plainly."""
    corpus = tmp_path / "corpus"
    write_article(corpus, "plain.md", "今日はとても静かな一日で、特に何も起きなかった。\n")
    write_article(corpus, "english.md", "---\ntitle: A quiet town\npublished: 2024-03-02\n---\n"
                  "The town council met in 2019 to discuss the bridge. Nothing was decided.\n")
    assistant = Assistant(load_settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assistant.update_index(progress=False)
    guide = assistant.study_guide()
    plain = next(a for a in guide.articles if a.id == "plain")
    assert plain.people == () and plain.quiz == ()
    english = next(a for a in guide.articles if a.id == "english")
    assert english.key_points and english.people == () and english.quiz == ()
    assert [t.citation.article_id for t in guide.timeline] == ["english"]
    assert guide.timeline[0].date == "2019"
    markdown = guide_markdown(assistant.study_guide("plain"), "en")
    assert "No dated statements found." in markdown
    assert "No names of people or organisations found." in markdown
    assert "No sentence to make a question from." in markdown
    json.dumps(guide.to_dict())


def test_guide_html_hides_quiz_answers_and_escapes_article_text(seed_assistant):
    page = guide_html(seed_assistant.study_guide(CALL), "ja")
    assert page.count('<details class="quiz-answer">') == 5
    assert "<summary>答えを見る</summary>" in page
    assert 'data-cite="witkoff-ushakov-call-leak|' in page
    assert "<script" not in page


@pytest.mark.parametrize(("text", "reference", "iso", "label"), [
    ("通話は10月中旬に行われ", Reference(2025), "2025-10-11/2025-10-20", "mid-October 2025"),
    ("ブルームバーグは11月25日、", Reference(2025), "2025-11-25", "2025-11-25"),
    ("2025年秋、米国は", None, "2025-09/2025-11", "autumn 2025"),
    ("1994年のブダペスト覚書", None, "1994", "1994"),
    ("2014年以降のロシアの行動", None, "2014/..", "2014 onwards"),
    ("来年の大統領選挙", Reference(2025, 11, 25), "2026", "2026"),
    ("２０２５年末に向けて", None, "2025-12", "end of 2025"),
    ("昭和20年8月15日に", None, "1945-08-15", "1945-08-15"),
    ("1990年代には", None, "1990/1999", "the 1990s"),
    ("19世紀後半の", None, "1851/1900", "1851–1900"),
    ("先月の会談", Reference(2025, 1, 10), "2024-12", "December 2024"),
])
def test_date_expressions_are_normalised(text, reference, iso, label):
    [mention] = find_dates(text, reference)
    assert (mention.iso(), mention.label("en")) == (iso, label)


def test_relative_dates_without_a_date_are_approximate_or_left_out():
    guessed = reference_of("", ["2025年秋、米国は", "1994年の覚書"])
    assert guessed == Reference(2025, guessed=True)
    [next_year] = find_dates("来年の選挙", guessed)
    assert next_year.iso() == "2026" and next_year.approximate
    assert find_dates("来年の選挙", None) == []
    assert find_dates("3年間で28項目、12345年", Reference(2025)) == []
    [_, same] = find_dates("1560年に生まれ、同年に", None)
    assert same.iso() == "1560" and not same.approximate


def test_the_articles_tab_shows_the_guide_above_the_article(seed_assistant):
    """Picking an article shows its guide (collapsible, a Markdown download) and then the
    article; a guide quote, clicked, opens the article at that quote."""
    import html as html_module
    from urllib.parse import unquote

    from assistant.ui import build_page

    _app, page, handlers = build_page(seed_assistant)
    reader = handlers.show_article(CALL, "English")[page.articles.reader]
    assert reader.index('<details class="study-guide-panel" open>') < reader.index("<h2>")
    for section in ("Key points", "People and organisations", "Quiz", "Timeline"):
        assert f"<summary>{section}</summary>" in reader
    link = re.search(r'download="guide-witkoff-ushakov-call-leak.md" href="([^"]+)"', reader)
    assert link is not None
    markdown = unquote(html_module.unescape(link.group(1)).split(",", 1)[1])
    assert markdown.startswith("# Study guide") and "米政府の特使は誰ですか？" in markdown
    quote = re.search(r'class="guide-quote" data-cite="([^"]+)"', reader).group(1)
    opened = handlers.open_citation(f"1|{quote}", "English")[page.articles.reader]
    assert '<mark id="reader-mark">' in opened and "study-guide-panel" in opened
