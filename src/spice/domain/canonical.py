"""Canonical JSON: the one text form of a value, used for hashes, ids and storage.

It relies on orjson (a pure serialiser, listed among the domain's allowed libraries in
`spice.domain`), because the text must be identical on every process and release.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from spice.domain.errors import ValidationFailed, field_error


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys: the same value always gives the same text.

    Integers beyond 64 bits are refused (TypeError): they would not read back exactly.
    """
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def check_storable(value: Any, what: str = "request") -> None:
    """Raise ValidationFailed when `value` cannot be stored as JSON exactly: integers beyond
    64 bits, and NaN or infinite numbers (JSON has no such values)."""
    try:
        dumps(value)
    except TypeError as exc:
        raise ValidationFailed(
            f"{what} cannot be stored: {exc}",
            [field_error(what, "unstorable_value", f"{exc} (integers must fit in 64 bits)")],
        ) from None
    if depth_of(value) > MAX_DEPTH:
        raise ValidationFailed(
            f"{what} is nested deeper than {MAX_DEPTH} levels",
            [field_error(what, "too_deep", f"at most {MAX_DEPTH} levels of nesting")],
        )
    path = non_finite_path(value, what)
    if path is not None:
        raise ValidationFailed(
            f"{what} cannot be stored: NaN and infinite numbers are not JSON",
            [field_error(path, "non_finite_number", "NaN and Infinity are not allowed")],
        )


MAX_DEPTH = 64  # far below the JSON encoder's own limit, which events add levels towards


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest inside `value` (a scalar is 0)."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def non_finite_path(value: Any, path: str = "") -> str | None:
    """The path of the first NaN or infinite float inside `value`, or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, float | dict | list):
            found = non_finite_path(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    return None


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
