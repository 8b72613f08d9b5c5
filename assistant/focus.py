"""What a question is about, and what kind of answer it asks for.

- `question_focus`: the names and content words a reader would underline in a Japanese
  question (SudachiPy parts of speech): proper nouns are *names* (インド), and so is a
  katakana word of four or more letters (ゼレンスキー, which the dictionary has only as a
  common noun); other nouns are *words*; question words (何年, いつ頃), pronouns, numbers,
  counters and the words that only frame a question (記事, 内容, 理由, 名前, タイトル…)
  are not the focus, nor are words for a place in the article (最後, 冒頭, 締めくくり,
  後半…) or for the kind of statement asked for (教訓, 結論, 示唆…): they say where or
  what to look for, and the article's text doesn't contain them.
- `missing_focus`: the focus terms that no article in scope contains. A name the articles
  never mention means they can't answer the question, however similar the rest of it is
  (「インドはこの計画にどう反応した？」). Measured on JSQuAD (bench/RESULTS.md): a name of an
  answerable question is missing from its corpus for 0.1% of questions, but for 31% of
  questions whose article is held out; a missing *word* is weaker evidence (3.7% of
  answerable questions use a word their article doesn't, 「軟化」 for 「弱まる」), so the
  decline rule weighs it against the match's strength.
- `refers_back`: does a follow-up need the previous question (「それはいつ？」, "When was
  that?", or no subject of its own: 「いつですか？」)? A question with a subject of its own
  (「明日の天気は？」) is a change of topic and is asked on its own.
- `intent`: fact, summary (要約して / summarize) or opinion (どう思う？ / what do you think?).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .keyword import COUNTRY_LETTERS, sudachi_dictionary

Intent = Literal["fact", "summary", "opinion"]

_QUESTION_WORD = re.compile(r"[何誰幾]|どこ|いつ|どの|どれ|どう|なぜ|どんな|いくら|いくつ")
_FRAME_TEXT = (
    "記事 内容 こと もの 人 方 理由 意味 目的 方法 説明 話 件 点 情報 タイトル 題名 名前 名称 "
    "場所 時期 期間 日付 年 今回 要約 まとめ ポイント 要点 概要 感想 意見 考え ため 種類 数 部分 "
    "場合 時 とき 事 物 者 ところ 他 ほか 以外 以上 以下 前 後 中 間 際 頃 年代 世紀 人物 別名 "
    "正式 略称 フルネーム 詳細 具体 全体 結果 様子 状況 特徴 ニュース 文章 本文 質問 答え 回答 "
    # words that say what kind of answer is wanted, not what about (「どういう態度」)
    "態度 反応 立場 姿勢 評価 見方 見解 狙い 背景 影響 役割 関係 印象 主張 方針 対応 動き 事情 "
    "経緯 きっかけ 原因 状態 現状 意義 根拠 事実 予定 見通し 展開 おすすめ オススメ 紹介 中身 "
    "言い分 受け止め 捉え方 考え方 やり方 仕組み 違い 共通点 問題点 メリット デメリット "
    # the attribute asked for (「どんな役職」: reader_rules looks for a title instead)
    "役職 肩書き 肩書 職業 所属 正体 具体的 具体的に 全部 全て すべて 詳しく 著者 作者 筆者 "
    # a book's details asked for (a plug's line under its title says them, answer.py)
    "出版社 版元 出版元 発行元 刊行 発売 出版日 発売日 刊行日 "
    # the part of the page asked about, not the subject (answer.asked_parts)
    "掲示板 コメント欄 読者 スレッド 書き込み ネット 書籍 "
    # plurals of 国 and 人, which are too short to be focus themselves
    "国々 人々 人たち 方々 "
    # the form the answer is asked in (「一覧にして」「整理して」), not what it is about
    "一覧 リスト 箇条書き 整理 列挙 羅列")
# where in the article the asked text is (「最後に紹介されてる本」「締めくくりの教訓」): a
# position on the page, which its text never names, so not something it must contain
_POSITION_TEXT = ("最後 最初 冒頭 締めくくり 締め括り 結び 結末 後半 前半 中盤 終盤 序盤 末尾 最終 "
                  "終わり 文頭 文末 段落 見出し 本題 書き出し 最後尾")
POSITION_WORDS = frozenset(_POSITION_TEXT.split())
# what kind of statement is asked for (「教訓」「結論」「示唆」): the article's message about
# its subject, stated in other words than these
_MESSAGE_TEXT = "教訓 結論 示唆 メッセージ 要旨 論点 提言 含意 教え 趣旨 骨子 核心 結語 警鐘"
MESSAGE_WORDS = frozenset(_MESSAGE_TEXT.split())
# the kind of thing asked for, but only right after どこの/どの/何の (「どこのメディア」) or
# as the question's last word (「…とされる都市は？」); else a subject (「ロシアの企業は
# どう反応した？」)
_KIND_NOUNS = frozenset(
    ["メディア", "新聞", "機関", "団体", "組織", "会社", "企業", "出版社", "版元",
     "都市", "町", "街", "地域", "地名", "国名", "首都", "州", "県"])
_ASKING = re.compile(r"(?:どこ|何|なん)の$|どの$")
# …or last, as what the question ends on asking: 「修正案が検討されたとされる都市は？」
_ASKED_LAST = re.compile(r"^(?:は|って|とは)?(?:どこ|何|なに|なん|どれ)?(?:です|でしょう)?か?"
                         r"[？?。]?\s*$")
FRAME_WORDS = frozenset(_FRAME_TEXT.split()) | POSITION_WORDS | MESSAGE_WORDS
_REFERS_BACK = re.compile(
    r"その|それ|この|これ|あの|あれ|彼|彼女|同氏|同国|同社|そこ|当時|その後|そちら|"
    r"\b(?:it|its|that|this|these|those|they|them|their|he|him|his|she|her|there|then)\b",
    re.I)
_CHANGES_TOPIC = re.compile(
    r"^\s*(?:ところで|話(?:は|が)?変わ(?:る|って|りますが)|それはそうと|別の話|(?:全然)?関係ない|"
    r"by the way|\bbtw\b|on another (?:note|topic)|chang(?:e|ing) (?:of )?(?:the )?"
    r"(?:subject|topic)|switching (?:the )?(?:subject|topics?)|unrelated|off[- ]topic|"
    r"(?:a )?(?:different|random|another) question)", re.I)
# the opener with what follows it up to its comma or dash (「話は変わるけど、」 "By the way,")
_TOPIC_OPENER = re.compile(_CHANGES_TOPIC.pattern + r"[^、,，:;：\-–—]{0,8}[、,，:;：\-–—]+\s*",
                           re.I)
# question words written in kana, or misspelt (どいう): 「なんと呼ばれる？」 asks what
_KANA_QUESTION_WORD = re.compile(r"なん[でとのて]|なに|なぜ|どっち|どちら|どい|だれ|[？?].+[？?]")
# a question that ends on what happened or is: 「謝罪したの？」「処分した？」「分かってるの？」
_JAPANESE_YES_NO = re.compile(r"(?:た|だ|る|い|ない|てる|ます|ました|ません|でした)"
                              r"(?:の|ん(?:です)?|のです)?か?[？?]\s*$")
_ENGLISH_YES_NO = re.compile(r"^\W*(?:(?:and|so|but)\W+)?(?:did|does|do|is|are|was|were|has|"
                             r"have|had|will|would|can|could)\b", re.I)
_SUMMARY = re.compile(
    r"要約|まとめ|要点|要旨|概要|概略|大筋|あらまし|あらすじ|ポイントは|ポイントを|かいつまんで|簡単に(?:説明|教え)|"
    r"要するに|一言で(?:言うと|いうと|まとめ)|ざっくり(?:言うと|いうと|教え|説明)|"
    r"\bsummari[sz]e|\bsummary\b|key points|main points|\boverview\b|\btl;?dr\b|"
    r"\bsum(?:s|med|ming)? (?:it |this |that |them )?up\b|\bgist\b|\brecap\b|"
    r"\bin a nutshell\b|\bboil(?:s|ed)? (?:it |this )?down\b|\brun-?down\b|\bsynopsis\b|"
    r"\bbrief me\b|\bfill me in\b|\bcatch me up\b|\bhighlights\b|\bshort version\b", re.I)
_OPINION = re.compile(
    r"どう思|どう考え|どう感じ|あなたの(?:意見|考え|見解)|意見を聞かせ|感想は|"
    r"(?:と|って)思う[？?]|と思いますか|と思わない|"
    r"what do you think|your (?:opinion|view|take)|do you (?:think|agree)", re.I)
# 「何歳」「何発」: a count in a unit; an answer must have a number in that unit
_UNITS = ("歳|発|台|機|隻|個|件|倍|割|票|議席|番目|位|社|校|枚|冊|頭|匹|階|秒|時間|日間|項目|"
          "か月|ヶ月|カ月|週間|年間|年前|人|回|円|ドル|ユーロ|メートル|キロ|トン|%|パーセント|ページ|頁")
# 何分 counts minutes (何分間 too), not in 何分の一 (a fraction) nor in 何 + 分解/分野…
_ASKS_COUNT = re.compile(rf"(?:何|なん|いくつの?)({_UNITS}|分(?!の|(?!間)[一-龯]))")
# 「いくら？」 asks for a sum of money (not いくらか "some", いくらでも "any amount", いくら占める
# "what share"); an answer must state one, in any currency: the unit is then MONEY (_AMOUNT).
# On JSQuAD valid, 10 of the 11 questions asking いくら this way have a sum in their paragraph.
MONEY = "円"
# The attribute asked can be a sum too: 「本の値段は？」「年収って」, "his salary", "in dollars".
_ASKS_MONEY = re.compile(r"いくら(?!か|でも|も|を?占)|"
                         r"(?:値段|価格|金額|年収|月収|給料|給与|報酬|年俸|月給)(?:は|って|を|が知)|"
                         r"\bhow much money\b|\bprice\b|\bsalary\b|"
                         r"\bin (?:dollars|yen|euros|pounds)\b|"
                         r"\bhow much (?:does|did|do|is|was|were|will)\b[^?]*\bcost\b")
# 「どのくらい続いた？」「どれくらいの期間？」 "How long did the call last?": an answer must
# state a length of time (_LENGTH_OF_TIME): the unit is then DURATION. "How long ago" asks
# a date, and 「何分」「何時間」 are counts in their unit (_ASKS_COUNT).
DURATION = "期間"
_ASKS_DURATION = re.compile(
    r"(?:どの|どれ)(?:くらい|ぐらい)(?:の(?:期間|時間|間))?(?:続|かか|掛か)|"
    r"(?:どの|どれ)(?:くらい|ぐらい)の(?:期間|年月)|"
    r"\bhow long (?:did|does|do|will|would|was|were|is|has|have|had)\b|\bfor how long\b")
_AMOUNT = re.compile(r"[0-9〇一二三四五六七八九十百千万億数何]\s*(?:万|億|兆)?\s*"
                     r"(?:円|ドル|ユーロ|ポンド|ルーブル|元|ウォン|フラン|グリブナ)|"
                     r"[$€£¥]\s*[0-9]")
_NUMBER_BEFORE = r"[0-9〇一二三四五六七八九十百千万億数何]"
# counters that count the same things: 「党員2名」 answers 何人, 「2度」 何回, 「12の州」 何個
_SAME_UNIT = {"人": ("人", "名"), "回": ("回", "度"), "個": ("個", "つ", "の"),
              "項目": ("項目", "点", "つ"), "パーセント": ("パーセント", "%", "％"),
              "%": ("%", "％", "パーセント")}
# a length of time, not a date (2014年, 25日): 「3年間」「数週間」「半年」「無期限」
_LENGTH_OF_TIME = re.compile(
    rf"{_NUMBER_BEFORE}\s*(?:秒|分|時間|日間|週間|か月|カ月|ヶ月|ヵ月|年間|年以上|年にわた|年来|年近く)|"
    r"半年|無期限|恒久|永久")
# 「長年」「長らく」 say only that it was long: an answer to "how long" all the same when said
# of what is asked (「ロシアは長年、…」: qa.says_how_long)
_VAGUE_LENGTH = re.compile(r"長年|長らく|長期|短期|しばらく")
_KATAKANA_NAME = re.compile(r"^[ァ-ヺ][ァ-ヺー・]{3,}$")  # ゼレンスキー: a name SudachiPy lacks
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# News writes countries in one kanji (英仏, 米・英・露, 対露, 英国). Not 中 (中東), 日 (日付) or
# 加 (加盟): too often something else.
_SHORT_FORMS = {"アメリカ": "米", "米国": "米", "イギリス": "英", "英国": "英", "フランス": "仏",
                "ドイツ": "独", "ロシア": "露", "欧州": "欧", "ヨーロッパ": "欧", "イタリア": "伊",
                "韓国": "韓", "インド": "印", "オーストラリア": "豪"}
_SHORT_KANJI = "".join(sorted(COUNTRY_LETTERS)) + "欧"  # beside another: 英仏, 日英, 米露欧
# nouns that also act as verbs or adjectives (電話する, 手一杯だ): SudachiPy's サ変可能 and
# 形状詞可能
_PREDICATE_NOUNS = ("サ変可能", "形状詞可能")
_AFTER_SHORT = "国|政府|軍|首相|大統領|外相|側|紙|当局"
_PER_THREAD = threading.local()


@dataclass(frozen=True)
class FocusTerm:
    """A term a reader would underline: its text as written, its dictionary form, and
    whether it is a name (proper noun) or another content word."""

    text: str
    normalized: str
    is_name: bool
    # a country's one-kanji news form (イギリス → 英, in 英仏 / 米・英・露 / 英国 / 対英)
    short_form: str = ""
    # a word that says what something does or is (通用, 手一杯; "busy"), not a thing: the
    # articles may say it in other words (追われていた), so missing it is weaker evidence
    predicate: bool = False


def _tokenizer() -> Any:
    """This thread's SudachiPy tokenizer (one can't be shared by threads), long units."""
    tokenizer = getattr(_PER_THREAD, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _PER_THREAD.tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _is_focus(surface: str, pos: tuple[str, ...]) -> bool:
    if pos[0] != "名詞" or pos[1] in ("数詞", "代名詞") or pos[2] in ("副詞可能", "助数詞可能"):
        return False
    if surface in FRAME_WORDS or _QUESTION_WORD.search(surface):
        return False
    return len(surface) >= 2 or pos[1] == "固有名詞"


def _names_kind_of(before: Any, pos: tuple[str, ...]) -> bool:
    """Whether a common noun asked last after a clause that describes it is the kind of
    thing asked for (「アメリカが…いきなりやめた武器って何？」: the answer is the weapon,
    トマホーク, which the articles name without the word 武器)."""
    return pos[1] == "普通名詞" and before.part_of_speech()[0] in ("動詞", "助動詞") \
        and before.dictionary_form() not in ("だ", "です")  # 「好きな食べ物」 is no clause


def question_focus(question: str) -> tuple[FocusTerm, ...]:
    """The focus terms of a Japanese question, in order, without repeats (see above)."""
    terms: dict[str, FocusTerm] = {}
    before = ""
    morphemes = list(_tokenizer().tokenize(normalise(question)[:2000]))
    for i, morpheme in enumerate(morphemes):
        surface = morpheme.surface()
        pos = tuple(morpheme.part_of_speech())
        asked_last = bool(_ASKED_LAST.match("".join(m.surface() for m in morphemes[i + 1 : i + 6])))
        asks_kind = (surface in _KIND_NOUNS and (bool(_ASKING.search(before)) or asked_last)) \
            or (asked_last and i > 0 and _names_kind_of(morphemes[i - 1], pos))
        before = (before + surface)[-4:]
        if _is_focus(surface, pos) and not asks_kind and surface not in terms:
            # a katakana word SudachiPy knows as an action (スクープ, アドバイス) names nothing
            name = pos[1] == "固有名詞" or (bool(_KATAKANA_NAME.match(surface))
                                          and pos[2] not in _PREDICATE_NOUNS)
            terms[surface] = FocusTerm(surface, normalise(morpheme.normalized_form()), name,
                                       _SHORT_FORMS.get(surface, ""),
                                       not name and pos[2] in _PREDICATE_NOUNS)
    return tuple(terms.values())


# a party as the subject or topic: ウクライナの人たちは, ロシア側も, トランプ大統領は
_PARTY_HEAD = r"(?:の(?:国々|諸国|人々|人たち|国民|政府))?(?:側|[一-龯]{1,3})?"
_AS_SUBJECT = re.compile(_PARTY_HEAD + r"(?:は|って|も|が)")
_AS_TOPIC = re.compile(_PARTY_HEAD + r"(?:は|って|も)")
# groups of countries a news page makes a party without a proper name (「欧米各国も…」)
_GROUPS = frozenset(["欧米", "西側", "欧州", "西欧", "東欧", "中東", "国際社会"])


def subject_parties(text: str, topic_only: bool = False) -> list[tuple[str, ...]]:
    """The parties a Japanese text has as its subject or topic — a person, place or
    organisation by name, or a group of countries (「ウクライナの人たちは」「ロシア側も」
    「欧米各国も」) — each with its other written forms (the one-kanji news form: 露).
    With `topic_only`, not a subject marked が, which a question's clause about something
    else has as often (「…ドイツが最大の相手国で…国は？」)."""
    mark = _AS_TOPIC if topic_only else _AS_SUBJECT
    normalised = normalise(text)
    parties: list[tuple[str, ...]] = []
    at = 0
    for morpheme in _tokenizer().tokenize(normalised[:2000]):
        surface = morpheme.surface()
        at = normalised.find(surface, at)
        if is_party(surface, morpheme.part_of_speech()) \
                and mark.match(normalised, at + len(surface)):
            parties.append(tuple(f for f in (surface, _SHORT_FORMS.get(surface, "")) if f))
        at += len(surface)
    return parties


def is_party(japanese: str, pos: Sequence[str] | None = None) -> bool:
    """A person, place or organisation by name (SudachiPy's proper nouns, not a katakana
    loanword: リッチスニペット), or a group of countries (欧米)."""
    if japanese in _GROUPS:
        return True
    if pos is None:
        morphemes = list(_tokenizer().tokenize(normalise(japanese)))
        if len(morphemes) != 1:
            return False
        pos = morphemes[0].part_of_speech()
    return pos[1] == "固有名詞"


def is_predicate(japanese: str) -> bool:
    """Whether a Japanese word says what something does or is (a verb, an adjective, or a
    noun that also acts as one: 忙しい, 多忙, 追う) rather than names a thing; a phrase by
    its last word (金がない)."""
    morphemes = _tokenizer().tokenize(normalise(japanese)[:100])
    if len(morphemes) == 0:
        return False
    pos = tuple(morphemes[len(morphemes) - 1].part_of_speech())
    return pos[0] in ("動詞", "形容詞", "形状詞") or (pos[0] == "名詞"
                                                 and pos[2] in _PREDICATE_NOUNS)


def missing_focus(focus: Iterable[FocusTerm], texts: Iterable[str]) -> list[FocusTerm]:
    """The focus terms that occur in none of the texts, as written, in dictionary form or,
    for a country, in its one-kanji news form (`in_short_form`); the texts must be
    `normalise`d already (a revision keeps its articles' that way)."""
    normalised = list(texts)
    return [term for term in focus
            if not any(term.text in text or term.normalized in text
                       or in_short_form(term, text) for text in normalised)]


def with_short_forms(query: str, in_corpus: Callable[[str], bool]) -> str:
    """The query, and after it the one-kanji forms of the countries it names that the
    corpus never writes in full (「イギリスやフランスは…」 over 「英仏など主要国も…」: 英 仏),
    so the keyword search finds them; unchanged when every name is written out."""
    short = [form for name, form in _SHORT_FORMS.items() if name in query
             and not in_corpus(name) and form not in query]
    return f"{query} {' '.join(dict.fromkeys(short))}" if short else query


def short_form_bigrams(term: FocusTerm) -> list[str]:
    """The two-character strings one of which a text must have for `in_short_form` to find
    the term in it (英仏, ・英, 英国, 対英…): none in the articles, no scan is needed."""
    x = term.short_form
    if not x:
        return []
    beside = _SHORT_KANJI + "・"
    after = {word[0] for word in _AFTER_SHORT.split("|")}
    return [x + k for k in beside] + [k + x for k in beside] + [x + a for a in sorted(after)] \
        + [p + x for p in "対訪駐"]


def in_short_form(term: FocusTerm, text: str) -> bool:
    """Whether the text names the term's country by its one-kanji form: beside another
    (英仏, 米・英・露, 米露欧), before 国/政府/首相… (英国, 露大統領) or after 対/訪/駐 (対露)."""
    if not term.short_form or term.short_form not in text:
        return False
    x = re.escape(term.short_form)
    return re.search(rf"(?<=[{_SHORT_KANJI}・]){x}|{x}(?=[{_SHORT_KANJI}・]|{_AFTER_SHORT})|"
                     rf"[対訪駐]{x}", text) is not None


_ENGLISH_UNITS = ((re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b"), "歳"),
                  (re.compile(r"\bhow many (?:people|persons|soldiers|troops|civilians|"
                              r"casualties|refugees|victims|deaths)\b"), "人"),
                  (re.compile(r"\bhow many (?:missiles|shells|rockets)\b"), "発"),
                  (re.compile(r"\bhow many times\b"), "回"),
                  (re.compile(r"\bhow many pages\b"), "ページ"),
                  (re.compile(r"\bhow many minutes\b"), "分"),
                  (re.compile(r"\bhow many hours\b"), "時間"),
                  (re.compile(r"\bhow many (?:points|items|clauses)\b"), "項目"))


def asked_unit(question: str) -> str | None:
    """The unit a question counts in (「何歳？」, "How old…?" -> 歳), if it asks for a count."""
    text = normalise(question)
    match = _ASKS_COUNT.search(text)
    if match:
        return match.group(1)
    if _ASKS_MONEY.search(text):
        return MONEY
    if _ASKS_DURATION.search(text):
        return DURATION
    return next((unit for asks, unit in _ENGLISH_UNITS if asks.search(text)), None)


def counts_in(unit: str, text: str) -> bool:
    """Whether the text gives a number in that unit (「58歳」「数百発」「3割」; for MONEY, a
    sum in any currency: 「1億ドル」「200万円」「$2」; for DURATION, a length of time:
    「3年間」「数週間」「半年」)."""
    if unit == MONEY:
        return _AMOUNT.search(normalise(text)) is not None
    if unit == DURATION:
        return _LENGTH_OF_TIME.search(normalise(text)) is not None
    return _number_in(unit, text, _NUMBER_BEFORE)


def counts_in_digits(unit: str, text: str) -> bool:
    """`counts_in` for a count's unit, with the number in digits (or 数: 数百発): what a
    passage found beyond the retrieved ones must give — 一人 in 「一人ひとり」 is no count of
    people."""
    return _number_in(unit, text, "[0-9数]")


def _number_in(unit: str, text: str, number: str) -> bool:
    """A number (`number`, a character class) in the unit or a counter of the same things
    (_SAME_UNIT: 「党員2名」 for 人)."""
    units = "|".join(map(re.escape, _SAME_UNIT.get(unit, (unit,))))
    return re.search(rf"{number}\s*(?:{units})", normalise(text)) is not None


def says_it_was_long(text: str) -> bool:
    """Whether the text says only that something lasted long (「長年」「長らく」)."""
    return _VAGUE_LENGTH.search(text) is not None


def without_topic_change(question: str) -> str:
    """The question without an opener that only says the topic changes (「ところで、」
    "Changing the subject -"): searched, its words would be looked for in the articles."""
    rest = _TOPIC_OPENER.sub("", question, count=1)
    return rest if rest.strip() else question


def refers_back(question: str) -> bool:
    """Does the question lean on the previous one (a reference word, or no subject)? Not
    when the reader says the topic changes and names the new one (「ところで、欧州の国々は
    この件を…」: この件 is the news in general, not the previous question)."""
    if _CHANGES_TOPIC.search(question) and question_focus(question):
        return False
    if _REFERS_BACK.search(question):
        return True
    if _ENGLISH_WORD.search(question) and not re.search(r"[ぁ-んァ-ヶ一-龯]", question):
        return len(_ENGLISH_WORD.findall(question)) <= 2  # "And when?", "Why?"
    return not question_focus(question)


# (not 筆者: a reader asking what 筆者 thinks means the article's writer, not the book's)
_BOOK_WORDS = frozenset(
    ["本", "本書", "書籍", "著書", "一冊", "新書", "書物", "著者", "作者"])
_ENGLISH_BOOK = re.compile(r"\b(?:books?|author|recommended reading)\b", re.I)


def names_a_book(question: str) -> bool:
    """Whether the question speaks of a book (「紹介されてる本」, 著者, "the book"): 本 as a
    word of its own, not inside 日本 or 本格的 (SudachiPy's words), nor the counter of
    「2本の記事」."""
    if _ENGLISH_BOOK.search(question):
        return True
    return any(m.surface() in _BOOK_WORDS and m.part_of_speech()[2] != "助数詞"
               for m in _tokenizer().tokenize(normalise(question)[:2000]))


_NEGATIONS = frozenset({"ない", "無い", "ぬ", "ず", "ん"})


def negates(base: str, pos: str) -> bool:
    """Whether a morpheme (SudachiPy dictionary form, part of speech) is a negation (ない,
    ません's ん, ず): a word gloss says "not" for it (crosslingual.py), or a quote would read
    as its opposite (「証拠はありません」 as "evidence"); synonyms.py reads a question's
    negated words by it (信用しない → 不信)."""
    return base in _NEGATIONS and pos in ("助動詞", "形容詞")


def asks_yes_no(question: str) -> bool:
    """Whether a question asks whether something happened or is so, with no question word:
    「ウィトコフ特使は謝罪したの？」「処分した？」, "Did Witkoff apologize?" (not 「…を教えて」,
    「本のタイトルは？」 or an opinion asked for)."""
    if intent(question) != "fact":
        return False
    if _ENGLISH_WORD.search(question) and not re.search(r"[ぁ-んァ-ヶ一-龯]", question):
        return bool(_ENGLISH_YES_NO.match(question))
    return not _QUESTION_WORD.search(question) and not _KANA_QUESTION_WORD.search(question) \
        and bool(_JAPANESE_YES_NO.search(question))


# how the reader wants it answered, not what about: 「具体的に何があるの？」 is not about the
# article's 「具体的な合意内容」
_MANNER_WORDS = re.compile(r"具体的に(?:は|言うと|いうと)?|詳しく|ざっくり(?:と)?|手短に|"
                           r"正直(?:に|なところ|、)?|そもそも|ちなみに|ぶっちゃけ|一体|いったい|"
                           r"改めて|もう一度")


def without_manner_words(question: str) -> str:
    """The question without the words that say how to answer it (詳しく, 具体的に, そもそも),
    which the articles may have in another sense."""
    return _MANNER_WORDS.sub("", question)


def intent(question: str) -> Intent:
    """What the reader wants: a summary, the articles' opinion, or facts — what someone
    else thinks (「ウクライナ政府はどう思ってるの？」) is a fact the articles may report."""
    if _SUMMARY.search(_SECTION_NAMED.sub(" ", question)):
        return "summary"
    if _OPINION.search(question) and not _SOMEONE_ELSES_VIEW.search(question):
        return "opinion"
    return "fact"


# a summary word naming the part of the page a fact is in, not asking for a summary:
# "according to the rundown of each side's goals", 「まとめの部分で示されている…」
_SECTION_NAMED = re.compile(r"\b(?:according to|in|from|under) the (?:article's )?"
                            r"(?:rundown|summary|overview|recap|key points|main points)\b|"
                            r"(?:まとめ|要点|概要)(?:の(?:部分|章|節|段落|セクション)|部分|欄)",
                            re.I)
# 「…はどう思ってるの？」「どう考えている？」: someone's standing view, not the assistant's
_SOMEONE_ELSES_VIEW = re.compile(r"どう(?:思|考え|感じ)(?:って|てい|てる)|"
                                 r"\bwhat (?:does|do|did) (?!you\b)\w+(?: \w+)? think\b", re.I)
