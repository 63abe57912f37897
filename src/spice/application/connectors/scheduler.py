"""The scheduler: one thread that, while this process leads (one process at a time, by a
lease in the consumer registry), polls every connector with a schedule when it is due (or,
after failures, when its retry is), and submits a sync for those that changed. A failing
source is recorded in its state with the reason; nothing a source does stops the
scheduler."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

import orjson

from spice.application.commands.service import CommandService
from spice.application.connectors.schedule import next_run
from spice.application.connectors.sync import Syncs
from spice.application.delivery.leader import LEADERS
from spice.application.ports.consumer_registry import CLAIMED, ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.sources import Leadership, SyncState
from spice.domain.aggregates import replay
from spice.domain.errors import SpiceError

log = logging.getLogger(__name__)
ACTOR = "connector-scheduler"
ROLE = "connector-scheduler"
MAX_SCHEDULED = 100_000


class RegistryLeadership(Leadership):
    """Leading by a lease in the consumer registry, as the relay and the projector do
    (`delivery/leader.py`): the process holding the lease leads, renewing it each round;
    when it dies, another takes the lease once it runs out."""

    def __init__(self, registry: ConsumerRegistry, owner: str, lease_seconds: float) -> None:
        self.registry = registry
        self.owner = owner
        self.lease_seconds = lease_seconds

    def lead(self) -> bool:
        try:
            claim = self.registry.claim(LEADERS, ROLE, self.owner, self.lease_seconds)
        except Exception:  # noqa: BLE001 - the registry is away: not leading this round
            log.warning("scheduler: the registry cannot be reached; not leading")
            return False
        return claim.outcome == CLAIMED

    def close(self) -> None:
        try:
            self.registry.release(LEADERS, ROLE, self.owner, forget=True)
        except Exception:  # noqa: BLE001 - the lease runs out by itself
            log.warning("scheduler: could not give back the lease")


class Scheduler:
    def __init__(
        self,
        events: EventStore,
        syncs: Syncs,
        commands: CommandService,
        leadership: Leadership,
        interval: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.events = events
        self.syncs = syncs
        self.commands = commands
        self.leadership = leadership
        self.interval = interval
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def scheduled(self) -> list[tuple[str, str, dict[str, object]]]:
        """(database, connector, schedule) of every live connector with a schedule."""
        found = []
        for aggregate_id in self.events.stream_ids("connector:", "", MAX_SCHEDULED):
            state = replay(aggregate_id, self.events.read_stream(aggregate_id))
            latest = state.body["versions"][-1] if state.exists else None
            if state.live and latest is not None and latest.get("schedule"):
                found.append((state.body["database"], state.body["name"], latest["schedule"]))
        return found

    def tick(self) -> list[str]:
        """One round: each connector that is due polled (a change submitted as a sync).
        Answers the ids of the syncs submitted."""
        if not self.leadership.lead():
            return []
        submitted = []
        for db, name, schedule in self.scheduled():
            try:
                command_id = self._due(db, name, schedule)
            except Exception:  # noqa: BLE001 - one source never stops the others
                log.exception("scheduler: connector %s/%s", db, name)
                continue
            if command_id:
                submitted.append(command_id)
        return submitted

    def _due(self, db: str, name: str, schedule: dict[str, object]) -> str | None:
        now = self.clock()
        state = self.syncs.state(db, name)
        if state.scheduled != schedule or state.next_run is None:
            first = now if "every_seconds" in schedule else next_run(schedule, now)
            state = self.syncs.update(db, name, lambda s: _schedule(s, schedule, first))
        due = state.next_retry if state.next_retry is not None else state.next_run
        if due is None or now < due or self._running(state):
            return None
        command = self.syncs.poll(db, name)
        following = next_run(schedule, now)
        if command is None:
            self.syncs.update(db, name, lambda s: setattr(s, "next_run", following))
            return None
        # Keyed by what was read and the state it was read in: two processes that polled the
        # same change (a leader that lost its lease mid-round) submit one sync.
        seen = [command.cursor, state.attempts, state.last_success]
        key = hashlib.sha256(orjson.dumps(seen, option=orjson.OPT_SORT_KEYS)).hexdigest()
        try:
            accepted = self.commands.submit(command, actor=ACTOR, idempotency_key=key)
        except SpiceError as exc:
            self.syncs.failed(db, name, exc.message, now)
            return None
        command_id = accepted.command.command_id

        def submitted(s: SyncState) -> None:
            s.next_run, s.last_command = following, command_id

        self.syncs.update(db, name, submitted)
        return command_id

    def _running(self, state: SyncState) -> bool:
        """Whether the connector's last sync is still to finish (not two at once)."""
        if not state.last_command:
            return False
        status = self.commands.tracker.get(state.last_command)
        return status is not None and not status.is_final

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="connector-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.leadership.close()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a store away now may answer next time
                log.exception("scheduler: a round failed")


def _schedule(state: SyncState, schedule: dict[str, object], first: float) -> None:
    state.scheduled, state.next_run = schedule, first
