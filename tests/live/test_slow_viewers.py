"""A viewer that stops reading never delays the others, and is cut off past its backlog."""

import asyncio
import socket
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids

HISTORY = 12_000  # ~7 MB: more than the kernel (up to 4 MiB) and uvicorn buffer for a stalled reader
POSTS = 20
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


async def test_a_stalled_viewer_does_not_delay_others_and_is_closed_then_catches_up(join, server):
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

    got, code = [], None
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            got.extend(annotation_ids([await asyncio.wait_for(stalled.recv(), 30)]))
    code = closed.value.rcvd.code if closed.value.rcvd else None
    assert code == 1013  # reconnectable: hx-ws comes back and catches up
    total = HISTORY + POSTS
    assert 0 < len(got) < total

    rejoined = await join(video, last_seen_id=max(got))
    frames = []
    while len(annotation_ids(frames)) < total - len(got):
        frames.append(await rejoined.frame())
    assert sorted(got + annotation_ids(frames)) == sorted(
        a.id for a in await multimedia.list_annotations(video.id))
    assert await rejoined.silent()
