"""Request ids and the access log.

Each request gets an id: its `X-Request-ID` when it is a plain token of up to 200
characters, else a new one. The id is bound for every log line written while the request
is served (and is the correlation id of the commands it issues), is answered in the
`X-Request-ID` header, and ends the request's one access line on the `spice.access`
logger: method, path, route, status, milliseconds, address, user.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spice.application.context import bound

access = logging.getLogger("spice.access")
SANE_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,200}")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent = Headers(scope=scope).get("x-request-id", "")
        request_id = sent if SANE_ID.fullmatch(sent) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started, status = time.perf_counter(), 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        with bound(request_id=request_id, correlation_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if access.isEnabledFor(logging.INFO):
                    _log(scope, state, status, time.perf_counter() - started)


def _log(scope: Scope, state: dict, status: int, seconds: float) -> None:
    method = scope.get("method", "WS")
    identity = state.get("identity")
    client = scope.get("client")
    fields = {
        "method": method,
        "path": scope.get("path", ""),
        "route": getattr(scope.get("route"), "path", None),
        "status": status or (101 if scope["type"] == "websocket" else 500),
        "duration_ms": round(seconds * 1000, 2),
        "client": client[0] if client else None,
        "user": getattr(identity, "username", None),
        "request_id": state.get("request_id"),
    }
    access.info(
        "%s %s %s %.1fms %s %s",
        method,
        fields["path"],
        fields["status"],
        fields["duration_ms"],
        fields["client"] or "-",
        fields["user"] or "-",
        extra=fields,
    )
