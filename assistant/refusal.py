"""When to decline: is the best match clearly above what an unrelated question gets?

Absolute similarity levels differ between corpora (questions match Wikipedia paragraphs
more closely than news commentary) and between languages (an English question over
Japanese text scores lower across the board). So each index gets a *background*: the
relevance of everyday questions that no news corpus answers
(`data/background_questions.json`), per question language. A question is answered when
its relevance is at least `z` background standard deviations above the background mean.

relevance = best dense cosine + keyword_weight * log(1 + best BM25 / mean matching BM25)
            + gap_weight * (best dense cosine - mean cosine of the dense candidates)

`z` is `decline_z` when the question is in the corpus's main language and
`decline_z_cross` otherwise (no shared terms, weaker similarities). A question in another
language with fewer than three words is declined outright: multilingual-e5 rates any very
short string ("x", "hello", "test") as close to everything, closer than real questions.
The thresholds and the two weights were chosen from data: see bench/calibrate_refusal.py
and bench/RESULTS.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .focus import FocusTerm

if TYPE_CHECKING:
    from .retrieval import HybridRetriever, Retrieval

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_CROSS_LANGUAGE_WORDS = 3  # fewer words than this, in another language: nothing to go on
MIN_STD = 0.01  # tiny corpora have a very narrow background; don't divide by ~0


@dataclass(frozen=True)
class Background:
    mean: float
    std: float


BACKGROUND_FILE = "background.json"  # in a revision's search folder
BACKGROUND_VERSION = 1  # of how the background is measured (top 5, relevance formula)


def _background_text() -> str:
    return resources.files("assistant").joinpath("data/background_questions.json").read_text(
        encoding="utf-8"
    )


def background_questions() -> dict[str, list[str]]:
    data = json.loads(_background_text())
    return {lang: data[lang] for lang in ("ja", "en")}


@dataclass(frozen=True)
class RelevanceWeights:
    keyword: float
    gap: float


def relevance(found: Retrieval, weights: RelevanceWeights) -> float:
    return (found.dense_top + weights.keyword * math.log1p(found.keyword_ratio)
            + weights.gap * found.dense_gap)


def measure_background(retriever: HybridRetriever, weights: RelevanceWeights
                       ) -> dict[str, Background]:
    """Relevance of the everyday questions against this index, per language."""
    backgrounds = {}
    for language, questions in background_questions().items():
        values = np.array([relevance(retriever.retrieve(q, 5), weights) for q in questions])
        backgrounds[language] = Background(float(values.mean()),
                                           max(float(values.std()), MIN_STD))
    return backgrounds


def background_key(weights: RelevanceWeights, model_id: str) -> str:
    """What a saved background was measured with: the questions, weights and model."""
    parts = [str(BACKGROUND_VERSION), model_id, repr(weights.keyword), repr(weights.gap),
             _background_text()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def saved_background(retriever: HybridRetriever, weights: RelevanceWeights, model_id: str,
                     folder: Path | None) -> dict[str, Background]:
    """The background of this revision: read from its search folder when measured before
    with the same questions, weights and model (embedding 40 questions was ~0.4 s of every
    one-shot `assistant ask`), else measured and saved there for the next process. The
    file is derived: written atomically, any failure only means measuring again."""
    key = background_key(weights, model_id)
    path = folder / BACKGROUND_FILE if folder is not None else None
    if path is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["key"] == key:
                return {lang: Background(float(m), float(s))
                        for lang, (m, s) in data["backgrounds"].items()}
    backgrounds = measure_background(retriever, weights)
    if path is not None:
        tmp = path.with_name(f"{BACKGROUND_FILE}.tmp-{os.getpid()}")
        with contextlib.suppress(OSError):
            try:
                tmp.write_text(json.dumps({"key": key, "backgrounds": {
                    lang: [b.mean, b.std] for lang, b in backgrounds.items()}}),
                    encoding="utf-8")
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
    return backgrounds


ANCHORS = 2  # names and things found that let a question's missing predicate pass


@dataclass(frozen=True)
class Coverage:
    """A question's focus terms (focus.py) and those no article in scope contains."""

    focus: tuple[FocusTerm, ...]
    missing: tuple[FocusTerm, ...]
    # the unit a count was asked in (「何歳」) when no retrieved passage counts in it
    missing_unit: str | None = None
    # an English question most of whose own content words no article has (the weather in
    # Tokyo, his salary): declined like a missing name (english_reader.english_coverage)
    mostly_missing: bool = False
    # one retrieved passage holds every focus term, not only the articles somewhere: the
    # passage the answer quotes names what the question is about (「ジュネーブでは何が
    # あったの？」 and the one sentence naming ジュネーブ). On JSQuAD, true for 82% of
    # answerable questions, for 3.6% of those whose article is held out.
    in_passages: bool = False
    # a yes/no question about something done that no article names in any word it knows
    # (「ウィトコフ特使は通話の流出について謝罪したの？」, "Did Witkoff apologize for the
    # leak?"): whether it happened is nowhere, however much else is found
    unasked_event: bool = False

    @property
    def missing_names(self) -> tuple[FocusTerm, ...]:
        return tuple(t for t in self.missing if t.is_name)

    @property
    def telling_missing(self) -> tuple[FocusTerm, ...]:
        """The missing terms that tell the articles don't answer: a missing predicate
        (通用, 手一杯, "busy": the article may write 追われていた) only when fewer than
        `ANCHORS` of the question's names and things are found (「ベネズエラの危機対応で
        手一杯」 has two; "What did Ushakov eat?" one, and stays a missing word)."""
        if self._anchors() >= ANCHORS:
            return tuple(t for t in self.missing if not t.predicate)
        return self.missing

    @property
    def unanchored_predicate(self) -> bool:
        """A predicate missing with fewer than `ANCHORS` names and things found ("Was
        Ushakov ever married?", "Did Witkoff apologize?"): what it asks about him is nowhere."""
        return self._anchors() < ANCHORS and any(t.predicate for t in self.missing)

    def _anchors(self) -> int:
        return sum(not t.predicate for t in self.focus if t not in self.missing)


@dataclass(frozen=True)
class DeclineRule:
    backgrounds: dict[str, Background]
    corpus_language: str
    weights: RelevanceWeights
    z_same: float
    z_cross: float
    z_found: float = 2.5
    z_in_passages: float = 0.0
    z_missing_word: float = 3.0
    z_cross_found: float = -0.5
    z_cross_missing_word: float = 1.0

    def z(self, found: Retrieval, language: str) -> float:
        """How far above the background of the question's language the best match is, in
        std units."""
        bg = self.backgrounds.get(language) or self.backgrounds["en"]
        return (relevance(found, self.weights) - bg.mean) / bg.std

    def declines(self, found: Retrieval, question: str, language: str,
                 coverage: Coverage | None = None) -> bool:
        """Whether to decline; `language` is the question's, detected once by the caller;
        `coverage`: which of its focus terms the articles in scope contain (see below)."""
        if not found.passages:
            return True
        same = language == self.corpus_language
        if not same and len(_WORD.findall(question)) < MIN_CROSS_LANGUAGE_WORDS:
            return True  # "x", "hello", "test": e5 finds every short string similar
        return self.z(found, language) < self.threshold(same, coverage)

    def threshold(self, same_language: bool, coverage: Coverage | None) -> float:
        """The z a question must reach. With the focus known (a question in the corpus's
        language): a name no article in scope mentions can't be answered; a missing
        content word asks for a much stronger match; every focus term found, `z_found`; all
        of them in one retrieved passage, only `z_in_passages` (a short question about
        something the articles name matches its one sentence weakly, yet that passage is
        the answer; terms found only apart, in other passages, ask for more)."""
        if coverage is not None and (coverage.missing_unit or coverage.unasked_event):
            return math.inf
        if not same_language:  # coverage: an English question's Japanese terms, if known
            if coverage is None or not coverage.focus:
                return self.z_cross
            if coverage.missing_names or coverage.mostly_missing \
                    or coverage.unanchored_predicate:
                return math.inf
            return self.z_cross_missing_word if coverage.telling_missing \
                else self.z_cross_found
        if coverage is None or not coverage.focus:
            return self.z_same
        if coverage.missing_names:
            return math.inf
        if coverage.telling_missing:
            return self.z_missing_word
        return self.z_in_passages if coverage.in_passages else self.z_found
