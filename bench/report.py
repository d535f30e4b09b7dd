"""The run's record: machine and versions, raw JSON, and Markdown tables of figures, ratios and targets."""

import hashlib
import json
import os
import platform
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("uvicorn", "litestar", "websockets", "piccolo", "uvloop", "picows", "argon2-cffi")
MARK = {True: "pass", False: "**FAIL**", None: "n/a"}


def machine() -> dict:
    """CPU model, cores, RAM, kernel and the versions that matter."""
    cpu = dict(line.split(":", 1) for line in Path("/proc/cpuinfo").read_text().split("\n\n")[0]
               .splitlines() if ":" in line)
    cpu = {key.strip(): value.strip() for key, value in cpu.items()}
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_gib = int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024 / 1024
    release = Path("/etc/os-release")
    os_name = next((line.split("=", 1)[1].strip('"') for line in release.read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), "unknown") if release.exists() else "unknown"
    return {"cpu": f"{cpu.get('model name', 'unknown')} (family {cpu.get('cpu family')}, model "
                   f"{cpu.get('model')}, {float(cpu.get('cpu MHz', 0)):.0f} MHz)",
            "cores": os.cpu_count(), "ram_gib": round(ram_gib, 1), "os": os_name,
            "kernel": platform.release(), "python": platform.python_version(),
            **{name: version(name) for name in PACKAGES}}


def code_digest() -> str:
    """A digest of app/ and templates/, tying the figures to the code they measured."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("templates/**/*.html")]):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_json(record: dict, directory: Path, stamp: str) -> Path:
    """Store the raw record as bench/results/<stamp>.json."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False))
    return path


def _flatten(figures: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _ratio(value, reference) -> str:
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (value, reference))
    return f"{value / reference:.2f}×" if numeric and reference else ""


def scenario_table(name: str, runs: dict) -> list[str]:
    """One table per scenario: a row per figure, a column per server, and app/baseline ratios."""
    targets = list(runs)
    pairs = [(t, t.replace("app", "baseline")) for t in targets if t.startswith("app")]
    head = [*targets, *(f"{a} / {b}" for a, b in pairs)]
    lines = [f"### {name}", "", "| figure | " + " | ".join(head) + " |",
             "|---|" + "---|" * len(head)]
    flat = {target: _flatten(figures) for target, figures in runs.items()}
    for key in dict.fromkeys(k for figures in flat.values() for k in figures):
        cells = [str(flat[t].get(key, "")) for t in targets]
        cells += [_ratio(flat[a].get(key), flat.get(b, {}).get(key)) for a, b in pairs]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def markdown(record: dict) -> str:
    """The whole run as Markdown: machine, every scenario's table, and the targets."""
    lines = ["## Machine", "", *(f"- {key}: {value}" for key, value in record["machine"].items()),
             f"- app code digest: {record['code']}", ""]
    for name, runs in record["results"].items():
        lines += scenario_table(name, runs)
        for rule in record["checks"].get(name, []):
            mark = MARK[rule["passed"]] if rule.get("judged", True) else "reported, not judged"
            lines.append(f"- {mark}: {rule['target']}: {rule['measured']} "
                         f"(limit {rule['limit']})")
        lines.append("")
    if record.get("profile"):
        lines += ["### Profile (app, scenario 1): share of on-CPU samples", "",
                  "| function | self % |", "|---|---|",
                  *(f"| `{frame}` | {share} |" for frame, share in record["profile"]["self_percent"]),
                  "", "| function | inclusive % |", "|---|---|",
                  *(f"| `{frame}` | {share} |"
                    for frame, share in record["profile"]["inclusive_percent"]), ""]
    return "\n".join(lines)
