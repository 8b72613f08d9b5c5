from itertools import pairwise
from pathlib import Path

import pytest

from assistant.chunking import chunk_article, split_sentences
from assistant.corpus import load_corpus, parse_article

from .conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def seed_articles():
    articles, skipped = load_corpus(SEED_CORPUS)
    assert not skipped
    assert len(articles) == 2
    return articles


def test_every_sentence_and_chunk_of_the_seeds_round_trips(seed_articles):
    for article in seed_articles:
        sentences = split_sentences(article.body)
        assert len(sentences) > 30
        for s in sentences:
            text = article.body[s.start : s.end]
            assert text and text == text.strip()
            assert "\n" not in text  # lines end sentences in Japanese text and lists
        for chunk in chunk_article(article):
            assert chunk.text == article.body[chunk.start : chunk.end]
            for start, end in chunk.sentences:
                assert chunk.start <= start < end <= chunk.end


def test_sentences_end_at_japanese_terminators_and_keep_quotes_whole():
    body = "彼は「今が重要な局面である。急ぐべきだ」と述べた。本当か？そうだ！\n次の文"
    article = parse_article(body, Path("x.txt"))
    texts = [article.body[s.start : s.end] for s in split_sentences(article.body)]
    assert texts == [
        "彼は「今が重要な局面である。急ぐべきだ」と述べた。", "本当か？", "そうだ！", "次の文"
    ]


def test_headings_become_sections_and_list_items_lose_their_markers(seed_articles):
    article = next(a for a in seed_articles if a.id == "ukraine-peace-talks-witkoff")
    sentences = split_sentences(article.body)
    item = next(
        s for s in sentences if "バイデン政権が米国とウクライナ間" in article.body[s.start : s.end]
    )
    assert item.section == "主なニュースの要点"
    assert article.body[item.start : item.end].startswith("バイデン政権")
    assert all(not article.body[s.start : s.end].startswith("## ") for s in sentences)


def test_chunks_overlap_by_one_sentence_and_stay_in_their_section(seed_articles):
    article = next(a for a in seed_articles if a.id == "witkoff-ushakov-call-leak")
    chunks = chunk_article(article, max_chars=300, overlap=1)
    same_section = [(a, b) for a, b in pairwise(chunks) if a.section == b.section]
    assert same_section
    for a, b in same_section:
        if len(a.sentences) > 1:
            assert a.sentences[-1] == b.sentences[0]
    sections = {c.section for c in chunks}
    assert "ニュース" in sections and "総括" in sections
    for c in chunks:
        assert len(c.text) <= 300 or len(c.sentences) == 1


def test_english_text_splits_into_sentences_and_joins_wrapped_lines():
    body = (
        "# Talks\n\nMr. Witkoff met U.S. officials on Monday. The call was leaked\n"
        "to reporters in October. Was it planned? Nobody knows!\n\n- First point\n- Second point\n"
    )
    article = parse_article(body, Path("en.md"))
    texts = [article.body[s.start : s.end] for s in split_sentences(article.body)]
    assert texts == [
        "Mr. Witkoff met U.S. officials on Monday.",
        "The call was leaked\nto reporters in October.",
        "Was it planned?",
        "Nobody knows!",
        "First point",
        "Second point",
    ]
    assert article.language == "en"
    assert all(c.section == "Talks" for c in chunk_article(article))


def test_a_very_long_unpunctuated_line_is_cut_into_bounded_sentences():
    article = parse_article("あ" * 5000, Path("long.txt"))
    sentences = split_sentences(article.body)
    assert len(sentences) == 5
    assert all(s.end - s.start <= 1000 for s in sentences)
