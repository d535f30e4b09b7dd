"""Carries broadcasts between nodes through a Litestar channels backend, once per node."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from litestar.channels.backends.base import ChannelsBackend

from app.live.wire import Broadcast

log = logging.getLogger("videologue.live")
RETRY_DELAY = 1.0


class Relay:
    """Publishes through the backend and hands what arrives to `deliver` (the node's
    sequencer, in front of its hub), from one task per node.

    Litestar's ChannelsPlugin gives each subscriber its own queue and task; here the node
    subscribes once per topic and the hub fans out, so a post costs one wake-up per node.
    """

    def __init__(self, make_backend: Callable[[], ChannelsBackend],
                 deliver: Callable[[str, Broadcast], None],
                 on_resume: Callable[[], Awaitable[None]]) -> None:
        self._make_backend = make_backend
        self._deliver = deliver
        self._on_resume = on_resume
        self._backend = make_backend()
        self._subscribed: set[str] = set()
        self._task: asyncio.Task | None = None
        self._reconnecting = False

    async def start(self) -> None:
        """Connect the backend and start listening."""
        await self._backend.on_startup()
        self._task = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        """Stop listening and disconnect the backend."""
        if self._task:
            self._task.cancel()
            self._task = None
        try:
            await self._backend.on_shutdown()
        except Exception:
            log.exception("closing the pub/sub backend failed")

    async def publish(self, topic: str, broadcast: Broadcast) -> None:
        """Send a broadcast to every node's members of the topic, this node included."""
        await self._backend.publish(broadcast.encode(), [topic])

    async def subscribe(self, topic: str) -> None:
        """Start receiving a topic's messages on this node."""
        self._subscribed.add(topic)
        try:
            await self._backend.subscribe([topic])
        except Exception:
            log.warning("subscribing to %s failed; reconnecting to subscribe it", topic, exc_info=True)
            self._renew()

    async def unsubscribe(self, topic: str) -> None:
        """Stop receiving a topic's messages on this node."""
        self._subscribed.discard(topic)
        try:
            await self._backend.unsubscribe([topic])
        except Exception:
            log.warning("unsubscribing from %s failed; the backend will be renewed", topic)

    def _renew(self) -> None:
        """Reconnect after a failure the listening loop cannot see: a node with no topics is
        not reading its connection, so a Redis restart while it was idle shows only when it
        next subscribes. The reconnect subscribes every topic, then the loop listens again."""
        if self._reconnecting or self._task is None:
            return  # a reconnect under way subscribes every topic; a stopped relay stays so
        self._task.cancel()
        self._task = asyncio.create_task(self._reconnect_then_listen())

    async def _reconnect_then_listen(self) -> None:
        await self._reconnect()
        await self._listen()

    async def _listen(self) -> None:
        while True:
            try:
                async for topic, data in self._backend.stream_events():
                    self._deliver(topic, Broadcast.decode(data))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("pub/sub connection lost; reconnecting", exc_info=True)
                await self._reconnect()

    async def _reconnect(self) -> None:
        self._reconnecting = True
        try:
            while True:
                await asyncio.sleep(RETRY_DELAY)
                try:
                    self._backend = self._make_backend()
                    await self._backend.on_startup()
                    if self._subscribed:
                        await self._backend.subscribe(list(self._subscribed))
                    break
                except Exception:
                    log.warning("pub/sub backend still unavailable", exc_info=True)
        finally:
            self._reconnecting = False
        # Messages published while we were away are gone: viewers catch up from the database.
        await self._on_resume()
