"""The chat in a real headless browser (Debian chromium driven by Playwright).

Screenshots of each state are saved under test-output/browser/ for a person to look at.
.ci/run installs chromium and CJK fonts where they are missing; the tests skip, saying
why, only on a machine where the browser can't exist.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "browser"
WHO = "ウィトコフ特使と通話したロシア高官は誰ですか？"
LIBRARY = "図書館だよりにはどんな項目がありますか？"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium (apt-get install chromium)")


class Browsers:
    """Chromium launched once per module and language (a launch is ~1 s, several on a busy
    machine); every test still gets a fresh context of its own (no cookies, storage or
    permissions carried over)."""

    def __init__(self, playwright: Playwright) -> None:
        self._playwright = playwright
        self._by_locale: dict[str, Browser] = {}

    def for_locale(self, locale: str) -> Browser:
        if locale not in self._by_locale:
            self._by_locale[locale] = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", f"--lang={locale}"])
        return self._by_locale[locale]

    def close(self) -> None:
        for browser in self._by_locale.values():
            browser.close()


@pytest.fixture(scope="module")
def browsers() -> Iterator[Browsers]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = Browsers(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(site, browsers, request):
    SHOTS.mkdir(parents=True, exist_ok=True)
    locale = getattr(request, "param", "ja-JP")
    context = browsers.for_locale(locale).new_context(
        viewport={"width": 1280, "height": 900}, locale=locale, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    page.dialogs = []  # any alert() would land here
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.calls = []  # every event the page sends to the server, in order
    page.on("request", lambda r: page.calls.append(r.url) if "/queue/join" in r.url
            else None)
    # the streams that bring the server's results: one ends when its events are done
    page.streams = {"request": 0, "requestfinished": 0, "requestfailed": 0}
    for kind in page.streams:  # (the page aborts some streams once done: "failed")
        page.on(kind, lambda r, kind=kind: page.streams.__setitem__(
            kind, page.streams[kind] + ("/queue/data" in r.url)))
    try:
        page.goto(site, wait_until="load")
        page.wait_for_selector("#chat button.example", timeout=60_000)
        yield page
    finally:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


SOURCES_JS = ("() => Array.from(document.querySelectorAll('#evidence .evidence-card, "
              "#evidence .muted')).map(e => e.outerHTML).join('')")


def ask(page, question: str) -> None:
    """Type a question, press Ask, wait until the chat shows it with its answer done and
    its sources have replaced the previous ones."""
    before = page.evaluate(SOURCES_JS)
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        f"([before, question]) => ({SOURCES_JS})() !== before && "
        "document.querySelector('#chat').innerText.includes(question) && "
        "!document.querySelector('#chat').innerText.includes('processing')",
        arg=[before, question], timeout=60_000)


def test_example_question_answer_with_highlighted_source_opens_the_article(page):
    shot(page, "01-start")
    page.click("#chat button.example >> nth=0")  # the first example of examples.yaml
    page.wait_for_selector("#evidence .evidence-card mark", timeout=60_000)
    chat = page.inner_text("#chat")
    assert WHO in chat and "[1]" in chat
    quote = page.inner_text("#evidence .evidence-card >> nth=0 >> mark")
    assert "ウシャコフ" in quote
    shot(page, "02-answer")

    page.click("#evidence .evidence-card >> nth=0")
    page.wait_for_selector("#reader mark#reader-mark", timeout=30_000)
    assert page.inner_text("#reader mark#reader-mark") == quote
    assert page.is_visible("#reader mark#reader-mark")
    assert page.inner_text("#reader h2").startswith("米特使とロシア高官の通話流出")
    shot(page, "03-article-at-the-quote")


def test_language_switch_and_an_english_question(page):
    page.click("#language label:has-text('English')")
    page.wait_for_function(
        "() => document.querySelector('#ask')?.innerText.trim() === 'Ask'", timeout=30_000)
    assert "Every sentence of an answer cites its source" in page.inner_text("#header")
    ask(page, "Which missiles did the US stop supplying to Ukraine?")
    assert "[1]" in page.inner_text("#chat")
    assert "トマホーク" in page.inner_text("#evidence")
    shot(page, "04-english")


MARKER_JS = """async ([k, n]) => {
  // the middle of the digits of marker [n] in the k-th answer, once it is on screen (the
  // pointer would land on it) and stays put (the chat may still be scrolling itself to
  // its newest message): the same spot in three animation frames in a row
  const answer = document.querySelectorAll('#chat [data-testid="bot"]')[k];
  const spot = () => {
    const walker = answer && document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
    for (let node = walker && walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent.indexOf(`[${n}]`);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at + 1);
      range.setEnd(node, at + 1 + String(n).length);
      const box = range.getBoundingClientRect();
      return {node, x: box.left + box.width / 2, y: box.top + box.height / 2};
    }
    return null;
  };
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let last = null, same = 0;
  for (let frames = 0; frames < 600 && same < 3; frames++) {
    const now = spot();
    if (!now) return null;
    const hit = document.elementFromPoint(now.x, now.y);
    if (!hit || !now.node.parentElement.contains(hit)) {
      now.node.parentElement.scrollIntoView({block: 'center'});
      last = null, same = 0;
    } else {
      same = last && now.x === last.x && now.y === last.y ? same + 1 : 0;
      last = now;
    }
    await frame();
  }
  return same >= 3 ? [last.x, last.y] : null;
}"""


SENT_JS = "() => document.querySelector('#ref-target textarea, #ref-target input').value"


def click_marker(page, k: int, n: int) -> None:
    """Click on the digits of marker [n] in the k-th answer of the chat, as a person
    would: scroll it into view, wait until it stays put, then click; again if the chat
    moved under the pointer after all (the page sends a marker the moment it is clicked)."""
    for _ in range(5):
        sent = page.evaluate(SENT_JS)
        point = page.evaluate(MARKER_JS, [k, n])
        assert point, f"no [{n}] in answer {k}, or it never stopped moving"
        page.mouse.move(*point)
        page.mouse.click(*point)
        if page.evaluate(SENT_JS) != sent:
            return
    pytest.fail(f"clicking [{n}] of answer {k} sent nothing")


def streams_ended(page) -> int:
    return page.streams["requestfinished"] + page.streams["requestfailed"]


def server_done(page, ended_before: int | None = None, seconds: float = 30) -> None:
    """Until every event the page sent to the server is done (each stream that brings
    results has ended; with `ended_before`, at least one more than then), polling with
    a deadline."""
    deadline = time.monotonic() + seconds
    while (streams_ended(page) < page.streams["request"]
           or (ended_before is not None and streams_ended(page) <= ended_before)):
        assert time.monotonic() < deadline, "the server's answer never came"
        page.wait_for_timeout(50)  # lets Playwright deliver the network events meanwhile


def settled(page) -> None:
    """Wait until the page has rendered what it had to (two animation frames)."""
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame("
                  "() => requestAnimationFrame(resolve)))")


def test_a_marker_in_the_chat_shows_its_source(page):
    ask(page, WHO)
    ask(page, "ブダペスト覚書って何？")
    click_marker(page, 1, 2)  # [2] of the latest answer: its card outlined
    page.wait_for_selector("#evidence .evidence-card.selected[data-ns~=\"2\"]", timeout=30_000)
    assert page.locator("#evidence .selected").count() == 1
    assert page.locator("#evidence .evidence-for").count() == 0
    assert page.evaluate("() => document.querySelectorAll('#chat [data-testid=bot]')[1]"
                         ".style.cursor") == "pointer"
    click_marker(page, 0, 1)  # [1] of the first answer: its sources come back, named
    page.wait_for_function(
        "(q) => document.querySelector('#evidence .evidence-for')?.innerText.includes(q)",
        arg=WHO, timeout=30_000)
    assert "ウシャコフ" in page.inner_text("#evidence #cite-1.selected mark")
    shot(page, "05b-marker-clicked")
    calls = len(page.calls)
    page.mouse.click(5, 5)  # elsewhere: nothing is sent, nothing changes
    click_marker(page, 1, 1)  # then [1] of the latest answer: its call is the only one
    page.wait_for_selector("#evidence #cite-1.selected", timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#evidence .evidence-for')")
    assert len(page.calls) == calls + 1


def test_a_bracketed_number_that_cites_nothing_is_no_marker(page):
    ask(page, "脚注番号は出典の印ですか？")
    assert "[99999999999]" in page.locator("#chat [data-testid=bot]").last.inner_text()
    calls, sent = len(page.calls), page.evaluate(SENT_JS)
    point = page.evaluate(MARKER_JS, [0, 99999999999])
    page.mouse.move(*point)
    page.mouse.click(*point)  # no pointer, nothing sent
    assert page.evaluate("() => document.querySelector('#chat [data-testid=bot]')"
                         ".style.cursor") == ""
    assert page.evaluate(SENT_JS) == sent
    click_marker(page, 0, 1)  # then a real marker: its call is the only one
    page.wait_for_selector("#evidence #cite-1.selected", timeout=30_000)
    assert len(page.calls) == calls + 1
    assert page.locator("#evidence .selected").count() == 1


def test_retrying_a_refused_question_keeps_the_earlier_answer(page):
    ask(page, WHO)
    page.fill("#question textarea", "長" * 2001)  # over max_question_chars: refused
    page.click("#ask")
    page.wait_for_function(
        "() => document.querySelectorAll('#chat [data-testid=bot]').length === 2 && "
        "document.querySelectorAll('#chat [data-testid=bot]')[1].innerText.includes('⚠')",
        timeout=30_000)
    page.locator("#chat [data-testid=bot]").last.hover()
    # Gradio's own label follows the browser's language
    server_done(page)
    ended = streams_ended(page)
    page.locator("#chat button[aria-label='再試行'], #chat button[aria-label='Retry']"
                 ).last.click()
    server_done(page, ended)
    page.wait_for_function(
        "() => document.querySelectorAll('#chat [data-testid=bot]').length === 2 && "
        "document.querySelectorAll('#chat [data-testid=bot]')[1].innerText.includes('⚠') && "
        "!document.querySelector('#chat').innerText.includes('processing')")
    click_marker(page, 0, 1)  # the earlier answer is still there to show
    page.wait_for_selector("#evidence #cite-1.selected", timeout=30_000)


def test_the_chats_own_clear_button_starts_over(page):
    ask(page, WHO)
    page.locator("#chat button[aria-label='会話をクリア'], #chat button[aria-label='Clear']"
                 ).first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#evidence .evidence-card').length === 0")
    ask(page, "ブダペスト覚書は何年のものですか？")
    chat = page.inner_text("#chat")
    assert "ブダペスト" in chat and WHO not in chat  # the old exchange does not come back


def test_classroom_mode_one_answer_at_a_time_sources_step_by_step(page):
    ask(page, WHO)
    assert page.locator("#evidence .evidence-card mark").count() > 1
    page.click("#classroom input")
    page.wait_for_function("() => document.body.classList.contains('classroom')")
    # switching on re-renders the shown answer's sources one at a time (a server round
    # trip after the page's own class change): wait for it before the next question
    page.wait_for_function(
        "() => document.querySelectorAll('#evidence .evidence-card mark').length === 1")
    ask(page, "ブダペスト覚書って何？")
    chat = page.inner_text("#chat")
    assert "ブダペスト" in chat and WHO not in chat  # only the last exchange is shown
    assert page.locator("#evidence .evidence-card mark").count() == 1
    page.click("#next-citation")
    page.wait_for_function(
        "() => document.querySelectorAll('#evidence .evidence-card mark').length === 2")
    font = page.evaluate("() => getComputedStyle(document.querySelector('#question textarea'))"
                         ".fontSize")
    assert float(font.removesuffix("px")) >= 20
    shot(page, "05-classroom")
    click_marker(page, 0, 3)  # a marker reveals the sources up to it
    page.wait_for_selector("#evidence .evidence-card.selected[data-ns~=\"3\"]", timeout=30_000)
    assert page.locator("#evidence .evidence-card mark").count() == 3


def test_export_markdown_has_every_citation(page, tmp_path):
    ask(page, WHO)
    with page.expect_download(timeout=30_000) as download:
        page.click("#export")
    target = tmp_path / "conversation.md"
    download.value.save_as(target)
    exported = target.read_text(encoding="utf-8")
    assert exported.startswith("# 記事Q&A") and f"## 1. {WHO}" in exported
    assert "[1] 米特使とロシア高官の通話流出" in exported and "ウシャコフ" in exported
    shot(page, "06-export")


def test_script_in_a_question_and_in_an_article_is_shown_as_text(page):
    ask(page, "<script>alert(1)</script>の記事には何が書かれていますか？")
    assert "<script>alert(1)</script>" in page.inner_text("#chat")
    page.click("#evidence .evidence-card >> nth=0")
    page.wait_for_selector("#reader h2", timeout=30_000)
    assert "<script>alert(1)</script>" in page.inner_text("#reader")
    assert page.locator("#reader script, #chat script, #evidence script").count() == 0
    settled(page)
    assert page.dialogs == []
    shot(page, "07-markup-as-text")


def test_copying_an_answer_gives_its_text_as_shown(page):
    ask(page, "研究開発の予算はどんな関係ですか？")
    answer = page.locator("#chat [data-testid=bot]").last
    assert "(R&D)の予算は3 < 5の関係" in answer.inner_text()
    answer.hover()
    page.locator("#chat button[aria-label='Copy message']").last.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "(R&D)の予算は3 < 5の関係" in copied and "&amp;" not in copied
    assert copied.strip() == answer.inner_text().strip()


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_an_english_browser_gets_the_english_interface(page):
    page.wait_for_function(
        "() => document.querySelector('#ask')?.innerText.trim() === 'Ask'", timeout=30_000)
    assert "Articles" in page.inner_text("body")
    shot(page, "08-english-browser")


def test_ask_about_one_article_from_the_browser(page):
    page.click("button[role=tab]:has-text('記事一覧')")
    page.click("#article-picker input")
    page.click("ul[role=listbox] li:has-text('ウクライナ和平交渉')")
    page.wait_for_selector("#reader h2", timeout=30_000)
    assert "ウクライナ和平交渉" in page.inner_text("#reader h2")
    page.click("#ask-article")
    page.wait_for_selector("#scope-clear", state="visible", timeout=30_000)
    assert "この記事だけから探します" in page.inner_text("#scope")
    ask(page, "和平実現の障害の背景には何がありますか？")
    titles = page.locator("#evidence .evidence-card b").all_inner_texts()
    assert titles and all("ウクライナ和平交渉" in t for t in titles)
    shot(page, "09-one-article")
    page.click("#scope-clear")
    page.wait_for_selector("#scope-clear", state="hidden", timeout=30_000)
    assert "すべての記事" in page.inner_text("#scope")


# --- classroom mode, phones, contrast, ふりがな, keyboard (issue 14) --------------------

CHECKS = (Path(__file__).parent / "page_checks.js").read_text(encoding="utf-8")
SIZES = [(1366, 900), (390, 844)]


def checks(page, what: str, *args):
    """One of tests/page_checks.js's measurements of what the page shows now."""
    settled(page)
    page.evaluate(CHECKS)
    return page.evaluate(f"(args) => window.pageChecks.{what}(...args)", list(args))


def switch(page, name: str, on: bool) -> None:
    """Turn classroom mode or ふりがな on or off, as a person clicks its switch."""
    if page.is_checked(f"#{name} input") != on:
        page.click(f"#{name} label")
    page.wait_for_function(f"(on) => document.body.classList.contains('{name}') === on", arg=on)


def font_px(page, selector: str) -> float:
    return float(page.evaluate(f"() => getComputedStyle(document.querySelector('{selector}'))"
                               ".fontSize").removesuffix("px"))


def assert_readable(page, minimum: float, name: str) -> None:
    """Every visible text at `minimum` contrast or more, no two texts over each other,
    nothing off the side of the screen; a screenshot for a person to look at."""
    shot(page, name)
    assert checks(page, "contrast", minimum) == []
    assert checks(page, "overlaps") == []
    overflow = checks(page, "overflows")
    assert overflow["out"] == [] and overflow["pageWidth"] <= overflow["width"]


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_contrast_type_size_and_layout_in_both_modes(page, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    ask(page, WHO)
    assert_readable(page, 4.5, f"10-normal-{width}")
    switch(page, "classroom", True)
    page.wait_for_function(
        "() => document.querySelectorAll('#evidence .evidence-card').length === 1")
    assert font_px(page, "#chat [data-testid=bot] .sentence") >= 28
    assert font_px(page, "#chat [data-testid=user] span") >= 24
    assert page.is_visible("#classroom") and not page.is_visible("#language")
    assert_readable(page, 7, f"11-classroom-{width}")
    page.click("button[role=tab]:has-text('記事一覧')")
    page.wait_for_selector("#article-list", state="visible")
    assert_readable(page, 7, f"12-classroom-articles-{width}")


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_sources_sit_between_the_answer_and_the_question_box(page, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    ask(page, WHO)
    box = {name: page.locator(selector).bounding_box() for name, selector in (
        ("chat", "#chat"), ("sources", "#evidence"), ("question", "#question textarea"))}
    if width < 700:  # one column: answer, its sources (folding), then the question box
        assert box["chat"]["y"] < box["sources"]["y"] < box["question"]["y"]
        page.click("#evidence details.sources > summary")
        page.wait_for_function("() => !document.querySelector('#evidence details').open")
        assert not page.is_visible("#evidence .evidence-card")
    else:  # two columns: the sources beside the answer
        assert box["sources"]["x"] > box["chat"]["x"] + box["chat"]["width"] - 1
    page.locator("#question textarea").scroll_into_view_if_needed()
    assert page.is_visible("#question textarea") and page.is_visible("#ask")


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_revealing_sources_keeps_the_answer_in_place(page, size):
    # (one card per passage: a revealed source is one more quote marked, in a new card or
    # in the card of its passage — the marks are counted)
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    switch(page, "classroom", True)
    ask(page, WHO)
    answer = "#chat [data-testid=bot]"
    total = len(page.evaluate("() => JSON.parse(document.querySelector("
                              "'#chat-markers [data-markers]').dataset.markers)[0]"))
    assert total > 1 and page.locator("#evidence .evidence-card mark").count() == 1
    reveal = page.locator("#next-citation")
    chat, shown_answer = page.locator("#chat").bounding_box(), page.locator(answer).bounding_box()
    gap = reveal.bounding_box()["y"] - (chat["y"] + chat["height"])
    assert 0 <= gap < 40  # right under the chat, which holds the whole answer
    assert shown_answer["y"] + shown_answer["height"] <= reveal.bounding_box()["y"]
    for shown in range(2, total + 1):
        reveal.scroll_into_view_if_needed()  # as a teacher would, once; then only clicks
        settled(page)
        before = page.locator(answer).bounding_box()
        reveal.click()
        page.wait_for_function(
            "(n) => document.querySelectorAll('#evidence .evidence-card mark').length === n",
            arg=shown)
        settled(page)
        assert page.locator(answer).bounding_box() == before  # no scroll jump
    page.wait_for_function("() => document.querySelector('#next-citation').disabled")
    assert "すべての出典を表示しました" in reveal.inner_text()
    shot(page, f"13-all-sources-shown-{width}")


def test_a_marker_reveals_sources_up_to_itself_and_no_further(page):
    switch(page, "classroom", True)
    ask(page, "ブダペスト覚書って何？")
    assert page.locator("#evidence .evidence-card mark").count() == 1
    click_marker(page, 0, 2)
    page.wait_for_selector("#evidence .evidence-card.selected[data-ns~=\"2\"]", timeout=30_000)
    assert page.locator("#evidence .evidence-card mark").count() == 2


def test_furigana_on_and_off_and_copy_keeps_the_plain_text(page):
    ask(page, WHO)
    reading = "() => Array.from(document.querySelectorAll('{} rt'))" \
              ".filter(rt => rt.getClientRects().length).map(rt => rt.innerText)"
    assert page.evaluate(reading.format("#chat")) == []  # off: no readings shown
    switch(page, "furigana", True)
    assert "とくし" in page.evaluate(reading.format("#chat"))  # 特使
    assert page.evaluate(reading.format("#evidence"))
    answer = page.locator("#chat [data-testid=bot]").last
    assert "ウィトコフ" in answer.inner_text()
    shot(page, "14-furigana")
    answer.hover()
    page.locator("#chat button[aria-label='Copy message']").last.click()
    copied = page.wait_for_function("() => navigator.clipboard.readText()").json_value()
    assert "ウィトコフ特使" in copied and "とくし" not in copied
    page.click("#evidence .evidence-card >> nth=0")
    page.wait_for_selector("#reader mark#reader-mark", timeout=30_000)
    assert page.evaluate(reading.format("#reader"))
    switch(page, "furigana", False)
    assert page.evaluate(reading.format("#reader")) == []


def test_keyboard_only_ask_and_marker(page):
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#question') !== null"):
            break
    else:
        pytest.fail("Tab never reached the question box")
    page.keyboard.type(WHO)
    page.keyboard.press("Enter")
    page.wait_for_selector("#evidence .evidence-card", timeout=60_000)
    sent = page.evaluate(SENT_JS)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('marker')"):
            break
    else:
        pytest.fail("Tab never reached a marker")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus
    page.keyboard.press("Enter")
    page.wait_for_selector("#evidence .evidence-card.selected", timeout=30_000)
    assert page.evaluate(SENT_JS) != sent
    assert page.evaluate("() => document.documentElement.lang") == "ja"
    assert page.locator("#chat .answer[lang=ja]").count() == 1
    page.wait_for_function(  # a screen reader hears the answer, not its markup
        "() => !document.querySelector('#chat [data-testid=bot]')"
        ".getAttribute('aria-label').includes('<')")


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_a_long_title_a_long_list_and_a_long_word_stay_on_screen(page, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    ask(page, LIBRARY)
    assert "長い見出し" in page.inner_text("#evidence")
    assert checks(page, "overflows")["out"] == []
    switch(page, "classroom", True)  # the list is one quote: its card is the first shown
    page.click("#evidence .evidence-card >> nth=0")
    page.wait_for_selector("#reader h2", timeout=30_000)
    for name in ("overflows",):
        overflow = checks(page, name)
        assert overflow["out"] == [] and overflow["pageWidth"] <= overflow["width"]
    shot(page, f"15-long-article-{width}")


def test_cards_show_roles_the_short_answer_and_one_card_per_passage(page):
    ask(page, "通話はいつ行われましたか？")
    card = page.locator("#evidence .evidence-card >> nth=0")
    assert card.locator(".role").inner_text() in ("報道", "分析")
    assert card.locator("mark strong.short-answer").inner_text() == "10月中旬"
    shot(page, "reader-short-answer-role")
    ask(page, "ブダペスト覚書って何？")
    cards = page.locator("#evidence .evidence-card")
    marks = page.locator("#evidence .evidence-card mark")
    assert marks.count() > cards.count()  # several quotes of one passage share its card
    numbers = [set(c.get_attribute("data-ns").split()) for c in cards.all()]
    assert all(a.isdisjoint(b) for i, a in enumerate(numbers) for b in numbers[i + 1:])
    shot(page, "reader-one-card-per-passage")
    # a list is quoted whole: one marker, one mark holding every item, shown as lines
    ask(page, "今回のリークでロシアが得してることって何がある？")
    marks = page.locator("#evidence .evidence-card >> nth=0").locator("mark").all_inner_texts()
    listed = next(m for m in marks if "米国内の分断を助長する" in m)
    assert "米欧間の不信を強める" in listed and "ウクライナ支援の一貫性を揺るがす" in listed
    assert listed.count("\n") >= 3
    assert "[2]" not in page.locator("#chat [data-testid=bot]").last.inner_text().split(
        "米欧間の不信を強める")[0]  # no marker between the items
    shot(page, "reader-list-quoted-whole")


def test_compare_shows_each_article_in_its_column_and_says_the_sources_differ(page):
    ask(page, "ウィトコフ氏は誰の側近ですか？")
    page.click("#compare")
    page.wait_for_selector("#comparison .comparison-verdict", timeout=60_000)
    verdict = page.inner_text("#comparison .comparison-verdict")
    assert "異なります" in verdict  # 前米大統領 / 大統領: the seeds disagree on his title
    columns = page.locator("#comparison .comparison-column")
    assert columns.count() == 2
    assert page.locator("#comparison mark.diff").count() >= 2  # the differing titles
    page.locator("#comparison").scroll_into_view_if_needed()
    shot(page, "compare-two-columns")


JAPANESE_OUTSIDE_JA_JS = r"""() => {
  // visible text with kana or kanji that is not inside an element marked lang="ja" (the
  // articles' own words — quotes, titles, sections — are marked so; the interface is not)
  const japanese = /[\u3040-\u30ff\u3400-\u9fff]/;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const host = node.parentElement;
    if (!host || !japanese.test(node.textContent)) continue;
    if (host.closest('[lang="ja"], [lang^="ja-"], script, style, rt, option')) continue;
    // the Articles table's rows and the article picker list the articles' own titles and
    // sources (Gradio's table cells take no lang attribute)
    if (host.closest('#article-list tbody, #article-list [role="gridcell"], #article-picker'))
      continue;
    const box = host.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(host).visibility === 'hidden') continue;
    found.push(node.textContent.trim().slice(0, 60));
  }
  return found;
}"""


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_english_ui_shows_no_japanese_outside_the_articles_words(page):
    """An English reader's browser: Gradio's own words (its footer, "Loading") follow the
    browser's language, ours follow the language chosen; the articles' words are lang=ja."""
    page.click("#language label:has-text('English')")
    page.wait_for_function(
        "() => document.querySelector('#ask')?.innerText.trim() === 'Ask'", timeout=30_000)
    ask(page, "When did Witkoff and Ushakov talk on the phone?")
    chat_and_sources = page.evaluate(JAPANESE_OUTSIDE_JA_JS)
    shot(page, "english-ui-chat")
    page.click("button[role=tab]:has-text('Articles')")
    page.wait_for_function("() => document.querySelector('#articles table, table') !== null",
                           timeout=30_000)
    articles_tab = page.evaluate(JAPANESE_OUTSIDE_JA_JS)
    shot(page, "english-ui-articles")
    assert chat_and_sources == [], chat_and_sources
    assert articles_tab == [], articles_tab
