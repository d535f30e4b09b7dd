"""Two nodes act as one app: broadcast, presence, sessions, sign-out, deletion and rate limits."""

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed

from tests.cluster.conftest import PING
from tests.live.test_socket import annotation_ids
from tests.server import AppServer


async def test_a_post_on_one_node_reaches_every_viewer_on_both_nodes_exactly_once(
        cluster, browser, sockets):
    alice, bob = browser(), browser(cluster.b)
    alice.register("alice")
    bob.register("bob")
    video = alice.create_video()
    poster = await sockets(alice.socket_url(cluster.a, video))
    on_b = await sockets(bob.socket_url(cluster.b, video))
    guest_b = await sockets(browser(cluster.b).socket_url(cluster.b, video))
    await poster.post("Across nodes", at=1500)
    for viewer in (poster, on_b, guest_b):
        frames = await viewer.frames_until("Across nodes")
        assert len(annotation_ids(frames)) == 1
        assert await viewer.silent(1.0)


async def test_a_deletion_on_one_node_removes_the_annotation_for_viewers_on_both(
        cluster, browser, sockets):
    alice, bob = browser(), browser(cluster.b)
    alice.register("alice")
    bob.register("bob")
    video = alice.create_video()
    author = await sockets(alice.socket_url(cluster.a, video))
    on_b = await sockets(bob.socket_url(cluster.b, video))
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
    name = alice.register("alice")
    video = alice.create_video("Watched across nodes")
    on_a = await sockets(alice.socket_url(cluster.a, video))
    await sockets(browser(cluster.b).socket_url(cluster.b, video))  # a guest on node B
    await on_a.panel_showing(f"{name} (1)", "1 guest")
    home = browser(cluster.a).client.get("/").text
    card = home[home.index(f'href="/watch/{video}-'):]
    assert "2 watching now" in card[:card.index("</li>")]


async def test_presence_counts_tabs_across_nodes(cluster, browser, sockets):
    alice = browser()
    name = alice.register("alice")
    video = alice.create_video()
    on_a = await sockets(alice.socket_url(cluster.a, video))
    await sockets(alice.socket_url(cluster.b, video))
    await on_a.panel_showing(f"{name} (2)")


async def test_a_session_started_on_one_node_is_valid_on_the_other(cluster, browser):
    alice = browser()
    alice.register("alice")
    page = alice.on(cluster.b).client.get("/manage/videos")
    assert page.url.path == "/manage/videos" and "My videos" in page.text


async def test_signing_out_on_one_node_closes_the_users_sockets_on_the_other(
        cluster, browser, sockets):
    alice = browser()
    alice.register("alice")
    video = alice.create_video()
    on_b = await sockets(alice.socket_url(cluster.b, video))
    alice.on(cluster.a).submit("/sign-out", {})
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(20):  # a missed sign-out fails here instead of hanging the run
            while True:
                await on_b.socket.recv()
    assert closed.value.rcvd.code == 4001


async def test_deleting_a_video_on_one_node_closes_its_sockets_on_the_other(
        cluster, browser, sockets):
    alice = browser()
    alice.register("alice")
    video = alice.create_video()
    guest_b = await sockets(browser(cluster.b).socket_url(cluster.b, video))
    await guest_b.panel_showing("1 guest")  # joined
    alice.on(cluster.a).submit(f"/manage/videos/{video}/delete", {})
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(20):
            while True:
                await guest_b.socket.recv()
    assert closed.value.rcvd.code == 4404


async def replies(tab, count: int) -> list[str]:
    """The sender's own replies (stored, or why not) to its next `count` posts."""
    found = []
    while len(found) < count:
        frame = await tab.frame()
        if 'hx-target="#live-error"' in frame:
            found.append(frame)
    return found


async def test_the_rate_limit_holds_across_nodes(cluster, browser, sockets):
    alice = browser()
    alice.register("alice")
    video = alice.create_video()
    tabs = [await sockets(alice.socket_url(node, video)) for node in (cluster.a, cluster.b)]
    for index in range(6):
        await tabs[index % 2].post(f"burst {index}", at=index)
    answers = await replies(tabs[0], 3) + await replies(tabs[1], 3)
    assert sum("too fast" in frame for frame in answers) == 1
    stored = await cluster.query("SELECT COUNT(*) AS n FROM annotations WHERE video = $1", video)
    assert stored[0]["n"] == 5


@pytest.fixture(scope="module")
def workers(cluster):
    """One uvicorn with two worker processes (one NODE_ID for both), on the cluster's services."""
    server = AppServer({**cluster.a.env, "NODE_ID": "workers"}, workers=2, extra_args=PING).start()
    yield server
    server.stop()


async def test_workers_of_one_server_act_as_one_app(cluster, workers, browser, sockets):
    alice = browser(workers)
    name = alice.register("alice")
    video = alice.create_video()
    url = alice.socket_url(workers, video)
    tabs = [await sockets(url) for _ in range(8)]  # the kernel spreads them over both workers
    await tabs[0].panel_showing(f"{name} (8)")
    await tabs[3].post("From some worker", at=10)
    for tab in tabs:
        frames = await tab.frames_until("From some worker")
        assert len(annotation_ids(frames)) == 1
    await tabs[7].close()
    await tabs[0].panel_showing(f"{name} (7)")
