"""The broadcast scenarios: fan-out (1), steady rate (2), write path (5) and sign-in storm (6)."""

import asyncio
import contextlib
import itertools
from pathlib import Path

from bench.audience import gather_audience
from bench.measure import Meter, delivery_figures
from bench.profile import profiling
from bench.seed import Seed
from bench.servers import Server
from bench.signin import SignInStorm

TIMEOUT = 30.0  # seconds to wait for one post to reach everybody before calling it lost


async def fanout(server: Server, seed: Seed, viewers: int, posts: int,
                 profile: Path | None = None) -> dict:
    """Closed loop: each post goes out once every viewer has the previous one."""
    audience = await gather_audience(server, seed, viewers)
    poster, sent = audience.posters[0], 0
    try:
        async with profiling(server, profile) if profile else contextlib.nullcontext():
            meter = Meter(server)
            for sent in range(1, posts + 1):
                poster.post(sent)
                if not await audience.receipts.everyone_has(sent, TIMEOUT):
                    break
            window = meter.read()
        await audience.receipts.settle(sent * viewers)
        return {**delivery_figures(audience.receipts, sent, window), "poster_errors": poster.errors}
    finally:
        audience.leave()


async def steady(server: Server, seed: Seed, viewers: int, rate: float, seconds: float,
                 sign_ins_per_second: float = 0) -> dict:
    """Open loop: posts at a fixed rate whatever happens, optionally while users sign in."""
    audience = await gather_audience(server, seed, viewers)
    poster, posts = audience.posters[0], round(rate * seconds)
    storm = SignInStorm(f"http://127.0.0.1:{server.port}", seed.reader, seed.password,
                        sign_ins_per_second)
    loop, lag = asyncio.get_running_loop(), 0.0
    try:
        await storm.warm()
        storm.start()
        meter = Meter(server)
        start = loop.time()
        for post in range(1, posts + 1):
            delay = start + (post - 1) / rate - loop.time()
            await asyncio.sleep(max(delay, 0))
            lag = max(lag, -delay)
            poster.post(post)
        storm.stop()
        await audience.receipts.settle(posts * viewers)
        window = meter.read()
        sign_ins = await storm.summary()
        return {**delivery_figures(audience.receipts, posts, window), "poster_errors": poster.errors,
                "schedule_lag_max_ms": round(lag * 1000, 2),
                **({"sign_ins": sign_ins} if sign_ins_per_second else {})}
    finally:
        audience.leave()


async def write_path(server: Server, seed: Seed, viewers: int, posters: int, posts: int) -> dict:
    """Several posters at once, each posting again as soon as its last post is stored."""
    audience = await gather_audience(server, seed, viewers, posters)
    numbers, total = itertools.count(1), posters * posts

    async def write(poster) -> None:
        for _ in range(posts):
            await poster.post_and_wait(next(numbers), TIMEOUT)

    try:
        meter = Meter(server)
        await asyncio.gather(*(write(poster) for poster in audience.posters))
        posting = meter.read()["wall_s"]
        await audience.receipts.settle(total * viewers)
        window = meter.read()
        return {**delivery_figures(audience.receipts, total, window), "posters": posters,
                "posts_per_s": round(total / posting, 1),
                "acked": sum(poster.acks for poster in audience.posters),
                "poster_errors": sum(poster.errors for poster in audience.posters),
                "unstored": total - server.stored_markers()}
    finally:
        audience.leave()
