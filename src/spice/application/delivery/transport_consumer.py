"""A handler fed by a transport topic: at-least-once delivery, effects at most once.

Each message is claimed in the consumer registry before it is handled (DUPLICATE and STALE
ones are skipped, one leased by another worker is tried later) and completed after. A
failure does not hold up its partition: the message is re-published to the retry topic with
a time before which it is not tried again, and after `max_attempts` it goes to the dead-letter
topic. Offsets are committed only up to the first message not finished, and only after what
was re-published is acknowledged, so a crash at any point loses nothing.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from spice.application.log.serialization import envelope_from_bytes
from spice.application.ports.consumer_registry import (
    CLAIMED,
    IN_PROGRESS,
    Claim,
    ConsumerRegistry,
)
from spice.application.ports.transport import (
    Message,
    Partition,
    Subscription,
    Transport,
    dlq_topic,
    retry_topic,
)
from spice.domain.envelope import EventEnvelope

log = logging.getLogger(__name__)

ATTEMPT = "spice-attempt"  # failed attempts so far
NOT_BEFORE = "spice-not-before"  # epoch seconds; a retry waits until then
ORIGIN = "spice-origin-topic"
ERROR = "spice-error"
DEAD_AT = "spice-dead-at"  # epoch nanoseconds the message was dead-lettered


# The handler (and, with the prefix, the consumer group) of the command workers.
COMMAND_WORKERS = "command-worker"


@dataclass(order=True)
class _Held:
    due: float
    message: Message = field(compare=False)


@dataclass
class ConsumerStats:
    """What a transport consumer did: handled, duplicates, retried, dead-lettered."""

    handled: int = 0
    skipped: int = 0
    retried: int = 0
    dead_lettered: int = 0


class _Offsets:
    """Per partition: offsets received and not finished, and the next offset to commit."""

    def __init__(self) -> None:
        self.open: dict[Partition, set[int]] = {}
        self.seen: dict[Partition, int] = {}

    def received(self, m: Message) -> None:
        part = (m.topic, m.partition)
        self.open.setdefault(part, set()).add(m.offset)
        self.seen[part] = max(self.seen.get(part, -1), m.offset)

    def finished(self, m: Message) -> None:
        self.open.get((m.topic, m.partition), set()).discard(m.offset)

    def committable(self) -> dict[Partition, int]:
        return {p: min(self.open[p]) if self.open.get(p) else s + 1 for p, s in self.seen.items()}

    def forget(self, parts: list[Partition]) -> None:
        for part in parts:
            self.open.pop(part, None)
            self.seen.pop(part, None)


class TransportConsumer:
    """Runs `handle` for every envelope of `topic` (and of its retry topic), each topic in
    a consumer group of its own (`Transport.group`), the members named after `owner`.

    With `handle_batch`, the messages due from one poll are claimed together, handed over
    together (in the order polled: a partition's order is kept) and completed together; it
    must record a failure of one envelope itself (the command executor records a refused
    command's failure in the log), and whatever it raises fails the whole batch (each
    message is retried as after a failure of its own). A message claimed before and never
    completed (a retry, or a worker that died in its batch) is handled alone."""

    def __init__(
        self,
        transport: Transport,
        registry: ConsumerRegistry,
        handler: str,
        topic: str,
        handle: Callable[[EventEnvelope], object],
        owner: str,
        *,
        max_attempts: int = 5,
        backoff: float = 0.5,
        lease_seconds: float = 30.0,
        version_guard: bool = False,
        handle_batch: Callable[[list[EventEnvelope]], object] | None = None,
    ) -> None:
        self.transport = transport
        self.registry = registry
        self.handler = handler
        self.topic = topic
        self.handle = handle
        self.handle_batch = None if version_guard else handle_batch
        self.owner = owner
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lease_seconds = lease_seconds
        self.version_guard = version_guard
        self.stats = ConsumerStats()
        self._held: list[_Held] = []
        self._offsets = _Offsets()
        self._current: list[str] = []
        self._stop = threading.Event()
        self._subs: dict[str, Subscription] = {}

    def run(self, batch_size: int = 100, poll: float = 0.2) -> None:
        """Consume until `stop()`; commits what was finished before returning."""
        topics = [self.topic, retry_topic(self.topic)]
        self._subs = subs = {
            topic: self.transport.subscribe(
                self.transport.group(self.handler, topic),
                [topic],
                on_revoke=self._revoked,
                member=self.owner,
            )
            for topic in topics
        }
        beat = threading.Thread(target=self._heartbeat, name=f"{self.handler}-lease", daemon=True)
        beat.start()
        committed: dict[Partition, int] = {}
        try:
            while not self._stop.is_set():
                due: list[Message] = []
                # The main topic waits for messages; the retry topic is only looked at.
                for topic, wait in zip(topics, (poll, 0.0), strict=True):
                    for message in subs[topic].poll(batch_size, wait):
                        self._offsets.received(message)
                        not_before = float(message.headers.get(NOT_BEFORE, 0))
                        if not_before > time.time():
                            heapq.heappush(self._held, _Held(not_before, message))
                        else:
                            due.append(message)
                while self._held and self._held[0].due <= time.time():
                    due.append(heapq.heappop(self._held).message)
                self._process_all(due)
                self.transport.flush(self._stop.is_set)
                offsets = self._offsets.committable()
                moved = {p: o for p, o in offsets.items() if committed.get(p) != o}
                for topic, sub in subs.items():
                    sub.commit({p: o for p, o in moved.items() if p[0] == topic})
                committed.update(moved)
        finally:
            self._stop.set()
            for sub in subs.values():
                sub.close()

    def _process_all(self, messages: list[Message]) -> None:
        if self.handle_batch is None:
            for message in messages:
                self._process(message)
            return
        decoded = self._decoded_once(messages)
        if not decoded:
            return
        claims = self.registry.claim_many(
            self.handler, list(decoded), self.owner, self.lease_seconds
        )
        claimed: list[tuple[Message, EventEnvelope, int]] = []
        for event_id, (message, envelope) in decoded.items():
            claim = claims[event_id]
            attempt = self._admitted(message, event_id, claim)
            if attempt is None:
                continue
            if claim.attempts > 1:
                # Claimed before and not completed: it may be the message that killed a
                # worker, so it runs alone and cannot take its batch down with it again.
                self._handle_one(message, envelope, attempt)
            else:
                claimed.append((message, envelope, attempt))
        if not claimed:
            return
        ids = [envelope.event_id for _, envelope, _ in claimed]
        self._current.extend(ids)
        try:
            self.handle_batch([envelope for _, envelope, _ in claimed])
            self.registry.complete_many(self.handler, ids)
        except Exception as exc:  # noqa: BLE001 - each retried, then dead-lettered
            log.warning("%s: a batch of %d failed: %s", self.handler, len(claimed), exc)
            for message, envelope, attempt in claimed:
                error = f"{type(exc).__name__}: {exc}"
                self._failed(message, attempt + 1, error, envelope.event_id)
            return
        finally:
            for event_id in ids:
                self._current.remove(event_id)
        for message, _, _ in claimed:
            self.stats.handled += 1
            self._offsets.finished(message)

    def _decoded_once(self, messages: list[Message]) -> dict[str, tuple[Message, EventEnvelope]]:
        """Each message's envelope by event id, once: one that cannot be read is
        dead-lettered, a second delivery in the same poll is skipped."""
        decoded: dict[str, tuple[Message, EventEnvelope]] = {}
        for message in messages:
            envelope = self._decoded(message)
            if envelope is None:
                continue
            if envelope.event_id in decoded:  # delivered twice in one poll
                self.stats.skipped += 1
                self._offsets.finished(message)
                continue
            decoded[envelope.event_id] = (message, envelope)
        return decoded

    def _admitted(self, message: Message, event_id: str, claim: Claim) -> int | None:
        """The failed attempts so far when the claim lets this worker handle the message;
        None when it was skipped, put off or dead-lettered instead."""
        attempt = int(message.headers.get(ATTEMPT, 0))
        if claim.outcome == IN_PROGRESS:  # another worker has it; look again after its lease
            self._retry(message, attempt, self.lease_seconds / 2, "in progress elsewhere")
            return None
        if claim.outcome != CLAIMED:
            self.stats.skipped += 1
            self._offsets.finished(message)
            return None
        # Claims that never completed are attempts that killed their worker.
        attempt = max(attempt, claim.attempts - 1)
        if attempt >= self.max_attempts:
            self._dead_letter(message, "worker died handling it", event_id)
            return None
        return attempt

    def stop(self) -> None:
        self._stop.set()

    def assignment(self) -> list[Partition]:
        """The partitions of both topics this worker has now (none before it runs)."""
        return [part for sub in list(self._subs.values()) for part in sub.assignment()]

    def _revoked(self, parts: list[Partition]) -> None:
        # The partitions' next owner reads from their last commit; what we held is its now.
        gone = set(parts)
        self._held = [h for h in self._held if (h.message.topic, h.message.partition) not in gone]
        heapq.heapify(self._held)
        self._offsets.forget(parts)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            current = list(self._current)
            try:
                lost = self.registry.heartbeat(
                    self.handler, self.owner, current, self.lease_seconds
                )
            except Exception:  # noqa: BLE001 - the lease simply runs out; logged
                log.exception("%s: heartbeat failed", self.handler)
                continue
            if lost:
                log.warning("%s: lost the lease on %s", self.handler, sorted(lost))

    def _decoded(self, message: Message) -> EventEnvelope | None:
        """The message's envelope; None when it cannot be read (it is dead-lettered)."""
        try:
            return envelope_from_bytes(message.value)
        except (ValueError, KeyError, TypeError) as exc:
            self._dead_letter(message, f"undecodable message: {exc}", None)
            return None

    def _process(self, message: Message) -> None:
        envelope = self._decoded(message)
        if envelope is None:
            return
        guard = (envelope.aggregate_id, envelope.sequence_number) if self.version_guard else None
        claim = self.registry.claim(
            self.handler, envelope.event_id, self.owner, self.lease_seconds, *(guard or ())
        )
        attempt = self._admitted(message, envelope.event_id, claim)
        if attempt is not None:
            self._handle_one(message, envelope, attempt, guard)

    def _handle_one(
        self,
        message: Message,
        envelope: EventEnvelope,
        attempt: int,
        guard: tuple[str, int] | None = None,
    ) -> None:
        """Handle one claimed message, then complete it (or retry it after a failure)."""
        self._current.append(envelope.event_id)
        try:
            self.handle(envelope)
            self.registry.complete(self.handler, envelope.event_id, *(guard or ()))
        except Exception as exc:  # noqa: BLE001 - retried, then dead-lettered
            log.warning(
                "%s: %s failed (attempt %d): %s", self.handler, envelope.event_id, attempt + 1, exc
            )
            self._failed(message, attempt + 1, f"{type(exc).__name__}: {exc}", envelope.event_id)
            return
        finally:
            self._current.remove(envelope.event_id)
        self.stats.handled += 1
        self._offsets.finished(message)

    def _failed(self, message: Message, attempts: int, error: str, event_id: str) -> None:
        if attempts >= self.max_attempts:
            self._dead_letter(message, error, event_id)
            return
        self.registry.release(self.handler, event_id, self.owner)
        self._retry(message, attempts, self.backoff * 2 ** (attempts - 1), error)

    def _retry(self, message: Message, attempts: int, delay: float, error: str) -> None:
        headers = {
            **message.headers,
            ATTEMPT: str(attempts),
            NOT_BEFORE: f"{time.time() + delay:.3f}",
            ERROR: error[:500],
        }
        self.transport.publish(retry_topic(self.topic), message.key, message.value, headers)
        self.stats.retried += 1
        self._offsets.finished(message)

    def _dead_letter(self, message: Message, error: str, event_id: str | None) -> None:
        headers = {
            **message.headers,
            ORIGIN: self.topic,
            ERROR: error[:500],
            DEAD_AT: str(time.time_ns()),
        }
        headers.pop(NOT_BEFORE, None)
        self.transport.publish(dlq_topic(self.topic), message.key, message.value, headers)
        if event_id is not None:
            self.registry.release(self.handler, event_id, self.owner, forget=True)
        log.error("%s: message %s dead-lettered: %s", self.handler, event_id, error)
        self.stats.dead_lettered += 1
        self._offsets.finished(message)
