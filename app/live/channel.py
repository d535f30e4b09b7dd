"""The video channel: one viewer's conversation on a video's topic, as in Phoenix's VideoChannel."""

import logging
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime

from app import multimedia
from app.accounts import User
from app.live import fragments
from app.live.outbox import Outbox
from app.live.topics import Message, user_topic, video_topic

log = logging.getLogger("videologue.live")
# What a "close" broadcast carries (Message.ref and .text): the user signed out everywhere, or
# the video was deleted (4404, as for a socket to a video that does not exist).
SIGNED_OUT = (4001, "Signed out")
VIDEO_DELETED = (4404, "This video was deleted")


def _by_time(view: multimedia.AnnotationView) -> tuple[int, int]:
    return view.at, view.id


class VideoChannel:
    """Joins a video's topic, replays what the viewer missed, and delivers what is broadcast."""

    __slots__ = ("live", "video_id", "user", "outbox", "topic", "last_id", "replayed_to", "since",
                 "_pending", "_missed", "_sending", "connection_id", "tracked")

    def __init__(self, live, video_id: int, user: User | None, outbox: Outbox) -> None:
        self.live, self.video_id, self.user, self.outbox = live, video_id, user, outbox
        self.topic = video_topic(video_id)
        self.last_id = 0  # the largest annotation id this viewer holds
        self.replayed_to = 0  # the largest id sent from the database: broadcasts up to it are repeats
        self.since: datetime | None = None  # deletions before this the viewer's page already shows
        self._pending: list[Message] | None = []  # live messages that arrive during the replay
        self._missed = False  # the pending list overflowed: read the replay again from the database
        self._sending = False  # a replay frame is waiting for the viewer's transport to drain
        self.connection_id = live.connection_id()
        self.tracked = False

    async def join(self, last_seen_id: int, since: datetime | None = None) -> None:
        """Subscribe first, then replay from the database, then release what arrived meanwhile."""
        await self.live.subscribe(self.topic, self)
        if self.user:
            await self.live.subscribe(user_topic(self.user.id), self)
        self.last_id = self.replayed_to = last_seen_id
        self.since = since
        await self.replay()
        while self._missed and not self.outbox.closed:
            # More arrived during a slow replay than the backlog holds; every annotation and
            # deletion is stored before it is broadcast, so the database has what was dropped.
            self._missed = False
            self._pending.clear()
            await self.replay()
        pending, self._pending = self._pending, None
        for message in pending:
            self.receive(self.topic, message)
        await self.live.presence.track(self.topic, self.connection_id,
                                       self.user.id if self.user else None)
        self.tracked = True

    async def replay(self) -> None:
        """Send the annotations newer than the viewer's, then remove theirs deleted since `since`."""
        held = self.last_id
        async for page in _pages(self.video_id, held, self.live.settings.replay_batch):
            await self._send_annotations(page)
            if self.outbox.closed:
                break
        # Those just sent were live when read; any deleted since is a broadcast held in _pending.
        await self.remove(await multimedia.list_deleted_annotation_ids(self.video_id, held, self.since))

    async def _send_annotations(self, batch: list[multimedia.AnnotationView]) -> None:
        """Send one batch, already in id order and so above everything sent before it, by time."""
        await self._send_replay(fragments.annotations(sorted(batch, key=_by_time)))
        self.last_id = self.replayed_to = max(self.last_id, batch[-1].id)

    async def remove(self, annotation_ids: list[int]) -> None:
        """Take deleted annotations off this viewer's list, in batches (unknown ids are no-ops)."""
        ids = [annotation_id for annotation_id in annotation_ids if annotation_id <= self.last_id]
        size = self.live.settings.replay_batch
        for start in range(0, len(ids), size):
            if self.outbox.closed:
                return
            await self._send_replay(fragments.removals(ids[start:start + size]))

    def defer_to_join(self) -> bool:
        """While the join is under way, have it read the database once more and return True (the
        catch-up's annotations are there); once joined, return False."""
        if self._pending is None:
            return False
        self._missed = True
        return True

    def push_caught_up(self, message: Message) -> None:
        """Push what the catch-up read for this viewer; broadcasts of annotations up to it are repeats."""
        self.outbox.push(message.event, message.frame)
        if message.kind == "annotation":
            self.last_id = self.replayed_to = max(self.last_id, message.ref)

    async def _send_replay(self, text: str) -> None:
        self._sending = True
        try:
            await self.reply(text)
        finally:
            self._sending = False

    async def leave(self) -> None:
        """Unsubscribe from everything this channel joined and leave the viewers panel."""
        if self.tracked:
            await self.live.presence.untrack(self.topic, self.connection_id)
        await self.live.unsubscribe(self.topic, self)
        if self.user:
            await self.live.unsubscribe(user_topic(self.user.id), self)

    def receive(self, topic: str, message: Message) -> None:
        """Deliver a broadcast to this viewer, dropping what the replay already gave them."""
        if message.kind == "close":
            self.outbox.close(message.ref, message.text)
        elif self._pending is not None:
            if len(self._pending) < self.live.settings.live_backlog:
                self._pending.append(message)
            elif self._sending:
                # The viewer reads slower than the replay goes out: as with a live backlog,
                # close it to reconnect and catch up by last_seen_id.
                self._pending.clear()
                self.outbox.overflow()
            else:
                # The database was slow, not the viewer: read what was dropped back from it.
                self._pending.clear()
                self._missed = True
        elif message.kind != "annotation":
            self.outbox.push(message.event, message.frame)
        elif message.ref > self.replayed_to:
            # Not against last_id: two posters' annotations can be broadcast in the other order
            # than they were stored, and the lower id is just as new to this viewer.
            self.last_id = max(self.last_id, message.ref)
            self.outbox.push(message.event, message.frame)

    async def broadcast(self, topic: str, message: Message) -> None:
        """Publish something already stored to every viewer of its topic, on every node.

        A failure is logged, never reported: the change is stored, so an author told "failed"
        would only do it twice, and viewers who missed the broadcast catch up from the database
        when the pub/sub connection comes back (catch_up) or their socket rejoins.
        """
        try:
            await self.live.publish(topic, message)
        except Exception:
            log.warning("broadcasting %s %s failed; viewers will catch up", message.kind,
                        message.ref, exc_info=True)

    async def reply(self, text: str) -> None:
        """Send a fragment to this viewer alone, in order with what they are already owed."""
        await self.outbox.send_now({"type": "websocket.send", "text": text})

    async def reply_error(self, message: str) -> None:
        """Show an error in this viewer's error slot only."""
        await self.reply(fragments.live_error(message))


async def _pages(video_id: int, after_id: int, size: int):
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


async def catch_up(video_id: int, channels: list[VideoChannel]) -> None:
    """Send a video's local viewers what a pub/sub outage kept from them, from the database.

    Nothing here waits on a viewer: each page of missed annotations is read once, rendered once
    for every viewer that lacks the same part of it, and pushed like a broadcast, so a viewer that
    cannot take it overflows its backlog and rejoins by last_seen_id while the others carry on.
    A viewer still joining is left to its join, which reads the database again.
    """
    joined = [channel for channel in channels if not channel.defer_to_join()]
    if not joined:
        return
    size = joined[0].live.settings.replay_batch
    async for page in _pages(video_id, min(channel.last_id for channel in joined), size):
        ids = [view.id for view in page]
        for start, viewers in _by_first_missing(ids, joined).items():
            html = fragments.annotations(sorted(page[start:], key=_by_time))
            _push(viewers, Message("annotation", ids[-1], html))
    # Deletions broadcast during the outage are lost too: send each viewer's again.
    cursors = [channel.since for channel in joined]
    deleted = await multimedia.list_deleted_annotation_ids(
        video_id, max(channel.last_id for channel in joined), None if None in cursors else min(cursors))
    for start in range(0, len(deleted), size):
        batch = deleted[start:start + size]
        for end, viewers in _by_first_missing(batch, joined, held=True).items():
            _push(viewers, Message("deleted", batch[end - 1], fragments.removals(batch[:end])))


def _by_first_missing(ids: list[int], channels: list[VideoChannel],
                      held: bool = False) -> dict[int, list[VideoChannel]]:
    """Open channels grouped by where their last_id falls in ascending ids, leaving out those
    for which the part asked for (above last_id, or with `held` up to it) is empty."""
    groups: defaultdict[int, list[VideoChannel]] = defaultdict(list)
    for channel in channels:
        cut = bisect_right(ids, channel.last_id)
        if not channel.outbox.closed and (cut > 0 if held else cut < len(ids)):
            groups[cut].append(channel)
    return groups


def _push(channels: list[VideoChannel], message: Message) -> None:
    """One rendering, one frame, for every channel in the group."""
    for channel in channels:
        channel.push_caught_up(message)
