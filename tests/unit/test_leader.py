"""Leader election by registry lease: a registry that fails for a moment does not end the
leader's thread (the process would go on without doing its job)."""

from __future__ import annotations

import threading
import time
from typing import Any

from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.leader import run_as_leader
from spice.application.ports.consumer_registry import Claim


class FlakyRegistry(InMemoryConsumerRegistry):
    """Fails the first `failures` claims, as a registry whose database restarts would."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def claim(self, *args: Any, **kwargs: Any) -> Claim:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("registry away")
        return super().claim(*args, **kwargs)


class Counting(LogFollower):
    def __init__(self) -> None:
        super().__init__(InMemoryEventStore(), idle_wait=0.01)
        self.steps = 0

    def step(self) -> tuple[int, bool]:
        self.steps += 1
        return 0, False


def test_a_leader_survives_a_registry_that_fails_for_a_while() -> None:
    registry, follower, stopped = FlakyRegistry(failures=2), Counting(), threading.Event()
    thread = threading.Thread(
        target=run_as_leader, args=(registry, "role", "me", follower, stopped, 0.3), daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while follower.steps == 0:
            assert time.monotonic() < deadline, "the follower never ran"
            assert thread.is_alive()
            time.sleep(0.02)
        assert registry.failures == 0
    finally:
        stopped.set()
        thread.join(5)
    assert not thread.is_alive()
    # Stopping gave the lease back: another process can take it at once.
    assert registry.claim("leader", "role", "other", 0.3).outcome == "CLAIMED"
