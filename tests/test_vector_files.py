"""Sentence-vector files: written whole, read by span, missing or damaged ones reported as
absent (the reader then falls back to the Chroma collection of older indexes)."""

import numpy as np

from assistant.chunking import Sentence
from assistant.vector_files import (
    SentenceVectorFiles,
    delete_sentence_vectors,
    drop_vector_folders,
    vector_folder,
    write_sentence_vectors,
)


def sentences(*spans):
    return [Sentence(start, end, "") for start, end in spans]


def test_vectors_are_read_back_by_span(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    write_sentence_vectors(tmp_path, "t1", sentences((0, 5), (5, 12), (12, 30)), vectors)
    stored = SentenceVectorFiles(tmp_path).of("t1")
    assert stored is not None
    assert set(stored.rows) == {(0, 5), (5, 12), (12, 30)}
    np.testing.assert_array_equal(stored.vectors[stored.rows[(5, 12)]], vectors[1])
    assert list(tmp_path.iterdir()) == [tmp_path / "t1.npy"]  # no temporary file left


def test_an_article_without_sentences_has_an_empty_file(tmp_path):
    write_sentence_vectors(tmp_path, "t0", [], np.zeros((0, 0), dtype=np.float32))
    stored = SentenceVectorFiles(tmp_path).of("t0")
    assert stored is not None and stored.rows == {}


def test_missing_and_damaged_files_are_absent(tmp_path):
    (tmp_path / "bad.npy").write_bytes(b"not a numpy file")
    files = SentenceVectorFiles(tmp_path)
    assert files.of("bad") is None
    assert files.of("never-written") is None


def test_deleting_a_tag_removes_its_file_and_a_half_written_one(tmp_path):
    vectors = np.ones((1, 4), dtype=np.float32)
    write_sentence_vectors(tmp_path, "keep", sentences((0, 3)), vectors)
    write_sentence_vectors(tmp_path, "gone", sentences((0, 3)), vectors)
    (tmp_path / ".gone.999.tmp.npy").write_bytes(b"partial")
    delete_sentence_vectors(tmp_path, {"gone"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.npy"]


def test_dropping_folders_keeps_only_the_named_generation(tmp_path):
    for generation in ("old", "new"):
        write_sentence_vectors(vector_folder(tmp_path, generation), "t",
                               sentences((0, 1)), np.ones((1, 2), dtype=np.float32))
    drop_vector_folders(tmp_path, keep="new")
    assert [p.name for p in tmp_path.iterdir()] == ["vectors-new"]
