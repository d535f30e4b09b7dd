"""Telling a person's open pages, on every node, that they were blocked or unblocked.

A block is the owner's (multimedia.block_person): it covers every video of theirs. The node where
it was made publishes one SPEAKING broadcast on the person's user topic, carrying the owner and
the fragment to push; each node pushes it to that person's sockets on the owner's videos, which
thereby become read-only at once (the form gives way to a note saying why). The rule itself is
enforced by the context on every post, reply and reaction, whatever a page shows.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from app import multimedia
from app.live import fragments
from app.live.pubsub.hub import PubSub
from app.live.wire import SPEAKING, Broadcast, user_topic

log = logging.getLogger("videologue.live")


@dataclass(frozen=True, slots=True)
class SpeakingChanged:
    """The fragment for a person's pages on the videos of `owner_id`."""

    owner_id: int
    html: str

    def broadcast(self) -> Broadcast:
        """As it travels between nodes."""
        return Broadcast(SPEAKING, f"{self.owner_id}\n{self.html}")

    @classmethod
    @lru_cache(maxsize=16)  # every socket on the topic asks for the same broadcast's rule
    def of(cls, broadcast: Broadcast) -> "SpeakingChanged":
        """What a SPEAKING broadcast carries."""
        owner, _, html = broadcast.html.partition("\n")
        return cls(int(owner), html)


async def announce(pubsub: PubSub, change: multimedia.BlockChange, blocked: bool) -> None:
    """Push the block (or, `blocked` False, the unblock) to the person's open pages on every node.

    A failure is logged, not raised: the block is stored either way; a blocked person is
    refused when they next try to speak, and an unblocked one's next page has the form back.
    """
    html = fragments.blocked() if blocked else fragments.unblocked()
    try:
        await pubsub.publish(user_topic(change.user_id),
                             SpeakingChanged(change.owner_id, html).broadcast())
    except Exception:
        log.warning("announcing the block change of user %s failed", change.user_id, exc_info=True)
