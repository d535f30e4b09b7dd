"""Per-user token buckets for posting: a burst, then a steady rate, across all their tabs."""

import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.live.wire import rate_key

log = logging.getLogger("videologue.live")

# KEYS[1] = bucket; ARGV = burst, per_second, now. Returns 1 when a token was taken.
# A rate of 0 never refills: the bucket is kept for a day, then starts full again.
_TAKE = """
local burst, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= 1 then tokens = tokens - 1; taken = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], rate > 0 and math.ceil(burst / rate) + 1 or 86400)
return taken
"""


class RateLimiter(Protocol):
    """Decides whether a user (or, for a budget kept per address, an address) may act now."""

    async def allow(self, user_id: int | str) -> bool:
        """Take a token from the user's bucket, if there is one."""


class LocalRateLimiter:
    """Token buckets kept in this process (one node)."""

    def __init__(self, burst: int, per_second: float) -> None:
        self._burst, self._rate = burst, per_second
        self._buckets: dict[int | str, tuple[float, float]] = {}

    async def allow(self, user_id: int | str) -> bool:
        """Take a token from the user's bucket, if there is one."""
        now = time.monotonic()
        tokens, at = self._buckets.get(user_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        allowed = tokens >= 1
        self._buckets[user_id] = (tokens - 1 if allowed else tokens, now)
        if len(self._buckets) > 100_000:  # forget full buckets now and then
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self._burst}
        return allowed


class RedisRateLimiter:
    """Token buckets in Redis, so the limit holds across every node.

    While Redis is unreachable the limit holds per node instead, so posting keeps working.
    """

    def __init__(self, redis: Redis, burst: int, per_second: float, budget: str = "posts") -> None:
        self._burst, self._rate, self._budget = burst, per_second, budget
        self._take = redis.register_script(_TAKE)
        self._fallback = LocalRateLimiter(burst, per_second)

    async def allow(self, user_id: int | str) -> bool:
        """Take a token from the user's shared bucket, if there is one."""
        try:
            taken = await self._take(keys=[rate_key(user_id, self._budget)],
                                     args=[self._burst, self._rate, time.time()])
        except (RedisError, OSError):
            log.warning("rate limit store unreachable; limiting on this node alone")
            return await self._fallback.allow(user_id)
        return bool(taken)
