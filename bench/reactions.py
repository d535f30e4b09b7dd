"""Scenario 7, reaction storms: many viewers, reactions at a fixed rate on a few annotations.

Every reaction adds one (each user, annotation and emoji is used once), so an annotation's total
only grows: a reaction counts as shown to a viewer when that viewer's page shows the annotation
with at least as many reactions as had been sent to it by then. At the end every viewer must show
exactly the counts that were sent, per annotation and emoji.
"""

import asyncio
import json
import random
import re
import time
from bisect import bisect_left
from collections import Counter

from picows import WSMsgType

from bench.audience import SETTLE, socket_url
from bench.clients import Socket
from bench.connect import browser_headers, close_all, open_all
from bench.measure import Meter, cpu_figures, percentiles_ms
from bench.seed import Seed
from bench.servers import Server

EMOJI = ("👍", "❤️", "😂", "😮", "❓", "✅")
SLOT = re.compile(rb'hx-target="#annotation-(\d+) > \.note > \.reactions"')
COUNT = re.compile(rb'data-emoji="([^"]+)" data-count="(\d+)"')
TIMEOUT = 30.0


class Watcher(Socket):
    """A watch page recording, per annotation, each update's arrival and its counts."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: dict[int, list[tuple[int, int]]] = {}  # annotation -> [(arrival ns, total)]
        self.latest: dict[int, dict[str, int]] = {}
        self.frames = 0

    def on_text(self, payload: bytes, now: int) -> None:
        """Read the reaction counts of every annotation the frame updates."""
        parts = SLOT.split(payload)
        if len(parts) == 1:
            return
        self.frames += 1
        for index in range(1, len(parts), 2):
            annotation = int(parts[index])
            counts = {emoji.decode(): int(n) for emoji, n in COUNT.findall(parts[index + 1])}
            self.latest[annotation] = counts
            self.updates.setdefault(annotation, []).append((now, sum(counts.values())))


class Reactor(Socket):
    """A signed-in page sending reactions as the page's #react-form does."""

    def react(self, annotation: int, emoji: str) -> None:
        """Send one reaction."""
        frame = {"event": "react", "id": str(annotation), "emoji": emoji,
                 "headers": {"HX-Request": "true", "HX-Source": "form#react-form"}}
        self.transport.send(WSMsgType.TEXT, json.dumps(frame).encode())


def schedule(users: int, annotations: list[int], count: int) -> list[tuple[int, int, str]]:
    """`count` distinct (user, annotation, emoji) reactions in a fixed shuffled order."""
    every = [(user, annotation, emoji) for user in range(users) for annotation in annotations
             for emoji in EMOJI]
    random.Random(7).shuffle(every)
    return every[:count]


async def reaction_storm(server: Server, seed: Seed, viewers: int, rate: float, seconds: float) -> dict:
    """Open loop: `rate` reactions a second for `seconds` from the seeded users, to `viewers`."""
    url, headers = socket_url(server, seed.reactions_video), browser_headers(server.port)
    watchers, reactors = [Watcher() for _ in range(viewers)], [Reactor() for _ in seed.tokens]
    failed = await open_all(url, watchers, headers)
    for reactor, token in zip(reactors, seed.tokens, strict=True):
        failed += await open_all(f"{url}?token={token}", [reactor], headers)
    if failed:
        close_all([*watchers, *reactors])
        raise RuntimeError(f"{failed} sockets failed to open")
    plan = schedule(len(reactors), seed.reaction_targets, round(rate * seconds))
    expected: dict[int, Counter] = {annotation: Counter() for annotation in seed.reaction_targets}
    sent: list[tuple[int, int, int]] = []  # (annotation, its total once this one is in, send ns)
    loop = asyncio.get_running_loop()
    try:
        await asyncio.sleep(SETTLE)
        meter = Meter(server)
        start = loop.time()
        for number, (user, annotation, emoji) in enumerate(plan):
            await asyncio.sleep(max(start + number / rate - loop.time(), 0))
            expected[annotation][emoji] += 1
            reactors[user].react(annotation, emoji)
            sent.append((annotation, sum(expected[annotation].values()), time.monotonic_ns()))
        final = {annotation: dict(counts) for annotation, counts in expected.items() if counts}
        deadline = loop.time() + TIMEOUT
        while loop.time() < deadline and any(w.latest != final for w in watchers):
            await asyncio.sleep(0.05)
        window = meter.read()
    finally:
        close_all([*watchers, *reactors])
    return figures(watchers, sent, final, window)


def figures(watchers: list[Watcher], sent: list[tuple[int, int, int]], final: dict,
            window: dict[str, float]) -> dict:
    """Latency, update rates, exactness and CPU per delivered update."""
    latencies, missing = [], 0
    for watcher in watchers:
        totals = {a: [total for _, total in updates] for a, updates in watcher.updates.items()}
        for annotation, total, at in sent:
            updates = watcher.updates.get(annotation, [])
            index = bisect_left(totals.get(annotation, []), total)
            if index < len(updates):
                latencies.append(max(updates[index][0] - at, 0))
            else:
                missing += 1
    frames = sum(watcher.frames for watcher in watchers)
    per_annotation = max((len(updates) for w in watchers for updates in w.updates.values()), default=0)
    return {
        "viewers": len(watchers), "reactions": len(sent), "annotations": len(final),
        "viewers_exact": sum(watcher.latest == final for watcher in watchers),
        "not_shown": missing, "latency_ms": percentiles_ms(latencies),
        "update_frames": frames, "frames_per_viewer": round(frames / max(len(watchers), 1), 1),
        "updates_per_annotation_per_s": round(per_annotation / window["wall_s"], 2),
        "reactions_per_update_frame": round(len(sent) * len(watchers) / max(frames, 1), 1),
        "window_s": round(window["wall_s"], 2),
        **{key.replace("per_delivery", "per_update"): value
           for key, value in cpu_figures(window, frames).items()},
    }
