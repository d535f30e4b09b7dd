"""Turning read-only, on every node at once, the pages of those who may no longer comment on a
video since its owner changed who may (a collaborator's role, the video's comment rule).

The node where the owner changed it works out who may still comment (multimedia.speakers) and
publishes it on the video's topic, with the fragments to push (a SPEAKERS broadcast); every node
pushes to its own signed-in sockets on the video: the rule's read-only fragment to those it
leaves out, and to the others the note that they may comment once they reload (which changes
only a page that could not). Their next post is refused by the context either way; this only
makes the page say so before they try.
"""

from dataclasses import dataclass
from functools import lru_cache

from app import multimedia
from app.live import fragments
from app.live.wire import SPEAKERS, Broadcast


@dataclass(frozen=True, slots=True)
class SpeakersRule:
    """Who may comment now (as multimedia.Speakers), what to push to the signed-in viewers it
    leaves out (`html`: the page turns read-only) and to the others (`granted`: a page that
    could not comment is told it may, once reloaded; a page with the form has nothing it
    replaces)."""

    everyone: bool
    users: frozenset[int]
    links: frozenset[int]
    blocked: frozenset[int]
    html: str
    granted: str

    def silences(self, user_id: int, link_id: int) -> bool:
        """Whether a signed-in viewer (by their user id, and the link their access came
        through, 0: none) may not comment."""
        allowed = (self.everyone and not link_id) or user_id in self.users or link_id in self.links
        return not allowed or user_id in self.blocked

    def fragment_for(self, user_id: int, link_id: int) -> str:
        """What this viewer's page is pushed ("" for an anonymous one: it has no form)."""
        if not user_id:
            return ""
        return self.html if self.silences(user_id, link_id) else self.granted

    def broadcast(self) -> Broadcast:
        """The rule as it travels between nodes."""
        ids = (" ".join(str(i) for i in sorted(group)) for group in (self.users, self.links,
                                                                   self.blocked))
        head = "\n".join([str(int(self.everyone)), *ids, str(len(self.html))])
        return Broadcast(SPEAKERS, f"{head}\n{self.html}{self.granted}")

    @classmethod
    @lru_cache(maxsize=16)  # every socket on the topic asks for the same broadcast's rule
    def of(cls, broadcast: Broadcast) -> "SpeakersRule":
        """The rule a SPEAKERS broadcast carries."""
        everyone, users, links, blocked, length, html = broadcast.html.split("\n", 5)
        return cls(everyone == "1", _ids(users), _ids(links), _ids(blocked), html[:int(length)],
                   html[int(length):])


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(item) for item in text.split())


async def rule_of(video_id: int) -> SpeakersRule:
    """The video's current rule, with the fragments for those it leaves out and lets in."""
    now = await multimedia.speakers(video_id)
    return SpeakersRule(now.everyone, now.user_ids, now.link_ids, now.blocked_ids,
                        fragments.read_only(), fragments.may_comment_now())
