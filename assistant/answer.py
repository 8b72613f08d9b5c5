"""Extractive answers: the best sentences of the top passages, each cited exactly.

Which sentences, and in what order, is sentences.py's job (features and a scorer fitted on
JSQuAD's tuning half, and the list a first sentence may announce); citations.py turns them
into citations. This module composes the answer a reader trusts:

- **Roles** (roles.py): reader comments, promotion and credit lines never answer a
  question about facts; they are candidates only when the question asks about them
  (「コメントでは…」, "which book…", 出典). Every citation carries its sentence's role.
- **Length that fits**: one sentence when a short answer (short_answer.py) is confidently
  in it; the whole list when the first sentence announces one or is an item of one and
  the question asks for items, or leads into one (a list follows it) and the question asks
  for items or for no single thing (what, why: not who, when, where, how many); otherwise
  up to `max_sentences`.
- **Short answer**: the answer phrase, verbatim from [1], opens the answer.
- **Titles**: the article's own title (「この記事のタイトルは？」) is its title line in the
  body, quoted; a title given only in the front matter is stated, with the article's first
  sentence quoted under it. A recommended book's title is its heading (`book_title`).
- **Summaries and opinions** (focus.intent): the key points of the articles in scope
  (summary.py), reported facts first; for "what do you think?", a plain sentence that the
  assistant reports what the articles say, then the articles' own analysis.
Whether to answer at all is decided before, by refusal.DeclineRule and the focus check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from . import short_answer
from .citations import cite_sentences, join_cited
from .corpus import Article
from .english_reader import choose_english, own_words_first
from .focus import intent, names_a_book, normalise, question_focus, without_manner_words
from .leading import (
    antecedent_first,
    asked_party_first,
    asks_a_list,
    at_asked_position,
    basis_first,
    cause_first,
    contents_first,
    counted_first,
    dated_topic_first,
    end_of_sentence,
    event_date_first,
    held_item_first,
    holder,
    introduction_first,
    labelled_item_first,
    list_first,
    list_head,
    list_of_kind_first,
    on_a_list,
    passage_at,
    place_done_first,
    reason_first,
    regions_first,
    said_by_first,
    since_first,
    thread_order_first,
)
from .reader_rules import (
    ASKS_ITEMS,
    Placed,
    asked_kind,
    asks_language,
    asks_reaction,
    asks_what_was_said,
    asks_when,
    asks_who,
    holds_kind,
    is_filler,
    judges,
    names_a_language,
    names_someone,
    speaks,
    states_a_time,
)
from .results import Answer, AnswerSentence, Citation, Passage, ShortAnswer
from .retrieval import HybridRetriever, Retrieval
from .roles import NOT_REPORTING, Role, heading_role, headings
from .sentences import Candidate, announces_list, choose_sentences
from .summary import (
    KeyPoint,
    analysis_points,
    asks_conclusion,
    closing_section,
    is_list_item,
    key_points,
    leads_list,
    named_section,
    section_points,
    topic_points,
)
from .synonyms import in_articles_words
from .timeline import reference_of, written_day

if TYPE_CHECKING:
    from .crosslingual import Expansion

LIST_ITEMS = 15  # at most, of one list quoted whole
# kinds of answer one phrase gives: a list their sentence leads into is not quoted with it
_ONE_THING = frozenset({"date", "count", "person", "organization", "place", "countries"})
OPINION_POOL = 5  # best-matching analysis sentences an opinion answer picks its three from
# A short answer this confident is the whole answer (one sentence); below it, the runners-up
# stay (on JSQuAD's report half 90% of the phrases shown at 0.8 are right: bench/RESULTS.md)
ONE_SENTENCE_CONFIDENCE = 0.9
_ASKS_COMMENTS = re.compile(
    r"コメント|読者|スレッド|海外の反応|ネットの反応|書き込み|commenter|comments?\b|readers?\b|"
    r"forum|thread", re.I)
# (本 itself: focus.names_a_book, not 日本, 基本 or the counter of 「2本の記事」)
_ASKS_PROMOTION = re.compile(
    r"書籍|著者|一冊|推薦|おすすめ|オススメ|勧め|続き|note|\bbooks?\b|author|recommend|"
    r"read more|subscri", re.I)
_ASKS_TITLE = re.compile(r"タイトル|題名|書名|表題|本の名前|(?:何|なん)という(?:本|書籍|題)"
                         r"|(?:本|書籍)(?:は|って)(?:何|なに|どれ)(?:です|でしょう|だ)?か?[？?。]?\s*$"
                         r"|\btitles?\b|\bname of the book\b|\bbook called\b"
                         r"|\b(?:which|what) book\b", re.I)
# who wrote, who published or when (the line under a book plug's title says it)
_ASKS_BOOK_DETAILS = re.compile(r"出版社|版元|出版元|発行元|出版(?:され|した)|刊行|発売|いつ出た|"
                                r"著者|作者|書いた|誰が書|\bpublish|\bauthor|\bwr(?:ote|itten)\b",
                                re.I)
_BOOK_DETAILS = re.compile(r"刊|出版|新書|文庫|書房|書店|[/／]|\d{4}\s*年|\b(?:19|20)\d\d\b")
# the title of the article itself (「この記事のタイトルは？」), not of a book it recommends
_ASKS_ARTICLE_TITLE = re.compile(
    r"(?:記事|ニュース|ページ|本文)の?(?:タイトル|題名|表題|見出し)|記事名|"
    r"^\W*(?:その|この)?(?:タイトル|題名)(?:は|って|を教えて|を知りたい)|"
    r"\b(?:titles?|headlines?) of (?:the|this|that|these|each|both)(?: [\w-]+){0,3} "
    r"(?:articles?|story|stories|news|pages?|posts?|pieces?)\b|"
    r"\b(?:articles?|story|page|post)(?:'s|s'|s)? (?:titles?|headlines?)\b|"
    r"^\W*what(?:'s| is| are) the (?:titles?|headlines?)\W*$", re.I)
# a question about something in the title (「タイトルにある『転換点』とは？」), not for it
_IN_THE_TITLE = re.compile(r"とは|意味|指す|にある|の中の|に(?:含|出て|使)|由来|\bmean|\brefer|"
                           r"\bimpl(?:y|ies)|\bsuggests?\b|\bwords? in\b|"
                           r"\bin the (?:title|headline)", re.I)
_NAMES_ARTICLE = re.compile(r"記事|ニュース|ページ|本文|\b(?:articles?|story|stories|news|pages?|"
                            r"posts?|pieces?)\b", re.I)
_ASKS_CREDIT = re.compile(r"出典|ソース|情報源|クレジット|\bsource|credit", re.I)
# asks what the source is (「出典は？」), not about sources in general (「…は出典の印ですか？」)
_ABOUT_CREDIT = re.compile(r"出典(?:は|を|って|元)|情報源|ソースは|元記事|\bsources? of\b|"
                           r"\bwhat (?:is|are) the sources?\b", re.I)
_ABOUT_ELSEWHERE = re.compile(r"続き|全文|購読|\bread (?:more|the rest)\b|subscri", re.I)
# a question about the comments section itself, not about what someone commented
_ABOUT_COMMENTS = re.compile(
    r"コメント欄|読者(?:の|は|から|コメント)|スレッド|(?<![ァ-ヶー])スレ(?![ァ-ヶー])|海外の反応|"
    r"(?:海外|外国|ネット)の(?:コメント|声|人|ユーザー)|コメント(?:では|だと|の中|を書いた)|"
    r"ネット(?:上|の反応|では|で)|掲示板|書き込み|ユーザーの?コメント|\bcommenters?\b|"
    r"reader comments|the comments|comment section|online (?:comments|reactions)|"
    r"\bforums?\b|\bthread\b|\bpeople online\b|\b(?:on|across) the internet\b|"
    r"\bnetizens\b|\bsocial media\b|\bonline (?:users|posters|people)\b", re.I)

DECLINE = {
    "ja": "記事には、この質問に答える記述が見つかりませんでした。"
    "言い換えるか、記事の内容について質問してみてください。",
    "en": "The articles don't say. Try rephrasing the question, "
    "or ask about something the articles cover.",
}


NO_OPINION = {
    "ja": "私自身の意見はありません。記事の分析部分には次のように書かれています。",
    "en": "I have no opinion of my own; here is what the articles' own analysis says.",
}
NO_TIME = {
    "ja": "記事には、それがいつのことかを示す記述が見つかりませんでした。",
    "en": "The articles don't say when.",
}
NO_NUMBER = {
    "ja": "記事には、その数を示す記述が見つかりませんでした。",
    "en": "The articles don't give that number.",
}
COUNT_SEEN = 3  # asked how many, the best sentences one of which must count (or list)
NO_ONE = {
    "ja": "記事には、それが誰なのかを示す記述が見つかりませんでした。",
    "en": "The articles don't say who.",
}
NO_LANGUAGE = {
    "ja": "記事には、それが何語だったかを示す記述が見つかりませんでした。",
    "en": "The articles don't say in what language.",
}
NOT_REACTED = {
    "ja": "記事には、『{}』の反応は見つかりませんでした。",
    "en": "The articles don't say how {} reacted.",
}
NOT_SAID = {
    "ja": "記事には、『{}』の発言は見つかりませんでした。",
    "en": "The articles don't say what {} said.",
}
# the topic particle after a speaker, or after 「の国々」「の人々」… that only make them plural
_TOPIC_MARK = re.compile(r"(?:の(?:国々|諸国|人々|人たち|国民))?(?:側)?(?:は|って|が|も)")
_NAMED_RUN = re.compile(r"[^、。，,\sはがもの「」？?]+$")
NO_ANALYSIS = {
    "ja": "記事には、この点についての分析や意見は見つかりませんでした。",
    "en": "The articles offer no analysis or opinion on this.",
}


def decline(question: str, query: str, language: str, passages: list[Passage],
            reason: str | None = None) -> Answer:
    """The plain "the articles don't say", with what they don't cover when known."""
    return Answer(question, query, reason or DECLINE[language], True, [], language, passages)


def allowed_roles(question: str) -> frozenset[Role]:
    """The passage roles that may answer this question: reported facts and analysis, plus
    comments, promotion or credit lines when the question asks about them."""
    allowed: set[Role] = {"report", "analysis"}
    if _ASKS_COMMENTS.search(question):
        allowed.add("comments")
    if _ASKS_PROMOTION.search(question) or names_a_book(question):
        allowed.add("promotion")
    if _ASKS_CREDIT.search(question):
        allowed.add("credit")
    return frozenset(allowed)


def asked_parts(question: str) -> frozenset[Role]:
    """The parts of the page a question is explicitly about — the reader comments
    (「コメント欄では…」), the recommended book or the rest of the page on another site
    (「紹介されてる本の著者は？」「続きはどこで読める？」), the credit line (「出典は？」) —
    or none. Such a question is answered from those parts only: the reader pointed at
    them, however weakly its words match them."""
    parts: set[Role] = set()
    if _ABOUT_COMMENTS.search(question):
        parts.add("comments")
    if names_a_book(question) or _ABOUT_ELSEWHERE.search(question):
        parts.add("promotion")
    if _ABOUT_CREDIT.search(question):
        parts.add("credit")
    return frozenset(parts)


def in_parts(found: Retrieval, parts: frozenset[Role], retriever: HybridRetriever,
             limit: int) -> list[Passage]:
    """The passages of `found` with only their sentences of the page's `parts`, at most
    `limit` (those with none are dropped; the rest keep their order)."""
    kept = []
    for passage in found.passages:
        spans = tuple(span for span in passage.sentences
                      if retriever.role_at(passage.article_id, span[0]) in parts)
        if spans:
            kept.append(replace(passage, sentences=spans))
    return kept[:limit]


def passages_for(question: str, passages: list[Passage], retriever: HybridRetriever
                 ) -> list[Passage]:
    """The passages with only the sentences whose role may answer the question (passages
    left with none are dropped; the rest keep their order). When the articles speak of the
    question's subject only in comments or promotion (「ゾルゲって何？」: only the book plug
    names him) and one of theirs was retrieved first, those passages stay: the role label
    on each card says whose voice it is."""
    allowed = allowed_roles(question)
    if allowed >= NOT_REPORTING:
        return passages
    kept = []
    for passage in passages:
        spans = tuple(span for span in passage.sentences
                      if retriever.role_at(passage.article_id, span[0]) in allowed)
        if spans:
            kept.append(replace(passage, sentences=spans))
    focus = [term.text for term in question_focus(question)]
    named = [p for p in passages[:3] if any(t in normalise(p.text) for t in focus)]
    if not kept or (named and passages.index(named[0]) < _rank_of(kept[0], passages)
                    and not any(any(t in normalise(p.text) for t in focus) for p in kept[:3])):
        return passages
    return kept


def _rank_of(kept: Passage, passages: list[Passage]) -> int:
    """Where a passage of `passages_for` (its sentences filtered) was retrieved."""
    return next(i for i, p in enumerate(passages)
                if p.article_id == kept.article_id and p.start == kept.start)


def extractive_answer(
    question: str,
    query: str,
    language: str,
    question_vector: np.ndarray,
    found: Retrieval,
    retriever: HybridRetriever,
    max_sentences: int,
) -> Answer:
    """Compose the answer from the chosen sentences (see the module docstring); `language`
    is the question's, detected once by the caller."""
    passages = at_asked_position(question, passages_for(question, found.passages, retriever),
                                 retriever, allowed_roles(question))
    chosen = _ranked(question, query, language, question_vector, passages, found, retriever,
                     max(max_sentences, LIST_ITEMS))
    if not chosen:
        return decline(question, query, language, found.passages)
    chosen = list_first(question, query, chosen, passages, retriever, found.expansion)
    chosen = list_of_kind_first(question, chosen, passages, retriever, found.expansion)
    chosen = dated_topic_first(question, query, chosen, passages, retriever, found.expansion)
    chosen = event_date_first(question, chosen, passages, retriever)
    chosen = since_first(question, chosen, retriever)
    chosen = counted_first(question, chosen, passages, retriever)
    chosen = introduction_first(question, chosen, passages, retriever, found.expansion)
    chosen = contents_first(question, chosen, passages, retriever, found.expansion)
    chosen = held_item_first(question, chosen, passages, retriever, found.expansion)
    chosen = basis_first(question, chosen, passages, retriever)
    chosen = place_done_first(question, chosen, retriever, found.expansion)
    chosen = regions_first(question, chosen, retriever)
    chosen = asked_party_first(question, chosen, retriever, found.expansion)
    chosen = reason_first(question, chosen, passages, retriever)
    chosen = cause_first(question, chosen, passages, retriever)
    chosen = antecedent_first(question, chosen, passages, retriever, found.expansion)
    if asked_parts(question) == {"comments"}:  # not 「続きはどこで読める？」 (elsewhere)
        chosen = thread_order_first(question, chosen, passages, retriever, found.expansion)
    speaker = None if asked_parts(question) else _speaker(question, found)
    if speaker is not None:
        chosen = said_by_first(speaker[0], query, chosen, passages, retriever, found.expansion)
    chosen = fitted_length(question, chosen, passages, retriever, max_sentences)
    chosen = labelled_item_first(question, chosen, passages, retriever, found.expansion)
    titled = book_title(question, passages, retriever)
    described = _described(titled, retriever) if titled and _ASKS_WHAT_ABOUT.search(question) \
        else []
    details = [] if titled else book_details(question, passages, retriever)
    missing = _missing_answer(question, language, speaker,
                              [] if titled or details else chosen, retriever)
    if missing is not None:
        return decline(question, query, language, found.passages, missing)
    chosen = lists_as_one_quote(chosen, retriever)
    citations = with_roles(cite_sentences(described + titled or details or chosen,
                                          lambda a: retriever.articles[a].body), retriever)
    first = citations[0]
    if titled:  # the title is the short answer, also when what the book is about leads
        title = citations[len(described)]
        return cited_answer(question, query, language, citations, found.passages,
                            ShortAnswer(title.quote, title.n, title.start, title.end))
    listed = short_answer.listed_countries(question, first.quote, first.start, first.n)
    cited = listed or (None if speaker is not None else  # 「何と言ってる？」 asks no name
                       short_answer.for_citation(question, first.quote, first.start, first.n))
    short = ShortAnswer(cited.text, cited.n, cited.start, cited.end) if cited else None
    if cited is not None and cited.confidence >= ONE_SENTENCE_CONFIDENCE \
            and not announces_list(first.quote) and listed is None:
        citations = citations[:1]
    return cited_answer(question, query, language, citations, found.passages, short)


def _missing_answer(question: str, language: str, speaker: tuple[str, str] | None,
                    chosen: list[Candidate], retriever: HybridRetriever) -> str | None:
    """Why the best sentences can't answer, when they can't: asked what someone said and
    none has them say anything (leading.said_by_first found none that does),
    or asked when and the `chosen` sentences (none for a book's details line, which dates
    the book) state no time at all, or asked in what language and they name none, or asked
    who and they name no one (reader_rules.names_someone), or asked how many and none of
    the best `COUNT_SEEN` gives a number or is on a list."""
    def text(article_id: str, start: int, end: int) -> str:
        return retriever.articles[article_id].body[start:end]

    if speaker is not None and chosen and not any(
            speaks(speaker[0], text(c.article_id, c.start, c.end)) for c in chosen):
        return (NOT_REACTED if asks_reaction(question) else NOT_SAID)[language].format(
            speaker[1])
    if chosen and asks_when(question) and not any(
            states_a_time(text(c.article_id, c.start, c.end)) for c in chosen):
        return NO_TIME[language]
    if chosen and asked_kind(question) == "count" and not any(
            holds_kind("count", text(c.article_id, c.start, c.end))
            or on_a_list(c, retriever) for c in chosen[:COUNT_SEEN]):
        return NO_NUMBER[language]
    if chosen and asks_who(question) and not names_someone(
            text(chosen[0].article_id, chosen[0].start, chosen[0].end)):
        return NO_ONE[language]
    if chosen and asks_language(question) and not any(
            names_a_language(text(c.article_id, c.start, c.end)) for c in chosen):
        return NO_LANGUAGE[language]
    return None


def _english_speaker(question: str, expansion: Expansion) -> tuple[str, str] | None:
    """The speaker an English question names without a name ("What did Ukraine's foreign
    ministry spokesperson say?"): its last word's best Japanese term, or the word itself
    when the dictionary has none the articles use (no sentence then has them speak)."""
    subject = _ENGLISH_SPEAKER.search(question)
    if subject is None:
        return None
    phrase = _without_adverbs(subject.group(1) or subject.group(2))
    head = phrase.split()[-1].removesuffix("'s")
    terms = [t.text for t in expansion.terms if t.source == head]
    return (terms[0] if terms else head, phrase)


def _without_adverbs(phrase: str) -> str:
    """"the 28-point plan reportedly" → "the 28-point plan" (its last word names it)."""
    words = [w for w in phrase.split() if not _ADVERB.fullmatch(w)]
    return " ".join(words) or phrase


_ADVERB = re.compile(r"[a-z]{3,}ly|really|actually|also|even|ever|still|just|now", re.I)
# what says things by holding them, not by speaking: its contents are asked for
_WRITINGS = frozenset(["plan", "plans", "proposal", "draft", "article", "articles", "report",
                       "transcript", "book", "piece", "story", "document", "memo",
                       "memorandum", "agreement", "deal", "text", "paper", "letter",
                       "analysis", "recording", "tape"])
_ENGLISH_SPEAKER = re.compile(r"\bwhat (?:did|does|do|has|have|had) (?:the )?([^?]{1,60}?) "
                              r"(?:say|said|comment)|"
                              r"\bhow (?:did|does|do|has|have|had|is|are|was|were) (?:the )?"
                              r"([^?]{1,60}?) (?:react|respond|reply|take)", re.I)


def _speaker(question: str, found: Retrieval) -> tuple[str, str] | None:
    """Asked what someone said (「ルビオ国務長官はどう言ってる？」 "What did Rubio say?"),
    who: (the articles' word for them, the question's) — for a Japanese question the last
    focus word before its topic particle (報道官 in 「ウクライナ政府の報道官は…」), for an
    English one a name it has; None when it asks no such thing."""
    if not (asks_what_was_said(question) or asks_reaction(question)):
        return None
    if found.expansion is not None:
        said = _ENGLISH_SPEAKER.search(question)  # the one saying it, when the form shows
        subject = _without_adverbs(said.group(1) or said.group(2)) if said else question
        if subject.split()[-1].lower().removesuffix("'s") in _WRITINGS:
            return None  # "What does the 28-point plan say about NATO?" asks what it holds
        names = [t for t in found.expansion.terms if t.kind == "name" and
                 t.source.lower() in subject.lower()]
        return (names[0].text, names[0].source) if names else _english_speaker(
            question, found.expansion)
    speaker = None
    for term in question_focus(question):
        at = question.find(term.text)
        end = at + len(term.text)
        if at >= 0 and _TOPIC_MARK.match(question, end):
            named = _NAMED_RUN.search(question, 0, end)  # ルビオ国務長官, not only 長官
            speaker = (term.text, named.group() if named else term.text)
    return speaker


def _ranked(question: str, query: str, language: str, question_vector: np.ndarray,
            passages: list[Passage], found: Retrieval, retriever: HybridRetriever, limit: int
            ) -> list[Candidate]:
    """The passages' sentences best first: an English question over Japanese articles by its
    Japanese terms (english_reader.py; a follow-up's own words first), a Japanese one with
    the articles' own forms of its words (one-kanji countries, 英仏; synonyms.py)."""
    if found.expansion is not None:
        expansion = found.expansion
        if retriever.english is not None and query != question:  # searched with more
            own = retriever.english.expansion(question)
            expansion = own_words_first(expansion, own) if own is not None else expansion
        return choose_english(question, expansion, question_vector, passages, retriever,
                              limit)
    # the sentences are chosen by what the question asks, not how (具体的に, 詳しく)
    words = in_articles_words(without_manner_words(question), language, retriever)
    return choose_sentences(words, language,
                            question_vector, passages, retriever, limit)


def book_title(question: str, passages: list[Passage], retriever: HybridRetriever
               ) -> list[Candidate]:
    """For a question asking the recommended book's title: the heading that titles the
    promotion part the best promotion passage is in — of the headings of that part up to
    the passage, the highest level (the first of them), leaving out the part's own cue
    heading (関連書籍紹介) — cited like a sentence, then the line under it (author,
    publisher): a book plug names its book in a heading, which no sentence quotes. [] when
    no title is asked or no such heading exists."""
    if not _ASKS_TITLE.search(question) or "promotion" not in asked_parts(question):
        return []
    return _title_and_line(passages, retriever)


def book_details(question: str, passages: list[Passage], retriever: HybridRetriever
                 ) -> list[Candidate]:
    """For a question asking who wrote the recommended book, who published it or when: the
    line under its title heading (「名越健郎(文春新書/2024年11月20日刊)」), then the title —
    when that line reads as a book's details (a publisher, 刊, a year). [] otherwise."""
    if not _ASKS_BOOK_DETAILS.search(question) or "promotion" not in asked_parts(question):
        return []
    found = _title_and_line(passages, retriever)
    if len(found) < 2:
        return []
    title, line = found
    body = retriever.articles[line.article_id].body
    return [line, title] if _BOOK_DETAILS.search(body[line.start:line.end]) else []


def _described(titled: list[Candidate], retriever: HybridRetriever) -> list[Candidate]:
    """The plug's sentence that says what the book is about (「本書は、…の活動を、…新資料に
    基づいて再構成しています。」): the first after its title with the book as its topic."""
    title = titled[-1]
    for sentence in retriever.following_sentences(title.article_id, title.end, _PLUG_SPAN):
        start, end = sentence.sentences[0]
        if retriever.role_at(title.article_id, start) != "promotion":
            break
        if _THE_BOOK_AS_TOPIC.match(retriever.articles[title.article_id].body[start:end]):
            return [Candidate(title.article_id, start, end, sentence, 0)]
    return []


_PLUG_SPAN = 12  # sentences after a plug's title looked at for what the book is about
# "…, and what is it about?" 「どんな本？」「何について書かれてる？」: the book's subject too
_ASKS_WHAT_ABOUT = re.compile(r"\babout\b|\bbased on\b|\bcover(?:s|ed)?\b|\bsubject\b|"
                              r"どんな(?:本|内容|話)|何について|何の本|内容|テーマ|基づ|元に|もとに",
                              re.I)
_THE_BOOK_AS_TOPIC = re.compile(r"\s*(?:本書|同書|この本|この書籍)(?:は|では)")


def _title_and_line(passages: list[Passage], retriever: HybridRetriever
                    ) -> list[Candidate]:
    """The recommended book's title heading and the line under it (see book_title)."""
    top = next((p for p in passages
                if retriever.role_at(p.article_id, p.start) == "promotion"), None)
    if top is None:
        return []
    body = retriever.articles[top.article_id].body
    part = []
    for heading in reversed([h for h in headings(body) if h.start <= top.start]):
        if retriever.role_at(top.article_id, heading.start) != "promotion":
            break
        if heading_role(body[heading.start:heading.end]) is None:
            part.append(heading)
    if not part:
        return []
    title = min(part, key=lambda h: (h.level, h.start))
    following = retriever.following_sentences(top.article_id, title.end, 1)
    holder = following[0] if following else top
    card = replace(holder, start=title.start, text=body[title.start:holder.end],
                   sentences=((title.start, title.end),))  # the card shows the heading too
    cited = Candidate(top.article_id, title.start, title.end, card, 0)
    if not following:
        return [cited]
    line_start, line_end = following[0].sentences[0]
    return [cited, Candidate(top.article_id, line_start, line_end, card, 0)]


def asks_article_title(question: str, query: str = "") -> bool:
    """Whether the question asks the article's own title (「この記事のタイトルは？」 "What
    is the article's title?"), not a recommended book's (「紹介されてる本のタイトルは？」);
    a bare 「タイトルは？」 asks the article's unless it follows a question about a book
    (`query`, the question joined to the one it refers back to)."""
    if names_a_book(question) or not _ASKS_ARTICLE_TITLE.search(question) \
            or _IN_THE_TITLE.search(question):
        return False
    return bool(_NAMES_ARTICLE.search(question)) or not names_a_book(query)


TITLED_ARTICLES = 3  # at most, of the articles whose titles one answer gives
DATE_SEARCH = 30  # sentences from an article's start searched for its first date
# the article's own date: 「この記事はいつの記事？」「記事の日付は？」「記事はいつ公開された？」,
# "What date is the article from?", "When was the article published?"
_ASKS_ARTICLE_DATE = re.compile(
    r"(?:記事|ニュース)(?:の|は|って)?(?:日付|日時|公開日|掲載日|配信日|発行日)|"
    r"いつの(?:記事|ニュース)|(?:記事|ニュース)(?:は|が|って)?いつ(?:の|公開|掲載|配信|書かれ|出)|"
    r"\b(?:when|what date|which date|what day)\b (?:was|is) (?:the|this) [\w\s'-]{0,30}?"
    r"\b(?:article|story|piece)\b(?: (?:published|written|posted|from|dated))?\s*[?？]?\s*$",
    re.I)
TITLE_IS = {"ja": "この記事のタイトルは『{title}』です。",
            "en": "The article's title is “{title}”. "}
TITLES_ARE = {"ja": "記事のタイトルと、それぞれの書き出しの文です。",
              "en": "The articles' titles, each with its opening sentence:"}
BEGINS = {"ja": "記事は次の文で始まります。", "en": "It begins:"}


def title_answer(question: str, query: str, language: str, found: Retrieval,
                 retriever: HybridRetriever, article_ids: Collection[str] | None,
                 specific: bool) -> Answer:
    """The title of the article the question is about — for a question about something in
    particular (or a follow-up), the best-matching article; else each article in scope
    (at most `TITLED_ARTICLES`). Where the body has the title (a heading or first line),
    that is quoted and is the short answer; a title given only in the front matter is
    stated as such and the article's first sentence is quoted under it (its card carries
    the title), so every quote is still the body's own words."""
    scope = _asked_articles(question, language, found, retriever, article_ids, specific)
    quoted = [(retriever.articles[i], *found_) for i in scope
              if (found_ := _title_or_lead(i, retriever)) is not None]
    if not quoted:
        return decline(question, query, language, found.passages)
    citations = with_roles(cite_sentences([candidate for _, candidate, _ in quoted],
                                          lambda a: retriever.articles[a].body), retriever)
    if len(quoted) == 1 and quoted[0][2]:  # the body's own title line: the short answer
        first = citations[0]
        return cited_answer(question, query, language, citations, found.passages,
                            ShortAnswer(first.quote, first.n, first.start, first.end),
                            intent="title")
    lines = [] if len(quoted) == 1 else [TITLES_ARE[language]]
    for (article, _, in_body), citation in zip(quoted, citations, strict=True):
        if len(quoted) == 1:
            lines.append(f"{TITLE_IS[language].format(title=article.title)}{BEGINS[language]}")
        elif not in_body:
            lines.append(f"『{article.title}』" if language == "ja" else f"“{article.title}”")
        lines.append(join_cited([citation.quote], language, citation.n))
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    return Answer(question, query, "\n".join(lines), False, citations, language,
                  found.passages, sentences=sentences, intent="title")


def asks_article_date(question: str) -> bool:
    """Whether the question asks the article's own date (「この記事はいつの記事？」「記事の
    日付は？」, "What date is the article from?", "When was the article published?"), not
    the date of something it reports (「記事では通話はいつ？」) or of the recommended book."""
    return not names_a_book(question) and bool(_ASKS_ARTICLE_DATE.search(question))


DATED = {"ja": "この記事の日付は{date}です（記事の情報による）。",
         "en": "The article is dated {date} (its own details)."}
UNDATED = {"ja": "記事には、それ自体の日付が書かれていません。本文で最初に出てくる日付の文です。",
           "en": "The article gives no date of its own. The first sentence of it with a date:"}
DATES_ARE = {"ja": "記事ごとの日付と、本文で最初に出てくる日付の文です。",
             "en": "Each article's date, with the first sentence of it that has a date:"}
NO_DATE = {"ja": "日付の記載なし", "en": "no date of its own"}


def _asked_articles(question: str, language: str, found: Retrieval,
                    retriever: HybridRetriever, article_ids: Collection[str] | None,
                    specific: bool) -> list[str]:
    """The article a question about an article's title or date names or is about (the
    best-matching one), else each article in scope, at most `TITLED_ARTICLES`."""
    focus = [term.text for term in question_focus(question)] if language == "ja" \
        else section_words(found)
    scope = summary_scope(found, retriever, article_ids, specific, focus)
    return scope[:1] if specific else scope[:TITLED_ARTICLES]


def date_answer(question: str, query: str, language: str, found: Retrieval,
                retriever: HybridRetriever, article_ids: Collection[str] | None,
                specific: bool) -> Answer:
    """The date of the article the question is about — the best-matching one for a question
    naming it (「和平交渉の記事の日付は？」), else each article in scope (at most
    `TITLED_ARTICLES`): its own date (front matter `published`) stated, with the first
    sentence of its body that has a date quoted under it — the short answer where that
    sentence states the same date; an article without a date of its own says so, and
    quotes that sentence all the same."""
    scope = _asked_articles(question, language, found, retriever, article_ids, specific)
    dated = [(retriever.articles[i], c) for i in scope
             if (c := _first_dated(i, retriever)) is not None]
    if not dated:
        return decline(question, query, language, found.passages)
    citations = with_roles(cite_sentences([c for _, c in dated],
                                          lambda a: retriever.articles[a].body), retriever)
    lines = [] if len(dated) == 1 else [DATES_ARE[language]]
    for (article, _), citation in zip(dated, citations, strict=True):
        shown = _written_date(article.published, language)
        if len(dated) == 1:
            lines.append(DATED[language].format(date=shown) if shown else UNDATED[language])
        else:
            title = f"『{article.title}』" if language == "ja" else f"“{article.title}”"
            lines.append(f"{title}: {shown or NO_DATE[language]}")
        lines.append(join_cited([citation.quote], language, citation.n))
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    return Answer(question, query, "\n".join(lines), False, citations, language,
                  found.passages, sentences=sentences,
                  short_answer=_dated_phrase(dated[0][0], citations[0]) if len(dated) == 1
                  else None, intent="date")


def _dated_phrase(article: Article, citation: Citation) -> ShortAnswer | None:
    """The article's own date where the quoted sentence states it (2025年11月25日)."""
    written = _written_date(article.published, "ja")
    at = citation.quote.find(written) if written else -1
    if at < 0:
        return None
    return ShortAnswer(written, citation.n, citation.start + at, citation.start + at + len(written))


def _written_date(published: str, language: str) -> str:
    """A front-matter date (2025-11-25) as a reader writes it: 2025年11月25日, 25 November
    2025; "" when it isn't a day."""
    day = reference_of(published, [])
    if day is None or not day.day or not 1 <= day.month <= 12:
        return ""
    return written_day(day.year, day.month, day.day, language)


def _first_dated(article_id: str, retriever: HybridRetriever) -> Candidate | None:
    """The first sentence of reported fact or analysis in the article that has a date."""
    body = retriever.articles[article_id].body
    for sentence in retriever.following_sentences(article_id, 0, DATE_SEARCH):
        start, end = sentence.sentences[0]
        if retriever.role_at(article_id, start) in ("report", "analysis") \
                and holds_kind("date", body[start:end]):
            return Candidate(article_id, start, end, sentence, 0)
    return None


def _title_or_lead(article_id: str, retriever: HybridRetriever
                   ) -> tuple[Candidate, bool] | None:
    """The article's title where its body has it at the start of a line (a heading, or the
    first line a file without front matter is titled by) (True), else its first sentence
    of reported fact or analysis (False), as a candidate to cite; None for neither."""
    article = retriever.articles[article_id]
    body, title = article.body, article.title.strip()
    line = re.search(rf"^(?:#{{1,6}}[ \t]+)?[ \t]*({re.escape(title)})", body, re.M) \
        if title else None  # a heading or a line that starts with it, not a word in passing
    if line is not None:
        at = line.start(1)
        following = retriever.following_sentences(article_id, at, 1)
        if following:
            holder = following[0]
            start, end = min(holder.start, at), max(holder.end, at + len(title))
            card = replace(holder, start=start, end=end, text=body[start:end],
                           sentences=((at, at + len(title)),))
            return Candidate(article_id, at, at + len(title), card, 0), True
    lead = next((p for p in retriever.following_sentences(article_id, 0, LIST_ITEMS)
                 if retriever.role_at(article_id, p.sentences[0][0]) in ("report", "analysis")),
                None)
    if lead is None:
        return None
    return Candidate(article_id, *lead.sentences[0], lead, 0), False


def cited_answer(question: str, query: str, language: str, citations: list[Citation],
                 passages: list[Passage], short: ShortAnswer | None = None,
                 preface: str | None = None, intent: str = "fact") -> Answer:
    """The answer text: an optional plain first sentence (no marker), the short answer,
    then each quote followed by its marker."""
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    text = join_cited([c.quote for c in citations], language)
    if short is not None:
        text = f"「{short.text}」[{short.n}]\n{text}" if language == "ja" \
            else f"{short.text} [{short.n}]\n{text}"
    if preface:
        text = f"{preface}\n{text}"
    return Answer(question, query, text, False, citations, language, passages,
                  sentences=sentences, short_answer=short, intent=intent)


def with_roles(citations: list[Citation], retriever: HybridRetriever) -> list[Citation]:
    return [replace(c, role=retriever.role_at(c.article_id, c.start)) for c in citations]


def fitted_length(question: str, chosen: list[Candidate], passages: list[Passage],
                  retriever: HybridRetriever, max_sentences: int) -> list[Candidate]:
    """As many sentences as the answer needs (see the module docstring): a list whole and
    only the list, else at most `max_sentences`."""
    first = chosen[0]
    body = retriever.articles[first.article_id].body
    if announces_list(body[first.start : first.end]):
        listed = _items_after(first, passages, retriever)  # whole, in the article's order
        if not listed:
            return chosen[:max_sentences]
        # asked for the items (「どんな内容が入ってる？」 "list what's in…"), they are the
        # answer; the sentence announcing them (「…次のような内容が含まれていたとされます。」)
        # would only say "the following" after them: its card shows it
        return listed if _asks_for_items(question) else [first, *listed]
    if ASKS_ITEMS.search(question) and is_list_item(body, first.start, first.end):
        return _whole_list(first, passages, retriever) or chosen[:max_sentences]
    if leads_list(body, first.end) and (ASKS_ITEMS.search(question) or (
            asked_kind(question) not in _ONE_THING
            and not is_list_item(body, first.start, first.end))):
        items = _items_after(first, passages, retriever)
        # asked for the list outright (not 全部で何項目, a count), its items are the answer
        # and the statement leading to it their context: 「…利益を得ているのは確実です。」
        # after the gains
        outright = asks_a_list(question) and asked_kind(question) not in _ONE_THING
        return [*items, first] if items and outright else [first, *items]
    return [first, *[c for c in chosen[1:] if not _filler(c, retriever)][: max_sentences - 1]]


def _asks_for_items(question: str) -> bool:
    """Asked for a list's items (or what something holds: 中身, 内容), not how many
    there are or one of a kind."""
    return bool(asks_a_list(question) or ASKS_ITEMS.search(question)
                or _ASKS_CONTENTS.search(question)) and asked_kind(question) not in _ONE_THING


_ASKS_CONTENTS = re.compile(r"中身|内容|\bwhat(?:'s| is| was)(?: actually| exactly)? in\b|"
                            r"\bcontents?\b", re.I)


def _filler(candidate: Candidate, retriever: HybridRetriever) -> bool:
    """A runner-up that would only pad the answer (reader_rules.is_filler)."""
    body = retriever.articles[candidate.article_id].body
    return is_filler(Placed(body[candidate.start : candidate.end], candidate.passage.section))


def _items_after(first: Candidate, passages: list[Passage], retriever: HybridRetriever
                 ) -> list[Candidate]:
    """The items of the list that follows `first` in its article."""
    body = retriever.articles[first.article_id].body
    following = retriever.following_sentences(first.article_id, first.end, LIST_ITEMS)
    return _leading_items(body, [Candidate(p.article_id, *p.sentences[0],
                                           holder(p, passages), first.rank)
                                 for p in following])


def _leading_items(body: str, items: list[Candidate]) -> list[Candidate]:
    """The continuation sentences up to the end of the list they start."""
    listed = []
    for item in items:
        if not is_list_item(body, item.start, item.end):
            break
        listed.append(item)
    return listed


def _whole_list(item: Candidate, passages: list[Passage], retriever: HybridRetriever
                ) -> list[Candidate]:
    """Every item of the list `item` belongs to, first to last: the items are what was
    asked for, so the sentence that leads into the list is not quoted before them."""
    body = retriever.articles[item.article_id].body
    start, _ = list_head(retriever, item.article_id, item.start)
    head = Candidate(item.article_id, start, end_of_sentence(retriever, item.article_id, start),
                     item.passage, item.rank)
    following = retriever.following_sentences(item.article_id, head.end, LIST_ITEMS)
    rest = [Candidate(p.article_id, *p.sentences[0], holder(p, passages), item.rank)
            for p in following]
    return [head, *_leading_items(body, rest)]


def lists_as_one_quote(chosen: list[Candidate], retriever: HybridRetriever
                       ) -> list[Candidate]:
    """Consecutive items of one list, with the sentence announcing it when it comes right
    before them, as one quote: the list as the article writes it, markers and all
    (「- ウクライナ領土の保全と…\n- 東部占領地域・クリミアの位置付け\n- …」), one citation
    and one card — what answers 「障壁は何？」 is the whole list, not its first line."""
    merged: list[Candidate] = []
    for candidate in chosen:
        if merged and _continues_list(merged[-1], candidate, retriever):
            merged[-1] = _spanning(merged[-1], candidate, retriever)
        else:
            merged.append(candidate)
    return merged


_BETWEEN_ITEMS = re.compile(r"\s*(?:[-*+•・●◆■□▪]|\d{1,3}[.)、])?[ \t]*")


def _continues_list(before: Candidate, item: Candidate, retriever: HybridRetriever) -> bool:
    """Whether `item` is the list item right after `before` (an item of that list or the
    sentence announcing it), with only line breaks and a marker between them."""
    if item.article_id != before.article_id or item.start <= before.end:
        return False
    body = retriever.articles[item.article_id].body
    return is_list_item(body, item.start, item.end) \
        and bool(_BETWEEN_ITEMS.fullmatch(body, before.end, item.start)) \
        and "\n" in body[before.end : item.start] \
        and (is_list_item(body, before.start, before.end) or leads_list(body, before.end)
             or announces_list(body[before.start : before.end]))


def _spanning(first: Candidate, last: Candidate, retriever: HybridRetriever) -> Candidate:
    """One candidate from `first`'s start (its line's, marker included, for an item) to
    `last`'s end, quoted with a passage widened to hold both."""
    body = retriever.articles[first.article_id].body
    start = body.rfind("\n", 0, first.start) + 1 \
        if is_list_item(body, first.start, first.end) else first.start
    one, other = first.passage, last.passage
    passage_start, passage_end = min(one.start, other.start, start), max(one.end, other.end)
    passage = replace(one, start=passage_start, end=passage_end,
                      text=body[passage_start:passage_end],
                      sentences=tuple(sorted(set(one.sentences) | set(other.sentences))))
    return Candidate(first.article_id, start, last.end, passage, first.rank)


# -- summaries and opinions -------------------------------------------------------------
SUMMARY_ARTICLES = 2  # articles summarised when the question names no scope
# 「記事を要約して」 asks for the whole article even when the question has a topic word
_WHOLE_ARTICLE = re.compile(r"記事|全体|全文|ニュース|\barticles?\b|\bwhole\b|\bstory\b", re.I)


def summary_scope(found: Retrieval, retriever: HybridRetriever,
                  article_ids: Collection[str] | None, specific: bool,
                  title_words: Collection[str] = ()) -> list[str]:
    """The articles a summary covers: the reader's scope; else those of the best passages
    whose title has most of `title_words` (the question's focus, or an English question's
    Japanese terms); else, for a question about
    something in particular, the articles of the best passages; else every article of a
    small corpus (a teacher's handful)."""
    if article_ids is not None:
        return [i for i in article_ids if i in retriever.articles]
    ranked = list(dict.fromkeys(p.article_id for p in found.passages))
    named = {i: sum(term in normalise(retriever.articles[i].title) for term in set(title_words))
             for i in ranked}
    most = max(named.values(), default=0)
    titled = [i for i in ranked if most and named[i] == most]
    if titled:  # 「和平交渉の記事をまとめて」: the article whose title says most of it
        return titled[:SUMMARY_ARTICLES]
    if specific or len(retriever.articles) > 3:
        return ranked[:SUMMARY_ARTICLES] or sorted(retriever.articles)[:SUMMARY_ARTICLES]
    return sorted(retriever.articles, key=lambda i: (i not in ranked, ranked.index(i)
                                                     if i in ranked else 0, i))


def _point_candidates(points: list[KeyPoint], retriever: HybridRetriever) -> list[Candidate]:
    return [Candidate(p.article_id, p.start, p.end,
                      passage_at(retriever, p.article_id, p.start, p.end), 0) for p in points]


def section_words(found: Retrieval) -> list[str]:
    """An English question's Japanese terms that may name a part of the page ("the analysis
    section" → 分析), not those of the request itself ("summarize" → 総括, a heading too)."""
    if found.expansion is None:
        return []
    return [t.text for t in found.expansion.terms if intent(t.source) != "summary"]


def _summary_points(question: str, article_id: str, found: Retrieval,
                    retriever: HybridRetriever, topic: bool,
                    section: tuple[int, int] | None) -> list[KeyPoint]:
    """The key points of `section`, the part of the article the question names (「考察・分析
    のところ」: named_section), or of its closing section when asked for its conclusion,
    else of the article or, for a summary of one matter, those of the sections its best
    passages are in (whole-article key points when none of them is here)."""
    article, roles = retriever.articles[article_id], retriever.roles(article_id)
    section = section or (closing_section(article, roles) if asks_conclusion(question)
                          else None)
    if section is not None:
        return section_points(article, section, roles)
    offsets = [p.start for p in found.passages[:3] if p.article_id == article_id]
    if topic and offsets:
        return topic_points(article, offsets, roles)
    return key_points(article, roles)


def summary_answer(question: str, query: str, language: str, found: Retrieval,
                   retriever: HybridRetriever, article_ids: Collection[str] | None,
                   specific: bool) -> Answer:
    """The key points of the articles in scope, one block per article, each cited."""
    topic = specific and not _WHOLE_ARTICLE.search(question)
    words = section_words(found)
    focus = [term.text for term in question_focus(question)] if language == "ja" else words
    scope = summary_scope(found, retriever, article_ids, specific, focus)
    named = {i: named_section(retriever.articles[i], question, words) for i in scope}
    blocks = [(retriever.articles[i], _summary_points(question, i, found, retriever, topic,
                                                      named[i]))
              for i in [i for i in scope if named[i]] or scope]
    blocks = [(article, points) for article, points in blocks if points]
    candidates = [c for _, points in blocks for c in _point_candidates(points, retriever)]
    if not candidates:
        return decline(question, query, language, found.passages)
    citations = with_roles(cite_sentences(candidates, lambda a: retriever.articles[a].body),
                           retriever)
    parts, n = [], 0
    for article, points in blocks:
        quotes = citations[n : n + len(points)]
        n += len(points)
        numbered = join_cited([c.quote for c in quotes], language,
                              quotes[0].n if quotes else 1)
        parts.append(f"【{article.title}】\n{numbered}" if len(blocks) > 1 else numbered)
    sentences = [AnswerSentence(c.quote, (c.n,)) for c in citations]
    return Answer(question, query, "\n\n".join(parts), False, citations, language,
                  found.passages, sentences=sentences, intent="summary")


def judgements_first(chosen: list[Candidate], retriever: HybridRetriever,
                     on_topic: Callable[[str], bool] = lambda _: True,
                     future: bool = False) -> list[Candidate]:
    """The best-matching analysis sentences that pass judgement (疑問, 限界, 懸念…) before
    those that only describe, each group in its order: asked "what do you think?", a
    reader wants the article's verdict first and its background after. A sentence about
    what the question asks of (`on_topic`: 「このリーク、どう思う？」 → リーク) comes before
    one that isn't, however much that one judges. A sentence announcing a list
    (「…次のような内容が含まれていたとされます。」) and the list's items judge nothing:
    they come last. Asked what will happen (`future`: 「この先…と思う？」 "will Europe…?"),
    a sentence that looks ahead (可能性, 見通し, 「…につながる」) is the verdict first."""
    def order(candidate: Candidate) -> tuple[bool, bool, bool, bool]:
        body = retriever.articles[candidate.article_id].body
        text = body[candidate.start:candidate.end]
        listing = announces_list(text) or is_list_item(body, candidate.start, candidate.end)
        return (listing, not on_topic(text), future and not _LOOKS_AHEAD.search(text),
                not judges(text))
    return sorted(chosen, key=order)


# a question about what comes next, and a sentence that says what may come
_ASKS_FUTURE = re.compile(r"この先|今後|将来|これから|行く行く|\bwill\b|\bgoing to\b|"
                         r"\bin the future\b|\bfrom now on\b", re.I)
# (as the sentence's own statement, at its end: not 「…接近している可能性に強い懸念を示し」)
_LOOKS_AHEAD = re.compile(r"(?:可能性|見通し|恐れ|おそれ|見込み)(?:が|も)(?:あ|高|強|大き)"
                          r"[^。、]*。?\s*$|"
                          r"(?:でしょう|だろう|かもしれ(?:ません|ない))[。]?\s*$|"
                          r"(?:予想|予測)され[^。、]*。?\s*$")


def names_topic(question: str, found: Retrieval) -> Callable[[str], bool]:
    """Whether a sentence holds one of the things the question is about (an English
    question's by their Japanese terms): not its names — a verdict on someone's way
    (「ウィトコフのやり方は正しかった？」) seldom repeats his name."""
    if found.expansion is not None:
        things = [t.text for t in found.expansion.terms if t.kind != "name"]
    else:
        things = [form for t in question_focus(question) if not t.is_name
                  for form in (t.text, t.normalized)]
    return lambda text: any(thing in text for thing in things)


def opinion_answer(question: str, query: str, language: str, question_vector: np.ndarray,
                   found: Retrieval, retriever: HybridRetriever,
                   article_ids: Collection[str] | None, specific: bool) -> Answer:
    """A plain sentence that the assistant has no opinion of its own, then the articles'
    own analysis: the analysis sentences that match the question best, else the analysis
    sections' key points."""
    analysis = [replace(p, sentences=tuple(s for s in p.sentences
                                           if retriever.role_at(p.article_id, s[0]) == "analysis"))
                for p in found.passages]
    analysis = [p for p in analysis if p.sentences]
    chosen = _ranked(question, query, language, question_vector, analysis, found, retriever,
                     OPINION_POOL) if specific and analysis else []
    chosen = judgements_first(chosen, retriever, names_topic(question, found),
                              bool(_ASKS_FUTURE.search(question)))
    if not chosen:
        points = [point for i in summary_scope(found, retriever, article_ids, specific)
                  for point in analysis_points(retriever.articles[i], retriever.roles(i), 2)]
        chosen = _point_candidates(points[:3], retriever)
    if not chosen:
        return decline(question, query, language, found.passages, NO_ANALYSIS[language])
    citations = with_roles(cite_sentences(chosen[:3], lambda a: retriever.articles[a].body),
                           retriever)
    return cited_answer(question, query, language, citations, found.passages,
                        preface=NO_OPINION[language], intent="opinion")
