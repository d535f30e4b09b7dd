"""A viewer that stops reading never delays the others, and is cut off past its backlog."""

import asyncio
import socket
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids, cursor_after

HISTORY = 12_000  # ~7 MB: more than the kernel (up to 4 MiB) and uvicorn buffer for a stalled reader
BODY = "x" * 480
CUT_OFF = "closing a socket that fell more than"  # what the server logs when it closes one


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
        multimedia.Annotation(user=alice.id, video=video.id, body=f"{BODY} h{i}", at=i,
                              seq=i + 1, created_seq=i + 1)
        for i in range(HISTORY)))
    await multimedia.Video.update({multimedia.Video.change_seq: HISTORY}).where(
        multimedia.Video.id == video.id)
    cut_offs = server.log().count(CUT_OFF)
    stalled = await stalled_viewer(server, video)
    poster, watcher = await join(video, alice, cursor=HISTORY), await join(video, cursor=HISTORY)
    await watcher.joined()  # so it hears every post

    # Post in rounds until the server gives up on the stalled viewer: its replay is stuck on a
    # full transport, so the live posts held for it pass the backlog (8 in these tests).
    posts = 0
    while server.log().count(CUT_OFF) == cut_offs:
        assert posts < 400, "the stalled viewer was never cut off"
        for _ in range(10):
            await poster.post(f"live #{posts}", at=posts)
            posts += 1
        received = annotation_ids(await watcher.frames_until(f"live #{posts - 1}<", timeout=30))
        assert len(received) == 10  # the watcher gets every post while the stalled one reads nothing

    got, frames = [], []
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(60):
            while True:
                frames.append(await stalled.recv())
                got.extend(annotation_ids(frames[-1:]))
    assert closed.value.rcvd and closed.value.rcvd.code == 1013  # reconnectable: hx-ws comes back
    total = HISTORY + posts
    assert 0 < len(got) < total

    rejoined = await join(video, cursor=cursor_after(frames))
    frames = await rejoined.replay(timeout=60)  # everything it lacks, each once, and nothing more
    assert sorted(got + annotation_ids(frames)) == sorted(
        a.id for a in await multimedia.list_annotations(video.id))
