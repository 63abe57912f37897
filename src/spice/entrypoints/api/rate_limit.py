"""Refuses requests over the client's rate with 429 and `Retry-After`; every answer carries
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.

A client is its `rate_limit_key_header` value when that header is set, else the signed-in
user (wherever they call from), else its address. The header is only as trustworthy as
whoever sets it: use it behind a gateway that authenticates clients and sets it, since a
client choosing its own key is never limited. The local administrator of a loopback server
(a request without credentials there: whoever uses this machine) is not limited, nor are
health checks and the API's own documentation. It runs after the caller is identified
(`access.AccessMiddleware`, which keeps the identity in the request's state). When the
limiter's store cannot be reached, requests are let in (and the failure logged): an outage
of Redis must not become an outage of the API.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from starlette.concurrency import run_in_threadpool

from spice.application.ports.rate_limit import RateDecision, RateLimiter
from spice.domain.errors import Unavailable
from spice.entrypoints.api.errors import error_body

log = logging.getLogger(__name__)
EXEMPT = (
    "/health",
    "/api/v1/health",
    "/ready",
    "/api/v1/ready",
    "/docs",
    "/redoc",
    "/openapi.json",
)


class RateLimitMiddleware:
    """Answers 429 with Retry-After for a client over its rate, before reading the body."""

    def __init__(self, app: Any, key_header: str = "") -> None:
        self.app = app
        self.key_header = key_header.lower().encode()

    def _client(self, scope: dict) -> str | None:
        """The client's key; None for one that is not limited."""
        if self.key_header:
            for name, value in scope.get("headers") or []:
                if name == self.key_header and value:
                    return "key:" + value.decode("latin-1")
        identity = scope.get("state", {}).get("identity")
        method = getattr(identity, "method", "none")
        if method == "local":
            return None
        if method != "none":
            return "user:" + str(identity.username)
        client = scope.get("client")
        return "addr:" + (client[0] if client else "unknown")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        container = getattr(scope["app"].state, "container", None) if "app" in scope else None
        limiter: RateLimiter | None = getattr(container, "rate_limiter", None)
        key = self._client(scope) if scope["type"] == "http" else None
        if key is None or limiter is None or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        try:
            decision = await run_in_threadpool(limiter.hit, key)
        except Unavailable as exc:
            log.warning("rate limiter unavailable, request let in: %s", exc.message)
            await self.app(scope, receive, send)
            return
        headers = _headers(decision)
        if not decision.allowed:
            await _refuse(send, decision, headers, limiter)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _headers(decision: RateDecision) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(decision.limit).encode()),
        (b"ratelimit-remaining", str(decision.remaining).encode()),
        (b"ratelimit-reset", str(math.ceil(decision.reset_after)).encode()),
    ]


async def _refuse(
    send: Any, decision: RateDecision, headers: list[tuple[bytes, bytes]], limiter: RateLimiter
) -> None:
    limit = limiter.limit
    wait = math.ceil(decision.retry_after)
    body = json.dumps(
        error_body(
            "RATE_LIMITED",
            f"too many requests: {limit.burst} at once, then {limit.rate:g} per second; "
            f"retry in {wait}s",
            {"retry_after_seconds": round(decision.retry_after, 3), "limit": limit.burst},
        )
    ).encode()
    start = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(max(1, wait)).encode()),
            *headers,
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})
