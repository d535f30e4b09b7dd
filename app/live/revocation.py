"""Closing the sockets of people who may no longer watch a video, on every node at once.

The node where the owner changed who may watch works out the rule and publishes it on the
video's topic (an ACCESS broadcast); every node then closes its own sockets on the video that
the rule takes in, each by what it knows of its viewer: their user id and the share link their
access came through (multimedia.Access). The rule names the links just revoked, and, for a
private video, everyone who may still watch it: its owner, its collaborators and its live links.
A node back from a pub/sub outage, which may have missed such a rule, works out each of its
videos' rule again from the database and applies it to its own sockets (recheck).
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from app import multimedia
from app.live.pubsub.hub import Hub
from app.live.wire import ACCESS, LINK_REVOKED, NOT_ALLOWED, Broadcast, Close, video_of_topic

log = logging.getLogger("videologue.live")


@dataclass(frozen=True, slots=True)
class AccessRule:
    """Which sockets of a video to close: those that came through a `revoked` link, and, when
    `private`, any whose user is not in `users` and whose link is not in `links`."""

    revoked: frozenset[int] = frozenset()
    private: bool = False
    users: frozenset[int] = frozenset()
    links: frozenset[int] = frozenset()

    def closes(self, user_id: int, link_id: int) -> Close | None:
        """Why to close the socket of this viewer (user 0: anonymous; link 0: none), or None."""
        if link_id and link_id in self.revoked:
            return LINK_REVOKED
        if self.private and user_id not in self.users and link_id not in self.links:
            return NOT_ALLOWED
        return None

    def broadcast(self) -> Broadcast:
        """The rule as it travels between nodes."""
        return Broadcast(ACCESS, "\n".join(" ".join(str(i) for i in sorted(ids)) for ids in (
            self.revoked, self.users, self.links)) + ("\nprivate" if self.private else ""))

    @classmethod
    @lru_cache(maxsize=16)  # every socket on the topic asks for the same broadcast's rule
    def of(cls, broadcast: Broadcast) -> "AccessRule":
        """The rule an ACCESS broadcast carries."""
        revoked, users, links, *private = broadcast.html.split("\n")
        return cls(_ids(revoked), bool(private), _ids(users), _ids(links))


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(item) for item in text.split())


async def recheck(hub: Hub) -> None:
    """Apply every local video topic's current rule to this node's sockets on it: its revoked
    links, and, for a private video, who may still watch. Run after a pub/sub outage, during
    which an ACCESS broadcast may have been lost; a video that cannot be read is left to the
    next write, which the context refuses."""
    for topic in hub.topics():
        if (video_id := video_of_topic(topic)) is None:
            continue
        try:
            watching = await multimedia.audience(video_id)
        except Exception:
            log.warning("re-reading who may watch video %s failed", video_id, exc_info=True)
            continue
        if watching.revoked_link_ids or watching.private:
            hub.deliver(topic, AccessRule(watching.revoked_link_ids, watching.private,
                                          watching.user_ids, watching.link_ids).broadcast())
