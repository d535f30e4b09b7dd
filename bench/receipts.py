"""Who received which marked post, when, and how often: the record every figure is computed from."""

import asyncio
import re
import time

MARKER = re.compile(rb'<span class="body">m(\d+)t(\d+)</span>')


class Receipts:
    """Every delivery of every marked post to the viewers: when it arrived and how often."""

    def __init__(self, viewers: int) -> None:
        self.viewers = viewers
        self.latencies: list[int] = []  # ns from the marker's send time, one per first delivery
        self.sent: dict[int, int] = {}  # post -> send time (ns) carried in its marker
        self.arrivals: dict[int, int] = {}  # post -> viewers that have it
        self.first: dict[int, int] = {}  # post -> when its first viewer got it
        self.last: dict[int, int] = {}  # post -> when its last viewer got it
        self.duplicates = 0
        self._waiters: dict[int, asyncio.Future] = {}

    def record(self, seen: set[int], payload: bytes, now: int) -> None:
        """Note each marked post in a frame one viewer received at `now`."""
        for match in MARKER.finditer(payload):
            post = int(match[1])
            if post in seen:
                self.duplicates += 1
                continue
            seen.add(post)
            sent = self.sent[post] = int(match[2])
            self.latencies.append(now - sent)
            self.last[post] = now
            count = self.arrivals[post] = self.arrivals.get(post, 0) + 1
            if count == 1:
                self.first[post] = now
            if count == self.viewers and post in self._waiters:
                self._waiters.pop(post).set_result(None)

    async def everyone_has(self, post: int, timeout: float) -> bool:
        """Wait until every viewer has the post; False on timeout."""
        if self.arrivals.get(post, 0) >= self.viewers:
            return True
        waiter = self._waiters[post] = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(waiter, timeout)
            return True
        except TimeoutError:
            self._waiters.pop(post, None)
            return False

    async def settle(self, expected: int, quiet: float = 10.0) -> None:
        """Wait until `expected` deliveries arrived, or none arrived for `quiet` seconds."""
        count, since = len(self.latencies), time.monotonic()
        while len(self.latencies) < expected and time.monotonic() - since < quiet:
            await asyncio.sleep(0.05)
            if len(self.latencies) != count:
                count, since = len(self.latencies), time.monotonic()
