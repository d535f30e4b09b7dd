"""Frames written straight into uvicorn's protocol: the same bytes as its send(), or none at all."""

import asyncio

import pytest
import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

from app.live.transport.frames import DirectFrames, text_frame
from app.live.transport.outbox import Outbox
from tests.live.transport.recording import Recording

HANDSHAKE = (b"GET /live/videos/1 HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\n"
             b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             b"Sec-WebSocket-Version: 13\r\n\r\n")


class Transport(asyncio.Transport):
    """Collects what the protocol writes."""

    def __init__(self) -> None:
        super().__init__()
        self.written = Recording()

    def write(self, data: bytes) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def get_extra_info(self, name, default=None):
        return ("127.0.0.1", 8000) if name in ("sockname", "peername") else default


@pytest.fixture
async def accepted_protocol():
    """uvicorn's protocol after a real handshake, with the ASGI app parked after accepting.

    accepted_protocol(handshake=HANDSHAKE, deflate=False) -> (protocol, transport); each
    connection is lost at teardown, so its ASGI task ends inside the test.
    """
    opened = []

    async def open_protocol(handshake: bytes = HANDSHAKE,
                            deflate: bool = False) -> tuple[WebSocketsSansIOProtocol, Transport]:
        accepted = asyncio.Event()

        async def app(scope, receive, send):
            await receive()
            await send({"type": "websocket.accept"})
            accepted.set()
            await receive()  # the disconnect at teardown

        config = uvicorn.Config(app, ws="websockets-sansio", ws_per_message_deflate=deflate,
                                log_level="warning")
        config.load()
        server_state = ServerState()
        protocol = WebSocketsSansIOProtocol(config, server_state, app_state={})
        transport = Transport()
        protocol.connection_made(transport)
        protocol.data_received(handshake)
        await asyncio.wait_for(accepted.wait(), 5)
        transport.written.clear()
        opened.append((protocol, server_state))
        return protocol, transport

    yield open_protocol
    for protocol, server_state in opened:
        protocol.connection_lost(None)
        await asyncio.wait_for(asyncio.gather(*server_state.tasks), 5)


def text_of(written: bytes) -> str:
    """The text of one unmasked, unfragmented server frame under 64 KiB."""
    assert written[0] == 0x81  # FIN + text
    return written[2 if written[1] < 126 else 4:].decode()


async def test_uvicorns_send_is_recognised_and_anything_else_is_not(accepted_protocol):
    protocol, _ = await accepted_protocol()
    assert DirectFrames.behind(protocol.send) is not None

    async def wrapped(event):
        await protocol.send(event)

    assert DirectFrames.behind(wrapped) is None


async def test_a_direct_frame_is_byte_for_byte_what_send_writes(accepted_protocol):
    protocol, transport = await accepted_protocol()
    for text in ("short", "<li>Ünïcode ✓</li>" * 20, "x" * 70_000):  # the three length encodings
        transport.written.clear()
        await protocol.send({"type": "websocket.send", "text": text})
        assert DirectFrames.behind(protocol.send).write_frame(text_frame(text.encode()))
        assert transport.written[0] == transport.written[1]


async def test_a_connection_that_negotiated_deflate_is_left_to_send(accepted_protocol):
    offer = HANDSHAKE.replace(b"\r\n\r\n", b"\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
    protocol, transport = await accepted_protocol(offer, deflate=True)
    assert protocol.conn.extensions  # negotiated
    assert not DirectFrames.behind(protocol.send).write_frame(text_frame(b"compressed elsewhere"))
    assert transport.written == []


async def test_a_paused_or_closed_socket_is_left_to_send(accepted_protocol):
    protocol, transport = await accepted_protocol()
    direct = DirectFrames.behind(protocol.send)
    protocol.pause_writing()
    assert not direct.write_frame(text_frame(b"later"))
    protocol.resume_writing()
    await protocol.send({"type": "websocket.close", "code": 1000})
    assert not direct.write_frame(text_frame(b"too late"))
    assert all(b"late" not in written for written in transport.written)


async def test_the_outbox_writes_a_broadcast_at_once_and_queues_it_while_paused(accepted_protocol):
    protocol, transport = await accepted_protocol()
    outbox = Outbox(protocol.send, limit=4)
    event = {"type": "websocket.send", "text": "first"}
    outbox.push(event, text_frame(b"first"))
    assert [text_of(written) for written in transport.written] == ["first"]
    protocol.pause_writing()
    outbox.push({"type": "websocket.send", "text": "second"}, text_frame(b"second"))
    await asyncio.sleep(0)  # one turn: the drain task reaches uvicorn's paused send, and waits
    assert len(transport.written) == 1
    protocol.resume_writing()
    assert [text_of(written) for written in await transport.written.until(2)] == ["first", "second"]
