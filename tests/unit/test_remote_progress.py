"""What an API process of the distributed profile knows of other processes' progress: the
commands still without an outcome, and a read model's checkpoint read from its store."""

from __future__ import annotations

from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.tracking import CommandTracker
from spice.application.delivery.remote_progress import PendingCommands, ReadModelWatch
from spice.domain import commands as c
from spice.domain.envelope import EventEnvelope


def _accept(store: InMemoryEventStore, n: int) -> EventEnvelope:
    command = c.CreateDatabase(database=f"db{n}", name=f"db{n}")
    issued = c.IssuedCommand(f"0190a000-0000-7000-8000-{n:012d}", command, "kim")
    (stored,) = store.append([issued.to_envelope("2026-01-01T00:00:00Z")])
    return stored


def test_pending_commands_settle_once_each_has_its_outcome() -> None:
    store = InMemoryEventStore()
    pending = PendingCommands(store, batch=1)  # one event per read: the scan pages
    assert pending.settled(0.05)
    first, second = _accept(store, 1), _accept(store, 2)
    assert not pending.settled(0.05)
    executor = CommandExecutor(store, CommandTracker(InMemoryCommandStatusStore()))
    executor.execute(second)
    assert not pending.settled(0.05)  # the first still waits
    executor.execute(first)
    assert pending.settled(0.05)
    _accept(store, 3)
    assert not pending.settled(0.05)  # the mark moved on, the scan still sees new ones


def test_commands_accepted_before_the_window_are_not_waited_for() -> None:
    store = InMemoryEventStore()
    _accept(store, 1)
    _accept(store, 2)
    assert PendingCommands(store, window=1).settled(0.05) is False  # the second is inside
    assert PendingCommands(store, window=0).settled(0.05) is True


def test_a_watch_reports_another_process_checkpoint_and_a_store_that_is_away() -> None:
    store = InMemoryEventStore()
    checkpoints = [7]

    def checkpoint() -> int:
        if not checkpoints:
            raise ConnectionError("documents store away")
        return checkpoints[-1]

    watch = ReadModelWatch(store, checkpoint)
    assert (watch.progress.position, watch.progress.failing) == (7, False)
    checkpoints.append(3)  # a rebuild into a new generation starts again
    assert watch.step() == (3, False)
    rebuilt = ReadModelWatch(store, checkpoint, monotonic=False)
    assert rebuilt.step() == (3, False) and rebuilt.progress.position == 3
    checkpoints.clear()
    away = ReadModelWatch(store, checkpoint)
    assert away.progress.failing and away.progress.position == 0
