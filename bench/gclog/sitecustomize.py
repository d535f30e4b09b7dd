"""Imported at startup by every benchmark server (bench/servers.py puts this folder on its
PYTHONPATH): logs each full garbage collection's start and end, on the clock the harness uses,
so scenario 3 can report the pauses (Server.full_collections)."""

import gc
import sys
import time

MARK = "bench-gc-full"
_started: list[int] = []


def _log(phase: str, info: dict) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _started[:] = [time.monotonic_ns()]
    elif _started:
        sys.stderr.write(f"{MARK} {_started[0]} {time.monotonic_ns()}\n")
        sys.stderr.flush()


gc.callbacks.append(_log)
