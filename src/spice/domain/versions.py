"""Streams kept in numbered versions (datasets, mappings): picking one by its number."""

from __future__ import annotations

from typing import Any

from spice.domain.errors import NotFound


def pick(
    versions: list[dict[str, Any]], wanted: int | None, kind: str, name: str, where: str = ""
) -> dict[str, Any]:
    """Version `wanted` (the latest when None) of `kind` `name`; NotFound saying which
    versions there are otherwise. `where` prefixes the message (a spec's path)."""
    number = len(versions) if wanted is None else wanted
    if not 1 <= number <= len(versions):
        raise NotFound(
            f"{where}{kind} {name!r} has no version {number}",
            {kind: name, "version": number, "latest": len(versions)},
        )
    return versions[number - 1]
