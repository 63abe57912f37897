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
from spice.application.ports.transport import Transport, dlq_topic

REPLAYER = "dlq-replay"


@dataclass(frozen=True)
class DeadLetter:
    """A message the transport consumer gave up on, with where it came from and why."""

    origin: str
    key: str
    error: str
    offset: int


def replay(
    transport: Transport, topic: str, idle: float = 3.0, dry_run: bool = False
) -> list[DeadLetter]:
    """Publish each dead letter of `topic` to its origin with a fresh count of attempts.

    Replayed letters are committed in a consumer group of their own, so running this twice
    does not replay them twice. Letters that die again while this runs are left for the next
    run. With `dry_run`, only lists them.
    """
    started = time.time_ns()
    sub = transport.subscribe(f"{transport.prefix}.{REPLAYER}", [dlq_topic(topic)])
    letters: list[DeadLetter] = []
    try:
        offsets: dict[tuple[str, int], int] = {}
        newer: set[tuple[str, int]] = set()
        while batch := sub.poll(500, idle):
            for m in batch:
                part = (m.topic, m.partition)
                if part in newer or int(m.headers.get(DEAD_AT, 0)) >= started:
                    newer.add(part)
                    continue
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
