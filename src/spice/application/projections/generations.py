"""Rebuilding a read model into a new generation while the old one keeps serving."""

from __future__ import annotations

from collections.abc import Callable

from spice.application.ports.generations import Generations


def rebuild_generation(target: Generations, build: Callable[[str], None]) -> str:
    """Drop generations an interrupted rebuild left, make a new one, let `build` fill it
    from the log and activate it, then drop the generation that was active before."""
    old = target.active_generation()
    for leftover in target.generations():
        if leftover != old:
            target.drop_generation(leftover)
    generation = target.new_generation()
    build(generation)
    target.drop_generation(old)
    return generation
