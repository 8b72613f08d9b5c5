"""The study guide in a real browser: the Articles tab shows it above the article, quiz
answers hidden until revealed, a guide quote opens the article at it. Screenshots under
test-output/browser/ (study-*.png)."""

from __future__ import annotations

import pytest

from .test_browser import CHROMIUM, SHOTS, browsers, page, shot  # noqa: F401 - fixtures by name

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium (apt-get install chromium)")


def test_the_study_guide_and_its_quiz_in_the_articles_tab(page):  # noqa: F811
    page.click("button[role=tab]:has-text('記事一覧')")
    page.click("#article-picker input")
    page.click("ul[role=listbox] li:has-text('米特使とロシア高官')")
    page.wait_for_selector("#reader .study-guide-panel", timeout=60_000)
    assert page.is_visible("#reader summary:has-text('要点')")
    assert page.is_visible("#reader summary:has-text('年表')")
    first_answer = page.locator("#reader .quiz-answer").first
    answer_text = first_answer.locator("p b")
    assert not answer_text.is_visible()  # hidden until revealed
    timeline = page.inner_text("#reader .guide-timeline")
    assert "2025年10月中旬" in timeline and "通話は10月中旬に行われ" in timeline
    page.locator("#reader .guide-quiz").scroll_into_view_if_needed()
    shot(page, "study-1-guide")
    first_answer.locator("summary").click()
    answer_text.wait_for(state="visible", timeout=10_000)
    assert answer_text.inner_text() == "スティーブ・ウィトコフ"
    page.locator("#reader .guide-quiz").screenshot(
        path=str(SHOTS / "study-2-quiz-revealed.png"))
    quote = page.locator("#reader .guide-timeline .guide-quote").first
    quoted = quote.inner_text().strip("「」")
    quote.click()
    page.wait_for_selector("#reader mark#reader-mark", timeout=30_000)
    assert page.inner_text("#reader mark#reader-mark") == quoted
    shot(page, "study-3-quote-opened")
