"""Refuses request bodies over the configured size with 413, before they are parsed."""

from __future__ import annotations

import json
import re
from typing import Any

from spice.entrypoints.api.errors import error_body


class _TooLarge(Exception):
    pass


# Dataset uploads take files, under a limit of their own.
UPLOADS = re.compile(r"^/api/v1/databases/[^/]+/datasets/[^/]+/versions$")


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413 before they are read whole."""

    def __init__(self, app: Any, max_bytes: int, max_upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes or max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = bool(UPLOADS.match(scope.get("path", "")))
        limit = self.max_upload_bytes if upload else self.max_bytes
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(send, limit)
            return
        seen = 0
        too_large = False
        refused = False

        async def limited_receive() -> dict:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: dict) -> None:
            # A body cut off while streaming may surface in the app as a parse error: whatever
            # the app answers then, the client gets 413.
            nonlocal refused
            if not too_large:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(send, limit)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not refused:
                refused = True
                await self._refuse(send, limit)

    async def _refuse(self, send: Any, limit: int) -> None:
        body = json.dumps(
            error_body(
                "PAYLOAD_TOO_LARGE",
                f"request body over {limit} bytes",
                {"max_bytes": limit},
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
