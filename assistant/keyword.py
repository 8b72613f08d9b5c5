"""Keyword (BM25) retrieval over Japanese-aware terms, in segments.

Terms come from one of two plain functions (chosen by the `keyword_tokenizer` setting;
measured in bench/RESULTS.md):

- `bigram`: character unigrams + bigrams of every kana/kanji run, lower-cased words
  and numbers elsewhere (NFKC-normalised first, so ２０２５ == 2025);
- `sudachi`: SudachiPy (mode A) normalised content words + character bigrams.

An index is a list of segments (`Postings`: raw term frequencies, written once and never
changed) whose deleted documents are tombstoned; scores use the statistics of all live
documents, so they equal those of one bm25s index of the same documents
(tests/test_segments.py) while an update only writes what changed. The postings are
memory-mapped and a term's scores are worked out the first time a search uses it (then
kept, up to a bound): loading costs little at any size, and a search reads only its terms.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヵヶー"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK_CHARS}]+)|(?P<word>[^\W_{_CJK_CHARS}]+)")
_CONTENT_POS = {"名詞", "動詞", "形容詞", "副詞", "形状詞"}
_SUDACHI_MAX_CHARS = 10_000  # sudachi takes at most 49,149 bytes per call
SENTENCE_TERMS_CACHE = 20_000


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _cjk_ngrams(run: str, unigrams: bool = True) -> list[str]:
    terms = list(run) if unigrams else []
    terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def cjk_bigrams(text: str) -> list[str]:
    """The two-character terms both tokenizers index for this text: the bigrams of its
    kana/kanji runs, as in `bigram_terms` and `sudachi_terms`."""
    return [term for match in _RUNS.finditer(_normalise(text)) if match.group("cjk")
            for term in _cjk_ngrams(match.group("cjk"), unigrams=False)]


def bigram_terms(text: str) -> list[str]:
    terms: list[str] = []
    for match in _RUNS.finditer(_normalise(text)):
        if match.group("cjk"):
            terms.extend(_cjk_ngrams(match.group("cjk")))
        else:
            terms.append(match.group("word"))
    return terms


_PER_THREAD = threading.local()


@functools.cache
def sudachi_dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _sudachi() -> Any:
    """This thread's tokenizer: a SudachiPy Tokenizer can't be used by two threads at once
    (the server answers API questions in several worker threads)."""
    tokenizer = getattr(_PER_THREAD, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _PER_THREAD.tokenizer = sudachi_dictionary().tokenizer(mode=SplitMode.A)
    return tokenizer


def sudachi_terms(text: str) -> list[str]:
    text = _normalise(text)
    tokenizer = _sudachi()
    terms: list[str] = []
    for i in range(0, len(text), _SUDACHI_MAX_CHARS):
        for morpheme in tokenizer.tokenize(text[i : i + _SUDACHI_MAX_CHARS]):
            if morpheme.part_of_speech()[0] in _CONTENT_POS:
                terms.append("w:" + morpheme.normalized_form())
    for match in _RUNS.finditer(text):
        if match.group("cjk"):
            terms.extend(_cjk_ngrams(match.group("cjk"), unigrams=False))
        else:
            terms.append(match.group("word"))
    return terms


@functools.lru_cache(maxsize=SENTENCE_TERMS_CACHE)
def named_things(text: str) -> frozenset[tuple[str, str]]:
    """(kind, normalised form) of the names and numbers in a text, by SudachiPy's parts of
    speech: kind is "person", "place", "name" (other proper nouns) or "number"."""
    found = set()
    for morpheme in _sudachi().tokenize(_normalise(text)[:_SUDACHI_MAX_CHARS]):
        pos = morpheme.part_of_speech()
        if pos[1] == "固有名詞":
            kind = {"人名": "person", "地名": "place"}.get(pos[2], "name")
            found.add((kind, morpheme.normalized_form()))
        elif pos[1] == "数詞":
            found.add(("number", morpheme.normalized_form()))
    return frozenset(found)


def names_a_region(text: str) -> bool:
    """Whether a text names a place that is no country (中東, ガザ, 東京: SudachiPy's 地名
    other than 地名・国)."""
    return any(m.part_of_speech()[1:3] == ("固有名詞", "地名") and m.part_of_speech()[3] != "国"
               for m in _sudachi().tokenize(_normalise(text)[:_SUDACHI_MAX_CHARS]))


# one-kanji country names as news writes them together (米・英・露, 米英露, 日米韓, 英仏独)
COUNTRY_LETTERS = frozenset("日米英仏独伊露中韓朝印豪加宇")
_LIST_SEPARATORS = frozenset("・･、，,")


def _countries_in(morpheme: Any) -> int:
    """How many countries a word names: 1 for a country name (SudachiPy's 地名・国:
    アメリカ, ロシア), one per letter for a run of one-kanji names (米英 2, 露 1), else 0."""
    pos = morpheme.part_of_speech()
    if pos[1] == "固有名詞" and pos[2] == "地名" and pos[3] == "国":
        return 1
    surface = morpheme.surface()
    if pos[1] == "普通名詞" and pos[2] == "一般" and len(surface) <= 3 \
            and all(ch in COUNTRY_LETTERS for ch in surface):
        return len(surface)
    return 0


def country_lists(text: str) -> list[tuple[int, int]]:
    """The spans of `text` that list two countries or more, written one after another or
    separated by ・ or 、 (「米・英・露」「米英露」「アメリカ、イギリス、ロシア」), by
    SudachiPy's words; [] when none (「EU・日本」 lists one country)."""
    spans: list[tuple[int, int]] = []
    run: list[Any] = []  # the countries of the current list, and the separators between
    count = 0

    def close() -> None:
        while run and not _countries_in(run[-1]):
            run.pop()  # a trailing separator is not part of the list
        if run and count >= 2:
            spans.append((run[0].begin(), run[-1].end()))

    for morpheme in _sudachi().tokenize(text[:_SUDACHI_MAX_CHARS]):
        named = _countries_in(morpheme)
        if named:
            run.append(morpheme)
            count += named
        elif run and morpheme.surface() in _LIST_SEPARATORS \
                and _countries_in(run[-1]):
            run.append(morpheme)
        else:
            close()
            run, count = [], 0
    close()
    return spans


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "bigram": bigram_terms,
    "sudachi": sudachi_terms,
}

K1 = 1.5  # bm25s.BM25()'s defaults (method "lucene"): the scores are those it gave
B = 0.75
EMPTY_TEXT_TERMS = ("\x00",)  # a text without terms still counts as a document
VOCAB_FILE = "vocab.json"
POSTINGS_FILE = "postings.npz"  # segments written before 2026-12-03 (read, never written)
POSTINGS_ARRAYS = ("term_start", "docs", "counts", "lengths")  # each in postings-NAME.npy
SCORED_TERMS_CACHE = 4_000_000  # postings whose scores a KeywordIndex keeps (~48 MB)


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Postings:
    """Raw term frequencies of a list of documents, term by term (a CSC matrix): counts,
    not scores, so a segment stays valid when other documents come and go; the scores use
    the statistics of every live document at query time."""

    vocab: tuple[str, ...]
    term_start: np.ndarray  # int64, len(vocab) + 1: term t's postings are [start[t], start[t+1])
    docs: np.ndarray  # int32: each posting's document, ascending within a term
    counts: np.ndarray  # int32: the term's frequency in that document
    lengths: np.ndarray  # int64 per document: its number of terms, repeats included

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def of(cls, corpus: Sequence[Sequence[str]]) -> Postings:
        """The postings of these documents' terms (a document without terms gets one)."""
        ids: dict[str, int] = {}
        term_ids: list[int] = []
        counts: list[int] = []
        docs: list[int] = []
        lengths: list[int] = []
        for doc, terms in enumerate(corpus):
            found = Counter(terms or EMPTY_TEXT_TERMS)
            lengths.append(len(terms or EMPTY_TEXT_TERMS))
            term_ids.extend(ids.setdefault(term, len(ids)) for term in found)
            counts.extend(found.values())
            docs.extend([doc] * len(found))
        return cls.from_triplets(tuple(ids), np.array(docs, dtype=np.int32),
                                 np.array(term_ids, dtype=np.int64),
                                 np.array(counts, dtype=np.int32),
                                 np.array(lengths, dtype=np.int64))

    @classmethod
    def from_triplets(cls, vocab: tuple[str, ...], docs: np.ndarray, term_ids: np.ndarray,
                      counts: np.ndarray, lengths: np.ndarray) -> Postings:
        """Sorted term by term (documents stay in order within a term)."""
        order = np.argsort(term_ids, kind="stable")
        per_term = np.bincount(term_ids, minlength=len(vocab))
        term_start = np.concatenate(([0], np.cumsum(per_term))).astype(np.int64)
        return cls(vocab, term_start, docs[order].astype(np.int32),
                   counts[order].astype(np.int32), lengths.astype(np.int64))

    def term_of_postings(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.term_start))

    def select(self, keep: np.ndarray) -> Postings:
        """Only the documents where `keep` (a bool per document) holds, numbered anew in
        order; terms no kept document has are dropped."""
        new_doc = np.cumsum(keep) - 1
        kept = keep[self.docs]
        terms = self.term_of_postings()[kept]
        used = np.flatnonzero(np.bincount(terms, minlength=len(self.vocab)))
        new_term = np.full(len(self.vocab), -1, dtype=np.int64)
        new_term[used] = np.arange(len(used))
        return Postings.from_triplets(tuple(self.vocab[t] for t in used.tolist()),
                                      new_doc[self.docs[kept]].astype(np.int32),
                                      new_term[terms], self.counts[kept], self.lengths[keep])

    @staticmethod
    def concatenate(parts: Sequence[Postings]) -> Postings:
        """One list of documents after another, with one vocabulary (no re-tokenizing)."""
        ids: dict[str, int] = {}
        docs, terms, counts = [], [], []
        offset = 0
        for part in parts:
            local = np.array([ids.setdefault(t, len(ids)) for t in part.vocab], dtype=np.int64)
            docs.append(part.docs.astype(np.int64) + offset)
            terms.append(local[part.term_of_postings()])
            counts.append(part.counts)
            offset += part.size
        empty = np.zeros(0, dtype=np.int64)
        return Postings.from_triplets(
            tuple(ids), np.concatenate(docs or [empty]).astype(np.int32),
            np.concatenate(terms or [empty]), np.concatenate(counts or [empty]),
            np.concatenate([p.lengths for p in parts] or [empty]))

    def save(self, folder: Path) -> None:
        """Plain files: JSON, and one .npy per array (no pickle; read back memory-mapped)."""
        (folder / VOCAB_FILE).write_text(json.dumps(self.vocab, ensure_ascii=False),
                                         encoding="utf-8")
        for name in POSTINGS_ARRAYS:
            np.save(folder / f"postings-{name}.npy", getattr(self, name), allow_pickle=False)

    @staticmethod
    def saved_in(folder: Path) -> bool:
        """Whether the folder has every file of saved postings (this format or the older)."""
        arrays = [folder / f"postings-{name}.npy" for name in POSTINGS_ARRAYS]
        return (folder / VOCAB_FILE).is_file() and (
            (folder / POSTINGS_FILE).is_file() or all(f.is_file() for f in arrays))

    @classmethod
    def load(cls, folder: Path) -> Postings:
        """Raises OSError/ValueError/KeyError/TypeError when missing, damaged or inconsistent.
        The big arrays are memory-mapped: a search reads the pages of its own terms only."""
        vocab = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))
        if (folder / POSTINGS_FILE).exists():
            with np.load(folder / POSTINGS_FILE, allow_pickle=False) as data:
                arrays = {name: data[name] for name in POSTINGS_ARRAYS}
        else:
            arrays = {name: np.load(folder / f"postings-{name}.npy", allow_pickle=False,
                                    mmap_mode="r" if name in ("docs", "counts") else None)
                      for name in POSTINGS_ARRAYS}
        found = cls(tuple(vocab), **arrays)
        if (len(found.term_start) != len(found.vocab) + 1 or found.term_start[-1] != len(
                found.docs) or len(found.counts) != len(found.docs)
                or (found.size and len(found.docs) and found.docs.max() >= found.size)):
            raise ValueError(f"inconsistent postings in {folder}")
        return found


DEAD = -1  # the position of a deleted document (scores go to a slot that is cut off)


@dataclass(frozen=True)
class LivePart:
    """One segment's postings as a search sees them: where each of its documents is in the
    revision's table (DEAD for a deleted one: a tombstone), and what its live documents
    add to the corpus statistics."""

    postings: Postings
    positions: np.ndarray  # int64 per document
    lookup: Mapping[str, int]  # term -> local term id
    live_df: np.ndarray  # int64 per local term: live documents that have it
    live_length: int  # terms in the live documents


def live_part(postings: Postings, positions: np.ndarray) -> LivePart:
    live = positions != DEAD
    if live.all():
        live_df = np.diff(postings.term_start)
    else:  # live postings per term: differences of a running count at the term bounds
        running = np.concatenate(([0], np.cumsum(live[postings.docs], dtype=np.int64)))
        live_df = running[postings.term_start[1:]] - running[postings.term_start[:-1]]
    return LivePart(postings, positions.astype(np.int64),
                    {t: i for i, t in enumerate(postings.vocab)}, live_df.astype(np.int64),
                    int(postings.lengths[live].sum()))


def corpus_terms(texts: Sequence[str], tokenizer: str,
                 known_terms: Mapping[str, Sequence[str]] | None = None) -> list[list[str]]:
    """Each text's terms; `known_terms` (text key -> terms, same tokenizer) spares
    re-tokenizing texts seen before: SudachiPy over 100k chunks takes about a minute."""
    terms = TOKENIZERS[tokenizer]
    if not known_terms:
        return [terms(text) for text in texts]
    return [list(known_terms.get(text_key(text)) or terms(text)) for text in texts]


class KeywordIndex:
    """BM25 over the live documents of one or more segments (a base and small deltas);
    scores every live document, in the revision's table order, for a query.

    Document frequencies and the average length are those of all live documents, never
    of one segment, so the scores are the ones a single bm25s index (`bm25s.BM25()`,
    method "lucene") of exactly these documents gives, however they were split."""

    def __init__(self, texts: Sequence[str] = (), tokenizer: str = "bigram",
                 known_terms: Mapping[str, Sequence[str]] | None = None) -> None:
        self.tokenizer = tokenizer
        self.terms = TOKENIZERS[tokenizer]
        # answer sentences recur across questions: keep their terms (not whole chunks')
        self.sentence_terms = functools.lru_cache(maxsize=SENTENCE_TERMS_CACHE)(
            lambda text: frozenset(self.terms(text)))
        self.sentence_parts = functools.lru_cache(maxsize=SENTENCE_TERMS_CACHE)(
            self._bigrams_and_words)
        self.size = 0
        self._parts: tuple[LivePart, ...] = ()
        self._norms: tuple[np.ndarray, ...] = ()  # per part: k1 × (1 - b + b × length / avg)
        self._scored = ScoredTerms(SCORED_TERMS_CACHE)
        if texts:
            postings = Postings.of(corpus_terms(texts, tokenizer, known_terms))
            self._use([live_part(postings, np.arange(len(texts)))], len(texts))

    @classmethod
    def of_parts(cls, tokenizer: str, parts: Sequence[LivePart], size: int) -> KeywordIndex:
        """The index of `size` live documents spread over these parts (positions 0..size-1)."""
        index = cls((), tokenizer)
        index._use(parts, size)
        return index

    def _use(self, parts: Sequence[LivePart], size: int) -> None:
        self.size = size
        self._parts = tuple(parts)
        average = sum(p.live_length for p in parts) / size if size else 1.0
        self._norms = tuple(K1 * ((1 - B) + B * p.postings.lengths / average) for p in parts)

    def _bigrams_and_words(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """A sentence's multi-character n-gram terms and its word terms ("w:…")."""
        terms = self.sentence_terms(text)
        words = frozenset(t for t in terms if t.startswith("w:"))
        return frozenset(t for t in terms - words if len(t) > 1), words

    def document_frequency(self, term: str) -> int:
        """Live documents that have the term, over every segment."""
        found = 0
        for part in self._parts:
            local = part.lookup.get(term)
            if local is not None:
                found += int(part.live_df[local])
        return found

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms count as rare."""
        return math.log((self.size + 1) / (self.document_frequency(term) + 0.5))

    def known(self, term: str) -> bool:
        """Whether any indexed text has the term."""
        return self.document_frequency(term) > 0

    def coverage(self, query: str) -> float:
        """Share of the query's distinct terms that occur anywhere in the indexed texts."""
        terms = set(self.terms(query))
        if not terms or not self.size:
            return 0.0
        return sum(1 for t in terms if self.known(t)) / len(terms)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text (0 where no term matches)."""
        total = np.zeros(self.size + 1, dtype=np.float32)  # the last slot takes DEAD ones
        if self.size:
            for term in self.terms(query):  # in order, repeats too: as bm25s adds them
                for positions, contribution in self._term_scores(term):
                    total[positions] += contribution
        return total[:-1]

    def _term_scores(self, term: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """(table positions, float32 scores) of the documents that have the term, part by
        part (a deleted document's position is DEAD); worked out on first use and kept."""
        found = self._scored.get(term)
        if found is None:
            found = self._score_term(term)
            self._scored.put(term, found)
        return found

    def _score_term(self, term: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """idf × tf / (tf + norm) over the live documents' statistics, float32 as bm25s
        precomputes them — here per term at first use, as the statistics change with
        every revision and a search needs only its own terms."""
        df = self.document_frequency(term)
        idf = np.log(1 + (self.size - np.array([df]) + 0.5) / (df + 0.5)).astype(np.float32)
        found = []
        for part, norm in zip(self._parts, self._norms, strict=True):
            local = part.lookup.get(term)
            if local is not None:
                start, end = part.postings.term_start[local], part.postings.term_start[local + 1]
                docs = part.postings.docs[start:end]
                tf = part.postings.counts[start:end].astype(np.float64)
                scores = (idf * (tf / (norm[docs] + tf))).astype(np.float32)
                found.append((part.positions[docs], scores))
        return found


class ScoredTerms:
    """The scored postings of recently searched terms, up to a number of postings in all
    (least recently used go first); safe to share between the server's threads."""

    def __init__(self, max_postings: int) -> None:
        self.max_postings = max_postings
        self._held: OrderedDict[str, list[tuple[np.ndarray, np.ndarray]]] = OrderedDict()
        self._postings = 0
        self._lock = threading.Lock()

    def get(self, term: str) -> list[tuple[np.ndarray, np.ndarray]] | None:
        with self._lock:
            found = self._held.get(term)
            if found is not None:
                self._held.move_to_end(term)
            return found

    def put(self, term: str, scored: list[tuple[np.ndarray, np.ndarray]]) -> None:
        with self._lock:
            if term in self._held:
                return
            self._held[term] = scored
            self._postings += sum(len(scores) for _, scores in scored)
            while self._postings > self.max_postings and len(self._held) > 1:
                _, dropped = self._held.popitem(last=False)
                self._postings -= sum(len(scores) for _, scores in dropped)
