"""Presence on a real server, with the in-process backend and with Redis."""

import asyncio
import urllib.request

import pytest
from websockets.asyncio.client import connect

from app.devservices.redis_server import RedisServer
from tests.factories import make_annotation, make_user, make_video, unique_username
from tests.live.conftest import Viewer, token_for
from tests.server import AppServer

# Short ping timeouts and heartbeats so dropped connections and dead nodes show up quickly.
FAST = {"PRESENCE_TTL": "2", "PRESENCE_HEARTBEAT": "0.5"}
PING = ("--ws-ping-interval", "0.5", "--ws-ping-timeout", "1")


@pytest.fixture(scope="module", params=["memory", "redis"])
def presence_server(request):
    """An app server whose presence lives in-process, or in a real redis-server."""
    redis = RedisServer().start() if request.param == "redis" else None
    env = {**FAST, "REDIS_URL": redis.url} if redis else dict(FAST)
    server = AppServer(env, extra_args=PING).start()
    yield server
    server.stop()
    if redis:
        redis.stop()


@pytest.fixture
async def watch(presence_server):
    """Open a viewer on a video of the presence server."""
    opened = []

    async def open_viewer(video, user=None):
        query = f"?token={token_for(user)}" if user else ""
        socket = await connect(f"{presence_server.ws_url}/live/videos/{video.id}{query}")
        opened.append(Viewer(socket))
        return opened[-1]

    yield open_viewer
    for viewer in opened:
        await viewer.close()


async def test_two_tabs_of_one_user_show_once_with_a_count_and_closing_one_updates_it(watch):
    alice = await make_user(unique_username("alice"))
    video = await make_video(alice)
    first, second = await watch(video, alice), await watch(video, alice)
    await first.panel_showing(f"<li>{alice.username} (2)</li>")
    await second.close()
    panel = await first.panel_showing(f"<li>{alice.username} (1)</li>")
    assert panel.count("<li>") == 1  # one line per user, however many tabs


async def test_users_are_sorted_by_name_and_guests_are_counted(watch):
    zed, amy = await make_user(unique_username("zed")), await make_user(unique_username("amy"))
    video = await make_video(zed)
    viewer = await watch(video, zed)
    await watch(video, amy)
    await watch(video)
    await watch(video)
    panel = await viewer.panel_showing("and 2 guests", f"{amy.username} (1)")
    assert panel.index(amy.username) < panel.index(zed.username)


async def test_a_connection_dropped_without_a_close_frame_leaves_after_the_ping_timeout(watch):
    alice, bob = await make_user(unique_username("alice")), await make_user(unique_username("bob"))
    video = await make_video(alice)
    watcher = await watch(video, alice)
    dropped = await watch(video, bob)
    await watcher.panel_showing(f"{bob.username} (1)")
    # Stop reading: pings go unanswered, as when a laptop lid closes or the network drops.
    dropped.socket.transport.pause_reading()
    await watcher.panel_showing(f"{alice.username} (1)", without=(bob.username,), timeout=15)


async def test_viewers_of_other_videos_are_not_shown(watch):
    alice, bob = await make_user(unique_username("alice")), await make_user(unique_username("bob"))
    one, two = await make_video(alice), await make_video(bob)
    viewer = await watch(one, alice)
    await watch(two, bob)
    panel = await viewer.panel_showing(f"{alice.username} (1)")
    assert bob.username not in panel


async def test_a_server_restart_leaves_no_ghosts(presence_server):
    alice = await make_user(unique_username("alice"))
    video = await make_video(alice)
    url = f"{presence_server.ws_url}/live/videos/{video.id}?token={token_for(alice)}"
    async with connect(url) as before:
        await Viewer(before).panel_showing(f"{alice.username} (1)")
        presence_server.restart()
    async with connect(url) as after:
        panel = await Viewer(after).panel_showing(f"{alice.username} (1)")
        assert f"{alice.username} (2)" not in panel




def video_card(server, video) -> str:
    """The video's card on the server's home page."""
    with urllib.request.urlopen(server.url + "/") as response:
        home = response.read().decode()
    start = home.index(f'href="/watch/{video.id}-')
    return home[start:home.index("</li>", start)]


async def test_home_cards_count_who_is_watching_now_and_the_annotations(watch, presence_server):
    alice, bob = await make_user(unique_username("alice")), await make_user(unique_username("bob"))
    watched, quiet = await make_video(alice, title="Watched"), await make_video(alice, title="Quiet")
    await make_annotation(alice, watched, "One")
    await make_annotation(bob, watched, "Two")
    first = await watch(watched, alice)
    for user in (alice, bob, None):  # alice in a second tab, bob, a guest: three people
        await watch(watched, user)
    await first.panel_showing(f"{alice.username} (2)", bob.username, "1 guest")
    card = await asyncio.to_thread(video_card, presence_server, watched)
    assert "2 annotations" in card and "3 watching now" in card
    assert "watching" not in await asyncio.to_thread(video_card, presence_server, quiet)
