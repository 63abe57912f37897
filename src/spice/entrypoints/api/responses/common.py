"""The bodies every route shares: the error body and the statuses it comes with, the
`{status, message, data}` envelope of a success, a page, and a document's versioning."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


def _is_none(value: object) -> bool:
    return value is None


def sometimes(description: str) -> Any:
    """A key that only some answers carry: absent from the others, not null (so a field
    declared with it changes no answer). Only for keys that are never null when present."""
    return Field(default=None, exclude_if=_is_none, description=description)


class ErrorBody(BaseModel):
    """Every error: 400, 401, 403, 404, 408, 409, 413, 422, 429, 503."""

    status: Literal["error"]
    code: str
    message: str
    details: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "Malformed request, or a Host header the server does not answer to",
        401: "Not signed in, or credentials that do not verify",
        403: "The caller's role does not allow it, or a page of an origin not allowed",
        404: "Not found",
        408: "Timed out waiting (a command or a read position)",
        409: "Conflict: expected_seq, a unique value, an Idempotency-Key, existing data",
        413: "Body too large",
        422: "Invalid values, one entry per field in details.errors",
        429: "Rate limited (Retry-After)",
        503: "A store is unavailable",
    }.items()
}


class Envelope(BaseModel, Generic[T]):
    """`{status, message, data}` of every success."""

    status: Literal["success"]
    message: str
    data: T


class Page(BaseModel, Generic[T]):
    """A page of items: `next_offset` is None on the last page."""

    items: list[T]
    count: int
    total: int
    offset: int
    limit: int
    next_offset: int | None


class Versioned(BaseModel):
    """Who changed a document last, when, and at which sequence and log position."""

    model_config = ConfigDict(extra="allow")
    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int


class ReadWarning(BaseModel):
    """Why a read answered as it did: an index away or behind, a limit reached."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str
