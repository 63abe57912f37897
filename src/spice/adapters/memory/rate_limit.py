"""In-process rate limiter: the TAT of each client in a dictionary (one API process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from spice.application.ports.rate_limit import RateDecision, RateLimit, RateLimiter

MAX_CLIENTS = 100_000
SWEEP_SECONDS = 1.0


class InMemoryRateLimiter(RateLimiter):
    """Past MAX_CLIENTS clients, at most once a second, clients whose buckets are full again
    are forgotten; if that is not enough, the ones that would be full soonest."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limit)
        self._clock = clock  # seconds; tests pass a clock they move by hand
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def hit(self, key: str, cost: int = 1) -> RateDecision:
        with self._lock:
            now = self._clock()
            decision, tat = self.limit.decide(self._tats.get(key, now), now, cost)
            self._tats[key] = tat
            if len(self._tats) > MAX_CLIENTS and now >= self._next_sweep:
                self._sweep(now)
            return decision

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + SWEEP_SECONDS
        kept = {k: t for k, t in self._tats.items() if t > now}
        if len(kept) > MAX_CLIENTS // 2:
            latest = sorted(kept.items(), key=lambda kv: kv[1])[-(MAX_CLIENTS // 2) :]
            kept = dict(latest)
        self._tats = kept
