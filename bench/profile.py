"""A py-spy profile of the server while it works: a flame graph and a summary of where time goes."""

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.servers import CLIENT_CORE, Server

PY_SPY = Path(sys.executable).with_name("py-spy")
ATTACH = 2.0  # seconds for py-spy to attach before the measured work starts
FORMATS = {"flamegraph": "profile.svg", "raw": "profile.txt"}
# Entry frames every sample of a thread passes through; only what runs under them is of interest.
ROOTS = ("Runner.run (asyncio/runners.py)", "Thread.run (threading.py)")


@contextlib.asynccontextmanager
async def profiling(server: Server, directory: Path):
    """Sample the server (without pausing it) while the block runs."""
    directory.mkdir(parents=True, exist_ok=True)
    spies = [subprocess.Popen(["taskset", "-c", str(CLIENT_CORE), str(PY_SPY), "record", "--pid",
                               str(server.pid), "--nonblocking", "--nolineno", "--rate", "250",
                               "--format", fmt, "--output", str(directory / name)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for fmt, name in FORMATS.items()]
    await asyncio.sleep(ATTACH)
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            spy.wait(timeout=60)


def summarize(raw: Path, top: int = 12) -> dict:
    """The functions with the most samples on-CPU: their own (self) and with callees (inclusive)."""
    own, inclusive, total = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        cut = max((i for i, frame in enumerate(frames) if frame in ROOTS), default=-1)
        frames = frames[cut:] if cut == len(frames) - 1 else frames[cut + 1:]
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)

    def shares(counter: Counter) -> list[list]:
        return [[frame, round(100 * count / total, 1)] for frame, count in counter.most_common(top)]

    return {"samples": total, "self_percent": shares(own), "inclusive_percent": shares(inclusive)}
