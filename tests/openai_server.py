"""A real HTTP server on a free loopback port that speaks OpenAI's chat-completions
protocol (streaming and not) and replies from a script: the test's boundary fake of a
model server. It parses the passages out of the prompt the way a model would read them."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.S)


@dataclass
class Reply:
    text: str = ""
    first_token_delay: float = 0.0
    status: int = 200
    garbage: bool = False


def passages_of(request: dict[str, Any]) -> dict[int, str]:
    """Passage number -> text, as given in the last user message."""
    content = request["messages"][-1]["content"]
    return {int(n): text for n, text in _PASSAGE.findall(content)}


def quotes_of(request: dict[str, Any]) -> dict[int, str]:
    """Quote number -> Japanese text, as given in a translation request."""
    content = request["messages"][-1]["content"]
    return {int(n): text for n, text in re.findall(r"^\[(\d+)\] (.*)$", content, re.M)}


def number_of(request: dict[str, Any], phrase: str) -> int:
    """The number of the first passage containing `phrase` (what a good model cites)."""
    return next(n for n, text in sorted(passages_of(request).items()) if phrase in text)


class ScriptedLLM:
    def __init__(self) -> None:
        self.answer: Callable[[dict[str, Any]], Reply] = lambda request: Reply("")
        self.rewrite: Callable[[dict[str, Any]], Reply] = lambda request: Reply("")
        self.translate: Callable[[dict[str, Any]], Reply] = lambda request: Reply("")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                server.requests.append(request)
                server.headers.append(dict(self.headers))
                system = request["messages"][0]["content"]
                script = (server.rewrite if system.startswith("Rewrite")
                          else server.translate if system.startswith("Translate")
                          else server.answer)
                reply = script(request)
                time.sleep(reply.first_token_delay)
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "scripted failure",
                                                        "type": "server_error"}})
                elif reply.garbage:
                    self._raw(200, "text/plain", b"<html>this is not an API</html>")
                elif request.get("stream"):
                    self._stream(request, reply.text)
                else:
                    self._json(200, completion(request, reply.text))

            def _json(self, status: int, data: dict[str, Any]) -> None:
                self._raw(status, "application/json", json.dumps(data).encode())

            def _raw(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, request: dict[str, Any], text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i : i + 7] for i in range(0, len(text), 7)] or [""]
                for i, piece in enumerate(pieces):
                    delta = {"content": piece, **({"role": "assistant"} if i == 0 else {})}
                    self._event(chunk(request, delta, None))
                self._event(chunk(request, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def chunk(request: dict[str, Any], delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
            "model": request.get("model", "scripted"),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def completion(request: dict[str, Any], text: str) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0,
            "model": request.get("model", "scripted"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
