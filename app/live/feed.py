"""What one viewer holds and is owed: the join's replay from the database, then live changes,
each change delivered once, in change-number order."""

from time import perf_counter

from app import multimedia
from app.live import fragments, metrics
from app.live.blocking import SpeakingChanged
from app.live.revocation import AccessRule
from app.live.speakers import SpeakersRule
from app.live.transport.outbox import Outbox
from app.live.wire import ACCESS, CHANGE, CLOSE, SPEAKERS, SPEAKING, Broadcast, pushed, video_topic


async def pages(video_id: int, after: int, size: int):
    """The video's changes after change number `after`, `size` items at a time, each page read
    when the one before is handled: the first waits for one page, not the whole history, and
    memory holds one page however long the video's is. Yields (page, its `after`)."""
    while True:
        page = await multimedia.list_change_page(video_id, after, size)
        if page.items:
            yield page, after
        if len(page.items) < size:
            return
        after = page.last_seq


class Feed:
    """A viewer's cursor on a video: what the replay sent, and what broadcasts still owe them.

    It is what the hub delivers to: the member of the video's topic (and of the user's, for a
    sign-out) on the viewer's behalf. `user_id` (0: anonymous) and `link_id` (the share link
    their access came through, 0: none) say whom a revocation closes; `owner_id`, the video's
    owner, which of the user's blocks and unblocks concern this page.
    """

    __slots__ = ("video_id", "topic", "outbox", "user_id", "link_id", "owner_id", "replayed_to",
                 "_backlog", "_batch", "_pending", "_missed", "_sending")

    def __init__(self, video_id: int, outbox: Outbox, backlog: int, batch: int, user_id: int = 0,
                 link_id: int = 0, owner_id: int = 0) -> None:
        self.video_id, self.topic, self.outbox = video_id, video_topic(video_id), outbox
        self.user_id, self.link_id, self.owner_id = user_id, link_id, owner_id
        self._backlog, self._batch = backlog, batch
        # The change number the viewer's page is current to: changes up to it are repeats.
        self.replayed_to = 0
        self._pending: list[Broadcast] | None = []  # live broadcasts that arrive during the replay
        self._missed = False  # the pending list overflowed: read the replay again from the database
        self._sending = False  # a replay frame is waiting for the viewer's transport to drain

    async def replay(self, cursor: int) -> None:
        """Send every change after the page's cursor from the database, then release what
        arrived meanwhile."""
        started = perf_counter()
        self.replayed_to = cursor
        await self._replay()
        while self._missed and not self.outbox.closed:
            # More arrived during a slow replay than the backlog holds; every change is stored
            # before it is broadcast, so the database has what was dropped.
            self._missed = False
            self._pending.clear()
            await self._replay()
        metrics.REPLAY_SECONDS.observe(perf_counter() - started)
        pending, self._pending = self._pending, None
        for broadcast in pending:
            self.receive(self.topic, broadcast)

    async def _replay(self) -> None:
        async for page, after in pages(self.video_id, self.replayed_to, self._batch):
            await self._send(fragments.changes(page, after))
            metrics.REPLAY_PAGES.inc()
            self.replayed_to = page.last_seq
            if self.outbox.closed:
                break

    async def _send(self, text: str) -> None:
        self._sending = True
        try:
            await self.outbox.send_now({"type": "websocket.send", "text": text})
        finally:
            self._sending = False

    def receive(self, topic: str, broadcast: Broadcast) -> None:
        """Push a broadcast to this viewer, dropping changes the replay already gave them."""
        if broadcast.kind == CLOSE:
            self.outbox.close(broadcast.close)
        elif broadcast.kind == ACCESS:
            if (close := AccessRule.of(broadcast).closes(self.user_id, self.link_id)) is not None:
                self.outbox.close(close)
        elif broadcast.kind == SPEAKERS:
            if html := SpeakersRule.of(broadcast).fragment_for(self.user_id, self.link_id):
                fragment = pushed(html)
                self.outbox.push(fragment.event, fragment.frame)
        elif broadcast.kind == SPEAKING:
            said = SpeakingChanged.of(broadcast)
            if said.owner_id == self.owner_id:
                fragment = pushed(said.html)
                self.outbox.push(fragment.event, fragment.frame)
        elif self._pending is not None:
            if len(self._pending) < self._backlog:
                self._pending.append(broadcast)
            elif self._sending:
                # The viewer reads slower than the replay goes out: as with a live backlog,
                # close it to reconnect and catch up from its cursor.
                self._pending.clear()
                self.outbox.overflow()
            else:
                # The database was slow, not the viewer: read what was dropped back from it.
                self._pending.clear()
                self._missed = True
        elif broadcast.kind != CHANGE:
            self.outbox.push(broadcast.event, broadcast.frame)
        elif broadcast.after == self.replayed_to:
            self.replayed_to = broadcast.seq
            self.outbox.push(broadcast.event, broadcast.frame)
        elif broadcast.seq > self.replayed_to:
            # The node hands changes over in order, so this is a catch-up page that starts
            # before this viewer's replay ended (part of it is held already). Reconnecting
            # replays exactly what the page lacks.
            self.outbox.overflow()
