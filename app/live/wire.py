"""The live layer's wire vocabulary, each name defined once: topics, Redis keys, close codes,
the fragment wrapper, and the broadcast that travels between nodes."""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from app.live.transport.frames import text_frame

REDIS_PREFIX = "videologue"


def video_topic(video_id: int) -> str:
    """The topic every viewer of a video joins."""
    return f"videos:{video_id}"


def video_of_topic(topic: str) -> int | None:
    """The video id of a video_topic, or None for any other topic."""
    name, _, video_id = topic.partition(":")
    return int(video_id) if name == "videos" and video_id.isdecimal() else None


def user_topic(user_id: int) -> str:
    """The topic all of one user's sockets join, so they can be closed together and hear of
    their notifications."""
    return f"users:{user_id}"


def presence_topic(topic: str) -> str:
    """Where a topic's presence changes are announced: to the trackers alone, not every viewer."""
    return f"{topic}:presence"


def topic_of_presence(changes: str) -> str:
    """The topic whose presence changes `changes` (a presence_topic) announces."""
    return changes.removesuffix(":presence")


def presence_key(topic: str, node: str) -> str:
    """The Redis hash of one node's connections on a topic."""
    return f"{REDIS_PREFIX}:presence:{topic}:{node}"


def presence_nodes_key(topic: str) -> str:
    """The Redis set of nodes that have connections on a topic."""
    return f"{REDIS_PREFIX}:presence-nodes:{topic}"


def rate_key(user_id: int | str, budget: str = "posts") -> str:
    """The Redis hash holding one user's bucket for a budget: "posts" (posts, replies, edits,
    deletions and resolving) or "reactions"; or, for "guest-address", one address's bucket."""
    suffix = "" if budget == "posts" else f":{budget}"  # posts keep the key they always had
    return f"{REDIS_PREFIX}:rate:{user_id}{suffix}"


class Close(NamedTuple):
    """Why the server closes a socket: the WebSocket close code and a reason for people."""

    code: int
    reason: str


# hx-ws reconnects only after 1001, 1005, 1006, 1011, 1012, 1013 and 1014: refusals use 4xxx so
# that a refused page does not retry forever (static/js/player.js explains each to the viewer).
SIGNED_OUT = Close(4001, "Signed out")
BAD_TOKEN = Close(4401, "Your session expired — sign in again")
FOREIGN_ORIGIN = Close(4403, "This socket only serves this site's pages")
UNKNOWN_VIDEO = Close(4404, "No such video")
VIDEO_DELETED = Close(4404, "This video was deleted")
# Access taken away while watching (static/js/player.js explains each; none is retried): the
# video was made private or its viewer taken off it, or the share link they came by ended.
NOT_ALLOWED = Close(4410, "You may no longer watch this video")
LINK_REVOKED = Close(4411, "This share link was revoked")
LINK_EXPIRED = Close(4412, "This share link has expired")
# A page from before change numbers (it sends last_seen_id, not cursor) must be reloaded.
OUTDATED_PAGE = Close(4409, "Videologue was updated — reload the page")
SERVER_ERROR = Close(1011, "Something went wrong on our side; reconnecting")
# "Try Again Later": hx-ws reconnects, and the rejoin catches up from the page's cursor.
FELL_BEHIND = Close(1013, "Too far behind; reconnect to catch up")


def partial(target: str, swap: str, html: str = "") -> str:
    """HTML that hx-ws swaps into `target` the `swap` way (an `<hx-partial>` element)."""
    return f'<hx-partial hx-target="{target}" hx-swap="{swap}">{html}</hx-partial>'


# What a broadcast is about.
CHANGE = "change"  # the video's changes after number `after` up to `seq`, as fragments to swap in
# One item's new reaction counts, numbered like a change (`seq`, following `after`), without
# the cursor: the coalescer merges a burst of them into one CHANGE (app/live/coalescer.py).
REACTION = "reaction"
PRESENCE = "presence"  # a new viewers panel, rendered on this node for its own viewers
PRESENCE_CHANGED = "presence_changed"  # someone joined or left: each node re-reads the entries
CLOSE = "close"  # close every socket on the topic with `close`
NOTIFY = "notify"  # a user's unread-notification badge, pushed as is to their sockets
ACCESS = "access"  # who may watch changed: each socket that may no longer closes (revocation.py)
# A user was blocked or unblocked on an owner's videos: pushed to their sockets on those (blocking.py)
SPEAKING = "speaking"
# Who may comment on a video changed: each signed-in socket left out turns read-only (speakers.py)
SPEAKERS = "speakers"


@dataclass(frozen=True)
class Broadcast:
    """One message for every member of a topic, as it travels between nodes."""

    kind: str
    html: str = ""
    after: int = 0
    seq: int = 0
    close: Close | None = None

    @cached_property
    def event(self) -> dict:
        """The ASGI send event, made once on the receiving node and handed to every viewer."""
        return {"type": "websocket.send", "text": self.html}

    @cached_property
    def frame(self) -> bytes:
        """The whole WebSocket frame, made once on the receiving node for every viewer."""
        return text_frame(self.html.encode())

    def encode(self) -> bytes:
        """Serialise for a pub/sub backend."""
        code, reason = self.close or (0, "")
        return f"{self.kind} {self.after} {self.seq} {code} {reason}\n{self.html}".encode()

    @classmethod
    def decode(cls, data: bytes) -> "Broadcast":
        """Parse what encode produced."""
        head, _, html = data.decode().partition("\n")
        kind, after, seq, code, reason = head.split(" ", 4)
        return cls(kind, html, int(after), int(seq), Close(int(code), reason) if int(code) else None)


@lru_cache(maxsize=16)
def pushed(html: str) -> Broadcast:
    """A fragment that a rule hands to many of a node's sockets (speakers.py, blocking.py): one
    Broadcast for all of them, so its frame is made once per node, not once per viewer."""
    return Broadcast("pushed", html)
