"""The production collector: full collections on a timer, the thresholds restored afterwards."""

import asyncio
import gc

from app.collector import NEVER, collect_fully_every


async def test_full_collections_come_from_the_timer_and_the_thresholds_come_back():
    full_collections = []

    def record(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_collections.append(info)

    before = gc.get_threshold()
    gc.callbacks.append(record)
    timer = asyncio.create_task(collect_fully_every(0.05))
    try:
        await asyncio.sleep(0.01)
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        for _ in range(100):
            if len(full_collections) >= 2:
                break
            await asyncio.sleep(0.05)
        assert len(full_collections) >= 2
    finally:
        timer.cancel()
        await asyncio.gather(timer, return_exceptions=True)
        gc.callbacks.remove(record)
    assert gc.get_threshold() == before
