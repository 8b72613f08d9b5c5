"""ふりがな: readings over kanji as HTML `<ruby>`, for learners and younger readers.

Readings come from SudachiPy (the process's one dictionary, `keyword.sudachi_dictionary`),
as the dictionary gives them, names included. Only kanji get a reading: kana, Latin
letters, digits and symbols are left as they are, and okurigana stay outside the ruby
(話し合い → <ruby>話<rt>はな</rt></ruby>し<ruby>合<rt>あ</rt></ruby>い).

The markup is always there; whether the readings show is the page's choice (a class on
<body>, see static/chat.css), so switching ふりがな on or off needs no server round trip,
and text copied or exported never contains them (the copy buttons copy the shown text,
the export is written from the answer itself).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from .keyword import sudachi_dictionary

_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
_KANJI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]+")
_KATAKANA = re.compile(r"[\u30a1-\u30f6]")
_MAX_CHARS = 10_000  # SudachiPy takes at most 49,149 bytes a call
# Longer texts are shown without readings: ~1 s of SudachiPy on 2 cores, and a page the
# browser would struggle with (an article may have up to 2,000,000 characters).
MAX_RUBY_CHARS = 200_000
_PER_THREAD = threading.local()

Escape = Callable[[str], str]


def _tokenizer() -> Any:
    """This thread's tokenizer (a SudachiPy Tokenizer is not for two threads at once)."""
    tokenizer = getattr(_PER_THREAD, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _PER_THREAD.tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer


def hiragana(text: str) -> str:
    """Katakana → hiragana (ー and other characters kept)."""
    return _KATAKANA.sub(lambda m: chr(ord(m[0]) - 0x60), text)


def _ruby(base: str, reading: str, escape: Escape) -> str:
    return f"<ruby>{escape(base)}<rt>{html.escape(reading)}</rt></ruby>"


def word_html(surface: str, reading: str, escape: Escape = html.escape) -> str:
    """One word with readings over its kanji runs only. The kana between and around the
    kanji anchor the split of the reading; when they don't match it (an irregular
    reading), the whole word carries the reading."""
    reading = hiragana(reading)
    if not _KANJI.search(surface) or not reading or _KANJI.search(reading) \
            or reading == hiragana(surface):
        return escape(surface)
    parts = re.split(f"({_KANJI_RUN.pattern})", surface)
    pattern = "".join("(.+)" if _KANJI_RUN.fullmatch(p) else re.escape(hiragana(p))
                      for p in parts if p)
    match = re.fullmatch(pattern, reading)
    if match is None:
        return _ruby(surface, reading, escape)
    readings = iter(match.groups())
    return "".join(_ruby(p, next(readings), escape) if _KANJI_RUN.fullmatch(p) else escape(p)
                   for p in parts if p)


def _words(text: str) -> Iterator[tuple[str, str]]:
    """(surface, reading) of every word of `text`; the surfaces join back to `text`."""
    for i in range(0, len(text), _MAX_CHARS):
        chunk = text[i : i + _MAX_CHARS]
        if not _KANJI.search(chunk):
            yield chunk, ""
            continue
        for morpheme in _tokenizer().tokenize(chunk):
            yield morpheme.surface(), morpheme.reading_form()


# SudachiPy reads 日 after a number as in 二十日 (か): the day of the month is read
# にち, except these, which are read as one word with their number.
_DAYS = {1: "ついたち", 2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか",
         7: "なのか", 8: "ようか", 9: "ここのか", 10: "とおか", 14: "じゅうよっか",
         20: "はつか", 24: "にじゅうよっか"}


def ruby_html(text: str, escape: Escape = html.escape) -> str:
    """`text` as HTML (each piece through `escape`) with readings over its kanji."""
    if len(text) > MAX_RUBY_CHARS or not _KANJI.search(text):
        return escape(text)
    parts: list[str] = []
    previous = ""
    for surface, reading in _words(text):
        if surface == "日" and previous.isdecimal():
            day = _DAYS.get(int(previous))
            if day:
                parts[-1] = f"<ruby>{escape(previous)}日<rt>{day}</rt></ruby>"
            else:
                parts.append(_ruby("日", "にち", escape))
        else:
            parts.append(word_html(surface, reading, escape))
        previous = surface
    return "".join(parts)
