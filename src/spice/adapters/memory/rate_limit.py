"""In-process rate limiter: the TAT of each client in a dictionary (one API process)."""

from __future__ import annotations

import threading
import time

from spice.application.ports.rate_limit import RateDecision, RateLimit, RateLimiter

MAX_CLIENTS = 100_000  # past this, clients whose buckets are full again are forgotten


class InMemoryRateLimiter(RateLimiter):
    def __init__(self, limit: RateLimit) -> None:
        super().__init__(limit)
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, cost: int = 1) -> RateDecision:
        with self._lock:
            now = time.monotonic()
            decision, tat = self.limit.decide(self._tats.get(key, now), now, cost)
            self._tats[key] = tat
            if len(self._tats) > MAX_CLIENTS:
                self._tats = {k: t for k, t in self._tats.items() if t > now}
            return decision
