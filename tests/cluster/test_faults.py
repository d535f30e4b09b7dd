"""Faults on a two-node cluster: a node killed, Redis restarted, PostgreSQL briefly gone.

Each test puts back what it broke, so the package's shared cluster stays whole. Processes are
stopped and started off the event loop, so the test's own sockets keep being served meanwhile.
"""

import asyncio
import os
import re
import signal

import pytest
from websockets.exceptions import ConnectionClosed

from app.live.wire import video_topic
from tests.cluster.conftest import eventually
from tests.live.test_socket import annotation_ids, cursor_after

POSTED = "#annotation-body"  # the author's "stored" reply replaces the annotate box


async def post_and_confirm(tab, body: str, at: int) -> str:
    """Post and return the author's own reply: the stored confirmation, or an error."""
    await tab.post(body, at=at)
    async with asyncio.timeout(30):
        while True:
            frame = await tab.frame()
            if POSTED in frame or 'hx-target="#live-error"' in frame:
                return frame


def with_cursor(url: str, cursor: int) -> str:
    """A watch page's socket URL as its page sends it on a reconnect: with the cursor it holds."""
    return re.sub(r"cursor=\d+", f"cursor={cursor}", url)


async def stored_bodies(cluster, video: int) -> list[str]:
    """The bodies of the video's annotations in the database, oldest first."""
    rows = await cluster.query("SELECT body FROM annotations WHERE video = $1 ORDER BY id", video)
    return [row["body"] for row in rows]


async def test_killing_a_node_loses_nothing_and_its_viewers_resume_on_the_other(
        cluster, browser, sockets):
    alice, bob = browser(), browser(cluster.b)
    alice_name, bob_name = await alice.register("alice"), await bob.register("bob")
    video = await alice.create_video()
    poster = await sockets(await alice.socket_url(cluster.a, video))
    guest_url_b = await browser(cluster.b).socket_url(cluster.b, video)
    guest = await sockets(await browser().socket_url(cluster.a, video))
    watcher = await sockets(await bob.socket_url(cluster.b, video))
    await watcher.panel_showing(f"{alice_name} (1)", f"{bob_name} (1)", "1 guest")
    for index in range(3):
        assert POSTED in await post_and_confirm(poster, f"before the crash {index}", index)
    held = await guest.frames_until("before the crash 2")

    await asyncio.to_thread(cluster.a.stop, signal.SIGKILL)
    try:
        # Node A's viewers leave the panel once its entries expire; node B carries on.
        await watcher.panel_showing(f"{bob_name} (1)", without=(alice_name, "guest"), timeout=30)
        assert await stored_bodies(cluster, video) == [f"before the crash {i}" for i in range(3)]
        bob_tab = await sockets(await bob.socket_url(cluster.b, video))
        assert POSTED in await post_and_confirm(bob_tab, "while A is down", 5000)
        await watcher.frames_until("while A is down")
        with pytest.raises(ConnectionClosed):
            await guest.frame(timeout=30)

        # The guest's page reconnects to node B with what it holds, and gets only what it missed.
        resumed = await sockets(with_cursor(guest_url_b, cursor_after(held)))
        frames = await resumed.frames_until("while A is down")
        assert len(annotation_ids(frames)) == 1 and "before the crash" not in "".join(frames)
        # A later post is a barrier: anything more the resume sent would arrive before it.
        await bob_tab.post("after the resume", at=6000)
        assert annotation_ids(await resumed.frames_before("after the resume")) == []
    finally:
        await asyncio.to_thread(cluster.a.start)


async def both_nodes_subscribed(redis, video: int) -> bool:
    """True once Redis has two subscribers (one per node) on the video's topic."""
    [(_, subscribers)] = await redis.pubsub_numsub(video_topic(video))
    return subscribers == 2


async def test_after_redis_restarts_broadcasts_resume_and_viewers_catch_up(
        cluster, browser, sockets, redis):
    alice = browser()
    await alice.register("alice")
    video = await alice.create_video()
    poster = await sockets(await alice.socket_url(cluster.a, video))
    watcher = await sockets(await browser(cluster.b).socket_url(cluster.b, video))
    await poster.post("before the outage", at=100)
    await watcher.frames_until("before the outage")

    await asyncio.to_thread(cluster.redis.kill)
    try:
        # Stored and confirmed even though no node can broadcast it right now.
        assert POSTED in await post_and_confirm(poster, "during the outage", 200)
    finally:
        await asyncio.to_thread(cluster.redis.start)
    frames = await watcher.frames_until("during the outage", timeout=30)
    assert len(annotation_ids(frames)) == 1

    # Each node resubscribes once it has reconnected; from then on a post reaches both.
    await eventually(lambda: both_nodes_subscribed(redis, video))
    await poster.post("after the restart", at=300)
    assert len(annotation_ids(await watcher.frames_until("after the restart"))) == 1
    # A later post is a barrier: a repeat of either earlier post would arrive before it.
    await poster.post("caught up", at=400)
    assert annotation_ids(await watcher.frames_before("caught up")) == []
    assert (await stored_bodies(cluster, video)).count("during the outage") == 1


async def test_a_database_outage_is_explained_to_the_author_and_stores_nothing(
        cluster, browser, sockets):
    alice = browser()
    alice_name = await alice.register("alice")
    video = await alice.create_video()
    poster = await sockets(await alice.socket_url(cluster.a, video))
    watcher = await sockets(await browser(cluster.b).socket_url(cluster.b, video))
    # Both joins are done (presence follows the replay) before the database goes away.
    await watcher.panel_showing(f"{alice_name} (1)", "1 guest")

    await asyncio.to_thread(cluster.postgres.stop)
    try:
        reply = await post_and_confirm(poster, "lost in the outage?", 100)
        assert "could not be saved" in reply
    finally:
        await asyncio.to_thread(cluster.postgres.start)
    assert await stored_bodies(cluster, video) == []

    # The database is back (start() waits until it accepts connections): the next post is stored.
    assert POSTED in await post_and_confirm(poster, "after the outage", 200)
    # It is also a barrier: anything the failed post sent the other viewers would come before it.
    assert await watcher.frames_before("after the outage") == []
    assert await stored_bodies(cluster, video) == ["after the outage"]


async def test_a_socket_whose_sign_out_message_was_lost_cannot_write(
        cluster, browser, sockets, redis):
    alice = browser()
    await alice.register("alice")
    video = await alice.create_video()
    on_a = await sockets(await alice.socket_url(cluster.a, video))
    await on_a.joined()
    # Node A frozen while Redis drops its subscription: the sign-out's message is published while
    # nobody on node A listens, so it is lost for good, as in a pub/sub reconnect at that moment.
    os.killpg(cluster.a.process.pid, signal.SIGSTOP)
    try:
        await redis.client_kill_filter(_type="pubsub")
        response = await alice.on(cluster.b).submit("/sign-out", {})
        assert response.status_code == 200
    finally:
        os.killpg(cluster.a.process.pid, signal.SIGCONT)
    await on_a.post("Written after signing out", at=100)
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(30):  # without the re-check, this times out
            while True:
                await on_a.socket.recv()
    assert closed.value.rcvd.code == 4001
    assert await stored_bodies(cluster, video) == []
