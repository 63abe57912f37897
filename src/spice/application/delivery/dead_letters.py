"""Dead letters: list them, or send them back to the topic they came from."""

from __future__ import annotations

import time
from dataclasses import dataclass

from spice.application.delivery.transport_consumer import (
    ATTEMPT,
    DEAD_AT,
    ERROR,
    NOT_BEFORE,
    ORIGIN,
)
from spice.application.ports.transport import Partition, Transport, dlq_topic
from spice.domain.errors import Unavailable

REPLAYER = "dlq-replay"


@dataclass(frozen=True)
class DeadLetter:
    """A message the transport consumer gave up on, with where it came from and why."""

    origin: str
    key: str
    error: str
    offset: int


def replay(
    transport: Transport, topic: str, dry_run: bool = False, timeout: float = 60.0
) -> list[DeadLetter]:
    """Publish each dead letter of `topic` to its origin with a fresh count of attempts.

    The letters replayed are those the broker holds when this starts, read to those end
    offsets (no guessing from an empty poll). They are committed in a consumer group of
    their own, so running this twice does not replay them twice; letters that die again
    while this runs lie past those ends and are left for the next run. With `dry_run`,
    only lists them. `Unavailable` when the letters cannot all be read within `timeout`.
    """
    group = f"{transport.prefix}.{REPLAYER}"
    spans = transport.unread(group, dlq_topic(topic), timeout)
    if not spans:
        return []
    deadline = time.monotonic() + timeout
    sub = transport.subscribe(group, [dlq_topic(topic)])
    letters: list[DeadLetter] = []
    try:
        offsets: dict[Partition, int] = {}
        while len(offsets) < len(spans) or any(offsets[p] < spans[p][1] for p in spans):
            if time.monotonic() > deadline:
                raise Unavailable(f"could not read the dead letters of {topic} in {timeout:g}s")
            for m in sub.poll(500, 0.5):
                part = (m.topic, m.partition)
                if part not in spans or m.offset >= spans[part][1]:
                    continue  # dead after this replay began
                origin = m.headers.get(ORIGIN, topic)
                letters.append(DeadLetter(origin, m.key, m.headers.get(ERROR, ""), m.offset))
                offsets[part] = m.offset + 1
                if not dry_run:
                    headers = {
                        k: v
                        for k, v in m.headers.items()
                        if k not in (ATTEMPT, NOT_BEFORE, ORIGIN, ERROR, DEAD_AT)
                    }
                    transport.publish(origin, m.key, m.value, headers)
        if not dry_run:
            transport.flush()
            sub.commit(offsets)
    finally:
        sub.close()
    return letters
