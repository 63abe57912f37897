"""Event hashing (the chain) and envelope (de)serialisation shared by every adapter."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from spice.domain.canonical import dumps, loads
from spice.domain.envelope import EventEnvelope

GENESIS_HASH = "0" * 64


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def epoch_of(iso: str) -> float:
    """Seconds since the epoch of a time as `utc_now` writes it."""
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def utc_after(seconds: float, now: float | None = None) -> str:
    """The time `seconds` after `now` (default: now), as `utc_now` writes it."""
    moment = dt.datetime.fromtimestamp((time.time() if now is None else now) + seconds, dt.UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


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
