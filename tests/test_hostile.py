"""Hostile input and hostile clients: every hole found gets a test here that failed before
its fix, and what held gets a test that keeps it holding."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import SEED_CORPUS, free_port, wait_for_http

# --- chat server ---

CHAT_QUESTION = "ウィトコフ特使と通話したロシア高官は誰ですか？"
CHAT_LOGIN = ("teacher", "s3cret")


@pytest.fixture(scope="module")
def chat_page(seed_assistant):
    """(page, handlers) of a chat app built (not launched) over the seed index."""
    from assistant.ui import build_page

    _app, page, handlers = build_page(seed_assistant)
    return page, handlers


def _chat_answered(chat_page, question: str, state=None):
    from assistant.ui import ChatState

    _page, handlers = chat_page
    return list(handlers.answer(question, state or ChatState(), False, "日本語"))[-1]


def test_a_markdown_export_is_private_to_the_session_that_made_it(chat_page):
    """Two sessions with as many answers each used to share one file name: the second
    overwrote the first's export before it was downloaded."""
    page, _handlers = chat_page
    mine = Path(_chat_answered(chat_page, CHAT_QUESTION)[page.header.export]["value"])
    other = _chat_answered(chat_page, "ブダペスト覚書は何年のものですか？")
    theirs = Path(other[page.header.export]["value"])
    assert mine != theirs
    assert CHAT_QUESTION in mine.read_text(encoding="utf-8")
    assert "ブダペスト" not in mine.read_text(encoding="utf-8")


def test_only_the_citations_of_an_answer_are_markers(chat_page):
    """[99999999999] (or [9] of a 3-citation answer) used to outline the last card."""
    page, handlers = chat_page
    state = _chat_answered(chat_page, CHAT_QUESTION)[page.state]
    count = len(state.latest_answer().citations)
    for target in ("1|0|99999999999", f"1|0|{count + 1}", "1|0|0"):
        assert handlers.show_reference(target, state, False, "日本語") == {}
    assert handlers.show_reference(f"1|0|{count}", state, False, "日本語")


MALFORMED_MARKER_CLICKS = ["", "|", "0|1", "x|0|1", "1|²|1", "1|0|²", "1|-1|1", "1|0|1|2",
                        "1|0|١", "1|5|1", "1|0|1\n", "9" * 10_000, None, 3]
MALFORMED_CARD_CLICKS = ["", "|", "1|a|x|y", "1|witkoff-ushakov-call-leak|²|3",
                       "1|witkoff-ushakov-call-leak|5|2", "1|witkoff-ushakov-call-leak|0|99999999",
                       "1|no-such-article|0|3", "1|witkoff-ushakov-call-leak|-1|3",
                       "1|" + "a" * 100_000 + "|0|3", None, 3]


@pytest.mark.parametrize("target", MALFORMED_MARKER_CLICKS)
def test_a_malformed_marker_click_does_nothing(chat_page, target):
    """`open_citation`/`show_reference` used to call int() on whatever the page sent."""
    page, handlers = chat_page
    state = _chat_answered(chat_page, CHAT_QUESTION)[page.state]
    assert handlers.show_reference(target, state, False, "日本語") == {}


@pytest.mark.parametrize("target", MALFORMED_CARD_CLICKS)
def test_a_malformed_card_click_does_nothing(chat_page, target):
    _page, handlers = chat_page
    assert handlers.open_citation(target, "日本語") == {}


def test_only_loopback_hosts_count_as_this_machine():
    from assistant.ui import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.9.10", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.org"))


def _serve_chat(seed_index_dir: Path, folder: Path, *options: str
           ) -> Iterator[tuple[str, Path]]:
    """A real `assistant serve` listening on every address: (url, its stderr file)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    stderr = folder / "stderr.txt"
    with open(stderr, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--host", "0.0.0.0", "--port",
             str(port), "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir),
             *options], stdout=subprocess.DEVNULL, stderr=log, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(url + "/", proc)
            yield url, stderr
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def open_chat_server(seed_index_dir, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`serve --host 0.0.0.0` without --auth."""
    yield from _serve_chat(seed_index_dir, tmp_path_factory.mktemp("open-serve"))


@pytest.fixture(scope="module")
def guarded_chat_server(seed_index_dir, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`serve --host 0.0.0.0 --auth teacher:s3cret`."""
    yield from _serve_chat(seed_index_dir, tmp_path_factory.mktemp("guarded-serve"),
                      "--auth", ":".join(CHAT_LOGIN))


@contextlib.contextmanager
def _chat_login(url: str) -> Iterator[httpx.Client]:
    """An HTTP client logged in to the guarded chat server."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = {"username": CHAT_LOGIN[0], "password": CHAT_LOGIN[1]}
        reply = client.post("/login", data=login)
        assert reply.status_code == 200, reply.text
        yield client


def test_serving_to_the_network_without_a_login_warns_on_stderr(open_chat_server,
                                                                guarded_chat_server):
    warning = open_chat_server[1].read_text(encoding="utf-8")
    assert "warning: serving on 0.0.0.0 without --auth" in warning
    assert "warning" not in guarded_chat_server[1].read_text(encoding="utf-8")


def test_the_upload_route_takes_no_file(open_chat_server, guarded_chat_server):
    """It stored files of any size in Gradio's cache and served them back, to anyone."""
    files = {"files": ("big.bin", b"x" * 100_000, "application/octet-stream")}
    reply = httpx.post(open_chat_server[0] + "/gradio_api/upload", files=files, timeout=30)
    assert reply.status_code == 403 and "big.bin" not in reply.text
    anonymous = httpx.post(guarded_chat_server[0] + "/gradio_api/upload", files=files, timeout=30)
    assert anonymous.status_code in (401, 403)
    with _chat_login(guarded_chat_server[0]) as client:
        reply = client.post("/gradio_api/upload", files=files)
        assert reply.status_code == 403 and "big.bin" not in reply.text


def test_the_file_route_serves_nothing_outside_gradios_cache(open_chat_server):
    article = SEED_CORPUS / "witkoff-ushakov-call-leak.md"
    for path in ("/etc/passwd", str(article), "../../../../etc/passwd"):
        reply = httpx.get(f"{open_chat_server[0]}/gradio_api/file={path}", timeout=30)
        assert reply.status_code in (403, 404), (path, reply.status_code)
        assert "root:" not in reply.text and "ウシャコフ" not in reply.text


CHAT_API_ROUTES = [("GET", "/config"), ("GET", "/gradio_api/info"),
                  ("GET", "/gradio_api/openapi.json"), ("POST", "/gradio_api/queue/join"),
                  ("GET", "/gradio_api/queue/data"), ("POST", "/gradio_api/call/ask"),
                  ("POST", "/gradio_api/run/ask"), ("POST", "/gradio_api/api/ask"),
                  ("GET", "/gradio_api/file=/etc/passwd"), ("POST", "/gradio_api/upload"),
                  ("POST", "/gradio_api/component_server")]


def test_a_login_guards_every_api_route(guarded_chat_server):
    url = guarded_chat_server[0]
    for method, route in CHAT_API_ROUTES:
        reply = httpx.request(method, url + route, json={"data": [CHAT_QUESTION, None]}, timeout=30)
        assert reply.status_code in (401, 403), (route, reply.status_code)
    with _chat_login(url) as client:
        reply = client.post("/gradio_api/call/ask", json={"data": [CHAT_QUESTION, None]})
        assert reply.status_code == 200 and "event_id" in reply.json()
        assert client.get("/gradio_api/info").status_code == 200


def test_failed_logins_are_throttled_per_client(guarded_chat_server):
    """Wrong passwords were answered as fast as they were sent."""
    url = guarded_chat_server[0]
    guesser = httpx.Client(base_url=url, timeout=30,
                           transport=httpx.HTTPTransport(local_address="127.0.0.3"))
    with guesser:
        for n in range(5):
            guess = {"username": CHAT_LOGIN[0], "password": f"guess{n}"}
            reply = guesser.post("/login", data=guess)
            assert reply.status_code == 400
        right = {"username": CHAT_LOGIN[0], "password": CHAT_LOGIN[1]}
        reply = guesser.post("/login", data=right)
        assert reply.status_code == 429 and int(reply.headers["Retry-After"]) > 0
    with _chat_login(url):  # another client still gets in
        pass


def test_a_throttled_client_may_try_again_after_the_lockout():
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from assistant.http_guard import LoginThrottle

    async def login(request: Request) -> JSONResponse:  # answers like Gradio's /login
        form = await request.form()
        ok = form.get("password") == CHAT_LOGIN[1]
        return JSONResponse({"success": ok}, status_code=200 if ok else 400)

    now = [1000.0]
    app = LoginThrottle(Starlette(routes=[Route("/login", login, methods=["POST"])]),
                        limit=5, window=60, lockout=60, clock=lambda: now[0])
    client = TestClient(app)
    for _ in range(4):
        assert client.post("/login", data={"password": "no"}).status_code == 400
    now[0] += 61  # those four are forgotten after the window
    for _ in range(5):
        assert client.post("/login", data={"password": "no"}).status_code == 400
    assert client.post("/login", data={"password": CHAT_LOGIN[1]}).status_code == 429
    now[0] += 59
    assert client.post("/login", data={"password": CHAT_LOGIN[1]}).status_code == 429
    now[0] += 2
    assert client.post("/login", data={"password": CHAT_LOGIN[1]}).status_code == 200
