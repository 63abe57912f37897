"""Leader election by registry lease, on the in-memory and the PostgreSQL registry: one
process's follower runs while the other's waits, and the other takes over when the first
gives the lease back; each side is checked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.connectors.scheduler import RegistryLeadership
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.leader import run_as_leader
from spice.application.ports.consumer_registry import ConsumerRegistry
from tests.services import consumer_registry

LEASE = 1.0  # seconds; renewed every third of it


class Counting(LogFollower):
    def __init__(self, name: str) -> None:
        super().__init__(InMemoryEventStore(), idle_wait=0.01)
        self.name = name
        self.steps = 0

    def step(self) -> tuple[int, bool]:
        self.steps += 1
        return 0, False


@pytest.fixture(params=["memory", "postgres"])
def registry(request: pytest.FixtureRequest) -> Iterator[ConsumerRegistry]:
    with consumer_registry(request.param) as made:
        yield made


def _until(check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _lead(registry: ConsumerRegistry, owner: str, follower: Counting) -> threading.Event:
    stopped = threading.Event()
    args = (registry, "relay", owner, follower, stopped, LEASE)
    threading.Thread(target=run_as_leader, args=args, daemon=True).start()
    return stopped


def test_one_leader_at_a_time_and_a_hand_over(registry: ConsumerRegistry) -> None:
    a, b = Counting("a"), Counting("b")
    stop_a = _lead(registry, "a", a)
    _until(lambda: a.steps > 0, "a never became the leader")
    stop_b = _lead(registry, "b", b)
    try:
        before = a.steps
        time.sleep(2 * LEASE)  # several renewals of a's lease
        assert b.steps == 0, "b ran while a held the lease"
        assert a.steps > before, "a stopped working while it held the lease"
        stop_a.set()
        _until(lambda: b.steps > 0, "b did not take over after a gave the lease back")
        paused = a.steps
        time.sleep(0.3)
        assert a.steps == paused, "a kept running after it gave the lease back"
    finally:
        stop_a.set()
        stop_b.set()


def test_one_connector_scheduler_leads_and_another_takes_over(registry: ConsumerRegistry) -> None:
    """Two processes' schedulers on one registry: one leads each round; when it gives the
    lease back, the other leads."""
    first = RegistryLeadership(registry, "api-1", LEASE)
    second = RegistryLeadership(registry, "api-2", LEASE)
    assert first.lead() is True
    assert second.lead() is False
    assert first.lead() is True  # renewed
    first.close()
    assert second.lead() is True
    assert first.lead() is False
