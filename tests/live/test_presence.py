"""Presence on a real server, with the in-process backend and with Redis."""

import asyncio
import html
import re
import urllib.request

import pytest
from websockets.asyncio.client import connect

from app.devservices.redis_server import RedisServer
from tests.diagnostics import watch_log
from tests.factories import make_annotation, make_user, make_video, unique_username
from tests.live.conftest import Viewer, token_for
from tests.server import AppServer

# Only the server for the dropped-connection test pings often and gives up soon: everywhere else
# a busy machine could otherwise close the tests' own sockets.
PING = {"LIVE_PING_INTERVAL": "1", "LIVE_PING_TIMEOUT": "5"}


@pytest.fixture(scope="module", params=["memory", "redis"])
def backend_env(request):
    """The environment for presence kept in-process, or in a real redis-server for this module."""
    if request.param == "memory":
        yield {}
        return
    redis = RedisServer()
    try:
        redis.start()
        watch_log("redis", redis.log_path)
        yield {"REDIS_URL": redis.url}
    finally:
        redis.stop()


def serving(env: dict[str, str]):
    """Run an app server for the duration of a fixture, stopped however its start or use ends."""
    server = AppServer(env)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def presence_server(backend_env):
    """An app server keeping presence in-process or in Redis, where only a clean shutdown (never
    expiry, within a test) removes a stopped server's entries."""
    yield from serving({**backend_env, "PRESENCE_TTL": "600"})


@pytest.fixture
def pinging_server(backend_env):
    """A server of its own that pings every second and drops a client silent for five more."""
    yield from serving({**backend_env, **PING})


def viewers_of(server):
    """A fixture body opening viewers on the server's videos, all closed at teardown."""
    opened = []

    async def open_viewer(video, user=None):
        query = f"?token={token_for(user)}" if user else ""
        socket = await connect(f"{server.ws_url}/live/videos/{video.id}{query}")
        opened.append(Viewer(socket))
        return opened[-1]

    return open_viewer, opened


@pytest.fixture
async def watch(presence_server):
    """Open a viewer on a video of the presence server: watch(video, user=None)."""
    open_viewer, opened = viewers_of(presence_server)
    yield open_viewer
    for viewer in opened:
        await viewer.close()


@pytest.fixture
async def watch_pinged(pinging_server):
    """Open a viewer on a video of the pinging server: watch_pinged(video, user=None)."""
    open_viewer, opened = viewers_of(pinging_server)
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


async def test_a_connection_dropped_without_a_close_frame_leaves_after_the_ping_timeout(
        watch_pinged):
    alice, bob = await make_user(unique_username("alice")), await make_user(unique_username("bob"))
    video = await make_video(alice)
    watcher = await watch_pinged(video, alice)
    dropped = await watch_pinged(video, bob)
    await watcher.panel_showing(f"{bob.username} (1)")
    # Stop reading: pings go unanswered, as when a laptop lid closes or the network drops.
    dropped.socket.transport.pause_reading()
    await watcher.panel_showing(f"{alice.username} (1)", without=(bob.username,), timeout=30)
    dropped.socket.transport.resume_reading()  # so its close at teardown hears the server's


async def test_viewers_of_other_videos_are_not_shown(watch):
    alice, bob = await make_user(unique_username("alice")), await make_user(unique_username("bob"))
    one, two = await make_video(alice), await make_video(bob)
    viewer = await watch(one, alice)
    elsewhere = await watch(two, bob)
    await elsewhere.panel_showing(f"{bob.username} (1)")  # bob is counted on his video
    await watch(one)  # a guest, so the first video's panel is rendered again after that
    panel = await viewer.panel_showing(f"{alice.username} (1)", "1 guest")
    assert bob.username not in panel


async def test_a_server_restart_leaves_no_ghosts(presence_server):
    alice = await make_user(unique_username("alice"))
    video = await make_video(alice)
    url = f"{presence_server.ws_url}/live/videos/{video.id}?token={token_for(alice)}"
    async with connect(url) as before:
        await Viewer(before).panel_showing(f"{alice.username} (1)")
        # Off the loop, so this socket goes on answering while the server restarts.
        await asyncio.to_thread(presence_server.restart)
    # Long before the old entries could expire (PRESENCE_TTL), a guest joins after alice's new
    # tab: the panel counting the guest counts that tab alone, or "(2)" with a ghost of the old.
    async with connect(url) as after:
        viewer = Viewer(after)
        await viewer.panel_showing(f"{alice.username} (")
        async with connect(url.partition("?")[0]):
            panel = await viewer.panel_showing("1 guest")
        assert f"<li>{alice.username} (1)</li>" in panel


def video_card(server, video) -> str:
    """The video's card on the server's home page, on whichever page of the listing it is."""
    path = "/"
    while path:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            home = response.read().decode()
        start = home.find(f'href="/watch/{video.id}-')
        if start != -1:
            return home[start:home.index("</li>", start)]
        older = re.search(r'rel="next" href="([^"]+)"', home)
        path = html.unescape(older.group(1)) if older else ""
    raise AssertionError(f"video {video.id} is on no page of the home listing")


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
