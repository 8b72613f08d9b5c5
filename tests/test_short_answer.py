"""The short answer (assistant/short_answer.py): the kind asked, and the phrase taken
verbatim from seed-article sentences by the real SudachiPy and the shipped weights."""

import json
import threading

import pytest

from assistant.short_answer import (
    FEATURES,
    MAX_SENTENCE_CHARS,
    MODEL_PATH,
    AnswerKind,
    asked_kind,
    extract,
    for_citation,
    load_model,
    load_threshold,
    shown,
)

from .conftest import SEED_CORPUS

LEAK = (SEED_CORPUS / "witkoff-ushakov-call-leak.md").read_text(encoding="utf-8")


def seed_sentence(holding: str) -> str:
    """The sentence of the seed article holding `holding`, as it is in the file."""
    line = next(line for line in LEAK.splitlines() if holding in line)
    start = line.rfind("。", 0, line.index(holding)) + 1
    end = line.find("。", line.index(holding))
    return line[start : end + 1 if end >= 0 else len(line)]


@pytest.mark.parametrize(("question", "kind"), [
    ("ウィトコフ特使と通話したロシア高官は誰ですか？", AnswerKind.PERSON),
    ("通話はいつ行われましたか？", AnswerKind.DATE),
    ("ブダペスト覚書は何年のものですか？", AnswerKind.DATE),
    ("和平案は何項目ですか？", AnswerKind.NUMBER),
    ("会談に参加したのは何人ですか", AnswerKind.NUMBER),
    ("島の最高峰の高さは？", AnswerKind.NUMBER),
    ("ウシャコフ氏はどこの国の高官ですか？", AnswerKind.PLACE),
    ("ラオスの首都は？", AnswerKind.PLACE),
    ("録音を報じたのはどの企業ですか？", AnswerKind.ORGANISATION),
    ("梅雨は別名何と呼ばれるか？", AnswerKind.NAME),
    ("オランダの公式の英語表記は何というか。", AnswerKind.NAME),
    ("Who did Witkoff talk to?", AnswerKind.PERSON),
    ("When did the call take place?", AnswerKind.DATE),
    ("What year is the Budapest Memorandum from?", AnswerKind.DATE),
    ("Where did the talks take place?", AnswerKind.PLACE),
    ("How many points does the plan have?", AnswerKind.NUMBER),
    ("Which company reported the leak?", AnswerKind.ORGANISATION),
])
def test_the_kind_asked_comes_from_the_question_word(question, kind):
    assert asked_kind(question) is kind


@pytest.mark.parametrize("question", [
    "なぜウクライナは反発したのですか？",
    "28項目案はどのように作られたのですか？",
    "ブダペスト覚書とは何ですか？",
    "この記事を要約してください",
    "和平案についてどう思いますか？",
    "Why did Ukraine object?",
    "How was the plan drafted?",
    "Summarize the article.",
    "",
    "   ",
])
def test_why_how_and_summary_questions_ask_for_no_phrase(question):
    assert asked_kind(question) is None
    assert extract(question, seed_sentence("ユーリ・ウシャコフ外交顧問"), None) is None
    assert shown(question, seed_sentence("ユーリ・ウシャコフ外交顧問")) is None


@pytest.mark.parametrize(("question", "holding", "expected"), [
    ("ウィトコフ特使と通話したロシア高官は誰ですか？", "ユーリ・ウシャコフ外交顧問", "ウシャコフ"),
    ("通話はいつ行われましたか？", "通話は10月中旬に", "10月中旬"),
    ("ブダペスト覚書は何年のものですか？", "1994年のブダペスト覚書", "1994年"),
    ("協議されていた和平案は何項目ですか？", "協議されていた28項目案", "28項目"),
])
def test_the_answer_phrase_is_taken_verbatim_from_the_sentence(question, holding, expected):
    sentence = seed_sentence(holding)
    found = extract(question, sentence, asked_kind(question))
    assert found is not None
    assert found.text == sentence[found.start : found.end]
    assert expected in found.text
    assert len(found.text) <= len(expected) + 12  # a phrase, not the sentence
    assert 0.0 <= found.confidence <= 1.0


def test_an_english_question_shows_the_right_person_or_nothing():
    """Witkoff is matched to ウィトコフ by its consonants, so he is not the answer; but
    with no Japanese words to match, the choice between ウシャコフ and ブルームバーグ (the
    outlet, which SudachiPy tags as a person name) is not sure enough to show."""
    sentence = seed_sentence("ユーリ・ウシャコフ外交顧問")
    found = extract("Who did Witkoff talk to?", sentence, AnswerKind.PERSON)
    assert found is not None and "ウィトコフ" not in found.text
    answer = shown("Who did Witkoff talk to?", sentence)
    assert answer is None or "ウシャコフ" in answer.text


def test_the_confident_answers_are_shown_and_the_threshold_gates_them():
    date = shown("通話はいつ行われましたか？", seed_sentence("通話は10月中旬に"))
    year = shown("ブダペスト覚書は何年のものですか？", seed_sentence("1994年のブダペスト覚書"))
    assert date is not None and date.text == "10月中旬"
    assert year is not None and year.text == "1994年"
    assert date.confidence >= load_threshold() and year.confidence >= load_threshold()


def test_a_sentence_of_the_wrong_kind_gives_a_low_confidence_or_nothing():
    """A date asked of a sentence with no date in it: nothing of the kind to show."""
    sentence = seed_sentence("ユーリ・ウシャコフ外交顧問")
    unrelated = "ウクライナ社会では様々な意見が交わされている。"
    assert shown("通話はいつ行われましたか？", unrelated) is None
    found = extract("ブダペスト覚書は何年のものですか？", sentence, AnswerKind.DATE)
    assert found is None or found.confidence < extract(
        "ブダペスト覚書は何年のものですか？", seed_sentence("1994年のブダペスト覚書"),
        AnswerKind.DATE).confidence  # type: ignore[union-attr]


def test_no_candidate_no_answer():
    assert extract("誰ですか？", "そうですね。", AnswerKind.PERSON) is None
    assert extract("誰ですか？", "", AnswerKind.PERSON) is None


def test_a_huge_sentence_is_cut_and_the_offsets_still_hold():
    sentence = "ユーリ・ウシャコフ外交顧問が述べた。" + "あ" * 20_000
    found = extract("誰が述べましたか？", sentence, AnswerKind.PERSON)
    assert found is not None and found.end <= MAX_SENTENCE_CHARS
    assert sentence[found.start : found.end] == found.text


def test_threads_each_get_their_own_tokenizer_and_the_same_answers():
    sentence = seed_sentence("ユーリ・ウシャコフ外交顧問")
    question = "ウィトコフ特使と通話したロシア高官は誰ですか？"
    expected = extract(question, sentence, AnswerKind.PERSON)
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(extract(question, sentence, AnswerKind.PERSON))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert results == [expected] * 80


def test_the_shipped_weights_match_the_features():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert len(data["weights"]) == len(FEATURES)
    assert set(data["none"]) == {kind.value for kind in AnswerKind}
    assert 0.0 < load_model().threshold < 1.0


def test_the_cited_short_answer_has_offsets_into_the_article_body():
    body = LEAK.split("---", 2)[2].strip()  # the body after the front matter
    quote = seed_sentence("1994年のブダペスト覚書")
    quote_start = body.index(quote)
    cited = for_citation("ブダペスト覚書は何年のものですか？", quote, quote_start, n=1)
    assert cited is not None and cited.n == 1
    assert body[cited.start : cited.end] == cited.text == "1994年"
    assert for_citation("なぜですか？", quote, quote_start) is None


@pytest.mark.parametrize(("question", "sentence"), [
    ("誰？" * 1000, "ユーリ・ウシャコフ外交顧問が述べた。"),
    ("<script>alert(1)</script>は誰？", "<b>ウシャコフ</b>氏が「」『』述べた。"),
    ("🙂🙂 誰？", "🙂 ウシャコフ氏 🙂"),
    ("いつ？", "\u200b\u200b1994年\u3000に。"),
])
def test_odd_input_gives_a_verbatim_phrase_or_nothing(question, sentence):
    found = extract(question, sentence, asked_kind(question))
    assert found is None or sentence[found.start : found.end] == found.text
