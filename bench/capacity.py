"""The capacity scenarios: many idle connections (3) and joining a video with a long history (4)."""

import asyncio
import time
from collections import Counter

from bench.audience import SETTLE, socket_url
from bench.broadcast import TIMEOUT
from bench.clients import Joiner, Poster, Viewer
from bench.connect import browser_headers, close_all, negotiated_deflate, open_all
from bench.measure import Meter, delivery_figures, percentiles_ms
from bench.receipts import Receipts
from bench.seed import Seed
from bench.servers import Server, socket_budget


async def connections(server: Server, seed: Seed, viewers: int, hold: float, posts: int) -> dict:
    """Hold many idle viewers open: memory per viewer, drops, then posts that must reach them all."""
    requested, viewers = viewers, min(viewers, socket_budget())
    url, headers = socket_url(server, seed.video), browser_headers(server.port)
    warm = [Viewer(Receipts(1))]  # the first socket imports and caches what every later one uses
    await open_all(url, warm, headers)
    close_all(warm)
    await asyncio.sleep(1)
    before = server.rss_kib()
    receipts = Receipts(viewers)
    crowd = [Viewer(receipts) for _ in range(viewers)]
    joining = Meter(server)
    errors = Counter()
    marks = [time.monotonic_ns()]  # connect, hold, posts: the spans full collections are told by
    failed = await open_all(url, crowd, headers, errors)
    connect = joining.read()
    marks.append(time.monotonic_ns())
    poster = Poster(f"http://127.0.0.1:{server.port}/watch/{seed.video}-live")
    try:
        await asyncio.sleep(2)
        connected = server.rss_kib()
        await asyncio.sleep(hold)
        held, held_files = server.rss_kib(), server.open_files()
        marks.append(time.monotonic_ns())
        alive = [viewer for viewer in crowd if viewer.transport and not viewer.dropped]
        receipts.viewers = len(alive)
        poster_errors = Counter()
        await open_all(f"{url}?token={seed.tokens[0]}", [poster], headers, poster_errors)
        window = None
        if poster.transport is not None:  # else the figures so far still stand; say why it failed
            # The poster's own join (a viewers panel to everyone) is not measured. The app sends
            # it after its coalescing window, which grows with the audience (5 s at 20,000).
            if server.kind == "app":
                await asyncio.wait_for(poster.panel_seen, TIMEOUT)
            await asyncio.sleep(SETTLE)
            meter = Meter(server)
            for post in range(1, posts + 1):
                poster.post(post)
                await receipts.everyone_has(post, TIMEOUT)
            window = meter.read()
        marks.append(time.monotonic_ns())
        # Compressors touch most of their memory only once they compress something.
        after_posts = server.rss_kib()
        spans = zip(("connect", "hold", "posts"), marks[:-1], marks[1:], strict=True)
        return {"viewers_requested": requested, "viewers": viewers,
                "failed_to_open": failed + (poster.transport is None),  # the poster is one too
                "open_errors": dict(errors.most_common(3)),
                "server_open_files_held": held_files,
                "poster_open_errors": dict(poster_errors),
                "dropped": sum(viewer.dropped for viewer in crowd),
                "dropped_close_codes": {str(code): n for code, n in
                                        Counter(v.close_code for v in crowd if v.dropped).items()},
                "connect_s": round(connect["wall_s"], 1),
                "connect_server_cpu_s": round(connect["server_cpu_s"], 1),
                "connect_client_cpu_s": round(connect["client_cpu_s"], 1), "hold_s": hold,
                "deflate": negotiated_deflate(alive[0]) if alive else None,
                "rss_before_mib": round(before / 1024, 1), "rss_held_mib": round(held / 1024, 1),
                "rss_per_viewer_kib": round((held - before) / viewers, 2),
                "rss_per_viewer_just_connected_kib": round((connected - before) / viewers, 2),
                "rss_after_posts_mib": round(after_posts / 1024, 1),
                "rss_per_viewer_after_posts_kib": round((after_posts - before) / viewers, 2),
                "broadcast": delivery_figures(receipts, posts, window) if window else None,
                "full_collections": {span: server.full_collections(start, end)
                                     for span, start, end in spans}}
    finally:
        close_all([*crowd, poster])


async def join(server: Server, seed: Seed, joins: int) -> dict:
    """Join a video with a long history, one viewer at a time: first replay frame and memory."""
    url, headers = socket_url(server, seed.history), browser_headers(server.port)
    first, whole, extra = [], [], []
    for _ in range(joins):
        before = server.rss_kib()
        server.reset_peak()
        joiner = Joiner(seed.history_size)
        started = time.monotonic_ns()
        if await open_all(url, [joiner], headers):
            raise RuntimeError("a joining socket failed to open")
        finished = await asyncio.wait_for(joiner.done, 120)
        first.append(joiner.first - started)
        whole.append(finished - started)
        extra.append(server.peak_kib() - before)
        close_all([joiner])
        await asyncio.sleep(0.5)
    return {"annotations": seed.history_size, "joins": joins,
            "first_frame_ms": percentiles_ms(first), "whole_replay_ms": percentiles_ms(whole),
            "server_memory_during_join_kib": {"first": extra[0], "max": max(extra),
                                              "median": sorted(extra)[len(extra) // 2]}}
