"""Bursts of reaction counts on a video merged into a few updates a second, in change order.

A reaction is a numbered change like any other, and each one's broadcast holds just the new
counts of one item. When a burst arrives (a thousand viewers clicking 👍), the first is handed
to the hub at once and the rest wait out a short window: then only the latest counts of each
item go out, as one broadcast covering every change number of the window, so the page's cursor
still moves in order and ends exact. Any other change flushes what is waiting first, so posts
are never held back and never overtake a reaction numbered before them.
"""

import asyncio
from dataclasses import dataclass, field

from app.live import fragments
from app.live.pubsub.hub import Hub
from app.live.wire import CHANGE, REACTION, Broadcast


@dataclass
class _Window:
    """The reaction updates held for one topic until its window ends."""

    timer: asyncio.TimerHandle
    parts: dict[str, str] = field(default_factory=dict)  # target -> its latest counts
    after: int = 0
    seq: int = 0


def _target(html: str) -> str:
    """What a reaction broadcast replaces: its `<hx-partial …>` opening tag, which names it."""
    return html[:html.index(">") + 1]


class Coalescer:
    """Hands a node's ordered video changes to its hub, merging reaction bursts per topic."""

    def __init__(self, hub: Hub, window: float) -> None:
        self._hub, self._window = hub, window
        self._windows: dict[str, _Window] = {}

    def hand_over(self, topic: str, broadcast: Broadcast) -> None:
        """Deliver a change now, or hold a reaction's counts until the topic's window ends;
        called in change-number order."""
        window = self._windows.get(topic)
        if broadcast.kind != REACTION:
            if window is not None:
                self._flush(topic, window)
            self._hub.deliver(topic, broadcast)
        elif window is None:
            self._hub.deliver(topic, self._merged({_target(broadcast.html): broadcast.html},
                                                  broadcast.after, broadcast.seq))
            self._windows[topic] = _Window(self._timer(topic))
        else:
            if not window.parts:
                window.after = broadcast.after
            window.parts[_target(broadcast.html)] = broadcast.html
            window.seq = broadcast.seq

    def holding(self, topic: str) -> bool:
        """Whether a window is open on the topic (the next reaction would be held)."""
        return topic in self._windows

    def forget(self, topic: str) -> None:
        """Drop what a topic this node no longer serves was holding."""
        if (window := self._windows.pop(topic, None)) is not None:
            window.timer.cancel()

    def _timer(self, topic: str) -> asyncio.TimerHandle:
        return asyncio.get_running_loop().call_later(self._window, self._end_window, topic)

    def _end_window(self, topic: str) -> None:
        """Send what the window held and open another; with nothing held, close it."""
        window = self._windows.get(topic)
        if window is None:
            return
        if window.parts:
            self._flush(topic, window)
            window.timer = self._timer(topic)
        else:
            del self._windows[topic]

    def _flush(self, topic: str, window: _Window) -> None:
        if window.parts:
            self._hub.deliver(topic, self._merged(window.parts, window.after, window.seq))
            window.parts = {}

    @staticmethod
    def _merged(parts: dict[str, str], after: int, seq: int) -> Broadcast:
        """One change broadcast: every held item's latest counts, then the cursor at `seq`."""
        return Broadcast(CHANGE, "".join(parts.values()) + fragments.cursor(seq), after, seq)
