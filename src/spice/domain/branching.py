"""Branches as views of the log: a branch is its own events over its parent as of the fork
point, recursively; a read as of a position cuts every level there too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spice.domain.errors import NotFound
from spice.domain.names import MAIN_BRANCH

MAX_LINEAGE = 64


@dataclass(frozen=True)
class Level:
    """One branch of a lineage, and the last log position of it that is visible (None:
    all of it)."""

    branch: str
    until: int | None


Lineage = tuple[Level, ...]
Fork = tuple[str | None, int | None]  # (parent branch, fork position) of a branch
ForkOf = Callable[[str], Fork | None]  # None when the branch does not exist


def earlier(until: int | None, at: int | None) -> int | None:
    """The earlier of two cuts (None: no cut)."""
    if until is None:
        return at
    return until if at is None else min(until, at)


def resolve(db: str, branch: str, fork_of: ForkOf, as_of: int | None = None) -> Lineage:
    """The branch, then each branch it forked from with the last position it sees of it;
    NotFound when a branch of the chain does not exist."""
    levels: list[Level] = []
    until, current = as_of, branch
    while len(levels) < MAX_LINEAGE:
        fork = (None, None) if current == MAIN_BRANCH else fork_of(current)
        if fork is None:
            raise NotFound(f"branch {current!r} not found in {db!r}", {"branch": current})
        levels.append(Level(current, until))
        parent, position = fork
        if parent is None:
            break
        until, current = earlier(until, position), parent
    return tuple(levels)


def at(lineage: Lineage, as_of: int | None) -> Lineage:
    """The same lineage read as of a log position."""
    if as_of is None:
        return lineage
    return tuple(Level(level.branch, earlier(level.until, as_of)) for level in lineage)
