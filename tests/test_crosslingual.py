"""English questions over Japanese articles: the real JMdict (jamdict-data), real SudachiPy,
the real seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import chunk_article
from assistant.corpus import load_corpus
from assistant.crosslingual import (
    MAX_TERMS,
    CorpusTerms,
    EnglishToJapanese,
    Glosser,
    NameMatcher,
    weighted_keyword_scores,
)
from assistant.jmdict import CACHE_NAME, JMdictTables
from assistant.keyword import KeywordIndex
from assistant.romaji import romanise

ROOT = Path(__file__).resolve().parent.parent
LEAK_SENTENCE = ("ブルームバーグは11月25日、米政府のスティーブ・ウィトコフ特使と、ロシア大統領府の"
                 "ユーリ・ウシャコフ外交顧問との通話録音が流出したと報じた。")
CALL_SENTENCE = ("通話は10月中旬に行われ、ウクライナ情勢や今後の協議に関するやり取りが"
                 "含まれていたという。")


@pytest.fixture(scope="session")
def tables_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jmdict")
    JMdictTables.open(folder)  # built once from jamdict-data (~25 s on 2 busy cores)
    return folder


@pytest.fixture(scope="session")
def tables(tables_dir: Path) -> JMdictTables:
    return JMdictTables.open(tables_dir)


@pytest.fixture(scope="session")
def seed_terms() -> CorpusTerms:
    articles, _ = load_corpus(ROOT / "corpus")
    return CorpusTerms.from_texts(a.body for a in articles)


@pytest.fixture(scope="session")
def expander(tables: JMdictTables, seed_terms: CorpusTerms) -> EnglishToJapanese:
    return EnglishToJapanese(tables, seed_terms)


@pytest.mark.parametrize(("english", "katakana"), [
    ("Witkoff", "ウィトコフ"), ("Ushakov", "ウシャコフ"), ("Budapest", "ブダペスト"),
    ("Tomahawk", "トマホーク"), ("Kremlin", "クレムリン")])
def test_names_match_the_corpus_katakana_by_sound(seed_terms: CorpusTerms, english: str,
                                                  katakana: str) -> None:
    matches = NameMatcher(seed_terms).match(english)
    assert matches and matches[0].name.japanese == katakana


def test_romanisation_of_loanword_kana() -> None:
    assert romanise("ウィトコフ") == "witokofu"
    assert romanise("ウシャコフ") == "ushakofu"
    assert romanise("クレムリン") == "kuremurin"
    assert romanise("トランプ") == "torampu"
    assert romanise("ジュネーブ") == "junebu"


def test_names_matcher_leaves_unrelated_words_alone(seed_terms: CorpusTerms,
                                                    expander: EnglishToJapanese) -> None:
    assert NameMatcher(seed_terms).match("Canada") == ()
    terms = expander.expand("Who wrote the book?").terms
    assert not [t for t in terms if t.kind == "name"]  # book ≠ バック, wrote ≠ ルート


def test_peace_plan_is_composed_from_two_headwords_the_corpus_uses(
        tables: JMdictTables, expander: EnglishToJapanese) -> None:
    assert tables.japanese_for(["peace plan"]) == []  # JMdict has no such gloss
    terms = {t.text: t for t in expander.expand("What does the peace plan say?").terms}
    assert terms["和平案"].kind == "compound"
    assert "和平" in terms


def test_dictionary_phrases_come_before_their_words(expander: EnglishToJapanese) -> None:
    terms = expander.expand("Which Secretary of State was busy?").terms
    assert terms[0].text == "国務長官" and terms[0].kind == "phrase"


def test_the_corpus_chooses_between_senses(expander: EnglishToJapanese) -> None:
    texts = [t.text for t in expander.expand("Which sanctions are obstacles?").terms]
    assert "制裁" in texts and "障害" in texts
    assert all(t in expander.corpus.words for t in texts)  # type: ignore[union-attr]


def test_unknown_and_mixed_language_words(expander: EnglishToJapanese) -> None:
    found = expander.expand("Did Zqxwvy blorfed the Kremlin? ウシャコフ氏の position?")
    assert "Zqxwvy" in found.unknown and "blorfed" in found.unknown
    assert found.unknown_names == ("Zqxwvy",)
    assert expander.expand("Unrelated: what is the population of Canada?").unknown_names == (
        "Canada",)  # "Unrelated" starts the sentence: not a name
    assert {"クレムリン", "立場"} <= {t.text for t in found.terms}
    assert expander.expand("").terms == () and expander.expand("🙂 ？").unknown == ()
    assert expander.expand("x" * 2000 + " Kremlin").unknown == ()  # not a word: skipped


def test_a_2000_character_question_gives_bounded_terms(expander: EnglishToJapanese) -> None:
    question = ("Why did Witkoff advise the Kremlin about the peace plan and sanctions? " * 40
                )[:2000]
    found = expander.expand(question)
    assert 0 < len(found.terms) <= MAX_TERMS
    assert "ウィトコフ" in {t.text for t in found.terms}


def test_gloss_of_the_leak_sentence(tables: JMdictTables) -> None:
    gloss = Glosser(tables).word_gloss(LEAK_SENTENCE)
    for piece in ("Bloomberg", "25 November", "Steve", "Yuri", "Ushakov", "adviser",
                  "recording", "special envoy"):
        assert piece in gloss, piece
    assert "は" not in gloss and "、" not in gloss  # particles and punctuation dropped


def test_gloss_uses_the_question_spelling_of_names(tables: JMdictTables,
                                                   expander: EnglishToJapanese) -> None:
    names = expander.expand("Who did Witkoff talk to?").names()
    assert names == {"ウィトコフ": "Witkoff"}
    assert "Witkoff special envoy" in Glosser(tables).word_gloss(LEAK_SENTENCE, names)


def test_gloss_of_dates_numbers_and_counters(tables: JMdictTables) -> None:
    glosser = Glosser(tables)
    assert "mid-October" in glosser.word_gloss(CALL_SENTENCE)
    assert "telephone call" in glosser.word_gloss(CALL_SENTENCE)
    gloss = glosser.word_gloss("28項目の案、2025年秋、1994年、3人、2025年11月25日、13月。")
    for piece in ("28 points", "autumn 2025", "1994", "3 people", "25 November 2025"):
        assert piece in gloss, piece


def test_gloss_keeps_negation_and_glosses_demonstratives_as_meant(tables: JMdictTables
                                                                   ) -> None:
    glosser = Glosser(tables)
    # 「証拠はありません」 glossed without its negation would read as its opposite
    gloss = glosser.word_gloss("実際に裏取引があった証拠はありませんが、どの国も疑っていない。")
    assert gloss.split(" · ").count("not") == 2
    assert gloss.index("evidence") < gloss.index("not")
    # JMdict files この under 九 and どの under 殿 first: "nine", "Mr."
    gloss = glosser.word_gloss("この動きは、どの国にも影響する。")
    assert gloss.startswith("this") and "which" in gloss
    assert "nine" not in gloss and "Mr." not in gloss


def test_romanised_name(tables: JMdictTables) -> None:
    assert Glosser(tables).romanised_name("ユーリ・ウシャコフ") == "Yuri Ushakov"


def test_gloss_of_bad_input(tables: JMdictTables) -> None:
    glosser = Glosser(tables)
    assert glosser.word_gloss("") == ""
    assert glosser.word_gloss("🙂🙂") == ""  # symbols carry no words
    assert len(glosser.word_gloss("ロシア" * 50_000)) < 20_000


def test_corpus_terms_round_trip(seed_terms: CorpusTerms, tmp_path: Path) -> None:
    seed_terms.save(tmp_path / "terms.json")
    assert CorpusTerms.load(tmp_path / "terms.json") == seed_terms


def test_tables_are_built_once_and_reopened(tables_dir: Path) -> None:
    stamp = (tables_dir / CACHE_NAME).stat().st_mtime_ns
    reopened = JMdictTables.open(tables_dir)
    assert (tables_dir / CACHE_NAME).stat().st_mtime_ns == stamp
    assert reopened.english_for("顧問") == "adviser"
    assert reopened.name_for("ブダペスト") == "Budapest"


def test_gloss_of_loanwords_names_and_unlisted_compounds(tables: JMdictTables) -> None:
    gloss = Glosser(tables).word_gloss(
        "今回の通話リーク問題は、大国間の情報戦であり、「トランプ流ディール外交」は中東の成功モデルだ。")
    for piece in ("leak", "information war", "Trump", "Middle East", "model"):
        assert piece in gloss, piece
    assert "Leek" not in gloss and "playing cards" not in gloss


def test_expanded_terms_find_the_passage_raw_english_cannot(expander: EnglishToJapanese) -> None:
    articles, _ = load_corpus(ROOT / "corpus")
    chunks = [c.text for a in articles for c in chunk_article(a, 300, 1)]
    index = KeywordIndex(chunks, "sudachi")
    question = "Who is Ushakov, the Kremlin adviser?"
    scores = weighted_keyword_scores(index, expander.expand(question))
    assert "ウシャコフ外交顧問" in chunks[int(scores.argmax())]
    assert float(index.scores(question).max()) == 0.0  # no English word is in the index


def test_a_number_and_its_counter_and_noun_senses(expander: EnglishToJapanese) -> None:
    texts = [t.text for t in expander.expand("What does the 28-point plan say?").terms]
    assert "28項目" in texts and "案" in texts
    assert not {"先", "前", "図る"} & set(texts)  # "point" and "plan" as nouns, not verbs
    call = [t.text for t in expander.expand("Who was on the leaked phone call?").terms]
    assert "通話" in call and "呼ぶ" not in call
    assert "項目" in [t.text for t in expander.expand("How many points does it have?").terms]


def test_names_of_several_words_and_sentence_initial_words(expander: EnglishToJapanese) -> None:
    found = expander.expand("When did the United States stop the supply of Tomahawk missiles?")
    assert found.unknown_names == () and {"アメリカ", "米国"} & {t.text for t in found.terms}
    apart = expander.expand("Apart from Poland, which countries worry?")
    assert "アプローチ" not in {t.text for t in apart.terms}  # "Apart" is a word, not a name


def test_related_forms_and_british_spelling(expander: EnglishToJapanese) -> None:
    for question, japanese in (("What did Witkoff advise?", "助言"),
                               ("Why are people suspicious?", "疑念"),
                               ("Why was he at the centre?", "中心")):
        terms = expander.expand(question).terms
        assert japanese in {t.text for t in terms}, question
    derived = next(t for t in expander.expand("What did Witkoff advise?").terms
                   if t.text == "助言")
    assert derived.weight < 1.0  # found through "advice": weaker than a sense of the word


def test_a_part_switched_off_leaves_its_words_unknown_to_nobody(
        tables: JMdictTables, seed_terms: CorpusTerms) -> None:
    """Measuring a part alone (ASSISTANT_ENGLISH_PARTS): a word only the switched-off part
    could look up is not "missing" from the articles (else every question is declined)."""
    names_only = EnglishToJapanese(tables, seed_terms, use_dictionary=False)
    assert names_only.expand("What is his salary, Zqxwvy?").unknown == ("Zqxwvy",)
    dictionary_only = EnglishToJapanese(tables, seed_terms, use_names=False)
    found = dictionary_only.expand("What did Ushakov say about the salary?")
    assert found.unknown == ("salary",) and found.unknown_names == ()


def test_a_word_that_only_restates_the_next_is_not_unknown(expander: EnglishToJapanese) -> None:
    """"phone call": the articles say 通話, never 電話 (phone); 電話 is a sense of "call" too,
    so "phone" restates it and is no missing word. "weather" in "weather forecast" is (天気
    is no sense of forecast); "itself" and "take place" are words of the asking."""
    call = expander.expand("When did the phone call itself take place?")
    assert call.unknown == () and [t.text for t in call.terms] == ["通話"]
    assert "weather" in expander.expand("What is the weather forecast for Tokyo?").unknown


def test_compass_adjectives_find_the_west(expander: EnglishToJapanese) -> None:
    """"Western" is no name to match by sound: the articles' 欧米各国 are the Western
    countries."""
    expansion = expander.expand("Why is it hard for Western countries to make concessions?")
    assert "欧米各国" in {t.text for t in expansion.terms}
    assert expansion.unknown_names == ()


def test_unknown_words_that_say_what_something_does_are_predicates(
        expander: EnglishToJapanese) -> None:
    """focus.FocusTerm.predicate: busy (忙しい) and broke (break: 壊す) say what someone
    did or was; status (地位) and banana are things the articles would have to name."""
    for question, predicate in (("Was he busy?", True), ("Who broke the news?", True),
                                ("What is his status?", False),
                                ("How many calories are in a banana?", False)):
        expansion = expander.expand(question)
        assert len(expansion.unknown) == 1, question
        assert (expansion.unknown_predicates == expansion.unknown) is predicate, question


def test_a_related_noun_counts_beside_the_verb(expander: EnglishToJapanese) -> None:
    """Japanese news says 議論 (a noun) where English says "discussed": the noun's senses
    (discussion → 議論) are kept beside the verb's own (話す), weaker."""
    terms = {t.text: t.weight for t in expander.expand("Where was it discussed?").terms}
    assert terms["話す"] == 1.0
    assert 0 < terms["議論"] <= 0.8


def test_a_readers_word_the_articles_lack_finds_the_articles_word(
        tables: JMdictTables, seed_terms: CorpusTerms) -> None:
    from assistant.synonyms import JapaneseSynonyms, with_synonyms

    synonyms = JapaneseSynonyms(tables, seed_terms)
    assert synonyms.for_question("ロシア高官との電話はいつ？") == ("通話",)
    assert "リーク" in synonyms.for_question("録音を漏らしたのは誰？")
    # a word the articles have is the articles' word already; a one-character word and a
    # later or looser sense (以前 → 以降, 場所 → 立場) are no synonym
    assert synonyms.for_question("通話はいつ？") == ()
    assert synonyms.for_question("人の本の件") == ()
    assert not {"以降", "立場", "現場"} & set(synonyms.for_question("以前の場所は？"))
    # a word that only frames the question needs no form in the articles (期間 → 期限)
    assert synonyms.for_question("どれくらいの期間続く？") == ()
    assert with_synonyms("電話はいつ？", synonyms) == "電話はいつ？ 通話"
    assert with_synonyms("電話はいつ？", None) == "電話はいつ？"
    for bad in ("", "🙂" * 50, "ｱｲｳ" * 1000, "電話" * 2000):
        synonyms.for_question(bad)  # no crash, bounded


def test_a_readers_loanword_finds_the_articles_kanji_word(tables: JMdictTables,
                                                         seed_terms: CorpusTerms) -> None:
    """アドバイス and 助言 are both first "advice"; a katakana word's looser senses are not
    taken (スクープ "scoop" is no 報道)."""
    from assistant.synonyms import JapaneseSynonyms

    synonyms = JapaneseSynonyms(tables, seed_terms)
    assert synonyms.corpus_words_for("アドバイス") == ("助言",)
    assert synonyms.corpus_words_for("スクープ") == ()


def test_an_english_word_whose_senses_the_articles_lack_finds_their_word_for_them(
        tables: JMdictTables, seed_terms: CorpusTerms) -> None:
    """"phone" is 電話, which the articles never write: their word for it, 通話, is searched
    (without that link, "phone conversation" is an unknown word and a conversation)."""
    from assistant.synonyms import JapaneseSynonyms

    linked = EnglishToJapanese(tables, seed_terms, corpus_words_for=JapaneseSynonyms(
        tables, seed_terms).kanji_sharing_words_for)
    expansion = linked.expand("When did the phone conversation take place?")
    assert ("通話", "phone") in [(t.text, t.source) for t in expansion.terms]
    assert expansion.unknown == ()
    assert EnglishToJapanese(tables, seed_terms).expand(
        "When did the phone conversation take place?").unknown == ("phone",)
    # only a word's best sense, and only the articles' word sharing its kanji
    for question in ("What's a good recipe for miso soup?", "Suggest a dinner menu."):
        assert not {"秘密", "スケジュール"} & {t.text for t in linked.expand(question).terms}


def test_a_negated_word_finds_the_articles_negative_word(tables: JMdictTables,
                                                         seed_terms: CorpusTerms) -> None:
    from assistant.synonyms import JapaneseSynonyms

    synonyms = JapaneseSynonyms(tables, seed_terms)
    # the articles write 不信感, 不透明, 人員不足
    assert synonyms.for_question("欧州はなぜアメリカを信用しなくなってるの？") == ("不信",)
    assert synonyms.for_question("交渉が透明じゃないのはなぜ？") == ("不透明",)
    assert synonyms.for_question("人手が足りなかったから？") == ("不足",)
    # not negated, or negated far after: nothing
    assert synonyms.for_question("交渉は透明なの？") == ()
    assert synonyms.for_question("透明性について、記事は何も言わないの？") == ()


def test_a_compounds_short_words_are_corpus_words(seed_terms: CorpusTerms,
                                                  expander: EnglishToJapanese) -> None:
    # the article writes 修正案 (one word to SudachiPy's mode C); "revised" finds its 修正
    assert {"修正案", "修正"} <= seed_terms.words and "引く" not in seed_terms.words
    terms = {t.text for t in expander.expand("Where was a revised draft discussed?").terms}
    assert "修正" in terms


def test_the_kind_asked_for_is_searched_but_not_needed(expander: EnglishToJapanese) -> None:
    from assistant.english_reader import english_coverage

    expansion = expander.expand("In which city was the peace plan revised?")
    assert expansion.asked_kinds == ("city",)
    coverage = english_coverage(expansion, ["ジュネーブで和平案の修正案が検討された。"])
    assert "city" not in {t.text for t in coverage.focus}
    assert not coverage.missing
    # a city the question names is still a thing to find
    named = expander.expand("What did the city council say about the peace plan?")
    assert named.asked_kinds == ()


def test_a_verb_or_adjective_term_covers_its_other_forms() -> None:
    from assistant.crosslingual import Expansion, JapaneseTerm

    found = Expansion((JapaneseTerm("求める", 1.0, "demanding", "word"),
                       JapaneseTerm("強い", 1.0, "strongly", "word"),
                       JapaneseTerm("話す", 1.0, "talk", "word")), ())
    # the article inflects what JMdict lists in its dictionary form
    assert found.covered("NATO加盟断念をロシアが強く求めている") == {"demanding": 1.0,
                                                               "strongly": 1.0}
    # not a noun sharing the stem (強化), nor the particle after the noun 話 (話は)
    assert found.covered("協力を強化した。話は変わる") == {}
    assert found.covered("話し合いが続いた") == {"talk": 1.0}


def test_a_long_gloss_of_a_sense_still_answers_its_head_word(expander: EnglishToJapanese
                                                             ) -> None:
    """流出's news sense is glossed "leak of (private) information or pictures": too long
    to be a key itself, its head "leak" finds 流出, weaker than リーク."""
    terms = {t.text: t.weight for t in expander.expand("Who reported the leak?").terms}
    assert terms["リーク"] == 1.0
    assert 0 < terms["流出"] < 0.5


def test_a_participle_after_its_subject_is_the_verb(expander: EnglishToJapanese) -> None:
    """"was the leak reported": "reported" is the question's verb (報じる), not a noun
    phrase's last word (報告, 記事 only)."""
    terms = {t.text for t in expander.expand("When was the leak reported?").terms}
    assert "報じる" in terms
    noun = {t.text for t in expander.expand("What did the reported plan say?").terms}
    assert "報じる" not in noun


def test_which_news_outlet_asks_for_one_and_the_verb_after_it_is_a_verb(
        expander: EnglishToJapanese) -> None:
    expansion = expander.expand("Which news outlet reported the leak?")
    assert set(expansion.asked_kinds) == {"news", "outlet"}
    assert "outlet" not in expansion.unknown
    assert "報じる" in {t.text for t in expansion.terms}


def test_talks_are_negotiations(expander: EnglishToJapanese) -> None:
    terms = [t.text for t in expander.expand("Who led the talks?").terms
             if t.source == "talks"]
    assert terms[:2] == ["交渉", "協議"]


def test_a_yes_no_questions_verb_with_only_thing_senses_is_unknown(expander: EnglishToJapanese
                                                                   ) -> None:
    """"Did Trump fire…": the corpus's only sense of "fire" is 戦火, a thing; the verb is
    then a word no article has, and a predicate (the decline rule's unasked event)."""
    fired = expander.expand("Did Trump fire Witkoff over the leak?")
    assert "fire" in fired.unknown and "fire" in fired.unknown_predicates
    assert "戦火" not in {t.text for t in fired.terms}
    reacted = expander.expand("Did Russia react to the leak?")
    assert "反応" in {t.text for t in reacted.terms}  # a noun that acts (反応する) stays


def test_an_adjective_of_feeling_is_looked_up_by_its_noun(seed_assistant):
    """"afraid" is in no JMdict gloss key; "fear" is (懸念)."""
    expansion = seed_assistant.retriever().retrieve(
        "What are they afraid will happen again?", 5).expansion
    assert expansion is not None and "afraid" not in expansion.unknown
    assert any(t.source == "afraid" for t in expansion.terms)


def test_a_misspelt_katakana_name_is_written_as_the_articles_write_it(
        tables: JMdictTables, seed_terms: CorpusTerms) -> None:
    """Readers misremember names: a small っ, a long mark or a voicing mark more or less
    (ウィットコフ, ブタペスト), or one sound off in a long one."""
    from assistant.synonyms import JapaneseSynonyms

    synonyms = JapaneseSynonyms(tables, seed_terms)
    assert synonyms.respelled("ウィットコフさんって誰？") == "ウィトコフさんって誰？"
    assert synonyms.respelled("ブタペスト覚書とは") == "ブダペスト覚書とは"
    assert synonyms.respelled("ウシャコフ氏は") == "ウシャコフ氏は"  # as written already
    # no word of the articles sounds like it, or a short word: left as the reader wrote it
    assert synonyms.respelled("ベルリンの天気") == "ベルリンの天気"
    assert synonyms.respelled("ロシヤ") == "ロシヤ"
    for bad in ("", "ーーーー", "ッ" * 3000, "ア" * 5000):
        synonyms.respelled(bad)  # no crash, bounded


def test_adjectives_and_demonyms_reach_the_articles_nouns(expander: EnglishToJapanese) -> None:
    """"territorial" is glossed nowhere, "territory" is (領土); "the Poles" are Poland's;
    "conceding" is a concession (譲歩)."""
    def texts(question: str) -> set[str]:
        return {t.text for t in expander.expand(question).terms}

    assert "領土" in texts("Which regions are at the heart of the territorial fight?")
    assert "ポーランド" in texts("Apart from the Poles, who is alarmed?")
    assert "譲歩" in texts("Why are they wary of conceding too much?")
