"""Key points of an article: the reported facts first, then its own analysis, each an exact
sentence of the article.

One sentence per section, in article order: the section's first sentence that says
something (not a list announcement such as 「以下のような課題が指摘されています。」 or
「次のような内容が含まれていたとされます。」, not a question, not a one-word line; a list
item only when the section is nothing but a list), two for a reported section of three
sentences or more. Sections whose role (roles.py) is `report` come first, then
`analysis` ones; comment threads, promotion and credit lines are never key points. A news
lead states the section's point first, so its first sentence is the best single pick
without a model that could rank sentences by importance.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .chunking import Sentence, split_sentences
from .corpus import Article
from .reader_rules import stops_mid_sentence
from .roles import ArticleRoles, Role, article_roles, headings

MAX_POINTS = 8  # per article: a summary a reader takes in at a glance
LONG_SECTION = 3  # sentences (not list items): a reported section this long gives two
MIN_POINT_CHARS = 12
LEAD_REACH = 3  # the article's first reported sentences its lead is looked for among
MIN_SHARED = 2  # character pairs of the headline a lead has (a word of two characters)
# a title's headline ends where its subtitle starts: 「…進展と障壁――トランプ元大統領側近…」
_SUBTITLE = re.compile(r"――|—|──|[:：]|\s[-|｜]\s")
_ANNOUNCES = re.compile(r"(?:次の|以下の|下記の|このような).{0,30}[。：:]$|[：:]$|following:?$")
_QUESTION = re.compile(r"[？?]$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•・●◆■□▪]|\d{1,3}[.)、])")
# A section in which the author sums up the article: its points lead a summary
_OWN_SUMMARY = re.compile(r"要点|要旨|まとめ|総括|概要|ポイント|summary|key points|takeaways|"
                          r"tl;?dr|in brief|at a glance", re.I)
OWN_SUMMARY_ITEMS = 6  # at most, of the author's list of points
# a part of the page named as such: 「考察・分析のところ」「ニュースの部分」 "the analysis section"
_NAMES_A_PART = re.compile(r"ところ|部分|セクション|章|節|パート|段落|見出し|"
                           r"\b(?:section|part|chapter|heading)s?\b", re.I)
_ASKS_CONCLUSION = re.compile(r"結論|締めくくり|締め括り|結び|\bconclu|\bwrap-?up\b|"
                              r"\bbottom line\b", re.I)
_CLOSING = re.compile(r"総括|まとめ|結論|おわりに|終わりに|結び|むすび|最後に|summary|conclusion|"
                      r"wrap|takeaways|bottom line", re.I)
ONE_SECTION_POINTS = 3  # of a named section that has no subsections
_HEADING_PARTS = re.compile(r"[・、,/／\s]+")


@dataclass(frozen=True)
class KeyPoint:
    """One key point: an exact sentence of an article, its section and role."""

    article_id: str
    start: int
    end: int
    section: str
    role: Role


def _says_something(body: str, sentence: Sentence) -> bool:
    text = body[sentence.start : sentence.end].strip()
    return (len(text) >= MIN_POINT_CHARS and not _ANNOUNCES.search(text)
            and not _QUESTION.search(text) and not stops_mid_sentence(text))


def is_list_item(body: str, start: int, end: int) -> bool:
    """Is the sentence body[start:end] an item of a list (its line starts with a marker)?"""
    line_start = body.rfind("\n", 0, start) + 1
    return bool(_LIST_ITEM.match(body[line_start:end]))


def leads_list(body: str, end: int) -> bool:
    """Does a list start on the line after the sentence ending at `end` (the sentence ends
    its line)? Then it introduces the list, as 「次のような…：」 does, without saying so."""
    line_end = body.find("\n", end)
    if line_end < 0 or body[end:line_end].strip():
        return False
    rest = body[line_end:].lstrip("\n")
    return bool(_LIST_ITEM.match(rest[: rest.find("\n") if "\n" in rest else len(rest)]))


def _sections(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Consecutive sentences of one section, in article order."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        if groups and groups[-1][0].section == sentence.section:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def _section_points(article: Article, group: list[Sentence], roles: ArticleRoles
                    ) -> list[KeyPoint]:
    """A section's candidate points, best first (prose before list items)."""
    picks = [s for s in group if _says_something(article.body, s)
             and roles.of_span(s.start, s.end) in ("report", "analysis")]
    prose = [s for s in picks if not is_list_item(article.body, s.start, s.end)]
    chosen = (prose or picks)[:2 if len(prose) >= LONG_SECTION else 1]
    return [_point(article, s, roles) for s in chosen]


def _point(article: Article, sentence: Sentence, roles: ArticleRoles) -> KeyPoint:
    return KeyPoint(article.id, sentence.start, sentence.end, sentence.section,
                    roles.of_span(sentence.start, sentence.end))


def key_points(article: Article, roles: ArticleRoles | None = None,
               limit: int = MAX_POINTS) -> list[KeyPoint]:
    """The article's key points (see above): the author's own summary (_own_summary_points),
    one per reported section, a second one of long reported sections, then one per
    analysis section, as many as `limit` allows; reported facts shown first, and within
    each role the author's own points first."""
    roles = roles or article_roles(article.body)
    sentences = split_sentences(article.body)
    sections = _sections(sentences)
    lead = _lead(article, sentences, roles)
    own = [p for group in sections for p in _own_summary_points(article, group, roles)]
    own = [p for p in own if p != lead][: limit - (lead is not None)]
    per_section = [_section_points(article, group, roles) for group in sections
                   if not any(p.section == group[0].section for p in own)]
    firsts = [points[0] for points in per_section if points]
    seconds = [points[1] for points in per_section if len(points) > 1
               and points[1].role == "report"]
    ordered = [p for p in ([p for p in firsts if p.role == "report"] + seconds
                           + [p for p in firsts if p.role != "report"]) if p != lead]
    chosen = ([lead] if lead else []) + own
    chosen += ordered[: limit - len(chosen)]
    return sorted(chosen, key=lambda p: (p != lead, p.role != "report", p not in own, p.start))


def _lead(article: Article, sentences: list[Sentence], roles: ArticleRoles) -> KeyPoint | None:
    """The article's lead: of its first `LEAD_REACH` reported sentences that say something
    (no list items), the one sharing most of the headline's words (the title before its
    subtitle), then of the whole title's — the headline's sentence
    (「…会談の進展をアピールする一方で、…「重大な障壁」が…」 under 「…進展と障壁…」), not a
    scene-setter before it (「ウクライナ情勢は世界中から注目を集めており…」). None when no
    such sentence has a word of the headline."""
    headline = _bigrams(_SUBTITLE.split(article.title)[0])
    title = _bigrams(article.title)
    firsts = [s for s in sentences if _says_something(article.body, s)
              and not is_list_item(article.body, s.start, s.end)
              and roles.of_span(s.start, s.end) == "report"][:LEAD_REACH]
    if not title or not firsts:
        return None

    def shared(sentence: Sentence) -> tuple[int, int, int]:
        words = _bigrams(article.body[sentence.start : sentence.end])
        return len(headline & words), len(title & words), -sentence.start
    best = max(firsts, key=shared)
    return _point(article, best, roles) if shared(best)[0] >= MIN_SHARED else None


def _bigrams(text: str) -> set[str]:
    """The character pairs of a text's words (no punctuation or spaces)."""
    words = re.sub(r"[^\w]+", " ", text).split()
    return {w[i : i + 2] for w in words for i in range(len(w) - 1)}


def _own_summary_points(article: Article, group: list[Sentence], roles: ArticleRoles
                        ) -> list[KeyPoint]:
    """The points of a section in which the author sums up (要点, まとめ, Key points): its
    list whole (up to OWN_SUMMARY_ITEMS), else its first sentence that says something. A
    reader asking for a summary expects the article's own before any pick of ours."""
    if not _OWN_SUMMARY.search(group[0].section):
        return []
    picks = [s for s in group if _says_something(article.body, s)
             and roles.of_span(s.start, s.end) in ("report", "analysis")]
    items = [s for s in picks if is_list_item(article.body, s.start, s.end)]
    chosen = items[:OWN_SUMMARY_ITEMS] if len(items) >= 2 else picks[:1]
    return [_point(article, s, roles) for s in chosen]


def topic_points(article: Article, offsets: list[int], roles: ArticleRoles | None = None,
                 limit: int = 4) -> list[KeyPoint]:
    """The key points of the sections holding `offsets` (where the best passages about a
    topic start), those sections in the order given: 「要するにどういうこと？」 after a
    question about one matter sums up that matter, not the whole article; a list the
    section announces gives its points first (「28項目案の要点は？」: the plan's items)."""
    roles = roles or article_roles(article.body)
    sections = _sections(split_sentences(article.body))
    chosen: list[KeyPoint] = []
    for offset in offsets:
        group = next((g for g in sections if g[0].start <= offset <= g[-1].end), None)
        if group is None or any(p.section == group[0].section for p in chosen):
            continue
        chosen += _announced_items(article, group, roles) + _section_points(article, group,
                                                                             roles)
    return chosen[:limit]


def named_section(article: Article, question: str, words: Collection[str] = ()
                  ) -> tuple[int, int] | None:
    """The span of the section (with its subsections) whose heading the question names as a
    part of the page: 「考察・分析のところをまとめて」, or "the analysis section" when one of
    `words` (an English question's Japanese terms: 分析) is a word of the heading. None when
    the question names no part of the page or no heading of this article."""
    if not _NAMES_A_PART.search(question):
        return None
    marks = headings(article.body)
    for i, mark in enumerate(marks):
        title = article.body[mark.start : mark.end]
        parts = [title, *(p for p in _HEADING_PARTS.split(title) if len(p) >= 2)]
        if any(p in words or re.search(re.escape(p) + rf"の?(?:{_NAMES_A_PART.pattern})", question)
               for p in parts):
            end = next((m.start for m in marks[i + 1 :] if m.level <= mark.level),
                       len(article.body))
            return mark.end, end
    return None


def asks_conclusion(question: str) -> bool:
    """Whether a summary request asks for the article's conclusion (「結論をまとめて」 "sum up
    the conclusion"), which its closing section states."""
    return bool(_ASKS_CONCLUSION.search(question))


def closing_section(article: Article, roles: ArticleRoles | None = None
                    ) -> tuple[int, int] | None:
    """The span of the article's closing section: its last reported or analysis section
    named as a summing-up (総括, まとめ, 結論, Conclusion), else its last reported or analysis
    section; None without headings."""
    roles = roles or article_roles(article.body)
    marks = [m for m in headings(article.body)
             if roles.at(min(m.end + 1, len(article.body) - 1)) in ("report", "analysis")]
    if not marks:
        return None
    named = [m for m in marks if _CLOSING.search(article.body[m.start : m.end])]
    last = (named or marks)[-1]
    later = [m.start for m in headings(article.body) if m.start > last.start
             and m.level <= last.level]
    return last.end, later[0] if later else len(article.body)


def section_points(article: Article, span: tuple[int, int], roles: ArticleRoles | None = None
                   ) -> list[KeyPoint]:
    """The key points of one section and its subsections: the author's own summary among
    them (a 総括 with its list) when there is one, else each subsection's first point in
    order, at most MAX_POINTS."""
    roles = roles or article_roles(article.body)
    sentences = [s for s in split_sentences(article.body) if span[0] <= s.start < span[1]]
    groups = _sections(sentences)
    for group in groups:
        own = _own_summary_points(article, group, roles)
        if own:  # with the sentence that leads into its list (「…重要な現実を示しています。」)
            lead = [s for s in group if s.start < own[0].start and _says_something(
                article.body, s) and not is_list_item(article.body, s.start, s.end)][:1]
            return [*(_point(article, s, roles) for s in lead), *own][:MAX_POINTS]
    if len(groups) == 1:  # one section without subsections: its first few sentences
        picks = [s for s in groups[0] if _says_something(article.body, s)
                 and roles.of_span(s.start, s.end) in ("report", "analysis")]
        return [_point(article, s, roles) for s in picks[:ONE_SECTION_POINTS]]
    points = [_section_points(article, group, roles)[:1] for group in groups]
    return [p for first in points for p in first][:MAX_POINTS]


def _announced_items(article: Article, group: list[Sentence], roles: ArticleRoles
                     ) -> list[KeyPoint]:
    """The items of a list a section announces (「28項目案には次のような内容が含まれていた
    とされます。」 and its three lines): the points of that matter, before the prose."""
    body = article.body
    announced = any(_ANNOUNCES.search(body[s.start : s.end].strip()) for s in group)
    items = [s for s in group if is_list_item(body, s.start, s.end)
             and roles.of_span(s.start, s.end) in ("report", "analysis")]
    if not announced or len(items) < 2:
        return []
    return [_point(article, s, roles) for s in items[:OWN_SUMMARY_ITEMS]]


def analysis_points(article: Article, roles: ArticleRoles | None = None,
                    limit: int = 3) -> list[KeyPoint]:
    """The article's own analysis, in article order (for "what do you think?")."""
    roles = roles or article_roles(article.body)
    return [p for p in key_points(article, roles, limit=100) if p.role == "analysis"][:limit]
