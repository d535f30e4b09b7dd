"""Two nodes act as one app: broadcast, presence, sessions, sign-out, deletion and rate limits."""

import asyncio

import pytest
from redis.asyncio import Redis
from websockets.exceptions import ConnectionClosed

from app.live.presence_backends import RedisPresenceBackend
from app.live.wire import video_topic
from tests.live.test_socket import annotation_ids
from tests.server import AppServer


async def test_a_post_on_one_node_reaches_every_viewer_on_both_nodes_exactly_once(
        alice_and_bob, cluster, browser, sockets):
    alice, bob, video = alice_and_bob
    poster = await sockets(await alice.socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    guest_b = await sockets(await browser(cluster.b).socket_url(cluster.b, video))
    await poster.post("Across nodes", at=1500)
    for viewer in (poster, on_b, guest_b):
        frames = await viewer.frames_until("Across nodes")
        assert len(annotation_ids(frames)) == 1
    # A later post is a barrier: a second copy of the first would reach each viewer before it.
    await poster.post("And then", at=1600)
    for viewer in (poster, on_b, guest_b):
        assert annotation_ids(await viewer.frames_before("And then")) == []


async def test_a_deletion_on_one_node_removes_the_annotation_for_viewers_on_both(
        alice_and_bob, cluster, sockets):
    alice, bob, video = alice_and_bob
    author = await sockets(await alice.socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    await author.post("Soon gone", at=10)
    [annotation_id] = annotation_ids(await on_b.frames_until("Soon gone"))
    await author.delete(annotation_id)
    removal = f'<hx-partial hx-target="#annotation-{annotation_id}" hx-swap="delete"></hx-partial>'
    for viewer in (author, on_b):
        await viewer.frames_until(removal)
    rows = await cluster.query("SELECT deleted_at FROM annotations WHERE id = $1", annotation_id)
    assert rows[0]["deleted_at"] is not None


async def test_the_home_page_on_one_node_counts_viewers_on_both(cluster, browser, sockets):
    alice = browser()
    name = await alice.register("alice")
    video = await alice.create_video("Watched across nodes")
    on_a = await sockets(await alice.socket_url(cluster.a, video))
    await sockets(await browser(cluster.b).socket_url(cluster.b, video))  # a guest on node B
    await on_a.panel_showing(f"{name} (1)", "1 guest")
    assert "2 watching now" in await browser(cluster.a).home_card(video)


async def test_presence_counts_tabs_across_nodes(cluster, browser, sockets):
    alice = browser()
    name = await alice.register("alice")
    video = await alice.create_video()
    on_a = await sockets(await alice.socket_url(cluster.a, video))
    await sockets(await alice.socket_url(cluster.b, video))
    await on_a.panel_showing(f"{name} (2)")


async def test_a_session_started_on_one_node_is_valid_on_the_other(cluster, browser):
    alice = browser()
    await alice.register("alice")
    page = await alice.on(cluster.b).client.get("/manage/videos")
    assert page.url.path == "/manage/videos" and "My videos" in page.text


async def test_signing_out_on_one_node_closes_the_users_sockets_on_the_other(
        cluster, browser, sockets):
    alice = browser()
    await alice.register("alice")
    video = await alice.create_video()
    on_b = await sockets(await alice.socket_url(cluster.b, video))
    await alice.on(cluster.a).submit("/sign-out", {})
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(20):  # a missed sign-out fails here instead of hanging the run
            while True:
                await on_b.socket.recv()
    assert closed.value.rcvd.code == 4001


async def test_deleting_a_video_on_one_node_closes_its_sockets_on_the_other(
        cluster, browser, sockets):
    alice = browser()
    await alice.register("alice")
    video = await alice.create_video()
    guest_b = await sockets(await browser(cluster.b).socket_url(cluster.b, video))
    await guest_b.panel_showing("1 guest")  # joined
    await alice.on(cluster.a).submit(f"/manage/videos/{video}/delete", {})
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(20):  # a missed close fails here instead of hanging the run
            while True:
                await guest_b.socket.recv()
    assert closed.value.rcvd.code == 4404


async def replies(tab, count: int) -> list[str]:
    """The sender's own replies (stored, or why not) to its next `count` posts."""
    found = []
    async with asyncio.timeout(30):
        while len(found) < count:
            frame = await tab.frame()
            if 'hx-target="#live-error"' in frame:
                found.append(frame)
    return found


async def test_the_rate_limit_holds_across_nodes(cluster, browser, sockets):
    # The cluster's bucket holds 5 posts and never refills, however slowly these 6 arrive.
    alice = browser()
    await alice.register("alice")
    video = await alice.create_video()
    tabs = [await sockets(await alice.socket_url(node, video)) for node in (cluster.a, cluster.b)]
    for index in range(6):
        await tabs[index % 2].post(f"burst {index}", at=index)
    answers = await replies(tabs[0], 3) + await replies(tabs[1], 3)
    assert sum("too fast" in frame for frame in answers) == 1
    stored = await cluster.query("SELECT COUNT(*) AS n FROM annotations WHERE video = $1", video)
    assert stored[0]["n"] == 5


@pytest.fixture(scope="module")
def workers(cluster):
    """One uvicorn with two worker processes (one NODE_ID for both), on the cluster's services."""
    server = AppServer({**cluster.a.env, "NODE_ID": "workers"}, workers=2).start()
    try:
        yield server
    finally:
        server.stop()


async def workers_holding(redis: Redis, video: int) -> set[str]:
    """The workers whose sockets are on the video, read from Redis as the app reads presence.

    Each worker's node id is NODE_ID plus its pid, and starts the ids of its connections.
    """
    entries = await RedisPresenceBackend(redis, "test-reader", ttl=1).entries(video_topic(video))
    return {connection_id.rsplit(":", 1)[0] for connection_id, _ in entries}


async def test_workers_of_one_server_act_as_one_app(cluster, workers, browser, sockets, redis):
    alice = browser(workers)
    name = await alice.register("alice")
    video = await alice.create_video()
    url = await alice.socket_url(workers, video)
    tabs = []
    # The kernel picks the worker that accepts each socket: open tabs until both workers hold some.
    while len(await workers_holding(redis, video)) < 2:
        assert len(tabs) < 64, f"all {len(tabs)} sockets went to one worker"
        tabs.append(await sockets(url))
        await tabs[0].panel_showing(f"{name} ({len(tabs)})")  # counts the tabs of both workers
    await tabs[-1].post("From some worker", at=10)
    for tab in tabs:
        frames = await tab.frames_until("From some worker")
        assert len(annotation_ids(frames)) == 1
    await tabs[-1].close()
    await tabs[0].panel_showing(f"{name} ({len(tabs) - 1})")
