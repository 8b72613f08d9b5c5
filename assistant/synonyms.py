"""A reader's own Japanese words that the articles don't use, and the articles' words for
them: 「電話はいつ？」 over 「通話は10月中旬に行われ…」, 「漏らした」 over 「リーク」.

Two Japanese words are taken as the same when JMdict glosses them with the same English
word (電話 "telephone call", 通話 "(telephone) call"), weighted by how early and how common
both senses are (jmdict.JMdictTables.sharing_glosses). Kept: words the corpus has that
share a kanji with the reader's word, both senses early and common (信用 → 信頼, 全部 →
全体), or loanwords (漏らす → リーク). A gloss alone is too loose (最後 → 終結 by "end",
人たち → 国民 by "people"), so is a later sense (以前 → 以降, 場所 → 立場), and a
one-character word (人, 本, 件) means too many things to stand for another. A word the
articles have is never looked up: the reader and the article agree; nor is a word that
only frames the question (やり方, 予定, 全部, 期間: focus.FRAME_WORDS), which the articles
needn't write in any form.

A word the question negates (信用しなくなってる, 透明じゃない, 足りなかった) also stands for the
articles' negative word for it: 不, 非, 無 or 未 before its kanji or its first kanji, when the
articles have that word (不信, 不透明, 人員不足's 不足).

The words found are added to the search query after the question (as
focus.with_short_forms adds one-kanji country names) and to the words the answer's
sentences are chosen by; the decline rule still sees the question as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from .focus import FRAME_WORDS, negates, with_short_forms

if TYPE_CHECKING:
    from .crosslingual import CorpusTerms
    from .jmdict import JMdictTables
    from .retrieval import HybridRetriever

MIN_WEIGHT = 0.8  # both senses among the first and common: 電話 → 通話 1.0, 全部 → 全体 0.83
LOANWORD_WEIGHT = 0.6  # katakana words carry weaker priority tags: 漏らす → リーク 0.61
# a reader's loanword for the articles' kanji word: both first senses (アドバイス → 助言)
LOANWORD_FOR_KANJI = 1.0
PER_WORD = 2
_CONTENT = {"名詞": "普通名詞", "動詞": "一般", "形容詞": "一般"}  # part of speech → subtype
_KANJI = re.compile(r"[\u4e00-\u9fff々]")
_LEADING_KANJI = re.compile(r"[\u4e00-\u9fff々]+")
_KATAKANA_WORD = re.compile(r"[ァ-ヴー]{2,}")
_KANJI_WORD = re.compile(r"[\u4e00-\u9fff々]{2,}")
_NEGATING_PREFIXES = ("不", "非", "無", "未")
# what may stand between a word and its negation: 信用 し なく, 満足 し て い ない, 透明 じゃ ない
_BETWEEN = frozenset({"する", "出来る", "できる", "なる", "て", "いる", "られる", "れる", "だ",
                      "で", "は", "も", "せる", "させる"})
NEGATION_REACH = 4  # morphemes after a word its negation may come within


def _negated(morphemes: list[Any], start: int) -> bool:
    """Whether a negation follows at `start` within NEGATION_REACH morphemes, with only
    auxiliaries (する, て, いる, られる, だ…) before it."""
    for morpheme in morphemes[start : start + NEGATION_REACH]:
        base = morpheme.dictionary_form()
        if negates(base, morpheme.part_of_speech()[0]):
            return True
        if base not in _BETWEEN:
            return False
    return False


class JapaneseSynonyms:
    """The corpus's words for a question's words it lacks; per-instance cache."""

    def __init__(self, tables: JMdictTables, corpus: CorpusTerms) -> None:
        self._tables = tables
        self._corpus = corpus
        from .crosslingual import ModeCTokenizers

        self._tokenizers = ModeCTokenizers()
        self._lookup = functools.lru_cache(maxsize=4096)(self._corpus_words_for)
        self._spelled: dict[str, set[str]] = {}  # sound key → the corpus's katakana words
        for word in corpus.words:
            if _KATAKANA_WORD.fullmatch(word) and len(word) >= MIN_RESPELLED:
                self._spelled.setdefault(_sound_key(word), set()).add(word)
        self._equivalents = functools.lru_cache(maxsize=4096)(self._corpus_equivalents)
        self._spelling = functools.lru_cache(maxsize=4096)(self._corpus_spelling)

    def for_question(self, question: str) -> tuple[str, ...]:
        """The articles' words for the question's content words they don't have, and for
        its negated words (信用しなくなる → 不信), in the question's order, without repeats."""
        found: dict[str, None] = {}
        morphemes = list(self._tokenizers.tokenize(question[:2000]))
        for i, morpheme in enumerate(morphemes):
            pos = morpheme.part_of_speech()
            if _negated(morphemes, i + 1):
                found.update(dict.fromkeys(self._negative_words(morpheme)))
            if _CONTENT.get(pos[0]) != pos[1]:
                continue
            forms = (morpheme.surface(), morpheme.dictionary_form())
            if len(forms[1]) > 1 and not any(form in self._corpus.words for form in forms) \
                    and not FRAME_WORDS.intersection(forms):
                found.update(dict.fromkeys(self._lookup(morpheme.dictionary_form())))
        return tuple(found)

    def respelled(self, text: str) -> str:
        """The text with each katakana word the articles lack written as they write it,
        when one of their words sounds the same (ウィットコフ → ウィトコフ, ブタペスト →
        ブダペスト: `_sound_key`) or, from MIN_FUZZY_KEY characters, one sound apart
        (ゼレンスキイ → ゼレンスキー); two such words leave it as the reader wrote it."""
        def spelled(match: re.Match[str]) -> str:
            word = match.group()
            if len(word) < MIN_RESPELLED or word in self._corpus.words:
                return word
            found = self._spelling(_sound_key(word))
            return found if found is not None else word

        return _KATAKANA_WORD.sub(spelled, text)

    def _corpus_spelling(self, key: str) -> str | None:
        same = self._spelled.get(key, set())
        if not same and len(key) >= MIN_FUZZY_KEY:
            same = {w for other, words in self._spelled.items()
                    if _one_apart(key, other) for w in words}
        return next(iter(same)) if len(same) == 1 else None

    def corpus_words_for(self, word: str) -> tuple[str, ...]:
        """The corpus's words for one word of the reader's (電話 → 通話), or ()."""
        return self._lookup(word)

    def equivalents(self, word: str) -> tuple[str, ...]:
        """The corpus's words that are the reader's word in other characters: first glossed
        alike, both common, sharing a kanji (電話 → 通話; not 参加 → 加盟, a later sense)."""
        return self._equivalents(word)

    def _corpus_equivalents(self, word: str) -> tuple[str, ...]:
        kanji = set(_KANJI.findall(word))
        return tuple(c.japanese for c in self._tables.sharing_glosses(word, 1.0)
                     if c.weight >= 1.0 and c.japanese in self._corpus.words
                     and len(c.japanese) > 1 and kanji & set(_KANJI.findall(c.japanese)))

    def kanji_sharing_words_for(self, word: str) -> tuple[str, ...]:
        """Of `corpus_words_for`, those sharing a kanji with the word (電話 → 通話): the
        closest, for a word that is itself only a dictionary's sense of another language's
        (no loanword's looser senses: メニュー → スケジュール)."""
        kanji = set(_KANJI.findall(word))
        return tuple(w for w in self._lookup(word) if kanji & set(_KANJI.findall(w)))

    def _negative_words(self, morpheme: Any) -> list[str]:
        """The corpus's words that say a word negated (信用 + しない → 不信, 透明 + じゃない →
        不透明, 足り + ない → 不足): 不/非/無/未 before its kanji, or before its first kanji."""
        pos = morpheme.part_of_speech()
        if pos[0] not in ("名詞", "形状詞", "動詞") or pos[1] == "非自立可能":
            return []
        kanji = _LEADING_KANJI.match(morpheme.dictionary_form())
        if kanji is None:
            return []
        stems = dict.fromkeys((kanji.group(), kanji.group()[0]))
        return [prefix + stem for stem in stems for prefix in _NEGATING_PREFIXES
                if prefix + stem in self._corpus.words]

    def _corpus_words_for(self, word: str) -> tuple[str, ...]:
        kanji = set(_KANJI.findall(word))
        loanword = bool(_KATAKANA_WORD.fullmatch(word))
        kept = [c.japanese for c in self._tables.sharing_glosses(word, LOANWORD_WEIGHT)
                if c.japanese in self._corpus.words and len(c.japanese) > 1
                and ((c.weight >= MIN_WEIGHT and kanji & set(_KANJI.findall(c.japanese)))
                     or _KATAKANA_WORD.fullmatch(c.japanese)
                     or (loanword and c.weight >= LOANWORD_FOR_KANJI
                         and _KANJI_WORD.fullmatch(c.japanese)))]
        return tuple(kept[:PER_WORD])


MIN_RESPELLED = 3  # katakana characters: shorter words are too often other words
MIN_FUZZY_KEY = 5  # sound-key length from which one sound may differ
_UNHEARD = str.maketrans("", "", "ッー・\u3099\u309a")  # small tsu, long mark, dot, (han)dakuten


def _sound_key(katakana: str) -> str:
    """How a katakana word sounds to a reader who misremembers it: no double consonant,
    long vowel or voicing marks (ウィットコフ and ウィトコフ → ウィトコフ; ブダペスト and
    ブタペスト → フタヘスト)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", katakana).translate(_UNHEARD))


def _one_apart(a: str, b: str) -> bool:
    """One character substituted, inserted or deleted (and not equal)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def with_synonyms(query: str, synonyms: JapaneseSynonyms | None) -> str:
    """The query, and after it the articles' words for those of its words they lack."""
    if synonyms is None:
        return query
    extra = [word for word in synonyms.for_question(query) if word not in query]
    return f"{query} {' '.join(extra)}" if extra else query


def respelled(question: str, language: str, retriever: HybridRetriever) -> str:
    """A Japanese question with the katakana words it misspells written as the articles
    write them (JapaneseSynonyms.respelled); what is searched, chosen by and declined by."""
    if language != "ja" or retriever.english is None or retriever.english.synonyms is None:
        return question
    return retriever.english.synonyms.respelled(question)


def in_articles_words(text: str, language: str, retriever: HybridRetriever) -> str:
    """A Japanese question or query with the articles' own forms of its words after it:
    one-kanji country names (focus.with_short_forms) and the words above; what is
    searched and what the answer's sentences are chosen by."""
    text = with_short_forms(text, retriever.loaded.may_contain)
    if language != "ja" or retriever.english is None:
        return text
    return with_synonyms(text, retriever.english.synonyms)
