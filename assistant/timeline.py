"""Date expressions in article sentences, normalised against the article's date.

Rules, not a library: `ja-timex` (MIT, 28 KB, but it pins the beta `pendulum==3.0.0b1`)
finds the same expressions in the seed articles, yet drops what a timeline needs —
10月中旬 comes back as `XXXX-10-XX` (the 中旬 is lost), 来年 as a duration `P1Y`, and a year
is never filled in from the article's date — so it would need these rules on top anyway
(measured in bench/study_eval.py; figures in bench/RESULTS.md).

What is recognised (ASCII or full-width digits): 2025年11月25日, 11月25日, 10月中旬 / 上旬 /
下旬 / 初め / 末, 2025年秋, 2025年末, 1994年, 2014年以降 / 以来 / まで, 1990年代, 19世紀,
昭和20年 (era years), 1560年頃; relative words (来年, 今年, 昨年, 先月, 翌年, 同年, …) are resolved
against `published`, or 同年 / 翌年 / 前年 against the year last named before them; a month
without a year (11月25日) is in the `published` year (the year before when the month is
later than the article's), else in the year the text named last. English:
"November 25, 2025", "November 25", "October 2025", "in 1994". A date whose year is not
stated and cannot be resolved that way gets the latest year the article names, and is
`approximate` whenever its year was guessed.

A date is an interval of (year, month, day) points; `iso` writes it the ISO 8601 way:
"2025-11-25", "2025-10" (a month), "2025-10-11/2025-10-20" (mid-October), "2014/.."
(2014 onwards), "1990/1999" (a decade).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Literal

Point = tuple[int, int, int]  # (year, month, day); 0 = not narrowed down
Part = Literal["", "early", "mid", "late", "spring", "summer", "autumn", "winter",
               "first-half", "second-half", "end", "decade", "century", "onwards", "until"]

_D = "[0-9０-９]"
_ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_PARTS: dict[str, Part] = {
    "上旬": "early", "初旬": "early", "初め": "early", "初頭": "early", "はじめ": "early",
    "中旬": "mid", "半ば": "mid", "下旬": "late", "末": "end", "終わり": "end",
    "春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter",
    "前半": "first-half", "後半": "second-half", "以降": "onwards", "以来": "onwards",
    "以後": "onwards", "まで": "until",
}
_PART_WORDS = "|".join(sorted(_PARTS, key=len, reverse=True))
_JA = re.compile(
    rf"(?<![0-9０-９])(?P<bc>紀元前)?(?:(?P<era>明治|大正|昭和|平成|令和)(?P<era_year>元|{_D}{{1,2}})年"
    rf"|(?P<year>{_D}{{3,4}})年(?!間|ぶり|前|後|目|生|齢|分|以上|以下|未満|の間)"
    rf"(?P<decade>代)?)?"
    rf"(?:(?P<month>{_D}{{1,2}})月(?!間)(?:(?P<day>{_D}{{1,2}})日(?!間))?)?"
    rf"(?P<part>{_PART_WORDS})?(?P<about>頃|ごろ)?")
_CENTURY = re.compile(rf"(?P<bc>紀元前)?(?P<century>{_D}{{1,2}})世紀(?P<part>前半|後半|末|初頭)?")
_RELATIVE = {"今年": 0, "本年": 0, "来年": 1, "翌年": 1, "昨年": -1, "去年": -1,
             "前年": -1, "一昨年": -2, "同年": 0}
_RELATIVE_MONTH = {"今月": 0, "来月": 1, "先月": -1}
_RELATIVE_WORDS = re.compile("|".join(sorted([*_RELATIVE, *_RELATIVE_MONTH], key=len,
                                             reverse=True)))
_FOLLOWS_PREVIOUS = {"翌年", "前年", "同年"}  # relative to the text's last date
_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
_EN = re.compile(
    r"\b(?P<month>" + "|".join(m.capitalize() for m in _MONTHS_EN) + r")"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?(?:,?\s+(?P<year>\d{4}))?\b"
    r"|\b(?:in|since|by|until|from)\s+(?P<bare_year>1[0-9]{3}|20[0-9]{2})\b")


@dataclass(frozen=True)
class Reference:
    """What a sentence's dates are resolved against: the article's date, if known, else
    the year it names last (`guessed`)."""

    year: int
    month: int = 0
    day: int = 0
    guessed: bool = False


@dataclass(frozen=True)
class DateMention:
    """A date expression text[start:end] of a sentence and the interval it names."""

    start: int
    end: int
    first: Point
    last: Point  # == first for a single day / month / year
    part: Part
    approximate: bool
    open_end: bool = False  # 2014年以降: from `first` on
    open_start: bool = False  # …まで: up to `last`
    named: Point = (0, 0, 0)  # the year, month, day the words name (before `part`)

    @property
    def sort_key(self) -> tuple[Point, Point]:
        return (self.first if not self.open_start else self.last, self.last)

    def iso(self) -> str:
        """ISO 8601: a date, a month, a year, or an interval (see the module docstring)."""
        if self.open_end:
            return f"{_iso(self.first)}/.."
        if self.open_start:
            return f"../{_iso(self.last)}"
        if self.first == self.last:
            return _iso(self.first)
        return f"{_iso(self.first)}/{_iso(self.last)}"

    def label(self, language: str) -> str:
        """The date for a reader: "mid-October 2025" / "2025年10月中旬"."""
        return label_of(self, language)


def _iso(point: Point) -> str:
    year, month, day = point
    text = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
    return text


def _number(text: str) -> int:
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def _month_interval(year: int, month: int, part: Part) -> tuple[Point, Point]:
    last_day = calendar.monthrange(year if year > 0 else 2000, month)[1]
    spans = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day),
             "end": (21, last_day)}
    if part in spans:
        a, b = spans[part]
        return (year, month, a), (year, month, b)
    return (year, month, 0), (year, month, 0)


def _year_interval(year: int, part: Part) -> tuple[Point, Point]:
    months = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "early": (1, 3),
              "first-half": (1, 6), "second-half": (7, 12), "end": (12, 12), "mid": (4, 9)}
    if part == "winter":
        return (year, 12, 0), (year + 1, 2, 0)
    if part in months:
        a, b = months[part]
        return (year, a, 0), (year, b, 0)
    return (year, 0, 0), (year, 0, 0)


def _year_of(match: re.Match[str]) -> int | None:
    if match.group("era"):
        raw = match.group("era_year")
        return _ERAS[match.group("era")] + (1 if raw == "元" else _number(raw)) - 1
    if match.group("year"):
        year = _number(match.group("year"))
        return -year if match.group("bc") else year
    return None


def _unstated_year(month: int, reference: Reference | None, previous: int | None
                   ) -> tuple[int, bool] | None:
    """The year of a month named without one (11月25日), and whether it is a guess: the
    article's year (the year before for a later month: a report of January on 11月 means
    last November), else the year the text named last, else the guessed reference."""
    if reference is not None and not reference.guessed:
        late = bool(reference.month) and month > reference.month
        return reference.year - late, False
    if previous is not None:
        return previous, True
    return (reference.year, True) if reference is not None else None


def _japanese(match: re.Match[str], reference: Reference | None, previous: int | None
              ) -> DateMention | None:
    """The interval one Japanese date expression names (None: not a date after all)."""
    stated = _year_of(match)
    month = _number(match.group("month")) if match.group("month") else 0
    day = _number(match.group("day")) if match.group("day") else 0
    part = _PARTS.get(match.group("part") or "", "")
    if (stated is None and not month) or month > 12 or day > 31:
        return None
    resolved = (stated, False) if stated is not None else \
        _unstated_year(month, reference, previous)
    if resolved is None:
        return None
    year, guessed = resolved
    if match.group("decade") and stated is not None:
        first, last, part = (year, 0, 0), (year + 9, 0, 0), "decade"
    elif month and day:
        first = last = (year, month, day)
    elif month:
        first, last = _month_interval(year, month, part)
    else:
        first, last = _year_interval(year, part)
    return DateMention(match.start(), match.end(), first, last, part,
                       guessed or bool(match.group("about")),
                       open_end=part == "onwards", open_start=part == "until",
                       named=(year, month, day))


def _century(match: re.Match[str]) -> DateMention:
    century = _number(match.group("century"))
    first, last = (century - 1) * 100 + 1, century * 100
    if match.group("bc"):
        first, last = -century * 100, -(century - 1) * 100 - 1
    parts: dict[str, tuple[int, int]] = {"前半": (first, first + 49), "後半": (first + 50, last),
                                         "末": (last - 19, last), "初頭": (first, first + 19)}
    first, last = parts.get(match.group("part") or "", (first, last))
    return DateMention(match.start(), match.end(), (first, 0, 0), (last, 0, 0), "century",
                       False)


def _relative(match: re.Match[str], reference: Reference | None, previous: int | None
              ) -> DateMention | None:
    word = match.group(0)
    follows = word in _FOLLOWS_PREVIOUS  # 翌年: the year after the one named before
    if (follows and previous is None) or (not follows and reference is None):
        return None
    base = previous if follows else reference.year  # type: ignore[union-attr]
    assert base is not None
    approximate = not follows and bool(reference and reference.guessed)
    if word in _RELATIVE:
        year = base + _RELATIVE[word]
        return DateMention(match.start(), match.end(), (year, 0, 0), (year, 0, 0), "",
                           approximate, named=(year, 0, 0))
    if reference is None or not reference.month:
        return None
    months = reference.year * 12 + reference.month - 1 + _RELATIVE_MONTH[word]
    point = (months // 12, months % 12 + 1, 0)
    return DateMention(match.start(), match.end(), point, point, "", approximate, named=point)


def _english(match: re.Match[str], reference: Reference | None) -> DateMention | None:
    if match.group("bare_year"):
        year = int(match.group("bare_year"))
        start = match.start("bare_year")
        return DateMention(start, match.end(), (year, 0, 0), (year, 0, 0), "", False,
                           open_end=match.group(0).lower().startswith(("since", "from")),
                           named=(year, 0, 0))
    stated = int(match.group("year")) if match.group("year") else None
    if stated is None and (reference is None or not match.group("day")):
        return None  # "May" alone is too often the verb
    year = stated if stated is not None else reference.year  # type: ignore[union-attr]
    month = _MONTHS_EN.index(match.group("month").lower()) + 1
    day = int(match.group("day")) if match.group("day") else 0
    if day > 31:
        return None
    point = (year, month, day)
    guessed = stated is None and reference is not None and reference.guessed
    return DateMention(match.start(), match.end(), point, point, "", guessed, named=point)


def find_dates(text: str, reference: Reference | None, previous_year: int | None = None
               ) -> list[DateMention]:
    """The date expressions of one sentence, in order (spans do not overlap)."""
    found: list[DateMention] = []
    for match in _JA.finditer(text):
        if match.end() > match.start() and (match.group("year") or match.group("era")
                                            or match.group("month")):
            mention = _japanese(match, reference, previous_year)
            if mention is not None:
                found.append(mention)
                previous_year = mention.named[0] or previous_year
    taken = [(m.start, m.end) for m in found]
    extra = [_century(m) for m in _CENTURY.finditer(text)]
    extra += [m for m in (_relative(r, reference, previous_year)
                          for r in _RELATIVE_WORDS.finditer(text)) if m is not None]
    extra += [m for m in (_english(e, reference) for e in _EN.finditer(text))
              if m is not None]
    for mention in extra:
        if not any(a < mention.end and mention.start < b for a, b in taken):
            found.append(mention)
            taken.append((mention.start, mention.end))
    return sorted(found, key=lambda m: m.start)


def reference_of(published: str, texts: list[str]) -> Reference | None:
    """The date an article's relative dates are resolved against: `published`
    (YYYY[-MM[-DD]]), else the latest year its own text names (guessed), else None."""
    found = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", published or "")
    if found:
        return Reference(int(found.group(1)), int(found.group(2) or 0),
                         int(found.group(3) or 0))
    years = [m.first[0] for text in texts for m in find_dates(text, None)
             if m.part not in ("decade", "century") and 1000 <= m.first[0] <= 2100]
    return Reference(max(years), guessed=True) if years else None


_SEASONS_EN = {"spring": "spring", "summer": "summer", "autumn": "autumn",
               "winter": "winter"}
_PART_EN = {"early": "early", "mid": "mid", "late": "late", "end": "end of"}
_PART_JA = {"early": "上旬", "mid": "中旬", "late": "下旬", "end": "末", "spring": "春",
            "summer": "夏", "autumn": "秋", "winter": "冬", "first-half": "前半",
            "second-half": "後半", "onwards": "以降", "until": "まで"}


def written_day(year: int, month: int, day: int, language: str) -> str:
    """One day as a reader writes it: 2025年11月25日 / 25 November 2025."""
    if language == "ja":
        return f"{year}年{month}月{day}日"
    return f"{day} {_MONTHS_EN[month - 1].capitalize()} {year}"


def label_of(mention: DateMention, language: str) -> str:
    """A reader's wording of the interval, in English or Japanese."""
    year, month, day = mention.named
    if mention.part == "decade":
        return f"{year}年代" if language == "ja" else f"the {year}s"
    if mention.part == "century":
        span = f"{mention.first[0]}–{mention.last[0]}"
        return f"{span}年" if language == "ja" else span
    era = f"紀元前{-year}" if year < 0 else str(year)
    if language == "ja":
        text = f"{era}年" + (f"{month}月" if month else "") + (f"{day}日" if day else "")
        text += _PART_JA.get(mention.part, "") if not day else ""
        text += "以降" if mention.open_end and mention.part != "onwards" else ""
        return text + ("頃" if mention.approximate else "")
    year_en = f"{-year} BC" if year < 0 else str(year)
    if day:
        text = f"{year_en}-{month:02d}-{day:02d}"
    elif month:
        name = _MONTHS_EN[month - 1].capitalize()
        part = _PART_EN.get(mention.part)
        text = f"{part}-{name} {year_en}" if part and part != "end of" else \
            f"end of {name} {year_en}" if part else f"{name} {year_en}"
    else:
        season = _SEASONS_EN.get(mention.part)
        text = f"{season} {year_en}" if season else year_en
        if mention.part in ("first-half", "second-half"):
            text = f"{'first' if mention.part == 'first-half' else 'second'} half of {year_en}"
        if mention.part == "end":
            text = f"end of {year_en}"
    if mention.open_end:
        text += " onwards"
    if mention.open_start:
        text = f"until {text}"
    return f"about {text}" if mention.approximate else text
