"""One error tree for the whole system; the API maps it to HTTP in one place."""

from __future__ import annotations

from typing import Any


class SpiceError(Exception):
    """Base of every error the system raises on purpose."""

    code = "SPICE_ERROR"

    def __init__(
        self, message: str, details: dict[str, Any] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class BadRequest(SpiceError):
    """The request is malformed (not a rule violation of the model)."""

    code = "BAD_REQUEST"


class ValidationFailed(SpiceError):
    """Input breaks a rule of the model; `details.errors` lists one entry per field."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, {"errors": errors or []})
        self.errors = errors or []


class NotFound(SpiceError):
    """What the request names does not exist (404)."""

    code = "NOT_FOUND"


class Conflict(SpiceError):
    """The request contradicts the current state (409)."""

    code = "CONFLICT"


class ConcurrencyConflict(Conflict):
    """The aggregate is not at the sequence number the writer expected."""

    code = "OCC_CONFLICT"

    def __init__(self, aggregate_id: str, expected_seq: int | None, actual_seq: int) -> None:
        super().__init__(
            f"{aggregate_id} is at sequence {actual_seq}, expected {expected_seq}",
            {"aggregate_id": aggregate_id, "expected_seq": expected_seq, "actual_seq": actual_seq},
        )
        self.aggregate_id = aggregate_id
        self.expected_seq = expected_seq
        self.actual_seq = actual_seq


class IdempotencyConflict(Conflict):
    """An id (event id, idempotency key) was reused for a different payload."""

    code = "IDEMPOTENCY_CONFLICT"


class Unauthenticated(SpiceError):
    """No valid credentials: a missing, expired, revoked or wrong token, key or password
    (401)."""

    code = "UNAUTHENTICATED"


class Forbidden(SpiceError):
    """The caller may not do this (403)."""

    code = "FORBIDDEN"


class PayloadTooLarge(SpiceError):
    """The body is over the limit (413)."""

    code = "PAYLOAD_TOO_LARGE"


class Timeout(SpiceError):
    """Waiting for a command or a read position ran out of time (408)."""

    code = "TIMEOUT"


class RateLimited(SpiceError):
    """Too many requests of one kind from one client (429); `retry_after_seconds` in the
    details says when to try again."""

    code = "RATE_LIMITED"


class Unavailable(SpiceError):
    """A store or service cannot be reached now (503); trying later may work."""

    code = "UNAVAILABLE"


class IntegrityViolation(SpiceError):
    """The event log does not verify (edited, inserted or removed events)."""

    code = "INTEGRITY_VIOLATION"


def field_error(path: str, code: str, message: str, value: Any = None) -> dict[str, Any]:
    """One entry of `ValidationFailed.errors`."""
    return {"path": path, "code": code, "message": message, "value": value}
