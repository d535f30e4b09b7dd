"""The targets' verdicts: at the quick sizes only completeness decides."""

from bench.report import markdown
from bench.targets import check


def _results(lost: int, p99: float) -> dict:
    return {"steady": {"app": {"lost": lost, "latency_ms": {"p99": p99}}}}


def _verdicts(checks: dict) -> dict[str, tuple[bool | None, bool]]:
    return {rule["target"]: (rule["passed"], rule["judged"]) for rule in checks["steady"]}


def test_the_full_sizes_judge_every_figure():
    verdicts = _verdicts(check(_results(lost=0, p99=80.0)))
    assert verdicts == {"latency p99 (ms)": (False, True), "lost deliveries": (True, True)}


def test_the_quick_sizes_report_a_slow_figure_without_failing_on_it():
    checks = check(_results(lost=0, p99=80.0), figures=False)
    assert _verdicts(checks) == {"latency p99 (ms)": (None, False), "lost deliveries": (True, True)}
    record = {"machine": {}, "code": "x", "results": {"steady": {}}, "checks": checks}
    assert "- reported, not judged: latency p99 (ms): 80.0 (limit 50)" in markdown(record)


def test_the_quick_sizes_still_fail_on_a_lost_delivery():
    assert _verdicts(check(_results(lost=1, p99=1.0), figures=False))["lost deliveries"] == (False, True)
