"""Ids derived deterministically: event ids from a command, command ids from an
Idempotency-Key."""

from __future__ import annotations

import hashlib
import uuid


def derived_id(command_id: str, salt: str | int) -> str:
    """An id fixed by (command_id, salt), keeping the command's 48-bit time prefix.

    Re-running a command derives the same event ids, so the store appends nothing new.
    """
    prefix = bytes.fromhex(command_id.replace("-", "")[:12])
    if len(prefix) != 6:
        raise ValueError(f"not a UUID: {command_id!r}")
    digest = hashlib.sha256(f"{command_id}/{salt}".encode()).digest()
    raw = bytearray(prefix + digest[:10])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: custom, still sortable by time
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return _uuid_text(bytes(raw))


def _uuid_text(raw: bytes) -> str:
    """The canonical text of a UUID's 16 bytes (what `str(uuid.UUID(bytes=raw))` gives,
    without building the object: event ids are derived once per event)."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def command_id_for_key(scope: str, idempotency_key: str) -> str:
    """The command id an Idempotency-Key maps to, so a retry lands on the same command."""
    digest = hashlib.sha256(f"{scope}\n{idempotency_key}".encode()).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))
