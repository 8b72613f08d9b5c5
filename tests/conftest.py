"""Shared fixtures: the real bundled embedder, real Chroma, real article files.

The seed corpus is indexed once per test session into a temporary folder; tests that
change or damage an index work on their own copy of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.qa import Assistant
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come only from what each test passes."""
    import os

    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed-index")
    assistant = Assistant(load_settings(corpus_dir=SEED_CORPUS, index_dir=index_dir))
    assistant.update_index(progress=False)
    return index_dir


@pytest.fixture(scope="session")
def seed_assistant(seed_index_dir: Path) -> Assistant:
    return Assistant(load_settings(corpus_dir=SEED_CORPUS, index_dir=seed_index_dir))


@pytest.fixture
def seed_index_copy(seed_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index, free to change or damage."""
    target = tmp_path / "index"
    shutil.copytree(seed_index_dir, target)
    return target


def write_article(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Served:
    """A running `assistant serve`: where it answers and where its output goes."""

    url: str  # http://127.0.0.1:PORT (no trailing slash)
    stdout: Path
    stderr: Path


@contextlib.contextmanager
def serving(index_dir: Path, folder: Path, *options: str, corpus: Path = SEED_CORPUS,
            env_extra: Mapping[str, str] | None = None, ready_path: str = "/",
            seconds: float = 120) -> Iterator[Served]:
    """A real `assistant serve` process on a free port, ready once `ready_path` answers
    over HTTP; stopped (and, should the test fail, its output printed) on leaving.

    The one way tests start the chat server, whatever its flags (`--mcp`, `--host`,
    `--auth`): waiting for an HTTP answer, not a bare connection, means the app is mounted
    before the first request."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    env.update(env_extra or {})
    served = Served(f"http://127.0.0.1:{port}", folder / "serve.out", folder / "serve.err")
    with open(served.stdout, "w", encoding="utf-8") as out, \
            open(served.stderr, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--corpus",
             str(corpus), "--index", str(index_dir), *options],
            stdout=out, stderr=err, text=True, env=env)
        try:
            wait_for_http(served.url + ready_path, proc, seconds)
            yield served
        except BaseException:
            for path in (served.stdout, served.stderr):
                print(f"--- {path.name}:\n{path.read_text(encoding='utf-8')}")
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def server(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `assistant serve` on the seed corpus, on a free loopback port; its URL."""
    with serving(seed_index_dir, tmp_path_factory.mktemp("serve")) as served:
        yield served.url + "/"


# --- the browser tests' site (test_browser.py, test_study_browser.py) ---

XSS_ARTICLE = """---
id: markup-demo
title: <script>alert(1)</script>の記事
---

この記事の本文には<script>alert(1)</script>という文字列がそのまま含まれている。
ブラウザはこれを実行せず、文字として表示しなければならない。
研究開発(R&D)の予算は3 < 5の関係で、記事の文字はそのままコピーできなければならない。
脚注番号[99999999999]は記事の文字であり、出典の印ではない。
"""
LONG_ARTICLE = ("---\nid: long-demo\ntitle: " + "長い見出しの図書館だより" * 25 + "\n---\n\n"
                "図書館だよりには次の二十の項目が挙げられている。\n"
                + "".join(f"- 図書館の項目{i}は本の貸し出しについての説明である。\n"
                          for i in range(1, 21))
                + "図書館の貸し出し番号は" + "0123456789ABCDEF" * 20 + "である。\n")
EXAMPLES = """# Example questions shown on an empty chat (edit freely).
ja:
  - ウィトコフ特使と通話したロシア高官は誰ですか？
  - ブダペスト覚書は何年のものですか？
en:
  - Which missiles did the US stop supplying to Ukraine?
"""



@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`assistant serve` over the seed articles and three made for the browser tests (markup,
    a long title and list, example questions), indexed at its start; its URL. One for the
    session: both browser test modules use it."""
    folder = tmp_path_factory.mktemp("browser")
    corpus = folder / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "markup-demo.md").write_text(XSS_ARTICLE, encoding="utf-8")
    (corpus / "examples.yaml").write_text(EXAMPLES, encoding="utf-8")
    (corpus / "long-demo.md").write_text(LONG_ARTICLE, encoding="utf-8")
    with serving(folder / "index", folder, corpus=corpus, seconds=300) as served:
        yield served.url + "/"


LOGIN = ("teacher", "s3cret")


@pytest.fixture(scope="session")
def guarded_server(seed_index_dir: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`serve --host 0.0.0.0` behind a login, given as ASSISTANT_AUTH (the login tests of
    test_hostile.py and test_ui.py share it: one server start instead of two)."""
    with serving(seed_index_dir, tmp_path_factory.mktemp("guarded-serve"), "--host", "0.0.0.0",
                 env_extra={"ASSISTANT_AUTH": ":".join(LOGIN)}) as served:
        yield served


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Until `url` answers (any HTTP status); fails if the process exits first."""
    import urllib.error
    import urllib.request

    def answers() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answers, if only to say no
        except OSError:
            return False

    wait_until(answers, seconds, f"{url} to answer", process=process, interval=0.2)


def wait_until(condition: Callable[[], object], seconds: float, what: str, *,
               process: subprocess.Popen | None = None, interval: float = 0.05) -> None:
    """Poll `condition` until it holds; fail naming `what` after `seconds`, or as soon as
    `process` (the one expected to bring the condition about) has exited.

    The only way tests wait: a fixed sleep is either too short on a busy machine (a flaky
    test) or longer than needed (a slow one)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"waiting for {what}: the process exited with status "
                        f"{process.returncode}")
        if time.monotonic() >= deadline:
            pytest.fail(f"waiting for {what}: not within {seconds:g} s")
        time.sleep(interval)
