"""Python's cycle collector as production runs it: startup objects frozen, full collections on a timer."""

import asyncio
import gc

# A count of young collections never reached: full collections then come only from the timer.
NEVER = 2**30


def freeze_startup_objects() -> None:
    """Collect once, then leave everything loaded so far (~100,000 objects) out of later collections."""
    gc.collect()
    gc.freeze()


async def collect_fully_every(seconds: float) -> None:
    """Run full collections every `seconds` instead of when allocation counts call for one.

    CPython starts a full collection whenever the objects that survived the younger ones have
    grown by a quarter. Each socket keeps ~76 tracked objects (mostly uvicorn's), so that is
    about once a second while an audience grows and every minute or so while it idles
    (uvicorn's pings), and each one walks every socket's objects while no viewer is sent
    anything: 0.3 s at 10,000 sockets (docs/benchmarks.md). On the timer a growing audience
    causes none and an idle one one per period; cyclic garbage waits for the next one. Young
    collections are left as they are. The thresholds are restored when cancelled.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    try:
        while True:
            await asyncio.sleep(seconds)
            gc.collect()
    finally:
        gc.set_threshold(young, middle, old)
