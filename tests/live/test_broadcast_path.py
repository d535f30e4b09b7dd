"""Which path broadcasts take on a real server: prepared frames straight into uvicorn, or send()."""

import pytest
from websockets.asyncio.client import connect

from tests.factories import make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.live.test_socket import annotation_ids
from tests.server import AppServer

DIRECT = "broadcast frames go straight into uvicorn's websockets-sansio protocol"
FALLBACK = "broadcasts go through the ASGI send"


@pytest.fixture(scope="module")
def legacy_server():
    """The app under uvicorn's other WebSocket implementation, where no direct path exists."""
    # The launcher's one override of its WebSocket implementation, there for comparisons.
    server = AppServer({"ANNOTATION_BURST": "1000"}, extra_args=("--ws", "websockets"))
    try:
        yield server.start()
    finally:
        server.stop()


async def test_a_plain_socket_takes_the_direct_path(join, server):
    alice = await make_user()
    video = await make_video(alice)
    viewer = await join(video, alice)
    await viewer.post("Straight in", at=1)
    await viewer.frames_until("Straight in")
    # A uvicorn upgrade that wraps its send, or renames what frames.py reads, fails here.
    assert DIRECT in server.log()
    assert FALLBACK not in server.log()


async def test_without_the_direct_path_every_viewer_still_gets_each_broadcast_once(legacy_server):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    url = f"{legacy_server.ws_url}/live/videos/{video.id}"
    headers = {"Origin": legacy_server.url}
    async with (connect(f"{url}?token={token_for(alice)}", additional_headers=headers) as one,
                connect(f"{url}?token={token_for(bob)}", additional_headers=headers) as two):
        poster, other = Viewer(one), Viewer(two)
        await other.panel_showing(alice.username, bob.username)  # both joined
        await poster.post("Through send", at=1)
        await poster.post("And again", at=2)
        for viewer in (poster, other):
            frames = await viewer.frames_until("And again")
            assert len(annotation_ids(frames)) == 2
    assert FALLBACK in legacy_server.log()
    assert DIRECT not in legacy_server.log()
