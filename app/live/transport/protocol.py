"""uvicorn's websockets-sansio protocol, closing a failed connection the way RFC 6455 asks."""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class WebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's protocol, except after it fails a connection (a message over `ws_max_size`).

    uvicorn then writes the close frame (1009) and closes the socket at once. A browser is
    usually still sending the rest of that message: data arriving on a closed socket makes the
    kernel answer with a reset, which destroys the unread close frame, so the page sees 1006 and
    reconnects instead of learning why. Here the close frame is followed by the end of the
    server's side only; what the peer still sends is read and dropped until it closes too, or
    until uvicorn's close timeout (10 s) ends the wait.
    """

    def handle_parser_exception(self) -> None:
        """Tell the app, send the close frame and end our side; keep reading, discarding."""
        if self.close_sent:
            return  # already failed: websockets discards what arrives now
        close = self.conn.close_sent
        self.queue.put_nowait({"type": "websocket.disconnect", "code": close.code,
                               "reason": close.reason})
        self.stop_keepalive()
        self.transport.write(b"".join(self.conn.data_to_send()))  # the close frame
        self.close_sent = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        if self.read_paused:  # the peer's rest and its end must be read, or it waits for ever
            self.read_paused = False
            self.transport.resume_reading()
        self.close_timer = self.loop.call_later(self.close_timeout, self.transport.close)
