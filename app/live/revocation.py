"""Closing the sockets of people who may no longer watch a video, on every node at once.

The node where the owner changed who may watch works out the rule and publishes it on the
video's topic (an ACCESS broadcast); every node then closes its own sockets on the video that
the rule takes in, each by what it knows of its viewer: their user id and the share link their
access came through (multimedia.Access). The rule names the links just revoked, and, for a
private video, everyone who may still watch it: its owner, its collaborators and its live links.
"""

from dataclasses import dataclass

from app.live.wire import ACCESS, LINK_REVOKED, NOT_ALLOWED, Broadcast, Close


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
    def of(cls, broadcast: Broadcast) -> "AccessRule":
        """The rule an ACCESS broadcast carries."""
        revoked, users, links, *private = broadcast.html.split("\n")
        return cls(_ids(revoked), bool(private), _ids(users), _ids(links))


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(item) for item in text.split())
