"""English readers of Japanese articles: search terms for an English question, and an
English word gloss of a Japanese quote. No translation model: dictionary and sound.

- `CorpusTerms`: the corpus's own Japanese words (SudachiPy mode C, plus runs of nouns such
  as 和平案) and its names (katakana words and proper nouns, romanised), built at index time;
- `NameMatcher`: an English word → the corpus names that sound like it (Witkoff ↔ ウィトコフ);
- `EnglishToJapanese`: an English question → weighted Japanese terms: names by sound, then
  JMdict phrases ("Secretary of State" → 国務長官), then compounds of two words' headwords
  the corpus uses ("peace plan" → 和平 + 案), then single content words;
- `Glosser.word_gloss`: a Japanese quote → "Bloomberg · 25 November · … · leak · report":
  dates, numbers and counters converted, names romanised, other words' first JMdict gloss,
  particles dropped. It is a word gloss, not a translation; label it so.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .focus import negates
from .jmdict import Candidate, JMdictTables

if TYPE_CHECKING:
    import numpy as np

    from .keyword import KeywordIndex
from .romaji import (
    allowed_distance,
    display_name,
    english_skeleton,
    romaji_skeleton,
    romanise,
    weighted_edit_distance,
)

TermKind = Literal["name", "phrase", "compound", "word"]
MAX_QUESTION_WORDS = 80  # a 2,000-character question is looked at up to here
MAX_TERMS = 60
KEYWORD_TERMS = 30  # the best terms scored by BM25 (one index look-up each)
_CANDIDATES_PER_WORD = 200  # the corpus filter then keeps a few
_KEPT_PER_WORD = 4
_KEPT_DERIVED = 2  # senses of a related form kept beside the word's own (discuss → 検討)
_HIRAGANA_BIT = re.compile(r"[ぁ-ゖ]{1,2}")  # し, こと: senses too vague to search for
_KATAKANA_RUN = re.compile(r"[ァ-ヴー]{2,}")
# words of at most 40 letters (longer runs are not words: they are skipped whole)
_ENGLISH_WORD = re.compile(r"(?<![A-Za-z])(?:U\.S\.?|[A-Za-z][A-Za-z'’]{0,39}(?![A-Za-z])|\d+)")
_NOUNISH = {"名詞", "接頭辞"}
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接尾辞", "接頭辞"}
_STOP_TEXT = """
a an the and or but if then than so as of in on at to for from by with about into onto over
under after before between during without within through against among per via up down out
off is are was were be been being am do does did done doing have has had having will would
shall should can could may might must not no nor yes i me my we our us you your he him his
she her it its they them their this that these those there here what which who whom whose
when where why how whether all any some each every both either neither other another such
same own just also only very too more most much many few less least quite rather really
said say says tell told ask asked according article articles text mention mentioned mentions
does say describe described explain explained mean means meant kind sort thing things way
one ones someone something anyone anything else ever still even yet again already now
exactly actually reportedly apparently happen happened like far itself himself herself
going gonna
themselves myself yourself ourselves oneself
date dates day days month months year years time period ways kinds types sorts
title titles headline headlines name names called recommend recommends recommended
recommendation introduce introduces introduced
forum forums commenter commenters thread threads online internet
author authors writer wrote written write writes publisher published publish publishes
"""
# the last five lines: what a question asks for ("what date", "which month", "the ways", "the
# title", "its name", "the book it recommends", "who wrote it") or the part of the page it
# points at ("the forum commenters": answer.asked_parts), not what it is about — as
# タイトル, 題名, 名前, おすすめ, 紹介, 著者, 出版社, 掲示板, コメント欄 in Japanese (focus.py
# FRAME_WORDS); the asked kind is english_reader's answer cue, not a search term
_STOP_WORDS = frozenset(_STOP_TEXT.split())
# the kind of thing asked for right after which/what ("In which city…", "what media"): the
# answer is one, the article needn't say the word (ジュネーブ, not 都市); else a subject
# ("the city's mayor") — as focus._KIND_NOUNS after どこの
_KIND_TEXT = """city cities town country countries region regions place places state states
area areas capital media outlet outlets newspaper newspapers agency agencies organization
organisation company companies publisher"""
_ASKED_KIND_WORDS = frozenset(_KIND_TEXT.split())
_TAKE_PLACE = re.compile(r"\b(?:take|takes|took|taken|taking) place\b", re.I)
# "how long … last?": what is asked (a length of time), not words to look for (長らく, 前)
_HOW_LONG = re.compile(r"\bhow long\b|\blast(?=\s*[?.!]?\s*$)", re.I)
# a plural with its own sense in the news, looked up as that sense alone ("talks" are
# negotiations, 交渉/協議, not chats, 話し)
_NEWS_SENSE = {"talks": "negotiations"}
_IRREGULAR = {"said": "say", "gave": "give", "given": "give", "wrote": "write",
              "written": "write", "spoke": "speak", "took": "take", "taken": "take",
              "made": "make", "met": "meet", "sent": "send", "held": "hold", "began": "begin",
              "saw": "see", "seen": "see", "thought": "think", "brought": "bring",
              "sought": "seek", "won": "win", "led": "lead", "fell": "fall", "chose": "choose",
              "rose": "rise", "hid": "hide", "lost": "lose", "paid": "pay", "struck": "strike",
              "countries": "country", "people": "people", "children": "child", "men": "man",
              "women": "woman", "felt": "feel", "left": "leave", "became": "become",
              "went": "go", "gone": "go", "knew": "know", "known": "know", "got": "get",
              "broke": "break",
              # the compass adjectives: "Western countries" are 欧米 and 西側, the West's
              "western": "west", "eastern": "east", "northern": "north", "southern": "south",
              # demonyms no suffix rule reaches ("the Poles and Baltics" are ポーランド…)
              "poles": "poland", "polish": "poland", "british": "britain", "brits": "britain",
              "french": "france", "german": "germany", "germans": "germany",
              "dutch": "netherlands", "turkish": "turkey", "turks": "turkey",
              "swedish": "sweden", "finnish": "finland", "danish": "denmark",
              "baltics": "baltic", "europeans": "europe", "european": "europe"}


# what may follow the stem of a verb or adjective in its other forms, by its last kana:
# 求める → 求め|て, 強い → 強|く, 話す → 話|し (not 話|は, a particle after the noun 話)
_INFLECTIONS = {"う": "わいうえおっ", "く": "かきくけこい", "ぐ": "がぎぐげごい",
                "す": "さしすせそ", "つ": "たちつてとっ", "ぬ": "なにぬねのん",
                "ぶ": "ばびぶべぼん", "む": "まみむめもん", "る": "らりるれろっ",
                "い": "くかけさいそ"}
_KANJI_IN = re.compile(r"[\u4e00-\u9fff々]")


@functools.lru_cache(maxsize=4096)
def _forms(term: str) -> re.Pattern[str] | None:
    """A pattern for the other forms of a verb or adjective term (求める: 求めている, 強い:
    強く, 対する: 対して), None for a word that doesn't inflect: its stem followed by a kana
    of its row, or by any kana when the stem ends in one (受け止め|られ)."""
    if term.endswith("する") and _KANJI_IN.search(term[:-2]):  # 対する: 対して, 対さ
        return re.compile(re.escape(term[:-2]) + "[しさせす]")
    ending, stem = term[-1:], term[:-1]
    if ending not in _INFLECTIONS or not _KANJI_IN.search(stem):
        return None
    if len(stem) >= 2 and re.search(r"[ぁ-ゖ]$", stem):
        return re.compile(re.escape(stem) + r"[ぁ-ゖ]")
    # a one-kanji stem before る may be an ichidan verb's (得る: 得て, 得た, 得ない)
    extra = "てたなまよ" if ending == "る" else ""
    return re.compile(re.escape(stem) + f"[{_INFLECTIONS[ending]}{extra}]")


def term_occurs(term: str, text: str) -> bool:
    """Whether a term is in the text as written or, for a verb or adjective, in another
    form (english questions' terms are dictionary forms; articles inflect them)."""
    if term in text:
        return True
    forms = _forms(term)
    return forms is not None and forms.search(text) is not None


@dataclass(frozen=True)
class JapaneseTerm:
    """A Japanese search term found for part of an English question."""

    text: str
    weight: float  # 0–1: dictionary sense order × commonness, or sound closeness
    source: str  # the English word or phrase it stands for
    kind: TermKind


PREDICATE_SENSES = 10  # the first senses of a word that tell whether it is a predicate


@dataclass(frozen=True)
class Expansion:
    """What an English question becomes in Japanese."""

    terms: tuple[JapaneseTerm, ...]
    unknown: tuple[str, ...]  # content words with no term in the corpus (China, Zqxw)
    # capitalised words (not sentence-initial) of `unknown`: the question names something
    # the articles don't mention (a decline signal)
    unknown_names: tuple[str, ...] = ()
    # words of `unknown` whose dictionary senses mostly say what something does or is
    # ("busy": 忙しい, 多忙), not a thing: focus.FocusTerm.predicate
    unknown_predicates: tuple[str, ...] = ()
    # the kind of thing asked for ("which city"): searched, but not needed in the articles
    asked_kinds: tuple[str, ...] = ()

    def coverage(self, text: str) -> float:
        """How much of the question a Japanese text answers to: for each English word or
        phrase, the best weight of its terms found in `text`, summed (sentence choice)."""
        return sum(self.covered(text).values())

    def covered(self, text: str) -> dict[str, float]:
        """Each English word or phrase of the question with a term in `text`: its best
        term's weight."""
        best: dict[str, float] = {}
        for term in self.terms:
            if term.weight > best.get(term.source, 0.0) and term_occurs(term.text, text):
                best[term.source] = term.weight
        return best

    def query_text(self) -> str:
        """The terms as one query string for the keyword index (best first)."""
        return " ".join(term.text for term in self.terms)

    def weighted(self, per_source: bool = False) -> list[tuple[str, float]]:
        """(term, weight); with `per_source`, the weights of one English word's terms sum to
        1, so a word with many senses counts no more than a word with one."""
        if not per_source:
            return [(term.text, term.weight) for term in self.terms]
        totals: dict[str, float] = {}
        for term in self.terms:
            totals[term.source] = totals.get(term.source, 0.0) + term.weight
        return [(t.text, t.weight / totals[t.source]) for t in self.terms]

    def names(self) -> dict[str, str]:
        """Japanese name → the question's spelling of it, for glosses ("ウシャコフ" →
        "Ushakov"); a name the articles write in Latin letters as they write it (NATO, not
        the reader's "nato")."""
        return {t.text: t.text if t.text.isascii() else t.source
                for t in self.terms if t.kind == "name"}


def weighted_keyword_scores(index: KeywordIndex, expansion: Expansion,
                            limit: int = KEYWORD_TERMS) -> np.ndarray:
    """Σ weight × BM25(term) over the best `limit` terms, every term tokenized as the index
    tokenizes text: what an English question's keyword scores should be (bench/RESULTS.md)."""
    import numpy as np

    total = np.zeros(index.size, dtype=np.float32)
    for term in expansion.terms[:limit]:
        total += np.float32(term.weight) * index.scores(term.text)
    return total


@dataclass(frozen=True)
class CorpusName:
    japanese: str
    romaji: str
    skeleton: str


@dataclass(frozen=True)
class NameMatch:
    name: CorpusName
    english: str
    closeness: float  # 1 = same consonant skeleton


def _sudachi_dictionary() -> Any:
    from .keyword import sudachi_dictionary as shared_dictionary  # one per process already

    return shared_dictionary()


class ModeCTokenizers:
    """One SudachiPy mode-C tokenizer per thread (a tokenizer is not thread-safe)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def tokenize(self, text: str) -> Any:
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            from sudachipy import SplitMode

            tokenizer = self._local.tokenizer = _sudachi_dictionary().tokenizer(
                mode=SplitMode.C)
        return tokenizer.tokenize(text[:10_000])


def _is_katakana_word(text: str) -> bool:
    return bool(_KATAKANA_RUN.fullmatch(text))


@dataclass(frozen=True)
class CorpusTerms:
    """The corpus's Japanese words and names; plain data, saved as JSON beside the index."""

    words: frozenset[str]
    names: tuple[CorpusName, ...]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusTerms:
        tokenizers = ModeCTokenizers()
        words: set[str] = set()
        names: dict[str, str] = {}
        for text in texts:
            normalised = unicodedata.normalize("NFKC", text)
            for start in range(0, len(normalised), 10_000):
                _collect(tokenizers.tokenize(normalised[start : start + 10_000]), words, names)
        return cls(frozenset(words), tuple(
            CorpusName(japanese, romaji, romaji_skeleton(romaji))
            for japanese, romaji in sorted(names.items())))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"words": sorted(self.words), "names": [
            [n.japanese, n.romaji] for n in self.names]}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CorpusTerms:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(frozenset(data["words"]), tuple(
            CorpusName(j, r, romaji_skeleton(r)) for j, r in data["names"]))


def _collect(morphemes: Any, words: set[str], names: dict[str, str]) -> None:
    """Add one tokenized text's words (and the nouns of two or more characters a compound
    is made of: 修正案 → 修正; not its verbs: 取引 holds no 引く), noun runs (up to 3 nouns)
    and names."""
    from sudachipy import SplitMode

    run: list[str] = []
    for morpheme in morphemes:
        surface, pos = morpheme.surface(), morpheme.part_of_speech()
        if pos[0] in _CONTENT_POS:
            words.update((surface, morpheme.dictionary_form(), morpheme.normalized_form()))
            words.update(part.surface() for part in morpheme.split(SplitMode.A)
                         if part.part_of_speech()[1] == "普通名詞" and len(part.surface()) > 1)
        if pos[0] in _NOUNISH or (pos[0] == "接尾辞" and pos[1] == "名詞的"):
            run.append(surface)
            for size in (2, 3):
                if len(run) >= size:
                    words.add("".join(run[-size:]))
        else:
            run = []
        if _is_katakana_word(surface):
            names[surface] = romanise(surface)
        elif pos[1] == "固有名詞" and len(surface) > 1:
            names[surface] = romanise(morpheme.reading_form())


class NameMatcher:
    """Matches English words to the corpus's names by sound; per-instance cache."""

    def __init__(self, corpus: CorpusTerms) -> None:
        self._by_length: dict[int, list[CorpusName]] = {}
        for name in corpus.names:
            if name.skeleton:
                self._by_length.setdefault(len(name.skeleton), []).append(name)
        self.match = functools.lru_cache(maxsize=4096)(self._match)

    def _match(self, word: str) -> tuple[NameMatch, ...]:
        """Corpus names within the allowed skeleton distance of `word`, closest first."""
        skeleton = english_skeleton(word)
        if len(word) < 3 or len(skeleton) < 2:
            return ()
        limit = allowed_distance(len(skeleton))
        found: list[NameMatch] = []
        for length in range(len(skeleton) - 2, len(skeleton) + 3):
            for name in self._by_length.get(length, ()):
                distance = weighted_edit_distance(skeleton, name.skeleton)
                if distance <= limit and _first_sounds_agree(word, name.romaji):
                    found.append(NameMatch(name, word, 1.0 - distance / (limit + 1.0)))
        found.sort(key=lambda m: (-m.closeness, m.name.japanese))
        return tuple(found[:3])


def _first_sounds_agree(english: str, romaji: str) -> bool:
    """Both start with a vowel, or with close consonants (kills Crimea ↔ Korea-like slips
    only partly; the skeleton does the rest)."""
    a, b = english_skeleton(english[:3]), romaji_skeleton(romaji[:3])
    if not a or not b:
        return (english[0].lower() in "aeiouy") == (romaji[0] in "aeiouy") or not a or not b
    return weighted_edit_distance(a[0], b[0]) <= 0.3


# a capital standing for its government (news English: "Kyiv's view", "Moscow denied"),
# searched as the country when the articles never name the city
_CAPITAL_OF = {"Kyiv": "Ukraine", "Kiev": "Ukraine", "Moscow": "Russia",
               "Washington": "America", "Beijing": "China", "London": "Britain",
               "Paris": "France", "Berlin": "Germany", "Tokyo": "Japan", "Brussels": "EU",
               "Warsaw": "Poland", "Ankara": "Turkey", "Tehran": "Iran", "Seoul": "Korea"}
METONYMY_WEIGHT = 0.8
_ACRONYMS = {"US": "America", "U.S": "America", "UK": "Britain", "EU": "EU", "UN": "UN",
             "USA": "America"}
# names of several words that the dictionary lists only inside longer glosses ("United
# States of America"): one word it knows, before the words are looked up
_MULTIWORD_NAMES = ((re.compile(r"\b(?:the\s+)?United\s+States(?:\s+of\s+America)?\b", re.I),
                     "America"),
                    (re.compile(r"\b(?:the\s+)?United\s+Kingdom\b", re.I), "Britain"),
                    (re.compile(r"\b(?:the\s+)?European\s+Union\b", re.I), "EU"),
                    (re.compile(r"\b(?:the\s+)?Soviet\s+Union\b", re.I), "Soviet"),
                    (re.compile(r"\b(?:the\s+)?United\s+Nations\b", re.I), "UN"))
# a number and the English word after it → the Japanese counters it is written with
# ("28-point plan" → 28項目, not 28 + 先/前, the senses of "point")
_ENGLISH_COUNTERS = {"point": ("項目", "点"), "item": ("項目", "点"), "people": ("人", "名"),
             "person": ("人", "名"), "soldier": ("人",), "country": ("か国", "カ国", "ヶ国"),
             "year": ("年",), "month": ("か月", "カ月", "ヶ月"), "day": ("日",),
             "week": ("週間",), "hour": ("時間",), "time": ("回", "度"), "percent": ("%",),
             "missile": ("発",), "dollar": ("ドル",), "yen": ("円",), "article": ("条",)}
DERIVED_WEIGHT = 0.8  # a sense found through a related form (advise → advice → 助言)
SYNONYM_WEIGHT = 0.8  # a sense found through the corpus's word for it (phone → 電話 → 通話)
_SYNONYM_SENSES = 4  # a word's senses looked up in the corpus's words for them
# British spellings (the dictionary is American) and a word's noun/verb relatives, tried
# only when the word itself has no sense the corpus uses
_SPELLINGS = (("our", "or"), ("tre", "ter"), ("ise", "ize"), ("ised", "ized"),
              ("ising", "izing"), ("isation", "ization"), ("yse", "yze"), ("ence", "ense"),
              ("ogue", "og"), ("tyre", "tire"), ("ll", "l"))
_DERIVATIONS = (("ate", ("ation",)), ("ct", ("ction",)), ("ede", ("ession",)),
                ("ose", ("osal", "osition")),
                ("ise", ("ice",)), ("ize", ("ice",)), ("ail", ("ailure",)),
                ("ious", ("ion", "y")), ("ive", ("ivity", "ion")), ("ical", ("ics", "y")),
                ("ial", ("y", "", "e")), ("al", ("", "e")),
                ("ship", ("",)), ("y", ("iance", "ication", "ation")), ("er", ("",)),
                ("ers", ("",)), ("ent", ("ence",)),
                ("ant", ("ance",)), ("ied", ("ication", "ation")), ("eed", ("ess",)),
                ("ond", ("onse",)), ("onded", ("onse",)),
                ("ful", ("",)), ("ness", ("",)), ("ment", ("",)), ("ist", ("ism", "")),
                ("ing", ("ion", "ment")), ("ed", ("ion", "ment")), ("e", ("ion", "ation")),
                ("", ("ion", "ment", "ance")))


def _derived(word: str) -> list[str]:
    """Related forms to look up when a word's own forms have no sense the corpus uses:
    British → American spelling (favour → favor, centre → center), then noun and verb
    relatives (advise → advice, react → reaction, suspicious → suspicion, territorial →
    territory)."""
    forms: list[str] = []
    for lemma in _lemmas(word):
        spelled = [lemma, *(lemma[: -len(gb)] + us for gb, us in _SPELLINGS
                            if lemma.endswith(gb) and len(lemma) > len(gb) + 2)]
        forms.extend(spelled[1:])
        for form in spelled:
            for suffix, replacements in _DERIVATIONS:
                if form.endswith(suffix) and len(form) - len(suffix) >= 3:
                    stem = form[: len(form) - len(suffix)]
                    forms.extend(stem + r for r in replacements)
        forms.extend(_FEELINGS.get(lemma, ()))
    return [f for f in dict.fromkeys(forms) if f not in _STOP_WORDS and len(f) >= 3]


# adjectives of feeling JMdict glosses only as nouns or verbs ("afraid" is in no gloss key:
# "And what are they afraid will happen again?" was declined for an unknown word)
_FEELINGS = {"afraid": ("fear",), "scared": ("fear",), "frightened": ("fear",),
             "fearful": ("fear",), "worried": ("worry",), "anxious": ("anxiety",),
             "nervous": ("anxiety",), "angry": ("anger",), "furious": ("anger",),
             "wary": ("wariness", "caution"), "suspicious": ("suspicion",),
             "hopeful": ("hope",), "unhappy": ("dissatisfaction",)}


_DETERMINER_TEXT = """the a an its their his her our my your whose which what each every any
some no many much few several"""  # not this/that: pronouns as often ("does that look")
_DETERMINERS = frozenset(_DETERMINER_TEXT.split())
_VERBAL_ENDING = re.compile(r"^(?=.*[^ぁ-ゖ]).*[うくすつぬふむゆるぐずづぶぷ]$")  # 図る, 訪れる


def _asks_kind(words: Sequence[str], i: int) -> bool:
    """Whether words[i] names the kind of thing asked for: "which city", "what media",
    "which news outlet"."""
    if i + 1 < len(words) and i > 0 and words[i - 1].lower() in ("which", "what") \
            and words[i + 1].lower() in _ASKED_KIND_WORDS:
        return True  # "news" of "which news outlet"
    asking = {w.lower() for w in words[max(i - 2, 0): i]} & {"which", "what"}
    return bool(asking) and words[i].lower() in _ASKED_KIND_WORDS


def _noun_context(words: Sequence[str], written: Sequence[str], i: int) -> bool:
    """Whether words[i] ends a noun phrase: a determiner, a number (with its counter) or a
    possessive before it, with at most two other content words between ("the plan",
    "the leaked phone call", "28-point plan", "Russia's plan"; not "did Witkoff advise",
    nor a participle after its subject: "was the leak reported")."""
    for j in range(i - 1, max(i - 4, -1), -1):
        word = words[j].lower()
        if _asks_kind(words, j):
            return False  # "which news outlet reported": the phrase ended at the kind
        if word in _DETERMINERS or word.isdigit() or written[j].replace("’", "'").endswith("'s"):
            return not _passive_participle(words, j, i)
        if word in _STOP_WORDS:
            return False
    return False


def _verb_context(words: Sequence[str], written: Sequence[str], i: int) -> bool:
    """Whether words[i] is the verb of a yes/no question, after "did/does/will" and its
    one-word subject ("Did Trump fire…", "Does he plan…")."""
    return i >= 2 and words[i - 2].lower() in _YES_NO_AUXILIARIES and (
        written[i - 1][:1].isupper() or words[i - 1].lower() in _SUBJECT_PRONOUNS)


_YES_NO_AUXILIARIES = frozenset(["did", "does", "do", "will", "would", "can", "could", "should"])
_SUBJECT_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "you"])


def _passive_participle(words: Sequence[str], start: int, i: int) -> bool:
    """Whether words[i] (-ed/-en) is the verb of a question whose subject starts at
    words[start] after a form of "be" or "have": "was the leak reported"."""
    return words[i].lower().endswith(("ed", "en")) and start > 0 \
        and words[start - 1].lower() in _AUXILIARIES


_AUXILIARIES = frozenset(["was", "were", "is", "are", "be", "been", "has", "have", "had"])


def _as_noun(terms: tuple[JapaneseTerm, ...]) -> tuple[JapaneseTerm, ...]:
    """A word's terms without its verb and adjective senses (図る for "the plan", 呼ぶ for
    "the call"), the best remaining sense weighted 1; as they were if none would remain."""
    nouns = [t for t in terms if t.kind != "word" or not _VERBAL_ENDING.search(t.text)]
    senses = [t.weight for t in nouns if t.kind == "word"]
    if not senses:
        return terms
    best = max(senses)
    return tuple(replace(t, weight=t.weight / best) if t.kind == "word" else t for t in nouns)


def _plain_word(word: str) -> str:
    """A question word without a possessive; US/UK spelled out (else "us" is a stop word)."""
    word = word.replace("’", "'").removesuffix("'s").removesuffix("'").strip("'-")
    return _ACRONYMS.get(word.rstrip("."), word)


def _lemmas(word: str) -> list[str]:
    """The word and the base forms it may be (plural, past, -ing, demonym: Russians →
    russian → russia), two suffixes deep."""
    plain = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    forms = _suffix_lemmas(_NEWS_SENSE.get(plain, plain))
    for form in forms[1:]:
        forms.extend(_suffix_lemmas(form)[1:])
    return list(dict.fromkeys(forms))


def _suffix_lemmas(w: str) -> list[str]:
    forms = [w]
    if w in _IRREGULAR:
        forms.append(_IRREGULAR[w])
    for suffix, replacements in (("ies", ["y"]), ("ied", ["y"]), ("es", ["", "e"]), ("s", [""]),
                                 ("ian", ["ia", "e", ""]), ("an", ["a", ""]), ("ese", [""]),
                                 ("ed", ["", "e"]), ("ing", ["", "e"]), ("ly", [""])):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            stem = w[: -len(suffix)]
            forms.extend(stem + r for r in replacements)
            if len(stem) > 3 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # planned → plan
    return list(dict.fromkeys(forms))


class EnglishToJapanese:
    """English question → weighted Japanese terms (see the module docstring for the order).

    With `corpus`, dictionary headwords the corpus never uses are dropped and each word's
    remaining senses are re-weighted so its best one counts 1: the corpus decides between
    漏洩 and 流出 for "leak"."""

    def __init__(self, tables: JMdictTables, corpus: CorpusTerms | None = None,
                 use_dictionary: bool = True, use_names: bool = True,
                 corpus_words_for: Callable[[str], tuple[str, ...]] | None = None) -> None:
        self.tables = tables
        # a Japanese word the corpus lacks → the corpus's words for it (synonyms.py)
        self.corpus_words_for = corpus_words_for
        self.corpus = corpus
        self.names = NameMatcher(corpus) if corpus is not None and use_names else None
        self.use_dictionary = use_dictionary
        self._word_terms = functools.lru_cache(maxsize=4096)(self._terms_for_word)
        self._senses = functools.lru_cache(maxsize=4096)(self._dictionary_senses)
        self._is_predicate = functools.lru_cache(maxsize=4096)(self._says_what_it_does)
        # corpus word (≤ 8 characters) split in two: first part → the possible second parts
        self._endings: dict[str, set[str]] = {}
        for word in corpus.words if corpus is not None else ():
            if len(word) <= 8:
                for cut in range(1, len(word)):
                    self._endings.setdefault(word[:cut], set()).add(word[cut:])

    def expand(self, question: str) -> Expansion:
        text = unicodedata.normalize("NFKC", question)
        for name, one_word in _MULTIWORD_NAMES:
            text = name.sub(one_word, text)
        text = _TAKE_PLACE.sub("happen", text)  # a stop word, as the phrase is
        text = _HOW_LONG.sub("how", text)  # the length asked for (focus.asked_unit)
        matches = list(_ENGLISH_WORD.finditer(text))[:MAX_QUESTION_WORDS]
        initial = {i for i, m in enumerate(matches)
                   if not m.string[: m.start()].strip() or m.string[: m.start()].rstrip()[-1]
                   in ".?!:;\"'「(？！。"}
        words = [self._uncapitalised(_plain_word(m.group())) if i in initial
                 else _plain_word(m.group()) for i, m in enumerate(matches)]
        written = [m.group() for m in matches]
        found: dict[str, JapaneseTerm] = {}
        unknown: list[str] = []
        names: list[str] = []
        kinds: list[str] = []
        verbs: list[str] = []  # a yes/no question's verb whose senses here only name things
        i = 0
        while i < len(words):
            span, terms = self._counted(words, i)
            if not terms:
                span, terms = self._longest_phrase(words, i)
            if not terms and words[i].lower() not in _STOP_WORDS:
                terms = self._word_terms(words[i])
                if _noun_context(words, written, i):
                    terms = _as_noun(terms)
                elif _verb_context(words, written, i) and not self._acts(terms):
                    terms = ()  # "Did Trump fire…": 戦火 is no firing; nothing says it
                    verbs.append(words[i])
                if words[i].isdigit():
                    terms = (JapaneseTerm(words[i], 0.5, words[i], "word"),)
                if _asks_kind(words, i):
                    kinds.append(words[i])
                elif not terms and self._looked_up(words[i], i not in initial) \
                        and not self._restates_next(words, i):
                    unknown.append(words[i])
                    if words[i][:1].isupper() and i not in initial:
                        names.append(words[i])
            if span == 1 and i + 1 < len(words):
                terms = terms + self._compounds(words[i], words[i + 1])
            for term in terms:
                if term.text not in found or found[term.text].weight < term.weight:
                    found[term.text] = term
            i += span
        ranked = sorted(found.values(), key=lambda t: -t.weight)[:MAX_TERMS]
        return Expansion(tuple(ranked), tuple(dict.fromkeys(unknown)),
                         tuple(dict.fromkeys(names)),
                         tuple(w for w in dict.fromkeys(unknown)
                               if w not in names and (w in verbs or self._is_predicate(w)
                                                      or self._is_predicate(f"be {w}"))),
                         tuple(dict.fromkeys(kinds)))

    def _says_what_it_does(self, word: str) -> bool:
        """Whether most of the word's first dictionary senses are verbs or adjectives (busy →
        忙しい, 慌ただしい; not status → 地位, nor broke → 無一文); the caller also asks it of
        "be born" for "born", which JMdict has only in that phrase (生まれる)."""
        from .focus import is_predicate

        senses = self._dictionary_senses(word)[:PREDICATE_SENSES]
        return bool(senses) and 2 * sum(map(is_predicate, senses)) >= len(senses)

    @staticmethod
    def _acts(terms: Sequence[JapaneseTerm]) -> bool:
        """Whether a verb's terms have a name or one that says what something does (反応,
        受け止める; not only 戦火 for "fire")."""
        from .focus import is_predicate

        return any(t.kind != "word" or is_predicate(t.text) for t in terms)

    def _restates_next(self, words: Sequence[str], i: int) -> bool:
        """Whether a word the corpus has no term for only restates the word after it, which
        has terms: a dictionary sense of both ("phone call": 電話 is a sense of "call" too,
        and the articles say 通話). Not "weather forecast" (天気 is no sense of forecast)."""
        following = words[i + 1] if i + 1 < len(words) else ""
        if not following or following.lower() in _STOP_WORDS or \
                not self._word_terms(following):
            return False
        return bool(set(self._senses(words[i])) & set(self._senses(following)))

    def _in_corpus(self, japanese: str) -> bool:
        return self.corpus is None or japanese in self.corpus.words

    def _looked_up(self, word: str, mid_sentence: bool) -> bool:
        """Whether a word without terms was looked for by a part that is switched on (a name
        by sound, another word in the dictionary): only then is it known to be missing
        (ASSISTANT_ENGLISH_PARTS switches parts off to measure them)."""
        return self.names is not None if word[:1].isupper() and mid_sentence \
            else self.use_dictionary

    def _uncapitalised(self, word: str) -> str:
        """A sentence-initial word in lower case when it is a stop word or a word the
        dictionary knows ("Apart from…", "Back to…": not names to match by sound)."""
        lower = word.lower()
        if word[:1].isupper() and not word.isupper() and (
                lower in _STOP_WORDS or self.tables.japanese_for(_lemmas(lower), 1)):
            return lower
        return word

    def _counted(self, words: Sequence[str], i: int) -> tuple[int, tuple[JapaneseTerm, ...]]:
        """A number and the counter word after it, as the corpus writes them: "28-point" →
        28項目 and 28点 (the number alone stays a term too); "how many points" → 項目, 点."""
        if i + 1 >= len(words):
            return 1, ()
        counters = next((_ENGLISH_COUNTERS[lemma] for lemma in _lemmas(words[i + 1])
                         if lemma in _ENGLISH_COUNTERS), ())
        source = f"{words[i]} {words[i + 1]}"
        if words[i].lower() == "many" and i > 0 and words[i - 1].lower() == "how":
            return 1, tuple(JapaneseTerm(counter, 1.0 if n == 0 else 0.5, "how many", "word")
                            for n, counter in enumerate(counters))
        if not words[i].isdigit():
            return 1, ()
        terms = [JapaneseTerm(words[i] + counter, 1.0, source, "word") for counter in counters]
        if terms:
            terms.append(JapaneseTerm(words[i], 0.5, source, "word"))
        return (2, tuple(terms)) if terms else (1, ())

    def _longest_phrase(self, words: Sequence[str], i: int) -> tuple[int, tuple[JapaneseTerm, ...]]:
        """A JMdict phrase of 4, 3 or 2 words starting at i ("Secretary of State")."""
        if not self.use_dictionary or words[i].lower() in _STOP_WORDS:
            return 1, ()
        for size in (4, 3, 2):
            phrase = words[i : i + size]
            if len(phrase) < size or phrase[-1].lower() in _STOP_WORDS:
                continue
            lemmas = _lemmas(phrase[-1])
            keys = [" ".join([*(w.lower() for w in phrase[:-1]), last]) for last in lemmas]
            candidates = [c for c in self.tables.japanese_for(keys, _CANDIDATES_PER_WORD)
                          if self._in_corpus(c.japanese)]
            if candidates:
                best = candidates[0].weight
                return size, tuple(JapaneseTerm(c.japanese, c.weight / best, " ".join(phrase),
                                                "phrase") for c in candidates[:_KEPT_PER_WORD])
        return 1, ()

    def _terms_for_word(self, word: str) -> tuple[JapaneseTerm, ...]:
        """Dictionary senses the corpus uses, and names that sound like the word. A lower-case
        word the dictionary knows is not a name (book ≠ バック): JMdict has the common
        loanwords (media → メディア) itself; otherwise only an exact sound match counts."""
        terms: list[JapaneseTerm] = []
        if self.corpus is not None and word.isascii():
            # NATO, EU as written; "nato", "Nato" as a reader may type an acronym
            written = next((w for w in (word, word.upper()) if w in self.corpus.words), None)
            if written is not None:
                terms.append(JapaneseTerm(written, 1.0, word, "name"))
        if self.use_dictionary:
            terms.extend(self._dictionary_terms(word))
        if self.names is not None and not terms:
            capitalised = word[:1].isupper()
            terms.extend(JapaneseTerm(m.name.japanese, m.closeness, word, "name")
                         for m in self.names.match(word)
                         if capitalised or (m.closeness == 1.0 and len(m.name.skeleton) >= 3))
        elif self.names is not None and word[:1].isupper():
            known = {t.text for t in terms}
            terms.extend(JapaneseTerm(m.name.japanese, m.closeness, word, "name")
                         for m in self.names.match(word) if m.name.japanese not in known)
        capital = _CAPITAL_OF.get(word) or _CAPITAL_OF.get(word.capitalize())  # "moscow"
        if not terms and capital is not None:
            terms.extend(JapaneseTerm(t.text, t.weight * METONYMY_WEIGHT, word, t.kind)
                         for t in self._word_terms(capital))
        return tuple(terms)

    def _dictionary_terms(self, word: str) -> list[JapaneseTerm]:
        """The word's senses the corpus uses, its best one weighted 1, and those of a related
        form (`_derived`: discussed → discussion → 議論) weighted DERIVED_WEIGHT at best —
        `_KEPT_DERIVED` of them beside the word's own, `_KEPT_PER_WORD` when it has none."""
        own = self._weighted(self._corpus_senses(_lemmas(word)), word, 1.0, _KEPT_PER_WORD)
        if self.corpus is not None and word in self.corpus.words:
            return own
        related = self._weighted(self._corpus_senses(_derived(word)), word, DERIVED_WEIGHT,
                                 _KEPT_PER_WORD if not own else _KEPT_DERIVED)
        known = {t.text for t in own}
        found = own + [t for t in related if t.text not in known]
        return found or self._synonym_terms(word)

    def _synonym_terms(self, word: str) -> list[JapaneseTerm]:
        """For a word none of whose senses the corpus uses, the corpus's words for its best
        senses (phone → 電話 → 通話: synonyms.py), weighted SYNONYM_WEIGHT: only the best
        (recipe's first is 製法, not 秘けつ → 秘密)."""
        if self.corpus_words_for is None:
            return []
        senses = self.tables.japanese_for(_lemmas(word), _SYNONYM_SENSES)
        words = dict.fromkeys(w for c in senses if c.weight >= senses[0].weight
                              for w in self.corpus_words_for(c.japanese))
        return [JapaneseTerm(w, SYNONYM_WEIGHT, word, "word") for w in list(words)[:_KEPT_DERIVED]]

    @staticmethod
    def _weighted(candidates: Sequence[Candidate], word: str, factor: float, kept: int
                  ) -> list[JapaneseTerm]:
        if not candidates:
            return []
        best = candidates[0].weight
        return [JapaneseTerm(c.japanese, factor * c.weight / best, word, "word")
                for c in candidates[:kept]]

    def _corpus_senses(self, keys: Sequence[str]) -> list[Candidate]:
        return [c for c in self.tables.japanese_for(keys, _CANDIDATES_PER_WORD)
                if self._in_corpus(c.japanese) and not _HIRAGANA_BIT.fullmatch(c.japanese)]

    def _compounds(self, first: str, second: str) -> tuple[JapaneseTerm, ...]:
        """Two content words whose headwords, joined, are a word of the corpus (peace plan →
        和平 + 案 → 和平案). Only with a corpus: otherwise nothing can confirm a compound."""
        if self.corpus is None or not self.use_dictionary or {
                first.lower(), second.lower()} & _STOP_WORDS:
            return ()
        found: list[JapaneseTerm] = []
        tails = self._senses(second)
        for head in self._senses(first):
            endings = self._endings.get(head)
            if endings:  # only heads some corpus word starts with (a long question: 80 pairs)
                found.extend(JapaneseTerm(head + tail, 1.0, f"{first} {second}", "compound")
                             for tail in tails if tail in endings)
        return tuple(found[:_KEPT_PER_WORD])

    def _dictionary_senses(self, word: str) -> tuple[str, ...]:
        return tuple(c.japanese for c in self.tables.japanese_for(_lemmas(word),
                                                                  _CANDIDATES_PER_WORD))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_PART_OF_MONTH = {"上旬": "early", "初旬": "early", "初め": "early", "中旬": "mid",
                  "下旬": "late", "末": "late"}
_PART_OF_YEAR = {"春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter",
                 "末": "end of", "初め": "start of", "前半": "first half of",
                 "後半": "second half of"}
_COUNTERS = {"項目": "points", "人": "people", "名": "people", "か国": "countries",
             "カ国": "countries", "ヶ国": "countries", "ヵ国": "countries", "件": "cases",
             "日間": "days", "年間": "years", "か月": "months", "カ月": "months",
             "ヶ月": "months", "週間": "weeks", "回": "times", "倍": "times", "歳": "years old",
             "%": "%", "パーセント": "%", "ドル": "dollars", "円": "yen", "キロ": "km",
             "機": "aircraft", "発": "rounds", "つ": "", "条": "articles"}
_NUMBER = r"(\d+(?:\.\d+)?)"
_DATE_RULES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
     lambda m: f"{int(m[3])} {_MONTHS[int(m[2]) - 1]} {m[1]}"),
    (re.compile(r"(\d{1,2})月(\d{1,2})日"), lambda m: f"{int(m[2])} {_MONTHS[int(m[1]) - 1]}"),
    (re.compile(r"(\d{1,2})月(上旬|初旬|初め|中旬|下旬|末)"),
     lambda m: f"{_PART_OF_MONTH[m[2]]}-{_MONTHS[int(m[1]) - 1]}"),
    (re.compile(r"(\d{4})年(\d{1,2})月"), lambda m: f"{_MONTHS[int(m[2]) - 1]} {m[1]}"),
    (re.compile(r"(\d{4})年(春|夏|秋|冬)"), lambda m: f"{_PART_OF_YEAR[m[2]]} {m[1]}"),
    (re.compile(r"(\d{4})年(末|初め|前半|後半)"), lambda m: f"{_PART_OF_YEAR[m[2]]} {m[1]}"),
    (re.compile(r"(\d{4})年代"), lambda m: f"the {m[1]}s"),
    (re.compile(r"(\d{4})年"), lambda m: m[1]),
    (re.compile(r"(\d{1,2})月"), lambda m: _MONTHS[int(m[1]) - 1]),
    (re.compile(_NUMBER + "(" + "|".join(sorted(map(re.escape, _COUNTERS), key=len,
                                                 reverse=True)) + ")"),
     lambda m: f"{m[1]} {_COUNTERS[m[2]]}".replace(" %", "%").strip()),
    (re.compile(_NUMBER + "万"), lambda m: f"{float(m[1]) * 10_000:,.0f}"),
    (re.compile(_NUMBER + "億"), lambda m: f"{float(m[1]) * 100_000_000:,.0f}"),
]
_MONTH_LIMIT = re.compile(r"(?<!\d)(1[0-2]|[1-9])月")
_SKIPPED_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接続詞", "感動詞"}
# kana words JMdict files under a rarer headword first (この → 九 "nine", どの → 殿 "Mr.",
# ない → 地震 "earthquake"): the closed-class words a quote is full of, glossed as meant
_CLOSED_CLASS = {"この": "this", "その": "that", "あの": "that", "どの": "which",
                 "こんな": "such", "そんな": "such", "あんな": "such", "どんな": "what kind of",
                 "ない": "not", "無い": "not"}
_NOT = "not"


_SKIPPED_WORDS = {"する", "為る", "いる", "居る", "ある", "有る", "なる", "成る", "れる", "られる",
                  "こと", "事", "もの", "物", "よう", "様", "ところ", "所", "という", "氏",
                  "さん", "的", "等", "など"}


def _date_and_number_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, English) of the dates, numbers with counters, 万/億 amounts in `text`."""
    taken = [False] * len(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, render in _DATE_RULES:
        for match in pattern.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            if "月" in match[0] and not _MONTH_LIMIT.search(match[0]):
                continue  # 13月 is not a month
            spans.append((match.start(), match.end(), render(match)))
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
    return sorted(spans)


class Glosser:
    """A Japanese quote → an English word gloss (tables read-only; tokenizer per thread)."""

    def __init__(self, tables: JMdictTables) -> None:
        self.tables = tables
        self._tokenizers = ModeCTokenizers()
        self._word = functools.lru_cache(maxsize=20_000)(self._gloss_word)

    def word_gloss(self, japanese: str, names: Mapping[str, str] | None = None) -> str:
        """English pieces joined by " · ", in the quote's order; `names` (Japanese → the
        question's spelling, from `Expansion.names()`) wins over romanisation."""
        text = unicodedata.normalize("NFKC", japanese)[:2_000]
        pieces: list[str] = []
        position = 0
        for start, end, english in [*_date_and_number_spans(text), (len(text), len(text), "")]:
            pieces.extend(self._gloss_words(text[position:start], names or {}))
            if english:
                pieces.append(english)
            position = end
        kept: list[str] = []
        for piece in pieces:  # each word once, but each negation where it is
            if piece and (piece not in kept or (piece == _NOT and kept[-1] != _NOT)):
                kept.append(piece)
        return " · ".join(kept)

    def _gloss_words(self, text: str, names: Mapping[str, str]) -> list[str]:
        """Glosses of the text's content words; a run of nouns becomes one piece."""
        if not text.strip():
            return []
        pieces: list[str] = []
        run: list[Any] = []
        for morpheme in self._tokenizers.tokenize(text):
            pos = morpheme.part_of_speech()
            skipped = (pos[0] in _SKIPPED_POS or pos[1] == "非自立可能"
                       or morpheme.dictionary_form() in _SKIPPED_WORDS
                       or (pos[0] == "接尾辞" and pos[1] != "名詞的"))
            if not skipped and (pos[0] in _NOUNISH or pos[0] == "接尾辞"):
                run.append(morpheme)
                continue
            if run:
                pieces.append(self._gloss_run(run, names))
                run = []
            if negates(morpheme.dictionary_form(), pos[0]):
                if not pieces or pieces[-1] != _NOT:  # 「証拠はありません」: "evidence · not"
                    pieces.append(_NOT)
            elif not skipped:
                pieces.append(self._gloss_morpheme(morpheme, names))
        if run:
            pieces.append(self._gloss_run(run, names))
        return pieces

    def _gloss_run(self, run: Sequence[Any], names: Mapping[str, str]) -> str:
        """A run of nouns: the longest stretches JMdict knows as one word (大統領府), else
        word by word."""
        glosses: list[str] = []
        i = 0
        while i < len(run):
            for j in range(min(len(run), i + 4), i + 1, -1):
                joined = "".join(m.surface() for m in run[i:j])
                english = names.get(joined) or self.tables.english_for(joined)
                if english and not _is_katakana_word(joined):
                    glosses.append(english)
                    i = j
                    break
            else:
                glosses.append(self._gloss_morpheme(run[i], names))
                i += 1
        return " ".join(glosses)

    def _gloss_morpheme(self, morpheme: Any, names: Mapping[str, str]) -> str:
        """A word's gloss; a word JMdict lacks is glossed by its SudachiPy mode-A parts
        (情報戦 → information + war, トランプ大統領 → Trump + president), else romanised."""
        surface = morpheme.surface()
        if surface in names:
            return names[surface]
        if surface in _CLOSED_CLASS:
            return _CLOSED_CLASS[surface]
        proper = morpheme.part_of_speech()[1] == "固有名詞"
        known = self._word(surface, morpheme.dictionary_form(), proper, morpheme.reading_form())
        if known is not None:
            return known
        from sudachipy import SplitMode

        parts = morpheme.split(SplitMode.A)
        if len(parts) > 1:
            return " ".join(self._gloss_morpheme(part, names) for part in parts)
        if _is_katakana_word(surface) or proper:
            return display_name(romanise(surface if _is_katakana_word(surface)
                                         else morpheme.reading_form()))
        return romanise(morpheme.reading_form())

    def _gloss_word(self, surface: str, base: str, proper: bool, reading: str) -> str | None:
        """The dictionary's word for it (None when neither JMdict nor JMnedict has it):
        names spelled as they sound (Bloomberg), other words by their first gloss."""
        if surface.isascii():
            return surface
        if _is_katakana_word(surface):
            english = self.tables.english_for(surface)
            if english and not proper and _sounds_like(english, surface):
                return english  # a loanword: リーク → leak, not the surname Leek
            name = self.tables.name_for(surface)
            if name and _sounds_like(name, surface):  # not Ouchakov for ウシャコフ
                return name  # トランプ → Trump, not "playing cards"
            if english and proper and _sounds_like(english, surface):
                return english[:1].upper() + english[1:]
            return english if english and not proper else None
        if proper:
            english = self.tables.english_for(surface)
            return english[:1].upper() + english[1:] if english else None
        hiragana = _to_hiragana(reading)
        return (self.tables.english_for(surface, hiragana) if surface == base else None) \
            or self.tables.english_for(base) or self.tables.english_for(surface, hiragana)

    def romanised_name(self, japanese: str, names: Mapping[str, str] | None = None) -> str:
        """A name as a reader writes it: ユーリ・ウシャコフ → "Yuri Ushakov"."""
        parts = re.split(r"[・=＝\s]+", unicodedata.normalize("NFKC", japanese).strip())
        return " ".join(self.word_gloss(part, names) for part in parts if part)

    def names_in(self, japanese: str, names: Mapping[str, str] | None = None
                 ) -> list[tuple[str, str]]:
        """(as written, romanised) for each name of the quote — a proper noun, or a katakana
        word glossed with a capital (ウシャコフ → Ushakov): what a checked translation of
        the quote must keep (english_reader.check_translation)."""
        found: dict[str, str] = {}
        text = unicodedata.normalize("NFKC", japanese)[:2_000]
        for morpheme in self._tokenizers.tokenize(text):
            surface = morpheme.surface()
            proper = morpheme.part_of_speech()[1] == "固有名詞"
            if not (proper or _is_katakana_word(surface)) or surface in found:
                continue
            english = self._gloss_morpheme(morpheme, names or {})
            if proper or english[:1].isupper():
                found[surface] = english
        return list(found.items())


def keeps_name(translation: str, written: str, romanised: str) -> bool:
    """Whether an English translation keeps a name of its quote: as written, as the Glosser
    romanises it (case-insensitive), or, for a katakana name, a word that sounds like it
    (ウィトコフ: "Witkoff" as well as the romanised "Witokov")."""
    lowered = translation.lower()
    if written in translation or (romanised and romanised.lower() in lowered):
        return True
    if not _is_katakana_word(written):
        return False
    return any(_sounds_like(word, written) for word in re.findall(r"[A-Za-z][A-Za-z'-]+",
                                                                    translation))


def _to_hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def _sounds_like(english: str, katakana: str) -> bool:
    """Whether a dictionary's Latin spelling is the katakana word's sound (Bloomberg ↔
    ブルームバーグ), not a meaning or another language's spelling (Ouchakov ↔ ウシャコフ)."""
    a, b = english_skeleton(english), romaji_skeleton(romanise(katakana))
    return bool(a) and weighted_edit_distance(a, b) <= allowed_distance(len(a)) \
        and _first_sounds_agree(english, romanise(katakana))
