"""Reader-style questions about the seed articles: the fact in [1]? declined when it should?

    python bench/reader_check.py [--questions FILE ...] [--split tune|heldout|all]
                                 [--json] [--show-misses] [--index DIR] [--corpus DIR]
    python bench/reader_check.py --validate   # only check the files against the articles

The question files (bench/reader_questions.json, bench/english_reader_questions.json) were
written before any tuning; their "heldout" half is frozen. Each expected string must occur
verbatim inside one sentence of an article, or the run stops before asking anything: an
expectation the assistant can never meet would silently lower the figures.

Figures per file and split: "fact in [1]" (an expected string in the quote of citation [1])
and "fact cited" (in any citation), both over the answerable questions; "right declines"
over the questions that must be declined; "forbidden quotes", the number of answers that
quote a sentence under a forbidden heading (the reader comments, the book advert — e.g. for
summaries and opinions); and the same per kind. The index is built in a temporary folder
unless --index is given, so the figures don't depend on a stale local index.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.chunking import split_sentences
from assistant.corpus import Article, load_corpus
from assistant.qa import Assistant, Turn, parse_history
from assistant.results import Answer
from assistant.settings import load_settings

HERE = Path(__file__).parent
DEFAULT_FILES = (HERE / "reader_questions.json", HERE / "english_reader_questions.json")
KINDS = ("who", "when", "where", "what", "why", "how_many", "list", "follow_up",
         "topic_change", "unanswered", "off_topic", "summary", "opinion", "comments", "book")
SPLITS = ("tune", "heldout")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class QuestionFileError(ValueError):
    """A question file is malformed or expects something the articles don't contain."""


@dataclass(frozen=True)
class ReaderQuestion:
    id: str
    question: str
    history: tuple[Turn, ...]
    kind: str
    expect: tuple[str, ...]
    expect_decline: bool
    forbid_sections: tuple[str, ...]
    split: str


@dataclass(frozen=True)
class Outcome:
    """What the assistant did with one question, judged against the question's expectations."""

    question: ReaderQuestion
    abstained: bool
    in_first: bool
    in_any: bool
    first_quote: str
    forbidden_quotes: tuple[str, ...]  # "section: quote" of each quoted forbidden sentence


@dataclass(frozen=True)
class Figures:
    asked: int
    answerable: int
    fact_in_first: int
    fact_cited: int
    false_declines: int
    must_decline: int
    right_declines: int
    forbid_checked: int
    forbidden_quotes: int


@dataclass(frozen=True)
class Span:
    article_id: str
    section: str
    start: int
    end: int


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise QuestionFileError(f"{what} must be a list of non-empty strings")
    return tuple(value)


def parse_question(raw: object) -> ReaderQuestion:
    """One item of a question file, validated; raises QuestionFileError saying what is wrong."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise QuestionFileError(f"every question needs a string id: {str(raw)[:80]}")
    qid = raw["id"]
    if not isinstance(raw.get("question"), str) or not raw["question"].strip():
        raise QuestionFileError(f"{qid}: question must be non-empty text")
    if raw.get("kind") not in KINDS or raw.get("split") not in SPLITS:
        raise QuestionFileError(f"{qid}: kind must be one of {KINDS}, split one of {SPLITS}")
    if not isinstance(raw.get("expect_decline"), bool):
        raise QuestionFileError(f"{qid}: expect_decline must be true or false")
    expect = _strings(raw.get("expect"), f"{qid}: expect")
    if raw["expect_decline"] == bool(expect):
        raise QuestionFileError(f"{qid}: give expected strings, or [] with expect_decline")
    try:
        history = tuple(parse_history(raw.get("history", [])))
    except ValueError as exc:
        raise QuestionFileError(f"{qid}: {exc}") from exc
    return ReaderQuestion(
        id=qid, question=raw["question"], history=history, kind=raw["kind"], expect=expect,
        expect_decline=raw["expect_decline"], split=raw["split"],
        forbid_sections=_strings(raw.get("forbid_sections", []), f"{qid}: forbid_sections"),
    )


def load_questions(path: Path) -> list[ReaderQuestion]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuestionFileError(f"{path}: cannot read questions: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise QuestionFileError(f'{path}: expected an object with a "questions" list')
    questions = [parse_question(item) for item in document["questions"]]
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise QuestionFileError(f"{path}: duplicate ids {duplicates}")
    return questions


def section_spans(article: Article) -> list[Span]:
    """Each heading's reach in the body: up to the next heading of the same or higher level,
    so a section includes its sub-sections (the book advert has several)."""
    headings: list[tuple[int, int, str]] = []  # (offset, level, name)
    offset = 0
    for line in article.body.split("\n"):
        match = _HEADING.match(line)
        if match:
            headings.append((offset, len(match.group(1)), match.group(2).strip()))
        offset += len(line) + 1
    spans = []
    for i, (start, level, name) in enumerate(headings):
        end = next((o for o, lv, _ in headings[i + 1:] if lv <= level), len(article.body))
        spans.append(Span(article.id, name, start, end))
    return spans


def check_expectations(questions: Sequence[ReaderQuestion], articles: Sequence[Article],
                       spans: Sequence[Span]) -> list[str]:
    """Problems: expected strings not inside one sentence of an article, unknown headings."""
    sentences = [a.body[s.start:s.end] for a in articles for s in split_sentences(a.body)]
    headings = {span.section for span in spans}
    problems = []
    for q in questions:
        problems += [f"{q.id}: expected string {e!r} is in no sentence of the articles"
                     for e in q.expect if not any(e in s for s in sentences)]
        problems += [f"{q.id}: no heading {h!r} in the articles"
                     for h in q.forbid_sections if h not in headings]
    return problems


def judge(question: ReaderQuestion, answer: Answer, spans: Sequence[Span]) -> Outcome:
    cited = [] if answer.abstained else answer.citations
    first_quote = cited[0].quote if cited else ""
    forbidden = tuple(
        f"{span.section}: {c.quote}" for c in cited for span in spans
        if span.section in question.forbid_sections and span.article_id == c.article_id
        and c.start < span.end and span.start < c.end
    )
    return Outcome(
        question=question, abstained=answer.abstained,
        in_first=any(e in first_quote for e in question.expect),
        in_any=any(e in c.quote for c in cited for e in question.expect),
        first_quote=first_quote, forbidden_quotes=forbidden,
    )


def figures(outcomes: Sequence[Outcome]) -> Figures:
    answerable = [o for o in outcomes if not o.question.expect_decline]
    declines = [o for o in outcomes if o.question.expect_decline]
    return Figures(
        asked=len(outcomes), answerable=len(answerable),
        fact_in_first=sum(o.in_first for o in answerable),
        fact_cited=sum(o.in_any for o in answerable),
        false_declines=sum(o.abstained for o in answerable),
        must_decline=len(declines), right_declines=sum(o.abstained for o in declines),
        forbid_checked=sum(bool(o.question.forbid_sections) for o in outcomes),
        forbidden_quotes=sum(bool(o.forbidden_quotes) for o in outcomes),
    )


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.2f}" if whole else "–"


def describe(name: str, f: Figures) -> str:
    return (f"{name:14} fact in [1] {_share(f.fact_in_first, f.answerable):13}  "
            f"fact cited {_share(f.fact_cited, f.answerable):13}  "
            f"right declines {_share(f.right_declines, f.must_decline):13}  "
            f"false declines {f.false_declines:2}  "
            f"forbidden quotes {f.forbidden_quotes}/{f.forbid_checked}")


def breakdown(outcomes: Sequence[Outcome]) -> dict[str, Figures]:
    """Figures per kind, plus the whole under "all"."""
    kinds = [k for k in KINDS if any(o.question.kind == k for o in outcomes)]
    result = {"all": figures(outcomes)}
    result.update({k: figures([o for o in outcomes if o.question.kind == k]) for k in kinds})
    return result


def show_misses(outcomes: Sequence[Outcome]) -> None:
    for o in outcomes:
        q = o.question
        history = f" (after: {q.history[-2].content if len(q.history) > 1 else ''})"
        asked = f"[{q.id}] {q.question}{history if q.history else ''}"
        if q.expect_decline and not o.abstained:
            print(f"  NOT DECLINED {asked}\n      [1]: {o.first_quote}")
        elif not q.expect_decline and not o.in_first:
            got = "(declined)" if o.abstained else o.first_quote
            cited = " (cited later)" if o.in_any else ""
            print(f"  MISS{cited} {asked}\n      expected: {list(q.expect)}\n      [1]: {got}")
        for quote in o.forbidden_quotes:
            print(f"  FORBIDDEN QUOTE [{q.id}] {q.question}\n      {quote}")


def run(assistant: Assistant, questions: Sequence[ReaderQuestion],
        spans: Sequence[Span]) -> list[Outcome]:
    return [judge(q, assistant.ask(q.question, list(q.history)), spans) for q in questions]


def _report(results: dict[str, dict[str, list[Outcome]]], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps({path: {split: {kind: asdict(f) for kind, f in breakdown(o).items()}
                                 for split, o in by_split.items()}
                          for path, by_split in results.items()}, ensure_ascii=False, indent=1))
        return
    for path, by_split in results.items():
        for split, outcomes in by_split.items():
            print(f"\n== {path} — split {split} ({len(outcomes)} questions)")
            for kind, f in breakdown(outcomes).items():
                print(describe(kind, f))
            if args.show_misses and (split != "all" or len(by_split) == 1):
                show_misses(outcomes)  # not again for "all": each split already showed its


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--questions", type=Path, nargs="+", default=list(DEFAULT_FILES))
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--index", type=Path, default=None,
                        help="an index folder to use (default: build one in a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-misses", action="store_true",
                        help="print each miss: question, expected strings, [1]'s quote")
    parser.add_argument("--english-parts", default=None,
                        help="what answers English questions over Japanese articles, e.g. "
                        "'dictionary,names,dense' (the default), 'names,dense', 'dense' "
                        "(ASSISTANT_ENGLISH_PARTS): to measure each part")
    parser.add_argument("--validate", action="store_true",
                        help="only check the question files against the articles; ask nothing")
    return parser.parse_args()


def _evaluate(args: argparse.Namespace, index_dir: Path) -> None:
    articles, _ = load_corpus(args.corpus)
    spans = [span for article in articles for span in section_spans(article)]
    files = {str(path): load_questions(path) for path in args.questions}
    problems = [p for qs in files.values() for p in check_expectations(qs, articles, spans)]
    if problems:
        raise QuestionFileError("expectations the articles can't meet:\n  " +
                                "\n  ".join(problems))
    if args.validate:
        print(f"ok: {sum(len(qs) for qs in files.values())} questions in {len(files)} files")
        return
    assistant = Assistant(load_settings(corpus_dir=args.corpus, index_dir=index_dir,
                                        english_parts=args.english_parts))
    assistant.ensure_index(progress=False)
    splits = SPLITS if args.split == "all" else (args.split,)
    results: dict[str, dict[str, list[Outcome]]] = {}
    for path, questions in files.items():
        outcomes = run(assistant, [q for q in questions if q.split in splits], spans)
        by_split = {s: [o for o in outcomes if o.question.split == s] for s in splits}
        if args.split == "all":
            by_split["all"] = outcomes
        results[path] = by_split
    _report(results, args)


def main() -> None:
    args = _arguments()
    overrides = sorted(name for name in os.environ if name.startswith("ASSISTANT_"))
    if overrides:
        print(f"note: settings changed by the environment: {', '.join(overrides)}",
              file=sys.stderr)
    try:
        if args.index is not None:
            _evaluate(args, args.index)
        else:
            with tempfile.TemporaryDirectory(prefix="reader-check-") as folder:
                _evaluate(args, Path(folder) / "index")
    except QuestionFileError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
