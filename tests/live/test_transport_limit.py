"""The two message limits on a real server: the transport's (64 KiB, close 1009) and the app's (16 KiB)."""

import asyncio
import json
import os
import socket

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


def refused_while_still_sending(port: int, path: str) -> tuple[int, bytes]:
    """As a browser does: announce a 100 KiB message, read the close, send the rest and a close
    of its own, end its side; return the server's close code and what it sent after the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as peer:
        peer.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received:
            received += peer.recv(65536)
        head, _, received = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101 ")
        peer.sendall(masked_text_frame_head(100 * KIB) + bytes(KIB))
        while (close := close_frame_payload(received)) is None:
            received += peer.recv(65536)
        # The rest of the message, then the close handshake: a server that stopped reading
        # answers these with a reset, which raises here.
        peer.sendall(bytes(99 * KIB))
        peer.sendall(bytes([0x88, 0x82]) + bytes(4) + close[:2])
        peer.shutdown(socket.SHUT_WR)
        after = b""
        while chunk := peer.recv(65536):
            after += chunk
    return int.from_bytes(close[:2], "big"), after


def close_frame_payload(data: bytes) -> bytes | None:
    """The payload of the first close frame among the server's (unmasked) frames, once whole."""
    while len(data) >= 2:
        length, start = data[1] & 0x7F, 2
        if length == 126:
            length, start = int.from_bytes(data[2:4], "big"), 4
        elif length == 127:
            length, start = int.from_bytes(data[2:10], "big"), 10
        if len(data) < start + length:
            return None
        if data[0] & 0x0F == 0x8:
            return data[start:start + length]
        data = data[start + length:]
    return None


async def test_a_peer_still_sending_the_oversized_message_gets_1009_and_a_clean_end_not_a_reset(server):
    alice = await make_user()
    video = await make_video(alice)
    code, after = await asyncio.to_thread(refused_while_still_sending, server.port,
                                          f"/live/videos/{video.id}")
    assert code == 1009 and after == b""
