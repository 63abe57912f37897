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
    limiter = make(2.0, 3)
    decisions = [limiter.hit("client") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    refused = decisions[3]
    assert 0.3 < refused.retry_after <= 0.5  # one request every 0.5 s
    assert refused.limit == 3 and refused.remaining == 0


def test_the_bucket_refills_at_the_rate(make: Make) -> None:
    limiter = make(10.0, 2)
    assert all(limiter.hit("c").allowed for _ in range(2))
    assert not limiter.hit("c").allowed
    time.sleep(0.15)  # one request's worth (0.1 s) and a margin
    assert limiter.hit("c").allowed
    assert not limiter.hit("c").allowed


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
