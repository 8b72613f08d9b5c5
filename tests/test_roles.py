"""Passage roles from headings, cues and front-matter overrides (assistant/roles.py)."""

from __future__ import annotations

from pathlib import Path

from assistant.chunking import split_sentences
from assistant.corpus import load_corpus
from assistant.roles import article_roles, valid_overrides

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def roles_by_sentence(body: str, overrides: dict | None = None) -> dict[str, str]:
    roles = article_roles(body, overrides)
    return {body[s.start : s.end]: roles.of_span(s.start, s.end) for s in split_sentences(body)}


def seed(article_id: str) -> str:
    articles, _ = load_corpus(CORPUS)
    return next(a.body for a in articles if a.id == article_id)


def test_the_leak_article_tells_report_comments_promotion_credit_and_analysis_apart():
    roles = roles_by_sentence(seed("witkoff-ushakov-call-leak"))
    call = ("通話は10月中旬に行われ、"
            "ウクライナ情勢や今後の協議に関するやり取りが含まれていたという。")
    assert roles[call] == "report"
    assert roles["出典:Bloomberg"] == "credit"
    assert roles["正直、誰かがちゃんと説明してくれることを願ってる。"] == "comments"
    assert roles["海外の反応の続きはnoteで読むことが出来ます。"] == "promotion"
    assert roles["現在の戦線を事実上の国境として固定"] == "analysis"  # list item: its section
    assert roles["今回の記事の補助読書として、非常に相性の良い一冊です。"] == "promotion"
    assert roles["名越健郎(文春新書/2024年11月20日刊)"] == "promotion"  # sub-heading inherits


def test_the_explainer_is_report_with_an_analysis_wrap_up():
    roles = roles_by_sentence(seed("ukraine-peace-talks-witkoff"))
    counts = {role: list(roles.values()).count(role) for role in set(roles.values())}
    assert set(counts) == {"report", "analysis"}
    wrap_up = ("国際社会の一人ひとりとしても、"
               "このテーマに引き続き関心を持ち続けていくことが大切です。")
    assert roles[wrap_up] == "analysis"  # まとめ
    # 「国際社会の反応」 is reporting about reactions, not a comment thread
    reaction = ("EU諸国や日本もウクライナ支援を続けながら、"
                "米・ロ両国と連携を図る難しい立場に置かれています。")
    assert roles[reaction] == "report"


def test_an_english_page_with_comments_and_sponsored_sections():
    body = ("## Talks stall\nThe envoy met the adviser in October. Officials confirmed it.\n"
            "Photo: Jane Doe/Agency\n## Comments\nThis is a disgrace. Who wrote this?\n"
            "## Sponsored\nBuy our course today.\n## Analysis\nThe deal looks one-sided.\n")
    roles = roles_by_sentence(body)
    assert roles["The envoy met the adviser in October."] == "report"
    assert roles["Photo: Jane Doe/Agency"] == "credit"
    assert roles["This is a disgrace."] == "comments"
    assert roles["Buy our course today."] == "promotion"
    assert roles["The deal looks one-sided."] == "analysis"


def test_no_headings_is_all_report_and_a_comments_only_article_is_comments():
    assert set(roles_by_sentence("大統領は会談した。合意はなかった。").values()) == {"report"}
    body = "以下は読者のコメントです。\nひどい話だ。\n本当にそう思う。"
    assert set(roles_by_sentence(body).values()) == {"comments"}
    assert set(roles_by_sentence("ひどい話だ。", {"*": "comments"}).values()) == {"comments"}


def test_front_matter_overrides_a_section_and_bad_entries_are_reported():
    body = "## 声\nとても良い。\n## 本文\n首相は辞任した。"
    roles = roles_by_sentence(body, {"声": "comments"})
    assert roles == {"とても良い。": "comments", "首相は辞任した。": "report"}
    assert valid_overrides({"声": "Comments", "x": "gossip", "y": 3}) == (
        {"声": "comments"},
        ["roles: x: 'gossip' is not one of report, analysis, comments, promotion, credit",
         "roles: y: 3 is not one of report, analysis, comments, promotion, credit"])
    overrides, problems = valid_overrides(["comments"])
    assert overrides == {} and problems and "mapping" in problems[0]
    assert valid_overrides(None) == ({}, [])


def test_key_points_are_reported_facts_first_and_never_comments_or_promotion():
    from assistant.summary import key_points

    articles, _ = load_corpus(CORPUS)
    leak = next(a for a in articles if a.id == "witkoff-ushakov-call-leak")
    points = key_points(leak)
    texts = [leak.body[p.start : p.end] for p in points]
    assert texts[0].startswith("ブルームバーグは11月25日")
    assert texts[1].startswith("通話は10月中旬に行われ")
    assert [p.role for p in points[:2]] == ["report", "report"]
    assert {p.role for p in points} <= {"report", "analysis"}
    assert not any("noteで読む" in t or "一冊です" in t or "出典" in t for t in texts)
    assert len(points) <= 8


def test_headings_give_the_exact_span_of_their_words():
    from assistant.roles import headings

    body = "前文。\n\n## 関連書籍紹介\n\n### ゾルゲ事件80年目の真実 ###\n本文。\n#\n"
    found = headings(body)
    assert [(h.level, body[h.start:h.end]) for h in found] == [
        (2, "関連書籍紹介"), (3, "ゾルゲ事件80年目の真実")]
