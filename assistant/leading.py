"""Which of the ranked sentences leads the answer: corrections made after the ranking
(sentences.py, english_reader.py), for what a news page does that JSQuAD's paragraphs don't.

- `at_asked_position` (before the ranking): a question that points at a part of the article
  (記事の締めくくり, 記事の冒頭, "the wrap-up", "at the end") is answered from that part first.
- `list_first`: asked for a list, a list among the best `LIST_REACH` sentences comes before
  a sentence that only says there are some.
- `list_of_kind_first`: asked for a list of a kind of thing, a list whose heading or
  lead-in names that kind.
- `dated_topic_first`: asked when, a first sentence holding a date but none of the
  question's words gives way to a retrieved sentence holding both.
- `introduction_first`: asked who someone is, the sentence introducing them with a title.
- `contents_first`: asked what something held, the sentence with it as topic saying so.
- `held_item_first`: asked what something holds about a matter, the item of the list it
  holds that names the matter.
- `basis_first`: asked what something is based on, a sentence naming a basis.
- `place_done_first`: asked where something was done, a sentence doing something there.
- `regions_first`: asked which regions, a sentence naming several as regions.
- `labelled_item_first`: a list item labelled by party, the item of the party asked about.
- `counted_first`: asked a count in a unit, a sentence giving one.
- `since_first`: asked since when, a sentence dating a start (「2014年以降」) comes first.
- `event_date_first`: asked when something happened, a news lead dated only by its report
  gives way to the next sentence that dates the event.
- `said_by_first`: asked what someone said, the sentence in which they speak leads.
- `thread_order_first`: asked what the comments say, with nothing in the question to look
  for in them, the thread's first comments lead, in its order.
- `asked_party_first`: a first sentence about another party (「ロシアは…」) than the one
  the question asks about (「ウクライナの人たちはなんで…」) gives way to a runner-up that
  names the one asked about.
- `reason_first`, `cause_first`: asked why, a first sentence that gives no reason gives way
  to the reason that follows it closely, or to the sentence before it when it only says what
  came of that one (「この動きは…」「このため…」).
- `antecedent_first`: a sentence opening on what the one before said (「この動きは」) gives
  way to that one when it has more of the question's terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from .english_reader import continues
from .focus import (
    DURATION,
    MONEY,
    asked_unit,
    counts_in,
    is_party,
    missing_focus,
    normalise,
    question_focus,
    subject_parties,
)
from .keyword import named_things, names_a_region
from .reader_rules import (
    ASKS_WHERE_DONE,
    asked_kind,
    asks_about_report,
    dates_more_than_the_report,
    done_at_a_place,
    holds_kind,
    speaks,
)
from .results import Passage
from .retrieval import HybridRetriever
from .roles import NOT_REPORTING, Role, headings
from .sentences import Candidate, announces_list
from .summary import is_list_item, leads_list

if TYPE_CHECKING:
    from .crosslingual import Expansion

# where in the article a question points: its end (the wrap-up) or its beginning
_ASKS_END = re.compile(r"締めくくり|締め括り|記事の(?:最後|末尾|終わり|結び)|"
                       r"最後の(?:段落|部分|章|節|セクション|方)|最後に(?:挙げ|書|述べ|紹介|まとめ)|"
                       r"\b(?:at|in|near) the end\b|\bconclu|\bwrap-?up\b|\bclosing\b|"
                       r"\b(?:final|last) (?:section|part|paragraph)", re.I)
_ASKS_START = re.compile(r"記事の(?:冒頭|書き出し|最初|初め)|冒頭で|"
                         r"最初の(?:段落|部分|章|節|セクション)|"
                         r"\b(?:at|in) the (?:start|beginning)\b|\bopening\b|"
                         r"\bfirst (?:section|part|paragraph)", re.I)
PART_SENTENCES = 20  # at most, of the part a question points at, when no passage is there
LIST_REACH = 3  # asked for a list, one this high among the best sentences comes first
LIST_SPAN = 16  # sentences looked past for the end of a list (answer.LIST_ITEMS + 1)
REASON_REACH = 3  # asked why, a reason this high, and this close after the first, leads
_ASKS_A_LIST = re.compile(r"挙げ|一覧|並べ|列挙|箇条書き|全部|すべて|全て|\blist\b|"
                          r"何が(?:ある|あり)|(?:どんな|どういう|どのような)(?:の|もの)が(?:ある|あり)|"
                          r"\bwhat are the\b|\bwhich are the\b|\bname (?:the|all|every)\b|"
                          r"\bmain points\b", re.I)
_HEADING_LINE = re.compile(r"(?:^|\n)#{1,6}\s")
# a sentence whose topic is what the one before said: 「この動きは」「こうした要素も」 (not
# 「その後、」「そのため」, which only link it to the one before)
_ON_WHAT_CAME_BEFORE = re.compile(r"^\s*(?:この|その|こうした|そうした|こういった)"
                                  r"[^、。はもがをにで]{1,8}(?:は|も)[、]?")

# says there is a reason (or background) without saying it: 「…以上の理由があると考えられます」
_ANNOUNCES_REASON = re.compile(r"(?:理由|要因|原因|背景|わけ)(?:が|も)(?:ある|あり|存在)")
# a sentence that says what came of the one before: 「このため…」「その結果…」「これにより…」
_RESULT_OF_WHAT_CAME_BEFORE = re.compile(
    r"^\s*(?:(?:この|その)(?:ため|結果)|これ(?:により|によって|を受け)|こうした(?:ことから|中で|状況))[、]?")


def asks_a_list(question: str) -> bool:
    """Whether the question asks for a list outright (挙げて, 一覧, "list", "what are the…"),
    not the milder どんなこと of reader_rules.ASKS_ITEMS, which one sentence may answer."""
    return bool(_ASKS_A_LIST.search(question))


def list_first(question: str, query: str, chosen: list[Candidate], passages: list[Passage],
               retriever: HybridRetriever, expansion: Expansion | None) -> list[Candidate]:
    """Asked for a list (挙げて, 一覧, "list", "what are the…"; not the milder どんなこと of
    ASKS_ITEMS, which one sentence may answer), a list among the best
    `LIST_REACH` sentences (an item, or the sentence that leads into the list) answers
    better than a sentence above it that only says there are some (「和平実現には依然として
    大きな障害がある」): that one first, and fitted_length quotes its list whole; else a
    retrieved passage's sentence announcing a list of what the question names."""
    if not asks_a_list(question) or on_a_list(chosen[0], retriever):
        return chosen
    listed = next((c for c in chosen[1:LIST_REACH] if on_a_list(c, retriever)), None)
    if listed is not None:
        return [listed, *[c for c in chosen if c is not listed]]
    announced = _announced_list(question, query, passages, retriever, expansion) \
        if _WANTS_THE_LIST.search(question) else None
    return chosen if announced is None else _led_by_span(*announced, chosen, passages,
                                                         retriever)


# asked for the list itself (「挙げて」「何があるの？」 "list…"), not 「…の一覧を保持しており」
# or 「並べたものを何という」, which only mention one (JSQuAD)
_WANTS_THE_LIST = re.compile(r"(?:挙げ|並べ|列挙し|一覧にし|箇条書きにし)て|全部|すべて|全て|"
                             r"何が(?:ある|あり)|(?:どんな|どういう|どのような)(?:の|もの)が(?:ある|あり)|"
                             r"\blist\b|\bwhat are the\b|\bwhich are the\b|"
                             r"\bname (?:the|all|every)\b|\bmain points\b", re.I)


def list_of_kind_first(question: str, chosen: list[Candidate], passages: list[Passage],
                       retriever: HybridRetriever, expansion: Expansion | None
                       ) -> list[Candidate]:
    """Asked for a list of a kind of thing ("What are the main obstacles to a peace
    settlement…?", 「障壁を全部挙げて」), a first list whose heading and lead-in don't name
    that kind (「誰が何を目指すのか――和平の論点を整理」's items, found through "peace" and
    「阻止」) gives way to a retrieved list whose heading or lead-in does (「重大な障害と今後の
    見通し」, 「…「障壁」とは何か、主に以下のような課題が…」): its lead-in, or its first item."""
    kind = _asked_list_kind(question, expansion)
    if not kind or not chosen or not asks_a_list(question):
        return chosen

    def titled(article_id: str, start: int, end: int, section: str) -> bool:
        _, lead_in = list_head(retriever, article_id, start)
        title = section + (_text_at(retriever, article_id, *lead_in) if lead_in else "")
        if announces_list(_text_at(retriever, article_id, start, end)):
            title += _text_at(retriever, article_id, start, end)
        return any(form in normalise(title) for form in kind)

    first = chosen[0]
    if on_a_list(first, retriever) and titled(first.article_id, first.start, first.end,
                                              first.passage.section):
        return chosen
    for passage in passages:
        for start, end in passage.sentences:
            listed = Candidate(passage.article_id, start, end, passage, first.rank)
            if on_a_list(listed, retriever) and titled(passage.article_id, start, end,
                                                       passage.section):
                head, lead_in = list_head(retriever, passage.article_id, start)
                span = lead_in if lead_in is not None and announces_list(
                    _text_at(retriever, passage.article_id, *lead_in)) \
                    else (head, end_of_sentence(retriever, passage.article_id, head))
                return _led_by_span(passage.article_id, span, chosen, passages, retriever)
    return chosen


def end_of_sentence(retriever: HybridRetriever, article_id: str, start: int) -> int:
    """Where the article sentence starting at `start` ends."""
    following = retriever.following_sentences(article_id, start, 1)
    return following[0].sentences[0][1] if following else start


_LIST_KIND_EN = re.compile(r"\b(?:what|which) (?:are|were) (?:the |some of the )?"
                           r"(?:main |key |biggest |major |chief )?([a-z]+)|"
                           r"\blist (?:all |the )+(?:main |key |biggest |major |chief )?([a-z]+)",
                           re.I)
_LIST_KIND_JA = re.compile(r"([一-龥ァ-ヶー]{2,8})(?:って|は|には|を)"
                           r"(?:具体的に|主に|全部|すべて|全て)?(?:何が(?:ある|あり)|挙げ|並べ|列挙)")


def _asked_list_kind(question: str, expansion: Expansion | None) -> list[str]:
    """The kind of thing a list is asked of, in the articles' words (obstacles → 障害, 障壁)."""
    if expansion is not None:
        asked = _LIST_KIND_EN.search(question)
        if asked is None:
            return []
        word = (asked.group(1) or asked.group(2)).lower()
        return [t.text for t in expansion.terms if t.source.lower() == word and t.weight >= 0.5]
    asked = _LIST_KIND_JA.search(question)
    return [normalise(asked.group(1))] if asked is not None else []


def _announced_list(question: str, query: str, passages: list[Passage],
                    retriever: HybridRetriever, expansion: Expansion | None
                    ) -> tuple[str, tuple[int, int]] | None:
    """A sentence of a retrieved passage (beyond the few the candidates come from) that
    announces a list and has the question's words (「今回明らかになった「障壁」とは何か、
    主に以下のような課題が指摘されています。」 for 「和平を邪魔してる障壁って何があるの？」)."""
    terms_of = question_terms(query, expansion)
    for passage in passages:
        body = retriever.articles[passage.article_id].body
        for start, end in passage.sentences:
            if announces_list(body[start:end]) and terms_of(body[start:end]):
                return passage.article_id, (start, end)
    return None


def on_a_list(candidate: Candidate, retriever: HybridRetriever) -> bool:
    """Whether the sentence is a list item, or announces or leads into a list."""
    body = retriever.articles[candidate.article_id].body
    return (is_list_item(body, candidate.start, candidate.end)
            or announces_list(body[candidate.start : candidate.end])
            or leads_list(body, candidate.end))


def antecedent_first(question: str, chosen: list[Candidate], passages: list[Passage],
                     retriever: HybridRetriever, expansion: Expansion | None
                     ) -> list[Candidate]:
    """A first sentence that opens on what the one before it said (「この動きは、NATOの結束
    に…」) matches a question through その/この words; when the sentence before has more of
    the question's terms, among them one the first lacks, it says what was asked about
    (「英仏など主要国も…平和維持案を模索しています。」 for 「イギリスやフランスはどんな動き
    を見せてる？」): that one first. Not for a question that asks for one kind of thing
    (a date, a person…): a sentence going on with the date is what "when?" wants."""
    if not chosen or asked_kind(question) is not None:
        return chosen
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    if not _ON_WHAT_CAME_BEFORE.match(body[first.start : first.end]):
        return chosen
    before = _prose_before(first, retriever)
    if before is None:
        return chosen  # a list item, a heading or another section: no antecedent
    terms_of = question_terms(question, expansion)
    mine, theirs = terms_of(body[first.start : first.end]), terms_of(body[before[0] : before[1]])
    if len(theirs) <= len(mine) or not theirs - mine:
        return chosen
    return _led_by(before, chosen, passages, retriever)


def _prose_before(first: Candidate, retriever: HybridRetriever) -> tuple[int, int] | None:
    """The span of the sentence before `first` in its section, None when there is none or
    it is a list item (its lead-in is elsewhere)."""
    body = retriever.articles[first.article_id].body
    before, _ = retriever.neighbour_sentences(first.article_id, first.start, first.end)
    if before is None or is_list_item(body, *before) \
            or _HEADING_LINE.search(body, before[0] - 1 if before[0] else 0, first.start):
        return None
    return before


def _led_by(span: tuple[int, int], chosen: list[Candidate], passages: list[Passage],
            retriever: HybridRetriever) -> list[Candidate]:
    """`chosen` led by the sentence at `span` of the first one's article (a runner-up
    moved up, or that sentence as a new candidate)."""
    return _led_by_span(chosen[0].article_id, span, chosen, passages, retriever)


def _led_by_span(article_id: str, span: tuple[int, int], chosen: list[Candidate],
                 passages: list[Passage], retriever: HybridRetriever) -> list[Candidate]:
    """`chosen` led by the sentence at `span` of an article (a runner-up moved up, or that
    sentence as a new candidate)."""
    lead = next((c for c in chosen if c.article_id == article_id
                 and c.start == span[0]), None) or Candidate(
        article_id, *span, holder(passage_at(retriever, article_id, *span), passages),
        chosen[0].rank)
    return [lead, *[c for c in chosen if c is not lead]]


def question_terms(question: str, expansion: Expansion | None
                    ) -> Callable[[str], frozenset[str]]:
    """The question's terms a text has: its focus (focus.py) for a Japanese question, the
    English words its Japanese terms cover for an English one."""
    if expansion is not None:
        return lambda text: frozenset(expansion.covered(text))
    focus = question_focus(question)

    def held(text: str) -> frozenset[str]:
        absent = missing_focus(focus, [normalise(text)])
        return frozenset(t.text for t in focus if t not in absent)
    return held


def event_date_first(question: str, chosen: list[Candidate], passages: list[Passage],
                     retriever: HybridRetriever) -> list[Candidate]:
    """Asked when something happened, a news lead dated only by its report
    (「ブルームバーグは11月25日、…通話録音が流出したと報じた。」) is not the answer; the
    sentence after it that goes on about it with a date of its own is (「通話は10月中旬に
    行われ…」): that one first, the lead after it."""
    if not chosen or asked_kind(question) != "date" or asks_about_report(question):
        return chosen
    lead = chosen[0]
    body = retriever.articles[lead.article_id].body
    text = body[lead.start : lead.end]
    if not holds_kind("date", text) or dates_more_than_the_report(text):
        return chosen
    following = retriever.following_sentences(lead.article_id, lead.end, 1)
    if not following:
        return chosen
    start, end = following[0].sentences[0]
    if not (continues(text, body[start:end]) and dates_more_than_the_report(body[start:end])):
        return chosen
    event = next((c for c in chosen if c.article_id == lead.article_id and c.start == start),
                 Candidate(lead.article_id, start, end, holder(following[0], passages),
                           lead.rank))
    return [event, lead, *[c for c in chosen[1:] if c is not event]]


def dated_topic_first(question: str, query: str, chosen: list[Candidate],
                      passages: list[Passage], retriever: HybridRetriever,
                      expansion: Expansion | None) -> list[Candidate]:
    """Asked when, a first sentence that holds a date but none of the question's words
    answers something else (「2025年秋、米国は…供与を突然停止しました。」 for 「ロシアの高官
    との電話っていつ頃あったの？」) — unless the sentence before it has them: it goes on about
    them. The retrieved sentence holding both (as precise a date as asked), with most of the
    question's words, leads instead (「通話は10月中旬に行われ…」). The words are the searched
    query's, so a reader's word the articles say otherwise counts in their form (電話 →
    通話). Only for dates: for a person or a place the ranking's choice without the
    question's words was right as often (JSQuAD: 「首都はロゾー。」 for
    「ドミニカ国の首都は？」)."""
    if not chosen or asked_kind(question) != "date":
        return chosen
    terms_of = question_terms(query, expansion)
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    before = _prose_before(first, retriever)
    if terms_of(body[first.start : first.end]) or (
            before is not None and terms_of(body[before[0] : before[1]])):
        return chosen  # on the question's topic, or going on about it from the sentence before
    report_dates = asks_about_report(question)

    def dated_topic(sentences: Iterable[tuple[str, tuple[int, int]]]
                    ) -> tuple[str, tuple[int, int]] | None:
        best: tuple[int, str, tuple[int, int]] | None = None
        for article_id, (start, end) in sentences:
            text = _text_at(retriever, article_id, start, end)
            held = len(terms_of(text))
            if held and (best is None or held > best[0]) and holds_kind(
                    "date", text, report_dates=report_dates) and not (
                    _ASKS_DAY.search(question) and not _DAY.search(text)):
                best = (held, article_id, (start, end))
        return None if best is None else (best[1], best[2])

    # of the retrieved sentences, else of the retrieved articles' reported ones (「その電話
    # って実際にはいつ頃かけられたもの？」 retrieves the Tomahawk section, not 「通話は…」)
    found = dated_topic((p.article_id, span) for p in passages for span in p.sentences) \
        or dated_topic(_reported_sentences([p.article_id for p in passages], retriever))
    return chosen if found is None else _led_by_span(*found, chosen, passages, retriever)


def since_first(question: str, chosen: list[Candidate], retriever: HybridRetriever
                ) -> list[Candidate]:
    """Asked since when (「いつ頃から」「何年から」 "since when"), a first sentence dated without
    a start (「背景には、1994年のブダペスト覚書があります。」) gives way to one of the best
    `SINCE_REACH` that dates a start (「2014年以降のロシアの行動によって…形骸化しました。」)."""
    if len(chosen) < 2 or not _ASKS_SINCE.search(question):
        return chosen

    return _promoted(chosen, lambda c: bool(_DATED_START.search(_text(c, retriever))),
                     SINCE_REACH)


def introduction_first(question: str, chosen: list[Candidate], passages: list[Passage],
                       retriever: HybridRetriever, expansion: Expansion | None
                       ) -> list[Candidate]:
    """Asked who someone named is (「ウシャコフって何者？」 "who is Steve Witkoff exactly?",
    "what's Witkoff's title?"), the sentence that introduces them with a title (「米政府の
    スティーブ・ウィトコフ特使と…」, 「トランプ元大統領の側近ウィトコフ氏が…」) answers,
    not one that only goes on about them (「…ウィトコフ特使が対ロシア交渉の中心に立った背景
    には…」): the first such sentence (not a comment, an advert or a credit) of the best
    passage's article leads, else of the other retrieved articles."""
    names = _asked_identity(question, expansion)
    if not chosen or not names:
        return chosen

    def introduces(article_id: str, start: int, end: int) -> bool:
        text = _text_at(retriever, article_id, start, end)
        return any(re.search(_INTRODUCED.format(name=re.escape(n)), text) for n in names)
    articles = [chosen[0].article_id, *(p.article_id for p in passages)]
    found = next(((a, span) for a, span in _reported_sentences(articles, retriever)
                  if introduces(a, *span)), None)
    return chosen if found is None else _led_by_span(*found, chosen, passages, retriever)


def _reported_sentences(article_ids: list[str], retriever: HybridRetriever
                        ) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each sentence of the articles (each once, in order) that is not a comment, an advert
    or a credit: where a rule looks when the retrieved passages lack what it wants."""
    return _sentences_in_role(article_ids, retriever, lambda role: role not in NOT_REPORTING)


def _sentences_in_role(article_ids: list[str], retriever: HybridRetriever,
                       kept: Callable[[Role], bool]) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each sentence of the articles (each once, in order) whose role is `kept`."""
    for article_id in dict.fromkeys(article_ids):
        for sentence in retriever.following_sentences(article_id, 0, _WHOLE_ARTICLE):
            span = sentence.sentences[0]
            if kept(retriever.role_at(article_id, span[0])):
                yield article_id, span


def _asked_identity(question: str, expansion: Expansion | None) -> list[str]:
    """The name (in the articles' spelling) of the person a question asks to identify."""
    if expansion is not None:
        asked = _ASKS_IDENTITY_EN.search(question)
        if asked is None:
            return []
        words = set(re.findall(r"[a-z]+", (asked.group("who") or asked.group("whose")).lower()))
        return [t.text for t in expansion.terms if t.kind == "name"
                and set(re.findall(r"[a-z]+", t.source.lower())) & words]
    asked = _ASKS_IDENTITY_JA.search(question.strip())
    if asked is None:
        return []
    asked_name = asked.group("who") or asked.group("whose")
    name = re.sub(rf"(?:氏|さん|さま|様|{_TITLES})$", "", asked_name)
    return [name] if len(name) >= 2 else []


_TITLES = (r"特使|外交顧問|顧問|大統領|首相|長官|大臣|高官|議長|社長|補佐官|報道官|外相|側近|"
           r"代表|記者|著者|教授|委員長|書記|司令官|大使")
# the name with its title right after it, or a title (「…の側近」「側近である」) just before it
_INTRODUCED = (r"{name}(?:氏)?(?:{titles})|(?:{titles})(?:である|の)?[ァ-ヶー・]{{0,8}}{name}"
               .replace("{titles}", _TITLES))
_ASKS_IDENTITY_JA = re.compile(
    r"^(?P<who>[^、。？?\s]{2,20}?)(?:って人|という人)?(?:とは|って|は|て)(?:そもそも|一体|いったい)?"
    r"(?:誰|だれ|何者|なにもの|どんな人|どういう人|どなた|どういう立場|どんな立場)"
    r"(?:なの|なん|ですか|でしょう|か|だ|よ|ね)*(?:[？?]|$)|"
    r"^(?P<whose>[^、。？?\s]{2,20}?)の(?:役職|肩書き?|職業|立場|ポスト)")
_ASKS_IDENTITY_EN = re.compile(
    r"^\s*who(?:'s| is| was)\s+(?P<who>(?:mr\.?\s+)?[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*)?)"
    r"(?:\s+(?:exactly|anyway|again))?\s*(?:[?,.]|$)|"
    r"\b(?P<whose>[a-z][a-z-]+)'s\s+(?:title|job|role|position|post)\b", re.I)


def contents_first(question: str, chosen: list[Candidate], passages: list[Passage],
                   retriever: HybridRetriever, expansion: Expansion | None
                   ) -> list[Candidate]:
    """Asked what something held (「通話の内容は？」「議事録には何が書かれてた？」 "what was
    discussed on the call?"), the sentence that has it as its topic and says what it held
    (「通話は10月中旬に行われ、…に関するやり取りが含まれていたという。」「公開された議事録に
    よると、…」) answers, not one that only mentions it (「…通話内容が流出したことで…」); else
    the first sentence under a heading naming its contents (「…の会談内容」). Looked for
    among the retrieved passages; the ranking stands when none is found."""
    forms = _asked_contents(question, expansion)
    if not chosen or not forms:
        return chosen
    holds = re.compile("|".join(_HOLDS.format(thing=re.escape(f)) for f in forms))

    def says_contents(article_id: str, start: int, end: int) -> bool:
        text = _text_at(retriever, article_id, start, end)
        return bool(holds.search(text)) and bool(_CONTENT_CUE.search(text))
    if says_contents(chosen[0].article_id, chosen[0].start, chosen[0].end):
        return chosen
    articles = list(dict.fromkeys(p.article_id for p in passages))
    found = next(((p.article_id, span) for p in passages for span in p.sentences
                  if says_contents(p.article_id, *span)), None) \
        or next(((a, span) for a, span in _reported_sentences(articles, retriever)
                 if says_contents(a, *span)), None) \
        or _under_contents_heading(forms, articles, retriever)
    return chosen if found is None else _led_by_span(*found, chosen, passages, retriever)


def held_item_first(question: str, chosen: list[Candidate], passages: list[Passage],
                    retriever: HybridRetriever, expansion: Expansion | None
                    ) -> list[Candidate]:
    """Asked what something holds about a matter ("What does the 28-point plan say about
    Ukraine joining NATO?"), the item of a list that the sentence announcing it says the
    thing holds (「…28項目案には次のような内容が含まれていたとされます。」 → 「ウクライナの
    NATO加盟を無期限に棚上げ」) leads when, with that sentence, it has more of the
    question's terms than the first (「…NATO加盟断念をロシアが強く求めている点が…」, about
    the matter but not the thing). Not asked for a list, a place, person, date or count."""
    if not chosen or asked_kind(question) is not None or asks_a_list(question):
        return chosen
    terms_of = question_terms(question, expansion)
    first_terms = terms_of(_text(chosen[0], retriever))
    best, best_count = None, len(first_terms)
    articles = list(dict.fromkeys(p.article_id for p in passages))
    for article_id, span in _reported_sentences(articles, retriever):
        body = retriever.articles[article_id].body
        if not is_list_item(body, *span):
            continue
        _, lead_in = list_head(retriever, article_id, span[0])
        if lead_in is None:
            continue
        lead_text = body[lead_in[0] : lead_in[1]]
        if not _SAYS_HELD.search(lead_text):
            continue  # 「…いくつかの重要な現実を示しています。」 lists no contents
        holder, item = terms_of(lead_text), terms_of(body[span[0] : span[1]])
        if holder and len(item - holder) >= HELD_MATTER_TERMS \
                and len(holder | item) > best_count:
            best, best_count = (article_id, span), len(holder | item)
    if best is None or (best[0], best[1][0]) == (chosen[0].article_id, chosen[0].start):
        return chosen
    _, lead_in = list_head(retriever, best[0], best[1][0])
    if lead_in is not None and first_terms & terms_of(_text_at(retriever, best[0], *lead_in)):
        return chosen  # the first names the thing too: it may say what it holds
    return _led_by_span(*best, chosen, passages, retriever)


HELD_MATTER_TERMS = 2  # of the question's terms an item names beyond its lead-in's
# a lead-in saying what something holds (「…28項目案には次のような内容が含まれていた」)
_SAYS_HELD = re.compile(r"含まれ|盛り込|内容|項目|条項|\b(?:includ|contain)", re.I)


def _under_contents_heading(forms: list[str], article_ids: list[str],
                            retriever: HybridRetriever) -> tuple[str, tuple[int, int]] | None:
    """The first sentence under a heading that names the thing's contents (「…の会談内容」)."""
    for article_id in article_ids:
        body = retriever.articles[article_id].body
        for heading in headings(body):
            if any(f"{f}内容" in body[heading.start : heading.end] for f in forms):
                following = retriever.following_sentences(article_id, heading.end, 1)
                if following:
                    return article_id, following[0].sentences[0]
    return None


def _asked_contents(question: str, expansion: Expansion | None) -> list[str]:
    """The thing (in the articles' words) whose contents the question asks for."""
    if expansion is not None:
        asked = _ASKS_CONTENTS_EN.search(question)
        if asked is None:
            return []
        word = asked.group("thing").lower()
        return [t.text for t in expansion.terms if t.source.lower() == word and t.weight >= 0.5]
    asked = _ASKS_CONTENTS_JA.search(question)
    return [asked.group("thing")] if asked is not None else []


_ASKS_CONTENTS_JA = re.compile(
    r"(?P<thing>[一-龥ァ-ヶー]{2,8})(?:の(?:内容|中身)|(?:で|では|には|に)(?:何|なに|どんなこと)"
    r"(?:が|を)(?:話|議論|協議|書か|書い|語|言|含ま|提案|やり取り))")
_ASKS_CONTENTS_EN = re.compile(
    r"\bwhat (?:was|were|got|did (?:they|he|she|you) (?:talk|say)) (?:discussed|said|talked "
    r"about|about)?\s*(?:on|in|during|at)\s+(?:the\s+)?(?:[a-z-]+\s+)?(?P<thing>[a-z]+)\b|"
    r"\bwhat (?:was|is) in (?:the\s+)?(?:[a-z-]+\s+)?(?P<thing2>[a-z]+)\b", re.I)
# the thing as the sentence's topic or its source (「通話は」「議事録によると」)
_HOLDS = r"{thing}(?:は|では|には|の中で|によると|によれば|で(?:は)?[、,])"
_CONTENT_CUE = re.compile(r"含まれ|について|に関する|に関し|やり取り|話し合|協議|議論|提案|言及|"
                          r"によると|によれば|内容")


def basis_first(question: str, chosen: list[Candidate], passages: list[Passage],
                retriever: HybridRetriever) -> list[Candidate]:
    """Asked what something is based on (「何を元に書かれてるの？」 "what sources is it based
    on?"), the sentence among the chosen and the retrieved passages that names what it was
    made from (「…新資料に基づいて再構成しています。」) leads, before one naming a basis
    for something else (「…研究成果をもとに読み直すことで…」), before the rest."""
    if not chosen or not _ASKS_BASIS.search(question):
        return chosen

    def basis(article_id: str, start: int, end: int) -> int:
        """2: a basis something was made from, 1: a basis of anything, 0: none."""
        text = _text_at(retriever, article_id, start, end)
        return 2 if _MADE_FROM.search(text) else 1 if _BASIS.search(text) else 0
    pool = [(c.article_id, (c.start, c.end)) for c in chosen] + \
        [(p.article_id, span) for p in passages for span in p.sentences]
    best = max(pool, key=lambda found: basis(found[0], *found[1]))  # the first of the best
    if basis(best[0], *best[1]) == 0:
        return chosen
    return _led_by_span(*best, chosen, passages, retriever)


# (not 「その根拠は何か」: grounds for a claim are its reason, reason_first's)
_ASKS_BASIS = re.compile(r"何(?:を|に)(?:元|もと|基)に|何に基づ|"
                         r"\bbased on\b|\bbased\b.*\bsources?\b|\bwhat sources\b|"
                         r"\bdraw(?:s|n)? on\b", re.I)
_BASIS = re.compile(r"に基づ|を(?:元|もと|基)に|に依拠|を根拠")
_MADE_FROM = re.compile(r"(?:に基づ(?:いて|き)|を(?:元|もと|基)に(?:して)?|に依拠して)"
                        r"[^。、]{0,4}(?:書|著|執筆|再構成|構成|まとめ|作|描|検証|分析|編)")


def place_done_first(question: str, chosen: list[Candidate], retriever: HybridRetriever,
                     expansion: Expansion | None) -> list[Candidate]:
    """Asked where something was done (「彼はどこで活動してたの？」 "Where was Sorge
    active?"), a first sentence whose places are only attributes or where something else
    was done (「ソ連の大物スパイ…近年ロシアで解禁された新資料…」) gives way to one of the
    best `PLACE_REACH` that has something done at a place (「戦前の東京で暗躍し、…」)."""
    if len(chosen) < 2 or not ASKS_WHERE_DONE.search(question) \
            or (expansion is None and asked_kind(question) != "place"):
        return chosen
    asked = frozenset(expansion.names()) if expansion is not None else frozenset(
        form for kind, form in named_things(question) if kind == "place")

    # a first sentence with no place at all (a list's lead-in) answers nothing of it
    reach = PLACE_REACH if holds_kind("place", _text(chosen[0], retriever), asked) \
        else len(chosen)
    return _promoted(chosen, lambda c: done_at_a_place(_text(c, retriever), asked), reach)


def regions_first(question: str, chosen: list[Candidate], retriever: HybridRetriever
                  ) -> list[Candidate]:
    """Asked which regions or territories (「どの地域？」 "Which territories are disputed?"),
    a first sentence naming none gives way to the best of the retrieved sentences that names
    several as regions (「クリミアやドネツク、ルガンスクといった地域の…」「東部占領地域・
    クリミア」): the places asked for, however few of the question's other words it has
    (「地域紛争」 and 「領土」 are in sentences that name no region)."""
    if len(chosen) < 2 or not _ASKS_REGIONS.search(question) \
            or names_a_region(_text(chosen[0], retriever)):
        return chosen  # 「中東の成功モデルを…」 names the region "Which region?" asks for
    return _promoted(chosen, lambda c: bool(_NAMES_REGIONS.search(_text(c, retriever))),
                     len(chosen))


_ASKS_REGIONS = re.compile(r"(?:どの|どこの|どんな|どういう)(?:地域|地方|領土|領域|州)|"
                           r"(?:地域|地方|領土)(?:は|って|が)どこ|"
                           r"\b(?:which|what) (?:[a-z]+ )?(?:regions?|territor(?:y|ies)|"
                           r"areas?|provinces?)\b", re.I)
# places named together as regions: 「AやB、Cといった地域」「東部占領地域・クリミア」
_NAMES_REGIONS = re.compile(r"(?:や|、|・)[^、。]{1,12}(?:といった|などの|など|等の)"
                            r"(?:地域|地方|領土|州)|地域・[^、。・]{2,}|[^、。・]{2,}・[^、。・]{0,6}地域")


def labelled_item_first(question: str, chosen: list[Candidate], passages: list[Passage],
                        retriever: HybridRetriever, expansion: Expansion | None
                        ) -> list[Candidate]:
    """A first sentence that is an item of a list labelled by party (「アメリカ政府: ウクライナ
    主権と…」) while the question names another party of that list ("What is Russia after,
    according to the rundown of each side's goals?") gives way to that party's item
    (「ロシア: NATOの拡大阻止、…」)."""
    if not chosen:
        return chosen
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    label = _LABEL.match(_text(first, retriever))
    if label is None or not is_list_item(body, first.start, first.end):
        return chosen
    named = [t.text for t in expansion.terms if t.weight >= LABEL_TERM_WEIGHT] \
        if expansion is not None else [t.text for t in question_focus(question)]
    if not named or any(n in label.group(1) for n in named):
        return chosen
    block = body.rfind("\n\n", 0, first.start)
    for item in retriever.following_sentences(first.article_id, max(block, 0), LIST_SPAN):
        start, end = item.sentences[0]
        if start > first.start and not is_list_item(body, start, end):
            break
        other = _LABEL.match(body[start:end])
        if is_list_item(body, start, end) and other and any(n in other.group(1) for n in named):
            return _led_by_span(first.article_id, (start, end), chosen, passages, retriever)
    return chosen


LABEL_TERM_WEIGHT = 0.8  # an English question's terms that may name a list item's party
_LABEL = re.compile(r"^\s*(?:[-*+•・]\s*)?([^:：、。]{1,20})[:：]")


def _promoted(chosen: list[Candidate], answers: Callable[[Candidate], bool], reach: int
              ) -> list[Candidate]:
    """`chosen` led by the first of its best `reach` that `answers`, unless the first
    already does (or none does)."""
    if answers(chosen[0]):
        return chosen
    found = next((c for c in chosen[1:reach] if answers(c)), None)
    return chosen if found is None else [found, *[c for c in chosen if c is not found]]


def _text(candidate: Candidate, retriever: HybridRetriever) -> str:
    return _text_at(retriever, candidate.article_id, candidate.start, candidate.end)


def _text_at(retriever: HybridRetriever, article_id: str, start: int, end: int) -> str:
    return retriever.articles[article_id].body[start:end]


PLACE_REACH = 3  # asked where something was done, a sentence this high doing it there leads
def counted_first(question: str, chosen: list[Candidate], passages: list[Passage],
                  retriever: HybridRetriever) -> list[Candidate]:
    """Asked how many in a unit (何項目, "how many points"), how long (「どれくらいの期間」)
    or how much, a first sentence without a number in that unit, a length of time or a sum
    gives way to one of the best `COUNT_REACH` with one (「…28項目案には…」, 「…NATO加盟を
    無期限に棚上げ」): that is the answer, however few of the question's other words it
    shares; asked in a unit none of those counts in, the first retrieved sentence that does.
    """
    unit = asked_unit(question)
    if len(chosen) < 2 or unit is None:
        return chosen
    promoted = _promoted(chosen, lambda c: counts_in(unit, _text(c, retriever)), COUNT_REACH)
    if unit in (MONEY, DURATION) or counts_in(unit, _text(promoted[0], retriever)) \
            or _NUMERAL.search(_text(promoted[0], retriever)):
        return promoted  # a sum or a length any sentence about something else may state,
        # and a sentence with a number may count in other words (約20の都市, 世界一)
    # a number in the very unit asked (28項目) answers from any retrieved passage
    counting = next(((p.article_id, span) for p in passages for span in p.sentences
                     if counts_in(unit, _text_at(retriever, p.article_id, *span))), None)
    return chosen if counting is None else _led_by_span(*counting, chosen, passages, retriever)


COUNT_REACH = 3  # asked a count in a unit, a sentence this high giving one leads
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百千万億]")
SINCE_REACH = 3  # asked since when, a sentence this high that dates a start comes first
_ASKS_SINCE = re.compile(r"(?:いつ|いつ頃|いつごろ|何年|何月|何日|何時)"
                         r"(?:ごろ|頃|あたり|辺り|くらい|ぐらい)?(?:から|以降|以来|以後)|"
                         r"\bsince when\b|\bstarting when\b|\bfrom when\b|"
                         r"\bsince what (?:year|date|time)\b", re.I)
_DATED_START = re.compile(r"(?:\d+|[一二三四五六七八九十]+)\s*(?:年|月|日|年代|世紀)(?:頃|ごろ)?"
                          r"(?:以降|以後|以来|から|より|来)|\bsince\s+\d", re.I)


# asked for a day (「何月何日」「何日」 "what date"), a sentence dated by a season isn't it
_ASKS_DAY = re.compile(r"何日|日付|\bwhat date\b|\bwhich day\b|\bwhat day\b", re.I)
_DAY = re.compile(r"\d+\s*日|\b\d{1,2}(?:st|nd|rd|th)?\b")


def said_by_first(speaker: str, query: str, chosen: list[Candidate],
                  passages: list[Passage], retriever: HybridRetriever,
                  expansion: Expansion | None) -> list[Candidate]:
    """Asked what someone said (「ロシアは何と言ってる？」 "What did Russia say about the
    leak?"), the sentence in which they speak or take a stand (reader_rules.speaks:
    「ロシアは…録音流出に強く反発している。」) leads — of the retrieved ones, else of the
    reported sentences of the retrieved articles, the one with most of the query's words.
    As it was when the first already has them speak, or no sentence does (then the caller
    declines: the articles don't say what they said)."""
    def speaking(article_id: str, start: int, end: int) -> bool:
        return speaks(speaker, _text_at(retriever, article_id, start, end))

    if not chosen or speaking(chosen[0].article_id, chosen[0].start, chosen[0].end):
        return chosen
    found = [(p.article_id, span) for p in passages for span in p.sentences
             if speaking(p.article_id, *span)]
    if not found:
        found = [(a, span) for a, span in _reported_sentences(
            [p.article_id for p in passages], retriever) if speaking(a, *span)]
    if not found:
        return chosen
    terms_of = question_terms(query, expansion)
    article_id, span = max(found, key=lambda f: len(terms_of(
        _text_at(retriever, f[0], *f[1]))))
    return _led_by_span(article_id, span, chosen, passages, retriever)


_WHOLE_ARTICLE = 100_000  # sentences: every one of an article


PARTY_REACH = 3  # a runner-up this high that names the party asked about leads


def asked_party_first(question: str, chosen: list[Candidate], retriever: HybridRetriever,
                      expansion: Expansion | None) -> list[Candidate]:
    """A first sentence whose subject is a party the question doesn't ask about and that
    doesn't name the one it does (「ロシアは…録音流出に強く反発している。」 for 「ウクライナの
    人たちは、なんで今回の和平案にこんなに強く反発してるんですか？」) gives way to the first
    of the best `PARTY_REACH` that names the party asked about; a first that names no
    party, to one that has the party asked about as its subject (「…NATO加盟断念をロシアが
    強く求めている…」). Not when a place, person,
    date or count is asked for: the sentence giving it may name the party otherwise
    (「ルアンパバーン王国はどこの保護国に？」 — 「…ラオスはフランスの保護国となり…」)."""
    if len(chosen) < 2 or asked_kind(question) not in (None, "reason"):
        return chosen  # a place, person, date or count asked for may be named otherwise
    asked = subject_parties(question, topic_only=True) if expansion is None \
        else _english_subject(question, expansion)
    if not asked:
        return chosen

    def names_asked(candidate: Candidate) -> bool:
        text = normalise(_text(candidate, retriever))
        return any(any(form in text for form in forms) for forms in asked)

    def has_asked_as_subject(candidate: Candidate) -> bool:
        parties = subject_parties(_text(candidate, retriever))
        return any(set(forms) & set(party) for forms in asked for party in parties)

    if names_asked(chosen[0]):
        return chosen
    if subject_parties(_text(chosen[0], retriever)[:SUBJECT_REACH]):
        return _promoted(chosen, names_asked, PARTY_REACH)
    # a first about what was said before it (「こうした要素は、…譲歩を求める内容と…」 for
    # 「ロシアはNATOについて何を求めてるの？」): a runner-up with the asked party as its
    # subject. Not a first with another topic or none: Japanese leaves out a subject the
    # sentence before gave (「特に…連携強化を確認したと発表」 after 「まず、アメリカ政府は…」,
    # 「地理としては…唯一の内陸国で…」 for 「ラオスは地理的にどんな国か」)
    if not _OWN_TOPIC.match(_text(chosen[0], retriever)):
        return chosen
    return _promoted(chosen, has_asked_as_subject, PARTY_REACH)


SUBJECT_REACH = 20  # characters of a sentence its subject is looked for in
# a topic of its own that points back at something said before (「こうした要素は」)
_OWN_TOPIC = re.compile(r"^(?:こうした|こういった|そうした|この|これらの|その|それらの)"
                        r"(?!ため|結果|後|上|際|よう|間|中|場合)[^、。「」]{1,10}?(?:は|が)")
# "Why are Western governments wary…", "How did the Ukrainians…": the words after the
# question word and its auxiliary, up to the verb
_ENGLISH_SUBJECT = re.compile(r"^\W*(?:(?:and|so|but)\W+)?(?:why|how|what|when|where)\s+(?:is|are|"
                              r"was|were|do|does|did|has|have|had|would|will|can|could|"
                              r"should)\s+(?:the\s+)?((?:[\w'-]+\s+){0,2}[\w'-]+)", re.I)
SUBJECT_TERM_WEIGHT = 0.8  # an English subject word's Japanese terms this strong name it


def _english_subject(question: str, expansion: Expansion) -> list[tuple[str, ...]]:
    """The Japanese party names among the terms of an English question's subject ("Western
    governments wary…" → 欧米), as one party; none when it names none."""
    match = _ENGLISH_SUBJECT.search(question)
    if match is None:
        return []
    words = {w.lower() for w in match.group(1).split()}
    terms = tuple(t.text for t in expansion.terms
                  if t.source.lower() in words and t.weight >= SUBJECT_TERM_WEIGHT
                  and is_party(t.text))
    return [terms] if terms else []


THREAD_COMMENTS = 3  # of a thread's first sentences that lead a general comments answer
# the line a page opens its thread with: 「以下はスレッド内のユーザーコメントの抜粋・翻訳です。」
_THREAD_INTRO = re.compile(r"^(?:以下|下記)[はがに、].{0,30}(?:コメント|反応|書き込み|翻訳|抜粋)|"
                           r"^(?:here are|below are|the following are)\b", re.I)


def thread_order_first(question: str, chosen: list[Candidate], passages: list[Passage],
                       retriever: HybridRetriever, expansion: Expansion | None
                       ) -> list[Candidate]:
    """Asked what the comments say (the caller knows the question points at them) with
    nothing in the question that one comment has and the others lack (「海外の掲示板では
    このニュースどう受け止められてる？」 "What are people online saying about the leak?"),
    the thread's first comments lead in its order, not the one a stray word ranked first
    (「正直、誰かがちゃんと説明してくれることを願ってる。」). The line introducing the thread
    (「以下はスレッド内のユーザーコメントの抜粋・翻訳です。」) never leads: it says nothing."""
    said = [c for c in chosen if not _THREAD_INTRO.search(_text(c, retriever))] or chosen
    comments = [c for c in said if retriever.role_at(c.article_id, c.start) == "comments"]
    terms_of = question_terms(question, expansion)
    if not comments or any(terms_of(_text(c, retriever)) for c in comments):
        return said
    article_id = comments[0].article_id
    thread = [span for a, span in _sentences_in_role([article_id], retriever,
                                                     lambda role: role == "comments")
              if not _THREAD_INTRO.search(_text_at(retriever, a, *span))][:THREAD_COMMENTS]
    first = [next((c for c in said if (c.article_id, c.start) == (article_id, span[0])), None)
             or Candidate(article_id, *span, holder(passage_at(retriever, article_id, *span),
                                                   passages), comments[0].rank)
             for span in thread]
    return first + [c for c in said if c not in first]


def reason_first(question: str, chosen: list[Candidate], passages: list[Passage],
                 retriever: HybridRetriever) -> list[Candidate]:
    """Asked why, a first sentence that states no reason (「2025年秋、米国は…トマホーク
    …の供与を突然停止しました。」: the topic, with most of the question's words) gives way
    to a runner-up among the best `REASON_REACH` that gives one (a cue: ことで, ため, 背景…)
    and follows it closely in its section — the explanation the topic sentence opens
    (「…通話内容が流出したことで疑念が生じています。」). A first sentence that only says
    there is a reason (「…背景には、単なる人員不足以上の理由があると考えられます。」) gives
    way to the sentence right after it, which gives the reason with or without a cue."""
    if len(chosen) < 2 or asked_kind(question) != "reason":
        return chosen
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    announced = bool(_ANNOUNCES_REASON.search(body[first.start : first.end]))
    if announces_list(body[first.start : first.end]) or leads_list(body, first.end):
        # the list is what makes it so; the sentence after it says what it amounts to
        # (「こうした要素は、ウクライナに大幅な譲歩を求める内容と受け止められています。」)
        after = _after_the_list(first, retriever)
        return chosen if after is None else _led_by_span(first.article_id, after, chosen,
                                                         passages, retriever)
    if holds_kind("reason", body[first.start : first.end]) and not announced:
        return chosen
    following = retriever.following_sentences(first.article_id, first.end, REASON_REACH)
    near = [p.sentences[0][0] for p in following]
    if announced and following and not _HEADING_LINE.search(body, first.end, near[0]):
        # the reason announced is the next sentence, retrieved or not
        return _led_by_span(first.article_id, following[0].sentences[0], chosen, passages,
                            retriever)
    # after 「…以上の理由があると考えられます。」 the next sentence is the reason, cue or not
    reason = next((c for c in chosen[1:REASON_REACH] if c.article_id == first.article_id
                   and c.start in near and (holds_kind("reason", body[c.start : c.end])
                                            or (announced and c.start == near[0]))
                   and not _HEADING_LINE.search(body, first.end, c.start)), None)
    return chosen if reason is None else [reason, *[c for c in chosen if c is not reason]]


def _after_the_list(lead_in: Candidate, retriever: HybridRetriever) -> tuple[int, int] | None:
    """The first sentence after the list `lead_in` introduces, in the same section."""
    body = retriever.articles[lead_in.article_id].body
    for sentence in retriever.following_sentences(lead_in.article_id, lead_in.end,
                                                  LIST_SPAN):
        start, end = sentence.sentences[0]
        if _HEADING_LINE.search(body, lead_in.end, start):
            return None
        if not is_list_item(body, start, end):
            return start, end
    return None


def cause_first(question: str, chosen: list[Candidate], passages: list[Passage],
                retriever: HybridRetriever) -> list[Candidate]:
    """Asked why, a first sentence that says what came of the one before it (「この動きは、
    NATOの結束に微妙な緊張を…」「このため…批判が広がっています」) restates the question, and
    the one before it in its section is the cause asked for (「英仏など主要国も、…強い懸念を
    示し…」): that one first, the restatement after it. Not when the first gives a reason
    of its own after its opening, nor after a heading or a list item (the list is the cause,
    and its lead-in is elsewhere)."""
    if not chosen or asked_kind(question) != "reason":
        return chosen
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    text = body[first.start : first.end]
    opening = _ON_WHAT_CAME_BEFORE.match(text) or _RESULT_OF_WHAT_CAME_BEFORE.match(text)
    if opening is None or holds_kind("reason", text[opening.end() :]):
        return chosen
    before = _prose_before(first, retriever)
    return chosen if before is None else _led_by(before, chosen, passages, retriever)


def asked_position(question: str) -> str | None:
    """"end" or "start" when the question says where in the article its answer is
    (「締めくくりで挙げられてる教訓」, "at the end of the article"; not 「最初に報じたのは」,
    which asks who was first), else None."""
    if _ASKS_END.search(question):
        return "end"
    return "start" if _ASKS_START.search(question) else None


def at_asked_position(question: str, passages: list[Passage], retriever: HybridRetriever,
                      allowed: frozenset[Role]) -> list[Passage]:
    """The passages in the part of their article the question points at first (its last
    section of a role that may answer, or its first section), the others after them; when
    none is there, the sentences of that part of the best passage's article. `allowed`:
    the roles that may answer the question (answer.allowed_roles)."""
    position = asked_position(question)
    if position is None or not passages:
        return passages

    def part(article_id: str) -> tuple[int, int]:
        body = retriever.articles[article_id].body
        roles = retriever.roles(article_id)
        starts = [h.start for h in headings(body)]
        marks = [start for start in starts if roles.at(start) in allowed]
        if position == "end":
            return (marks[-1] if marks else len(body) * 3 // 4), len(body)
        lead = body[: body.rfind("\n", 0, starts[0]) + 1] if starts else body
        if lead.strip() and roles.at(0) in allowed:  # text before the first heading
            return 0, len(lead)
        first = marks[0] if marks else 0
        return first, next((s for s in starts if s > first), len(body))

    def in_part(passage: Passage) -> bool:
        start, end = part(passage.article_id)
        return passage.start < end and passage.end > start
    inside = [p for p in passages if in_part(p)]
    if not inside:
        article_id = passages[0].article_id
        start, end = part(article_id)
        inside = [replace(p, score=passages[0].score) for p in
                  retriever.following_sentences(article_id, start, PART_SENTENCES)
                  if p.sentences[0][1] <= end]
    return inside + [p for p in passages if p not in inside]


def holder(sentence: Passage, passages: list[Passage]) -> Passage:
    start, end = sentence.sentences[0]
    return next((p for p in passages if p.article_id == sentence.article_id
                 and p.start <= start and end <= p.end), sentence)


def passage_at(retriever: HybridRetriever, article_id: str, start: int, end: int) -> Passage:
    """A passage (its chunk) holding the article sentence [start, end)."""
    holder = retriever.following_sentences(article_id, start, 1)[0]
    return replace(holder, sentences=((start, end),))


def list_head(retriever: HybridRetriever, article_id: str, start: int
              ) -> tuple[int, tuple[int, int] | None]:
    """For the list item starting at `start`: where the list's first item starts, and the
    span of the sentence before the list (None at the article's start)."""
    body = retriever.articles[article_id].body
    while True:
        before, _ = retriever.neighbour_sentences(article_id, start, start)
        if before is None or not is_list_item(body, *before):
            return start, before
        start = before[0]
