"""Turning read-only, on every node at once, the pages of those who may no longer comment on a
video since its owner changed who may (a collaborator's role, the video's comment rule).

The node where the owner changed it works out who may still comment (multimedia.speakers) and
publishes it on the video's topic, with the fragment to push (a SPEAKERS broadcast); every node
pushes that fragment to its own signed-in sockets on the video the rule leaves out. Their next
post is refused by the context either way; this only makes the page say so before they try.
"""

from dataclasses import dataclass

from app import multimedia
from app.live import fragments
from app.live.wire import SPEAKERS, Broadcast


@dataclass(frozen=True, slots=True)
class SpeakersRule:
    """Who may still comment (as multimedia.Speakers), and what to push to the others."""

    everyone: bool
    users: frozenset[int]
    links: frozenset[int]
    html: str

    def silences(self, user_id: int, link_id: int) -> bool:
        """Whether a signed-in viewer (by their user id, and the link their access came
        through, 0: none) may no longer comment."""
        allowed = (self.everyone and not link_id) or user_id in self.users or link_id in self.links
        return bool(user_id) and not allowed

    def broadcast(self) -> Broadcast:
        """The rule as it travels between nodes."""
        ids = (" ".join(str(i) for i in sorted(group)) for group in (self.users, self.links))
        return Broadcast(SPEAKERS, "\n".join([str(int(self.everyone)), *ids, self.html]))

    @classmethod
    def of(cls, broadcast: Broadcast) -> "SpeakersRule":
        """The rule a SPEAKERS broadcast carries."""
        everyone, users, links, html = broadcast.html.split("\n", 3)
        return cls(everyone == "1", _ids(users), _ids(links), html)


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(item) for item in text.split())


async def rule_of(video_id: int) -> SpeakersRule:
    """The video's current rule, with the read-only fragment for those it leaves out."""
    now = await multimedia.speakers(video_id)
    return SpeakersRule(now.everyone, now.user_ids, now.link_ids, fragments.read_only())
