"""A rolling restart of two nodes under continuous posting: each page ends up holding every stored
annotation exactly once, having reconnected to the other node with its cursor as hx-ws does."""

import asyncio
import json
import re
import signal
from collections import Counter

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.cluster.test_faults import with_cursor
from tests.live.test_socket import ANNOTATION_IDS, CURSORS
from tests.server import AppServer

JOINED = 'hx-target="#user-list"'  # the viewers panel, which follows a join's replay
ERROR = 'hx-target="#live-error"'  # a refusal for the author alone
GUARD = 90  # seconds: a failure guard on each wait, never a pace


class Page:
    """One watch page's socket: it records what it holds and, when its node closes the socket,
    reconnects with its cursor — after 1012 to the other node, as a balancer would send it."""

    def __init__(self, name: str, urls: dict[AppServer, str], node: AppServer) -> None:
        self.name, self.urls, self.node = name, urls, node
        self.cursor = int(re.search(r"cursor=(\d+)", urls[node]).group(1))
        self.ids: Counter[int] = Counter()  # every annotation id received, with its count
        self.frames: list[str] = []
        self.closes: list[int] = []
        self.socket = None
        self.changed = asyncio.Condition()

    async def run(self) -> None:
        """Stay connected until cancelled, reconnecting after every close."""
        while True:
            url = with_cursor(self.urls[self.node], self.cursor)
            async with connect(url, open_timeout=GUARD) as socket:
                self.socket = socket
                try:
                    async for frame in socket:
                        await self._take(frame)
                except ConnectionClosed:
                    pass
            self.closes.append(socket.close_code)
            if socket.close_code == 1012:
                [self.node] = [node for node in self.urls if node is not self.node]
            await self._notify()

    async def _take(self, frame: str) -> None:
        self.frames.append(frame)
        self.ids.update(int(found) for found in ANNOTATION_IDS.findall(frame))
        if cursors := CURSORS.findall(frame):
            self.cursor = int(cursors[-1])
        await self._notify()

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def saw(self, needle: str, since: int = 0) -> bool:
        """True once a frame this page received (from the `since`-th on) contains needle."""
        return any(needle in frame for frame in self.frames[since:])

    async def until(self, check) -> None:
        """Wait until check() holds, re-checking whenever the page receives or reconnects."""
        async with asyncio.timeout(GUARD), self.changed:
            await self.changed.wait_for(check)


async def post_once(page: Page, body: str) -> bool:
    """Post on the page's socket and wait until its broadcast or an error comes back (True), or
    the socket was replaced: then it may or may not have been stored. False when not sent."""
    socket, since = page.socket, len(page.frames)
    try:
        await socket.send(json.dumps({"event": "new_annotation", "body": body, "at": "0",
                                      "headers": {"HX-Request": "true"}}))
    except ConnectionClosed:
        await page.until(lambda: page.socket is not socket)
        return False
    await page.until(lambda: page.saw(f"{body}<", since) or page.saw(ERROR, since)
                     or page.socket is not socket)
    return True


async def keep_posting(page: Page, phase: dict[str, str], stop: asyncio.Event) -> None:
    """Post one annotation after another, each tagged with the phase, until stopped."""
    index = 0
    while not stop.is_set():
        if await post_once(page, f"{page.name} {index} {phase['now']}"):
            index += 1


@pytest.fixture
def nodes(cluster):
    """Two nodes of this test's own on the cluster's services, which allow a long run of posts."""
    started = []
    try:
        for name in ("rolling-a", "rolling-b"):
            started.append(AppServer({**cluster.a.env, "NODE_ID": name,
                                      "ANNOTATION_BURST": "1000000"}).start())
        yield started
    finally:
        for node in started:
            node.stop()


# Two nodes of its own started, then each restarted: more than the suite's usual bound per test.
@pytest.mark.timeout(420)
async def test_a_rolling_restart_under_posting_loses_and_duplicates_nothing(cluster, browser, nodes):
    a, b = nodes
    alice, bob, guest = browser(), browser(), browser()
    await alice.register("alice")
    await bob.register("bob")
    video = await alice.create_video("Rolling restart")
    pages = []
    for name, person, node in (("alice", alice, a), ("bob", bob, b), ("guest-a", guest, a),
                               ("guest-b", guest, b)):
        urls = {each: await person.socket_url(each, video) for each in (a, b)}
        pages.append(Page(name, urls, node))
    on_a, on_b = pages[0], pages[1]
    running = [asyncio.create_task(page.run()) for page in pages]
    phase, stop = {"now": "before"}, asyncio.Event()
    try:
        for page in pages:
            await page.until(lambda page=page: page.saw(JOINED))
        posting = [asyncio.create_task(keep_posting(page, phase, stop)) for page in (on_a, on_b)]

        async def everyone_saw_a_post(tag: str) -> None:
            for page in pages:
                await page.until(lambda page=page: page.saw(f" {tag}<"))

        await everyone_saw_a_post("before")
        for node, down, back in ((a, "a-down", "a-back"), (b, "b-down", "b-back")):
            phase["now"] = f"{down}-stopping"  # posts racing the node's shutdown
            await asyncio.to_thread(node.stop)
            assert node.process.returncode == -signal.SIGTERM, node.log()[-2000:]
            phase["now"] = down
            await everyone_saw_a_post(down)  # every page is on the other node, posting goes on
            await asyncio.to_thread(node.start)
            phase["now"] = back
            await everyone_saw_a_post(back)
        stop.set()
        await asyncio.gather(*posting)

        # A last post is a barrier: once every page has it, they hold all that came before.
        while not await post_once(on_a, "The end"):
            pass
        for page in pages:
            await page.until(lambda page=page: page.saw("The end<"))
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    stored = [row["id"] for row in
              await cluster.query("SELECT id FROM annotations WHERE video = $1", video)]
    assert len(stored) > 8
    for page in pages:
        assert page.ids == Counter(stored), page.name  # each stored annotation once, none other
        assert 1012 in page.closes and set(page.closes) <= {1012, 1013}, (page.name, page.closes)
