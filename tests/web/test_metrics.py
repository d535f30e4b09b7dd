"""/metrics (app/web/metrics.py, app/live/metrics.py): who may scrape it, and what it counts,
against a real server and real sockets."""

import asyncio
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from app.live import metrics
from app.live.pubsub.hub import Hub
from app.live.transport.outbox import Outbox
from app.live.wire import CHANGE, Broadcast
from app.web.metrics import metrics_allowed
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.server import AppServer

TOKEN = "scrape-me-7f3a9c"
SETTLE_S = 30  # a generous bound on the server noticing a closed socket; nothing asserts how fast


def scope(client: tuple[str, int] | None, *headers: tuple[bytes, bytes]) -> dict:
    """An HTTP scope from `client` carrying `headers`."""
    return {"type": "http", "client": client, "headers": list(headers)}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_a_loopback_peer_without_credentials_may_scrape(host):
    assert metrics_allowed(scope((host, 5000)), token=None)
    assert metrics_allowed(scope((host, 5000)), token=TOKEN)


@pytest.mark.parametrize("client", [("203.0.113.7", 5000), ("10.0.0.2", 5000), ("::ffff:10.0.0.2", 1),
                                    ("testclient", 50000), None])
def test_any_other_peer_needs_the_token(client):
    assert not metrics_allowed(scope(client), token=TOKEN)
    assert not metrics_allowed(scope(client), token=None)
    assert metrics_allowed(scope(client, (b"authorization", f"Bearer {TOKEN}".encode())), token=TOKEN)


@pytest.mark.parametrize("header", [b"x-forwarded-for", b"x-real-ip", b"forwarded"])
def test_a_request_relayed_by_a_local_proxy_is_not_loopback(header):
    assert not metrics_allowed(scope(("127.0.0.1", 5000), (header, b"203.0.113.7")), token=TOKEN)


@pytest.mark.parametrize("authorization", [b"Bearer wrong", b"Bearer " + TOKEN.encode() + b"x", b"Bearer ",
                                           TOKEN.encode(), b"Basic dXNlcjpwYXNz", "Bearer ü".encode()])
def test_a_wrong_credential_is_refused_even_from_loopback(authorization):
    assert not metrics_allowed(scope(("127.0.0.1", 5000), (b"authorization", authorization)), token=TOKEN)


def test_a_credential_is_refused_when_no_token_is_configured():
    assert not metrics_allowed(scope(("127.0.0.1", 5000), (b"authorization", b"Bearer ")), token=None)


def test_a_broadcast_to_many_viewers_is_counted_with_one_call(monkeypatch):
    class Member:
        def receive(self, topic, broadcast):
            pass

    calls = []
    monkeypatch.setattr(metrics._DELIVERED[CHANGE], "inc", calls.append)
    hub = Hub()
    for _ in range(50):
        hub.join("videos:1", Member())
    hub.deliver("videos:1", Broadcast(CHANGE, "<p>hi</p>", 0, 1))
    assert calls == [50]


async def test_a_socket_closed_for_falling_behind_is_counted():
    async def stalled_send(event):
        if event["type"] == "websocket.send":
            await asyncio.Event().wait()  # a peer that never reads (cancelled by the close)

    before = REGISTRY.get_sample_value("videologue_live_overflow_closes_total")
    outbox = Outbox(stalled_send, limit=2)
    for n in range(4):
        outbox.push({"type": "websocket.send", "text": str(n)})
    assert outbox.closed
    assert REGISTRY.get_sample_value("videologue_live_overflow_closes_total") == before + 1


@pytest.fixture(scope="module")
def server():
    """A node with a METRICS_TOKEN and a posting budget of one, for this module alone."""
    app_server = AppServer({"METRICS_TOKEN": TOKEN, "ANNOTATION_BURST": "1",
                            "ANNOTATION_PER_SECOND": "0"}).start()
    yield app_server
    app_server.stop()


def get(server: AppServer, path: str, **headers: str) -> tuple[int, str]:
    """The status and text of one GET from this (loopback) process."""
    request = urllib.request.Request(server.url + path,
                                     headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def scrape(server: AppServer, **headers: str) -> dict[tuple[str, tuple], float]:
    """Every sample /metrics shows, by name and labels."""
    status, text = await asyncio.to_thread(get, server, "/metrics", **headers)
    assert status == 200, text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    """One sample's value (0 when it is not shown yet)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def delta(before: dict, after: dict, name: str, **labels: str) -> float:
    """How much one sample moved between two scrapes."""
    return value(after, name, **labels) - value(before, name, **labels)


async def test_the_loopback_scrape_needs_no_token_and_a_proxied_one_does(server):
    await asyncio.to_thread(get, server, "/healthz")
    samples = await scrape(server)
    assert value(samples, "videologue_http_requests_total", method="GET", path="/healthz",
                 status_code="200", app_name="videologue") >= 1
    unknown = await asyncio.to_thread(get, server, "/no-such-page")
    proxied = {"X_Forwarded_For": "203.0.113.7"}
    assert await asyncio.to_thread(get, server, "/metrics", **proxied) == unknown  # 404, as unknown
    assert unknown[0] == 404
    await scrape(server, Authorization=f"Bearer {TOKEN}", **proxied)
    status, _ = await asyncio.to_thread(get, server, "/metrics", Authorization="Bearer nope", **proxied)
    assert status == 404
    status, _ = await asyncio.to_thread(get, server, "/metrics", Authorization="Bearer nope")
    assert status == 404


async def open_viewer(server: AppServer, video, user=None, cursor=None) -> Viewer:
    """A socket on the video, as the watch page opens it."""
    query = "&".join(part for part in (f"token={token_for(user)}" if user else "",
                                       f"cursor={cursor}" if cursor is not None else "") if part)
    socket = await connect(f"{server.ws_url}/live/videos/{video.id}?{query}",
                           additional_headers={"Origin": server.url}, compression=None)
    return Viewer(socket)


async def test_a_socket_s_life_shows_in_the_counters(server):
    author = await make_user()
    video = await make_video(author)
    await make_annotation(author, video, body="Already there")
    start = await scrape(server)

    viewer = await open_viewer(server, video, author, cursor=0)
    assert len(await viewer.replay()) == 1  # one page: all that comes before the viewers panel
    joined = await scrape(server)
    for name in ("videologue_live_open_sockets", "videologue_live_joins_total",
                 "videologue_live_replay_duration_seconds_count", "videologue_live_replay_pages_total",
                 "videologue_live_presence_connections", "videologue_live_presence_videos"):
        assert delta(start, joined, name) == 1, name
    assert delta(start, joined, "videologue_live_replay_duration_seconds_sum") > 0

    await viewer.post("Counted!")
    frames = await viewer.frames_until("Counted!")
    if 'hx-target="#annotation-body"' not in "".join(frames):  # the author's cleared form
        await viewer.frames_until('hx-target="#annotation-body"')
    posted = await scrape(server)
    assert delta(joined, posted, "videologue_live_changes_total", event="post") == 1
    assert delta(joined, posted, "videologue_live_deliveries_total", kind="change") == 1  # one viewer

    await viewer.post("Too soon")  # ANNOTATION_BURST=1, never refilled
    await viewer.frames_until("too fast")
    await viewer.socket.send("{")
    await viewer.frames_until("could not be read")
    await viewer.socket.send(b"binary")
    await viewer.frames_until("text frames only")
    guest = await open_viewer(server, video)
    await guest.joined()
    await guest.post("Anonymous")
    await guest.frames_until("Sign in to post")
    refused = await scrape(server)
    assert delta(posted, refused, "videologue_live_rate_limited_frames_total") == 1
    assert {reason: delta(posted, refused, "videologue_live_refused_frames_total", reason=reason)
            for reason in metrics.REFUSED_REASONS} == {
        "too_large": 0, "unreadable": 1, "unknown_event": 0, "not_text": 1, "signed_out": 1,
        "rejected": 0, "not_allowed": 0, "failed": 0}
    assert delta(posted, refused, "videologue_live_changes_total", event="post") == 0
    assert delta(start, refused, "videologue_live_open_sockets") == 2

    await viewer.close()
    await guest.close()
    deadline = time.monotonic() + SETTLE_S
    while (left := await scrape(server))["videologue_live_open_sockets", ()] != \
            start["videologue_live_open_sockets", ()] and time.monotonic() < deadline:
        continue  # each scrape is a round trip to the server: the loop waits on its answers
    for name in ("videologue_live_open_sockets", "videologue_live_presence_connections",
                 "videologue_live_presence_videos"):
        assert delta(start, left, name) == 0, name
