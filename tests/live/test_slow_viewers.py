"""A viewer that stops reading never delays the others (the cut-off past its backlog: test_outbox)."""

import asyncio
import socket
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids

HISTORY = 12_000  # ~7 MB: more than the kernel (up to 4 MiB) and uvicorn buffer for a stalled reader
POSTS = 20  # more than the live tests' LIVE_BACKLOG of 8
BODY = "x" * 480


async def stalled_viewer(server, video):
    """A client that reads nothing: tiny receive buffer, and a client queue of one frame."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    host = urlsplit(server.url)
    await asyncio.get_running_loop().sock_connect(raw, (host.hostname, host.port))
    return await connect(f"{server.ws_url}/live/videos/{video.id}", sock=raw, max_queue=1,
                         additional_headers={"Origin": server.url})


async def read_annotation_ids(viewer, idle: float = 3) -> list[int]:
    """Every annotation id a raw client receives until it goes quiet or is closed."""
    got = []
    try:
        while True:
            got.extend(annotation_ids([await asyncio.wait_for(viewer.recv(), idle)]))
    except (TimeoutError, ConnectionClosed):
        return got


async def test_a_stalled_joiner_delays_nobody_and_later_gets_everything_once(join, server):
    alice = await make_user()
    video = await make_video(alice)
    # One bulk insert instead of 12,000 context calls keeps the test quick.
    await multimedia.Annotation.insert(*(
        multimedia.Annotation(user=alice.id, video=video.id, body=f"{BODY} h{i}", at=i)
        for i in range(HISTORY)))
    newest = max(a.id for a in await multimedia.list_annotations(video.id))
    stalled = await stalled_viewer(server, video)
    poster, watcher = await join(video, alice, last_seen_id=newest), await join(video, last_seen_id=newest)
    for index in range(POSTS):
        await poster.post(f"live #{index}", at=index)
    received = annotation_ids(await watcher.frames_until(f"live #{POSTS - 1}<", timeout=30))
    assert len(received) == POSTS  # the watcher got everything while the stalled one read nothing

    # The stalled replay missed more live posts than its backlog holds; it reads them back
    # from the database, so the viewer ends with every annotation exactly once.
    got = await read_annotation_ids(stalled)
    assert sorted(got) == sorted(a.id for a in await multimedia.list_annotations(video.id))
    await stalled.close()
