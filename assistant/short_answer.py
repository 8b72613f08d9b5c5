"""The short answer: the phrase of citation [1] that answers a who/when/where/how-many/which
question (「ユーリ・ウシャコフ外交顧問」), taken verbatim from the sentence, with a confidence.

A reader trusts a one-phrase answer only when it is right, so it is shown only above a
threshold chosen on JSQuAD's tuning half (shown phrases right — character F1 ≥ 0.8
against a gold answer — at least 85% of the time; bench/RESULTS.md has the report-half
figures). Steps:

1. `asked_kind`: the kind of thing asked for, from the question word (誰 → person, いつ/何年 →
   date, どこ → place, 何人/いくつ → number, 何という/どの/何 → name, …; English who/when/
   where/how many/which …), or from the noun before a bare は？ (「ラオスの首都は？」 →
   place). Why/how/opinion/summary questions ask for no phrase: None.
2. `extract`: the sentence is cut into words by SudachiPy (mode C, one tokenizer per thread
   as keyword.py does); every run of nouns (joined across ・ and ＝, numbers with their
   counters, names with the title after them: ウシャコフ外交顧問) gives candidate phrases —
   its sub-runs, two runs joined by の, and text quoted in 「」『』.
3. Each candidate gets the features of `FEATURES` — its kind (a person/place/organisation
   name, a date, a number with a counter, a quoted name) crossed with the kind asked, its
   shape, how much of it the question already has (スティーブ・ウィトコフ特使 is not the
   answer to a question about ウィトコフ特使; an English question's names are matched to
   katakana by their consonants), whether the sentence around it repeats the question's
   text around its question word (「首都は」ヴィエンチャン, 五月雨「と呼ばれる」), and its
   boundaries. A conditional logit over the sentence's candidates plus a "none of them"
   option (the sentence may not hold the answer) gives each a probability; the weights
   were fitted by bench/fit_short_answer.py on the tuning half and ship as plain numbers
   in data/short_answer.json (no scikit-learn or scipy at run time). The confidence of
   the best phrase is the probability of the candidates agreeing with it (character F1 ≥
   0.8), i.e. of its being right in the sense the threshold is measured in.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from .keyword import country_lists, sudachi_dictionary
from .reader_rules import asked_kind as asked_reader_kind
from .reader_rules import counts_countries

MODEL_PATH = Path(__file__).parent / "data" / "short_answer.json"
MAX_SENTENCE_CHARS = 600  # a quote longer than this is cut (sudachi cost grows with length)
MAX_SPAN_WORDS = 7
MAX_QUOTED_CHARS = 40
AGREEMENT = 0.8  # candidates this close (character F1) to the best one count for it


class AnswerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    DATE = "date"
    NUMBER = "number"
    NAME = "name"


@dataclass(frozen=True)
class ShortAnswer:
    """The answer phrase: `text == sentence[start:end]`; confidence in [0, 1]."""

    start: int
    end: int
    text: str
    confidence: float


# --- the kind asked ---------------------------------------------------------------------

def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _word_list(words: str) -> list[str]:
    return words.split()


def _any(words: str) -> str:
    """A regex alternation of space-separated words."""
    return "(?:" + "|".join(words.split()) + ")"


_COUNTERS = _any(
    "人 名 個 回 度 件 か所 カ所 ヶ所 箇所 項目 か月 ヶ月 カ月 ケ月 歳 才 位 倍 % パーセント キロ "
    "メートル 円 ドル 枚 本 台 社 種類 か国 カ国 ヶ国 票 議席 点 割 つ 冊 頭 匹 階 部 条 期 代 局 "
    "校 店 機 隻 杯 色 通り 府県 都道府県 県 州 番目 番 号 周年 年間 日間 時間 分 秒 週間 世代 万 "
    "億 トン グラム km m kg ha ヘクタール 平方 ミリ センチ ポイント バレル ワット")
_JA_NONE = re.compile(
    _any("なぜ 何故 どうして どのよう どうやって どんな どういう どういった 理由 方法 "
         "なんで 教えて 説明 まとめ 要約 意見 感想 違い 特徴 影響")
    + r"|どう(?:なる|なっ|する|し|い|す|思|考)"
    + r"|とは(?:何|なに|なん)(?:です|でしょう)?(?:か|？|\?|$)")
_JA_RULES: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = (
    (AnswerKind.DATE, re.compile(_any("いつ 何年 何月 何日 何時 何世紀 何曜 何年代 何時代 年月日 "
                                      "日付"))),
    (AnswerKind.NUMBER, re.compile(rf"(?:何|なん)[一-龥]?{_COUNTERS}|" + _any(
        "いくつ いくら 何割 どのくらい どれくらい どれほど どれだけ 何％ 何パーセント"))),
    (AnswerKind.PERSON, re.compile(_any("誰 だれ 何者 どなた どの人物 どの選手"))),
    (AnswerKind.ORGANISATION, re.compile("(?:どこ|どの|何と|何)の?" + _any(
        "会社 企業 団体 組織 政党 チーム 大学 機関 メーカー 球団 銀行 新聞 放送局 省庁"))),
    (AnswerKind.PLACE, re.compile("どこ|何処|(?:どの|何)" + _any(
        "国 都市 町 市 県 地域 場所 州 島 大陸 地方 都道府県"))),
    (AnswerKind.NAME, re.compile(r"何と(?:呼|言|い)|なんと(?:呼|言|い)|" + _any(
        "何という なんという 名前 名称 何て なんて どの どれ 何 なに なん"))),
)
_HEAD_NOUNS: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = (
    (AnswerKind.PERSON, re.compile(_any(
        "人物 者 人 選手 監督 当主 社長 首相 大統領 作者 著者 王 氏 長官 大臣 代表 会長 議長 特使 "
        "顧問 高官") + "$")),
    (AnswerKind.DATE, re.compile(_any("年 月 日 時期 年代 日付 期間 時刻") + "$")),
    (AnswerKind.NUMBER, re.compile(_any(
        "数 人数 率 額 割合 量 人口 面積 金額 価格 比率 順位 高さ 長さ 重さ 距離 標高 深さ 幅 気温 "
        "速度 規模") + "$")),
    (AnswerKind.ORGANISATION, re.compile(_any(
        "会社 企業 団体 組織 政党 チーム 大学 機関 メーカー 銀行 省 庁") + "$")),
    (AnswerKind.PLACE, re.compile(_any(
        "首都 国 都市 町 市 県 地域 場所 州 島 大陸 地方 地 空港 港 駅 本部 本社") + "$")),
)
_BARE_TOPIC = re.compile(r"(?:の|、)?([^\s、。はがをのにで]{1,8})(?:は|って)[？?。\s]*$")

_EN_NONE = re.compile(r"\b(?:why|how(?! (?:many|much|long|old|far|often))|explain|describe"
                      r"|summar|opinion|think|list|tell me about|what (?:is|are|was|were) "
                      r"(?:the )?(?:\w+ ){0,2}\w+\?*$)")
_EN_WHICH = r"\b(?:which|what)(?: [a-z'-]+){0,2} "
_EN_RULES: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = (
    (AnswerKind.DATE, re.compile(r"\bwhen\b|" + _EN_WHICH + _any("year date month day time"))),
    (AnswerKind.NUMBER, re.compile(r"\bhow (?:many|much|long|old|far|often)\b|" + _EN_WHICH
                                   + _any("number percentage share"))),
    (AnswerKind.PERSON, re.compile(r"\b(?:who|whom|whose)\b|" + _EN_WHICH + _any(
        "person official minister secretary envoy president leader author advis[eo]r spy "
        "diplomat general king"))),
    (AnswerKind.ORGANISATION, re.compile(_EN_WHICH + _any(
        "company organi[sz]ation agency party group team university firm bank outlet "
        "newspaper publisher imprint broadcaster"))),
    (AnswerKind.PLACE, re.compile(r"\bwhere\b|" + _EN_WHICH + _any(
        "country countries city cities place region regions town state island"))),
    (AnswerKind.NAME, re.compile(r"\b(?:which|what|name|called)\b")),
)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def asked_kind(question: str) -> AnswerKind | None:
    """The kind of phrase the question asks for, or None (why/how/summary/opinion, or no
    question word at all)."""
    text = _normalise(question)
    if not text:
        return None
    if re.search(r"[ぁ-んァ-ヶ一-龥]", text):
        return _japanese_kind(text)
    lowered = text.lower()
    if _EN_NONE.search(lowered):
        return None
    return next((kind for kind, rule in _EN_RULES if rule.search(lowered)), None)


def _japanese_kind(text: str) -> AnswerKind | None:
    if _JA_NONE.search(text):
        return None
    found = next((kind for kind, rule in _JA_RULES if rule.search(text)), None)
    bare = _BARE_TOPIC.search(text)
    if found in (None, AnswerKind.NAME) and bare:
        head = bare.group(1)
        by_head = next((kind for kind, rule in _HEAD_NOUNS if rule.search(head)), None)
        return by_head or AnswerKind.NAME
    return found


# --- candidates ---------------------------------------------------------------------------

_PER_THREAD = threading.local()
_JOINERS = frozenset("・＝=ー－‐-･")
_SPACE_JOIN = frozenset(" ")
_FORMAL_NOUNS = _word_set(
    "こと もの ため ところ よう はず わけ とき 方 他 ほか 中 上 下 後 前 際 等 など 場合 "
    "一方 ここ これ それ 今回 同 的 次 以下 以上 同様 一部 多く 全て すべて 点 面")
_ROLE = re.compile(r"(?:特使|大統領|首相|顧問|長官|大臣|議長|社長|会長|代表|氏|さん|教授|博士|監督"
                   r"|選手|議員|知事|市長|委員長|総裁|書記長|外相|国務長官|報道官|補佐官|将軍|王|皇帝"
                   r"|法王|司令官|幹事長|高官|特別代表|創業者|被告)$")
_ORG_SUFFIX = re.compile(r"(?:社|会社|党|省|庁|局|団|協会|連盟|大学|銀行|機関|委員会|グループ|政府"
                         r"|大統領府|議会|軍|放送|新聞|通信|研究所|財団|公社|組合|連合|機構|センター)$")
_DATE_WORD = re.compile(r"(?:\d|[〇一二三四五六七八九十百千]).*"
                        + _any("年 月 日 世紀 年代 時 分 中旬 上旬 下旬 頃 ごろ 末 初め 初頭 半ば")
                        + r"|^(?:昨年|今年|来年|先月|今月|来月|昨日|今日|明日"
                        r"|当時|戦前|戦後|近年|現在|同年|翌年|前年)")
_NUMBER_WORD = re.compile(r"(?:\d|[〇一二三四五六七八九十百千万億]).*" + _COUNTERS
                          + r"|(?:\d|[〇一二三四五六七八九十百千万億])+(?:[%％]|$)")
_DATE_END = re.compile(r"(?:年|月|日|世紀|年代|中旬|上旬|下旬|頃|ごろ|末|半ば|初頭)$")
_QUOTED = re.compile(rf"「([^「」]{{1,{MAX_QUOTED_CHARS}}})」"
                     rf"|『([^『』]{{1,{MAX_QUOTED_CHARS}}})』")
_COORDINATORS = frozenset(("と", "や", "、", "および", "及び", "から", "～", "〜", "-", "から"))
_PAIR = re.compile(r"(?:何|なに|いつ|どこ|誰)[^？?]{0,3}(?:と|から|や)(?:何|なに|いつ|どこ|誰)"
                   r"|と何|から何")
_KATAKANA = re.compile(r"[ァ-ヶー・＝]")
_KATAKANA_RUN = re.compile(r"[ァ-ヶー]{3,}")


@dataclass(frozen=True)
class _Word:
    surface: str
    start: int
    end: int
    pos: tuple[str, ...]

    @property
    def nominal(self) -> bool:
        return self.pos[0] in ("名詞", "接頭辞", "接尾辞") and self.surface not in _FORMAL_NOUNS

    @property
    def joiner(self) -> bool:
        return self.surface in _JOINERS or self.surface in _SPACE_JOIN


@dataclass(frozen=True)
class Candidate:
    """A phrase of the sentence (start, end) with its feature values (`FEATURES` order)."""

    start: int
    end: int
    features: tuple[float, ...]


def _tokenizer() -> Any:
    """This thread's mode-C tokenizer (longest units: 外交顧問, 東海ラジオ放送): a SudachiPy
    Tokenizer can't be shared by threads."""
    tokenizer = getattr(_PER_THREAD, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _PER_THREAD.tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer


def _words(sentence: str) -> list[_Word]:
    return [_Word(m.surface(), m.begin(), m.end(), tuple(m.part_of_speech()[:3]))
            for m in _tokenizer().tokenize(sentence)]


def _noun_runs(words: list[_Word]) -> list[tuple[int, int]]:
    """[i, j) word ranges of noun runs (joined across ・/＝ and spaces between Latin words)."""
    runs, i = [], 0
    while i < len(words):
        if not words[i].nominal or words[i].pos[0] == "接尾辞":
            i += 1
            continue
        j = i + 1
        while j < len(words):
            if words[j].nominal:
                j += 1
            elif (words[j].joiner and j + 1 < len(words) and words[j + 1].nominal
                  and (words[j].surface != " " or words[j - 1].surface.isascii())):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _spans(sentence: str, words: list[_Word]) -> set[tuple[int, int, int]]:
    """(start, end, shape) of candidate phrases: shape 0 a sub-run of a noun run, 1 a whole
    run, 2 two runs joined by の, 3 quoted text, 4 two runs joined by と/や/から (「何と何」)."""
    spans: set[tuple[int, int, int]] = set()
    runs = _noun_runs(words)
    for i, j in runs:
        for a in range(i, j):
            if words[a].joiner or words[a].pos[0] == "接尾辞":
                continue
            for b in range(a + 1, min(j, a + MAX_SPAN_WORDS) + 1):
                if words[b - 1].joiner or words[b - 1].pos[0] == "接頭辞":
                    continue
                spans.add((words[a].start, words[b - 1].end, int(a == i and b == j)))
    for (i, j), (k, m) in itertools.pairwise(runs):
        if k == j + 1 and words[j].surface == "の" and words[m - 1].end - words[i].start <= 24:
            spans.add((words[i].start, words[m - 1].end, 2))
    for (i, j), (k, m) in itertools.pairwise(runs):
        if (k == j + 1 and words[j].surface in _COORDINATORS
                and words[m - 1].end - words[i].start <= 30):
            spans.add((words[i].start, words[m - 1].end, 4))
    for match in _QUOTED.finditer(sentence):
        group = 1 if match.group(1) is not None else 2
        spans.add((match.start(group), match.end(group), 3))
    return spans


# --- features -----------------------------------------------------------------------------

_KINDS = tuple(AnswerKind)
_TYPES = ("person", "place", "organisation", "date", "number", "quoted", "proper", "role")
_SHAPES = ("sub_run", "whole_run", "no_joined", "quoted_text", "coordinated")
FEATURES: tuple[str, ...] = (
    *(f"asked_{kind.value}" for kind in _KINDS),
    *(f"{kind.value}_x_{kind_of}" for kind in _KINDS for kind_of in _TYPES),
    *(f"{kind.value}_x_{shape}" for kind in _KINDS for shape in _SHAPES),
    *_SHAPES,
    "in_question", "question_char_share", "left_match", "right_match", "follow_match",
    "near_terms", "near_share", "distance", "length", "words", "next_particle", "next_no",
    "previous_no", "previous_particle", "next_punctuation", "katakana_share", "position",
    "pair_x_coordinated", "ends_with_unit", "mixed_kinds", "sentence_overlap",
    "words_in_question", "name_in_question",
)
_WH = re.compile(rf"(?:何|なん|なに)(?:[一-龥]?{_COUNTERS})?|"
                 + _any("誰 だれ いつ どこ どの どれ いくつ いくら 何者 どなた"))
_STRIP = "、，, 　"
_TOPIC_PARTICLES = "はがもをにで、"


@dataclass(frozen=True)
class _Question:
    """What the features need from the question: its normalised text, the text before and
    after its question word, and its content bigrams."""

    text: str
    left: str
    right: str
    bigrams: frozenset[str]
    asks_pair: bool
    latin_names: frozenset[str]  # consonant skeletons of an English question's words


def _char_normalised(text: str) -> str:
    """NFKC and lower case, one character for one (so offsets still hold)."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).lower()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _content_bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)
                     if not re.fullmatch(r"[ぁ-ん\W]{2}", text[i : i + 2]))


@functools.lru_cache(maxsize=256)
def _question(question: str) -> _Question:
    text = _char_normalised(question.strip()).rstrip("？?。．. 　")
    wh = _WH.search(text)
    left, right = (text[: wh.start()], text[wh.end() :]) if wh else (text, "")
    without_wh = text[: wh.start()] + " " + text[wh.end() :] if wh else text
    japanese = bool(re.search(r"[ぁ-んァ-ヶ一-龥]", text))
    # an English question shares no bigrams with a Japanese sentence: its names count
    latin_names = frozenset() if japanese else frozenset(
        _skeleton(w) for w in re.findall(r"[a-z]{3,}", text) if w not in _EN_STOP)
    bigrams = _content_bigrams(without_wh) if japanese else frozenset()
    return _Question(text, left.rstrip(_STRIP), right.lstrip(_STRIP), bigrams,
                     bool(_PAIR.search(text)), latin_names)


def _share_in(text: str, question: _Question) -> float:
    """How much of the phrase the question already has (its bigrams; a lone character)."""
    if len(text) < 2:
        return float(text in question.text)
    return sum(text[k : k + 2] in question.text for k in range(len(text) - 1)) / (len(text) - 1)


_KANA_ROMAN = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
    _word_list(
        "a i u e o ka ki ku ke ko sa shi su se so ta ti tsu te to na ni nu ne no ha hi fu"
        " he ho ma mi mu me mo ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze "
        "zo da ji zu de do ba bi bu be bo pa pi pu pe po vu"),
    strict=True,
))
_SMALL_KANA = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu",
               "ョ": "yo"}
_EN_STOP = _word_set(
    "who whom whose what when where which how did does the and was were with for from"
    " that this talk talked about")


def _skeleton(word: str) -> str:
    """A name's consonants, doubled ones once, v as f: Witkoff and ウィトコフ both "wtkf",
    Ushakov and ウシャコフ both "shkf" — enough to see an English question name a person
    the Japanese sentence names in katakana."""
    letters: list[str] = []
    for ch in word:
        if ch in _SMALL_KANA and letters:
            base = "w" if letters[-1] == "u" else letters[-1].rstrip("aiueo")
            letters[-1] = base + _SMALL_KANA[ch]
        elif ch in _KANA_ROMAN:
            letters.append(_KANA_ROMAN[ch])
        elif ch.isascii():
            letters.append(ch)
    roman = "".join(letters).lower().replace("ck", "k")
    roman = roman.translate(str.maketrans("vlcm", "frkn"))
    consonants = re.sub(r"[aeiouy]", "", roman[1:]) if roman[:1] in "aeiou" else (
        roman[0] + re.sub(r"[aeiouy]", "", roman[1:]))
    return re.sub(r"(.)\1+", r"\1", consonants)


def _words_in_question(text: str, inside: list[_Word], question: _Question) -> float:
    """The share of the phrase's words of two or more characters that the question has
    (スティーブ・ウィトコフ特使 for a question about ウィトコフ特使)."""
    words = [w.surface for w in inside if len(w.surface) >= 2 and w.nominal]
    if not words:
        return 0.0
    known = sum(_char_normalised(w) in question.text
                or (bool(question.latin_names) and _skeleton(w) in question.latin_names)
                for w in words)
    return known / len(words)


def _common_prefix(a: str, b: str, limit: int = 12) -> int:
    n = 0
    for x, y in zip(a[:limit], b[:limit], strict=False):
        if x != y:
            break
        n += 1
    return n


def _types(text: str, words: list[_Word]) -> tuple[bool, ...]:
    pos2 = {w.pos[2] for w in words if w.pos[1] == "固有名詞"}
    katakana = sum(1 for ch in text if _KATAKANA.match(ch)) / max(len(text), 1)
    return (
        "人名" in pos2 or (katakana > 0.5 and bool(_ROLE.search(text))),
        "地名" in pos2,
        bool(_ORG_SUFFIX.search(text)) or ("一般" in pos2 and "地名" not in pos2),
        bool(_DATE_WORD.search(text)),
        bool(_NUMBER_WORD.search(text)) or any(w.pos[1] == "数詞" for w in words),
        False,  # set for quoted text by the caller
        bool(pos2) or katakana > 0.5,
        bool(_ROLE.search(text)),
    )


@dataclass(frozen=True)
class _Sentence:
    """The sentence as the features see it: normalised text, its words, and where the
    question's content bigrams occur in it (a prefix count and the nearest occurrence)."""

    text: str
    words: list[_Word]
    starting: dict[int, int]
    ending: dict[int, int]
    found_bigrams: int
    marked_before: list[int]
    nearest_left: list[int]
    nearest_right: list[int]


def _sentence(sentence: str, question: _Question) -> _Sentence:
    text = _char_normalised(sentence)
    marked = [False] * (len(text) + 1)
    found = set()
    for i in range(len(text) - 1):
        if text[i : i + 2] in question.bigrams:
            marked[i] = marked[i + 1] = True
            found.add(text[i : i + 2])
    if question.latin_names:
        for run in _KATAKANA_RUN.finditer(sentence):
            if _skeleton(run.group()) in question.latin_names:
                marked[run.start() : run.end()] = [True] * (run.end() - run.start())
                found.add(run.group())
    before = [0]
    for flag in marked:
        before.append(before[-1] + flag)
    far = 10 * len(text) + 100
    left, last = [], -far
    for i, flag in enumerate(marked):
        left.append(i - last)  # distance to the nearest mark before i
        last = i if flag else last
    right, following = [far] * len(marked), far
    for i in range(len(marked) - 1, -1, -1):
        following = i if marked[i] else following
        right[i] = following - i
    words = _words(sentence)
    return _Sentence(text, words, {w.start: i for i, w in enumerate(words)},
                     {w.end: i + 1 for i, w in enumerate(words)}, len(found), before, left, right)


def _word_range(sentence: _Sentence, start: int, end: int) -> tuple[int, int]:
    """[i, j): the words inside start..end (quoted text may not fall on word boundaries)."""
    i, j = sentence.starting.get(start), sentence.ending.get(end)
    if i is None or j is None:
        i = next((k for k, w in enumerate(sentence.words) if w.start >= start), len(sentence.words))
        j = next((k for k, w in enumerate(sentence.words) if w.end > end), len(sentence.words))
    return i, max(i, j)


def _kind_one_hots(kind: AnswerKind, types: list[bool], shape: int) -> list[float]:
    """The asked kind, the candidate's types and shape crossed with it, and its shape."""
    asked = [0.0] * len(_KINDS)
    at = _KINDS.index(kind)
    asked[at] = 1.0
    crosses = [0.0] * (len(_KINDS) * len(_TYPES))
    crosses[at * len(_TYPES) : (at + 1) * len(_TYPES)] = [float(t) for t in types]
    shaped = [0.0] * (len(_KINDS) * len(_SHAPES))
    shaped[at * len(_SHAPES) + shape] = 1.0
    shapes = [float(shape == i) for i in range(len(_SHAPES))]
    return [*asked, *crosses, *shaped, *shapes]


def _features(kind: AnswerKind, question: _Question, sentence: _Sentence,
              span: tuple[int, int, int]) -> tuple[float, ...]:
    start, end, shape = span
    text = sentence.text[start:end]
    i, j = _word_range(sentence, start, end)
    inside = sentence.words[i:j]
    types = list(_types(text, inside))
    types[5] = shape == 3
    head = sentence.text[:start].rstrip(_STRIP + "「『")
    tail = sentence.text[end:].lstrip(_STRIP + "」』")
    follow = tail[1:] if tail[:1] and tail[0] in _TOPIC_PARTICLES else tail
    window = 12
    near = (sentence.marked_before[start] - sentence.marked_before[max(0, start - window)]
            + sentence.marked_before[min(len(sentence.text), end + window)]
            - sentence.marked_before[end])
    total = sentence.marked_before[-1] - (sentence.marked_before[end]
                                          - sentence.marked_before[start])
    terms = len(question.bigrams) + len(question.latin_names)
    overlap = min(1.0, sentence.found_bigrams / terms) if terms else 0.0
    distance = min(sentence.nearest_left[start], sentence.nearest_right[end])
    next_word = sentence.words[j] if j < len(sentence.words) else None
    previous = sentence.words[i - 1] if i > 0 else None
    return (
        *_kind_one_hots(kind, types, shape),
        float((len(text) >= 2 and text in question.text)
              or any(_skeleton(run) in question.latin_names
                     for run in _KATAKANA_RUN.findall(text))),
        _share_in(text, question),
        min(_common_prefix(head[::-1], question.left[::-1]), 8) / 8,
        min(_common_prefix(tail, question.right), 8) / 8,
        min(_common_prefix(follow, question.text), 8) / 8,
        min(near, 2 * window) / (2 * window),
        near / total if total else 0.0,
        min(distance, 30) / 30,
        min(len(text), 30) / 10,
        min(len(inside), 10) / 5,
        float(next_word is not None and next_word.pos[0] == "助詞" and next_word.surface != "の"),
        float(next_word is not None and next_word.surface == "の"),
        float(previous is not None and previous.surface == "の"),
        float(previous is not None and previous.pos[0] == "助詞" and previous.surface != "の"),
        float(next_word is None or next_word.pos[0] == "補助記号"),
        sum(1 for ch in text if _KATAKANA.match(ch)) / max(len(text), 1),
        start / max(len(sentence.text), 1),
        float(question.asks_pair and shape == 4),
        float(bool(inside) and (inside[-1].pos[1] == "数詞" or inside[-1].pos[2] == "助数詞"
                                or bool(_DATE_END.search(text)))),
        float((types[3] or types[4]) and (types[0] or types[1] or types[6])
              and not text[:1].isdigit()),
        overlap,
        _words_in_question(text, inside, question),
        float(any(_char_normalised(run) in question.text
                  or _skeleton(run) in question.latin_names
                  for run in _KATAKANA_RUN.findall(text))
              or any(w.pos[1] == "固有名詞" and _char_normalised(w.surface) in question.text
                     for w in inside)),
    )


def candidates(question: str, sentence: str, kind: AnswerKind) -> list[Candidate]:
    """Every candidate phrase of the sentence with its features (the fitting script uses
    this too, so the shipped weights see exactly these values)."""
    sentence = sentence[:MAX_SENTENCE_CHARS]
    asked = _question(question)
    seen = _sentence(sentence, asked)
    return [Candidate(start, end, _features(kind, asked, seen, (start, end, shape)))
            for start, end, shape in sorted(_spans(sentence, seen.words))]


@dataclass(frozen=True)
class Model:
    """A conditional logit over one sentence's candidates plus a "none of them" option:
    candidate i scores `weights · features_i`, none scores `none[kind]`; probabilities
    are the softmax over both. The confidence of a phrase is the probability of the
    candidates that agree with it (character F1 ≥ 0.8: ウシャコフ and ウシャコフ外交顧問
    are right together), so it falls when the sentence may not hold the answer at all."""

    weights: tuple[float, ...]
    none: dict[str, float]
    threshold: float

    def scores(self, found: list[Candidate]) -> list[float]:
        features = np.array([c.features for c in found], dtype=float)
        return [float(x) for x in features @ np.array(self.weights, dtype=float)]


@functools.cache
def load_model(path: Path = MODEL_PATH) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: its features are not this module's FEATURES (refit it)")
    return Model(tuple(float(w) for w in data["weights"]),
                 {str(k): float(v) for k, v in data["none"].items()}, float(data["threshold"]))


def load_threshold() -> float:
    return load_model().threshold


def char_f1(a: str, b: str) -> float:
    """SQuAD-style F1 over characters (JSQuAD's metric for Japanese)."""
    common = sum((Counter(a) & Counter(b)).values())
    return 0.0 if not common else 2 * common / (len(a) + len(b))


def _choose(sentence: str, found: list[Candidate], scores: list[float], none: float
            ) -> tuple[Candidate, float]:
    """The best candidate and its confidence (softmax mass of the candidates agreeing)."""
    top = max(max(scores), none)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights) + math.exp(none - top)
    best = max(range(len(found)), key=lambda i: (scores[i], found[i].start - found[i].end))
    text = sentence[found[best].start : found[best].end]
    agreeing = sum(w for c, w in zip(found, weights, strict=True)
                   if w > 1e-4 * weights[best]
                   and char_f1(sentence[c.start : c.end], text) >= AGREEMENT)
    return found[best], agreeing / total


def extract(question: str, sentence: str, kind: AnswerKind | None) -> ShortAnswer | None:
    """The likeliest answer phrase of the sentence with its confidence (None when the
    question asks for no phrase or the sentence has no candidate). Whether to show it is
    the caller's choice: `confidence >= load_threshold()`."""
    if kind is None or not sentence.strip() or not question.strip():
        return None
    found = candidates(question, sentence, kind)
    if not found:
        return None
    model = load_model()
    best, confidence = _choose(sentence, found, model.scores(found), model.none[kind.value])
    return ShortAnswer(best.start, best.end, sentence[best.start : best.end],
                       round(confidence, 4))


def shown(question: str, sentence: str) -> ShortAnswer | None:
    """The short answer to show for citation [1]'s sentence, or None when the question asks
    for no phrase or the best one is below the shipped confidence threshold."""
    found = extract(question, sentence, asked_kind(question))
    return found if found is not None and found.confidence >= load_threshold() else None


@dataclass(frozen=True)
class CitedShortAnswer:
    """The short answer as the Answer carries it (JSON `short_answer`): the phrase, the
    citation it is taken from, and its offsets into that article's body."""

    text: str
    n: int
    start: int
    end: int
    confidence: float  # the extractor's (at least the shipped threshold, or not shown)


def for_citation(question: str, quote: str, quote_start: int, n: int = 1
                 ) -> CitedShortAnswer | None:
    """The short answer to show inside citation `n` (its quote starts at `quote_start` in
    the article body), or None when not confident enough or no phrase is asked for."""
    found = shown(question, quote)
    if found is None:
        return None
    return CitedShortAnswer(found.text, n, quote_start + found.start, quote_start + found.end,
                            found.confidence)


def listed_countries(question: str, quote: str, quote_start: int, n: int = 1
                     ) -> CitedShortAnswer | None:
    """For a count of countries (「何か国？」 "how many countries"), the list that answers
    it when the sentence gives no number of countries but exactly one list of them
    (「米・英・露」: the reader counts three names). None otherwise: a number (「3か国」) is
    the phrase model's to find, and of two lists none is surely the one meant. The list
    is no model's guess, so `confidence` is 1; the caller keeps the runners-up all the
    same (the list's sentence may not name what the countries did it for)."""
    if asked_reader_kind(question) != "countries" or counts_countries(quote):
        return None
    spans = country_lists(quote)
    if len(spans) != 1:
        return None
    start, end = spans[0]
    return CitedShortAnswer(quote[start:end], n, quote_start + start, quote_start + end, 1.0)
