from pathlib import Path

from assistant.corpus import detect_language, load_corpus, parse_article, read_article

from .conftest import SEED_CORPUS, write_article
from .files import BAD, GOOD, PDF_LINES, write_every_kind


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


def test_every_kind_of_file_is_read_or_skipped_with_its_reason(tmp_path):
    folder = write_every_kind(tmp_path / "corpus")
    articles, skipped = load_corpus(folder)
    by_file = {Path(a.path).name: a for a in articles}
    assert set(by_file) == set(GOOD)
    for name, (article_id, phrase) in GOOD.items():
        assert by_file[name].id == article_id and phrase in by_file[name].body, name
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == set(BAD)  # sub-folders and hidden files are not reported
    for name, words in BAD.items():
        assert words in reasons[name], (name, reasons[name])


def test_a_saved_page_keeps_title_date_and_headings_but_no_menus_ads_or_comments(tmp_path):
    write_every_kind(tmp_path)
    page = read_article(tmp_path / "sakurajima.html")
    assert page.title == "桜島が噴火、鹿児島市に降灰" and page.published == "2024-07-03"
    assert "## 市民生活への影響" in page.body
    for debris in ("ニュース一覧", "半額セール", "コメントを書く", "初コメント", "利用規約"):
        assert debris not in page.body


def test_shift_jis_and_euc_jp_are_decoded_and_a_pdf_gives_its_text(tmp_path):
    write_every_kind(tmp_path)
    assert read_article(tmp_path / "sjis.txt").title == "富士山の山開き"
    assert read_article(tmp_path / "eucjp.txt").title == "琵琶湖の水位"
    pdf = read_article(tmp_path / "volcano.pdf")
    assert pdf.title == "Sakurajima eruption" and pdf.published == "2024-07-03"
    assert all(line in pdf.body for line in PDF_LINES) and pdf.language == "en"


def test_language_detection():
    assert detect_language("ウクライナ和平案") == "ja"
    assert detect_language("Who did Witkoff call?") == "en"
    assert parse_article("Plain English text.", Path("a.txt")).language == "en"
