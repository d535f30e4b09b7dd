"""Token buckets for throttles, taken all-or-none, in this process or shared through Redis.

Each bucket starts full (`Limit.burst` tokens) and refills one token every `Limit.every`
seconds. `take` takes one token from every named bucket, or none when any is empty, and says
how long until all of them have one; `give_back` returns a token an attempt did not use up.
The stores also remember short facts with an expiry (an address a user signed in from).
"""

import math
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from app.throttle.limits import Limit

Buckets = Sequence[tuple[str, Limit]]
# An attacker inventing usernames or addresses must not grow the process without bound: past
# this many keys, full buckets (the same as no bucket) and then the oldest ones are forgotten.
MAX_LOCAL_KEYS = 100_000


class ThrottleStore(Protocol):
    """Where buckets and remembered facts are kept."""

    async def take(self, buckets: Buckets) -> float:
        """Take a token from every bucket and return 0, or take none and return the seconds to wait."""

    async def give_back(self, buckets: Buckets) -> None:
        """Return one token to every bucket (never above its burst)."""

    async def remember(self, key: str, seconds: float) -> None:
        """Remember `key` for `seconds`."""

    async def remembers(self, key: str) -> bool:
        """Tell whether `key` is remembered."""

    async def close(self) -> None:
        """Release what the store holds open."""


def _refilled(state: tuple[float, float] | None, limit: Limit, now: float) -> float:
    tokens, at = state or (limit.burst, now)
    return min(limit.burst, tokens + max(0.0, now - at) / limit.every)


class LocalThrottleStore:
    """Buckets in this process: right for one process, per process for several."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._levels: dict[str, tuple[float, float]] = {}
        self._limits: dict[str, Limit] = {}
        self._facts: dict[str, float] = {}

    async def take(self, buckets: Buckets) -> float:
        """Take a token from every bucket and return 0, or take none and return the seconds to wait."""
        now = self._clock()
        levels = [_refilled(self._levels.get(key), limit, now) for key, limit in buckets]
        wait = max([(1 - tokens) * limit.every for tokens, (_, limit) in zip(levels, buckets, strict=True)
                    if tokens < 1], default=0.0)
        if not wait:
            self._store(buckets, [tokens - 1 for tokens in levels], now)
        return wait

    async def give_back(self, buckets: Buckets) -> None:
        """Return one token to every bucket (never above its burst)."""
        now = self._clock()
        self._store(buckets, [min(limit.burst, _refilled(self._levels.get(key), limit, now) + 1)
                              for key, limit in buckets], now)

    async def remember(self, key: str, seconds: float) -> None:
        """Remember `key` for `seconds`."""
        self._facts.pop(key, None)  # re-inserted last: the oldest facts are the first forgotten
        self._facts[key] = self._clock() + seconds
        if len(self._facts) > MAX_LOCAL_KEYS:
            now = self._clock()
            self._facts = _newest({k: t for k, t in self._facts.items() if t > now})

    async def remembers(self, key: str) -> bool:
        """Tell whether `key` is remembered."""
        return self._facts.get(key, -math.inf) > self._clock()

    async def close(self) -> None:
        """Nothing to release: the buckets go with the process."""

    def _store(self, buckets: Buckets, levels: list[float], now: float) -> None:
        for (key, limit), tokens in zip(buckets, levels, strict=True):
            self._levels.pop(key, None)
            self._levels[key], self._limits[key] = (tokens, now), limit
        if len(self._levels) > MAX_LOCAL_KEYS:
            self._levels = _newest({key: state for key, state in self._levels.items()
                                    if _refilled(state, self._limits[key], now) < self._limits[key].burst})
            self._limits = {key: self._limits[key] for key in self._levels}


def _newest(entries: dict) -> dict:
    """The newest half of MAX_LOCAL_KEYS entries, when there are still too many."""
    if len(entries) <= MAX_LOCAL_KEYS:
        return entries
    return dict(list(entries.items())[-(MAX_LOCAL_KEYS // 2):])
