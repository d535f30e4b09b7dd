"""Each video's changes handed to this node's viewers in change-number order, each once.

Changes are numbered per video without gaps, and stored before they are published, so when a
change arrives before the one it follows (two nodes published in the other order) or the one
it follows never arrives (a pub/sub outage), the database already holds both: the node reads
every change after the last one it handed over, renders each page once for all its viewers,
and carries on. A viewer's page therefore holds every change up to its cursor, and nothing
above it — which is what makes a reconnect from the cursor exact. Reactions are changes too;
the coalescer merges their bursts on the way to the hub.
"""

import asyncio
import logging
from dataclasses import dataclass, field

from app import multimedia
from app.live import fragments
from app.live.coalescer import Coalescer
from app.live.feed import pages
from app.live.pubsub.hub import Hub
from app.live.wire import CHANGE, REACTION, Broadcast

_ORDERED = (CHANGE, REACTION)

log = logging.getLogger("videologue.live")


@dataclass
class _Topic:
    """Where one video topic stands on this node."""

    video_id: int
    seen: int | None = None  # the last change number handed to the hub; None until tracked
    held: dict[int, Broadcast] = field(default_factory=dict)  # early arrivals, by `after`
    filling: asyncio.Task | None = None
    refill: bool = False  # more arrived during a fill than `held` keeps: read again after it


class Sequencer:
    """Orders this node's video-topic changes before the hub fans them out."""

    def __init__(self, hub: Hub, batch: int, limit: int, reaction_window: float) -> None:
        self._hub, self._batch, self._limit = hub, batch, limit
        self._out = Coalescer(hub, reaction_window)
        self._topics: dict[str, _Topic] = {}

    async def track(self, topic: str, video_id: int) -> None:
        """Start ordering a topic's changes from the video's current change number; called once
        this node receives the topic's messages, before any viewer's replay reads the database."""
        state = self._topics.setdefault(topic, _Topic(video_id))
        if state.seen is None:
            state.seen = await multimedia.current_change_seq(video_id)
            self._release(topic, state)

    def forget(self, topic: str) -> None:
        """Stop ordering a topic this node no longer receives."""
        state = self._topics.pop(topic, None)
        if state is not None and state.filling is not None:
            state.filling.cancel()
        self._out.forget(topic)

    def catch_up(self) -> None:
        """After a pub/sub outage, read what every topic missed from the database."""
        for topic, state in self._topics.items():
            if state.seen is not None:
                self._fill(topic, state)

    async def quiet(self) -> None:
        """Wait until no topic is reading missed changes (for shutdown and tests)."""
        while fills := [state.filling for state in self._topics.values() if state.filling]:
            await asyncio.wait(fills)

    def deliver(self, topic: str, broadcast: Broadcast) -> None:
        """Hand a broadcast to the topic's local members, changes in order and once each."""
        state = self._topics.get(topic) if broadcast.kind in _ORDERED else None
        if state is None:
            self._hub.deliver(topic, broadcast)
        elif state.seen is None or state.filling is not None:
            self._hold(state, broadcast)
        else:
            self._take(topic, state, broadcast)

    def _take(self, topic: str, state: _Topic, broadcast: Broadcast) -> None:
        if broadcast.seq <= state.seen:
            return  # a repeat, or read from the database already
        if broadcast.after == state.seen:
            self._out.hand_over(topic, broadcast)
            state.seen = broadcast.seq
            self._release(topic, state)
        else:
            self._hold(state, broadcast)
            self._fill(topic, state)

    def _hold(self, state: _Topic, broadcast: Broadcast) -> None:
        if len(state.held) < self._limit:
            state.held[broadcast.after] = broadcast
        else:
            state.held.clear()
            state.refill = True

    def _release(self, topic: str, state: _Topic, fill_gaps: bool = True) -> None:
        """Hand over what was held and now follows; read the database for any gap left (after
        a read, only if more was dropped meanwhile: the next arrival reads for a gap again)."""
        while state.seen in state.held:
            broadcast = state.held.pop(state.seen)
            self._out.hand_over(topic, broadcast)
            state.seen = broadcast.seq
        for after in [after for after, held in state.held.items() if held.seq <= state.seen]:
            del state.held[after]
        if state.refill or (state.held and fill_gaps):
            self._fill(topic, state)

    def _fill(self, topic: str, state: _Topic) -> None:
        if state.filling is None:
            state.refill = False
            state.filling = asyncio.create_task(self._read_missed(topic, state))
        else:
            state.refill = True

    async def _read_missed(self, topic: str, state: _Topic) -> None:
        try:
            async for page, after in pages(state.video_id, state.seen, self._batch):
                self._out.hand_over(topic, Broadcast(CHANGE, fragments.changes(page, after), after,
                                                     page.last_seq))
                state.seen = page.last_seq
        except Exception:
            # What is still missing stays held: the next change that arrives reads it again.
            log.warning("reading missed changes of %s failed", topic, exc_info=True)
            state.filling = None
            return
        state.filling = None
        if self._topics.get(topic) is state:
            self._release(topic, state, fill_gaps=False)
