"""Compare sources: how each article states the thing a question asks about, side by side.

A news-literacy lesson needs to see where outlets differ (one seed article calls Trump
トランプ元大統領 and speaks of the バイデン政権 for the very weeks the other calls him
トランプ大統領).
For a question, each article's best sentence is chosen by the same retrieval and sentence
scorer the answers use (limited to that article); the first article's sentence is the
*anchor*, and in every other article the sentence that states the same thing (the most
similar once its dates, numbers and names are masked) is shown instead of its own best
when there is one. The dates, numbers, names and titles of the shown sentences are
compared: a value one sentence has and the other lacks is highlighted, and when both
sentences state the same thing and each has a value of one kind the other lacks, the
sources *differ* and the result says so plainly. A name with two different titles
(トランプ元大統領 / トランプ大統領) differs whatever the sentences say.

Values are compared by their normalised text occurring in the other sentence, not by
equal token sets, so a reordered or reworded copy with the same facts (bench/
compare_planted.py) is not flagged; figures in bench/RESULTS.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .answer import passages_for, with_roles
from .citations import CitationList
from .corpus import detect_language
from .results import Citation
from .retrieval import HybridRetriever, Retrieval
from .sentences import Candidate, candidate_sentences, score_sentences

Kind = Literal["date", "number", "name", "title"]
Status = Literal["compared", "nothing_to_compare", "declined"]
KINDS: tuple[Kind, ...] = ("date", "number", "name", "title")
COMPARED_ARTICLES = 2  # side by side: two columns in the chat
ROWS = 3  # of the first article's best sentences, each beside its counterparts
SAME_STATEMENT = 0.5  # masked character-bigram Dice at which two sentences state one thing
_MASK = "□"
ALIGN_SHORTLIST = 5  # sentences of another article tried as the anchor's counterpart
MAX_SENTENCES = 100_000

_DIGIT = "0-9０-９"
_KANJI_DIGIT = "〇一二三四五六七八九十百千"
_DATE = re.compile(
    rf"(?:(?:紀元前|西暦|明治|大正|昭和|平成|令和)?[{_DIGIT}{_KANJI_DIGIT}元]+年"
    rf"(?:[{_DIGIT}{_KANJI_DIGIT}]+月(?:[{_DIGIT}{_KANJI_DIGIT}]+日)?)?"
    rf"|[{_DIGIT}{_KANJI_DIGIT}]+月(?:[{_DIGIT}{_KANJI_DIGIT}]+日)?"
    rf"|[{_DIGIT}]+日|[{_DIGIT}{_KANJI_DIGIT}]+世紀)(?:[上中下]旬|初頭|末)?"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)(?: \d{1,2})?(?:, \d{4})?|\b(?:1[5-9]|20)\d\d\b")
_NUMBER = re.compile(rf"[{_DIGIT}](?:[{_DIGIT},，.．]*[{_DIGIT}])?(?:[万億兆])?"
                     r"(?:[%％]|[^\s\d、。，,．.「」『』（）()・0-9０-９ぁ-ゖ]?)")
_KATAKANA_NAME = re.compile(r"[ァ-ヴー]{2,}(?:・[ァ-ヴー]{2,})*")
_ENGLISH_NAME = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?: [A-Z][a-z]+)*(?![A-Za-z])")
_TITLE = re.compile(
    r"(?:元|前|現|次期)?(?:米国?|ロシア|露|日本|英国?|中国)?"
    r"(?:副大統領|大統領|首相|総理大臣?|国務長官|長官|大臣|外相|特使|政権|陣営|外交顧問|顧問|"
    r"議員|知事|市長|社長|会長|代表|監督|政府)")
_TITLE_KEY = str.maketrans({"前": "元"})
_TITLE_PLACE = re.compile(r"米国?|ロシア|露|日本|英国?|中国")


@dataclass(frozen=True)
class Value:
    """A date, number, name or title in a compared sentence: article body[start:end]."""

    kind: Kind
    article_id: str
    text: str
    start: int
    end: int
    key: str  # normalised: what is looked for in the other sentence
    holder: str = ""  # for a title, the name it belongs to

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "text": self.text, "start": self.start,
                "end": self.end}


@dataclass(frozen=True)
class Difference:
    """Values of one kind that the compared sentences don't share. `conflict`: both
    sentences state the same thing and give different values for it."""

    kind: Kind
    values: tuple[Value, ...]
    conflict: bool

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": [v.to_dict() for v in self.values],
                "conflict": self.conflict}


@dataclass(frozen=True)
class ComparedArticle:
    """One article's sentences in the comparison, one per row; `same_statement[i]`: its
    sentence of row i states the same thing as the first article's (always true of the
    first article)."""

    article_id: str
    citations: tuple[Citation, ...]
    same_statement: tuple[bool, ...]
    similarity: tuple[float, ...]  # to the first article's sentence, values masked

    @property
    def citation(self) -> Citation:
        return self.citations[0]

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "citation": asdict(self.citation),
                "citations": [asdict(c) for c in self.citations],
                "same_statement": list(self.same_statement),
                "similarity": [round(x, 3) for x in self.similarity]}


@dataclass(frozen=True)
class Comparison:
    question: str
    language: str
    status: Status
    articles: tuple[ComparedArticle, ...]
    differences: tuple[Difference, ...]

    @property
    def sources_differ(self) -> bool:
        return any(d.conflict for d in self.differences)

    @property
    def message(self) -> str:
        """What to say plainly above the columns."""
        return comparison_message(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `assistant compare --json`."""
        return {
            "question": self.question,
            "status": self.status,
            "message": self.message,
            "sources_differ": self.sources_differ,
            "articles": [a.to_dict() for a in self.articles],
            "differences": [d.to_dict() for d in self.differences],
        }


_KIND_NAMES = {"ja": {"date": "日付", "number": "数値", "name": "名前", "title": "肩書き"},
               "en": {"date": "date", "number": "number", "name": "name", "title": "title"}}


def comparison_message(comparison: Comparison) -> str:
    ja = comparison.language == "ja"
    if comparison.status == "declined":
        return ("記事には、この質問について比べられる記述が見つかりませんでした。" if ja
                else "The articles don't say anything to compare on this question.")
    if comparison.status == "nothing_to_compare":
        return ("比べる記事がありません：この質問に答える記事は1件だけです。" if ja
                else "Nothing to compare: only one article speaks to this question.")
    conflicts = [d for d in comparison.differences if d.conflict]
    if conflicts:
        names = _KIND_NAMES["ja" if ja else "en"]
        parts = [f"{names[d.kind]}: {' / '.join(v.text for v in d.values)}" for d in conflicts]
        head = "出典によって記述が異なります" if ja else "Sources differ"
        return f"{head}（{'、'.join(parts)}）" if ja else f"{head} ({'; '.join(parts)})"
    if not all(a.same_statement[0] for a in comparison.articles):
        return ("記事ごとに別のことを述べています（食い違いではありません）。" if ja
                else "The articles say different things here (not a contradiction).")
    return ("記事の記述に食い違いは見つかりませんでした。" if ja
            else "The articles agree on this (no differing dates, numbers or names).")


# -- values -------------------------------------------------------------------------------
def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(",", "").lower()


class ValueReader:
    """Finds the values of sentences; holds one SudachiPy tokenizer (not shared between
    threads: create one per comparison)."""

    def __init__(self) -> None:
        from sudachipy import SplitMode

        from .keyword import sudachi_dictionary

        self._tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.C)

    def values(self, article_id: str, text: str, offset: int) -> list[Value]:
        """The dates, numbers, names and titles of `text`, which starts at `offset`."""
        found: list[Value] = []
        taken = [False] * len(text)

        def add(kind: Kind, start: int, end: int, key: str, holder: str = "") -> None:
            if end > start and not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append(Value(kind, article_id, text[start:end], offset + start,
                                   offset + end, key, holder))

        for name_start, name_end in self._name_spans(text):
            title = _TITLE.match(text, name_end)
            if title:
                holder = normalised(text[name_start:name_end]).split("・")[-1]
                key = _TITLE_PLACE.sub("", title.group().translate(_TITLE_KEY))
                add("title", title.start(), title.end(), key, holder)
        for match in _DATE.finditer(text):
            add("date", match.start(), match.end(), normalised(match.group()))
        for match in _NUMBER.finditer(text):
            add("number", match.start(), match.end(), normalised(match.group()))
        for name_start, name_end in self._name_spans(text, proper_only=True):
            add("name", name_start, name_end, normalised(text[name_start:name_end]))
        return sorted(found, key=lambda v: v.start)

    def _name_spans(self, text: str, proper_only: bool = False) -> list[tuple[int, int]]:
        """Runs of proper nouns (SudachiPy), and, unless `proper_only`, katakana words
        (トランプ is a common noun to SudachiPy: a name only when a title follows)."""
        spans: list[tuple[int, int]] = []
        for morpheme in self._tokenizer.tokenize(text):
            if morpheme.part_of_speech()[1] != "固有名詞":
                continue
            start, end = morpheme.begin(), morpheme.end()
            if spans and spans[-1][1] in (start, start - 1) and (
                    spans[-1][1] == start or text[start - 1] == "・"):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        if not proper_only:
            spans += [m.span() for m in _KATAKANA_NAME.finditer(text)]
        japanese = detect_language(text) == "ja"  # no sentence-initial capital there
        spans += [m.span() for m in _ENGLISH_NAME.finditer(text) if japanese or m.start() > 0]
        return spans


def occurrences(key: str, text: str) -> int:
    """How often a value's key is in a normalised text, a number not inside a longer one."""
    pattern = re.escape(key)
    if key[:1].isdigit():
        pattern = r"(?<![0-9.])" + pattern
    if key[-1:].isdigit():
        pattern += r"(?![0-9])"
    return len(re.findall(pattern, text))


def occurs(key: str, text: str) -> bool:
    return occurrences(key, text) > 0


def unmatched(values: list[Value], kind: Kind, other_text: str) -> list[Value]:
    """The values of a kind the other sentence lacks: a key written twice here and once
    there lacks one (「日本が…日本の協力」 / 「日本が…平岩弓枝の協力」)."""
    seen: dict[str, int] = {}
    lacking = []
    for value in values:
        if value.kind != kind:
            continue
        seen[value.key] = seen.get(value.key, 0) + 1
        if seen[value.key] > occurrences(value.key, other_text):
            lacking.append(value)
    return lacking


def masked(text: str, values: list[Value], offset: int) -> str:
    """The sentence with its values replaced by one mark each (what is left is what it
    says about them)."""
    out, at = [], 0
    for value in values:
        out += [text[at : value.start - offset], _MASK]
        at = value.end - offset
    out.append(text[at:])
    return normalised("".join(out))


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s、。，,．.・「」『』（）()]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams (order-free: a reordered clause still counts)."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def differences(first: list[Value], first_text: str, other: list[Value], other_text: str,
                same_statement: bool) -> list[Difference]:
    """The values of each kind that one sentence has and the other lacks; a conflict
    when both sentences state the same thing and each lacks one of the other's."""
    a_text, b_text = normalised(first_text), normalised(other_text)
    found = []
    kinds: tuple[Kind, ...] = ("date", "number", "name")
    for kind in kinds:
        a_only = unmatched(first, kind, b_text)
        b_only = unmatched(other, kind, a_text)
        if a_only or b_only:
            found.append(Difference(kind, tuple(a_only + b_only),
                                    same_statement and bool(a_only) and bool(b_only)))
    titles = [(a, b) for a in first for b in other if a.kind == b.kind == "title"
              and a.holder == b.holder and a.key != b.key]
    if titles:
        found.append(Difference("title", tuple(dict.fromkeys(v for pair in titles
                                                             for v in pair)), True))
    return found


# -- choosing the sentences ---------------------------------------------------------------
@dataclass(frozen=True)
class Shown:
    """The sentence shown for one article, and its values."""

    candidate: Candidate
    text: str
    values: list[Value]
    same_statement: bool
    similarity: float


def best_per_article(question: str, language: str, found: Retrieval,
                     retriever: HybridRetriever, limit: int) -> list[list[Candidate]]:
    """Each article's best sentences (the answers' scorer, ranked within the article), the
    articles in the order of their best passage, at most `limit`."""
    passages = passages_for(question, found.passages, retriever)
    articles = list(dict.fromkeys(p.article_id for p in passages))[:limit]
    candidates = [c for article_id in articles for c in candidate_sentences(
        [p for p in passages if p.article_id == article_id])]
    if not candidates:
        return []
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    scores = score_sentences(question, language, found.query_vector, candidates, vectors,
                             retriever)
    ranked = sorted(zip(scores.tolist(), range(len(candidates)), strict=True), reverse=True)
    return [[candidates[i] for _, i in ranked if candidates[i].article_id == article_id]
            for article_id in articles]


def counterpart(anchor: Shown, article_best: Candidate, retriever: HybridRetriever,
                reader: ValueReader) -> Shown | None:
    """The sentence of `article_best`'s article that states what the anchor states (the
    most similar with values masked, if similar enough), else None. Only the few most
    similar as written are masked (SudachiPy on every sentence would cost ~5 ms each)."""
    anchor_masked = masked(anchor.text, anchor.values, anchor.candidate.start)
    body = retriever.articles[article_best.article_id].body
    sentences = retriever.following_sentences(article_best.article_id, 0, MAX_SENTENCES)
    likely = sorted(sentences, key=lambda p: -similarity(
        anchor.text, body[p.sentences[0][0] : p.sentences[0][1]]))[:ALIGN_SHORTLIST]
    shortlist = [Candidate(article_best.article_id, *p.sentences[0], p, article_best.rank)
                 for p in likely if p.sentences[0] != (article_best.start, article_best.end)]
    scored = [(_masked_similarity(anchor_masked, c, body, reader), c)
              for c in [article_best, *shortlist]]
    score, chosen = max(scored, key=lambda pair: pair[0])
    if score < SAME_STATEMENT:
        return None
    return shown_sentence(chosen, body, reader, True, score)


def shown_sentence(candidate: Candidate, body: str, reader: ValueReader, same: bool,
                   score: float) -> Shown:
    text = body[candidate.start : candidate.end]
    return Shown(candidate, text, reader.values(candidate.article_id, text, candidate.start),
                 same, score)


def _masked_similarity(anchor_masked: str, candidate: Candidate, body: str,
                       reader: ValueReader) -> float:
    text = body[candidate.start : candidate.end]
    values = reader.values(candidate.article_id, text, candidate.start)
    return similarity(anchor_masked, masked(text, values, candidate.start))


def aligned_rows(best: list[list[Candidate]], retriever: HybridRetriever,
                 reader: ValueReader) -> list[list[Shown]]:
    """Rows of sentences, one per article: the first article's best sentences (at most
    ROWS), each with its counterpart in every other article. The first row falls back to
    an article's own best sentence (saying they state different things); a later row
    without a counterpart everywhere is left out."""
    rows = []
    for n, top in enumerate(best[0][:ROWS]):
        anchor = shown_sentence(top, retriever.articles[top.article_id].body, reader, True, 1.0)
        row = [anchor]
        for other in best[1:]:
            found = counterpart(anchor, other[0], retriever, reader)
            if found is None and n == 0:
                body = retriever.articles[other[0].article_id].body
                anchor_masked = masked(anchor.text, anchor.values, top.start)
                found = shown_sentence(other[0], body, reader, False, _masked_similarity(
                    anchor_masked, other[0], body, reader))
            if found is None:
                break
            row.append(found)
        if len(row) == len(best):
            rows.append(row)
    return rows


def compare_found(question: str, language: str, found: Retrieval, retriever: HybridRetriever,
                  limit: int = COMPARED_ARTICLES) -> Comparison:
    """The comparison of the articles `found` for a question that is not declined."""
    best = best_per_article(question, language, found, retriever, limit)
    if not best:
        return Comparison(question, language, "declined", (), ())
    rows = aligned_rows(best, retriever, ValueReader())
    cited = CitationList(lambda a: retriever.articles[a].body)
    numbers = [[cited.cite(s.candidate.passage, s.candidate.start, s.candidate.end)
                for s in row] for row in rows]
    citations = with_roles(cited.citations, retriever)
    articles = tuple(ComparedArticle(
        article[0].article_id,
        tuple(citations[numbers[r][i] - 1] for r in range(len(rows))),
        tuple(rows[r][i].same_statement for r in range(len(rows))),
        tuple(rows[r][i].similarity for r in range(len(rows))))
        for i, article in enumerate(best))
    if len(best) < 2:
        return Comparison(question, language, "nothing_to_compare", articles, ())
    found_differences = [d for row in rows for other in row[1:] for d in differences(
        row[0].values, row[0].text, other.values, other.text, other.same_statement)]
    return Comparison(question, language, "compared", articles, tuple(found_differences))
