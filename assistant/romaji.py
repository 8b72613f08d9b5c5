"""Kana → Hepburn romaji, and a sound key to match English spellings against it.

Our own small table instead of cutlet/pykakasi: the readings already come from SudachiPy
(katakana), so only kana → Latin is needed, and loanword spellings (ウィ → wi, ティ → ti,
ヴ → v) matter more here than textbook Hepburn. `sound_distance` compares an English word
with a romanised katakana word by their consonant skeletons, forgiving what katakana does
to foreign words (added vowels, l → r, v → b/f, th → s, lost w/h after vowels).
"""

from __future__ import annotations

import re
import unicodedata

_BASE = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ヵ": "ka", "ヶ": "ke",
}
# consonant + small vowel/y-kana: the consonant part of the big kana, then the small one
_SMALL_Y = {"ャ": "ya", "ュ": "yu", "ョ": "yo"}
_SMALL_VOWEL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_SPECIAL_PAIRS = {
    "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ティ": "ti", "ディ": "di", "トゥ": "tu",
    "ドゥ": "du", "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "ヴァ": "va",
    "ヴィ": "vi", "ヴェ": "ve", "ヴォ": "vo", "シェ": "she", "ジェ": "je", "チェ": "che",
    "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse", "ツォ": "tso", "テュ": "tyu", "デュ": "dyu",
    "フュ": "fyu", "イェ": "ye", "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo",
    "グァ": "gwa",
}
_Y_STEMS = {"シ": "sh", "チ": "ch", "ジ": "j", "ヂ": "j"}


def to_katakana(text: str) -> str:
    """Hiragana → katakana (everything else unchanged)."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _pair(kana: str, small: str) -> str | None:
    if kana + small in _SPECIAL_PAIRS:
        return _SPECIAL_PAIRS[kana + small]
    if small in _SMALL_Y and kana in _BASE and kana not in "アイウエオ":
        stem = _Y_STEMS.get(kana, _BASE[kana][:-1])
        vowel = _SMALL_Y[small][1:]
        return stem + vowel if kana in _Y_STEMS else stem + "y" + vowel
    if small in _SMALL_VOWEL and kana in _BASE and kana not in "アイウエオ":
        return _BASE[kana][:-1] + _SMALL_VOWEL[small]
    return None


def romanise(kana: str) -> str:
    """Hepburn romaji of a kana string, lower case; long-vowel marks dropped, ッ doubles the
    next consonant, ン before b/m/p is m; other characters are kept as they are."""
    text = to_katakana(unicodedata.normalize("NFKC", kana))
    out: list[str] = []
    double_next = False
    i = 0
    while i < len(text):
        ch = text[i]
        pair = _pair(ch, text[i + 1]) if i + 1 < len(text) else None
        syllable = pair if pair is not None else _BASE.get(ch)
        i += 2 if pair is not None else 1
        if ch == "ッ":
            double_next = True
            continue
        if ch == "ー":
            continue
        if syllable is None:
            out.append(ch)
            double_next = False
            continue
        if double_next and syllable[0] not in "aeiou":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double_next = False
        if out and out[-1] == "n" and syllable[0] in "bmp":
            out[-1] = "m"  # ン before b/m/p: Hepburn m (トランプ → torampu)
        out.append(syllable)
    return "".join(out)


_ENGLISH_RULES = [
    ("ph", "f"), ("ck", "k"), ("sch", "sh"), ("tch", "ch"), ("th", "s"), ("x", "ks"),
    ("q", "k"), ("wr", "r"), ("kn", "n"), ("gh", ""), ("dg", "j"),
]
_VOWELS = set("aeiou")
# consonant symbols katakana confuses: substituting within a pair costs little
_CLOSE = {frozenset(p) for p in [("l", "r"), ("v", "b"), ("v", "f"), ("f", "h"), ("c", "k"),
                                  ("s", "z"), ("j", "g"), ("S", "s"), ("C", "c"), ("C", "T"),
                                  ("T", "s"), ("T", "t"), ("z", "j"), ("d", "t"), ("S", "C"),
                                  ("t", "C")]}
_DIGRAPHS = {"sh": "S", "ch": "C", "ts": "T"}


def _skeleton(spelling: str) -> str:
    """Consonant symbols of a Latin spelling: vowels, and w/y/h that don't start a syllable
    are dropped; doubled letters count once (ff, and ッ's tt); sh/ch/ts are one symbol each."""
    letters = re.sub(r"[^a-z]", "", spelling.lower())
    symbols: list[str] = []
    adjacent = False  # the previous letter was a kept consonant (so "ff" counts once)
    i = 0
    while i < len(letters):
        two = letters[i : i + 2]
        nxt = letters[i + 1] if i + 1 < len(letters) else ""
        if two in _DIGRAPHS:
            symbol, i = _DIGRAPHS[two], i + 2
        else:
            symbol, i = letters[i], i + 1
            if symbol in _VOWELS or (symbol in "wyh" and nxt not in _VOWELS):
                adjacent = False
                continue
        if not (adjacent and symbols[-1] == symbol):
            symbols.append(symbol)
        adjacent = True
    return "".join(symbols)


def english_skeleton(word: str) -> str:
    """Consonant skeleton of an English (or other Latin-script) spelling."""
    text = word.lower()
    text = re.sub(r"c(?=[eiy])", "s", text).replace("ck", "k").replace("ch", "\x00")
    text = text.replace("c", "k").replace("\x00", "ch")
    for old, new in _ENGLISH_RULES:
        text = text.replace(old, new)
    return _skeleton(text)


def romaji_skeleton(romaji: str) -> str:
    """Consonant skeleton of Hepburn romaji (fu counts as f, its vowel as added)."""
    return _skeleton(romaji)


def weighted_edit_distance(a: str, b: str) -> float:
    """Levenshtein distance where close consonants cost 0.3 to swap and h/w/y/r 0.5 to add or
    drop (katakana loses a post-vowel r: Bloomberg → ブルームバーグ)."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else 0.3 if frozenset((ca, cb)) in _CLOSE else 1.0
            add = 0.5 if cb in "hwyr" else 1.0
            drop = 0.5 if ca in "hwyr" else 1.0
            current.append(min(previous[j] + drop, current[j - 1] + add, previous[j - 1] + swap))
        previous = current
    return previous[-1]


def allowed_distance(skeleton_length: int) -> float:
    """How far two skeletons of this length may be apart and still be the same name."""
    if skeleton_length <= 2:
        return 0.3
    if skeleton_length <= 3:
        return 0.6
    return 1.0 if skeleton_length <= 6 else 1.6


def display_name(romaji: str) -> str:
    """A romanised name as a reader expects it: capitalised, with the Russian ending
    -ofu/-efu written -ov/-ev (ウシャコフ → Ushakov), a final -u after a consonant kept."""
    name = re.sub(r"([oe])fu$", r"\1v", romaji)
    return name[:1].upper() + name[1:]
