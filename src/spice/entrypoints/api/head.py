"""HEAD answered as GET without the body (RFC 9110 9.3.2), for every GET route at once:
the framework's routes answer only the methods they name."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """A HEAD request runs as GET (the same access rule, the same headers, Content-Length
    included) and its answer is sent without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # A copy: the server keeps its own scope as HEAD, and so sends no body either.
        as_get = {**scope, "method": "GET"}

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(as_get, receive, headers_only)
        finally:
            # The route found below names the request in the log and the metrics outside.
            if "route" in as_get:
                scope["route"] = as_get["route"]
