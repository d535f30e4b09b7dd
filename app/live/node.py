"""This node's live service: hub, relay between nodes, rate limits and presence, started with the app."""

import asyncio
import itertools
import os

from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from app.live import metrics, revocation
from app.live.presence import Presence
from app.live.presence_backends import LocalPresenceBackend, RedisPresenceBackend
from app.live.pubsub.hub import Hub, Member
from app.live.pubsub.relay import Relay
from app.live.ratelimit import LocalRateLimiter, RateLimiter, RedisRateLimiter
from app.live.sequencer import Sequencer
from app.live.wire import REDIS_PREFIX, video_of_topic
from app.redis_client import connect_redis
from app.settings import Settings


class LiveService:
    """Everything the sockets of this node share."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Workers of one `python -m app --workers N` share NODE_ID; the pid keeps their entries apart.
        self.node_id = f"{settings.node_id}.{os.getpid()}"
        self.hub = Hub()
        self.sequencer = Sequencer(self.hub, settings.replay_batch, settings.live_backlog,
                                   settings.reaction_window)
        self.redis = connect_redis(settings.redis_url) if settings.redis_url else None
        # Pub/sub gets a client that does not retry by itself: a dropped subscription must reach
        # the relay, which resubscribes and has every viewer catch up on what it missed.
        self._pubsub_redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        self.relay = Relay(self._make_backend, self.sequencer.deliver, self.resync)
        # Publishing is the relay's own (PubSub.publish): a broadcast makes no stop here.
        self.publish = self.relay.publish
        self.rate_limiter = self._limiter(settings.annotation_burst, settings.annotation_per_second,
                                          "posts")
        self.reaction_limiter = self._limiter(settings.reaction_burst, settings.reaction_per_second,
                                              "reactions")
        # Every guest at one address shares this budget, beside each guest's own: making
        # guests over and over gains no speed.
        self.guest_address_limiter = self._limiter(settings.guest_address_burst,
                                                   settings.guest_address_per_second, "guest-address")
        if self.redis is not None:
            backend = RedisPresenceBackend(self.redis, self.node_id, settings.presence_ttl)
        else:
            backend = LocalPresenceBackend()
        self.presence = Presence(backend, self.hub, self, settings.presence_coalesce,
                                 settings.presence_heartbeat)
        metrics.observe_presence(self.presence)
        self._subscribing: dict[str, asyncio.Task] = {}
        self._rechecking: asyncio.Task | None = None  # revocation.recheck after an outage
        self._connections = itertools.count(1)

    def _limiter(self, burst: int, per_second: float, budget: str) -> RateLimiter:
        """A per-user budget shared by every node through Redis, or kept in this process."""
        if self.redis is not None:
            return RedisRateLimiter(self.redis, burst, per_second, budget)
        return LocalRateLimiter(burst, per_second)

    def connection_id(self) -> str:
        """A new id for a connection, unique across nodes."""
        return f"{self.node_id}:{next(self._connections)}"

    def _make_backend(self) -> ChannelsBackend:
        if self.redis is None:
            return MemoryChannelsBackend()
        return RedisChannelsPubSubBackend(redis=self._pubsub_redis, key_prefix=REDIS_PREFIX)

    async def start(self) -> None:
        """Connect to the pub/sub backend and start presence heartbeats."""
        await self.relay.start()
        await self.presence.start()

    async def ping_redis(self) -> None:
        """Ask Redis for a PONG when this node uses it; raises when Redis cannot answer."""
        if self.redis is not None:
            await self.redis.ping()

    async def stop(self) -> None:
        """Clear this node's presence, then disconnect from the pub/sub backend.

        The app's shutdown calls it last: on SIGTERM uvicorn first stops accepting and closes
        every open socket with 1012 (pages reconnect and resume from their cursor), then waits
        for their handlers, so each channel has left and every post it took is stored and
        published before the pub/sub goes (tests/live/test_shutdown.py).
        """
        await self.presence.stop()
        if self._rechecking is not None:
            self._rechecking.cancel()
        await self.relay.stop()
        if self.redis is not None:
            await self.redis.aclose()
            await self._pubsub_redis.aclose()

    async def subscribe(self, topic: str, member: Member) -> None:
        """Add a local member to a topic, subscribing this node to it first if need be."""
        if self.hub.join(topic, member):
            self._subscribing[topic] = asyncio.create_task(self._open(topic))
        task = self._subscribing.get(topic)
        if task is not None:
            try:
                await task
            finally:
                if self._subscribing.get(topic) is task:
                    del self._subscribing[topic]

    async def _open(self, topic: str) -> None:
        """Receive a topic's messages on this node; a video's changes are then ordered from
        its current change number, before any viewer's replay reads the database."""
        await self.relay.subscribe(topic)
        video_id = video_of_topic(topic)
        if video_id is not None:
            await self.sequencer.track(topic, video_id)

    async def unsubscribe(self, topic: str, member: Member) -> None:
        """Remove a local member, unsubscribing this node when it was the topic's last."""
        if self.hub.leave(topic, member):
            self.sequencer.forget(topic)
            await self.relay.unsubscribe(topic)

    async def resync(self) -> None:
        """After a pub/sub outage, bring every local viewer up to date from the database, and
        close the sockets of those who may no longer watch (a revocation missed meanwhile), in
        the background: the relay goes back to delivering at once."""
        self.sequencer.catch_up()
        if self._rechecking is None or self._rechecking.done():
            self._rechecking = asyncio.create_task(revocation.recheck(self.hub))
