"""The search projector spaces its steps out under a steady stream of writes, but takes one
at once for a position a reader waits for."""

from __future__ import annotations

import time
from pathlib import Path

from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.projections.search import SearchProjector
from spice.domain.envelope import EventEnvelope


def _thing(n: int) -> EventEnvelope:
    return EventEnvelope(f"e{n}", "Thing", "Thing", f"t{n}", 1, "2026-01-01T00:00:00Z", "t", {})


def test_a_waiting_reader_cuts_the_spacing_short(tmp_path: Path) -> None:
    events = InMemoryEventStore()
    projector = SearchProjector(events, TantivySearchIndex(tmp_path / "s"), min_interval=30.0)
    projector.start()
    try:
        time.sleep(0.3)  # the projector's first steps find nothing: a quiet spell
        events.append([_thing(1)])
        assert projector.progress.wait(1, 10)  # the first write after a quiet spell: at once
        events.append([_thing(2)])
        time.sleep(0.3)
        assert projector.progress.position == 1  # spaced out: the next step is 30 s away
        started = time.monotonic()
        projector.progress.want(2)
        assert projector.progress.wait(2, 10)
        assert time.monotonic() - started < 5
    finally:
        projector.stop()
