"""The corrections for news pages (reader_rules.py) and the pieces they rest on: what a
question asks for, list lead-ins without 「次の」, counts in a unit, the author's summary."""

from __future__ import annotations

from assistant.corpus import Article
from assistant.focus import (
    DURATION,
    MONEY,
    asked_unit,
    counts_in,
    counts_in_digits,
    intent,
    names_a_book,
    says_it_was_long,
)
from assistant.keyword import country_lists
from assistant.reader_rules import (
    COUNTRIES_GIVEN,
    MISSING_KIND,
    MISSING_UNIT,
    Placed,
    asked_kind,
    asks_about_report,
    asks_when,
    gives_countries,
    is_filler,
    judges,
    penalties,
    states_a_time,
)
from assistant.summary import key_points, leads_list


def test_a_heading_like_line_and_a_rhetorical_question_rank_below_a_statement():
    found = penalties("ウシャコフ氏の仕事は？", [
        Placed("ウシャコフ氏はロシア大統領府の外交顧問です。", ""),
        Placed("ロシア国内世論・ウクライナ国内の反発", ""),
        Placed("ゾルゲの報告はどこまでソ連指導部に届いていたのか", ""),
    ])
    assert found[0] == 0.0 and 0.0 < found[1] < found[2]


def test_a_quoted_suspicion_asks_unless_the_questions_raised_are_asked_for():
    suspicion = Placed("「トマホーク供与の拒否はロシアへの“善意のジェスチャー”として扱われたのでは"
                       "ないか」", "")
    statement = Placed("米国はウクライナが求めていたトマホーク巡航ミサイルの供与を停止した。", "")
    asked = Placed("ゾルゲの報告はどこまでソ連指導部に届いていたのか", "", in_list=True)
    found = penalties("トマホークってどんな兵器？", [suspicion, statement])
    assert found[0] > found[1] == 0.0
    assert penalties("Which questions about Sorge does the book examine?", [asked])[0] == 0.0
    assert penalties("その本は何を検証してる？", [asked])[0] > 0.0


def test_a_wrap_up_is_penalised_and_never_pads_an_answer():
    wrap = Placed("対話を通じて平和が一日も早く訪れることが望まれます。", "")
    in_summary_section = Placed("今回の報道は重要です。", "まとめ")
    plain = Placed("通話は10月中旬に行われた。", "ニュース")
    assert is_filler(wrap) and is_filler(in_summary_section) and not is_filler(plain)
    assert list(penalties("通話の内容は？", [wrap, plain])) == [1.0, 0.0]


def test_the_asked_kind_must_be_in_the_sentence():
    assert asked_kind("何月何日のこと？") == "date"
    assert asked_kind("何か国？") == "countries"
    assert asked_kind("何人？") == "count"
    assert asked_kind("In which month was the call held?") == "date"
    assert asked_kind("What day did it leak?") == "date"
    assert asked_kind("書いたのは誰？") == "person"
    assert asked_kind("反発してる理由は？") == "reason"
    assert asked_kind("どんな内容？") is None
    no_date, dated = penalties("報じられたのは何月何日？", [
        Placed("平和が一日も早く訪れることが期待されています。", ""),
        Placed("2025年11月25日にも、新たな動きが報道されました。", ""),
    ])
    assert dated == 0.0 and no_date > dated
    year_only, listed = penalties("保証したのは何か国？", [
        Placed("背景には1994年のブダペスト覚書があります。", ""),
        Placed("米・英・露から安全保障の確約を得ました。", ""),
    ])
    assert listed < 0.0 < year_only  # a year is not a count; the list is the answer


def test_a_list_of_countries_answers_how_many_countries():
    """「何か国？」 answered by the list 「米・英・露」 (no number + か国 in the article): the
    list is the answer, and outweighs a sentence with more of the question's words."""
    for question in ("ブダペスト覚書で安全を保証したのは何か国？", "いくつの国が関わった？",
                     "How many countries gave the guarantees?"):
        assert asked_kind(question) == "countries", question
    for text, listed in (("米・英・露から安全保障の確約を得ました。", "米・英・露"),
                         ("米英露が署名した。", "米英露"),
                         ("アメリカ、イギリス、ロシアが約束した。", "アメリカ、イギリス、ロシア"),
                         ("日米韓の首脳が会談した。", "日米韓")):
        assert [text[a:b] for a, b in country_lists(text)] == [listed]
        assert gives_countries(text)
    for text in ("EU・日本など支援国が反発した。", "ウクライナと欧州が反発した。",
                 "11月25日、日本は声明を出した。", "加盟国の意見が割れた。"):
        assert country_lists(text) == [], text
    assert gives_countries("3か国が署名した。") and not gives_countries("1994年の覚書。")
    year_only, listed, counted = penalties("保証したのは何か国？", [
        Placed("背景には1994年のブダペスト覚書があります。", ""),
        Placed("米・英・露から安全保障の確約を得ました。", ""),
        Placed("3カ国が安全を保証しました。", ""),
    ])
    assert listed == counted == -COUNTRIES_GIVEN and year_only > 0.0
    # a list of countries is no answer to another count
    people, = penalties("何人が署名した？", [Placed("米・英・露が署名した。", "")])
    assert people == 0.0  # 「・」 counts as before (a list), no bonus


def test_a_news_leads_report_date_is_not_the_date_of_what_it_reports():
    """「ブルームバーグは11月25日、…と報じた。」 dates the report: asked when the call took
    place, it holds no date of the call; asked when it leaked, it does."""
    lead = Placed("ブルームバーグは11月25日、特使と外交顧問の通話録音が流出したと報じた。", "")
    event = Placed("通話は10月中旬に行われた。", "")
    reported_date = Placed("ロイターは3日、通話が10月中旬に行われたと報じた。", "")
    on_lead, on_event, on_reported = penalties("二人が電話で話したのはいつ？",
                                               [lead, event, reported_date])
    assert on_lead > 0.0 and on_event == 0.0 and on_reported == 0.0
    assert list(penalties("録音が流出したのはいつ？", [lead, event])) == [0.0, 0.0]
    assert list(penalties("When was the recording leaked?", [lead])) == [0.0]


def test_asked_for_items_a_list_and_its_lead_in_rank_up():
    lead_in = Placed("ロシアが戦略的利益を得ているのは確実です。", "", in_list=True)
    other = Placed("今回のリークの意義がより鮮明になります。", "")
    bonus, none = penalties("ロシアが得してることって何がある？", [lead_in, other])
    assert bonus < 0.0 == none


def test_a_sentence_ending_its_line_before_a_list_leads_it():
    body = "利益を得ているのは確実です。\n\n・分断を助長する\n・不信を強める\n\n次の段落。"
    end = body.index("。") + 1
    assert leads_list(body, end)
    assert not leads_list(body, body.index("次の段落"))
    assert not leads_list("一文目。二文目。\n・項目", len("一文目。"))


def test_a_count_asks_for_a_number_in_its_unit():
    assert asked_unit("彼って何歳なの？") == "歳"
    assert asked_unit("トマホークを何発ほしがってたの？") == "発"
    assert asked_unit("いつのこと？") is None
    assert asked_unit("How old is he?") == "歳" and asked_unit("When was it?") is None
    assert asked_unit("ゾルゲの本は何ページある？") == "ページ"
    assert asked_unit("How many pages does the book have?") == "ページ"
    assert counts_in("歳", "ウシャコフ氏（78歳）は") and counts_in("発", "数百発の")
    assert not counts_in("歳", "歳月をかけた") and not counts_in("発", "発表した")



def test_how_much_asks_for_a_sum_and_how_many_minutes_for_minutes():
    """「いくら？」 is answered only by a sum of money, in any currency; 何分 by minutes (a
    question the articles can't answer otherwise quotes whatever shares its words)."""
    assert asked_unit("トマホークって1発いくらするの？") == MONEY
    assert asked_unit("How much does a Tomahawk cost?") == MONEY
    assert asked_unit("いくらか譲歩したの？") is None  # "somewhat", not a price
    assert asked_unit("How much did Russia gain?") is None
    assert asked_unit("サービス産業は全GDPのいくら占めているか？") is None  # a share
    assert counts_in(MONEY, "1発約200万ドルとされる") and counts_in(MONEY, "3億円の契約")
    assert counts_in(MONEY, "about $2 million each")
    assert not counts_in(MONEY, "2025年秋、供与を停止した") and not counts_in(MONEY, "円安が進む")
    assert asked_unit("録音は何分くらいの長さ？") == "分" and counts_in("分", "約12分の録音")
    assert asked_unit("約何分間？") == "分"
    assert asked_unit("人口の何分の一？") is None
    assert asked_unit("有機物の何分解と結論されているか？") is None  # 分解, not minutes


def test_asked_a_count_in_a_unit_a_sentence_without_one_ranks_far_below():
    """「何項目」 is answered by 「28項目案」, not by a year: a sentence giving no number in the
    unit asked is penalised MISSING_UNIT, more than any other missing kind."""
    year, counted = penalties("和平案は何項目？", [
        Placed("背景には1994年のブダペスト覚書があります。", ""),
        Placed("協議されていた28項目案には次のような内容が含まれていた。", "")])
    assert counted == 0.0 and year == MISSING_UNIT > MISSING_KIND
    assert counts_in_digits("人", "死者は3人に上った") \
        and not counts_in_digits("人", "国際社会の一人ひとりとしても")
    # counters of the same things, and 何人 read なにじん ("which people"): JSQuAD's answers
    assert counts_in("人", "党員2名の推薦") and counts_in("回", "2度の変更を経ている")
    people, = penalties("国民の大部分は何人か。",
                        [Placed("国民の大部分はポルトガル人である。", "")])
    assert people == 0.0


def test_a_price_asks_for_a_sum_and_how_long_for_a_length_of_time():
    """「本の値段は？」, "his salary", "in dollars" ask a sum; 「どのくらい続いた？」 and "How
    long did…" a length of time, which a date (2014年) doesn't give; "how long ago" asks a
    date."""
    assert asked_unit("ゾルゲの本の値段は？") == MONEY
    assert asked_unit("What is his salary?") == MONEY
    assert asked_unit("How much aid has Japan given in dollars?") == MONEY
    assert asked_unit("値段が上がった理由は？") is None
    assert asked_unit("通話はどのくらい続いたの？") == DURATION
    assert asked_unit("How long did the call last?") == DURATION
    assert asked_unit("How long ago was the memorandum signed?") is None
    assert counts_in(DURATION, "協議は3年間続いた") and counts_in(DURATION, "半年に及んだ")
    assert not counts_in(DURATION, "ロシアは長年、") and says_it_was_long("ロシアは長年、")
    assert not counts_in(DURATION, "2014年以降のロシアの行動") \
        and not counts_in(DURATION, "11月25日に報じた")

def test_a_summary_leads_with_the_authors_own_points():
    article = Article(
        "news", "ニュース", "## はじめに\n\n世界が注目しています。続報がありました。\n\n"
        "## 主なニュースの要点\n\n- 米国が協議の進捗を強く強調した\n"
        "- 重大な障壁が残ると複数が報じた\n\n"
        "## 詳細\n\n会談は11月25日に行われたと報じられた。関係者が明らかにした。")
    points = [article.body[p.start:p.end] for p in key_points(article)]
    assert points[:2] == ["米国が協議の進捗を強く強調した", "重大な障壁が残ると複数が報じた"]
    assert any("11月25日" in p for p in points[2:])


def test_a_title_question_asks_for_a_person_and_which_outlet_for_an_organization():
    assert asked_kind("ルビオさんってどんな役職の人？") == "person"
    assert asked_kind("最初に報じたのはどこのメディア？") == "organization"
    assert asked_kind("どこで話し合われたの？") == "place"
    found = penalties("最初に報じたのはどこのメディア？", [
        Placed("ブルームバーグは11月25日、通話録音が流出したと報じた。", ""),
        Placed("ロシアは通話の事実を認めつつ、録音流出に強く反発している。", ""),
    ])
    assert found[0] == 0.0 and found[1] > 0.0


def test_a_judging_sentence_is_told_from_a_describing_one():
    assert judges("手法がそのまま機能するかどうかには疑問が残ります。")
    assert not judges("ガザ停戦の交渉で一定の成果を挙げたとみられます。")


def test_a_book_is_told_from_words_that_only_contain_the_character():
    assert names_a_book("紹介されてる本のタイトルは？") and names_a_book("Who wrote the book?")
    assert not names_a_book("日本はどういう立場？") and not names_a_book("本格的な和平は？")


def test_do_you_think_asked_with_to_omou_is_an_opinion():
    assert intent("ガザのやり方がウクライナでも通用すると思う？") == "opinion"
    assert intent("通話はいつ行われたと報じられた？") == "fact"


def test_which_part_is_not_where_and_a_wrap_up_list_gets_no_items_bonus():
    assert asked_kind("28項目案のどこがロシア寄りなの？") is None
    found = penalties("28項目案のどこがロシア寄りなの？", [
        Placed("28項目案には次のような内容が含まれていたとされます。", "理由", in_list=True),
        Placed("一連の動きは、いくつかの重要な現実を示しています。", "総括", in_list=True),
    ])
    assert found[0] < 0.0 < found[1]


def test_a_line_that_stops_mid_sentence_is_filler():
    assert is_filler(Placed("タイミングが重なったことで、", ""))
    assert not is_filler(Placed("タイミングが重なりました。", ""))


def test_a_line_with_no_verb_states_no_reason():
    found = penalties("なんで反発してるの？", [
        Placed("反発している背景には、1994年の覚書があります。", ""),
        Placed("ロシア国内世論・ウクライナ国内の反発", ""),
        Placed("ウクライナ社会は覚書を忘れていません。", ""),
    ])
    assert found[0] == 0.0 and found[1] > found[2] > 0.0


def test_a_question_in_a_quote_gives_no_reason():
    from assistant.reader_rules import holds_kind
    assert not holds_kind("reason", "「善意のジェスチャーとして扱われたのではないか」")
    assert holds_kind("reason", "慎重だったので、供与を止めた。")


def test_the_part_of_the_page_a_question_points_at():
    from assistant.answer import asked_parts
    assert asked_parts("コメント欄ではどう言われてる？") == {"comments"}
    assert asked_parts("紹介されてる本の著者は？") == {"promotion"}
    assert asked_parts("海外の反応の続きはどこで読めるの？") == {"comments", "promotion"}
    assert asked_parts("この記事の出典は？") == {"credit"}
    # about sources in general, or a comment someone made: no part of the page
    assert asked_parts("脚注番号は出典の印ですか？") == frozenset()
    assert asked_parts("プーチン大統領はコメントした？") == frozenset()
    assert asked_parts("日本はどういう立場？") == frozenset()


def test_a_note_on_what_the_page_shows_next_is_no_answer():
    note, comment = penalties("What did the forum users say about Witkoff?", [
        Placed("以下はスレッド内のユーザーコメントの抜粋・翻訳です。", "海外の反応"),
        Placed("公開された内容を見る限り、彼は一切書き換えなかったっぽい。", "海外の反応")])
    assert note > comment
    assert is_filler(Placed("以下はスレッド内のユーザーコメントの抜粋・翻訳です。", ""))
    # a list's own lead-in says what its items are about: not a page note
    lead_in = "協議されていた28項目案には次のような内容が含まれていたとされます。"
    assert not is_filler(Placed(lead_in, ""))


def test_asking_when_and_stating_a_time():
    for question in ("通話はいつ？", "いつから？", "ブダペスト覚書は何年？", "When did they talk?",
                     "And when was that?", "Roughly when did they speak?", "In what year?"):
        assert asks_when(question), question
    # いつも "always", 何年間 "how many years", a "when" joining two clauses
    for question in ("いつも何してる？", "何年間続いた？", "What did Russia say when it leaked?"):
        assert not asks_when(question), question
    for text in ("2025年秋、米国は…", "通話は10月中旬に行われ", "戦後の東京で", "当時の政権は",
                 "2014年以降のロシアの行動", "ロシアは長年、", "ここ数日で前進している"):
        assert states_a_time(text), text
    # a number is no time: 28項目案 dates nothing
    assert not states_a_time("協議されていた28項目案には次のような内容が含まれていた")
    assert not states_a_time("現在の戦線を事実上の国境として固定")  # "current", not "when"


def test_a_summary_opens_with_the_sentence_of_the_headline_not_a_scene_setter():
    article = Article(
        "news", "和平交渉の進展と障壁――側近の動きが注目集める",
        "## はじめに\n\n世界中が情勢に注目しており、新たな動きが報道されました。"
        "政府は交渉の進展を強調する一方で、重大な障壁が残るとの声もあります。\n\n"
        "## 要点\n\n- 政府が米国との交渉の進展を強調\n- 重大な障壁の存在も複数が報道\n")
    points = [article.body[p.start:p.end] for p in key_points(article)]
    assert points[0].startswith("政府は交渉の進展を強調する一方で")
    assert points[1:3] == ["政府が米国との交渉の進展を強調", "重大な障壁の存在も複数が報道"]


def test_a_language_is_named_by_its_word_not_by_a_story_or_a_verb():
    from assistant.reader_rules import asks_language, names_a_language

    assert asks_language("通話は何語で行われた？") and asks_language("In what language?")
    assert not asks_language("通話はいつ行われた？")
    for text in ("通話はロシア語で行われた。", "公用語は英語である。", "広東語が話される。",
                 "The call was in English."):
        assert names_a_language(text), text
    for text in ("「ゾルゲ神話」として語られてきました。", "本書は物語を語る。", "単語を覚える。"):
        assert not names_a_language(text), text


def test_who_is_asked_and_a_sentence_names_someone():
    from assistant.reader_rules import asks_who, names_someone

    assert asks_who("ジュネーブの協議に出たのは誰？") and asks_who("who leaked it?")
    assert not asks_who("「さみだれ」の漢字表記は？")
    assert not names_someone("一部ではジュネーブで修正案が検討されたとされるものの、領土と主権に"
                             "関わる核心部分はロシア側の要求に沿った形が維持されているとの見方が"
                             "強いです。")  # 見方 is no surname here, ロシア側の no one acting
    for someone in ("GADV仮説は、奈良女子大学教授の池原健二によって提唱された。",
                    "レディはこれによって、それを証明した。", "この時代の天皇は桜町天皇。",
                    "ウクライナ政府がこのような協議に否定的な立場である。",
                    "ロシアが強く求めている点が対立を生んでいます。",
                    "リークの出所は明らかになっていません。"):
        assert names_someone(someone), someone


def test_some_is_no_count_asked():
    assert asked_kind("いくつかの欧州諸国とともに合法化されている国は？") != "count"
    assert asked_kind("重大な障壁っていくつあるの？") == "count"



def test_the_event_itself_is_not_its_report():
    assert asks_about_report("When was the leak reported?")
    assert asks_about_report("流出が報じられたのはいつ？")
    assert not asks_about_report("When did the phone call itself happen? I don't mean the "
                                 "date it was reported, I mean the actual call.")
    assert not asks_about_report("報道じゃなくて、通話が実際にあったのはいつ？")
