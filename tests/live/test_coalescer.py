"""The coalescer: a burst of reaction counts becomes few updates, in order, exact when it ends."""

import asyncio

from app.live import fragments
from app.live.coalescer import Coalescer
from app.live.pubsub.hub import Hub
from app.live.wire import CHANGE, REACTION, Broadcast, partial

TOPIC = "videos:1"


class Member:
    """A hub member that keeps what it receives and says when something arrived."""

    def __init__(self) -> None:
        self.received: list[Broadcast] = []
        self.arrived = asyncio.Event()

    def receive(self, topic: str, broadcast: Broadcast) -> None:
        self.received.append(broadcast)
        self.arrived.set()

    async def next_arrival(self) -> Broadcast:
        await asyncio.wait_for(self.arrived.wait(), 10)
        self.arrived.clear()
        return self.received[-1]


def counts(item: int, text: str, seq: int) -> Broadcast:
    """A reaction change: item `item`'s counts become `text`, as change number `seq`."""
    return Broadcast(REACTION, partial(f"#annotation-{item} > .note > .reactions", "innerHTML", text),
                     seq - 1, seq)


def listening(window: float) -> tuple[Coalescer, Member]:
    hub, member = Hub(), Member()
    hub.join(TOPIC, member)
    return Coalescer(hub, window), member


async def test_the_first_reaction_goes_at_once_and_the_rest_of_the_window_as_one_update():
    coalescer, member = listening(window=0.05)
    coalescer.hand_over(TOPIC, counts(7, "👍 1", 1))
    first = await member.next_arrival()
    assert (first.kind, first.after, first.seq) == (CHANGE, 0, 1)
    assert first.html.endswith(fragments.cursor(1))
    for seq, (item, text) in enumerate([(7, "👍 2"), (8, "❤️ 1"), (7, "👍 3"), (7, "👍 2")], start=2):
        coalescer.hand_over(TOPIC, counts(item, text, seq))
    merged = await member.next_arrival()  # when the window ends, however long that takes
    assert (merged.kind, merged.after, merged.seq, len(member.received)) == (CHANGE, 1, 5, 2)
    assert merged.html == (partial("#annotation-7 > .note > .reactions", "innerHTML", "👍 2")
                           + partial("#annotation-8 > .note > .reactions", "innerHTML", "❤️ 1")
                           + fragments.cursor(5))


async def test_any_other_change_sends_what_is_held_first_so_numbers_stay_in_order():
    coalescer, member = listening(window=3600)
    coalescer.hand_over(TOPIC, counts(7, "👍 1", 1))
    coalescer.hand_over(TOPIC, counts(7, "👍 2", 2))
    coalescer.hand_over(TOPIC, counts(7, "👍 3", 3))
    post = Broadcast(CHANGE, "a post" + fragments.cursor(4), 3, 4)
    coalescer.hand_over(TOPIC, post)
    assert [(b.after, b.seq) for b in member.received] == [(0, 1), (1, 3), (3, 4)]
    assert "👍 3" in member.received[1].html and "👍 2" not in member.received[1].html
    assert member.received[2] is post
    coalescer.forget(TOPIC)


async def test_a_quiet_window_closes_and_the_next_reaction_goes_at_once_again():
    coalescer, member = listening(window=0.01)
    coalescer.hand_over(TOPIC, counts(7, "👍 1", 1))
    await member.next_arrival()
    # Two window lengths with nothing held close the window; the next one is not held.
    while coalescer.holding(TOPIC):
        await asyncio.sleep(0.01)
    coalescer.hand_over(TOPIC, counts(7, "👍 2", 2))
    assert [(b.after, b.seq) for b in member.received] == [(0, 1), (1, 2)]
