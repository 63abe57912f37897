"""Ids derived deterministically: event ids from a command, command ids from an
Idempotency-Key."""

from __future__ import annotations

import hashlib
import uuid


def derived_id(command_id: str, salt: str | int) -> str:
    """An id fixed by (command_id, salt), keeping the command's 48-bit time prefix.

    Re-running a command derives the same event ids, so the store appends nothing new.
    """
    prefix = uuid.UUID(command_id).bytes[:6]
    digest = hashlib.sha256(f"{command_id}/{salt}".encode()).digest()
    raw = bytearray(prefix + digest[:10])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: custom, still sortable by time
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return str(uuid.UUID(bytes=bytes(raw)))


def command_id_for_key(scope: str, idempotency_key: str) -> str:
    """The command id an Idempotency-Key maps to, so a retry lands on the same command."""
    digest = hashlib.sha256(f"{scope}\n{idempotency_key}".encode()).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))
