"""`assistant serve --mcp`: a real MCP client session (the `mcp` package, streamable HTTP)
against a real `serve --mcp` process over the seed corpus; and the clear refusals."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.qa import Assistant

from .conftest import SEED_CORPUS, serving
from .test_cli import assert_one_line_error, invoke

pytest.importorskip("mcp", reason="the MCP extra (pip install 'assistant[mcp]') is not installed")

USHAKOV = "ウシャコフって誰？"


@pytest.fixture(scope="module")
def mcp_url(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `assistant serve --mcp` on a free loopback port; its MCP endpoint's URL."""
    with serving(seed_index_dir, tmp_path_factory.mktemp("serve-mcp"), "--mcp",
                 ready_path="/gradio_api/mcp/") as served:
        yield served.url + "/gradio_api/mcp/"


async def _session_calls(url: str, question: str) -> tuple[list[object], object]:
    """(the listed tools, the result of calling `ask`) in one MCP client session."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(url) as (read, write, _), \
            ClientSession(read, write) as session:
        await session.initialize()
        tools = (await session.list_tools()).tools
        result = await session.call_tool("ask", {"question": question})
    return list(tools), result


def test_an_mcp_client_lists_the_ask_tool_and_gets_verbatim_citations(
        mcp_url: str, seed_assistant: Assistant) -> None:
    tools, result = asyncio.run(_session_calls(mcp_url, USHAKOV))
    by_name = {tool.name: tool for tool in tools}  # type: ignore[attr-defined]
    assert list(by_name) == ["ask"]  # the dict-returning API endpoints are no tools
    ask = by_name["ask"]
    assert "citation" in ask.description and "verbatim" in ask.description
    assert ask.inputSchema["required"] == ["question"]
    assert "history" in ask.inputSchema["properties"]

    assert not result.isError, result  # type: ignore[attr-defined]
    text = result.content[0].text  # type: ignore[attr-defined]
    data = json.loads(text)
    # the very text of `assistant ask --json`, not Gradio's Python repr of a dict
    assert text == json.dumps(seed_assistant.ask(USHAKOV).to_dict(), ensure_ascii=False,
                              indent=2)
    assert list(data) == ["question", "query", "answer", "abstained", "citations", "mode",
                          "notice", "sentences", "short_answer", "intent"]
    assert data["abstained"] is False and data["citations"]
    first = data["citations"][0]
    assert "ウシャコフ" in first["quote"]
    bodies = [path.read_text(encoding="utf-8") for path in SEED_CORPUS.rglob("*")
              if path.is_file()]
    assert any(first["quote"] in body for body in bodies), first["quote"]


def test_a_bad_question_over_mcp_is_an_error_result_not_a_crash(mcp_url: str) -> None:
    _tools, result = asyncio.run(_session_calls(mcp_url, "   "))
    assert result.isError  # type: ignore[attr-defined]
    assert "empty" in result.content[0].text  # type: ignore[attr-defined]


def test_without_the_mcp_extra_serve_mcp_is_one_line_with_the_install_hint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)  # what `import mcp` sees when not installed
    result = invoke("serve", "--mcp", "--port", "1")
    assert_one_line_error(result)
    assert "pip install 'assistant[mcp]'" in result.stderr


def test_mcp_with_auth_is_refused_in_one_line() -> None:
    result = invoke("serve", "--mcp", "--auth", "teacher:s3cret", "--port", "1")
    assert_one_line_error(result)
    assert "--auth" in result.stderr
