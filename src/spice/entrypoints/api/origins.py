"""Which hosts and web pages may reach the API.

`Host` must name the server (`Settings.trusted_hosts`): a web page that points a name it
controls at 127.0.0.1 (DNS rebinding) reaches a loopback server only under that name, and is
refused here. A browser's `Origin` on a write or a WebSocket must be the server's own origin
or an allowed one (`Settings.trusted_origins`): a page elsewhere cannot post a form or open a
socket as the user of this browser (on loopback: as the local administrator). Clients that
are not browsers send no `Origin` and are not affected.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from spice.entrypoints.api.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Close code of a WebSocket refused for its Origin or Host (before it was accepted, which
# servers send as 403 on the handshake).
POLICY_VIOLATION = 1008


def host_name(host: str) -> str:
    """The name of a `Host` header without its port: `[::1]:8002` is `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_origin(origin: str, host: str) -> bool:
    """Whether `origin` is the server's own: the host and port the `Host` header names
    (whatever the scheme: behind a proxy that ends TLS the server sees `http`)."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


class TrustedOriginsMiddleware:
    """400 for a `Host` the server does not answer to; 403 for a write or WebSocket sent
    from a web page of an origin that is not allowed."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str], origins: tuple[str, ...]) -> None:
        self.app, self.hosts, self.origins = app, hosts, frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        refusal = None
        if "*" not in self.hosts and host_name(host) not in self.hosts:
            refusal = (400, "INVALID_HOST", f"this server does not answer to host {host!r}")
        elif scope["type"] == "websocket" or scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and not self.allowed(origin, host):
                refusal = (
                    403,
                    "ORIGIN_NOT_ALLOWED",
                    f"pages of {origin!r} may not write here or open WebSockets "
                    "(the server's settings allow the origins that may)",
                )
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": refusal[1]})
        else:
            await error_response(*refusal)(scope, receive, send)

    def allowed(self, origin: str, host: str) -> bool:
        return origin.rstrip("/") in self.origins or same_origin(origin, host)
