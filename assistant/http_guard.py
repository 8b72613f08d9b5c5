"""Guards in front of the chat server's HTTP routes, as plain ASGI middleware (so Gradio's
streamed responses pass through untouched). `ui.serve` installs them; each instance keeps
its own counters, nothing process-wide.

- `RefuseUploads`: the chat has no upload feature, yet Gradio always mounts
  POST /gradio_api/upload, which stores files of any size in its cache and serves them
  back; without --auth, anyone who reaches the port could fill the disk. Refused (403).
- `LoginThrottle`: Gradio's POST /login answers wrong passwords as fast as it is asked.
  After `limit` failed logins within `window` seconds, that client (by address) gets 429
  for `lockout` seconds, whatever it sends.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATH = "/gradio_api/upload"
LOGIN_PATH = "/login"


def _route(scope: Scope) -> str:
    path: str = scope.get("path", "")
    return path.rstrip("/") or "/"


class RefuseUploads:
    """403 for Gradio's upload route: nothing in this app takes a file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _route(scope) == UPLOAD_PATH:
            response = PlainTextResponse("this chat accepts no file uploads", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class LoginThrottle:
    """Too many failed logins from one client in a short time: 429 for a while.

    An attempt counts as failed from the moment it arrives until it succeeds, so a burst
    of parallel guesses is counted too, not only the ones that have been answered."""

    def __init__(self, app: ASGIApp, limit: int = 5, window: float = 60.0,
                 lockout: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.limit, self.window, self.lockout, self.clock = limit, window, lockout, clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _route(scope) != LOGIN_PATH:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        host = str(client[0]) if client else "unknown"
        wait = self._wait(host)
        if wait > 0:
            response = PlainTextResponse(
                f"too many failed logins; try again in {wait} s", status_code=429,
                headers={"Retry-After": str(wait)})
            await response(scope, receive, send)
            return
        self._failures.setdefault(host, deque()).append(self.clock())
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if 200 <= status < 300:
            self._failures.pop(host, None)

    def _wait(self, host: str) -> int:
        """Seconds this client must wait before its next login attempt (0: none)."""
        now = self.clock()
        if len(self._failures) > 10_000:  # many clients: forget the ones long quiet
            self._forget_quiet(now)
        failures = self._failures.get(host)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if failures is not None and len(failures) >= self.limit:
            self._locked_until[host] = now + self.lockout
            del self._failures[host]
        until = self._locked_until.get(host, 0.0)
        if until <= now:
            self._locked_until.pop(host, None)
            return 0
        return max(1, math.ceil(until - now))

    def _forget_quiet(self, now: float) -> None:
        for host in [h for h, f in self._failures.items() if not f or f[-1] <= now - self.window]:
            del self._failures[host]
        for host in [h for h, until in self._locked_until.items() if until <= now]:
            del self._locked_until[host]
