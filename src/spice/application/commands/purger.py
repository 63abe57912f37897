"""Purges deleted databases whose grace period has ended.

A deleted database stays restorable until its `purge_after`; then a `PurgeDatabase`
command drops its read models. Every process that runs commands runs a purger (as a job of
its housekeeping); the command of one database's deletion has one idempotency key, so
several purgers that find it at once store it once.
"""

from __future__ import annotations

import logging
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
        self, events: EventStore, commands: CommandService, clock: Callable[[], float] = time.time
    ) -> None:
        self.events, self.commands, self.clock = events, commands, clock

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
