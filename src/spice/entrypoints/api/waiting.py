"""Waiting on the event loop: for a command to end, or for the read model to reach a position.

A waiting request sleeps on a future of its own instead of holding a thread of the pool for
up to the 300 s a client may ask. Futures are keyed: a command's final status wakes only
the requests waiting for that command, and carries the status, so nothing is read again; a
read model's progress wakes only the requests whose position it reached. Worker threads
hand results to the loop with one `call_soon_threadsafe` each, and only when someone waits.
A slow poll of the stores stays as a fallback for a notification that never comes (another
process's status lost on the way).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from spice.application.commands.tracking import CommandTracker
from spice.application.delivery.progress import Progress
from spice.application.ports.command_status import CommandStatus

# Final statuses remembered for a request that starts waiting just after its command ended.
RECENT_FINALS = 4096


def _settle(future: asyncio.Future[object], value: object) -> None:
    if not future.done():
        future.set_result(value)


class Waiter:
    """The waits routes need: for a command to end, woken by the tracker, and for the read
    models to reach a log position, woken by their progress."""

    def __init__(
        self,
        tracker: CommandTracker,
        reads: Progress,
        searches: Progress,
        head_position: Callable[[], int],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.tracker = tracker
        self.reads = reads
        self.searches = searches
        self.head_position = head_position
        self.loop = loop
        self._lock = threading.Lock()
        self._commands: dict[str, list[asyncio.Future[object]]] = {}
        self._finals: OrderedDict[str, CommandStatus] = OrderedDict()
        # Position waits: (position, whether the search index must have it too) by ticket.
        self._positions: dict[int, tuple[int, bool, asyncio.Future[object]]] = {}
        self._tickets = itertools.count()
        self._lowest = 2**63  # the lowest position waited for, read without the lock

    def attach(self) -> None:
        self.tracker.subscribe(self._on_status)
        self.reads.on_progress(self._on_progress)
        self.searches.on_progress(self._on_progress)

    def detach(self) -> None:
        self.tracker.unsubscribe(self._on_status)
        self.reads.off_progress(self._on_progress)
        self.searches.off_progress(self._on_progress)

    # Called on the thread that changed a status: keep a final one and wake its waiters.
    def _on_status(self, status: CommandStatus) -> None:
        if not status.is_final:
            return
        with self._lock:
            self._finals[status.command_id] = status
            while len(self._finals) > RECENT_FINALS:
                self._finals.popitem(last=False)
            futures = self._commands.pop(status.command_id, None)
        if futures and not self.loop.is_closed():
            for future in futures:
                self.loop.call_soon_threadsafe(_settle, future, status)

    async def command_final(
        self,
        command_id: str,
        timeout: float,
        poll: float = 0.25,
        known: CommandStatus | None = None,
    ) -> CommandStatus | None:
        """The command's status once it is COMPLETED or FAILED; the last one seen otherwise.
        `known` is a status the caller has just read (else the store is read once first);
        the store is read again every `poll` seconds in case a notification was lost."""
        if known is not None and known.is_final:
            return known
        future: asyncio.Future[object] = self.loop.create_future()
        with self._lock:
            final = self._finals.get(command_id)
            if final is None:
                self._commands.setdefault(command_id, []).append(future)
        if final is not None:
            return final
        try:
            status = known or await run_in_threadpool(self.tracker.get, command_id)
            deadline = time.monotonic() + timeout
            while status is None or not status.is_final:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    woken = await asyncio.wait_for(asyncio.shield(future), min(poll, remaining))
                except TimeoutError:
                    status = await run_in_threadpool(self.tracker.get, command_id) or status
                else:
                    assert isinstance(woken, CommandStatus)
                    status = woken
            return status
        finally:
            with self._lock:
                waiting = self._commands.get(command_id, [])
                if future in waiting:
                    waiting.remove(future)
                if not waiting:
                    self._commands.pop(command_id, None)

    def _reached(self, position: int, search: bool) -> bool:
        # A search index that cannot be reached is not waited for: searches fall back to the
        # document store, which includes the position, and say so.
        if self.reads.position < position:
            return False
        return not search or self.searches.failing or self.searches.position >= position

    # Called on a follower's thread after it moved: wake the waits it may have satisfied.
    def _on_progress(self, position: int) -> None:
        if position >= self._lowest and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._release)

    def _release(self) -> None:
        with self._lock:
            done = [t for t, (p, s, _) in self._positions.items() if self._reached(p, s)]
            futures = [self._positions.pop(t)[2] for t in done]
            self._lowest = min((p for p, _, _ in self._positions.values()), default=2**63)
        for future in futures:
            _settle(future, True)

    async def position(self, position: int, timeout: float, search: bool = False) -> bool:
        """Whether the document read model (and, with `search`, the search index) has
        included log `position` within `timeout` seconds."""
        if self._reached(position, search):
            return True
        if search:
            self.searches.want(position)  # a projector that spaces its steps takes one now
        future: asyncio.Future[object] = self.loop.create_future()
        ticket = next(self._tickets)
        with self._lock:
            self._positions[ticket] = (position, search, future)
            self._lowest = min(self._lowest, position)
        deadline = time.monotonic() + timeout
        try:
            while not self._reached(position, search):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # The poll catches a search index that started failing (it never moves on).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(future), min(0.25, remaining))
            return True
        finally:
            with self._lock:
                self._positions.pop(ticket, None)
