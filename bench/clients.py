"""picows clients: viewers that time every marked post they receive, and posters that send like hx-ws."""

import asyncio
import json
import time
import zlib

from picows import WSCloseCode, WSFrame, WSListener, WSMsgType, WSTransport

from bench.receipts import Receipts

POSTED = b'hx-target="#annotation-body"'
PANEL = b'hx-target="#user-list"'
ERROR = b'class="form-error"'
DEFLATE_TAIL = b"\x00\x00\xff\xff"


class Socket(WSListener):
    """A browser-like socket: answers close frames, inflates deflated ones, notes if it dropped."""

    def __init__(self) -> None:
        self.transport: WSTransport | None = None
        self.close_code: int | None = None
        self.dropped = False
        self.leaving = False
        self._inflater = None  # made on the first deflated frame: most sockets never need one

    def on_ws_connected(self, transport: WSTransport) -> None:
        """Keep the transport for sending and closing."""
        self.transport = transport

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        """Hand text frames to on_text; answer a close frame."""
        if frame.msg_type is WSMsgType.TEXT:
            payload = frame.get_payload_as_bytes()
            if frame.rsv1:
                self._inflater = self._inflater or zlib.decompressobj(-zlib.MAX_WBITS)
                payload = self._inflater.decompress(payload + DEFLATE_TAIL)
            self.on_text(payload, time.monotonic_ns())
        elif frame.msg_type is WSMsgType.CLOSE:
            code = frame.get_close_code()
            self.close_code = int(code)
            # Echo the code; a close without one (NO_INFO, 0 in picows) is answered with 1000.
            transport.send_close(code if code != WSCloseCode.NO_INFO else WSCloseCode.OK)
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        """Note a disconnect the harness did not ask for."""
        self.dropped = not self.leaving

    def on_text(self, payload: bytes, now: int) -> None:
        """Handle one text frame's (inflated) payload."""

    def leave(self) -> None:
        """Close the socket on purpose."""
        self.leaving = True
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send_close(WSCloseCode.GOING_AWAY)  # what a browser sends leaving a page
            self.transport.disconnect()


class Viewer(Socket):
    """A watch page: records every marked post it receives."""

    def __init__(self, receipts: Receipts) -> None:
        super().__init__()
        self.receipts = receipts
        self.seen: set[int] = set()

    def on_text(self, payload: bytes, now: int) -> None:
        """Record the marked posts in the frame."""
        self.receipts.record(self.seen, payload, now)


class Poster(Socket):
    """A signed-in watch page that posts marked annotations exactly as hx-ws sends the form."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.headers = {"HX-Request": "true", "HX-Source": "form#annotate-form",
                        "HX-Current-URL": page_url, "HX-Request-Type": "partial"}
        self.acks = 0
        self.errors = 0
        self._answer: asyncio.Future | None = None
        # Set by the first viewers panel: the app has sent every viewer the one its join caused.
        self.panel_seen = asyncio.get_running_loop().create_future()

    def on_text(self, payload: bytes, now: int) -> None:
        """Count the server's answers to this poster's own posts, and note its first panel."""
        if PANEL in payload:
            if not self.panel_seen.done():
                self.panel_seen.set_result(now)
            return
        if POSTED in payload:
            self.acks += 1
        elif ERROR in payload:
            self.errors += 1
        else:
            return
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(None)

    def post(self, post: int) -> None:
        """Send one annotation whose body is its marker: m<post>t<send time in ns>."""
        frame = {"event": "new_annotation", "at": "1000", "body": f"m{post}t{time.monotonic_ns()}",
                 "headers": self.headers}
        self.transport.send(WSMsgType.TEXT, json.dumps(frame).encode())

    async def post_and_wait(self, post: int, timeout: float = 30) -> None:
        """Post, then wait for the server's answer (stored, or an error)."""
        self._answer = asyncio.get_running_loop().create_future()
        self.post(post)
        await asyncio.wait_for(self._answer, timeout)


class Joiner(Socket):
    """A page opening on a video with history: times the first replay frame and the whole replay."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.received = 0
        self.first: int | None = None
        self.frames: list[bytes] = []
        self.done = asyncio.get_running_loop().create_future()

    def on_text(self, payload: bytes, now: int) -> None:
        """Keep and count replayed annotations; finish when all have arrived."""
        self.first = self.first or now
        self.frames.append(payload)
        self.received += payload.count(b'class="annotation"')
        if self.received >= self.expected and not self.done.done():
            self.done.set_result(now)
