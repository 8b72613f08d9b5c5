"""The index on a real Chroma server (`chroma run` from the chromadb package)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import free_port
from .test_cli import assert_one_line_error, run
from .test_ingest import small_corpus


class ChromaServer:
    """`chroma run` on a free loopback port with its data in a folder; restartable."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        found = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which(
            "chroma")
        if found is None:
            pytest.skip("the `chroma` command of the chromadb package is not installed")
        self.command = [found, "run", "--path", str(data), "--host", "127.0.0.1",
                        "--port", str(self.port)]

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1):
                    return
            except OSError:
                assert self.process.poll() is None, "chroma run exited"
                time.sleep(0.2)
        raise AssertionError("chroma run did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def chroma_server(tmp_path):
    server = ChromaServer(tmp_path / "chroma-data")
    server.start()
    yield server
    server.stop()


def ask_json(question: str, *options: str) -> dict:
    result = run("ask", question, "--json", *options)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    data.pop("timings", None)
    return data


def test_index_and_answer_through_a_chroma_server_that_restarts(tmp_path, chroma_server):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    options = ("--corpus", str(corpus), "--index", str(index), "--chroma-url", chroma_server.url)
    built = run("index", *options)
    assert built.returncode == 0, built.stderr
    assert not (index / "chroma").exists()  # nothing in the embedded store
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["store"] == chroma_server.url

    answer = ask_json("祇園祭はいつ行われますか？", *options)
    assert answer["citations"][0]["quote"] == "祇園祭は京都で七月に行われる。"

    chroma_server.stop()
    down = run("ask", "祇園祭はいつ行われますか？", *options)
    assert_one_line_error(down)
    assert "cannot reach the Chroma server" in down.stderr

    chroma_server.start()
    assert ask_json("祇園祭はいつ行われますか？", *options) == answer
    listed = run("list", "--json", *options)
    assert {row["id"] for row in json.loads(listed.stdout)} == {"alpha", "beta", "gamma"}

    (corpus / "gamma.md").unlink()  # incremental update on the server, old revision dropped
    assert run("index", *options).returncode == 0
    assert {row["id"] for row in json.loads(run("list", "--json", *options).stdout)} == {
        "alpha", "beta"}

    embedded = run("ask", "祇園祭はいつ行われますか？", "--corpus", str(corpus),
                   "--index", str(index))  # same index folder, without the server
    assert_one_line_error(embedded)
    assert "Chroma server" in embedded.stderr and "--chroma-url" in embedded.stderr


def test_a_bad_chroma_url_is_one_clear_line(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    result = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                 "--chroma-url", "localhost:8000")
    assert_one_line_error(result)
    assert "http://HOST:PORT" in result.stderr
