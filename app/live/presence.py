"""Presence: who is watching each video, rendered once per change and pushed to its viewers."""

import asyncio
import logging
from collections import Counter, defaultdict

from app import accounts
from app.live.presence_backends import Entry, LocalPresenceBackend, RedisPresenceBackend
from app.live.pubsub.hub import Hub, PubSub
from app.live.wire import PRESENCE, PRESENCE_CHANGED, Broadcast, partial, presence_topic, topic_of_presence
from app.templating import render_partial

log = logging.getLogger("videologue.live")
# Viewers per coalescing window: past it, a topic's window grows with its local audience, so
# the panel costs each node about the same sends per second however many watch.
PANEL_AUDIENCE = 1000


def viewers_panel(entries: list[Entry], usernames: dict[int, str],
                  share_guests: frozenset[int] = frozenset()) -> str:
    """The viewers panel: each signed-in user once with their tab count (a share link's guest
    among them, in `share_guests`, marked so), then how many watch without signing in."""
    tabs = Counter(user_id for _, user_id in entries if user_id in usernames)
    viewers = sorted(({"username": usernames[uid], "count": n, "guest": uid in share_guests}
                      for uid, n in tabs.items()),
                     key=lambda viewer: viewer["username"].lower())
    guests = sum(1 for _, user_id in entries if user_id is None)
    html = render_partial("watch/_user_list.html", viewers=viewers, guests=guests)
    return partial("#user-list", "outerHTML", html)


class Presence:
    """Tracks connections per topic in a backend and keeps every viewer's panel current.

    A change anywhere is announced on the topic; each node then re-reads the entries, fetches
    usernames in one query and renders the panel once for all its local viewers, at most once
    per coalescing window, so a join storm costs a few renders, not one per join per viewer.
    The window widens with the audience (see `window`), so it costs no more sends per second.
    """

    def __init__(self, backend: LocalPresenceBackend | RedisPresenceBackend, hub: Hub, pubsub: PubSub,
                 coalesce: float, heartbeat: float) -> None:
        self.backend, self._hub, self._pubsub = backend, hub, pubsub
        self._coalesce, self._heartbeat_every = coalesce, heartbeat
        self._local: defaultdict[str, int] = defaultdict(int)
        self._scheduled: dict[str, bool] = {}  # topic -> must send even if unchanged
        self._last: dict[str, str] = {}
        self._heartbeat_task: asyncio.Task | None = None

    async def start(self) -> None:
        """Start renewing this node's entries and noticing other nodes' expired ones."""
        self._heartbeat_task = asyncio.create_task(self._beat())

    async def stop(self) -> None:
        """Remove this node's entries and tell the other nodes."""
        if self._heartbeat_task:
            self._heartbeat_task.cancel()
        topics = list(self._local)
        try:
            await self.backend.clear()
            for topic in topics:
                await self._announce(topic)
        except Exception:
            log.warning("could not clear presence on shutdown", exc_info=True)

    async def track(self, topic: str, connection_id: str, user_id: int | None) -> None:
        """Add a connection and announce the change."""
        self._local[topic] += 1
        if self._local[topic] == 1:
            await self._pubsub.subscribe(presence_topic(topic), self)
        try:
            await self.backend.track(topic, connection_id, user_id)
            await self._announce(topic)
        except Exception:
            log.warning("presence track failed; the next heartbeat writes it", exc_info=True)

    async def untrack(self, topic: str, connection_id: str) -> None:
        """Remove a connection and announce the change."""
        self._local[topic] -= 1
        if self._local[topic] <= 0:
            del self._local[topic]
            self._last.pop(topic, None)
            await self._pubsub.unsubscribe(presence_topic(topic), self)
        try:
            await self.backend.untrack(topic, connection_id)
            await self._announce(topic)
        except Exception:
            log.warning("presence untrack failed; the entry will expire", exc_info=True)

    def tracked_connections(self) -> int:
        """How many connections this node tracks, over every video."""
        return sum(self._local.values())

    def tracked_videos(self) -> int:
        """How many videos this node tracks connections on."""
        return len(self._local)

    async def watching(self, topics: list[str]) -> dict[str, int]:
        """How many watch each topic now, counted as the panel lists them: each user once, each guest tab."""
        found = await self.backend.entries_for(topics)
        return {topic: len({user_id for _, user_id in entries if user_id is not None})
                + sum(1 for _, user_id in entries if user_id is None)
                for topic, entries in found.items()}

    async def watching_users(self, topic: str) -> set[int]:
        """The ids of the signed-in users watching the topic now, on every node."""
        return {user_id for _, user_id in await self.backend.entries(topic) if user_id is not None}

    async def _announce(self, topic: str) -> None:
        await self._pubsub.publish(presence_topic(topic), Broadcast(PRESENCE_CHANGED))

    def receive(self, topic: str, broadcast: Broadcast) -> None:
        """React to a change announced by any node (on the topic's presence topic)."""
        if broadcast.kind == PRESENCE_CHANGED:
            self._schedule(topic_of_presence(topic), force=True)

    def window(self, topic: str) -> float:
        """Seconds a change waits for others before the panel is rendered: longer for big rooms."""
        return self._coalesce * max(1.0, self._local.get(topic, 0) / PANEL_AUDIENCE)

    def _schedule(self, topic: str, force: bool) -> None:
        if topic in self._scheduled:
            self._scheduled[topic] |= force
            return
        self._scheduled[topic] = force
        asyncio.get_running_loop().call_later(
            self.window(topic), lambda: asyncio.create_task(self._refresh(topic)))

    async def _refresh(self, topic: str) -> None:
        force = self._scheduled.pop(topic, True)
        if topic not in self._local:
            return
        try:
            entries = await self.backend.entries(topic)
            ids = sorted({user_id for _, user_id in entries if user_id is not None})
            users = await accounts.list_users_by_ids(ids)
        except Exception:
            log.warning("presence refresh failed for %s", topic, exc_info=True)
            return
        html = viewers_panel(entries, {uid: user.username for uid, user in users.items()},
                             frozenset(uid for uid, user in users.items() if user.guest))
        if force or html != self._last.get(topic):
            self._last[topic] = html
            self._hub.deliver(topic, Broadcast(PRESENCE, html))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_every)
            try:
                await self.backend.heartbeat()
            except Exception:
                log.warning("presence heartbeat failed", exc_info=True)
            for topic in list(self._local):
                self._schedule(topic, force=False)  # catches other nodes' expired entries
