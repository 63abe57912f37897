"""Purges deleted databases whose grace period has ended.

A deleted database stays restorable until its `purge_after`; then a `PurgeDatabase`
command drops its read models. Every process that runs commands runs a purger; the
command of one database's deletion has one idempotency key, so several purgers that find
it at once store it once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from spice.application.commands.service import CommandService
from spice.application.log.serialization import epoch_of
from spice.application.ports.event_store import EventStore
from spice.domain import names
from spice.domain.commands import PurgeDatabase
from spice.domain.errors import SpiceError
from spice.domain.events import DatabaseDeleted, decode

log = logging.getLogger(__name__)
PREFIX = names.database_aggregate("")


class Purger:
    def __init__(
        self,
        events: EventStore,
        commands: CommandService,
        interval: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.events, self.commands = events, commands
        self.interval, self.clock = interval, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> list[tuple[str, int]]:
        """(database, sequence of its deletion) of each deleted database past its grace."""
        found: list[tuple[str, int]] = []
        after = ""
        now = self.clock()
        while ids := self.events.stream_ids(PREFIX, after=after):
            for head in self.events.heads(ids).values():
                if head.event_type != DatabaseDeleted.event_type:
                    continue
                fact = decode(head)
                assert isinstance(fact, DatabaseDeleted)
                if fact.purge_after is not None and epoch_of(fact.purge_after) <= now:
                    found.append((fact.name, head.sequence_number))
            after = ids[-1]
        return found

    def run_once(self) -> list[str]:
        """Submit a purge for each database due; the names submitted."""
        submitted = []
        for db, seq in self.due():
            command = PurgeDatabase(database=db, name=db, expected_seq=seq)
            try:
                self.commands.submit(command, actor="system", idempotency_key=f"purge-{db}-{seq}")
            except SpiceError as exc:  # restored or purged meanwhile: nothing to do
                log.info("purge of %r not submitted: %s", db, exc.message)
                continue
            log.warning("database %r: grace period over, purge submitted", db)
            submitted.append(db)
        return submitted

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="purger", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - a store away now may answer next time
                log.exception("purger: looking for databases to purge failed")
            self._stop.wait(self.interval)
