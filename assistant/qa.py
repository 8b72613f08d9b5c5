"""The one service the CLI and the UI call: keep the index current, answer questions."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .answer import (
    allowed_roles,
    asked_parts,
    asks_article_date,
    asks_article_title,
    date_answer,
    decline,
    extractive_answer,
    in_parts,
    opinion_answer,
    summary_answer,
    title_answer,
    with_roles,
)
from .citations import SupportFinder
from .compare import COMPARED_ARTICLES, Comparison, compare_found
from .corpus import (
    Added,
    Article,
    ReadLimits,
    Skipped,
    add_to_corpus,
    detect_language,
    load_corpus,
)
from .embeddings import Embedder, create_embedder
from .english_reader import (
    EnglishParts,
    EnglishReader,
    default_cache_dir,
    english_coverage,
    english_tag,
    for_english_reader,
)
from .focus import (
    DURATION,
    MONEY,
    FocusTerm,
    Intent,
    asked_unit,
    asks_yes_no,
    counts_in,
    counts_in_digits,
    intent,
    missing_focus,
    normalise,
    question_focus,
    refers_back,
    says_it_was_long,
    short_form_bigrams,
    without_topic_change,
)
from .index import ArticleIndex, IndexProblem, SyncReport
from .leading import question_terms
from .llm import (
    ChatModel,
    LLMFailure,
    check_answer,
    clean_rewritten_query,
    create_chat_model,
    grounded_messages,
    guarded,
    rewrite_messages,
    says_not_covered,
    translation_messages,
)
from .reader_rules import asks_when, states_a_time
from .refusal import Coverage, DeclineRule, RelevanceWeights, saved_background
from .results import Answer, ArticleInfo, Passage
from .retrieval import HybridRetriever, Retrieval
from .revision import Revision
from .settings import Settings
from .study import QUIZ_QUESTIONS, StudyGuide, build_guide
from .synonyms import JapaneseSynonyms, in_articles_words, respelled

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")  # <b>, </script>, <a href=...>
HISTORY_TURN_CHARS = 500
MAX_HISTORY_TURNS = 1_000
MAX_HISTORY_CHARS = 1_000_000
_LINE_SPACE = "\t\n\r\x0b\x0c\x85"  # control characters that separate words
MIN_LETTER_SHARE = 0.4  # of a question's visible characters (random bytes: ~0.2)
MAX_UNDECODABLE_SHARE = 0.05  # U+FFFD, what undecodable bytes become
COMPARE_PASSAGES = 10  # retrieved for a comparison: enough to reach a second article
UNIT_SEARCH = 20  # passages searched for one giving a number in the unit asked
PART_SEARCH = 50  # passages searched for one part of a page (asked_part): it may match weakly
# A comparison shows what each article says rather than answering: it declines only
# questions well within the everyday background (bench/compare_planted.py, tune half)
COMPARE_Z = 1.0
SEARCHED_CHARS = 300  # of a question, embedded and split into BM25 terms (bench/question_cost.py)


INDEX_SETTINGS = ("corpus_dir", "index_dir", "chroma_url", "chroma_namespace",
                  "embedding_backend", "embedding_model", "embedding_threads", "chunk_max_chars",
                  "chunk_overlap_sentences", "keyword_tokenizer", "max_article_chars",
                  "max_pdf_pages")  # what a background `assistant index` must share


@dataclass(frozen=True)
class BackgroundUpdate:
    """The index is being brought up to date by a separate process; until it switches,
    questions are answered from the current revision."""

    started: bool  # by this call (else one was already running)
    log: Path  # where the updating process writes its output

    def summary(self) -> str:
        who = "started" if self.started else "already running"
        return (f"index: an update is running in the background ({who}; log: {self.log}); "
                "answering from the current index meanwhile")


class InvalidQuestion(ValueError):
    """The question can't be asked as it is; the message says why, in plain words."""


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


def clean_question(question: str, max_chars: int) -> str:
    """The question without control or invisible characters (dropped, not made spaces:
    「特使と\x00通話」 is 「特使と通話」); raises InvalidQuestion."""
    if not isinstance(question, str):
        raise InvalidQuestion("the question must be text")
    if len(question) > max_chars * 4:  # refuse before any work, however long it is
        raise _too_long(len(question), max_chars)
    text = _INVISIBLE.sub("", question)
    text = "".join(" " if ch in _LINE_SPACE else ch for ch in text
                   if ch in _LINE_SPACE or unicodedata.category(ch) != "Cc")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidQuestion("the question is empty / 質問が空です")
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    return text


def has_words(text: str) -> bool:
    """Whether the text reads as words of some script. Random bytes decoded as UTF-8 are
    mostly U+FFFD and stray symbols, with a letter here and there: e5 still finds
    *something* similar to them, so they must be declined before the search."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    letters = sum(1 for ch in visible if ch.isalnum())
    undecodable = sum(1 for ch in visible if ch == "\ufffd")
    return (letters / len(visible) >= MIN_LETTER_SHARE
            and undecodable / len(visible) < MAX_UNDECODABLE_SHARE)


def _too_long(length: int, max_chars: int) -> InvalidQuestion:
    return InvalidQuestion(
        f"the question is too long ({length:,} characters; at most {max_chars:,}) / "
        f"質問が長すぎます（{max_chars:,}文字まで）"
    )


def parse_history(raw: object) -> list[Turn]:
    """Validate a conversation: a list of {"role": "user"|"assistant", "content": str}."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidQuestion("history must be a JSON list of {role, content} objects")
    if len(raw) > MAX_HISTORY_TURNS:
        raise InvalidQuestion(f"history has {len(raw):,} turns; at most {MAX_HISTORY_TURNS} "
                              "are accepted (only the last question is used)")
    turns = []
    for i, item in enumerate(raw):
        if (
            not isinstance(item, dict)
            or item.get("role") not in ("user", "assistant")
            or not isinstance(item.get("content"), str)
        ):
            raise InvalidQuestion(
                f'history item {i} must be {{"role": "user"|"assistant", "content": "..."}}'
            )
        turns.append(Turn(item["role"], item["content"]))
    if sum(len(t.content) for t in turns) > MAX_HISTORY_CHARS:
        raise InvalidQuestion(f"history is longer than {MAX_HISTORY_CHARS:,} characters")
    return turns


def is_follow_up(question: str) -> bool:
    """A question is joined to the previous one only when it refers back to it (a
    reference word, or no subject of its own: focus.refers_back); a change of topic is
    asked on its own."""
    return refers_back(question)


def strip_markup(question: str) -> str:
    """The question without HTML tags (they are shown, but not searched for)."""
    return re.sub(r"\s+", " ", _TAG.sub(" ", question)).strip() or question


def search_query(question: str, history: Sequence[Turn]) -> str:
    """The query actually searched: without markup tags, a follow-up joined to the previous
    question, a change of topic without its opener (「ところで、」 "By the way,")."""
    question = strip_markup(question)
    previous = next((t.content for t in reversed(history) if t.role == "user"), "")
    previous = re.sub(r"\s+", " ", _INVISIBLE.sub("", previous)).strip()[:HISTORY_TURN_CHARS]
    if previous and previous != question and is_follow_up(question):
        return f"{previous} {question}"
    return without_topic_change(question)


class Assistant:
    """Answers questions over one corpus folder and its index folder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or create_embedder(settings)
        self.index = ArticleIndex(settings, self.embedder)
        self._loaded_pair: tuple[HybridRetriever, DeclineRule] | None = None
        self._lock = threading.Lock()
        self._manifest_key: tuple[int, int, int] | None = None
        self._chat_model: ChatModel | None = None
        self._revision = ""

    # -- index -----------------------------------------------------------------------
    def corpus(self) -> tuple[list[Article], list[Skipped]]:
        if not self.settings.corpus_dir.is_dir():
            raise IndexProblem(f"the corpus folder {self.settings.corpus_dir} does not exist")
        return load_corpus(self.settings.corpus_dir, self._read_limits())

    def _read_limits(self) -> ReadLimits:
        return ReadLimits(self.settings.max_article_chars, self.settings.max_pdf_pages)

    def update_index(self, *, rebuild: bool = False, progress: bool = True) -> SyncReport:
        """Bring the index in line with the corpus folder (embedding only what changed)."""
        articles, skipped = self.corpus()
        return self.index_articles(articles, skipped, rebuild=rebuild, progress=progress)

    def index_articles(self, articles: list[Article], skipped: Sequence[Skipped] = (), *,
                       rebuild: bool = False, progress: bool = True) -> SyncReport:
        """Index exactly these articles (a new revision, switched to atomically)."""
        report = self.index.sync(articles, rebuild=rebuild, progress=progress)
        report.skipped = list(skipped)
        report.warnings = [Skipped(a.path, warning) for a in articles for warning in a.warnings]
        return report

    def ensure_index(self, *, progress: bool = True, background: bool = False
                     ) -> SyncReport | BackgroundUpdate | None:
        """Build or update the index when it is missing or stale; None when it was current.

        `background` (`ask`, `serve`): an existing index is updated by a separate
        `assistant index` process (the writer lock keeps it single) while questions are
        answered from the current revision, so a long build never holds them up. Without
        any index, building first is unavoidable."""
        articles, skipped = self.corpus()
        self.index.check_compatible()
        if not self.index.is_stale(articles):
            return None
        log = self.index.root / "update.log"
        if self.index.exists() and self.index.is_being_written():
            # another process is updating it; answer from the current revision
            return BackgroundUpdate(started=False, log=log) if background else None
        if background and self.index.exists():
            return self._start_background_update(log)
        return self.index_articles(articles, skipped, progress=progress)

    def _start_background_update(self, log: Path) -> BackgroundUpdate:
        """`assistant index` in its own session with these settings (it outlives `ask`)."""
        import os
        import subprocess
        import sys

        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        for name in INDEX_SETTINGS:
            value = getattr(self.settings, name)
            if value is not None:
                env[f"ASSISTANT_{name.upper()}"] = str(Path(value).resolve()
                                                       if isinstance(value, Path) else value)
        with open(log, "ab") as out:
            subprocess.Popen([sys.executable, "-m", "assistant", "index"], env=env,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        return BackgroundUpdate(started=True, log=log)

    def retriever(self) -> HybridRetriever:
        """The retriever of the index's current revision; a re-index by another process
        (or a deletion) is picked up at the next question, without a restart."""
        return self._loaded()[0]

    def _loaded(self) -> tuple[HybridRetriever, DeclineRule]:
        """The current revision's retriever and the decline rule calibrated on it."""
        revision = self._current_revision()
        with self._lock:
            if self._loaded_pair is None or self._loaded_pair[0].revision != revision:
                self.index.reopen()  # see what other processes wrote since it was opened
                loaded = Revision.load(self.index, self.index.current().snapshot(),
                                       self.settings.keyword_tokenizer)
                retriever = HybridRetriever(loaded, self.settings, self.embedder)
                retriever.english = self._english_reader(loaded)
                self._loaded_pair = (retriever, self._calibrate(retriever))
            return self._loaded_pair

    def _english_reader(self, loaded: Revision) -> EnglishReader | None:
        """English questions' Japanese terms for this revision (None without the
        `english` extra: English questions are then searched as written)."""
        cache = self.settings.dictionary_cache_dir or default_cache_dir()
        return EnglishReader.open(cache, self.index.search_path(loaded.revision),
                                  loaded.articles, EnglishParts.parse(self.settings.english_parts))

    def _current_revision(self) -> str:
        """The committed revision, re-read only when the manifest file changed (one stat)."""
        try:
            stat = self.index.manifest_path.stat()
        except OSError:
            raise IndexProblem(f"there is no index in {self.index.root}: "
                               "run `assistant index`") from None
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._manifest_key != key:
            self._revision = self.index.current().revision
            self._manifest_key = key
        return self._revision

    def decline_rule(self) -> DeclineRule:
        return self._loaded()[1]

    def _calibrate(self, retriever: HybridRetriever) -> DeclineRule:
        """The decline rule for this index: its background, its main language."""
        weights = RelevanceWeights(self.settings.decline_keyword_weight,
                                   self.settings.decline_gap_weight)
        by_language = Counter(retriever.articles[c.article_id].language for c in retriever.chunks)
        return DeclineRule(
            backgrounds=saved_background(  # English background questions use the terms
                retriever, weights, f"{self.embedder.model_id}|{english_tag(retriever.english)}",
                retriever.loaded.search_folder),
            corpus_language=by_language.most_common(1)[0][0] if by_language else "ja",
            weights=weights,
            z_same=self.settings.decline_z,
            z_cross=self.settings.decline_z_cross,
            z_found=self.settings.decline_z_found,
            z_in_passages=self.settings.decline_z_in_passages,
            z_missing_word=self.settings.decline_z_missing_word,
            z_cross_found=self.settings.decline_z_cross_found,
            z_cross_missing_word=self.settings.decline_z_cross_missing_word,
        )

    def articles(self) -> list[Article]:
        return list(self.retriever().articles.values())

    def list_articles(self) -> list[ArticleInfo]:
        """The indexed articles (of the revision in use), by id."""
        retriever = self.retriever()
        chunks = Counter(c.article_id for c in retriever.chunks)
        return [
            ArticleInfo(a.id, a.title, a.published, a.source, a.language, chunks[a.id],
                        len(a.body), a.path)
            for a in sorted(retriever.articles.values(), key=lambda a: a.id)
        ]

    def study_guide(self, article_id: str | None = None,
                    questions: int = QUIZ_QUESTIONS) -> StudyGuide:
        """The study guide (study.py) of one article, or of every article with their
        common timeline; an unknown id raises InvalidQuestion naming it."""
        retriever = self.retriever()
        if article_id is not None and article_id not in retriever.articles:
            raise InvalidQuestion(f"no article with id '{article_id}' is indexed "
                                  "(see `assistant list`)")
        return build_guide(retriever, None if article_id is None else [article_id], questions)

    def add_files(self, paths: list[Path], *, progress: bool = True
                  ) -> tuple[list[Added], list[Skipped], SyncReport]:
        """Copy article files into the corpus folder, then index what changed."""
        added, skipped = add_to_corpus(paths, self.settings.corpus_dir, self._read_limits())
        report = self.update_index(progress=progress)
        return added, skipped, report

    # -- questions -------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        top_k: int | None = None,
        article_ids: Collection[str] | None = None,
    ) -> Answer:
        """Answer one question (with optional conversation) from the indexed articles."""
        answer = None
        for event in self.ask_stream(question, history, top_k, article_ids):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        top_k: int | None = None,
        article_ids: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Answer one question: with an LLM configured, the model's text as it arrives
        (str), then always the checked Answer last."""
        question = clean_question(question, self.settings.max_question_chars)
        language = detect_language(question)
        turns = list(history or [])
        top_k = max(1, min(top_k or self.settings.top_k, 50))
        if not has_words(question):  # emoji, punctuation, random bytes
            yield decline(question, search_query(question[:SEARCHED_CHARS], turns), language, [])
            return
        retriever, rule = self._loaded()
        question = respelled(question, language, retriever)  # ウィットコフ → ウィトコフ
        searched = question[:SEARCHED_CHARS]  # bounded cost; the question shown stays whole
        query = in_articles_words(self._search_query(searched, turns), language, retriever)
        try:
            found = retriever.retrieve(query, top_k, article_ids)
        except Exception:
            if self._loaded()[0] is retriever:
                raise
            retriever, rule = self._loaded()  # the index changed under the question: again
            found = retriever.retrieve(query, top_k, article_ids)
        started = time.perf_counter()
        notice = None
        found = with_unit_passage(strip_markup(question), query, found, retriever, article_ids)
        found = with_dated_passage(strip_markup(question), query, found, retriever, article_ids)
        wants = intent(question)
        coverage = self._coverage(question, language, rule, retriever, article_ids, found)
        if found.expansion is not None:  # English over Japanese: its Japanese terms' coverage
            own = None if query == searched or retriever.english is None \
                else retriever.english.expansion(without_topic_change(strip_markup(searched)),
                                                  keep_unknown=True)
            coverage = english_coverage(
                found.expansion, retriever.loaded.searchable_texts(article_ids), own)
            coverage = replace(coverage, missing_unit=missing_unit(strip_markup(question), found),
                               unasked_event=asks_yes_no(strip_markup(question)) and any(
                                   t.predicate for t in coverage.missing))
        on_part = self._on_asked_part(question, query, retriever, article_ids, top_k, coverage)
        if asks_article_title(strip_markup(question), query) \
                and not (coverage and (coverage.telling_missing or coverage.missing_unit)):
            specific = bool(coverage and coverage.focus) or query != strip_markup(question)
            answer = title_answer(question, query, language, found, retriever, article_ids,
                                  specific)
        elif asks_article_date(strip_markup(question)) \
                and not (coverage and (coverage.telling_missing or coverage.missing_unit)):
            specific = bool(coverage and coverage.focus) or query != strip_markup(question)
            answer = date_answer(question, query, language, found, retriever, article_ids,
                                 specific)
        elif wants != "fact" and on_part is None and found.passages \
                and not (coverage and coverage.missing_names):
            answer = self._summary_or_opinion(wants, question, query, language, found,
                                              retriever, article_ids, coverage)
        elif on_part is None and rule.declines(found, strip_markup(question), language,
                                               coverage):
            answer = decline(question, query, language, found.passages,
                             not_covered(coverage, language))
        else:
            found = on_part or found
            if self.settings.llm_url:
                try:
                    answer = yield from self._llm_answer(question, query, language, turns,
                                                         found, retriever)
                    answer.timings = {**found.timings,
                                      "answer": (time.perf_counter() - started) * 1000}
                    yield for_english_reader(answer, retriever, self._translator())
                    return
                except LLMFailure as err:
                    notice = fallback_notice(str(err), language)
            question_vector = (
                found.query_vector if query == searched else self.embedder.embed_query(searched)
            )
            answer = extractive_answer(question, query, language, question_vector, found,
                                       retriever, self.settings.max_answer_sentences)
        answer.notice = notice
        answer = for_english_reader(answer, retriever, self._translator())  # "According to …"
        answer.timings = {**found.timings, "answer": (time.perf_counter() - started) * 1000}
        yield answer

    def compare(self, question: str, article_ids: Collection[str] | None = None,
                limit: int = COMPARED_ARTICLES) -> Comparison:
        """How the articles (at most `limit`, those best matching the question) each state
        what the question asks, and where they differ (compare.py). Declined like a
        question would be; a corpus of one article has nothing to compare."""
        question = clean_question(question, self.settings.max_question_chars)
        language = detect_language(question)
        if not has_words(question):
            return Comparison(question, language, "declined", (), ())
        retriever, rule = self._loaded()
        query = strip_markup(question[:SEARCHED_CHARS])
        found = retriever.retrieve(query, COMPARE_PASSAGES, article_ids)
        coverage = self._coverage(question, language, rule, retriever, article_ids, found)
        lenient = replace(rule, z_same=min(rule.z_same, COMPARE_Z),
                          z_found=min(rule.z_found, COMPARE_Z),
                          z_in_passages=min(rule.z_in_passages, COMPARE_Z),
                          z_missing_word=min(rule.z_missing_word, COMPARE_Z))
        if not found.passages or lenient.declines(found, query, language, coverage):
            return Comparison(question, language, "declined", (), ())
        return compare_found(question, language, found, retriever, limit)

    def _coverage(self, question: str, language: str, rule: DeclineRule,
                  retriever: HybridRetriever, article_ids: Collection[str] | None,
                  found: Retrieval) -> Coverage | None:
        """Which focus terms of a question in the corpus's language the articles in scope
        contain, and whether a retrieved passage counts in the unit a count was asked in
        (None for another language: its words can't be looked up as written)."""
        if language != rule.corpus_language or language != "ja":
            return None
        asked = strip_markup(question)
        focus = question_focus(asked)
        passages = [normalise(p.text) for p in found.passages]
        # a term a retrieved passage holds is in the articles: only the others are looked
        # for in every article's text (a scan of the whole corpus per term)
        unseen = missing_focus(focus, passages)
        loaded = retriever.loaded
        absent = {t for t in unseen
                  if not (loaded.may_contain(t.text) or loaded.may_contain(t.normalized)
                          or any(map(loaded.may_contain, short_form_bigrams(t))))}
        to_scan = [t for t in unseen if t not in absent]
        scanned = missing_focus(to_scan, loaded.searchable_texts(article_ids)) \
            if to_scan else []
        synonyms = retriever.english.synonyms if retriever.english is not None else None
        # a word a retrieved passage writes in other characters is there (電話 as 通話; not
        # 参加 as 加盟: a synonym, not the same word)
        missing = [t for t in unseen if (t in absent or t in scanned) and not (
            synonyms and any(w in text for w in synonyms.equivalents(t.normalized)
                             for text in passages))]
        unasked = asks_yes_no(asked) and any(
            t.predicate and not (synonyms and synonyms.corpus_words_for(t.normalized))
            for t in missing)
        # a word a retrieved passage says with a synonym (武器 as 兵器, 提供 as 供与) is
        # there, weakly: the question then needs the match of one whose words are all found
        # apart (z_found), never the lower z_in_passages
        loose = {t for t in missing if not t.is_name and synonyms is not None and any(
            w in text for w in synonyms.corpus_words_for(t.normalized) for text in passages)}
        missing = [t for t in missing if t not in loose]
        coverage = Coverage(focus, tuple(missing), missing_unit(asked, found),
                            unasked_event=unasked)
        # the terms a passage can hold: not a missing predicate the rule forgives; a term
        # the articles write otherwise, in any of their words for it
        held = [_written_forms(t, synonyms) if t in unseen and t not in missing else [t]
                for t in focus if t not in missing or t in coverage.telling_missing]
        return replace(coverage, in_passages=bool(focus) and not loose and any(
            all(len(missing_focus(forms, [text])) < len(forms) for forms in held)
            for text in passages))

    def _on_asked_part(self, question: str, query: str, retriever: HybridRetriever,
                       article_ids: Collection[str] | None, top_k: int,
                       coverage: Coverage | None) -> Retrieval | None:
        """For a question about one part of the page (the comments, the recommended book,
        the credit line: answer.asked_part), what that part says; None when the question
        isn't, the part isn't there or the articles lack one of the question's words."""
        parts = asked_parts(question)
        if not parts or (coverage is not None and (coverage.telling_missing
                                                      or coverage.missing_unit)):
            return None
        found = retriever.retrieve(query, PART_SEARCH, article_ids)
        passages = in_parts(found, parts, retriever, top_k)
        return replace(found, passages=passages) if passages else None

    def _summary_or_opinion(self, wants: Intent, question: str, query: str, language: str,
                            found: Retrieval, retriever: HybridRetriever,
                            article_ids: Collection[str] | None,
                            coverage: Coverage | None) -> Answer:
        """A summary of, or the analysis in, the articles the question is about."""
        specific = bool(coverage and coverage.focus) or query != strip_markup(question)
        if wants == "summary":
            return summary_answer(question, query, language, found, retriever, article_ids,
                                  specific)
        vector = self.embedder.embed_query(query[:SEARCHED_CHARS])
        return opinion_answer(question, query, language, vector, found, retriever,
                              article_ids, specific)

    # -- the optional language model -----------------------------------------------
    def chat_model(self) -> ChatModel:
        if self._chat_model is None:
            self._chat_model = create_chat_model(self.settings)
        return self._chat_model

    def _translator(self) -> Callable[[Sequence[str]], str] | None:
        """With a model configured, what translates an English answer's Japanese quotes
        (one guarded request; english_reader checks each translation); else None."""
        if not self.settings.llm_url:
            return None

        def translate(quotes: Sequence[str]) -> str:
            model = self.chat_model()
            messages = translation_messages(quotes)
            return "".join(guarded(lambda: model.stream(messages),
                                   self.settings.llm_first_token_timeout,
                                   self.settings.llm_timeout))
        return translate

    def _search_query(self, question: str, turns: list[Turn]) -> str:
        """The heuristic search query; with a model, a follow-up rewritten by it."""
        query = search_query(question, turns)
        if not self.settings.llm_url or query == strip_markup(question):
            return query
        messages = rewrite_messages(question, [(t.role, t.content) for t in turns])
        try:
            model = self.chat_model()
            timeout = self.settings.llm_first_token_timeout
            reply = "".join(guarded(lambda: iter([model.complete(messages)]), timeout,
                                    2 * timeout))
        except LLMFailure:
            return query
        return clean_rewritten_query(reply, query)

    def _llm_answer(self, question: str, query: str, language: str, turns: list[Turn],
                    found: Retrieval, retriever: HybridRetriever
                    ) -> Generator[str, None, Answer]:
        """The model's answer, streamed, then checked (see llm.py); raises LLMFailure."""
        model = self.chat_model()
        messages = grounded_messages(question, language, [(t.role, t.content) for t in turns],
                                     found.passages, self.settings.max_answer_sentences)
        reply = ""
        for token in guarded(lambda: model.stream(messages),
                             self.settings.llm_first_token_timeout, self.settings.llm_timeout):
            reply += token
            yield token
        if not reply.strip():
            raise LLMFailure("the server sent no answer text; is it OpenAI-compatible?")
        if says_not_covered(reply):
            answer = decline(question, query, language, found.passages)
            answer.mode = "llm"
            return answer
        checked = check_answer(reply, found.passages,
                               self._support_finder(retriever, found, query, question, language),
                               language)
        if not any(not s.unsupported for s in checked.sentences):
            raise LLMFailure("its answer cited none of the passages")
        notice = None
        if checked.removed_markers:
            notice = removed_markers_notice(checked.removed_markers, language)
        citations = with_roles(checked.citations, retriever)
        return Answer(question, query, checked.text, False, citations, language,
                      found.passages, mode="llm", notice=notice, sentences=checked.sentences)

    def _support_finder(self, retriever: HybridRetriever, found: Retrieval, query: str,
                        question: str, language: str) -> SupportFinder:
        """What finds the passage sentence supporting each claim (citations.py), scoring
        sentences for the search query, in the question's language unless the query is
        another text (a follow-up joined to or rewritten from the conversation)."""
        query_language = language if query == question else detect_language(query)
        return SupportFinder(retriever, self.embedder, query, query_language,
                             found.query_vector)


def with_unit_passage(question: str, query: str, found: Retrieval,
                      retriever: HybridRetriever, article_ids: Collection[str] | None
                      ) -> Retrieval:
    """Asked a count in a unit (「何項目？」, "how many points") that no retrieved passage
    gives a number in: the best of a wider search that does comes first (「28項目案には…」
    matched the words of 「問題の和平案は何項目あるの？」 too weakly to be retrieved);
    unchanged when none does (then the question is declined for it), and for a sum or a
    length of time, which any passage about something else may state."""
    unit = asked_unit(question)
    if unit in (None, MONEY, DURATION) or any(counts_in(unit, p.text) for p in found.passages):
        return found  # a sum or a length anywhere is no answer: only a count is looked for
    wider = retriever.retrieve(query, UNIT_SEARCH, article_ids)
    counting = next((p for p in wider.passages if counts_in_digits(unit, p.text)), None)
    if counting is None:
        return found
    return replace(found, passages=[counting, *found.passages[: len(found.passages) - 1]])


def with_dated_passage(question: str, query: str, found: Retrieval,
                       retriever: HybridRetriever, article_ids: Collection[str] | None
                       ) -> Retrieval:
    """Asked when, and no retrieved sentence that may answer (answer.allowed_roles) states
    a time with one of the question's terms: the best passage of a wider search with such
    a sentence comes first (「通話は10月中旬に行われ…」 for 「問題になっている電話は、
    そもそもいつ頃交わされたものなんですか？」, whose 問題 and いつ matched other passages
    better); unchanged when none has one (then the question is declined for it)."""
    if not asks_when(question):
        return found
    terms_of = question_terms(query, found.expansion)
    allowed = allowed_roles(question)

    def dated(passage: Passage) -> bool:
        body = retriever.articles[passage.article_id].body
        return any(retriever.role_at(passage.article_id, start) in allowed
                   and states_a_time(body[start:end]) and terms_of(body[start:end])
                   for start, end in passage.sentences)

    if any(dated(p) for p in found.passages):
        return found
    wider = retriever.retrieve(query, UNIT_SEARCH, article_ids)
    dating = next((p for p in wider.passages if dated(p)), None)
    if dating is None:
        return found
    return replace(found, passages=[dating, *found.passages[: len(found.passages) - 1]])


def missing_unit(question: str, found: Retrieval) -> str | None:
    """The unit a count was asked in (「何歳」, "how old") when no retrieved passage gives a
    number in it; for a length of time, when none says one of what is asked
    (`says_how_long`)."""
    unit = asked_unit(question)
    if unit == DURATION:
        return None if says_how_long(question, found) else unit
    return unit if unit and not any(counts_in(unit, p.text) for p in found.passages) else None


def says_how_long(question: str, found: Retrieval) -> bool:
    """Whether a retrieved passage has a sentence stating a length of time (3年間, 無期限)
    or that it was long (長年), with one of the question's terms in it: 「ロシアは長年、…
    戦略を採ってきました」 answers "How long has Russia…", but neither 「…長らく『ゾルゲ
    神話』として…」 nor 「…NATO加盟を無期限に棚上げ」 says how long the call lasted."""
    terms = [t.text for t in found.expansion.terms] if found.expansion is not None \
        else [t.text for t in question_focus(question)]
    terms = [t for t in terms if not says_it_was_long(t)]
    return any((counts_in(DURATION, sentence) or says_it_was_long(sentence))
               and any(t in sentence for t in terms)
               for p in found.passages for sentence in p.text.split("。"))


COUNT_NOT_GIVEN = {
    "ja": "記事には、何{unit}かを示す記述が見つかりませんでした。"
    "記事の内容について質問してみてください。",
    "en": "The articles don't give that number. Try asking about what they cover.",
}

LENGTH_NOT_GIVEN = {
    "ja": "記事には、期間や長さを示す記述が見つかりませんでした。"
    "記事の内容について質問してみてください。",
    "en": "The articles don't say how long. Try asking about what they cover.",
}

SUM_NOT_GIVEN = {
    "ja": "記事には、金額を示す記述が見つかりませんでした。"
    "記事の内容について質問してみてください。",
    "en": "The articles don't give that amount. Try asking about what they cover.",
}


def not_covered(coverage: Coverage | None, language: str) -> str | None:
    """The decline that names what the articles don't cover, when that is why."""
    if coverage is not None and coverage.missing_unit and not coverage.missing_names:
        if coverage.missing_unit == MONEY:
            return SUM_NOT_GIVEN[language]
        if coverage.missing_unit == DURATION:
            return LENGTH_NOT_GIVEN[language]
        return COUNT_NOT_GIVEN[language].format(unit=coverage.missing_unit)
    if coverage is None or not coverage.missing:
        return None
    if language != "ja" and coverage.unasked_event and not coverage.missing_names:
        asked = next(t.text for t in coverage.missing if t.predicate)  # "apologize"
        return (f"The articles don't say whether that happened: nothing in them matches "
                f"“{asked}”.")
    if language != "ja" and not coverage.missing_names:
        return None  # English: its words' Japanese terms are guesses; name only a name
    missing = (coverage.missing_names or coverage.missing)[0].text
    if language == "ja":
        return (f"記事には『{missing}』についての記述が見つかりませんでした。"
                "記事の内容について質問してみてください。")
    return f"The articles say nothing about “{missing}”. Try asking about what they cover."


def fallback_notice(reason: str, language: str) -> str:
    if language == "ja":
        return f"言語モデルを使えませんでした（{reason}）。記事の文をそのまま引用して答えます。"
    return f"The language model could not be used ({reason}); quoting the articles instead."


def removed_markers_notice(count: int, language: str) -> str:
    if language == "ja":
        return f"存在しない出典を指す番号を{count}個取り除きました。"
    return f"Removed {count} citation marker(s) that named no given passage."


def _written_forms(term: FocusTerm, synonyms: JapaneseSynonyms | None) -> list[FocusTerm]:
    """The term as the articles write it: the corpus's words for it (電話 → 通話)."""
    words = synonyms.equivalents(term.normalized) if synonyms else ()
    return [replace(term, text=word, normalized=word) for word in words] or [term]
