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
        seen = 0
        done = False  # the whole body is in: later receives wait for a disconnect, unbounded
        refusal: _Refused | None = None
        answered = False

        async def guarded_receive() -> dict:
            nonlocal seen, done, refusal
            if done:
                return dict(await receive())
            try:
                async with asyncio.timeout(self.read_timeout):
                    message = dict(await receive())
            except TimeoutError:
                refusal = _too_slow(self.read_timeout or 0)
                raise refusal from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                done = not message.get("more_body", False)
                if seen > limit:
                    refusal = _too_large(limit)
                    raise refusal
            else:
                done = True
            return message

        async def guarded_send(message: dict) -> None:
            # A body cut off while streaming may surface in the app as a parse error: whatever
            # the app answers then, the client gets the refusal.
            nonlocal answered
            if refusal is None:
                await send(message)
            elif not answered:
                answered = True
                await _answer(send, refusal)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except _Refused as exc:
            if not answered:
                answered = True
                await _answer(send, exc)


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
