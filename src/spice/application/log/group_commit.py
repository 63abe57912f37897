"""Group commit: appends made at the same time by many threads share one transaction.

The first caller to find no commit in progress leads: it takes every append waiting (up to
a bound) and writes them with `EventStore.append_groups`, then takes whatever arrived
meanwhile, until none is left. The others sleep until their own answer is in. No one waits
for a window to fill: a lone append is written at once, and under load each transaction
carries what queued while the one before it was committing. Every caller gets its answer
only after the transaction holding its events has committed, so an accepted command is
durable before its 202, as with a plain `append`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from spice.application.ports.event_store import EventStore
from spice.domain.envelope import EventEnvelope

MAX_GROUPS = 256  # appends per transaction


class _Pending:
    def __init__(self, events: Sequence[EventEnvelope]) -> None:
        self.events = events
        self.answer: list[EventEnvelope] | BaseException | None = None
        self.lead = False
        self.woken = threading.Event()  # answered, or handed the lead


class GroupCommit:
    """`append` as the store has it, with concurrent callers' appends grouped."""

    def __init__(self, store: EventStore, max_groups: int = MAX_GROUPS) -> None:
        self.store = store
        self.max_groups = max_groups
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._leading = False

    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        """What `store.append(events)` answers or raises."""
        mine = _Pending(events)
        with self._lock:
            self._queue.append(mine)
            if not self._leading:
                self._leading = mine.lead = True
        if not mine.lead:
            mine.woken.wait()
        if mine.lead:  # first in the queue, so in the transaction it leads
            self._commit()
        if isinstance(mine.answer, BaseException):
            raise mine.answer
        assert mine.answer is not None
        return mine.answer

    def _commit(self) -> None:
        """Write what is queued (up to the bound), answer each caller, and hand the lead
        to the first caller still queued: a leader answers its own request once its own
        transaction is in, instead of serving others for as long as they come."""
        with self._lock:
            batch = self._queue[: self.max_groups]
            del self._queue[: self.max_groups]
        answers: list[list[EventEnvelope] | Exception] | None = None
        failure: BaseException | None = None
        try:
            answers = self.store.append_groups([p.events for p in batch])
        except BaseException as exc:  # noqa: BLE001 - the store failed: every append in it fails
            failure = exc
        for i, pending in enumerate(batch):
            pending.answer = failure if answers is None else answers[i]
            if not pending.lead:
                pending.woken.set()
        with self._lock:
            if self._queue:
                following = self._queue[0]
                following.lead = True
                following.woken.set()
            else:
                self._leading = False
