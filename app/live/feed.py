"""What one viewer holds and is owed: the join's replay from the database, then live broadcasts,
each annotation delivered once."""

from datetime import datetime

from app import multimedia
from app.live import fragments
from app.live.transport.outbox import Outbox
from app.live.wire import ANNOTATION, CLOSE, Broadcast, video_topic


def by_time(view: multimedia.AnnotationView) -> tuple[int, int]:
    """Sort key putting annotations in playback order, ties by id."""
    return view.at, view.id


async def pages(video_id: int, after_id: int, size: int):
    """The video's live annotations above after_id, `size` at a time in id order, each page read
    when the one before is handled: the first waits for one page, not the whole history, and
    memory holds one page however long the video's is."""
    while True:
        page = await multimedia.list_annotation_page(video_id, after_id, size)
        if page:
            yield page
        if len(page) < size:
            return
        after_id = page[-1].id


class Feed:
    """A viewer's cursor on a video: what the replay sent, and what broadcasts still owe them.

    It is what the hub delivers to: the member of the video's topic (and of the user's, for a
    sign-out) on the viewer's behalf.
    """

    __slots__ = ("video_id", "topic", "outbox", "last_id", "replayed_to", "since", "_backlog",
                 "_batch", "_pending", "_missed", "_sending")

    def __init__(self, video_id: int, outbox: Outbox, backlog: int, batch: int) -> None:
        self.video_id, self.topic, self.outbox = video_id, video_topic(video_id), outbox
        self._backlog, self._batch = backlog, batch
        self.last_id = 0  # the largest annotation id this viewer holds
        self.replayed_to = 0  # the largest id sent from the database: broadcasts up to it are repeats
        self.since: datetime | None = None  # deletions before this the viewer's page already shows
        self._pending: list[Broadcast] | None = []  # live broadcasts that arrive during the replay
        self._missed = False  # the pending list overflowed: read the replay again from the database
        self._sending = False  # a replay frame is waiting for the viewer's transport to drain

    async def replay(self, last_seen_id: int, since: datetime | None) -> None:
        """Send what the viewer lacks from the database, then release what arrived meanwhile."""
        self.last_id = self.replayed_to = last_seen_id
        self.since = since
        await self._replay()
        while self._missed and not self.outbox.closed:
            # More arrived during a slow replay than the backlog holds; every annotation and
            # deletion is stored before it is broadcast, so the database has what was dropped.
            self._missed = False
            self._pending.clear()
            await self._replay()
        pending, self._pending = self._pending, None
        for broadcast in pending:
            self.receive(self.topic, broadcast)

    async def _replay(self) -> None:
        held = self.last_id
        async for page in pages(self.video_id, held, self._batch):
            await self._send(fragments.annotations(sorted(page, key=by_time)))
            self.last_id = self.replayed_to = max(self.last_id, page[-1].id)
            if self.outbox.closed:
                break
        # Those just sent were live when read; any deleted since is a broadcast held in _pending.
        deleted = await multimedia.list_deleted_annotation_ids(self.video_id, held, self.since)
        ids = [annotation_id for annotation_id in deleted if annotation_id <= self.last_id]
        for start in range(0, len(ids), self._batch):
            if self.outbox.closed:
                return
            await self._send(fragments.removals(ids[start:start + self._batch]))

    async def _send(self, text: str) -> None:
        self._sending = True
        try:
            await self.outbox.send_now({"type": "websocket.send", "text": text})
        finally:
            self._sending = False

    def receive(self, topic: str, broadcast: Broadcast) -> None:
        """Push a broadcast to this viewer, dropping what the replay already gave them."""
        if broadcast.kind == CLOSE:
            self.outbox.close(broadcast.close)
        elif self._pending is not None:
            if len(self._pending) < self._backlog:
                self._pending.append(broadcast)
            elif self._sending:
                # The viewer reads slower than the replay goes out: as with a live backlog,
                # close it to reconnect and catch up by last_seen_id.
                self._pending.clear()
                self.outbox.overflow()
            else:
                # The database was slow, not the viewer: read what was dropped back from it.
                self._pending.clear()
                self._missed = True
        elif broadcast.kind != ANNOTATION:
            self.outbox.push(broadcast.event, broadcast.frame)
        elif broadcast.annotation_id > self.replayed_to:
            # Not against last_id: two posters' annotations can be broadcast in the other order
            # than they were stored, and the lower id is just as new to this viewer.
            self.last_id = max(self.last_id, broadcast.annotation_id)
            self.outbox.push(broadcast.event, broadcast.frame)

    def defer_to_join(self) -> bool:
        """While the replay is under way, have it read the database once more and return True
        (the catch-up's annotations are there); once joined, return False."""
        if self._pending is None:
            return False
        self._missed = True
        return True

    def push_caught_up(self, broadcast: Broadcast) -> None:
        """Push what the catch-up read for this viewer; broadcasts of annotations up to it are repeats."""
        self.outbox.push(broadcast.event, broadcast.frame)
        if broadcast.kind == ANNOTATION:
            self.last_id = self.replayed_to = max(self.last_id, broadcast.annotation_id)
