"""Shared fixtures: the real bundled embedder, real Chroma, real article files.

The seed corpus is indexed once per test session into a temporary folder; tests that
change or damage an index work on their own copy of it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session")
def server(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `assistant serve` on the seed corpus, on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - open for the server's life
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port),
         "--corpus", str(SEED_CORPUS), "--index", str(seed_index_dir)],
        stdout=log, stderr=subprocess.STDOUT, text=True, env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: accepts_connections(port), 90, "serve to listen", process=proc,
                   interval=0.2)
    except pytest.fail.Exception as failure:
        proc.kill()
        log.close()
        pytest.fail(f"{failure.msg}; serve log:\n{log_path.read_text(encoding='utf-8')}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


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


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


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
