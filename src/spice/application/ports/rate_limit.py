"""The rate limiter port: how many requests a client may make, by the generic cell rate
algorithm (GCRA, a token bucket kept as one timestamp per client).

A client may send `burst` requests at once, then one every `1 / rate` seconds. Each client has
a "theoretical arrival time" (TAT): the moment its bucket would be full again. A request of
`cost` moves the TAT by `cost / rate`; it is refused when that would put the TAT more than
`burst / rate` ahead of now. Stores keep only the TAT, so one atomic read-and-write decides.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    """Whether a request may go ahead, and when to retry if not."""

    allowed: bool
    limit: int  # the burst
    remaining: int  # requests that could follow at once
    retry_after: float  # seconds until this request would be allowed (0 when it is)
    reset_after: float  # seconds until the bucket is full again


@dataclass(frozen=True)
class RateLimit:
    """Requests per second and burst allowed per client."""

    rate: float  # requests per second, sustained
    burst: int  # requests at once

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        return self.interval * self.burst

    def decide(self, tat: float, now: float, cost: int) -> tuple[RateDecision, float]:
        """The decision for a request at `now` given the stored `tat`, and the new TAT."""
        tat = max(tat, now)
        new_tat = tat + self.interval * cost
        allow_at = new_tat - self.tolerance
        if now < allow_at:
            return RateDecision(False, self.burst, 0, allow_at - now, tat - now), tat
        return self.allowed(new_tat - now), new_tat

    def allowed(self, reset_after: float) -> RateDecision:
        # Tiny float errors must not cost a whole request.
        remaining = math.floor((self.tolerance - reset_after) / self.interval + 1e-9)
        return RateDecision(True, self.burst, max(0, remaining), 0.0, reset_after)


class RateLimiter(ABC):
    """Counts requests per client key (GCRA): in this process, or shared through a store."""

    def __init__(self, limit: RateLimit) -> None:
        if limit.rate <= 0 or limit.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.limit = limit

    @abstractmethod
    def hit(self, key: str, cost: int = 1) -> RateDecision:
        """Count a request of `cost` by client `key`, unless it is refused."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
