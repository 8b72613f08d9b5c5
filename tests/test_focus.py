"""Question focus, follow-up detection and intent (assistant/focus.py), real SudachiPy."""

from __future__ import annotations

from assistant.focus import (
    intent,
    is_predicate,
    missing_focus,
    normalise,
    question_focus,
    refers_back,
    subject_parties,
    with_short_forms,
    without_topic_change,
)


def focus_texts(question: str) -> list[tuple[str, bool]]:
    return [(term.text, term.is_name) for term in question_focus(question)]


def test_focus_is_the_names_and_content_words_not_the_question_frame():
    assert focus_texts("ウシャコフ氏とは誰？") == [("ウシャコフ", True)]
    assert focus_texts("インドはこの計画にどう反応した？") == [
        ("インド", True), ("計画", False)]
    # words that say what kind of answer is wanted are frame, not focus
    assert focus_texts("録音が漏れたことにロシアはどういう態度を取ってる？") == [
        ("録音", False), ("ロシア", True)]
    assert focus_texts("ウシャコフ氏の年齢は？") == [("ウシャコフ", True), ("年齢", False)]
    assert focus_texts("ブダペスト覚書は何年のものですか？") == [
        ("ブダペスト", True), ("覚書", False)]
    assert focus_texts("いつですか？") == []
    assert focus_texts("この記事の内容の理由は何？") == []


def test_a_katakana_word_the_dictionary_knows_as_an_action_is_no_name():
    """ゼレンスキー (a name SudachiPy lacks) is a name; スクープ and アドバイス are things done:
    missing, they are a word the articles may say otherwise, not a person they never name."""
    assert focus_texts("ゼレンスキーは何て言ってる？") == [("ゼレンスキー", True)]
    assert ("スクープ", False) in focus_texts("スクープしたのはどこ？")
    assert ("アドバイス", False) in focus_texts("どんなアドバイスをしたの？")


def test_missing_focus_names_what_no_text_contains():
    texts = [normalise(t) for t in ("ロシア大統領府のユーリ・ウシャコフ外交顧問",
                                     "１９９４年のブダペスト覚書")]
    assert missing_focus(question_focus("ウシャコフ氏の年齢は？"), texts) == [
        question_focus("年齢")[0]]
    assert missing_focus(question_focus("ブダペスト覚書は何年？"), texts) == []
    assert [t.text for t in missing_focus(question_focus("中国の株価は？"), texts)] == [
        "中国", "株価"]


def test_a_question_refers_back_only_with_a_reference_or_without_a_subject():
    assert refers_back("それはいつ？") and refers_back("いつですか？")
    assert refers_back("When was that call?") and refers_back("Why?")
    assert not refers_back("明日の天気は？")
    assert not refers_back("ウシャコフ氏とは誰？")
    assert not refers_back("Who is Ushakov?")


def test_intent():
    assert intent("この記事を要約して") == "summary"
    assert intent("Summarize the articles.") == "summary"
    assert intent("ポイントを教えて") == "summary"
    assert intent("どう思う？") == "opinion" and intent("What do you think?") == "opinion"
    assert intent("ウシャコフ氏とは誰？") == "fact"
    # a summary word naming the part of the page a fact is in asks no summary
    assert intent("What is Russia after, according to the rundown of each side's goals?") \
        == "fact"
    assert intent("まとめの部分で示されている『重要な現実』には何がある？") == "fact"
    assert intent("Give me a rundown.") == "summary"


def test_a_change_of_topic_that_names_its_subject_stands_alone():
    from assistant.focus import refers_back
    assert not refers_back("ところで、欧州の国々はこの件をどう受け止めてるの？")
    assert refers_back("この件はどうなったの？")
    assert refers_back("ところで、それはいつ？")  # no subject of its own


def test_a_kind_noun_is_the_asked_kind_only_after_dokono():
    from assistant.focus import question_focus
    assert "メディア" not in [t.text for t in question_focus("最初に報じたのはどこのメディア？")]
    assert "企業" in [t.text for t in question_focus("ロシアの企業はどう反応した？")]
    assert "コメント" in [t.text for t in question_focus("ロシア政府のコメントは？")]


def test_words_for_a_place_in_the_article_or_its_message_are_not_focus():
    # 最後, 締めくくり, 冒頭… say where on the page; 教訓, 結論, 示唆… what kind of
    # statement: the article's text never contains them, so they can't be required
    assert focus_texts("最後に紹介されてる本は何を元に書かれてるの？") == []
    assert focus_texts("記事の締めくくりで挙げられてる教訓を教えて") == []
    assert focus_texts("冒頭で述べられている結論は？") == []
    assert focus_texts("後半で筆者が示唆していることは？") == []
    # the subject next to them still is
    assert focus_texts("記事の最後でゾルゲについて言われている教訓は？") == [("ゾルゲ", True)]


def test_a_question_whose_focus_is_in_one_retrieved_passage_gets_the_lower_threshold():
    from assistant.refusal import Background, Coverage, DeclineRule, RelevanceWeights

    rule = DeclineRule({"ja": Background(0.0, 1.0)}, "ja", RelevanceWeights(0.0, 0.0),
                       z_same=2.22, z_cross=0.44, z_found=1.75, z_in_passages=1.0)
    geneva = question_focus("ジュネーブでは何があったの？")
    assert rule.threshold(True, Coverage(geneva, (), in_passages=True)) == 1.0
    assert rule.threshold(True, Coverage(geneva, (), in_passages=False)) == 1.75
    # a missing word or name still decides, wherever the other terms are
    population = question_focus("ジュネーブの人口は？")
    assert rule.threshold(True, Coverage(population, population[1:], in_passages=True)) == 3.0


def test_a_missing_predicate_tells_less_than_a_missing_thing():
    """手一杯 says what Rubio was (the article: 追われていた); 人口 is a thing the articles
    would have to state. A missing predicate counts only when nothing else is found."""
    from assistant.refusal import Background, Coverage, DeclineRule, RelevanceWeights

    rule = DeclineRule({"ja": Background(0.0, 1.0)}, "ja", RelevanceWeights(0.0, 0.0),
                       z_same=2.22, z_cross=0.44, z_found=1.75, z_in_passages=1.0)
    busy = question_focus("ベネズエラの危機対応で手一杯だったのは誰？")
    assert [(t.text, t.predicate) for t in busy] == [
        ("ベネズエラ", False), ("危機", False), ("手一杯", True)]
    missing = tuple(t for t in busy if t.text == "手一杯")
    assert Coverage(busy, missing).telling_missing == ()
    assert rule.threshold(True, Coverage(busy, missing, in_passages=True)) == 1.0
    one_anchor = (busy[0], *missing)  # ベネズエラ alone is too little to go on
    assert Coverage(one_anchor, missing).telling_missing == missing
    population = question_focus("ジュネーブの人口は？")
    assert not any(t.predicate for t in population)
    assert rule.threshold(True, Coverage(population, population[1:])) == 3.0


def test_predicates_are_verbs_adjectives_and_nouns_that_act_as_them():
    assert all(map(is_predicate, ["忙しい", "追う", "多忙", "電話", "金がない", "静か"]))
    assert not any(map(is_predicate, ["天気", "地位", "兵士", "バナナ", ""]))


def test_a_country_written_in_one_kanji_is_named():
    """News writes 英仏, 米・英・露, 対露: イギリス was declined as missing from
    「英仏など主要国も…」; 英 inside another word (英雄) is no country."""
    texts = [normalise("英仏など主要国も懸念を示した。米・英・露から確約を得た。")]
    assert missing_focus(question_focus("イギリスやフランスの動きは？"), texts) == []
    assert [t.text for t in missing_focus(question_focus("ドイツの反応は？"), texts)] == ["ドイツ"]
    assert [t.text for t in missing_focus(question_focus("イギリスの英雄は？"),
                                          [normalise("彼は英雄だ。")])] == ["イギリス"]
    assert with_short_forms("イギリスは？", lambda word: False) == "イギリスは？ 英"
    assert with_short_forms("イギリスは？", lambda word: True) == "イギリスは？"


def test_an_opener_that_only_changes_the_topic_is_dropped_from_what_is_searched():
    assert without_topic_change("Changing the subject - where does Ushakov work?") == \
        "where does Ushakov work?"
    assert without_topic_change("By the way, who is Rubio?") == "who is Rubio?"
    assert without_topic_change("話は変わるけど、彼の所属は？") == "彼の所属は？"
    assert without_topic_change("Unrelated, but who won the World Cup?") == \
        "but who won the World Cup?"
    assert without_topic_change("関係ないけど、明日の天気は？") == "明日の天気は？"
    # without a comma after it, or with nothing after it, the question stays as written
    assert without_topic_change("ところで今日の天気は？") == "ところで今日の天気は？"
    assert without_topic_change("ところで、") == "ところで、"


def test_the_kind_of_place_a_question_ends_on_asking_is_not_its_focus():
    # 「…都市は？」 asks for a city: the articles say ジュネーブ, never 都市
    assert focus_texts("修正案が検討されたとされる都市は？") == [("修正案", False), ("検討", False)]
    # a kind named as a subject is the focus: 「ロシアの企業はどう反応した？」
    assert ("企業", False) in focus_texts("ロシアの企業はどう反応した？")


def test_a_noun_a_clause_describes_and_the_question_asks_for_is_the_kind_asked():
    """「…いきなりやめた武器って何？」 asks which weapon: the articles name it (トマホーク)
    without the word 武器. A noun no clause describes stays the focus (好きな is no clause)."""
    assert focus_texts("アメリカがウクライナに渡すのをいきなりやめた武器って何？") == [
        ("アメリカ", True), ("ウクライナ", True)]
    assert ("食べ物", False) in focus_texts("プーチンが好きな食べ物って何？")
    assert ("兵器", False) in focus_texts("ロシアが使った新型兵器の射程は？")


def test_the_parties_a_text_has_as_its_subject():
    assert subject_parties("なんでウクライナの人たちは今回の案を受け入れられないの？") == [
        ("ウクライナ",)]
    assert subject_parties("ロシア側も現状の軍事的プレッシャーを") == [("ロシア", "露")]
    assert subject_parties("また欧米各国も、譲歩しすぎれば") == [("欧米",)]
    # a loanword is no party; が marks a clause's subject as often as the question's
    assert subject_parties("リッチスニペットはいつ発表された？") == []
    assert subject_parties("貿易では、ドイツが最大の相手国だ", topic_only=True) == []
    assert subject_parties("") == []
