"""The one mapping from the error tree to HTTP, and the one error body shape."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from spice.domain import errors as e

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[e.SpiceError], int]] = [
    (e.BadRequest, 400),
    (e.ValidationFailed, 422),
    (e.NotFound, 404),
    (e.Conflict, 409),
    (e.Unauthenticated, 401),
    (e.Forbidden, 403),
    (e.PayloadTooLarge, 413),
    (e.Timeout, 408),
    (e.RateLimited, 429),
    (e.Unavailable, 503),
]
STATUS_BY_KIND = {cls.__name__: status for cls, status in STATUS_BY_ERROR}
STATUS_BY_KIND.update({"ConcurrencyConflict": 409, "IdempotencyConflict": 409})


def http_status(error: e.SpiceError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def status_of_failure(error: dict[str, Any]) -> int:
    """The HTTP status of a command failure recorded as {code, message, details, kind}."""
    return STATUS_BY_KIND.get(str(error.get("kind")), 500)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"status": "error", "code": code, "message": message, "details": details or {}}


class ErrorJSONResponse(JSONResponse):
    """Renders any detail: a value JSON cannot hold (NaN, a huge integer) becomes a string."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except (ValueError, TypeError):
            return super().render(_printable(content))


def _printable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return ErrorJSONResponse(error_body(code, message, details), status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(e.SpiceError)
    async def spice_error(_: Request, exc: e.SpiceError) -> JSONResponse:
        response = error_response(http_status(exc), exc.code, exc.message, exc.details)
        retry_after = exc.details.get("retry_after_seconds")
        if isinstance(exc, e.RateLimited) and isinstance(retry_after, int | float):
            response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return response

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        if any(
            p.get("type") == "json_invalid" or tuple(p.get("loc", ())) == ("body",)
            for p in problems
        ):
            return error_response(
                400,
                "MALFORMED_JSON",
                "request body is not a valid JSON object",
                {"errors": _clean(problems)},
            )
        return error_response(
            422,
            "VALIDATION_FAILED",
            "request does not match the schema",
            {"errors": _clean(problems)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        response = error_response(exc.status_code, code, str(exc.detail))
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "INTERNAL_ERROR", "internal error")


def allowed_methods(request: Request) -> list[str]:
    """The methods the request's path answers, over every route on it (the framework's own
    405 names those of the first route only), HEAD wherever GET is."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _clean(problems: Any) -> list[dict[str, Any]]:
    return [
        {
            "path": ".".join(str(p) for p in item.get("loc", ())),
            "code": item.get("type"),
            "message": item.get("msg"),
            "value": None,
        }
        for item in problems
    ]
