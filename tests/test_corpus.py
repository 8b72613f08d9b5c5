from pathlib import Path

from assistant.corpus import detect_language, load_corpus, parse_article

from .conftest import SEED_CORPUS, write_article


def test_seed_articles_have_front_matter_and_no_page_debris():
    articles, _ = load_corpus(SEED_CORPUS)
    by_id = {a.id: a for a in articles}
    leak = by_id["witkoff-ushakov-call-leak"]
    assert leak.title.startswith("米特使とロシア高官の通話流出")
    assert "ウシャコフ" in leak.body
    assert "返信を残す" not in leak.body and "メールアドレス" not in leak.body
    talks = by_id["ukraine-peace-talks-witkoff"]
    assert talks.published == "2025-11-25"
    assert {a.language for a in articles} == {"ja"}


def test_plain_text_without_front_matter_takes_its_title_from_the_first_line(tmp_path):
    write_article(tmp_path, "note.txt", "\n今日のニュース\n本文です。")
    (article,), skipped = load_corpus(tmp_path)
    assert not skipped
    assert article.id == "note" and article.title == "今日のニュース"


def test_unusable_files_are_skipped_with_a_reason(tmp_path):
    write_article(tmp_path, "empty.md", "   \n")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    write_article(tmp_path, "bad.md", "---\ntitle: [unclosed\n---\n本文。")
    write_article(tmp_path, "good.md", "---\nid: dup\n---\n本文。")
    write_article(tmp_path, "other.md", "---\nid: dup\n---\n別の本文。")
    write_article(tmp_path, "ignored.pdf", "not an article type")
    articles, skipped = load_corpus(tmp_path)
    assert [a.path for a in articles] == [str(tmp_path / "good.md")]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["empty.md"] == "empty file"
    assert reasons["latin1.txt"] == "not UTF-8 text"
    assert "YAML" in reasons["bad.md"]
    assert "already used" in reasons["other.md"]
    assert "ignored.pdf" not in reasons


def test_language_detection():
    assert detect_language("ウクライナ和平案") == "ja"
    assert detect_language("Who did Witkoff call?") == "en"
    assert parse_article("Plain English text.", Path("a.txt")).language == "en"
