"""Throttle buckets in Redis (a Lua script per operation), shared by every node."""

import logging
import math
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.throttle.buckets import Buckets, LocalThrottleStore

log = logging.getLogger("videologue.throttle")

# KEYS = buckets; ARGV = now, then each bucket's burst and seconds per token.
_LEVEL = """
local now = tonumber(ARGV[1])
local function level(i)
  local burst, every = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
  return math.min(burst, tokens + math.max(0, now - at) / every), burst, every
end
local function store(i, tokens, burst, every)
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', ARGV[1])
  redis.call('EXPIRE', KEYS[i], math.ceil(burst * every) + 1)
end
"""
# Returns the seconds to wait as a string (Lua numbers become integers on the way out).
_TAKE = _LEVEL + """
local levels, wait = {}, 0
for i = 1, #KEYS do
  local tokens, burst, every = level(i)
  levels[i] = tokens
  if tokens < 1 then wait = math.max(wait, (1 - tokens) * every) end
end
if wait > 0 then return tostring(wait) end
for i = 1, #KEYS do
  local _, burst, every = level(i)
  store(i, levels[i] - 1, burst, every)
end
return '0'
"""
_GIVE_BACK = _LEVEL + """
for i = 1, #KEYS do
  local tokens, burst, every = level(i)
  store(i, math.min(burst, tokens + 1), burst, every)
end
"""
PREFIX = "videologue:throttle:"


class RedisThrottleStore:
    """Buckets in Redis, shared by every node; while Redis is unreachable, per node instead."""

    def __init__(self, redis: Redis, clock: Callable[[], float] = time.time) -> None:
        self._redis, self._clock = redis, clock
        self._take, self._give_back = redis.register_script(_TAKE), redis.register_script(_GIVE_BACK)
        self._fallback = LocalThrottleStore(clock)

    async def take(self, buckets: Buckets) -> float:
        """Take a token from every bucket and return 0, or take none and return the seconds to wait."""
        try:
            return float(await self._take(keys=self._keys(buckets), args=self._args(buckets)))
        except (RedisError, OSError):
            log.warning("throttle store unreachable; throttling on this node alone")
            return await self._fallback.take(buckets)

    async def give_back(self, buckets: Buckets) -> None:
        """Return one token to every bucket (never above its burst)."""
        try:
            await self._give_back(keys=self._keys(buckets), args=self._args(buckets))
        except (RedisError, OSError):
            await self._fallback.give_back(buckets)

    async def remember(self, key: str, seconds: float) -> None:
        """Remember `key` for `seconds`."""
        try:
            await self._redis.set(PREFIX + key, 1, ex=math.ceil(seconds))
        except (RedisError, OSError):
            await self._fallback.remember(key, seconds)

    async def remembers(self, key: str) -> bool:
        """Tell whether `key` is remembered."""
        try:
            return bool(await self._redis.exists(PREFIX + key))
        except (RedisError, OSError):
            return await self._fallback.remembers(key)

    async def close(self) -> None:
        """Close the Redis client."""
        await self._redis.aclose()

    @staticmethod
    def _keys(buckets: Buckets) -> list[str]:
        return [PREFIX + key for key, _ in buckets]

    def _args(self, buckets: Buckets) -> list[float]:
        return [self._clock(), *(value for _, limit in buckets for value in (limit.burst, limit.every))]
