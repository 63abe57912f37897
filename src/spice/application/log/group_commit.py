"""Group commit: writes made at the same time by many threads share one round trip
(`CommandService` stores the commands submitted at one moment this way).

The first caller to find no write in progress leads: it takes every item waiting (up to a
bound) and writes them with one call of the batch writer, then hands the lead to the first
caller still queued. The others sleep until their own answer is in. No one waits for a
window to fill: a lone item is written at once, and under load each write carries what
queued while the one before it was committing. Every caller gets its answer only after the
write holding its item has committed, so an accepted command is durable before its 202, as
with a plain `append`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

MAX_GROUPS = 256  # items per write

Item = TypeVar("Item")
Answer = TypeVar("Answer")


class _Pending(Generic[Item, Answer]):
    def __init__(self, item: Item) -> None:
        self.item = item
        self.answer: Answer | BaseException | None = None
        self.lead = False
        self.woken = threading.Event()  # answered, or handed the lead


class Grouped(Generic[Item, Answer]):
    """`call(item)` answers what `write([item])[0]` would, with concurrent callers' items
    written together. `write` answers one result per item, in order: an exception in place
    of a result fails that caller alone; an exception raised fails every caller of that
    write."""

    def __init__(
        self,
        write: Callable[[list[Item]], Sequence[Answer | Exception]],
        max_items: int = MAX_GROUPS,
    ) -> None:
        self.write = write
        self.max_items = max_items
        self._lock = threading.Lock()
        self._queue: list[_Pending[Item, Answer]] = []
        self._leading = False

    def call(self, item: Item) -> Answer:
        mine: _Pending[Item, Answer] = _Pending(item)
        with self._lock:
            self._queue.append(mine)
            if not self._leading:
                self._leading = mine.lead = True
        if not mine.lead:
            mine.woken.wait()
        if mine.lead:  # first in the queue, so in the write it leads
            self._commit()
        if isinstance(mine.answer, BaseException):
            raise mine.answer
        return mine.answer  # type: ignore[return-value]  # set by the write that held it

    def _commit(self) -> None:
        """Write what is queued (up to the bound), answer each caller, and hand the lead
        to the first caller still queued: a leader answers its own request once its own
        write is in, instead of serving others for as long as they come."""
        with self._lock:
            batch = self._queue[: self.max_items]
            del self._queue[: self.max_items]
        answers: Sequence[Answer | Exception] | None = None
        failure: BaseException | None = None
        try:
            answers = self.write([p.item for p in batch])
        except BaseException as exc:  # noqa: BLE001 - the write failed: every item in it fails
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
