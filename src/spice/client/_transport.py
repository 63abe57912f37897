"""What `Client` and `AsyncClient` share about sending a call: the headers (who calls, the
Idempotency-Key of a write, made once and kept across its retries), which answers are
retried and after how long, and how an answer becomes a result or an exception."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar

import httpx

from spice.client.calls import Call
from spice.client.errors import ApiError, Timeout, error_of

T = TypeVar("T")
DEFAULT_SERVER = "http://127.0.0.1:8002"
# Answers that say "later": the request changed nothing, or (a write) its key makes the
# retry the same command.
RETRIED = frozenset({429, 502, 503, 504})
MAX_DELAY = 30.0


class ConnectionOptions(TypedDict, total=False):
    """Who calls, and how patiently (see `Connection`)."""

    token: str
    api_key: str
    user: str
    timeout: float
    retries: int
    backoff: float


@dataclass(frozen=True)
class Connection:
    """Where the server is and who calls it."""

    base_url: str = DEFAULT_SERVER
    token: str | None = None  # an access token from POST /api/v1/auth/login
    api_key: str | None = None
    user: str | None = None  # X-User-Id, for servers that trust it (loopback, seed-era)
    timeout: float = 30.0  # seconds per request, besides any wait the request asks for
    retries: int = 3
    backoff: float = 0.2  # seconds before the first retry, doubled for each next one

    def headers(self) -> dict[str, str]:
        found = {"Accept": "application/json", "User-Agent": "spice-client"}
        if self.token:
            found["Authorization"] = f"Bearer {self.token}"
        if self.api_key:
            found["X-API-Key"] = self.api_key
        if self.user:
            found["X-User-Id"] = self.user
        return found

    def socket_url(self, path: str) -> str:
        base = self.base_url.rstrip("/")
        scheme, _, rest = base.partition("://")
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}{path}"


def call_headers(call: Call[Any]) -> dict[str, str]:
    """The headers of one call (the same for each of its retries)."""
    found: dict[str, str] = {}
    if call.write:
        found["Idempotency-Key"] = call.idempotency_key or str(uuid.uuid4())
    if call.commit_message:
        found["X-Commit-Message"] = call.commit_message
    return found


def request_timeout(connection: Connection, call: Call[Any]) -> float:
    """A call that asks the server to wait (`timeout`) may take that long, on top of the
    usual."""
    return connection.timeout + float(call.params.get("timeout", 0))


def retry_delay(connection: Connection, attempt: int, response: httpx.Response | None) -> float:
    """Seconds before retry number `attempt` (0 for the first): the server's Retry-After
    when it gave one, else a doubling backoff with jitter."""
    if response is not None:
        after = response.headers.get("Retry-After", "")
        if after.isdigit():
            return min(float(after), MAX_DELAY)
    return min(connection.backoff * 2**attempt, MAX_DELAY) * (0.5 + random.random() / 2)


def retried(connection: Connection, attempt: int, response: httpx.Response) -> bool:
    return response.status_code in RETRIED and attempt < connection.retries


def body_of(response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        return response.text


def outcome(call: Call[T], response: httpx.Response) -> T:
    """The call's result, or the exception of its answer."""
    body = body_of(response)
    if response.status_code >= 400:
        raise error_of(response.status_code, body)
    return call.decode(body)


def waits_again(call: Call[Any], error: ApiError) -> str | None:
    """The path to wait on when a waited write timed out after being accepted."""
    if isinstance(error, Timeout) and call.wait_path and error.command_id:
        return call.wait_path.replace("{command_id}", error.command_id)
    return None


def waiting(call: Call[T], path: str, left: float) -> Call[T]:
    """The wait for a write accepted but not finished when its own wait ran out."""
    return Call("GET", path, call.decode, {"timeout": max(1.0, min(left, 300.0))})
