"""The relay between nodes: a connection that failed while the node listened to nothing is
renewed when a topic is next subscribed, and the topic is subscribed on the new one."""

import asyncio

from app.live.pubsub import relay as relay_module
from app.live.pubsub.relay import Relay


class Backend:
    """A channels backend whose connection may be dead (`broken`), recording its topics."""

    def __init__(self, broken: bool, subscribed: asyncio.Event) -> None:
        self.broken = broken
        self.topics: list[str] = []
        self.subscribed = subscribed

    async def on_startup(self) -> None:
        pass

    async def on_shutdown(self) -> None:
        pass

    async def subscribe(self, channels) -> None:
        if self.broken:
            raise ConnectionError("Connection closed by server.")
        self.topics.extend(channels)
        self.subscribed.set()

    async def unsubscribe(self, channels) -> None:
        pass

    async def publish(self, data, channels) -> None:
        pass

    async def stream_events(self):
        # As Litestar's Redis backend does with no topics: it waits, never reading the socket.
        await asyncio.Event().wait()
        yield  # pragma: no cover


async def test_a_subscription_that_fails_on_an_idle_nodes_dead_connection_reconnects(monkeypatch):
    monkeypatch.setattr(relay_module, "RETRY_DELAY", 0)
    backends: list[Backend] = []
    resumed, subscribed = asyncio.Event(), asyncio.Event()

    def make_backend() -> Backend:
        # The first one's Redis restarted while this node listened to nothing.
        backends.append(Backend(not backends, subscribed))
        return backends[-1]

    async def on_resume() -> None:
        resumed.set()

    relay = Relay(make_backend, lambda topic, broadcast: None, on_resume)
    await relay.start()
    try:
        await relay.subscribe("videos:1")
        async with asyncio.timeout(10):
            await subscribed.wait()
            await resumed.wait()  # so every viewer catches up on what it missed meanwhile
        assert len(backends) == 2 and backends[1].topics == ["videos:1"]
    finally:
        await relay.stop()
