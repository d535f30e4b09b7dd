"""Turning a measured window into figures: CPU of both sides, percentiles, delivery counts."""

import time
from pathlib import Path

from bench.receipts import Receipts
from bench.servers import CLIENT_CORE, SERVER_CORE, TICKS, Server


def core_seconds() -> dict[int, tuple[float, float, float]]:
    """Each core's CPU seconds since boot: (busy, irq + softirq, steal)."""
    cores = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if name.startswith("cpu") and name != "cpu":
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, ticks[:8])
            cores[int(name[3:])] = ((user + nice + system + irq + softirq) / TICKS,
                                    (irq + softirq) / TICKS, steal / TICKS)
    return cores


class Meter:
    """Wall time, the server's CPU, this client's own CPU and the rest of each core's time."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.wall = time.monotonic()
        self.server_cpu = server.cpu_seconds()
        self.client_cpu = time.process_time()
        self.cores = core_seconds()

    def read(self) -> dict[str, float]:
        """Seconds since the meter started: wall, server and client CPU, and on each core the
        kernel's interrupt work (loopback TCP is largely done there), steal, and other processes."""
        cores = core_seconds()
        server = self.server.cpu_seconds() - self.server_cpu
        client = time.process_time() - self.client_cpu
        window = {"wall_s": time.monotonic() - self.wall, "server_cpu_s": server,
                  "client_cpu_s": client}
        for role, core, own in (("server", SERVER_CORE, server), ("client", CLIENT_CORE, client)):
            busy, interrupts, steal = (now - then for now, then in zip(cores[core], self.cores[core],
                                                                         strict=True))
            window |= {f"{role}_core_interrupts_s": interrupts, f"{role}_core_steal_s": steal,
                       f"{role}_core_others_s": max(busy - interrupts - own, 0.0)}
        return window


def percentiles_ms(samples_ns: list[int]) -> dict[str, float]:
    """p50, p90, p99 and max of samples in nanoseconds, as milliseconds (nearest rank)."""
    if not samples_ns:
        return {"p50": None, "p90": None, "p99": None, "max": None}
    ordered = sorted(samples_ns)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6, 2)

    return {"p50": rank(0.50), "p90": rank(0.90), "p99": rank(0.99),
            "max": round(ordered[-1] / 1e6, 2)}


def cpu_figures(window: dict[str, float], deliveries: int) -> dict[str, float]:
    """Both sides' CPU over the window, per delivery and as a share of their one core."""
    per = max(deliveries, 1)
    return {"server_cpu_us_per_delivery": round(window["server_cpu_s"] * 1e6 / per, 2),
            "server_cpu_percent": round(100 * window["server_cpu_s"] / window["wall_s"], 1),
            "client_cpu_us_per_delivery": round(window["client_cpu_s"] * 1e6 / per, 2),
            "client_cpu_percent": round(100 * window["client_cpu_s"] / window["wall_s"], 1),
            # The rest of each core's time: interrupts and softirqs, time the hypervisor stole,
            # and other processes (this machine is shared, e.g. with test suites).
            **{key[:-2] + "_percent": round(100 * value / window["wall_s"], 1)
               for key, value in window.items() if key.endswith(("_core_interrupts_s",
                                                                 "_core_steal_s", "_core_others_s"))}}


def delivery_figures(receipts: Receipts, posts: int, window: dict[str, float]) -> dict:
    """Latency, completeness, throughput and CPU for `posts` marked posts over a window."""
    delivered = len(receipts.latencies)
    complete = [post for post, count in receipts.arrivals.items() if count == receipts.viewers]
    return {
        "viewers": receipts.viewers, "posts": posts, "deliveries": delivered,
        "lost": posts * receipts.viewers - delivered, "duplicated": receipts.duplicates,
        "latency_ms": percentiles_ms(receipts.latencies),
        "to_first_viewer_ms": percentiles_ms([receipts.first[p] - receipts.sent[p] for p in complete]),
        "to_last_viewer_ms": percentiles_ms([receipts.last[p] - receipts.sent[p] for p in complete]),
        "deliveries_per_s": round(delivered / window["wall_s"]),
        "window_s": round(window["wall_s"], 2),
        **cpu_figures(window, delivered),
    }
