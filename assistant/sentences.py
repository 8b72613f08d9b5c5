"""Which sentences answer the question: candidate sentences, their features, the scorer.

The candidates are the distinct sentences of the top `CANDIDATE_PASSAGES` passages. Each
gets the features of `FEATURES` (* = scaled onto [0, 1] over the candidates):

- similarity*: e5 similarity of question and sentence (vectors computed at index time);
- bigram_overlap*, word_overlap*: IDF-weighted share of the question's character bigrams /
  SudachiPy words the sentence has; local_overlap*: the bigram share with each bigram
  weighted by how few candidates have it (the article's topic words count for little);
- previous_overlap, next_overlap, previous_excess: how well the article's sentence before
  / after matches the question, and how much better than this one the one before does
  (the question paraphrases one sentence, the answer is in the next: 「梅雨の半ばには…期間
  が出現することがある。この期間のことを梅雨の中休みという。」);
- antecedent: the sentence opens with これ/その/同… or follows a lead-in (「次の…。」), and
  the sentence before matches the question;
- echo: how much the sentence just repeats the question (its bigram share times the share
  of its words the question has: such a sentence can't hold the answer); novelty: the
  share of its words that the question lacks;
- answer_type: it has the kind of thing asked for (a date for いつ, a number for 何人, …);
  new_named / new_any_named: it names a person/place/thing or number of the kind asked
  for / of any kind (SudachiPy parts of speech) that the question does not; naming: the
  question asks what something is called and the sentence names (という/と呼ぶ/「」);
- slot_left, slot_right, slot_both: the question's text just before / after its question
  word (「首都は」どこ, 何「という」) is in the sentence, both with a gap between;
- passage_rank: 1 / (1 + rank of the passage it comes from); passage_score*: its fused
  retrieval score; names_topic: the sentence has its article's title and the question
  does not (「…を行っている国は？」 about the article オランダ).

Gradient-boosted trees score each candidate from its features, how far each falls below
the best candidate's, and the features of the sentences just before and after it (so
the sentence after one that merely repeats the question can win). The trees were fitted
by bench/fit_sentences.py on the tuning half of JSQuAD only, its questions asked both of
the 59-article index and of 2-article corpora (bench/RESULTS.md has the figures on the
half they never saw), and are shipped as plain arrays in data/sentence_model.json,
evaluated here with numpy (~0.5 ms per question; no scikit-learn at run time).
The trees were fitted on Japanese questions about Japanese articles. A question in
another language than the top candidate's article (English over Japanese articles), or
one sharing no term with any candidate, is unlike anything they saw: its candidates are
ranked by e5 similarity alone. (SudachiPy maps some English words onto Japanese ones,
"news" → ニュース, "deal" → ディール, so an English question often shares a term or two;
such thin overlaps misled the trees. On the 11 hand-written English seed questions the
expected fact is in a citation for 8 and in [1] for 6 this way, against 7 and 5 when the
trees ranked every question sharing a term; bench/RESULTS.md.) The question's language
is detected once, by the caller (qa.Assistant.ask_stream), and passed in.

The answer's sentences (choose_sentences) are the best few or, when the best announces a
list (「次のような内容が含まれていた。」, "…:"), it and the article sentences that follow
it; citations.py turns them into citations.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .keyword import KeywordIndex, named_things
from .reader_rules import Placed, penalties
from .results import Passage
from .retrieval import HybridRetriever
from .summary import is_list_item, leads_list

CANDIDATE_PASSAGES = 3
MODEL_PATH = Path(__file__).parent / "data" / "sentence_model.json"
FEATURES = (
    "similarity", "bigram_overlap", "word_overlap", "local_overlap", "previous_overlap",
    "next_overlap", "previous_excess", "antecedent", "echo", "novelty", "answer_type",
    "new_named", "new_any_named", "naming", "slot_left", "slot_right", "slot_both",
    "passage_rank", "passage_score", "names_topic",
)

DEMONSTRATIVE = re.compile(r"^(?:これ|それ|この|その|同|こう|そう|彼|彼女|ここ|そこ)")
_LEAD_IN = re.compile(r"(?:次の|以下の|下記の).{0,20}[。：:]$|[：:]$")  # a list follows
_DATE = re.compile(
    r"\d|[〇一二三四五六七八九十百千]+(?:年|月|日)|世紀|年代|時代|旬|昭和|平成|令和|明治|大正"
)
_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万億]")
_PERSON = re.compile(
    r"氏|さん|大統領|首相|特使|顧問|長官|大臣|高官|議長|社長|[ァ-ヶー]{2,}・[ァ-ヶー]{2,}"
)
_PLACE = re.compile(r"国|県|市|町|村|州|島|地域|地方|都|府|[ァ-ヶー]{3,}")
QUESTION_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"いつ|何年|何月|何日|何時|何世紀|when|what (?:year|date|time)", re.I), _DATE),
    (re.compile(r"何人|いくつ|何個|何回|何か国|何ヶ国|何項目|how (?:many|much)", re.I), _NUMBER),
    (re.compile(r"誰|だれ|\bwho(?:m|se)?\b", re.I), _PERSON),
    (re.compile(r"どこ|\bwhere\b", re.I), _PLACE),
]
_ASKS_NAME = re.compile(r"何と|なんと|何て|名前|名称|呼ば|呼ぶ|\bcalled\b|\bname", re.I)
_NAMES = re.compile(r"という|といい|と呼|と称|と言|「|『|名")
ANSWER_KINDS: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (re.compile(r"誰|だれ|\bwho", re.I), frozenset({"person", "name"})),
    (re.compile(r"どこ|\bwhere", re.I), frozenset({"place", "name"})),
    (re.compile(r"いつ|何年|何月|何日|何世紀|何人|いくつ|何個|何回|何位|何割|何%|何パーセント"
                r"|どのくらい|どれくらい|どれだけ|人口|\bwhen\b|how (?:many|much)", re.I),
     frozenset({"number"})),
    (_ASKS_NAME, frozenset({"person", "place", "name"})),
]
_QUESTION_WORD = re.compile(
    r"何|なに|なん|誰|だれ|どこ|いつ|いくつ|いくら|どの|どんな|どう|どれ|なぜ|何故")
_QUESTION_END = re.compile(r"(?:ですか|でしょうか|ますか|か|の|？|\?|。|\s)+$")
SLOT_CHARS = 4


@dataclass(frozen=True)
class Candidate:
    """A sentence [start, end) of an article, with the best retrieved passage holding it."""

    article_id: str
    start: int
    end: int
    passage: Passage
    rank: int


@dataclass(frozen=True)
class CandidateContext:
    """A candidate sentence's text and the article sentences around it."""

    text: str
    previous: str
    next: str
    rank: int
    passage_score: float = 0.0  # the fused retrieval score of its passage
    title: str = ""  # of its article
    section: str = ""  # the heading of its section
    in_list: bool = False  # a list item, or the sentence that introduces a list


class TreeEnsemble:
    """Gradient-boosted trees (fitted with scikit-learn by bench/fit_sentences.py, saved as
    plain arrays) evaluated with numpy: all trees walked at once, one level per step."""

    def __init__(self, data: dict[str, Any]) -> None:
        """`data`: the "trees" object of sentence_model.json (lists of numbers), read once."""
        self.feature = np.array(data["feature"], dtype=np.int64)
        self.threshold = np.array(data["threshold"], dtype=np.float64)
        self.value = np.array(data["value"], dtype=np.float64)
        self.roots = np.array(data["roots"], dtype=np.int64)
        self.baseline = float(data["baseline"])
        self.depth = int(data["depth"])
        leaf = np.array(data["leaf"], dtype=bool)
        itself = np.arange(len(leaf))  # a leaf leads to itself: walking on changes nothing
        self.left = np.where(leaf, itself, np.array(data["left"], dtype=np.int64))
        self.right = np.where(leaf, itself, np.array(data["right"], dtype=np.int64))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The raw score (log-odds) of each row."""
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth - 1):  # a tree of depth d is d - 1 steps from root to leaf
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        scores: np.ndarray = self.baseline + self.value[node].sum(axis=1)
        return scores


@functools.cache
def sentence_model() -> TreeEnsemble:
    return TreeEnsemble(json.loads(MODEL_PATH.read_text(encoding="utf-8"))["trees"])


class Overlap:
    """IDF-weighted share of a question's bigrams / words that a sentence contains.

    Sums over term sets use math.fsum: exact, so independent of the sets' iteration order
    (which changes with each process's string hashing). A plain sum differed in the last
    bit between runs, enough to send a candidate down another branch of a tree and to
    change which sentence is quoted."""

    def __init__(self, question: str, keyword: KeywordIndex) -> None:
        """Only the question's terms that some indexed text has count: one no article has
        can't tell candidates apart, and with its large IDF it would shrink every share
        (most on a small corpus, where the other terms' IDFs are all low)."""
        self.keyword = keyword
        bigrams, words = self.split(question)
        self.bigrams = {t for t in bigrams if keyword.known(t)}
        self.words = {t for t in words if keyword.known(t)}
        self.bigram_weight = math.fsum(keyword.idf(t) for t in self.bigrams) or 1.0
        self.word_weight = math.fsum(keyword.idf(t) for t in self.words) or 1.0

    def split(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        return self.keyword.sentence_parts(text)

    def of(self, text: str) -> tuple[float, float]:
        bigrams, words = self.split(text)
        idf = self.keyword.idf
        return (math.fsum(idf(t) for t in self.bigrams & bigrams) / self.bigram_weight,
                math.fsum(idf(t) for t in self.words & words) / self.word_weight)

    def novelty(self, text: str) -> float:
        """IDF-weighted share of the sentence's words that the question does not have."""
        _, words = self.split(text)
        idf = self.keyword.idf
        total = math.fsum(idf(t) for t in words)
        return math.fsum(idf(t) for t in words - self.words) / total if total else 0.0

    def local(self, texts: list[str]) -> np.ndarray:
        """Share of the question's bigrams each text has, each bigram weighted by how few
        of the texts have it."""
        sets = [self.split(t)[0] & self.bigrams for t in texts]
        df = Counter(t for s in sets for t in s)
        weight = {t: np.log((len(texts) + 1) / (df.get(t, 0) + 0.5)) for t in self.bigrams}
        total = math.fsum(weight.values()) or 1.0
        return np.array([math.fsum(weight[t] for t in s) / total for s in sets])


def candidate_sentences(passages: list[Passage], depth: int = CANDIDATE_PASSAGES
                        ) -> list[Candidate]:
    """Distinct sentences of the top passages, each with the best passage holding it."""
    seen: set[tuple[str, int, int]] = set()
    candidates = []
    for rank, passage in enumerate(passages[:depth]):
        for start, end in passage.sentences:
            key = (passage.article_id, start, end)
            if key not in seen:
                seen.add(key)
                candidates.append(Candidate(passage.article_id, start, end, passage, rank))
    return candidates


def candidate_contexts(candidates: list[Candidate], retriever: HybridRetriever
                       ) -> list[CandidateContext]:
    contexts = []
    for c in candidates:
        body = retriever.articles[c.article_id].body
        before, after = retriever.neighbour_sentences(c.article_id, c.start, c.end)
        contexts.append(CandidateContext(
            text=body[c.start : c.end],
            previous=body[before[0] : before[1]] if before else "",
            next=body[after[0] : after[1]] if after else "",
            rank=c.rank,
            passage_score=c.passage.score,
            title=retriever.articles[c.article_id].title,
            section=c.passage.section,
            in_list=is_list_item(body, c.start, c.end) or leads_list(body, c.end),
        ))
    return contexts


def answer_type_pattern(question: str) -> re.Pattern[str] | None:
    """What an answer to this question should contain, if the question says."""
    for asks, answer_looks_like in QUESTION_TYPES:
        if asks.search(question):
            return answer_looks_like
    return None


def answer_kinds(question: str) -> frozenset[str] | None:
    """The kinds of name (named_things) an answer should contain, if the question says."""
    for asks, kinds in ANSWER_KINDS:
        if asks.search(question):
            return kinds
    return None


def names_something_new(question: str, text: str, kinds: frozenset[str] | None) -> bool:
    """Whether the sentence names something (of the kinds asked for) the question doesn't."""
    asked = {form for _, form in named_things(question)}
    return any(form not in asked and (kinds is None or kind in kinds)
               for kind, form in named_things(text))


def question_slot(question: str) -> tuple[str, str] | None:
    """The text just before and just after the question word (「首都は」どこ「？」 ->
    ("首都は", "")): in the answer sentence the answer usually sits between the two."""
    match = _QUESTION_WORD.search(question)
    if not match:
        return None
    left = re.sub(r"[、。，．\s「」]+$", "", question[: match.start()])[-SLOT_CHARS:]
    right = _QUESTION_END.sub("", question[match.end() :])[:SLOT_CHARS]
    return left, right


def slot_fit(slot: tuple[str, str] | None, text: str) -> tuple[float, float, float]:
    """How much of the slot's left / right text the sentence has (the longest end of at
    least 2 characters, as a share of SLOT_CHARS), and whether both are there with a gap
    of at most 30 characters between them."""
    if slot is None:
        return 0.0, 0.0, 0.0
    left, right = slot
    left_at, left_len = next(((text.find(left[-n:]), n) for n in range(len(left), 1, -1)
                              if left[-n:] in text), (-1, 0))
    right_at, right_len = next(((text.find(right[:n], max(0, left_at)), n)
                                for n in range(len(right), 1, -1) if right[:n] in text),
                               (-1, 0))
    gap = right_at - (left_at + left_len)
    both = left_at >= 0 and right_at >= 0 and 0 < gap <= 30
    return left_len / SLOT_CHARS, right_len / SLOT_CHARS, float(both)


def scaled(values: np.ndarray) -> np.ndarray:
    """Values mapped onto [0, 1] over the candidates (the lowest 0, the highest 1; all 0
    when they don't vary): unlike z-scores, the range doesn't depend on how many there are."""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high - low > 1e-9 else np.zeros_like(values)


def _antecedent(context: CandidateContext, overlap: Overlap) -> float:
    """How well the sentence this one continues (これ…, a list after 次の…：) fits."""
    previous = context.previous
    if previous and (DEMONSTRATIVE.match(context.text) or announces_list(previous)):
        return overlap.of(previous)[0]
    return 0.0


def sentence_features(question: str, contexts: list[CandidateContext], similarity: np.ndarray,
                      keyword: KeywordIndex, overlap: Overlap | None = None) -> np.ndarray:
    """The FEATURES of every candidate: one row per candidate, one column per feature."""
    texts = [c.text for c in contexts]
    overlap = overlap or Overlap(question, keyword)
    bigram, word = (np.array(v) for v in zip(*[overlap.of(t) for t in texts], strict=True))
    previous = np.array([overlap.of(c.previous)[0] for c in contexts])
    novelty = np.array([overlap.novelty(t) for t in texts])
    wanted, kinds = answer_type_pattern(question), answer_kinds(question)
    naming = bool(_ASKS_NAME.search(question))
    slot = question_slot(question)
    slots = np.array([slot_fit(slot, t) for t in texts]).reshape(len(texts), 3)
    columns = {
        "similarity": scaled(similarity),
        "bigram_overlap": scaled(bigram),
        "word_overlap": scaled(word),
        "local_overlap": scaled(overlap.local(texts)),
        "previous_overlap": previous,
        "next_overlap": np.array([overlap.of(c.next)[0] for c in contexts]),
        "previous_excess": np.maximum(0.0, previous - bigram),
        "antecedent": np.array([_antecedent(c, overlap) for c in contexts]),
        "echo": bigram * (1.0 - novelty),
        "novelty": novelty,
        "answer_type": np.array([bool(wanted and wanted.search(t)) for t in texts], float),
        "new_named": np.array([names_something_new(question, t, kinds) for t in texts], float),
        "new_any_named": np.array([names_something_new(question, t, None) for t in texts],
                                  float),
        "naming": np.array([naming and bool(_NAMES.search(t)) for t in texts], float),
        "slot_left": slots[:, 0],
        "slot_right": slots[:, 1],
        "slot_both": slots[:, 2],
        "passage_rank": np.array([1.0 / (1 + c.rank) for c in contexts]),
        "passage_score": scaled(np.array([c.passage_score for c in contexts])),
        "names_topic": np.array([bool(c.title) and c.title not in question and c.title in c.text
                                 for c in contexts], float),
    }
    return np.stack([columns[name] for name in FEATURES], axis=1)


def model_inputs(features: np.ndarray, contexts: list[CandidateContext]) -> np.ndarray:
    """What the trees see of each candidate: its features, how far each is below the best
    candidate's, and the features of the sentences just before and after it when those
    are candidates too (zeros when not)."""
    row_of = {c.text: i for i, c in enumerate(contexts)}
    none = np.zeros(features.shape[1])
    previous = [features[row_of[c.previous]] if c.previous in row_of else none
                for c in contexts]
    following = [features[row_of[c.next]] if c.next in row_of else none for c in contexts]
    return np.hstack([features, features - features.max(axis=0),
                      np.array(previous).reshape(features.shape),
                      np.array(following).reshape(features.shape)])


def candidate_scores(features: np.ndarray, contexts: list[CandidateContext],
                     trees_apply: bool = True, model: TreeEnsemble | None = None
                     ) -> np.ndarray:
    """The trees' score of each candidate (log-odds that it holds the answer) or, where
    the trees don't apply (a question in another language than the articles, or sharing
    no term with them: nothing like it in the trees' training), its e5 similarity."""
    if not trees_apply:
        return features[:, FEATURES.index("similarity")]
    return (model or sentence_model()).predict(model_inputs(features, contexts))


def rank_sentences(features: np.ndarray, contexts: list[CandidateContext],
                   model: TreeEnsemble | None = None, trees_apply: bool = True) -> list[int]:
    """Candidate indices, best first (see candidate_scores)."""
    if not len(contexts):
        return []
    scores = candidate_scores(features, contexts, trees_apply, model)
    return [int(i) for i in np.argsort(-scores, kind="stable")]


@dataclass(frozen=True, eq=False)
class DescribedCandidates:
    """The candidates as the scorer sees them: one row of FEATURES each, their contexts,
    and whether the trees can rank them (the question is in the language of the top
    candidate's article and shares a term with some candidate; see the module docstring)."""

    features: np.ndarray
    contexts: list[CandidateContext]
    trees_apply: bool
    question: str = ""

    def scores(self) -> np.ndarray:
        """The trees' scores less the reader_rules penalties (headings, rhetorical
        questions, wrap-ups, the asked kind missing), or e5 similarity (see
        candidate_scores)."""
        raw = candidate_scores(self.features, self.contexts, self.trees_apply)
        if not self.trees_apply or not len(self.contexts):
            return raw
        placed = [Placed(c.text, c.section, c.in_list) for c in self.contexts]
        adjusted: np.ndarray = raw - penalties(self.question, placed)
        return adjusted

    def ranking(self) -> list[int]:
        return [int(i) for i in np.argsort(-self.scores(), kind="stable")]


def describe_candidates(question: str, language: str, question_vector: np.ndarray,
                        candidates: list[Candidate], sentence_vectors: np.ndarray,
                        retriever: HybridRetriever) -> DescribedCandidates:
    """Features and contexts of the candidates for a question in `language` (detected
    once, by the caller)."""
    contexts = candidate_contexts(candidates, retriever)
    overlap = Overlap(question, retriever.keyword)
    features = sentence_features(question, contexts, sentence_vectors @ question_vector,
                                 retriever.keyword, overlap)
    same_language = bool(candidates) and (
        language == retriever.articles[candidates[0].article_id].language)
    shares_a_term = any(any(overlap.of(c.text)) for c in contexts)
    return DescribedCandidates(features, contexts, same_language and shares_a_term, question)


def score_sentences(question: str, language: str, question_vector: np.ndarray,
                    candidates: list[Candidate], sentence_vectors: np.ndarray,
                    retriever: HybridRetriever) -> np.ndarray:
    """Each candidate's score (see candidate_scores)."""
    return describe_candidates(question, language, question_vector, candidates,
                               sentence_vectors, retriever).scores()


def best_sentences(question: str, language: str, question_vector: np.ndarray,
                   candidates: list[Candidate], sentence_vectors: np.ndarray,
                   retriever: HybridRetriever) -> list[int]:
    """Candidate indices, best first (see rank_sentences)."""
    return describe_candidates(question, language, question_vector, candidates,
                               sentence_vectors, retriever).ranking()


def announces_list(text: str) -> bool:
    """Whether a sentence announces a list (「次のような内容が含まれていた。」, "…:")."""
    return bool(_LEAD_IN.search(text))


def choose_sentences(question: str, language: str, question_vector: np.ndarray,
                     passages: list[Passage], retriever: HybridRetriever, max_sentences: int
                     ) -> list[Candidate]:
    """The answer's sentences, likeliest first: the best `max_sentences` candidates or,
    when the best announces a list, it and the article sentences that follow it (each
    with a retrieved passage holding it, else its own chunk)."""
    candidates = candidate_sentences(passages)
    if not candidates:
        return []
    vectors = retriever.sentence_vectors([(c.article_id, c.start, c.end) for c in candidates])
    ranked = best_sentences(question, language, question_vector, candidates, vectors,
                            retriever)
    best = candidates[ranked[0]]
    if not announces_list(retriever.articles[best.article_id].body[best.start : best.end]):
        return [candidates[i] for i in ranked[:max_sentences]]
    return [best] + [_continuation(p, best, passages) for p in
                     retriever.following_sentences(best.article_id, best.end, max_sentences - 1)]


def _continuation(sentence: Passage, lead_in: Candidate, passages: list[Passage]) -> Candidate:
    """A sentence continuing the lead-in, with a retrieved passage holding it (else its own
    chunk, given the lead-in's relevance rather than none)."""
    start, end = sentence.sentences[0]
    holder = next((p for p in passages if p.article_id == sentence.article_id
                   and p.start <= start and end <= p.end), None)
    passage = holder or replace(sentence, score=lead_in.passage.score)
    return Candidate(sentence.article_id, start, end, passage, lead_in.rank)
