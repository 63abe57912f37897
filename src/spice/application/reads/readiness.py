"""Whether this process can do its work now, for `/ready`: each store answers (timed), and
everything that carries a write from the log to the reads keeps up, in events and seconds.

Readiness is stricter than health (`/health`: the process is up and reads its stores). A
write is accepted into the log and then carried on by followers: the command worker (or,
in the distributed profile, the relay and the command workers), the document projector and
the search projector. When one of them stops or falls behind, writes time out and reads go
stale although every store answers; readiness says so, with the follower and why.

The log, the documents, the command statuses, the commands being run and the documents
keeping up are required: without them writes time out or reads are wrong. The search index
and the blob store are not: reads fall back to the documents while search is away or
behind, so they make the process `degraded` (still ready), and a load balancer does not
take every API process out because one shared index is slow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spice.application.delivery.progress import Progress
from spice.application.delivery.remote_progress import PendingCommands
from spice.application.log.serialization import epoch_of
from spice.application.ports.blobs import BlobStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.document_projection import DocumentProjection
from spice.application.ports.event_store import EventStore
from spice.application.ports.search import SearchIndex
from spice.application.ports.sources import SyncStates

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Follower:
    """Something that carries the log on: how far it got, and whether it runs here (None:
    it runs in another process, known only by its position)."""

    name: str
    position: Callable[[], int]
    required: bool
    running: Callable[[], bool] | None = None
    failing: Callable[[], bool] | None = None


def of_progress(
    name: str, progress: Progress, required: bool, running: Callable[[], bool] | None
) -> Follower:
    return Follower(name, lambda: progress.position, required, running, lambda: progress.failing)


@dataclass
class Check:
    name: str
    ok: bool
    required: bool
    took_ms: float
    reason: str = ""
    lag_events: int | None = None
    lag_seconds: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if v is not None}
        out["took_ms"] = round(self.took_ms, 2)
        return out


@dataclass
class Readiness:
    events: EventStore
    documents: DocumentProjection
    statuses: CommandStatusStore
    search: SearchIndex
    blobs: BlobStore
    followers: list[Follower]
    max_lag_seconds: float
    # Commands accepted and not yet run, in a process whose command workers run elsewhere.
    pending: PendingCommands | None = None
    # Connectors' sync states: one failing for longer than `failing_for` seconds makes the
    # process degraded, never unready (a source away is not this process's fault).
    connectors: SyncStates | None = None
    failing_for: float = 3600.0
    clock: Callable[[], float] = time.time

    def report(self) -> dict[str, Any]:
        """`ready` (all required checks pass), `status` (ready, degraded, not ready), a
        message in words and every check with its timing and lag."""
        head_check, head = self._store("event store", self.events.head_position)
        checks = [
            head_check,
            self._store("document store", self.documents.active_generation)[0],
            self._store("command statuses", lambda: self.statuses.get("readiness-probe"))[0],
            self._part("search index", self.search.health),
            self._part("blob store", self.blobs.health),
        ]
        if head is not None:
            checks += [self._follower(f, head) for f in self.followers]
            if self.pending is not None:
                checks.append(self._commands_waiting())
        if self.connectors is not None:
            checks.append(self._connectors(self.connectors))
        ready = all(c.ok for c in checks if c.required)
        problems = [f"{c.name}: {c.reason}" for c in checks if not c.ok]
        status = "not ready" if not ready else "degraded" if problems else "ready"
        return {
            "ready": ready,
            "status": status,
            "message": f"{status}: {'; '.join(problems)}" if problems else status,
            "log_position": head,
            "checks": [c.as_dict() for c in checks],
        }

    def lags(self) -> list[tuple[str, int, float]]:
        """(follower, events behind, seconds behind) of each follower, for the metrics."""
        head = self.events.head_position()
        out = []
        for follower in self.followers:
            check = self._follower(follower, head)
            out.append((follower.name, check.lag_events or 0, check.lag_seconds or 0.0))
        return out

    def _store(self, name: str, read: Callable[[], Any]) -> tuple[Check, Any]:
        started = time.perf_counter()
        try:
            value = read()
        except Exception as exc:  # noqa: BLE001 - any failure is what readiness reports
            log.warning("ready: %s failed: %s", name, exc)
            return Check(name, False, True, _ms(started), f"cannot be read ({_words(exc)})"), None
        return Check(name, True, True, _ms(started)), value

    def _part(self, name: str, health: Callable[[], dict[str, Any]]) -> Check:
        started = time.perf_counter()
        report = health()
        reason = "" if report.get("ok") else str(report.get("reason") or "failing")
        return Check(name, bool(report.get("ok")), False, _ms(started), reason)

    def _follower(self, follower: Follower, head: int) -> Check:
        started = time.perf_counter()
        try:
            position = follower.position()
            behind = max(0, head - position)
            seconds = self._age_after(position) if behind else 0.0
        except Exception as exc:  # noqa: BLE001
            reason = f"its position cannot be read ({_words(exc)})"
            return Check(follower.name, False, follower.required, _ms(started), reason)
        reason = ""
        if follower.running is not None and not follower.running():
            reason = "not running in this process"
        elif follower.failing is not None and follower.failing():
            reason = "its last step failed (see the log); it retries"
        elif seconds > self.max_lag_seconds:
            reason = (
                f"{behind} events behind, the oldest waiting {seconds:.0f}s "
                f"(more than {self.max_lag_seconds:g}s)"
            )
        return Check(
            follower.name,
            not reason,
            follower.required,
            _ms(started),
            reason,
            behind,
            round(seconds, 3),
        )

    def _commands_waiting(self) -> Check:
        assert self.pending is not None
        started = time.perf_counter()
        try:
            oldest = self.pending.oldest_waiting(self.events.head_position())
        except Exception as exc:  # noqa: BLE001
            reason = f"cannot be read ({_words(exc)})"
            return Check("command workers", False, True, _ms(started), reason)
        seconds = 0.0 if oldest is None else max(0.0, self.clock() - epoch_of(oldest))
        reason = ""
        if seconds > self.max_lag_seconds:
            reason = (
                f"a command accepted {seconds:.0f}s ago has not run (more than "
                f"{self.max_lag_seconds:g}s): are the relay and `spice worker commands` running?"
            )
        return Check("command workers", not reason, True, _ms(started), reason, None, seconds)

    def _connectors(self, states: SyncStates) -> Check:
        started = time.perf_counter()
        try:
            found = states.all()
        except Exception as exc:  # noqa: BLE001
            reason = f"cannot be read ({_words(exc)})"
            return Check("connectors", False, False, _ms(started), reason)
        now = self.clock()
        failing = [
            f"{s.database}/{s.connector} failing for {now - s.failing_since:.0f}s ({s.last_error})"
            for s in found
            if s.failing_since is not None and now - s.failing_since > self.failing_for
        ]
        return Check("connectors", not failing, False, _ms(started), "; ".join(failing)[:1000])

    def _age_after(self, position: int) -> float:
        """Seconds since the first event after `position` was written."""
        following = self.events.read_all(position, 1)
        if not following:
            return 0.0
        return max(0.0, self.clock() - epoch_of(following[0].occurred_at))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _words(exc: Exception) -> str:
    """An exception as a short phrase: its kind and first line, not a traceback."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = type(exc).__name__
    return f"{kind}: {first[:160]}" if first else kind
