"""The model-translated gloss (#13): with a model configured, an English question's Japanese
quotes are translated in one request, each translation checked for the quote's numbers and
names, else the word gloss — against the real scripted OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assistant.english_reader import english_numbers, quote_numbers
from assistant.llm import parse_numbered
from assistant.qa import Assistant
from assistant.results import Answer, Citation
from assistant.settings import load_settings

from .conftest import SEED_CORPUS
from .openai_server import Reply, ScriptedLLM, number_of, quotes_of

LEAK = "ウシャコフ外交顧問との通話録音が流出"  # in the Bloomberg sentence of the seed articles
GOOD = ("Bloomberg reported on 25 November that a recording of a call between U.S. special "
        "envoy Steve Witkoff and Yuri Ushakov, foreign policy adviser of the Russian "
        "presidential office, had leaked.")


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM()
    server.answer = lambda request: Reply(
        f"Ushakov is the Kremlin's foreign policy adviser [{number_of(request, 'ウシャコフ')}].")
    yield server
    server.close()


def ask(index_dir: Path, llm: ScriptedLLM, question: str = "Who is Ushakov?",
        **overrides: Any) -> Answer:
    settings = load_settings(corpus_dir=SEED_CORPUS, index_dir=index_dir, llm_url=llm.url,
                             llm_model="scripted", **overrides)
    return Assistant(settings).ask(question)


def translating(english: str) -> Callable[[dict[str, Any]], Reply]:
    """A model that translates the leak quote as `english` and leaves the others out."""
    def reply(request: dict[str, Any]) -> Reply:
        return Reply("\n".join(f"[{n}] {english}" for n, quote in quotes_of(request).items()
                               if LEAK in quote))
    return reply


def leak_citation(answer: Answer) -> Citation:
    return next(c for c in answer.citations if LEAK in c.quote)


def translation_requests(llm: ScriptedLLM) -> list[dict[str, Any]]:
    return [r for r in llm.requests if r["messages"][0]["content"].startswith("Translate")]


def test_a_checked_translation_is_the_gloss(llm: ScriptedLLM, seed_index_dir: Path) -> None:
    llm.translate = translating(GOOD)
    answer = ask(seed_index_dir, llm)
    cited = leak_citation(answer)
    assert (cited.gloss, cited.gloss_kind) == (GOOD, "translation")
    assert len(translation_requests(llm)) == 1  # all quotes in one request
    others = [c for c in answer.citations if c is not cited]
    assert all(c.gloss_kind == "word_gloss" and c.gloss for c in others)  # left out: glossed
    data = answer.to_dict()
    assert {c["gloss_kind"] for c in data["citations"]} <= {"translation", "word_gloss"}

    from assistant.cli import format_answer
    from assistant.views import conversation_markdown, evidence_html

    assert f"translation (checked: numbers and names): {GOOD}" in format_answer(answer)
    assert "Translation (checked: numbers and names)" in conversation_markdown([answer], "en")
    assert "Translation (checked: numbers and names)" in evidence_html(answer, "en")


@pytest.mark.parametrize("wrong", [
    GOOD.replace(" on 25 November", ""),  # a date dropped
    GOOD.replace("25 November", "26 November"),  # a date changed
    GOOD.replace("Yuri Ushakov", "a Kremlin aide"),  # a name dropped
    GOOD.replace("Bloomberg", "Reuters"),  # a name changed
])
def test_a_translation_losing_a_number_or_a_name_falls_back_to_the_word_gloss(
        llm: ScriptedLLM, seed_index_dir: Path, wrong: str) -> None:
    llm.translate = translating(wrong)
    cited = leak_citation(ask(seed_index_dir, llm))
    assert cited.gloss_kind == "word_gloss"
    assert cited.gloss and cited.gloss != wrong and "25 November" in cited.gloss


@pytest.mark.parametrize("failure", [
    Reply(status=500), Reply(garbage=True), Reply("I cannot translate that."),
    Reply(GOOD, first_token_delay=3.0),  # beyond the first-token timeout below
])
def test_a_failed_model_call_falls_back_to_the_word_gloss(
        llm: ScriptedLLM, seed_index_dir: Path, failure: Reply) -> None:
    llm.translate = lambda request: failure
    answer = ask(seed_index_dir, llm, llm_first_token_timeout=1.0)
    assert answer.citations
    assert all(c.gloss and c.gloss_kind == "word_gloss" for c in answer.citations)


def test_a_japanese_question_gets_no_gloss_and_no_translation_request(
        llm: ScriptedLLM, seed_index_dir: Path) -> None:
    llm.answer = lambda request: Reply(
        f"ウシャコフ氏はロシア大統領府の外交顧問です。[{number_of(request, 'ウシャコフ')}]")
    llm.translate = translating(GOOD)
    answer = ask(seed_index_dir, llm, "ウシャコフ氏とは誰ですか？")
    assert answer.citations and all(c.gloss is None and c.gloss_kind is None
                                    for c in answer.citations)
    assert not translation_requests(llm)


def test_numbers_compare_after_normalising() -> None:
    said = english_numbers("On 2025/11/25 it set out 28 items worth 12,000 yen "
                           "and 3 billion yen, three times, in Nov.")
    for quote in ("2025年11月25日", "28項目", "1万2000円", "30億円", "3回", "11月"):
        assert all(said & accepted for accepted in quote_numbers(quote)), quote
    assert english_numbers("25 November 2025") >= {Decimal(25), Decimal(11), Decimal(2025)}
    assert not english_numbers("25 November") & quote_numbers("2025年")[0]
    assert quote_numbers("令和7年") == [frozenset({Decimal(7), Decimal(2025)})]


def test_a_numbered_reply_is_read_back_robustly() -> None:
    reply = ("Here you are:\n[1] The first\nquote, continued.\n2) Second,\n[9] not a quote's\n"
             "2025. began.\n3. Third\n3. Third again\n")
    assert parse_numbered(reply, 3) == {1: "The first quote, continued.",  # 3 given twice
                                        2: "Second, [9] not a quote's 2025. began."}
    assert parse_numbered("", 2) == {} and parse_numbered("[1]\n", 1) == {}
