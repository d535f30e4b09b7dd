"""What a failing test leaves behind: the servers' log lines in its report and in test-artifacts/.

Every helper that starts a process registers its log with `watch_log`. When a test fails, the
lines each log gained while the test ran (its last `TAIL_LINES`) are appended to the failure
report, which is what CI prints, and copied into `test-artifacts/<test>/`, where the browser
fixtures also save their screenshots and Playwright traces.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
TAIL_LINES = 60

FAILED = pytest.StashKey[bool]()
_OFFSETS = pytest.StashKey[dict[Path, int]]()
_watched: dict[Path, str] = {}


def watch_log(label: str, path: Path) -> None:
    """Show this log's new lines in the report of any test that fails from now on."""
    _watched[Path(path)] = label


def artifact_dir(item: pytest.Item) -> Path:
    """The folder under test-artifacts/ for this test's leftovers (created on first use)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")[:150]
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def failed(item: pytest.Item) -> bool:
    """True once any phase of this test (setup or call) has failed."""
    return item.stash.get(FAILED, False)


def mark_start(item: pytest.Item) -> None:
    """Remember how long each watched log is as the test begins."""
    item.stash[_OFFSETS] = {path: _size(path) for path in _watched}


def attach_logs(item: pytest.Item, report: pytest.TestReport) -> None:
    """Add each log's lines written during the test to the report and to test-artifacts/."""
    item.stash[FAILED] = True
    offsets = item.stash.get(_OFFSETS, {})
    for path, label in list(_watched.items()):
        if not path.exists():
            continue
        with open(path, "rb") as log:
            log.seek(offsets.get(path, 0))
            written = log.read().decode(errors="replace")
        if not written:
            continue
        (artifact_dir(item) / f"{label}.log").write_text(written)
        tail = "\n".join(written.splitlines()[-TAIL_LINES:])
        report.sections.append((f"{label} log ({path}), last {TAIL_LINES} lines of this test", tail))
    report.sections.append(("artifacts", f"logs, screenshots and traces: {artifact_dir(item)}"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
