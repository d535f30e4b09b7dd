"""This node's fan-out: which local members listen on which topic."""

from collections import defaultdict
from typing import Protocol

from app.live.topics import Message


class Member(Protocol):
    """Anything that can receive a topic's messages: in practice a video channel."""

    def receive(self, topic: str, message: Message) -> None:
        """Take one message published on a topic this member joined."""


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

    def deliver(self, topic: str, message: Message) -> None:
        """Hand a message to every local member of the topic."""
        for member in tuple(self._members.get(topic, ())):
            member.receive(topic, message)

    def topics(self) -> list[str]:
        """Topics with at least one member on this node."""
        return list(self._members)

    def members(self, topic: str) -> list[Member]:
        """The topic's local members."""
        return list(self._members.get(topic, ()))
