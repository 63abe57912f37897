"""Errors the client raises: the API's one error shape, `{status, code, message, details}`,
as exceptions by HTTP status, and the server that could not be reached."""

from __future__ import annotations

from typing import Any


class SpiceClientError(Exception):
    """Anything the client could not do."""


class Unreachable(SpiceClientError):
    """The server could not be reached (after the retries)."""


class ApiError(SpiceClientError):
    """The server refused: `status` (HTTP), `code`, `message` and `details` as it answered."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details

    @property
    def command_id(self) -> str | None:
        """The command the error is about, when it was accepted (a failure or a timeout)."""
        found = self.details.get("command_id")
        return found if isinstance(found, str) else None


class BadRequest(ApiError):
    """400."""


class Unauthorized(ApiError):
    """401: sign in (a token or an API key)."""


class Forbidden(ApiError):
    """403: signed in, but the rule of the route does not let the caller."""


class NotFound(ApiError):
    """404."""


class Timeout(ApiError):
    """408: the command was accepted but had not finished within the wait."""


class Conflict(ApiError):
    """409: an `expected_seq` that is not the current one, a unique value held, a merge
    conflict, or an Idempotency-Key reused with another body."""

    @property
    def actual_seq(self) -> int | None:
        found = self.details.get("actual_seq")
        return found if isinstance(found, int) else None


class PayloadTooLarge(ApiError):
    """413."""


class ValidationFailed(ApiError):
    """422: `field_errors` by path (`age`, `properties[0].type`...)."""

    @property
    def field_errors(self) -> dict[str, str]:
        errors = self.details.get("errors")
        found: dict[str, str] = {}
        if isinstance(errors, list):
            for error in errors:
                if isinstance(error, dict) and isinstance(error.get("path"), str):
                    found.setdefault(error["path"], str(error.get("message", "")))
        return found


class RateLimited(ApiError):
    """429 (after the retries)."""


class ServerError(ApiError):
    """5xx (after the retries for those that are retried)."""


BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: Timeout,
    409: Conflict,
    413: PayloadTooLarge,
    422: ValidationFailed,
    429: RateLimited,
}


def error_of(status: int, body: Any) -> ApiError:
    """The exception of an answer that is not a success."""
    kind = BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    if isinstance(body, dict) and "code" in body:
        details = body.get("details")
        return kind(
            status,
            str(body.get("code")),
            str(body.get("message", "")),
            details if isinstance(details, dict) else {},
        )
    # FastAPI's own shape, or no JSON at all (a proxy's page).
    detail = body.get("detail") if isinstance(body, dict) else None
    return kind(status, f"HTTP_{status}", str(detail or body or "")[:500], {})
