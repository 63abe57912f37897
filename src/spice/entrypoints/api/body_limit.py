"""Guards request bodies before they are parsed: one over the configured size is refused
with 413, one that stops arriving with 408 and its connection closed."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from spice.entrypoints.api.errors import error_body


class _Refused(Exception):
    """The body broke a limit; the client gets `status` and `body` instead of the app's answer."""

    def __init__(self, status: int, body: dict[str, Any], close: bool = False) -> None:
        super().__init__(body["message"])
        self.status, self.body, self.close = status, body, close


# Dataset uploads take files, under a limit of their own.
UPLOADS = re.compile(r"^/api/v1/databases/[^/]+/datasets/[^/]+/versions$")


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413 before they are read whole, and bodies whose
    next part takes longer than `read_timeout` seconds with 408 (a client that declares
    100 bytes and sends 8 would otherwise hold its connection, and a file descriptor, for
    as long as it likes)."""

    def __init__(
        self,
        app: Any,
        max_bytes: int,
        max_upload_bytes: int | None = None,
        read_timeout: float | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes or max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = bool(UPLOADS.match(scope.get("path", "")))
        limit = self.max_upload_bytes if upload else self.max_bytes
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _answer(send, _too_large(limit))
            return
        guarded = _GuardedBody(receive, send, limit, self.read_timeout)
        try:
            await self.app(scope, guarded.receive, guarded.send)
        except _Refused as exc:
            await guarded.refuse(exc)


class _GuardedBody:
    """One request's body, received within its limit and its read timeout; once the body
    is refused, the client gets the refusal in place of the app's answer."""

    def __init__(self, receive: Any, send: Any, limit: int, read_timeout: float | None) -> None:
        self._receive, self._send = receive, send
        self.limit, self.read_timeout = limit, read_timeout
        self.seen = 0
        self.done = False  # the whole body is in: later receives wait for a disconnect, unbounded
        self.refusal: _Refused | None = None
        self.answered = False

    async def receive(self) -> dict:
        if self.done:
            return dict(await self._receive())
        try:
            async with asyncio.timeout(self.read_timeout):
                message = dict(await self._receive())
        except TimeoutError:
            self.refusal = _too_slow(self.read_timeout or 0)
            raise self.refusal from None
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            self.done = not message.get("more_body", False)
            if self.seen > self.limit:
                self.refusal = _too_large(self.limit)
                raise self.refusal
        else:
            self.done = True
        return message

    async def send(self, message: dict) -> None:
        # A body cut off while streaming may surface in the app as a parse error: whatever
        # the app answers then, the client gets the refusal.
        if self.refusal is None:
            await self._send(message)
        else:
            await self.refuse(self.refusal)

    async def refuse(self, refusal: _Refused) -> None:
        """Answer `refusal`, once."""
        if not self.answered:
            self.answered = True
            await _answer(self._send, refusal)


def _too_large(limit: int) -> _Refused:
    body = error_body("PAYLOAD_TOO_LARGE", f"request body over {limit} bytes", {"max_bytes": limit})
    return _Refused(413, body)


def _too_slow(seconds: float) -> _Refused:
    body = error_body(
        "REQUEST_TIMEOUT",
        f"the request body did not arrive: nothing more of it in {seconds:g} s",
        {"read_timeout_seconds": seconds},
    )
    # The rest of the body may still come; the connection cannot carry another request.
    return _Refused(408, body, close=True)


async def _answer(send: Any, refusal: _Refused) -> None:
    body = json.dumps(refusal.body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if refusal.close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
