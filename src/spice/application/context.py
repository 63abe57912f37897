"""What the work under way is about: the request, command and correlation ids of this
thread or task, which every log line carries (structured logs) and commands pass on.

The correlation id follows one piece of work across processes: a request's id (its
`X-Request-ID`, or one the API makes), kept in the metadata of the command it issues and
of every event the command writes, so the API's, the worker's and the projections' lines
about it share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

IDS: dict[str, ContextVar[str | None]] = {
    name: ContextVar(name, default=None) for name in ("request_id", "command_id", "correlation_id")
}


@contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Set the named ids (of `IDS`) for the work inside the block."""
    tokens: list[tuple[ContextVar[str | None], Token[str | None]]] = [
        (IDS[name], IDS[name].set(value)) for name, value in ids.items() if value
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str]:
    """The ids set now."""
    return {name: value for name, var in IDS.items() if (value := var.get()) is not None}
