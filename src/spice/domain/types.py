"""Primitive property types: each validates a value and returns its normal form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Context, Decimal, InvalidOperation
from typing import Any


class TypeMismatch(ValueError):
    """A value does not belong to a type; the message says why."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeMismatch("expected a string")
    return value


INT64 = range(-(2**63), 2**63)


def _integer(value: Any) -> int:
    number = _parse_integer(value)
    if number not in INT64:
        raise TypeMismatch("integer out of the 64-bit range")
    return number


def _parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeMismatch("expected an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and "_" not in value:
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise TypeMismatch("expected an integer")


MAX_DECIMAL_DIGITS = 1000


def _decimal(value: Any) -> str:
    # Kept as a string so no precision is lost in JSON.
    if isinstance(value, bool):
        raise TypeMismatch("expected a decimal, got a boolean")
    if isinstance(value, int | float | str) and "_" not in str(value):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise TypeMismatch("expected a decimal number") from None
        if number.is_finite():
            digits = number.as_tuple()
            if len(digits.digits) > MAX_DECIMAL_DIGITS or not (
                -MAX_DECIMAL_DIGITS <= number.adjusted() <= MAX_DECIMAL_DIGITS
            ):
                raise TypeMismatch(f"decimal beyond {MAX_DECIMAL_DIGITS} digits")
            # Enough precision for every digit given: normalising must never round.
            exact = Context(prec=max(28, len(number.as_tuple().digits)))
            return format(number.normalize(exact), "f") if number != 0 else "0"
    raise TypeMismatch("expected a finite decimal number")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise TypeMismatch("expected a boolean")


def _date(value: Any) -> str:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise TypeMismatch("expected an ISO 8601 date (YYYY-MM-DD)")


def _datetime(value: Any) -> str:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise TypeMismatch("expected an ISO 8601 date-time") from None
        if parsed.tzinfo is None:
            raise TypeMismatch("date-time needs a timezone (e.g. Z or +09:00)")
        try:
            in_utc = parsed.astimezone(dt.UTC)
        except OverflowError:
            raise TypeMismatch("date-time out of range once in UTC") from None
        return in_utc.isoformat().replace("+00:00", "Z")
    raise TypeMismatch("expected an ISO 8601 date-time")


NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
}

ALIASES = {"int": "integer", "bool": "boolean", "str": "string", "dateTime": "datetime"}


def canonical_type(name: Any) -> str | None:
    """The canonical name of a type (accepts `xsd:` prefixes and aliases), or None."""
    if not isinstance(name, str):
        return None
    bare = name.removeprefix("xsd:")
    bare = ALIASES.get(bare, bare)
    return bare if bare in NORMALISERS else None


def normalise(type_name: str, value: Any) -> Any:
    """Validate `value` against `type_name` and return its normal form."""
    return NORMALISERS[type_name](value)
