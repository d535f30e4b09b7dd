"""This node's fan-out: which local members listen on which topic."""

from collections import defaultdict
from typing import Protocol

from app.live import metrics
from app.live.wire import Broadcast


class Member(Protocol):
    """Anything that can receive a topic's broadcasts: a video channel, or presence."""

    def receive(self, topic: str, broadcast: Broadcast) -> None:
        """Take one broadcast published on a topic this member joined."""


class PubSub(Protocol):
    """What a member needs from its node to join topics and publish on them."""

    async def subscribe(self, topic: str, member: Member) -> None:
        """Add a local member to a topic."""

    async def unsubscribe(self, topic: str, member: Member) -> None:
        """Remove a local member from a topic."""

    async def publish(self, topic: str, broadcast: Broadcast) -> None:
        """Send a broadcast to the topic's members on every node."""


class Hub:
    """Local members per topic; delivering to them never awaits, so no viewer waits on another."""

    def __init__(self) -> None:
        self._members: defaultdict[str, set[Member]] = defaultdict(set)

    def join(self, topic: str, member: Member) -> bool:
        """Add a member; True when it is the topic's first on this node."""
        members = self._members[topic]
        members.add(member)
        return len(members) == 1

    def leave(self, topic: str, member: Member) -> bool:
        """Remove a member; True when the topic has no members left on this node."""
        members = self._members.get(topic)
        if members is None:
            return False
        members.discard(member)
        if not members:
            del self._members[topic]
            return True
        return False

    def deliver(self, topic: str, broadcast: Broadcast) -> None:
        """Hand a broadcast to every local member of the topic."""
        members = tuple(self._members.get(topic, ()))
        metrics.delivered(broadcast.kind, len(members))  # once per broadcast, never per viewer
        for member in members:
            member.receive(topic, broadcast)

    def topics(self) -> list[str]:
        """Topics with at least one member on this node."""
        return list(self._members)

    def members(self, topic: str) -> list[Member]:
        """The topic's local members."""
        return list(self._members.get(topic, ()))
