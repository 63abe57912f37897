"""Fresh command ids."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A fresh UUIDv7: time-ordered, so B-tree indexes stay append-mostly."""
    return str(uuid6.uuid7())
