"""The outbox against a socket whose transport is paused, as uvicorn's is for a slow reader."""

import asyncio

from app.live.transport.outbox import Outbox
from app.live.wire import FELL_BEHIND
from tests.live.transport.recording import Recording


class PausableSocket:
    """An ASGI send that, like uvicorn's, suspends before writing anything while paused."""

    def __init__(self) -> None:
        self.sent = Recording()
        self.writable = asyncio.Event()
        self.writable.set()

    async def send(self, event: dict) -> None:
        await self.writable.wait()
        self.sent.append(event)


def text(n: int) -> dict:
    return {"type": "websocket.send", "text": f"frame {n}"}


async def test_a_ready_socket_gets_each_push_at_once_without_a_task():
    socket = PausableSocket()
    outbox = Outbox(socket.send, limit=4)
    outbox.push(text(1))
    outbox.push(text(2))
    assert socket.sent == [text(1), text(2)]  # before yielding to the event loop even once


async def test_a_paused_socket_queues_within_the_limit_and_gets_everything_in_order():
    socket = PausableSocket()
    socket.writable.clear()
    outbox = Outbox(socket.send, limit=4)
    for n in range(4):
        outbox.push(text(n))
    await asyncio.sleep(0)  # one turn: the drain task runs up to the paused send, and waits there
    assert socket.sent == []
    socket.writable.set()
    assert await socket.sent.until(4) == [text(n) for n in range(4)]
    assert not outbox.closed


async def test_past_the_limit_the_queue_is_dropped_and_the_socket_closed_to_reconnect():
    socket = PausableSocket()
    socket.writable.clear()
    outbox = Outbox(socket.send, limit=3)
    for n in range(5):
        outbox.push(text(n))
    assert outbox.closed
    socket.writable.set()
    assert await socket.sent.until(1) == [{"type": "websocket.close", "code": FELL_BEHIND.code,
                                           "reason": "Too far behind; reconnect to catch up"}]
    outbox.push(text(9))
    # One turn runs any task that push started before this test resumes (asyncio runs ready
    # callbacks in order), and a send there would not suspend: so nothing more means none.
    await asyncio.sleep(0)
    assert len(socket.sent) == 1  # nothing after the close
