"""Presence backends on their own: the in-process one and Redis, with node heartbeats."""

import asyncio

import pytest
from redis.asyncio import Redis

from app.devservices.redis_server import RedisServer
from app.live.presence import Presence, viewers_panel
from app.live.presence_backends import LocalPresenceBackend, RedisPresenceBackend
from app.live.pubsub.hub import Hub
from app.live.wire import presence_key, presence_nodes_key
from tests.diagnostics import watch_log


@pytest.fixture(scope="module")
def redis_url():
    """A real redis-server for this module."""
    with RedisServer() as server:
        watch_log("redis", server.log_path)
        yield server.url


@pytest.fixture(params=["local", "redis"])
async def backend(request, redis_url):
    """Each backend, empty."""
    if request.param == "local":
        yield LocalPresenceBackend()
        return
    client = Redis.from_url(redis_url)
    await client.flushall()
    yield RedisPresenceBackend(client, "node-a", ttl=30)
    await client.aclose()


async def test_tracked_connections_are_listed_until_untracked(backend):
    await backend.track("videos:1", "c1", 7)
    await backend.track("videos:1", "c2", None)
    await backend.track("videos:2", "c3", 8)
    assert sorted(await backend.entries("videos:1"), key=str) == [("c1", 7), ("c2", None)]
    await backend.untrack("videos:1", "c1")
    assert await backend.entries("videos:1") == [("c2", None)]


async def test_the_entries_of_many_topics_are_read_at_once(backend):
    await backend.track("videos:1", "c1", 7)
    await backend.track("videos:1", "c2", None)
    await backend.track("videos:2", "c3", 8)
    found = await backend.entries_for(["videos:1", "videos:2", "videos:3"])
    assert sorted(found["videos:1"], key=str) == [("c1", 7), ("c2", None)]
    assert (found["videos:2"], found["videos:3"]) == ([("c3", 8)], [])


async def test_the_entries_of_many_topics_include_every_nodes(redis_url):
    client = Redis.from_url(redis_url)
    await client.flushall()
    node_a = RedisPresenceBackend(client, "node-a", ttl=30)
    node_b = RedisPresenceBackend(client, "node-b", ttl=30)
    await node_a.track("videos:1", "a1", 7)
    await node_b.track("videos:1", "b1", 8)
    await node_b.track("videos:2", "b2", None)
    found = await node_a.entries_for(["videos:1", "videos:2"])
    assert sorted(found["videos:1"]) == [("a1", 7), ("b1", 8)] and found["videos:2"] == [("b2", None)]
    await client.aclose()


async def test_watching_counts_each_user_once_and_each_guest_tab(backend):
    presence = Presence(backend, Hub(), pubsub=None, coalesce=1, heartbeat=1)
    for connection, user_id in [("c1", 7), ("c2", 7), ("c3", 8), ("c4", None), ("c5", None)]:
        await backend.track("videos:1", connection, user_id)
    await backend.track("videos:2", "c6", 7)
    assert await presence.watching(["videos:1", "videos:2", "videos:3"]) == {
        "videos:1": 4, "videos:2": 1, "videos:3": 0}


async def test_clear_removes_this_nodes_entries(backend):
    await backend.track("videos:1", "c1", 7)
    await backend.clear()
    assert await backend.entries("videos:1") == []


async def expiry_of(expired, key: str) -> None:
    """Wait until Redis announces, on the subscribed expiry events, that the key expired."""
    async with asyncio.timeout(20):
        while True:
            message = await expired.get_message(ignore_subscribe_messages=True, timeout=20)
            if message and message["data"].decode() == key:
                return


async def test_a_node_whose_heartbeat_stops_has_its_entries_expire(redis_url):
    client = Redis.from_url(redis_url)
    expired = client.pubsub()
    try:
        await client.flushall()
        await client.config_set("notify-keyspace-events", "Ex")  # announce every expired key
        await expired.subscribe("__keyevent@0__:expired")
        alive = RedisPresenceBackend(client, "alive", ttl=30)
        crashed = RedisPresenceBackend(client, "crashed", ttl=1)
        await alive.track("videos:9", "a1", 1)
        await crashed.track("videos:9", "c1", 2)
        assert len(await alive.entries("videos:9")) == 2
        await expiry_of(expired, presence_key("videos:9", "crashed"))  # it never beats again
        assert await alive.entries("videos:9") == [("a1", 1)]
        assert await client.smembers(presence_nodes_key("videos:9")) == {b"alive"}
        # A beat rewrites the node's entries with a fresh expiry, even once they are gone.
        await client.delete(presence_key("videos:9", "alive"))
        await alive.heartbeat()
        assert await alive.entries("videos:9") == [("a1", 1)]
        assert 0 < await client.ttl(presence_key("videos:9", "alive")) <= 30
    finally:
        await expired.aclose()
        await client.aclose()


def test_the_panel_lists_each_user_once_with_tabs_sorted_and_counts_guests():
    entries = [("1", 2), ("2", 1), ("3", 2), ("4", None), ("5", None)]
    panel = viewers_panel(entries, {1: "Zoe", 2: "adam"})
    assert panel.index("adam (2)") < panel.index("Zoe (1)")
    assert "and 2 guests" in panel and 'hx-target="#user-list"' in panel


def test_the_panels_coalescing_window_grows_with_the_audience_past_a_thousand():
    presence = Presence(LocalPresenceBackend(), Hub(), pubsub=None, coalesce=0.25, heartbeat=1)
    for viewers, window in ((0, 0.25), (1, 0.25), (1000, 0.25), (2000, 0.5), (20000, 5.0)):
        presence._local["videos:1"] = viewers
        assert presence.window("videos:1") == pytest.approx(window)
