"""Redis rate limiter: every API process shares one TAT per client, decided by a Lua script
(atomic in Redis, on Redis's clock, so the processes' clocks do not matter). The key expires
when the bucket is full again. Times are integer microseconds."""

from __future__ import annotations

import logging

import redis

from spice.adapters.distributed.redis_command_status import split_prefix
from spice.application.ports.rate_limit import RateDecision, RateLimit, RateLimiter
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)
MICROS = 1_000_000

GCRA = """
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval * cost
local allow_at = new_tat - tolerance
if now < allow_at then
  return {0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.floor((new_tat - now) / 1000) + 1)
return {1, 0, new_tat - now}
"""


class RedisRateLimiter(RateLimiter):
    """Raises `Unavailable` when Redis cannot be reached (the API then lets requests in)."""

    def __init__(self, url: str, limit: RateLimit) -> None:
        super().__init__(limit)
        url, self.prefix = split_prefix(url)
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(GCRA)

    def hit(self, key: str, cost: int = 1) -> RateDecision:
        interval = round(self.limit.interval * MICROS)
        args = [interval, interval * self.limit.burst, cost]
        try:
            allowed, retry_after, reset_after = self._script(
                keys=[f"{self.prefix}:rate:{key}"], args=args
            )
        except redis.RedisError as exc:
            raise Unavailable(f"Redis failed: {exc}") from exc
        if not allowed:
            return RateDecision(
                False, self.limit.burst, 0, retry_after / MICROS, reset_after / MICROS
            )
        return self.limit.allowed(reset_after / MICROS)

    def delete_all(self) -> None:
        """Remove every key under this limiter's prefix (tests use a prefix each)."""
        for key in self._redis.scan_iter(match=f"{self.prefix}:rate:*", count=500):
            self._redis.delete(key)

    def close(self) -> None:
        self._redis.close()
