"""Waiting on the event loop: for a command to end, or for the read model to reach a position.

Worker threads announce progress through `Signal.fire`; a waiting request sleeps on an
asyncio event instead of holding a thread of the pool for up to the 300 s a client may ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from spice.application.commands.tracking import CommandTracker
from spice.application.delivery.progress import Progress
from spice.application.ports.command_status import CommandStatus

T = TypeVar("T")


class Signal:
    """Wakes every coroutine waiting on it; safe to fire from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._event = asyncio.Event()

    def fire(self, *_: Any) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def until(
        self,
        check: Callable[[], Awaitable[tuple[bool, T]]],
        timeout: float,
        poll: float = 0.25,
    ) -> tuple[bool, T]:
        """Re-run `check` on each signal (and every `poll` seconds) until it is met or time
        runs out; returns its last answer."""
        deadline = time.monotonic() + timeout
        while True:
            event = self._event  # taken before checking, so no wake-up is missed
            done, value = await check()
            remaining = deadline - time.monotonic()
            if done or remaining <= 0:
                return done, value
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(poll, remaining))


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
        self.signal = Signal(loop)

    def attach(self) -> None:
        self.tracker.subscribe(self.signal.fire)
        self.reads.on_progress(self.signal.fire)
        self.searches.on_progress(self.signal.fire)

    def detach(self) -> None:
        self.tracker.unsubscribe(self.signal.fire)
        self.reads.off_progress(self.signal.fire)
        self.searches.off_progress(self.signal.fire)

    async def command_final(
        self, command_id: str, timeout: float, poll: float = 0.25
    ) -> CommandStatus | None:
        """The command's status once it is COMPLETED or FAILED; the last one seen otherwise."""

        async def check() -> tuple[bool, CommandStatus | None]:
            status = await run_in_threadpool(self.tracker.get, command_id)
            return status is not None and status.is_final, status

        return (await self.signal.until(check, timeout, poll))[1]

    async def position(self, position: int, timeout: float, search: bool = False) -> bool:
        """Whether the document read model (and, with `search`, the search index) has
        included log `position` within `timeout` seconds."""
        reads, searches = self.reads, self.searches

        async def check() -> tuple[bool, None]:
            # A search index that cannot be reached is not waited for: searches fall back to
            # the document store, which includes the position, and say so.
            followers: list[Progress] = [reads]
            if search and not searches.failing:
                followers.append(searches)
            return all(f.position >= position for f in followers), None

        return (await self.signal.until(check, timeout))[0]
