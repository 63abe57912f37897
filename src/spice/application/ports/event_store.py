"""The event store port: an append-only log of envelopes with a global position."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence

from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict
from spice.domain.names import MAIN_BRANCH, branch_scope


def sequence_before(event: EventEnvelope) -> int:
    """The sequence a new stream must be at for `event` to be its first event."""
    if event.metadata.get("branch", MAIN_BRANCH) != MAIN_BRANCH and branch_scope(
        event.aggregate_id
    ):
        return event.sequence_number - 1
    return 0


class EventStore(ABC):
    """Atomic, OCC-checked appends; reads by stream and across all streams ($all).

    Contract:
    - `append` writes all events or none. Each event's (aggregate_id, sequence_number) is
      unique: a taken slot raises ConcurrencyConflict. A stream starts at sequence 1, except
      a stream on a branch other than `main`, whose first event continues the sequence the
      parent's stream had at the fork (see `sequence_before`). An `event_id` already stored with the
      same fact is a no-op returning the stored event; with another fact, IdempotencyConflict.
    - positions are 1, 2, 3, ... in commit order; readers never see a gap that later fills.
    - every stored event carries the hash chain (`prev_hash`, `hash`).
    """

    def __init__(self) -> None:
        self._appended = threading.Condition()
        self._appends = 0  # counts notifications, so a waiter cannot miss one
        # The highest position this process has heard of (its own appends and those other
        # processes announce): a waiter past it needs no query. Notifications without a
        # position (a reconnect, a stop) are counted apart: waiters then ask the store.
        self._heard = 0
        self._blind = 0

    @abstractmethod
    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]: ...

    def append_groups(
        self, groups: Sequence[Sequence[EventEnvelope]]
    ) -> list[list[EventEnvelope] | Exception]:
        """Append each group as `append` would, in order; each group's answer is what its
        `append` would have returned or raised (ConcurrencyConflict, IdempotencyConflict),
        so one group's refusal leaves the others alone. Stores override this to write all
        of them in one transaction (group commit)."""
        answers: list[list[EventEnvelope] | Exception] = []
        for group in groups:
            try:
                answers.append(self.append(group))
            except (ConcurrencyConflict, IdempotencyConflict) as exc:
                answers.append(exc)
        return answers

    @abstractmethod
    def read_stream(
        self, aggregate_id: str, from_seq: int = 1, to_seq: int | None = None
    ) -> list[EventEnvelope]: ...

    def read_streams(self, aggregate_ids: Iterable[str]) -> dict[str, list[EventEnvelope]]:
        """Several whole streams at once (an empty list for one that does not exist);
        stores override this to read them in a few queries instead of one each."""
        return {a: self.read_stream(a) for a in dict.fromkeys(aggregate_ids)}

    @abstractmethod
    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> list[EventEnvelope]:
        """Events with position > `after_position`, in position order."""

    @abstractmethod
    def get_event(self, event_id: str) -> EventEnvelope | None: ...

    @abstractmethod
    def heads(
        self, aggregate_ids: Iterable[str], until_position: int | None = None
    ) -> dict[str, EventEnvelope]:
        """The last event of each stream that exists (as of `until_position`, if given)."""

    @abstractmethod
    def stream_ids(
        self, prefix: str, after: str = "", limit: int = 1000, until_position: int | None = None
    ) -> list[str]:
        """Ids of the streams that start with `prefix`, in order, after the id `after` (only
        those that began at or before `until_position`, if given)."""

    @abstractmethod
    def head_position(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def head(self, aggregate_id: str) -> EventEnvelope | None:
        return self.heads([aggregate_id]).get(aggregate_id)

    def listen(self) -> None:
        """Hear other processes' appends from now on (where the store can tell)."""
        self._watch_other_processes()

    def _watch_other_processes(self) -> None:  # noqa: B027 - optional hook
        """Start listening for appends made by other processes (called by each wait)."""

    @property
    def heard(self) -> int:
        """The highest position this process has heard the log reach (it may be further)."""
        return self._heard

    def _notify_appended(self, position: int | None = None) -> None:
        """Wake the waiters: the log has reached `position` (None: it may have grown, ask).
        A position heard before wakes no one, so an append announced twice (by this process
        and again by the store's own notification) is one wake-up."""
        with self._appended:
            if position is None:
                self._blind += 1
            elif position > self._heard:
                self._heard = position
            else:
                return
            self._appends += 1
            self._appended.notify_all()

    def wake_waiters(self) -> None:
        """Wake every `wait_for` of this process now, so it checks the head and whether it
        was cancelled (a follower that stops uses it)."""
        self._notify_appended()

    def wait_for(
        self,
        after_position: int,
        timeout: float,
        poll: float = 0.2,
        cancelled: Callable[[], bool] | None = None,
    ) -> bool:
        """Block until the log has an event past `after_position` (or `timeout` passes).

        Appends from this process wake waiters at once; other processes are seen by polling
        unless the adapter hears of them (`_watch_other_processes`). The store is asked for
        its head at first, after a wake-up without a position, and at each poll; a position
        heard of answers without asking.
        """
        self._watch_other_processes()
        deadline = time.monotonic() + timeout
        ask, blind = True, -1
        while True:
            with self._appended:
                if self._heard > after_position:
                    return True
                seen, ask = self._appends, ask or self._blind != blind
                blind = self._blind
            if ask and self.head_position() > after_position:
                return True
            if cancelled is not None and cancelled():
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._appended:
                # Nothing was appended since the check above: sleep until woken or the poll.
                ask = self._appends == seen and not self._appended.wait(min(poll, remaining))
