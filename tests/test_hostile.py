"""Hostile input, as a probe sent it (one file for the whole hardening list): each test
builds the real files (links, FIFOs, devices, alias bombs, huge articles, undecodable
names, a full disk), runs a real server or the real `assistant` command on them, or
scripts a model server sending bogus citation markers."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.corpus import load_corpus, read_article
from assistant.qa import Assistant, clean_question
from assistant.settings import load_settings

from .conftest import LOGIN, SEED_CORPUS, Served, serving, write_article
from .files import PDF_LINES, make_pdf
from .openai_server import Reply, ScriptedLLM, number_of
from .test_cli import assert_one_line_error, invoke, run
from .test_index import ALPHA, BETA, GAMMA

# --- corpus and CLI ---

SKIPPED_EXIT = 3
SECRET = "---\ntitle: 秘密\n---\n\n金庫の暗証番号は四七一一である。誰にも教えてはいけない。\n"
GOOD_ARTICLE = ("---\nid: kinkaku\n---\n\n"
                "金閣寺は京都市北区にある寺院である。正式名称は鹿苑寺という。\n")


def small_corpus(folder: Path) -> Path:
    for name, text in (("alpha.md", ALPHA), ("beta.md", BETA), ("gamma.md", GAMMA)):
        write_article(folder, name, text)
    return folder


def private_file(folder: Path) -> Path:
    """Like the system's password hashes: outside the corpus, readable by its owner only."""
    secret = write_article(folder, "secret.md", SECRET)
    secret.chmod(0o600)
    return secret


def skipped_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("skipped ")]


def make_device(path: Path) -> bool:
    """A character device like /dev/null (needs root); False when it can't be made."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        return False
    return True


def test_add_refuses_links_fifos_and_devices_and_copies_plain_files(tmp_path):
    incoming = tmp_path / "incoming"
    write_article(incoming, "kinkaku.md", GOOD_ARTICLE)
    (incoming / "shadow.md").symlink_to(private_file(tmp_path / "etc"))
    os.mkfifo(incoming / "pipe.md")
    has_device = make_device(incoming / "null.md")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    direct_link = tmp_path / "given-link.md"
    direct_link.symlink_to(tmp_path / "etc" / "secret.md")

    result = run("add", str(incoming), str(direct_link), "--corpus", str(corpus),
                 "--index", str(index), timeout=120)  # a FIFO opened for reading would hang
    assert result.returncode == SKIPPED_EXIT, result.stderr
    lines = skipped_lines(result.stderr)
    assert any("shadow.md: a link, not a file" in line for line in lines), lines
    assert any("given-link.md: a link, not a file" in line for line in lines), lines
    assert any("pipe.md: not a regular file (a FIFO)" in line for line in lines), lines
    if has_device:
        assert any("null.md: not a regular file (a device)" in line for line in lines), lines
    assert len(lines) == 3 + has_device
    assert [p.name for p in corpus.iterdir()] == ["kinkaku.md"]
    copy = os.lstat(corpus / "kinkaku.md")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_ISREG(copy.st_mode) and stat.S_IMODE(copy.st_mode) == 0o666 & ~umask
    assert "暗証番号" not in (index / "manifest.json").read_text(encoding="utf-8")


def test_index_reads_no_byte_from_outside_the_corpus_and_never_opens_a_fifo(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "shadow.md").symlink_to(private_file(tmp_path / "etc"))
    (corpus / "up.md").symlink_to(Path("..") / "etc" / "secret.md")  # relative, same file
    write_article(corpus / "drafts", "kinkaku.md", GOOD_ARTICLE)
    (corpus / "inside.md").symlink_to(corpus / "drafts" / "kinkaku.md")  # stays inside
    os.mkfifo(corpus / "pipe.md")
    has_device = make_device(corpus / "null.md")

    result = run("index", "--corpus", str(corpus), "--index", str(index), timeout=120)
    assert result.returncode == SKIPPED_EXIT, result.stderr
    lines = skipped_lines(result.stderr)
    for name in ("shadow.md", "up.md"):
        assert f"skipped {corpus / name}: link to a file outside the corpus" in lines, lines
    assert f"skipped {corpus / 'pipe.md'}: not a regular file (a FIFO)" in lines
    assert len(lines) == 3 + has_device, lines
    listed = invoke("list", "--json", "--corpus", str(corpus), "--index", str(index))
    assert {row["id"] for row in json.loads(listed.stdout)} == {"alpha", "beta", "gamma",
                                                                  "kinkaku"}
    indexed = "".join(p.read_text(encoding="utf-8") for p in index.glob("articles/*.json"))
    assert indexed
    assert "暗証番号" not in indexed
    asked = invoke("ask", "金庫の暗証番号は何ですか？", "--json", "--corpus", str(corpus),
                   "--index", str(index))
    assert asked.exit_code == 0 and "四七一一" not in asked.stdout


def billion_laughs(depth: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, depth):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n\n本文です。十分な長さの本文がここにあります。\n"


def test_a_yaml_alias_bomb_or_huge_front_matter_is_skipped_within_a_second(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    write_article(corpus, "lol.md", billion_laughs())
    huge_title = "---\ntitle: " + "あ" * 30_000 + "\n---\n\n本文。十分な長さ。\n"
    write_article(corpus, "big.md", huge_title)
    code = ("import sys, time; from pathlib import Path; from assistant.corpus import "
            "load_corpus; t = time.monotonic(); _, s = load_corpus(Path(sys.argv[1])); "
            "print(time.monotonic() - t); [print(x.path, x.reason) for x in s]")
    try:  # in a child process: before the fix this grew past gigabytes
        result = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True,
                                text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("loading the corpus did not finish in 30 s")
    seconds, *reasons = result.stdout.splitlines()
    assert float(seconds) < 1.0, result.stdout
    for name in ("lol.md", "big.md"):
        assert f"{corpus / name} front matter too large or uses YAML aliases" in reasons


def two_page_pdf() -> bytes:
    one = make_pdf(PDF_LINES, "Two pages")
    return one.replace(b"/Kids [3 0 R] /Count 1", b"/Kids [3 0 R 3 0 R] /Count 2")


def test_articles_over_the_size_limits_are_skipped_with_the_reason(tmp_path):
    from assistant.corpus import ReadLimits

    corpus = small_corpus(tmp_path / "corpus")
    write_article(corpus, "long.md", "A long article. " * 100)  # 1,600 characters
    (corpus / "huge.txt").write_bytes(b"x" * 4_001 + "。".encode())  # over 4 bytes a char
    (corpus / "pages.pdf").write_bytes(two_page_pdf())
    assert len(read_article(corpus / "pages.pdf").body) > 0  # readable under the defaults
    articles, skipped = load_corpus(corpus, ReadLimits(max_article_chars=1_000, max_pdf_pages=1))
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["long.md"].startswith("article too long (1,600 characters; at most 1,000")
    assert reasons["huge.txt"] == "file too large (4,004 bytes; at most 4,000)"
    assert reasons["pages.pdf"].startswith("too many pages (2; at most 1")
    assert {a.id for a in articles} == {"alpha", "beta", "gamma"}

    result = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                 env_extra={"ASSISTANT_MAX_ARTICLE_CHARS": "1000", "ASSISTANT_MAX_PDF_PAGES": "1"})
    assert result.returncode == SKIPPED_EXIT, result.stderr
    assert f"skipped {corpus / 'long.md'}: article too long" in result.stderr


def numbered_articles(corpus: Path, count: int) -> None:
    for i in range(count):
        sentences = "".join(f"記録{i}の第{j}項では、地域{i}の出来事{j}について詳しく述べている。"
                            for j in range(10))
        write_article(corpus, f"log{i:03d}.md", f"---\nid: log{i:03d}\ntitle: 記録{i}\n---\n\n"
                      f"{sentences}\n")


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(0.2)


def test_ask_answers_from_the_current_index_while_a_long_update_runs(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    first = run("ask", "祇園祭はいつ行われますか？", "--corpus", str(corpus), "--index", str(index),
                timeout=600)
    assert first.returncode == 0 and "building the index first" in first.stderr
    manifest = (index / "manifest.json").read_text(encoding="utf-8")

    # ~240 texts to embed: a background update that outlasts the question several times
    numbered_articles(corpus, 20)
    asked = run("ask", "記録7の第3項は何について述べていますか？", "--json",
                "--corpus", str(corpus), "--index", str(index), timeout=600)
    assert asked.returncode == 0, asked.stderr
    assert "an update is running in the background" in asked.stderr
    old = json.loads(asked.stdout)  # answered from the revision before the update
    assert all(c["article_id"] in ("alpha", "beta", "gamma") for c in old["citations"])

    wait_until(lambda: (index / "manifest.json").read_text(encoding="utf-8") != manifest,
               1200, "the background update")
    assistant = Assistant(load_settings(corpus_dir=corpus, index_dir=index))
    wait_until(lambda: not assistant.index.is_being_written(), 60, "the writer's exit")
    new = assistant.ask("記録7の第3項は何について述べていますか？")
    assert any(c.article_id == "log007" for c in new.citations)
    assert assistant.ensure_index(progress=False) is None  # nothing left to do


def test_a_long_question_is_searched_by_its_start_and_shown_whole(seed_assistant):
    question = "ウィトコフ特使と通話したロシア高官は誰ですか？" + "和平案について詳しく。" * 170
    answer = seed_assistant.ask(question[:2000])
    assert answer.question == question[:2000]
    assert len(answer.query) <= 300 and question.startswith(answer.query)


def test_nul_and_control_characters_are_dropped_not_made_spaces():
    assert clean_question("特使と\x00通話\x07した\n高官", 2000) == "特使と通話した 高官"


def test_random_bytes_on_stdin_get_a_plain_decline(seed_index_dir):
    noise = bytes((i * 197 + 89) % 256 for i in range(1_500))  # fixed, every byte value
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "-", "--json", "--corpus", str(SEED_CORPUS),
         "--index", str(seed_index_dir)], input=noise, capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["abstained"] is True and data["citations"] == []


def test_a_file_name_that_is_not_utf8_is_read_and_reported_readably(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / os.fsdecode(b"caf\xe9.md")).write_text(GOOD_ARTICLE.replace("id: kinkaku\n", ""),
                                                     encoding="utf-8")
    (corpus / os.fsdecode(b"vide\xff.md")).write_bytes(b"")
    result = run("index", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == SKIPPED_EXIT, result.stderr
    assert skipped_lines(result.stderr) == [f"skipped {corpus}/vide\\xff.md: empty file"]
    assert "4 added" in result.stdout
    listed = json.loads(run("list", "--json", "--corpus", str(corpus), "--index", str(index)
                            ).stdout)
    assert "caf\\xe9" in {row["id"] for row in listed}


def damaged_pdf() -> bytes:
    whole = make_pdf(PDF_LINES, "Damaged")
    return whole[: len(whole) // 2]


def test_a_damaged_pdf_is_one_skipped_line(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "damaged.pdf").write_bytes(damaged_pdf())
    result = invoke("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == SKIPPED_EXIT
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith("embedding")]
    assert lines == [f"skipped {corpus / 'damaged.pdf'}: not a readable PDF "
                     "(PdfStreamError; pypdf: EOF marker not found)"], result.stderr


@contextlib.contextmanager
def tiny_disk(folder: Path, megabytes: int):
    """A real small file system (tmpfs) mounted at `folder`; skips the test where this
    process may not mount one (not root)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                              str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Use up every free byte of the file system holding `folder`."""
    with open(folder / "filler", "wb", buffering=0) as out:  # nothing left to flush at close
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65_536)
                out.flush()
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0")
                out.flush()


def test_a_full_disk_is_reported_as_such_and_leaves_the_index_answering(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    with tiny_disk(tmp_path / "disk", 48) as disk:
        index = disk / "index"
        built = run("index", "--corpus", str(corpus), "--index", str(index), timeout=600)
        assert built.returncode == 0, built.stderr
        manifest = (index / "manifest.json").read_text(encoding="utf-8")
        numbered_articles(corpus, 5)
        fill(disk)
        result = run("index", "--corpus", str(corpus), "--index", str(index), timeout=600)
        assert_one_line_error(result)
        assert "error: the disk is full (" in result.stderr
        assert (index / "manifest.json").read_text(encoding="utf-8") == manifest
        asked = run("ask", "祇園祭はいつ行われますか？", "--corpus", str(corpus),
                    "--index", str(index), timeout=600)
        # the corpus changed, so an update was started in the background (and will fail); the
        # store can't even open to answer: that is a full disk, not an index to rebuild
        assert asked.returncode == 1 and "Traceback" not in asked.stderr
        assert asked.stderr.splitlines()[-1].startswith("error: the disk is full ("), asked.stderr
        (disk / "filler").unlink()
        answer = Assistant(load_settings(corpus_dir=corpus, index_dir=index)).ask(
            "祇園祭はいつ行われますか？")  # space again: the previous index answers
        assert answer.citations and answer.citations[0].article_id == "beta"


# --- model citation markers ---


def test_a_model_writing_bogus_markers_gets_them_removed_and_counted(seed_index_dir):
    """Negative, huge (beyond int's digit limit), zero, full-width, bracketed-list markers
    through `assistant ask --json`: only valid passage numbers survive, renumbered."""
    llm = ScriptedLLM()
    try:
        llm.answer = lambda r: Reply(
            f"Witkoff spoke with Ushakov [{number_of(r, 'ウシャコフ')}][-1][99999999999]"
            f"[{'9' * 5000}]. The call was leaked ［０］【{number_of(r, 'ウシャコフ')}】 [sic].")
        result = run("ask", "Who did Witkoff speak with?", "--json", "--corpus",
                     str(SEED_CORPUS), "--index", str(seed_index_dir), "--llm-url", llm.url,
                     "--llm-model", "scripted")
    finally:
        llm.close()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "llm"
    markers = re.findall(r"[\[［【]([^\]］】]*)[\]］】]", data["answer"])
    assert markers and set(markers) <= {str(c["n"]) for c in data["citations"]} | {"sic"}
    assert "99999" not in data["answer"] and "-1" not in data["answer"]
    assert "Removed 4 citation marker" in data["notice"]


# --- chat server ---

CHAT_QUESTION = "ウィトコフ特使と通話したロシア高官は誰ですか？"
CHAT_LOGIN = LOGIN


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


@pytest.fixture(scope="module")
def open_chat_server(seed_index_dir: Path,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`serve --host 0.0.0.0` without a login (its login-guarded twin is conftest's
    `guarded_server`)."""
    with serving(seed_index_dir, tmp_path_factory.mktemp("open-serve"),
                 "--host", "0.0.0.0") as served:
        yield served


@contextlib.contextmanager
def _chat_login(url: str) -> Iterator[httpx.Client]:
    """An HTTP client logged in to the guarded chat server."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = {"username": CHAT_LOGIN[0], "password": CHAT_LOGIN[1]}
        reply = client.post("/login", data=login)
        assert reply.status_code == 200, reply.text
        yield client


def test_serving_to_the_network_without_a_login_warns_on_stderr(open_chat_server,
                                                                guarded_server):
    warning = open_chat_server.stderr.read_text(encoding="utf-8")
    assert "warning: serving on 0.0.0.0 without --auth" in warning
    assert "warning" not in guarded_server.stderr.read_text(encoding="utf-8")


def test_the_upload_route_takes_no_file(open_chat_server, guarded_server):
    """It stored files of any size in Gradio's cache and served them back, to anyone."""
    files = {"files": ("big.bin", b"x" * 100_000, "application/octet-stream")}
    reply = httpx.post(open_chat_server.url + "/gradio_api/upload", files=files, timeout=30)
    assert reply.status_code == 403 and "big.bin" not in reply.text
    anonymous = httpx.post(guarded_server.url + "/gradio_api/upload", files=files, timeout=30)
    assert anonymous.status_code in (401, 403)
    with _chat_login(guarded_server.url) as client:
        reply = client.post("/gradio_api/upload", files=files)
        assert reply.status_code == 403 and "big.bin" not in reply.text


def test_the_file_route_serves_nothing_outside_gradios_cache(open_chat_server):
    article = SEED_CORPUS / "witkoff-ushakov-call-leak.md"
    for path in ("/etc/passwd", str(article), "../../../../etc/passwd"):
        reply = httpx.get(f"{open_chat_server.url}/gradio_api/file={path}", timeout=30)
        assert reply.status_code in (403, 404), (path, reply.status_code)
        assert "root:" not in reply.text and "ウシャコフ" not in reply.text


CHAT_API_ROUTES = [("GET", "/config"), ("GET", "/gradio_api/info"),
                  ("GET", "/gradio_api/openapi.json"), ("POST", "/gradio_api/queue/join"),
                  ("GET", "/gradio_api/queue/data"), ("POST", "/gradio_api/call/ask"),
                  ("POST", "/gradio_api/run/ask"), ("POST", "/gradio_api/api/ask"),
                  ("GET", "/gradio_api/file=/etc/passwd"), ("POST", "/gradio_api/upload"),
                  ("POST", "/gradio_api/component_server")]


def test_a_login_guards_every_api_route(guarded_server):
    url = guarded_server.url
    for method, route in CHAT_API_ROUTES:
        reply = httpx.request(method, url + route, json={"data": [CHAT_QUESTION, None]}, timeout=30)
        assert reply.status_code in (401, 403), (route, reply.status_code)
    with _chat_login(url) as client:
        reply = client.post("/gradio_api/call/ask", json={"data": [CHAT_QUESTION, None]})
        assert reply.status_code == 200 and "event_id" in reply.json()
        assert client.get("/gradio_api/info").status_code == 200


def test_failed_logins_are_throttled_per_client(guarded_server):
    """Wrong passwords were answered as fast as they were sent."""
    url = guarded_server.url
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
