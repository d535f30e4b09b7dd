"""The issue's targets, each an app figure that must not exceed a limit, checked against a run."""

# (scenario, target, the app's figure, limit): a limit is a number, or (reference figure, factor).
RULES = [
    ("fanout", "lost deliveries", ("fanout", "app", "lost"), 0),
    ("fanout", "duplicated deliveries", ("fanout", "app", "duplicated"), 0),
    ("fanout", "server CPU µs per delivery, ≤ 1.5× baseline",
     ("fanout", "app", "server_cpu_us_per_delivery"),
     (("fanout", "baseline", "server_cpu_us_per_delivery"), 1.5)),
    ("fanout", "latency p99 (ms)", ("fanout", "app", "latency_ms", "p99"), 50),
    ("steady", "latency p99 (ms)", ("steady", "app", "latency_ms", "p99"), 50),
    ("steady", "lost deliveries", ("steady", "app", "lost"), 0),
    ("connections", "viewers dropped", ("connections", "app", "dropped"), 0),
    ("connections", "viewers refused", ("connections", "app", "failed_to_open"), 0),
    ("connections", "RSS growth per viewer (KiB)", ("connections", "app", "rss_per_viewer_kib"), 24),
    ("join", "first replay frame p50 (ms), ≤ 1.2× baseline", ("join", "app", "first_frame_ms", "p50"),
     (("join", "baseline", "first_frame_ms", "p50"), 1.2)),
    ("write", "posts not stored", ("write", "app", "unstored"), 0),
    ("write", "lost deliveries", ("write", "app", "lost"), 0),
    ("write", "duplicated deliveries", ("write", "app", "duplicated"), 0),
    ("signin", "latency p99 (ms), ≤ 1.5× scenario 2's", ("signin", "app", "latency_ms", "p99"),
     (("steady", "app", "latency_ms", "p99"), 1.5)),
    ("signin", "lost deliveries", ("signin", "app", "lost"), 0),
]


def figure(results: dict, path: tuple[str, ...]):
    """The value at a path of keys in the results, or None if the run did not produce it."""
    value = results
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def is_completeness(limit) -> bool:
    """True for a rule that counts what went missing (lost, duplicated, dropped, refused,
    unstored: its limit is 0), which any size can judge; False for a timing, memory or ratio."""
    return limit == 0 and not isinstance(limit, tuple)


def check(results: dict, figures: bool = True) -> dict[str, list[dict]]:
    """Pass or fail for every target whose scenario ran, keyed by scenario (None: not measurable).

    With `figures` False (the quick sizes, where a latency or a ratio is noise) only the
    completeness rules are judged; the others are reported with `judged` False and passed None.
    """
    checks: dict[str, list[dict]] = {}
    for scenario, target, path, limit in RULES:
        judged = figures or is_completeness(limit)
        if scenario not in results:
            continue
        if isinstance(limit, tuple):
            reference = figure(results, limit[0])
            limit = None if reference is None else round(reference * limit[1], 2)
        value = figure(results, path)
        passed = None if value is None or limit is None or not judged else value <= limit
        checks.setdefault(scenario, []).append(
            {"target": target, "measured": value, "limit": limit, "passed": passed,
             "judged": judged})
    return checks
