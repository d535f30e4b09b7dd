"""One socket's outgoing side: send at once when it can take it, else queue, bounded."""

import asyncio
import contextlib
import logging
from collections import deque

from litestar.types import Message, Send

from app.live import metrics
from app.live.transport.frames import DirectFrames
from app.live.wire import FELL_BEHIND, Close

log = logging.getLogger("videologue.live")


class Outbox:
    """Delivers prepared ASGI events to one socket without letting it slow anybody else."""

    __slots__ = ("_send", "_direct", "_limit", "_queue", "_draining", "closed")
    _path_reported = False  # the first socket of the process says which path broadcasts take

    def __init__(self, send: Send, limit: int) -> None:
        self._send = send
        self._direct = DirectFrames.behind(send)
        if not Outbox._path_reported:
            Outbox._path_reported = True
            _report_path(send, self._direct is not None)
        self._limit = limit
        self._queue: deque[Message] | None = None  # made only while the socket is behind
        self._draining: asyncio.Task | None = None
        self.closed = False

    def push(self, event: Message, frame: bytes | None = None) -> None:
        """Send the event now if the socket is ready, else queue it; close the socket on overflow.

        `frame` is the event's text as a whole WebSocket frame (frames.text_frame), shared by
        every viewer of a broadcast.
        """
        if self.closed:
            return
        if not self._queue and self._draining is None:
            if frame is not None and self._direct is not None and self._direct.write_frame(frame):
                return
            # uvicorn's websockets-sansio send() writes to the transport without suspending,
            # unless the transport is paused (its buffer over the high-water mark), and then it
            # suspends before writing anything. So drive it by hand: a broadcast reaches every
            # ready viewer in one pass with no task per viewer, and a paused one is queued.
            coroutine = self._send(event)
            try:
                coroutine.send(None)
            except StopIteration:
                return
            except Exception:
                self.closed = True
                return
            coroutine.close()
            self._queue = deque([event])
        elif len(self._queue or ()) >= self._limit:
            self.overflow()
            return
        else:
            self._queue = self._queue or deque()
            self._queue.append(event)
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._queue and not self.closed:
                await self._send(self._queue[0])
                self._queue.popleft()
        except Exception:
            self.closed = True
        finally:
            self._draining = None
            if not self._queue:
                self._queue = None  # caught up: an idle socket keeps no queue

    def overflow(self) -> None:
        """Close a socket that fell too far behind; it will rejoin and catch up from the database."""
        if not self.closed:
            log.info("closing a socket that fell more than %d messages behind", self._limit)
            metrics.OVERFLOW_CLOSES.inc()
        self.close(FELL_BEHIND)

    def close(self, why: Close) -> None:
        """Close the socket with a code, dropping what is still queued."""
        if self.closed:
            return
        self.closed = True
        self._queue = None
        if self._draining is not None:
            self._draining.cancel()
        asyncio.create_task(self._close(why))

    async def _close(self, why: Close) -> None:
        # The close frame waits behind what the transport already holds; a peer that never
        # reads again is dropped by uvicorn's ping timeout, which also ends this wait.
        with contextlib.suppress(Exception):
            await self._send({"type": "websocket.close", "code": why.code, "reason": why.reason})

    async def send_now(self, event: Message) -> None:
        """Send an event to this socket alone, in order with what is already queued."""
        if self.closed:
            return
        if self._queue or self._draining is not None:
            self.push(event)
            return
        try:
            await self._send(event)
        except Exception:
            self.closed = True


def _report_path(send: Send, direct: bool) -> None:
    """Say once per process whether broadcasts are written as prepared frames or through send()."""
    if direct:
        log.info("broadcast frames go straight into uvicorn's websockets-sansio protocol")
    else:
        # Still correct, only slower per viewer (docs/benchmarks.md): a uvicorn upgrade that wraps
        # its send, or another --ws implementation, must not make the fan-out slower unnoticed.
        log.warning("broadcasts go through the ASGI send (%s), not straight into uvicorn's "
                    "websockets-sansio protocol: slower per viewer; serve with --ws websockets-sansio",
                    getattr(send, "__qualname__", type(send).__name__))
