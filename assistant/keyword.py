"""Keyword (BM25) retrieval over Japanese-aware terms, with bm25s.

bm25s's own tokenizer does not split Japanese, so terms come from one of two plain
functions (chosen by the `keyword_tokenizer` setting; measured in bench/RESULTS.md):

- `bigram`: character unigrams + bigrams of every kana/kanji run, lower-cased words
  and numbers elsewhere (NFKC-normalised first, so ２０２５ == 2025);
- `sudachi`: SudachiPy (mode A) normalised content words + character bigrams.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import bm25s
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


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "bigram": bigram_terms,
    "sudachi": sudachi_terms,
}


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class KeywordIndex:
    """BM25 over a fixed list of texts; scores every text for a query."""

    def __init__(self, texts: Sequence[str], tokenizer: str = "bigram",
                 known_terms: dict[str, list[str]] | None = None) -> None:
        """`known_terms` (text key -> terms, from `saved_terms` of an earlier index with the
        same tokenizer) spares re-tokenizing unchanged texts: SudachiPy over 100k chunks
        takes about a minute."""
        self.tokenizer = tokenizer
        self.terms = TOKENIZERS[tokenizer]
        # answer sentences recur across questions: keep their terms (not whole chunks')
        self.sentence_terms = functools.lru_cache(maxsize=SENTENCE_TERMS_CACHE)(
            lambda text: frozenset(self.terms(text)))
        self.sentence_parts = functools.lru_cache(maxsize=SENTENCE_TERMS_CACHE)(
            self._bigrams_and_words)
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        self._document_frequency: Counter[str] = Counter()
        self._corpus_terms: dict[str, list[str]] = {}
        if texts:
            known = known_terms or {}
            keys = [text_key(t) for t in texts]
            corpus = [known.get(k) or self.terms(t) or ["\x00"]
                      for k, t in zip(keys, texts, strict=True)]
            self._corpus_terms = dict(zip(keys, corpus, strict=True))
            self._bm25.index(corpus, show_progress=False)
            for terms in corpus:
                self._document_frequency.update(set(terms))

    def _bigrams_and_words(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """A sentence's multi-character n-gram terms and its word terms ("w:…")."""
        terms = self.sentence_terms(text)
        words = frozenset(t for t in terms if t.startswith("w:"))
        return frozenset(t for t in terms - words if len(t) > 1), words

    def save(self, folder: Path) -> None:
        """bm25s's own plain files (no pickle) plus document frequencies, size, and each
        text's terms (for the next index to reuse)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._bm25.save(str(folder), show_progress=False)
        (folder / "keyword.json").write_text(json.dumps(
            {"tokenizer": self.tokenizer, "size": self.size,
             "document_frequency": self._document_frequency}, ensure_ascii=False),
            encoding="utf-8")
        (folder / "terms.json").write_text(json.dumps(
            {"tokenizer": self.tokenizer, "terms": self._corpus_terms}, ensure_ascii=False),
            encoding="utf-8")

    @staticmethod
    def saved_terms(folder: Path, tokenizer: str) -> dict[str, list[str]]:
        """The per-text terms a saved index was built from ({} if none or another tokenizer)."""
        try:
            data = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data.get("terms", {}) if data.get("tokenizer") == tokenizer else {}

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        meta = json.loads((folder / "keyword.json").read_text(encoding="utf-8"))
        index = cls([], meta["tokenizer"])
        index.size = meta["size"]
        index._document_frequency = Counter(meta["document_frequency"])
        if index.size:
            index._bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        return index

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms count as rare."""
        df = self._document_frequency.get(term, 0)
        return math.log((self.size + 1) / (df + 0.5))

    def known(self, term: str) -> bool:
        """Whether any indexed text has the term."""
        return term in self._document_frequency

    def coverage(self, query: str) -> float:
        """Share of the query's distinct terms that occur anywhere in the indexed texts."""
        terms = set(self.terms(query))
        if not terms or not self.size:
            return 0.0
        return sum(1 for t in terms if t in self._bm25.vocab_dict) / len(terms)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text (0 where no term matches)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        terms = [t for t in self.terms(query) if t in vocab]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
