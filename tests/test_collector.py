"""The production collector: full collections on a timer, the thresholds restored afterwards."""

import asyncio
import gc

from app.collector import NEVER, collect_fully_every


async def test_full_collections_come_from_the_timer_and_the_thresholds_come_back():
    loop = asyncio.get_running_loop()
    full_collections = []
    two_done = asyncio.Event()

    def record(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_collections.append(info)
            if len(full_collections) == 2:  # any thread may collect: hand the news to the loop
                loop.call_soon_threadsafe(two_done.set)

    before = gc.get_threshold()
    gc.callbacks.append(record)
    timer = asyncio.create_task(collect_fully_every(0.05))
    try:
        await asyncio.sleep(0)  # one turn of the loop: the timer starts and sets the thresholds
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        await asyncio.wait_for(two_done.wait(), 20)
    finally:
        timer.cancel()
        await asyncio.gather(timer, return_exceptions=True)
        gc.callbacks.remove(record)
        after = gc.get_threshold()
        gc.set_threshold(*before)  # whatever happened, later tests collect as before
    assert after == before
