"""How many uploads each user has arriving at once: counted in this process, or across nodes in Redis."""

import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.multimedia import UploadRefused

log = logging.getLogger("videologue.uploads")
REDIS_KEY = "videologue-uploads:{user_id}"

# KEYS[1] = the user's sorted set of slots, scored by when each lapses; ARGV = limit, now, lapses
# at, slot id. Forgets lapsed slots (their process died), then takes one if fewer than the limit.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIREAT', KEYS[1], math.ceil(tonumber(ARGV[3])))
return 1
"""


class UploadsInFlight(UploadRefused):
    """A user who already has as many uploads arriving as the site allows at once."""

    status = 429

    def __init__(self, limit: int) -> None:
        super().__init__(f"You already have {limit} uploads in progress, the most at once. "
                         "Wait for one to finish, then try again.")


class Slot(Protocol):
    """One upload's place among its user's uploads in flight."""

    async def renew(self) -> None:
        """Say the upload is still arriving (cheap: it acts at most once per lease period)."""


class UploadSlots(Protocol):
    """Hands out each user's places for uploads in flight."""

    limit: int

    def hold(self, user_id: int) -> AbstractAsyncContextManager[Slot]:
        """Hold a place while the upload arrives, or raise UploadsInFlight."""


class _LocalSlot:
    async def renew(self) -> None:
        """Nothing to renew: the count lives and dies with this process."""


class LocalUploadSlots:
    """Uploads in flight counted in this process: each worker and node allows its own `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: Counter[int] = Counter()

    @asynccontextmanager
    async def hold(self, user_id: int) -> AsyncIterator[Slot]:
        """Hold a place while the upload arrives, or raise UploadsInFlight."""
        if self._held[user_id] >= self.limit:
            raise UploadsInFlight(self.limit)
        self._held[user_id] += 1
        try:
            yield _LocalSlot()
        finally:
            self._held[user_id] -= 1
            if not self._held[user_id]:
                del self._held[user_id]


class _RedisSlot:
    def __init__(self, redis: Redis, key: str, slot_id: str, lease: float) -> None:
        self.redis, self.key, self.slot_id, self.lease = redis, key, slot_id, lease
        self.renewed = time.time()

    async def renew(self) -> None:
        """Push the slot's lapse time on, at most once a third of a lease."""
        if (now := time.time()) - self.renewed >= self.lease / 3:
            self.renewed = now
            try:
                await self.redis.zadd(self.key, {self.slot_id: now + self.lease}, xx=True)
                await self.redis.expireat(self.key, int(now + self.lease) + 1)
            except (RedisError, OSError):
                log.warning("upload slot store unreachable; the slot may lapse early")


class RedisUploadSlots:
    """Uploads in flight counted in Redis, so the limit holds across every worker and node.

    A slot lapses `lease` seconds after its upload last renewed it, so a process that died
    mid-upload frees its slots by itself. While Redis is unreachable, each process counts alone.
    """

    def __init__(self, redis: Redis, limit: int, lease: float) -> None:
        self.limit, self.lease = limit, lease
        self._redis = redis
        self._take = redis.register_script(_TAKE)
        self._fallback = LocalUploadSlots(limit)

    @asynccontextmanager
    async def hold(self, user_id: int) -> AsyncIterator[Slot]:
        """Hold a place while the upload arrives, or raise UploadsInFlight."""
        key, slot_id, now = REDIS_KEY.format(user_id=user_id), uuid.uuid4().hex, time.time()
        try:
            taken = await self._take(keys=[key], args=[self.limit, now, now + self.lease, slot_id])
        except (RedisError, OSError):
            log.warning("upload slot store unreachable; counting uploads in flight on this process")
            async with self._fallback.hold(user_id) as slot:
                yield slot
            return
        if not taken:
            raise UploadsInFlight(self.limit)
        try:
            yield _RedisSlot(self._redis, key, slot_id, self.lease)
        finally:
            try:
                await self._redis.zrem(key, slot_id)
            except (RedisError, OSError):
                log.warning("upload slot store unreachable; the slot lapses by itself")


def upload_slots(limit: int, read_timeout: float, redis: Redis | None) -> UploadSlots:
    """The slots for this app: shared through Redis when there is one.

    An upload that is still arriving sends a byte at least every read_timeout seconds (or is
    ended), and renews at most every lease / 3, so a lease of three read timeouts never lapses
    under a live upload.
    """
    if redis is None:
        return LocalUploadSlots(limit)
    return RedisUploadSlots(redis, limit, lease=3 * read_timeout)
