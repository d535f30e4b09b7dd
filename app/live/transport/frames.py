"""Broadcast frames built once and written straight into uvicorn's WebSocket protocol per viewer."""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State


def text_frame(data: bytes) -> bytes:
    """A whole text frame for UTF-8 `data`, as a server sends it on a connection without extensions.

    Server frames are not masked, so without per-message deflate every viewer's copy of a
    broadcast is the same bytes: they are serialised once, not once per viewer.
    """
    return Frame(Opcode.TEXT, data).serialize(mask=False, extensions=[])


class DirectFrames:
    """The websockets-sansio connection behind an ASGI send, written to without a coroutine.

    For a text message that send() would take as `websockets.send` + `data_to_send`, this writes
    the prepared frame to the transport directly: no coroutine, no encoding and no framing per
    viewer. Whatever it cannot write that way (a paused transport, a closing socket, a
    connection that negotiated an extension) is left to send() as usual.
    """

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def behind(cls, send) -> "DirectFrames | None":
        """The direct path when `send` is uvicorn's websockets-sansio send itself, else None."""
        protocol = getattr(send, "__self__", None)
        if isinstance(protocol, WebSocketsSansIOProtocol) and send.__func__ is type(protocol).send:
            return cls(protocol)
        return None

    def write_frame(self, frame: bytes) -> bool:
        """Write a frame made by text_frame now; False when send() must take the message instead."""
        protocol = self._protocol
        connection = protocol.conn
        if (not protocol.writable.is_set() or not protocol.handshake_complete
                or protocol.close_sent or protocol.disconnected
                or protocol.initial_response is not None
                or connection.state is not State.OPEN or connection.extensions
                or connection.expect_continuation_frame or connection.writes):
            return False
        protocol.transport.write(frame)
        return True
