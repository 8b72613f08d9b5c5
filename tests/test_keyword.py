"""BM25 terms: SudachiPy is used from the server's worker threads at once."""

from concurrent.futures import ThreadPoolExecutor

from assistant.keyword import sudachi_terms

from .conftest import SEED_CORPUS


def test_sudachi_terms_from_many_threads_at_once():
    text = (SEED_CORPUS / "witkoff-ushakov-call-leak.md").read_text(encoding="utf-8")
    expected = sudachi_terms(text)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(sudachi_terms, [text] * 64))
    assert all(r == expected for r in results)
