"""English questions over Japanese articles: where the dictionary and name terms of
crosslingual.py enter the answer. One object per loaded revision (`EnglishReader`), built
by qa.Assistant and handed to the retriever, so every English question — and the English
background questions the decline rule is calibrated on — is searched the same way:

- **search**: the question's Japanese terms (`Expansion`) are scored by BM25 one by one and
  summed with their weights, in place of BM25 over the raw English words (which match
  almost nothing in Japanese text); the dense side stays, fused as for any question;
- **declining**: a capitalised word of the question that the corpus has no term for
  (Zelensky, Canada) or a name none of the articles in scope mentions is a missing name,
  declined as in Japanese (focus.py); a missing content word raises the bar, every word
  found lowers it (refusal.DeclineRule.threshold, `english_coverage`);
- **sentence choice**: candidates are ranked by e5 similarity plus how much of the question
  their text covers (`Expansion.coverage`, a phrase found whole counting once; the
  sentence before it counts at half weight when the text goes on about it, 「通話は…」) plus
  their passage's retrieval score, see `rank_english`.

The corpus's terms (SudachiPy words and romanised names, `CorpusTerms`) are worked out
when a revision is first loaded and saved in its search folder (0.2 s for the seed
articles; later starts read them), so a question costs milliseconds. Without jamdict-data
(the `english` extra) there is no reader and English questions are answered as before
(dense retrieval, e5 sentence ranking).
"""

from __future__ import annotations

import contextlib
import math
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .reader_rules import ASKS_ORGANIZATION_EN

if TYPE_CHECKING:
    from .corpus import Article
    from .crosslingual import CorpusTerms, EnglishToJapanese, Expansion, Glosser
    from .focus import FocusTerm
    from .keyword import KeywordIndex
    from .refusal import Coverage
    from .results import Answer, Citation, Passage, ShortAnswer
    from .retrieval import HybridRetriever
    from .sentences import Candidate
    from .synonyms import JapaneseSynonyms

CORPUS_TERMS_FILE = "corpus-terms-v2.json"
# of how English questions are expanded and ranked: part of the saved decline background's
# key (its English questions are searched with the terms), so a change measures it again
EXPANSION_VERSION = 14
PARTS = ("dictionary", "names", "dense")
COVERAGE_WEIGHT = 1.0  # of the coverage z-score against e5's, when ranking sentences
CUE_WEIGHT = 0.5  # added for a sentence with the cue of the answer asked for
# of a question word only the sentence before has, in a sentence's coverage (0.3 and 0.6
# measured the same on the English tune halves: 48 → 50 of 75 in [1])
CONTEXT_WEIGHT = 0.5
# a follow-up's own words count this many times those it borrows from the question before
OWN_WORDS_WEIGHT = 2.0
# passages whose sentences are ranked: more than a Japanese question's 3 (sentences.py), as
# English matches passages less surely and the sentence ranking weighs the terms again
CANDIDATE_PASSAGES = 4
PENALTY_WEIGHT = 0.5  # of reader_rules' corrections (the trees' log-odds units) in the z-sum
_PERSON_NOUNS = (r"person|people|envoy|officials?|advis[eo]r|president|minister|leaders?|spy|"
                 r"author|writer|journalist|agency|administration|politician|diplomat|aide|"
                 r"secretary|chancellor|commenters?")
_PLACE_NOUNS = r"city|cities|country|countries|regions?|places?|states?|areas?|capital|office"
_ASKED_KINDS = (
    (re.compile(r"^\s*when\b|\bwhen (?:did|was|is|were|will|does|do)\b|"
                r"\b(?:what|which) (?:date|day|month|year|time|period)\b|"
                r"\b(?:until|since|by) when\b", re.I), "date"),
    # a count of countries, which a list of them answers too (reader_rules.gives_countries)
    (re.compile(r"\bhow many (?:countries|nations|states|governments|powers)\b|"
                r"\bnumber of (?:countries|nations)\b", re.I), "countries"),
    (re.compile(r"\bhow many\b|\bhow much\b|\bnumber of\b", re.I), "count"),
    (re.compile(rf"\bwho(?:m|se)?\b|\b(?:which|what) (?:[a-z]+ )?(?:{_PERSON_NOUNS})\b",
                re.I), "person"),
    (re.compile(ASKS_ORGANIZATION_EN, re.I), "organization"),
    (re.compile(rf"\bwhere\b|\b(?:which|what) (?:[a-z]+ )?(?:{_PLACE_NOUNS})\b", re.I),
     "place"),
    (re.compile(r"\bwhy\b|\bfor what reason\b|\bwhat (?:is|was|are|were) the reasons?\b",
                re.I), "reason"),
)
_DATE_CUE = re.compile(r"\d+年|\d+月|\d+日|上旬|中旬|下旬|先月|今月|昨年|今年|週")
_CUES = (
    (re.compile(r"^\s*why\b|\bwhy (?:is|are|was|were|did|does|do|has|have)\b|\breason", re.I),
     re.compile(r"理由|背景|ため|から|狙い|目的|とされ|考えられ")),
    (re.compile(r"^\s*when\b|\b(?:what|which) (?:date|day|year|month|time)\b|"
                r"\bwhen (?:did|was|is|were|will)\b|\b(?:until|since|by) when\b", re.I),
     _DATE_CUE),
    (re.compile(r"\bhow (?:many|much|long)\b|\bnumber of\b", re.I),
     re.compile(r"\d|[一二三四五六七八九十百千万]+(?:人|か国|カ国|項目|年|日|回|件)|無期限|数")),
)


@dataclass(frozen=True)
class EnglishParts:
    """Which parts answer English questions (ASSISTANT_ENGLISH_PARTS; for measuring each)."""

    dictionary: bool = True
    names: bool = True
    dense: bool = True

    @classmethod
    def parse(cls, text: str) -> EnglishParts:
        chosen = {part.strip() for part in text.split(",") if part.strip()}
        return cls("dictionary" in chosen, "names" in chosen, "dense" in chosen)

    @property
    def expands(self) -> bool:
        return self.dictionary or self.names


def english_tag(reader: EnglishReader | None) -> str:
    """What English questions are searched with, for the decline background's key."""
    if reader is None:
        return "english:none"
    parts = ",".join(p for p in PARTS if getattr(reader.parts, p))
    return f"english:v{EXPANSION_VERSION}:{parts}"


def _japanese_texts(articles: Mapping[str, Article]) -> list[str]:
    return [f"{a.title}\n{a.body}" for a in articles.values() if a.language == "ja"]


def default_cache_dir() -> Path:
    """The user's cache folder for the dictionary tables (one copy for every index)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assistant"


def corpus_terms(folder: Path, articles: Mapping[str, Article]) -> CorpusTerms:
    """The saved terms of this revision, or (an index written before they were saved)
    worked out now and saved for the next start."""
    from .crosslingual import CorpusTerms

    path = folder / CORPUS_TERMS_FILE
    try:
        return CorpusTerms.load(path)
    except (OSError, ValueError, KeyError, TypeError):
        terms = CorpusTerms.from_texts(_japanese_texts(articles))
        with contextlib.suppress(OSError):  # a read-only index: worked out at each start
            terms.save(path)
        return terms


class EnglishReader:
    """Expands English questions over one revision's Japanese articles (read-only, shared
    by threads: the dictionary tables lock their connection, caches are per instance)."""

    def __init__(self, expander: EnglishToJapanese, glosser: Glosser,
                 parts: EnglishParts, synonyms: JapaneseSynonyms | None = None) -> None:
        self.expander = expander
        self.glosser = glosser
        self.parts = parts
        # the same dictionary for a Japanese reader's own words (synonyms.py)
        self.synonyms = synonyms

    @classmethod
    def open(cls, cache_dir: Path, search_folder: Path, articles: Mapping[str, Article],
             parts: EnglishParts) -> EnglishReader | None:
        """None when no article is Japanese, no part is chosen, or jamdict-data is not
        installed (the dictionary tables are derived once into `cache_dir`, ~25 s)."""
        if not parts.expands or not any(a.language == "ja" for a in articles.values()):
            return None
        from .crosslingual import EnglishToJapanese, Glosser
        from .jmdict import DictionaryUnavailable, JMdictTables

        try:
            tables = JMdictTables.open(cache_dir)
        except (DictionaryUnavailable, OSError, sqlite3.Error):
            return None  # no dictionary, or no room for its tables: as without the extra
        from .synonyms import JapaneseSynonyms

        corpus = corpus_terms(search_folder, articles)
        synonyms = JapaneseSynonyms(tables, corpus) if parts.dictionary else None
        expander = EnglishToJapanese(tables, corpus, use_dictionary=parts.dictionary,
                                     use_names=parts.names, corpus_words_for=None
                                     if synonyms is None else synonyms.kanji_sharing_words_for)
        return cls(expander, Glosser(tables), parts, synonyms)

    def expansion(self, query: str, keep_unknown: bool = False) -> Expansion | None:
        """The Japanese terms of an English query (None for a Japanese one, or when no
        word of it has a term: BM25 then runs on the query as written; with
        `keep_unknown`, a query of unknown words only is kept: a follow-up's own words for
        the decline rule)."""
        from .corpus import detect_language

        if detect_language(query) != "en" or not _reads_as_english(query):
            return None
        expansion = self.expander.expand(query)
        kept = expansion.terms or expansion.unknown_names or (keep_unknown and expansion.unknown)
        return expansion if kept else None

    def keyword_scores(self, index: KeywordIndex, expansion: Expansion) -> np.ndarray:
        from .crosslingual import weighted_keyword_scores

        return weighted_keyword_scores(index, expansion)


_FUNCTION_TEXT = """the of to and in is are was were what who when where why how which does
did do with about for from by that this it be has have been will would can could not"""
_ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def _reads_as_english(query: str) -> bool:
    """Whether a Latin-script query has an English function word: French or German is left
    to the dense search as before (their words would all be "unknown" here)."""
    import re

    return any(w in _ENGLISH_FUNCTION_WORDS for w in re.findall(r"[a-z]+", query.lower()))


def english_coverage(expansion: Expansion, texts: Sequence[str],
                     own: Expansion | None = None) -> Coverage:
    """The question's focus as the decline rule sees it: each English word or phrase that
    has terms (a name when one of them is a name), missing when no text in scope has any of
    its terms; a capitalised word the corpus has no term for is a missing name. When more
    than half of the question's own content words are missing (`own`: a follow-up's
    words without the earlier question's), it is `mostly_missing`."""
    from dataclasses import replace

    coverage = _focus_coverage(expansion, texts)
    mine = coverage if own is None else _focus_coverage(own, texts)
    mostly = bool(mine.focus) and 2 * len(mine.missing) > len(mine.focus)
    return replace(coverage, mostly_missing=mostly)


# words any question may use that tell nothing of what it is about: that the articles have
# 良い or 位置 makes "a good ramen place" no more covered
_SAYS_LITTLE = frozenset({"good", "best", "better", "nice", "great", "bad", "place", "places",
                          "stuff"})


def _focus_coverage(expansion: Expansion, texts: Sequence[str]) -> Coverage:
    from .crosslingual import term_occurs
    from .focus import FocusTerm, normalise
    from .refusal import Coverage

    by_source: dict[str, list[str]] = {}
    named: set[str] = set()
    for term in expansion.terms:
        if term.source in expansion.asked_kinds or term.source.lower() in _SAYS_LITTLE:
            continue  # "which city": the answer is a city the articles needn't call one
        by_source.setdefault(term.source, []).append(normalise(term.text))
        if term.kind == "name" and term.source[:1].isupper():
            named.add(term.source)
    focus: list[FocusTerm] = []
    missing: list[FocusTerm] = []
    for source, terms in by_source.items():
        focus_term = FocusTerm(source, source.lower(), source in named)
        focus.append(focus_term)
        if not any(term_occurs(t, text) for t in terms for text in texts):
            missing.append(focus_term)
    # a capitalised word with no term is a missing name unless another name of the question
    # is found ("Richard Sorge": the articles write リヒャルト, beyond the sound match)
    name_found = any(t.is_name and t not in missing for t in focus)
    for word in expansion.unknown:
        focus_term = FocusTerm(word, word.lower(),
                               word in expansion.unknown_names and not name_found,
                               predicate=word in expansion.unknown_predicates)
        focus.append(focus_term)
        missing.append(focus_term)
    return Coverage(tuple(focus), tuple(missing))


def choose_english(question: str, expansion: Expansion, question_vector: np.ndarray,
                   passages: list[Passage], retriever: HybridRetriever, max_sentences: int
                   ) -> list[Candidate]:
    """sentences.choose_sentences for an English question over Japanese articles: the
    candidates ranked by `rank_english`; a list announced by the best is quoted whole."""
    from dataclasses import replace

    from .sentences import Candidate, announces_list, candidate_sentences

    candidates = candidate_sentences(passages, CANDIDATE_PASSAGES)
    if not candidates:
        return []
    keys = [(c.article_id, c.start, c.end) for c in candidates]
    similarities = retriever.sentence_vectors(keys) @ question_vector
    texts = [retriever.articles[c.article_id].body[c.start : c.end] for c in candidates]
    use_dense = retriever.english is None or retriever.english.parts.dense
    corrections = reader_corrections(question, expansion, candidates, retriever)
    passage_scores = np.array([c.passage.score for c in candidates], dtype=np.float32)
    context = [sentence_context(retriever, c) for c in candidates]
    ranking = rank_english(expansion, texts, similarities, use_dense, answer_cue(question),
                           corrections, passage_scores, context)
    ranked = [candidates[i] for i in ranking]
    best = ranked[0]
    if not announces_list(retriever.articles[best.article_id].body[best.start : best.end]):
        return ranked[:max_sentences]
    following = retriever.following_sentences(best.article_id, best.end, max_sentences - 1)
    return [best, *(Candidate(p.article_id, *p.sentences[0],
                              replace(p, score=best.passage.score), best.rank)
                     for p in following)]


def own_words_first(expansion: Expansion, own: Expansion) -> Expansion:
    """A follow-up's expansion (searched with the question before it: "How did Russia
    react…? Who reported it first?") with the terms of its own words (`own`, the
    question's expansion alone) weighted OWN_WORDS_WEIGHT times: what it asks is in its
    words, the topic in the others."""
    from dataclasses import replace

    mine = {t.text for t in own.terms}
    own_terms = [t for t in expansion.terms if t.text in mine]
    if not own_terms or len(own_terms) == len(expansion.terms):
        return expansion
    return replace(expansion, terms=tuple(
        replace(t, weight=t.weight * OWN_WORDS_WEIGHT) if t.text in mine else t
        for t in expansion.terms))


def asked_kind(question: str) -> str | None:
    """What an English question asks for — "date", "countries", "count", "person",
    "organization", "place" or "reason" — by its question word, or "which/what" and the
    noun after it ("In which month…" → date, "Which envoy…" → person); the earliest such
    phrase decides ("Who… when…" → person; "how many countries" is a count of countries,
    not any count)."""
    found = [(match.start(), order, kind) for order, (asks, kind) in enumerate(_ASKED_KINDS)
             if (match := asks.search(question))]
    return min(found)[2] if found else None


def reader_corrections(question: str, expansion: Expansion, candidates: Sequence[Candidate],
                       retriever: HybridRetriever) -> np.ndarray:
    """reader_rules' corrections for each candidate (heading and list lines, rhetorical
    questions, wrap-ups, the asked kind missing; list lines up when items are asked), with
    the kind asked in English; a person or place the question names doesn't count as the
    answer (its Japanese forms, from the expansion)."""
    from .reader_rules import Placed, asking, penalty
    from .summary import is_list_item, leads_list

    asked = asking(question, asked_kind(question), frozenset(expansion.names()))
    values = []
    for c in candidates:
        body = retriever.articles[c.article_id].body
        placed = Placed(body[c.start : c.end], c.passage.section,
                        is_list_item(body, c.start, c.end) or leads_list(body, c.end))
        values.append(penalty(placed, asked))
    return np.array(values, dtype=np.float32)


def answer_cue(question: str) -> Callable[[str], bool] | None:
    """What a sentence answering this kind of question usually has: a reason for "why", a
    date for "when" (the question's words can't say that: they are the same in the
    sentence that only restates the event) — for "when", not only a news lead's report date
    unless the report is what is asked about (reader_rules.dates_more_than_the_report)."""
    from .reader_rules import asks_about_report, dates_more_than_the_report

    cue = next((cue for asks, cue in _CUES if asks.search(question)), None)
    if cue is None:
        return None
    if cue is not _DATE_CUE or asks_about_report(question):
        return lambda text: bool(cue.search(text))
    return lambda text: bool(cue.search(text)) and dates_more_than_the_report(text)


def rank_english(expansion: Expansion, texts: Sequence[str], similarities: np.ndarray,
                 use_dense: bool = True, cue: Callable[[str], bool] | None = None,
                 corrections: np.ndarray | None = None,
                 passage_scores: np.ndarray | None = None,
                 context: Sequence[str] | None = None) -> list[int]:
    """Candidate sentences for an English question, best first: z(e5 similarity) +
    COVERAGE_WEIGHT × z(coverage of the question's words by the sentence's terms) +
    CUE_WEIGHT when the sentence has the answer's cue (`answer_cue`) − PENALTY_WEIGHT ×
    reader_rules' corrections (`reader_corrections`) + the fused retrieval score of the
    best passage holding the sentence (already in z units): a sentence is read in its
    context, as the Japanese trees read `passage_score` — the passage around an answer
    often names what the question does when the answer sentence itself doesn't, and a
    sentence that shares a word or two with the question in a passage about something
    else is less likely the answer (pooled English tune: cited 57 → 59 of 75)."""
    coverage = rare_word_coverage(expansion, texts, context)
    score = _z(coverage) * COVERAGE_WEIGHT
    if corrections is not None:
        score = score - PENALTY_WEIGHT * corrections
    if cue is not None:
        score = score + CUE_WEIGHT * np.array([cue(t) for t in texts],
                                              dtype=np.float32)
    if use_dense:
        score = score + _z(similarities.astype(np.float32))
    if passage_scores is not None:
        score = score + passage_scores
    return [int(i) for i in np.argsort(-score, kind="stable")]


def rare_word_coverage(expansion: Expansion, texts: Sequence[str],
                       context: Sequence[str] | None = None) -> np.ndarray:
    """Each text's coverage of the question, a word counting by how few of the texts have
    it (log((n + 1) / (df + 0.5)), as in BM25): a word every candidate mentions (Ukraine,
    the plan) tells them apart less than the one only the answer has. With `context`
    (what each text goes on from, `sentence_context`; "" if nothing), the question's words
    only the context has count too, CONTEXT_WEIGHT each: 「通話は10月中旬に行われ…」
    answers "When did Witkoff and Ushakov talk?" because the sentence before named them."""
    covered = [_once(expansion.covered(t)) for t in texts]
    df: dict[str, int] = {}
    for words in covered:
        for word in words:
            df[word] = df.get(word, 0) + 1
    rarity = {word: math.log((len(texts) + 1) / (count + 0.5)) for word, count in df.items()}
    own = np.array([sum(w * rarity[word] for word, w in words.items()) for words in covered],
                   dtype=np.float32)
    if context is None:
        return own
    before = [_once(expansion.covered(c)) if c else {} for c in context]
    carried = np.array([sum(w * rarity.get(word, math.log(len(texts) + 1))
                            for word, w in words.items() if word not in mine)
                        for words, mine in zip(before, covered, strict=True)], dtype=np.float32)
    return own + CONTEXT_WEIGHT * carried


_TOPIC = re.compile(r"^\s*([^、。はもがをにで「」]{1,12}?)(?:は|も|では|には|について)")
_DEMONSTRATIVE = re.compile(r"^\s*(?:この|その|こうした|そうした|こういった|これ|それ|同[氏国社])")


def continues(previous: str, text: str) -> bool:
    """Whether a sentence goes on about what the one before it said: it opens with a
    demonstrative (この/その/こうした…) or with a topic the sentence before names
    (「通話は…」 after 「…通話録音が流出した」)."""
    if not previous:
        return False
    if _DEMONSTRATIVE.match(text):
        return True
    topic = _TOPIC.match(text)
    return topic is not None and len(topic.group(1)) >= 2 and topic.group(1) in previous


def sentence_context(retriever: HybridRetriever, candidate: Candidate) -> str:
    """What a candidate sentence goes on from: for a list item, its section's heading and
    the sentence that leads into the list (「ロシア: NATOの拡大阻止…」 is under 「誰が何を
    目指すのか」); for another sentence, the one before it when it goes on about that one
    (`continues`); else ""."""
    from .leading import list_head
    from .summary import is_list_item, leads_list

    body = retriever.articles[candidate.article_id].body
    if not is_list_item(body, candidate.start, candidate.end):
        before, _ = retriever.neighbour_sentences(candidate.article_id, candidate.start,
                                                  candidate.end)
        previous = body[before[0] : before[1]] if before else ""
        text = body[candidate.start : candidate.end]
        return previous if continues(previous, text) else ""
    _, before = list_head(retriever, candidate.article_id, candidate.start)
    lead_in = body[before[0] : before[1]] if before and leads_list(body, before[1]) else ""
    return f"{candidate.passage.section} {lead_in}".strip()


def _once(covered: dict[str, float]) -> dict[str, float]:
    """Covered words and phrases without the words of a covered phrase: "Russian side"
    found as ロシア側 is one match, not three ("Russian", "side" and the phrase), or a
    sentence naming the phrase outweighs one holding a word the question asks about."""
    inside = {word for source in covered if " " in source for word in source.split()}
    return {source: weight for source, weight in covered.items() if source not in inside}


def _z(values: np.ndarray) -> np.ndarray:
    std = float(values.std()) if values.size else 0.0
    if std < 1e-9 or math.isnan(std):
        return np.zeros_like(values)
    scaled: np.ndarray = (values - values.mean()) / std
    return scaled


GLOSS_LABEL = "word gloss"  # what the English under a Japanese quote is: not a translation
TRANSLATION_LABEL = "translation (checked: numbers and names)"  # a model's, see check_translation
Translate = Callable[[Sequence[str]], str]  # numbered quotes → the model's reply; LLMFailure


def for_english_reader(answer: Answer, retriever: HybridRetriever,
                       translate: Translate | None = None) -> Answer:
    """An answer to an English question quoting Japanese articles, made readable: each such
    citation gets its English (`glossed_citations`: a checked translation when a model is
    configured, else a word gloss; names as the question spelled them), the short answer
    its romanised form, and a quoted fact answer reads "According to ‹title› (‹date›):"
    with the English under each quote. Other answers are returned as they are."""
    from dataclasses import replace

    reader = retriever.english
    if reader is None or answer.abstained or answer.language != "en" or not answer.citations:
        return answer
    expansion = reader.expansion(answer.query)
    names = expansion.names() if expansion is not None else {}
    japanese = [retriever.articles[c.article_id].language != "en" for c in answer.citations]
    citations = glossed_citations(answer.citations, japanese, reader.glosser, names, translate)
    short = answer.short_answer
    if short is not None and citations[short.n - 1].gloss is not None:
        short = replace(short, romanised=reader.glosser.romanised_name(short.text, names))
    text = answer.answer
    if answer.mode == "extractive" and answer.intent == "fact" and citations[0].gloss:
        text = framed_text(citations, short)
    return replace(answer, citations=citations, short_answer=short, answer=text)


def glossed_citations(citations: Sequence[Citation], japanese: Sequence[bool],
                      glosser: Glosser, names: Mapping[str, str],
                      translate: Translate | None) -> list[Citation]:
    """The citations whose quote is Japanese with their English: the model's translation
    when it passes `check_translation`, else the word gloss. One model call for all of
    them; a failed call or a missing/unchecked line costs only those quotes their
    translation."""
    from dataclasses import replace

    from .llm import LLMFailure, parse_numbered

    quotes = [c.quote for c, ja in zip(citations, japanese, strict=True) if ja]
    translated: dict[int, str] = {}
    if translate is not None and quotes:
        with contextlib.suppress(LLMFailure):
            translated = parse_numbered(translate(quotes), len(quotes))
    glossed: list[Citation] = []
    number = 0  # of the quote in the request
    for citation, ja in zip(citations, japanese, strict=True):
        if not ja:
            glossed.append(citation)
            continue
        number += 1
        english = translated.get(number)
        if english and check_translation(citation.quote, english, glosser, names):
            glossed.append(replace(citation, gloss=english, gloss_kind="translation"))
        else:
            glossed.append(replace(citation, gloss=glosser.word_gloss(citation.quote, names),
                                   gloss_kind="word_gloss"))
    return glossed


def check_translation(quote: str, english: str, glosser: Glosser,
                      names: Mapping[str, str]) -> bool:
    """Whether a translation keeps every number of its quote (`quote_numbers` against
    `english_numbers`) and every name (crosslingual.keeps_name): a model that drops or
    changes one is not trusted with the rest either."""
    from .crosslingual import keeps_name

    said = english_numbers(english)
    if not all(said & accepted for accepted in quote_numbers(quote)):
        return False
    return all(keeps_name(english, written, romanised)
               for written, romanised in glosser.names_in(quote, names))


_JA_NUMBER = re.compile(r"(令和|平成|午後)?(\d+(?:,\d{3})*(?:\.\d+)?)(?:([万億兆])"
                        r"(\d+(?:,\d{3})*)?)?")
_JA_SCALES = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}
_ERA_START = {"令和": 2018, "平成": 1988}
_EN_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion))?",
                        re.I)
_EN_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
              "trillion": 1_000_000_000_000}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS + [m[:3] for m in _MONTHS]) + r")\b")
_NUMBER_WORDS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six",
                                              "seven", "eight", "nine", "ten", "eleven",
                                              "twelve"])}


def _decimal(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def quote_numbers(quote: str) -> list[frozenset[Decimal]]:
    """Each number of a Japanese quote as the values a translation may give it: 28項目 →
    {28}, 1万2000人 → {12000}, 3億 → {300000000}, 令和7年 → {7, 2025}, 午後3時 → {3, 15};
    11月 is a month (a month's name counts, see `english_numbers`)."""
    numbers = []
    for match in _JA_NUMBER.finditer(unicodedata.normalize("NFKC", quote)):
        prefix, digits, scale, rest = match.groups()
        value = _decimal(digits)
        if scale:
            value = value * _JA_SCALES[scale] + (_decimal(rest) if rest else 0)
        accepted = {value}
        if prefix in _ERA_START:
            accepted.add(value + _ERA_START[prefix])
        elif prefix == "午後":
            accepted.add(value + 12)
        numbers.append(frozenset(accepted))
    return numbers


def english_numbers(english: str) -> set[Decimal]:
    """The numbers an English text states: digits (12,000; 2025/11/25 as three), scaled by
    a following million/billion too, month names as their number, one…twelve as words."""
    found: set[Decimal] = set()
    for match in _EN_NUMBER.finditer(english):
        value = _decimal(match[1])
        found.add(value)
        if match[2]:
            found.add(value * _EN_SCALES[match[2].lower()])
    found.update(Decimal([m[:3] for m in _MONTHS].index(m[1][:3]) + 1)
                 for m in _MONTH_NAME.finditer(english))
    found.update(Decimal(_NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", english.lower())
                 if w in _NUMBER_WORDS)
    return found


def framed_text(citations: Sequence[Citation], short: ShortAnswer | None) -> str:
    """"According to ‹title› (‹date›):", the short answer romanised, then each quote with
    its marker and, under it, its English (translation or word gloss, labelled)."""
    first = citations[0]
    date = f" ({first.published})" if first.published else ""
    lines = [f"According to “{first.title}”{date}:"]
    if short is not None:
        lines.append(f"{short.romanised or short.text} ({short.text}) [{short.n}]"
                     if short.romanised and short.romanised != short.text
                     else f"{short.text} [{short.n}]")
    for c in citations:
        lines.append(f"{c.quote}[{c.n}]")
        if c.gloss:
            label = TRANSLATION_LABEL if c.gloss_kind == "translation" else GLOSS_LABEL
            lines.append(f"    ({label}: {c.gloss})")
    return "\n".join(lines)
