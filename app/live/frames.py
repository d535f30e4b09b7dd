"""Broadcast frames written straight into uvicorn's WebSocket protocol, encoded once for everyone."""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState


class DirectFrames:
    """The websockets-sansio connection behind an ASGI send, written to without a coroutine.

    It takes the same steps as that send() for a text message, minus the coroutine per call and
    the UTF-8 encoding per viewer, which `websockets.broadcast` skips as well. Whatever it cannot
    write at once (a paused transport, a closing socket) is left to send() as usual.
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

    def write_text(self, data: bytes) -> bool:
        """Write one text frame (UTF-8 `data`) now; False when send() must take it instead."""
        protocol = self._protocol
        if (not protocol.writable.is_set() or not protocol.handshake_complete
                or protocol.close_sent or protocol.disconnected
                or protocol.initial_response is not None):
            return False
        try:
            protocol.conn.send_text(data)
        except InvalidState:  # the peer's close arrived first: send() reports the disconnect
            return False
        protocol.transport.write(b"".join(protocol.conn.data_to_send()))
        return True
