"""Canonical JSON, event hashing and envelope (de)serialisation shared by every adapter."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

import orjson

from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import EventEnvelope

GENESIS_HASH = "0" * 64


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


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_hash(
    prev_hash: str,
    event: EventEnvelope,
    position: int,
    data_json: str | None = None,
    metadata_json: str | None = None,
) -> str:
    """The chain hash of an event at `position` after an event hashed `prev_hash`.

    Callers that already serialised `data`/`metadata` with `dumps` pass the text along.
    """
    body = "\x1f".join(
        (
            str(position),
            event.event_id,
            event.event_type,
            event.aggregate_type,
            event.aggregate_id,
            str(event.sequence_number),
            event.occurred_at,
            event.actor,
            data_json if data_json is not None else dumps(event.data),
            metadata_json if metadata_json is not None else dumps(event.metadata),
            str(event.schema_version),
        )
    )
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def envelope_to_dict(event: EventEnvelope) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "sequence_number": event.sequence_number,
        "position": event.position,
        "occurred_at": event.occurred_at,
        "actor": event.actor,
        "data": event.data,
        "metadata": event.metadata,
        "schema_version": event.schema_version,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def envelope_to_bytes(event: EventEnvelope) -> bytes:
    return dumps(envelope_to_dict(event)).encode()


def envelope_from_bytes(raw: bytes) -> EventEnvelope:
    """An envelope from `envelope_to_bytes`; ValueError, KeyError or TypeError if it is not one."""
    value = loads(raw)
    if not isinstance(value, dict):
        raise ValueError("not an envelope")
    return EventEnvelope(**value)
