"""Japanese-aware sentence splitting and chunking, with exact character offsets.

Sentences end at 。！？!? (and at '.' before a capital or the end in English), never
inside 「」『』（）, and at line breaks of lists and Japanese paragraphs; Markdown headings
become the `section` of what follows them. Chunks are runs of whole sentences of one
section, about `max_chars` long, sharing `overlap` sentences with their neighbour.
Every span satisfies `body[start:end] == text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus import Article

_TERMINATORS = "。！？!?．"
_CLOSERS = "」』）)]】〉》\"'”’"
_OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〈": "〉", "《": "》"}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•・●◆■□▪︎]|\d{1,3}[.)、])\s*")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "inc", "no",
                  "co", "corp", "ltd", "gen", "gov", "sen", "rep", "u.s", "e.g", "i.e", "jan",
                  "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
MAX_SENTENCE_CHARS = 1000


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    section: str


@dataclass
class Chunk:
    article_id: str
    index: int
    start: int
    end: int
    text: str
    section: str
    sentences: list[tuple[int, int]] = field(default_factory=list)


def _is_english_period(segment: str, i: int) -> bool:
    """Is the '.' at segment[i] the end of an English sentence?"""
    rest = segment[i + 1 :]
    if rest and not rest[0].isspace():
        return False
    following = rest.lstrip()
    if following and not (following[0].isupper() or following[0] in "\"'“‘(「"):
        return False
    word = re.search(r"([A-Za-z.]+)$", segment[:i])
    if word:
        w = word.group(1).lower().rstrip(".")
        if w in _ABBREVIATIONS or (len(w) == 1 and segment[i - 1].isupper()):
            return False
    return True


def _sentence_ends(segment: str) -> list[int]:
    """End offsets (exclusive) of the sentences in one segment of text."""
    ends: list[int] = []
    expected_closers: list[str] = []
    last = 0
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch in _OPENERS:
            expected_closers.append(_OPENERS[ch])
        elif expected_closers and ch == expected_closers[-1]:
            expected_closers.pop()
        splittable = not expected_closers or i - last > 300
        is_end = ch in _TERMINATORS or (ch == "." and _is_english_period(segment, i))
        if splittable and is_end:
            j = i + 1
            while j < len(segment) and (segment[j] in _TERMINATORS or segment[j] in _CLOSERS):
                j += 1
            ends.append(j)
            last = j
            expected_closers.clear()
            i = j
            continue
        if i - last >= MAX_SENTENCE_CHARS:
            ends.append(i)
            last = i
        i += 1
    if last < len(segment):
        ends.append(len(segment))
    return ends


def _trimmed_span(body: str, start: int, end: int) -> tuple[int, int] | None:
    """Span without surrounding white space or a leading list marker; None when empty."""
    text = body[start:end]
    marker = _LIST_MARKER.match(text)
    if marker and marker.end() < len(text):
        start += marker.end()
        text = body[start:end]
    start += len(text) - len(text.lstrip())
    end -= len(text) - len(text.rstrip())
    return (start, end) if end > start else None


def _continues_previous_line(prev: str, line: str) -> bool:
    """A hard-wrapped English line continues the previous one; Japanese lines don't."""
    prev, line = prev.rstrip(), line.strip()
    if not prev or not line or _LIST_MARKER.match(line) or _LIST_MARKER.match(prev):
        return False
    return prev[-1].isascii() and prev[-1] not in ".!?:" and (line[0].islower() or prev[-1] == ",")


def _segments(body: str) -> list[tuple[int, int, str]]:
    """(start, end, section) of runs of text that sentences may not cross."""
    segments: list[tuple[int, int, str]] = []
    section = ""
    offset = 0
    prev_line = ""
    for line in body.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(2).strip()
            prev_line = ""
            continue
        if not line.strip():
            prev_line = ""
            continue
        if segments and _continues_previous_line(prev_line, line):
            start, _, sec = segments[-1]
            segments[-1] = (start, line_end, sec)
        else:
            segments.append((line_start, line_end, section))
        prev_line = line
    return segments


def split_sentences(body: str) -> list[Sentence]:
    """All sentences of an article body, in order, with exact offsets and their section."""
    sentences: list[Sentence] = []
    for seg_start, seg_end, section in _segments(body):
        begin = seg_start
        for end in _sentence_ends(body[seg_start:seg_end]):
            span = _trimmed_span(body, begin, seg_start + end)
            if span:
                sentences.append(Sentence(span[0], span[1], section))
            begin = seg_start + end
    return sentences


def chunk_article(article: Article, max_chars: int = 300, overlap: int = 1) -> list[Chunk]:
    """Chunks of whole sentences, within one section, about max_chars long, overlapping."""
    return chunk_sentences(article, split_sentences(article.body), max_chars, overlap)


def chunk_sentences(article: Article, sentences: Sequence[Sentence], max_chars: int = 300,
                    overlap: int = 1) -> list[Chunk]:
    """`chunk_article` over sentences already split (the indexer splits each article once
    and also embeds the sentences)."""
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while (
            j < len(sentences)
            and sentences[j].section == sentences[i].section
            and sentences[j].end - sentences[i].start <= max_chars
        ):
            j += 1
        group = sentences[i:j]
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                article_id=article.id,
                index=len(chunks),
                start=start,
                end=end,
                text=article.body[start:end],
                section=group[0].section,
                sentences=[(s.start, s.end) for s in group],
            )
        )
        if j >= len(sentences):
            break
        same_section = sentences[j].section == sentences[i].section
        i = max(i + 1, j - overlap) if same_section else j
    return chunks
