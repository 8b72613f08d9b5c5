"""A study guide per article, every item an exact quote: key points, a timeline across
articles, the people and organisations named, and a quiz.

Teachers expect what study tools give — key points, a timeline, a quiz — but here each
item is a sentence of an article, cited like an answer (`quote == body[start:end]`), so a
student can check it. Nothing is generated but the quiz's question frame:

- **Key points**: summary.key_points (reported facts first; never a reader comment, an
  advert or a credit line).
- **Timeline**: the dated statements of every article (timeline.py), the date normalised
  against the article's `published` date, sorted; reader comments and promotion (a book's
  publication date) are left out.
- **People and organisations**: names found with SudachiPy's parts of speech (人名 and
  proper nouns) and the titles after them (特使, 外交顧問, 氏), each given with the first
  sentence that mentions it, spellings merged by family name (スティーブ・ウィトコフ,
  ウィトコフ特使 and ウィトコフ氏 are one person).
- **Quiz**: 「ロシア大統領府の外交顧問は誰ですか？」 from a name introduced as
  "<organisation>の<name><title>", and fill-in-the-blank questions on a key sentence (a
  date, a person, a number or a name blanked out); the answer is verbatim in the cited
  sentence, and asking the question gives that sentence as [1] (bench/study_eval.py).

Names and the quiz are Japanese rules: an English article gets its key points and dated
statements, and empty people and quiz sections (said so in the view).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .answer import with_roles
from .chunking import Sentence, split_sentences
from .citations import CitationList
from .corpus import Article
from .keyword import sudachi_dictionary
from .leading import passage_at
from .results import Citation
from .retrieval import HybridRetriever
from .roles import ArticleRoles
from .summary import key_points
from .timeline import DateMention, find_dates, reference_of

QUIZ_QUESTIONS = 5  # per article, by default
MAX_PEOPLE = 15  # per article
MAX_QUIZ_CONTEXT = 90  # characters of the sentence shown around a blank
BLANK = "（　）"
EntityKind = Literal["person", "organisation", "name"]
QuizKind = Literal["who", "when", "what"]

_TITLES = ("氏", "さん", "特使", "大統領", "首相", "外相", "長官", "顧問", "議員", "知事",
           "市長", "教授", "博士", "監督", "選手", "代表", "会長", "社長", "書記長", "委員長",
           "大使", "総裁", "国王", "皇帝", "将軍", "主席", "外交官", "補佐官", "報道官", "側近",
           "記者", "天皇", "元帥", "総統", "議長", "司令官", "首席", "次官", "大臣")
_HONORIFICS = ("氏", "さん")
_ORG_SUFFIXES = ("政府", "政権", "大統領府", "陣営", "議会", "省", "庁", "軍", "党", "委員会",
                 "機構", "銀行", "大学", "新聞", "通信", "協会", "連合", "同盟", "財団", "研究所")
_COUNTRY_HEADS = frozenset("米英露中日独仏韓朝伊加豪印")
_KATAKANA = re.compile(r"^[\u30a0-\u30ffー・]+$")
_LATIN_NAME = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_NUMBER_TERM = re.compile(r"[0-9０-９]+(?:[,，.][0-9]+)?[^\s0-9０-９、。,.「」()（）]{1,3}")


@dataclass(frozen=True)
class Person:
    """A person or organisation the article names, with the sentence that introduces it."""

    name: str  # the fullest spelling found (スティーブ・ウィトコフ)
    kind: EntityKind
    title: str  # 特使, 外交顧問, … as first written after the name ("" when none)
    spellings: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True)
class QuizItem:
    """A question, its answer verbatim in the cited sentence, and that citation."""

    question: str
    answer: str
    kind: QuizKind
    citation: Citation


@dataclass(frozen=True)
class TimelineEntry:
    """A dated statement: the date expression `expression` inside the quoted sentence."""

    date: str  # ISO 8601 date, month, year or interval (timeline.DateMention.iso)
    label: str  # the date for a reader, in English ("mid-October 2025")
    label_ja: str  # 2025年10月中旬
    approximate: bool
    expression: str  # the date words as written (10月中旬)
    sort_key: tuple[tuple[int, int, int], tuple[int, int, int]]
    citation: Citation

    @property
    def text(self) -> str:
        return self.citation.quote


@dataclass(frozen=True)
class ArticleGuide:
    id: str
    title: str
    published: str
    language: str
    key_points: tuple[Citation, ...]
    people: tuple[Person, ...]
    quiz: tuple[QuizItem, ...]


@dataclass(frozen=True)
class StudyGuide:
    """The guide of the articles asked for and their common timeline."""

    articles: tuple[ArticleGuide, ...]
    timeline: tuple[TimelineEntry, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `assistant guide --json` (citations as in `ask --json`)."""
        return {
            "articles": [{
                "id": a.id, "title": a.title, "published": a.published,
                "language": a.language,
                "key_points": [asdict(c) for c in a.key_points],
                "people": [{"name": p.name, "kind": p.kind, "title": p.title,
                            "spellings": list(p.spellings), "citation": asdict(p.citation)}
                           for p in a.people],
                "quiz": [{"question": q.question, "answer": q.answer, "kind": q.kind,
                          "citation": asdict(q.citation)} for q in a.quiz],
            } for a in self.articles],
            "timeline": [{"date": t.date, "label": t.label, "label_ja": t.label_ja,
                          "approximate": t.approximate, "expression": t.expression,
                          "text": t.text, "citation": asdict(t.citation)}
                         for t in self.timeline],
        }


# -- reading an article ------------------------------------------------------------------
@dataclass(frozen=True)
class _Word:
    surface: str
    start: int  # in the article body
    end: int
    pos: tuple[str, ...]

    @property
    def noun(self) -> bool:
        return self.pos[0] in ("名詞", "接尾辞", "接頭辞") and self.pos[1] != "数詞"

    @property
    def person_name(self) -> bool:
        return self.pos[1] == "固有名詞" and self.pos[2] == "人名"


def _words(body: str, sentence: Sentence) -> list[_Word]:
    """SudachiPy words (mode C: ウィトコフ特使 stays two words, ドナルド・トランプ one)."""
    from sudachipy import SplitMode

    tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.C)
    text = body[sentence.start : sentence.end]
    return [_Word(m.surface(), sentence.start + m.begin(), sentence.start + m.end(),
                  tuple(m.part_of_speech())) for m in tokenizer.tokenize(text)]


@dataclass(frozen=True)
class _Mention:
    name: str
    key: str  # what spellings of one person share: the family name
    kind: EntityKind
    title: str
    start: int
    end: int
    descriptor: str  # "ロシア大統領府の" before the name, "" when none
    sentence: Sentence


def _name_key(name: str, words: list[_Word]) -> str:
    text = unicodedata.normalize("NFKC", name)
    if "・" in text:
        return text.split("・")[-1]
    family = [w for w in words if w.pos[3:4] == ("姓",)]
    return family[0].surface if family else text


def _trailing(words: list[_Word], i: int, ends: tuple[str, ...]) -> tuple[str, int]:
    """The shortest run of nouns from words[i] that ends with one of `ends` (外交顧問,
    大統領府): (text, end index), or ("", i)."""
    j, text = i, ""
    while j < len(words) and j < i + 4 and words[j].noun and not words[j].person_name:
        text += words[j].surface
        j += 1
        if text.endswith(ends):
            return text, j
    return "", i


def _descriptor(words: list[_Word], i: int) -> str:
    """The "<noun phrase>の" (and a relation such as 側近) right before words[i]."""
    j, relation = i, ""
    while j > 0 and words[j - 1].noun and words[j - 1].surface in _TITLES:
        j -= 1
        relation = words[j].surface + relation
    if j < 2 or words[j - 1].surface != "の":
        return ""
    k = j - 1
    while k > 0 and words[k - 1].noun and words[k - 1].pos[1] != "数詞" and j - 1 - k < 5:
        k -= 1
    head = "".join(w.surface for w in words[k : j - 1])
    return f"{head}の{relation}" if head else ""


def _mentions_in(body: str, sentence: Sentence) -> Iterator[_Mention]:
    """The names of one sentence: 人名 words (joined across ・), katakana words followed by a
    title, and organisations (a proper noun + 政府/政権/…, NATO, クレムリン)."""
    words = _words(body, sentence)
    i = 0
    while i < len(words):
        mention, after = _name_at(body, words, i, sentence)
        if mention is None:
            mention = _organisation(words, i, sentence)
            after = _end_index(words, mention.end) if mention else i + 1
        if mention is not None:
            yield mention
        i = max(after, i + 1)


def _name_run(words: list[_Word], i: int) -> int:
    """The end of the run of name-like words from words[i]: 人名, katakana nouns, ・."""
    j = i
    while j < len(words) and (words[j].person_name or (words[j].surface == "・" and j > i)
                              or (_KATAKANA.match(words[j].surface) and words[j].noun
                              and words[j].pos[2] != "地名")):
        j += 1
    return j - 1 if j > i and words[j - 1].surface == "・" else j


def _in_compound(words: list[_Word], i: int, j: int) -> bool:
    """Is words[i:j] part of a longer noun (トランプ流ディール外交: ディール is no name)?"""
    before = i > 0 and words[i - 1].pos[0] in ("名詞", "接尾辞", "接頭辞")
    after = j < len(words) and words[j].pos[0] == "名詞"
    return bool(before or after)


def _name_at(body: str, words: list[_Word], i: int, sentence: Sentence
             ) -> tuple[_Mention | None, int]:
    """A person (or a name of unknown kind) starting at words[i], and where it ends. A
    name without a title must be 人名 words only, two of them (名越健郎) or one that is not
    a lone surname and not inside a compound noun."""
    j = _name_run(words, i)
    run = words[i:j]
    if not run:
        return None, i + 1
    name = body[run[0].start : run[-1].end]
    title, title_end = _trailing(words, j, _TITLES)
    embedded = next((t for t in _TITLES if len(run) == 1 and name.endswith(t)
                     and len(name) > len(t) + 1), "")
    if embedded:  # トランプ大統領 is one word for SudachiPy
        name, title = name[: -len(embedded)], embedded
    org, org_end = _trailing(words, j, _ORG_SUFFIXES)
    if org and not title:
        return _Mention(name + org, name + org, "organisation", "", run[0].start,
                        words[org_end - 1].end, "", sentence), org_end
    names_only = all(w.person_name or w.surface == "・" for w in run)
    lone = len(run) == 1 and (run[0].pos[3] in ("姓", "名") or _in_compound(words, i, j))
    if not title and (not names_only or lone):
        return None, i + 1
    kind: EntityKind = "person" if title or len(run) > 1 else "name"
    end = run[0].start + len(name)
    return _Mention(name, _name_key(name, run), kind, title, run[0].start, end,
                    _descriptor(words, i), sentence), max(j, title_end)


def _end_index(words: list[_Word], end: int) -> int:
    return next((k for k, w in enumerate(words) if w.start >= end), len(words))


def _organisation(words: list[_Word], i: int, sentence: Sentence) -> _Mention | None:
    word = words[i]
    proper = word.pos[1] == "固有名詞" and word.pos[2] != "人名"
    if proper and word.pos[2] != "地名" and (_LATIN_NAME.match(word.surface)
                                              or _KATAKANA.match(word.surface)):
        return _Mention(word.surface, word.surface, "organisation", "", word.start, word.end,
                        "", sentence)
    if proper or word.surface in _COUNTRY_HEADS:
        org, org_end = _trailing(words, i + 1, _ORG_SUFFIXES)
        if org:
            name = word.surface + org
            return _Mention(name, name, "organisation", "", word.start,
                            words[org_end - 1].end, "", sentence)
    return None


def _reported(article: Article, roles: ArticleRoles) -> list[Sentence]:
    """The article's sentences that report or analyse (no comments, promotion, credits)."""
    return [s for s in split_sentences(article.body)
            if roles.of_span(s.start, s.end) in ("report", "analysis")]


# -- the guide ----------------------------------------------------------------------------
class _Citer:
    """Citations numbered across the whole guide (the same sentence keeps its number)."""

    def __init__(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever
        self.cited = CitationList(lambda a: retriever.articles[a].body)

    def __call__(self, article_id: str, start: int, end: int) -> Citation:
        n = self.cited.cite(passage_at(self.retriever, article_id, start, end), start, end)
        return with_roles([self.cited.citations[n - 1]], self.retriever)[0]


def people_of(article: Article, sentences: list[Sentence], cite: _Citer) -> list[Person]:
    """Each person or organisation once, with its first sentence and fullest spelling."""
    found: dict[str, list[_Mention]] = {}
    for sentence in sentences:
        for mention in _mentions_in(article.body, sentence):
            found.setdefault(mention.key, []).append(mention)
    people = []
    for mentions in list(found.values())[:MAX_PEOPLE]:
        first = mentions[0]
        spellings = tuple(dict.fromkeys(m.name + (m.title if m.title not in _HONORIFICS
                                                   else "") for m in mentions))
        kinds = {m.kind for m in mentions}
        kind: EntityKind = "person" if "person" in kinds else first.kind
        people.append(Person(
            name=max((m.name for m in mentions), key=len), kind=kind,
            title=next((m.title for m in mentions if m.title), ""), spellings=spellings,
            citation=cite(article.id, first.sentence.start, first.sentence.end)))
    return people


def timeline_of(article: Article, sentences: list[Sentence], cite: _Citer
                ) -> list[TimelineEntry]:
    """The article's dated statements (see timeline.py), in article order."""
    body = article.body
    reference = reference_of(article.published, [body[s.start : s.end] for s in sentences])
    entries, previous = [], None
    for sentence in sentences:
        text = body[sentence.start : sentence.end]
        for mention in find_dates(text, reference, previous):
            entries.append(_entry(article, sentence, mention, cite))
            previous = mention.named[0] or previous
    return entries


def _entry(article: Article, sentence: Sentence, mention: DateMention, cite: _Citer
           ) -> TimelineEntry:
    text = article.body[sentence.start : sentence.end]
    return TimelineEntry(mention.iso(), mention.label("en"), mention.label("ja"),
                         mention.approximate, text[mention.start : mention.end],
                         mention.sort_key, cite(article.id, sentence.start, sentence.end))


def build_guide(retriever: HybridRetriever, article_ids: Collection[str] | None = None,
                questions: int = QUIZ_QUESTIONS) -> StudyGuide:
    """The study guide of these articles (all by default), cited from the loaded revision."""
    ids = sorted(retriever.articles) if article_ids is None else list(article_ids)
    cite = _Citer(retriever)
    guides, timeline = [], []
    for article_id in ids:
        article = retriever.articles[article_id]
        roles = retriever.roles(article_id)
        sentences = _reported(article, roles)
        points = tuple(cite(article_id, p.start, p.end) for p in key_points(article, roles))
        japanese = article.language == "ja"  # names and quiz frames are Japanese rules
        people = people_of(article, sentences, cite) if japanese else []
        entries = timeline_of(article, sentences, cite)
        quiz = quiz_of(article, sentences, points, entries, cite, questions) if japanese else []
        guides.append(ArticleGuide(article.id, article.title, article.published,
                                   article.language, points, tuple(people), tuple(quiz)))
        timeline += entries
    timeline.sort(key=lambda e: (e.sort_key, e.citation.article_id, e.citation.start))
    return StudyGuide(tuple(guides), tuple(timeline))


# -- the quiz -----------------------------------------------------------------------------
def _blanked(sentence: str, start: int, end: int) -> str:
    """The sentence with sentence[start:end] blanked, cut to about MAX_QUIZ_CONTEXT
    characters around the blank at clause boundaries (、。)."""
    before, after = sentence[:start], sentence[end:]
    room = max(0, MAX_QUIZ_CONTEXT - (end - start))
    if len(before) + len(after) > room:
        keep = room // 2
        if len(before) > keep:
            cut = before.find("、", len(before) - keep)
            before = before[cut + 1 :] if cut >= 0 else before[-keep:]
        if len(after) > room - len(before):
            limit = max(room - len(before), 10)
            cut = after.rfind("、", 0, limit)
            after = after[:cut] if cut > 0 else after[:limit]
    return f"{before}{BLANK}{after}".strip().rstrip("。")


def _fill_in(sentence: str, start: int, end: int, kind: QuizKind) -> str:
    ask = {"who": "に入る人物は誰ですか？", "when": "に入る日付・時期はいつですか？",
           "what": "に入る言葉は何ですか？"}[kind]
    return f"「{_blanked(sentence, start, end)}」の{BLANK}{ask}"


@dataclass(frozen=True)
class _Candidate:
    question: str
    answer: str
    kind: QuizKind
    sentence: Sentence


def _who_candidates(article: Article, sentences: list[Sentence]) -> list[_Candidate]:
    """「<descriptor><title>は誰ですか？」 for names introduced with one, else the name
    blanked out; one per person, first mention."""
    found, seen = [], set()
    for sentence in sentences:
        text = article.body[sentence.start : sentence.end]
        for m in _mentions_in(article.body, sentence):
            if m.kind != "person" or m.key in seen or text.count(m.name) != 1:
                continue
            seen.add(m.key)
            title = m.title if m.title not in _HONORIFICS else ""
            if m.descriptor and (title or not m.descriptor.endswith("の")):
                question = f"{m.descriptor}{title}は誰ですか？"
            else:
                offset = m.start - sentence.start
                question = _fill_in(text, offset, offset + len(m.name), "who")
            found.append(_Candidate(question, m.name, "who", sentence))
    return sorted(found, key=lambda c: c.question.startswith("「"))


def _when_candidates(article: Article, entries: list[TimelineEntry],
                     sentences: list[Sentence]) -> list[_Candidate]:
    by_start = {s.start: s for s in sentences}
    found = []
    for entry in entries:
        text = entry.citation.quote
        if text.count(entry.expression) != 1:
            continue
        offset = text.index(entry.expression)
        found.append(_Candidate(_fill_in(text, offset, offset + len(entry.expression), "when"),
                                entry.expression, "when", by_start[entry.citation.start]))
    return found


def _what_candidates(article: Article, points: tuple[Citation, ...],
                     sentences: list[Sentence]) -> list[_Candidate]:
    """A number with its counter (28項目) or a proper noun of a key point, blanked out."""
    by_start = {s.start: s for s in sentences}
    found = []
    for point in points:
        sentence = by_start.get(point.start)
        if sentence is None:
            continue
        words = _words(article.body, sentence)
        numbers = [(m.start(), m.group(0)) for m in _NUMBER_TERM.finditer(point.quote)]
        proper = [(w.start - point.start, w.surface) for w in words
                  if w.pos[1] == "固有名詞" and not w.person_name and len(w.surface) >= 2]
        for offset, term in numbers + proper:
            if point.quote.count(term) == 1:
                found.append(_Candidate(_fill_in(point.quote, offset, offset + len(term),
                                                 "what"), term, "what", sentence))
                break
    return found


def quiz_of(article: Article, sentences: list[Sentence], points: tuple[Citation, ...],
            entries: list[TimelineEntry], cite: _Citer, limit: int) -> list[QuizItem]:
    """Up to `limit` questions, taking who / when / what in turn, one per sentence."""
    pools = [_who_candidates(article, sentences), _when_candidates(article, entries, sentences),
             _what_candidates(article, points, sentences)]
    chosen: list[_Candidate] = []
    used: set[int] = set()
    while len(chosen) < limit and any(pools):
        for pool in pools:
            while pool and pool[0].sentence.start in used:
                pool.pop(0)
            if pool and len(chosen) < limit:
                candidate = pool.pop(0)
                used.add(candidate.sentence.start)
                chosen.append(candidate)
    return [QuizItem(c.question, c.answer, c.kind,
                     cite(article.id, c.sentence.start, c.sentence.end)) for c in chosen]
