"""The two message limits on a real server: the transport's (64 KiB, close 1009) and the app's (16 KiB)."""

import asyncio
import json
import os

import pytest
from websockets.exceptions import ConnectionClosed

from app import multimedia
from tests.factories import make_user, make_video

KIB = 1024


def masked_text_frame_head(length: int, mask: bytes = bytes(4)) -> bytes:
    """The head of a client's text frame announcing `length` payload bytes (RFC 6455, 5.2)."""
    return bytes([0x81, 0x80 | 127]) + length.to_bytes(8, "big") + mask


async def closed_code(viewer) -> int:
    """The close code the server sent, once the socket has closed."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(30):
            while True:
                await viewer.socket.recv()
    return closed.value.rcvd.code


async def test_a_100_kib_message_is_refused_by_the_transport_with_1009_and_nothing_is_stored(join):
    alice = await make_user()
    video = await make_video(alice)
    sender = await join(video, alice)
    await sender.joined()
    await sender.post("x" * (100 * KIB), at=1)
    assert await closed_code(sender) == 1009
    assert await multimedia.list_annotations(video.id) == []


async def test_an_oversized_message_is_refused_as_its_header_arrives_before_its_payload(join):
    alice = await make_user()
    video = await make_video(alice)
    sender = await join(video, alice)
    await sender.joined()
    # Only the head and the first KiB of a 100 KiB frame: the rest is never sent, so a close
    # proves the server decided from the announced length, with nothing of it buffered.
    sender.socket.transport.write(masked_text_frame_head(100 * KIB) + os.urandom(KIB))
    assert await closed_code(sender) == 1009


@pytest.mark.parametrize("size", [20 * KIB, 60 * KIB], ids=["20 KiB", "60 KiB"])
async def test_a_frame_over_16_kib_within_64_gets_the_apps_error_and_the_socket_stays_usable(join, size):
    alice = await make_user()
    video = await make_video(alice)
    sender = await join(video, alice)
    frame = json.dumps({"event": "new_annotation", "body": "x" * size, "at": "1"})
    assert 16 * KIB < len(frame) < 64 * KIB
    await sender.socket.send(frame)
    error = await sender.frame()
    assert 'hx-target="#live-error"' in error and "That message is too large (16 KiB at most)." in error
    await sender.post("Still connected", at=2)
    assert "Still connected" in (await sender.frames_until("Still connected"))[-1]
    assert [view.body for view in await multimedia.list_annotations(video.id)] == ["Still connected"]
