"""The rate limiter port, in process and on Redis: bursts, refills, separate clients, and
one decision at a time under concurrent requests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from spice.adapters.distributed.redis_rate_limit import RedisRateLimiter
from spice.adapters.memory.rate_limit import InMemoryRateLimiter
from spice.application.ports.rate_limit import RateLimit, RateLimiter
from tests.clock import ManualClock
from tests.services import redis_prefix_url

Make = Callable[[float, int], RateLimiter]


@pytest.fixture(params=["memory", "redis"])
def make(request: pytest.FixtureRequest) -> Iterator[Make]:
    made: list[RateLimiter] = []

    def build(rate: float, burst: int) -> RateLimiter:
        limit = RateLimit(rate, burst)
        limiter: RateLimiter = (
            InMemoryRateLimiter(limit)
            if request.param == "memory"
            else RedisRateLimiter(redis_prefix_url(), limit)
        )
        made.append(limiter)
        return limiter

    yield build
    for limiter in made:
        if isinstance(limiter, RedisRateLimiter):
            limiter.delete_all()
        limiter.close()


def test_a_burst_is_allowed_then_refused_with_the_wait(make: Make) -> None:
    limiter = make(1.0, 3)  # one request a second: the four hits below take far less
    decisions = [limiter.hit("client") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    refused = decisions[3]
    assert 0 < refused.retry_after <= 1.0
    assert refused.limit == 3 and refused.remaining == 0


def test_the_bucket_refills_after_the_wait_it_names(make: Make) -> None:
    limiter = make(1.0, 1)
    assert limiter.hit("c").allowed
    refused = limiter.hit("c")
    assert not refused.allowed
    time.sleep(refused.retry_after + 0.05)  # the wait the limiter named, and a margin
    assert limiter.hit("c").allowed


def test_clients_have_buckets_of_their_own(make: Make) -> None:
    limiter = make(1.0, 1)
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_a_costly_request_counts_as_several(make: Make) -> None:
    limiter = make(1.0, 5)
    assert limiter.hit("c", cost=4).allowed
    assert not limiter.hit("c", cost=2).allowed
    assert limiter.hit("c", cost=1).allowed
    assert not limiter.hit("c", cost=6).allowed  # more than the burst: never at once


def test_concurrent_requests_get_exactly_the_burst(make: Make) -> None:
    limiter = make(0.01, 10)  # practically no refill during the test
    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(lambda _: limiter.hit("shared"), range(60)))
    assert sum(d.allowed for d in decisions) == 10


def test_a_limit_needs_a_rate_and_a_burst() -> None:
    with pytest.raises(ValueError):
        InMemoryRateLimiter(RateLimit(0, 5))
    with pytest.raises(ValueError):
        InMemoryRateLimiter(RateLimit(1, 0))


def test_exact_waits_and_refills_on_a_clock_moved_by_hand() -> None:
    clock = ManualClock(1000.0)
    limiter = InMemoryRateLimiter(RateLimit(2.0, 3), clock=clock)
    assert [limiter.hit("c").allowed for _ in range(3)] == [True, True, True]
    refused = limiter.hit("c")
    assert (refused.allowed, refused.retry_after, refused.reset_after) == (False, 0.5, 1.5)
    clock.now += 0.49
    assert not limiter.hit("c").allowed
    clock.now += 0.01
    allowed = limiter.hit("c")
    assert (allowed.allowed, allowed.remaining) == (True, 0)
    clock.now += 1.5  # full again
    assert limiter.hit("c").remaining == 2


def test_the_algorithm_on_explicit_times() -> None:
    """GCRA itself, as both adapters run it: one request every 1/rate, `burst` at once."""
    limit = RateLimit(10.0, 2)
    first, tat = limit.decide(0.0, 100.0, 1)
    assert (first.allowed, first.remaining, round(tat, 6)) == (True, 1, 100.1)
    second, tat = limit.decide(tat, 100.0, 1)
    assert (second.allowed, second.remaining, round(tat, 6)) == (True, 0, 100.2)
    third, same = limit.decide(tat, 100.0, 1)
    assert (third.allowed, round(third.retry_after, 6), same) == (False, 0.1, tat)
    fourth, _ = limit.decide(tat, 100.1, 1)
    assert fourth.allowed


def test_the_in_process_limiter_forgets_idle_clients_past_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("spice.adapters.memory.rate_limit.MAX_CLIENTS", 4)
    clock = ManualClock(1000.0)
    limiter = InMemoryRateLimiter(RateLimit(1.0, 1), clock=clock)
    for key in ("a", "b", "c", "d"):
        assert limiter.hit(key).allowed
    clock.now += 0.5  # all four are still within their window
    assert limiter.hit("e").allowed  # over the bound: keeps the two latest of those active
    assert not limiter.hit("e").allowed  # e is kept, and still limited
    assert limiter.hit("a").allowed is True  # a was swept out: starts afresh
    clock.now += 10  # the others fell idle: the next sweep forgets them
    for key in ("f", "g", "h", "i"):
        limiter.hit(key)
    assert set(limiter._tats) == {"f", "g", "h", "i"}
    assert limiter.hit("f").allowed is False  # the active ones keep their state
