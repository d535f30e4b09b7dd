"""Opening many sockets at once, each group from a fresh loopback source address."""

import asyncio
import itertools
import socket
from collections import Counter
from functools import partial

from picows import ws_connect

from bench.clients import Socket

# One source address has ~28k ephemeral ports; sockets of earlier runs may still hold some in
# TIME_WAIT, so move to a fresh address (127.0.1.2, 127.0.1.3, …) every few thousand sockets.
PER_ADDRESS = 5000
CONCURRENCY = 200  # handshakes in flight, well under the listen backlog
OFFER_DEFLATE = "permessage-deflate; client_max_window_bits"  # what browsers offer


class SourceAddresses:
    """Hands out loopback source addresses, a fresh one every PER_ADDRESS sockets."""

    def __init__(self) -> None:
        self._addresses = (f"127.0.{1 + n // 250}.{2 + n % 250}" for n in itertools.count())
        self._current = ""
        self._left = 0

    def take(self) -> str:
        """The address the next socket binds to."""
        if self._left == 0:
            self._current, self._left = next(self._addresses), PER_ADDRESS
        self._left -= 1
        return self._current


SOURCES = SourceAddresses()


def _bound_socket(address: str, url) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((address, 0))
    return sock


def browser_headers(port: int) -> dict[str, str]:
    """The handshake headers a browser on the app's own page sends."""
    return {"Origin": f"http://127.0.0.1:{port}", "Sec-WebSocket-Extensions": OFFER_DEFLATE}


async def open_all(url: str, sockets: list[Socket], headers: dict[str, str],
                   errors: Counter | None = None) -> int:
    """Connect every socket to url, CONCURRENCY at a time; returns how many failed to open
    (and counts them by error in `errors`)."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def open_one(listener: Socket) -> None:
        async with gate:
            await ws_connect(lambda: listener, url, extra_headers=headers,
                             socket_factory=partial(_bound_socket, SOURCES.take()),
                             websocket_handshake_timeout=120)
        if listener.transport is None:  # picows returns quietly when the server hangs up mid-handshake
            raise ConnectionError("the server closed the connection during the handshake")

    results = await asyncio.gather(*(open_one(s) for s in sockets), return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if errors is not None:
        errors.update(f"{type(error).__name__}: {error}"[:120] for error in failures)
    return len(failures)


def close_all(sockets: list[Socket]) -> None:
    """Close every socket on purpose."""
    for listener in sockets:
        listener.leave()


def negotiated_deflate(listener: Socket) -> bool:
    """Whether the server agreed to per-message deflate on this socket."""
    headers = listener.transport.response.headers
    return "permessage-deflate" in str(headers.get("Sec-WebSocket-Extensions", "")).lower()
