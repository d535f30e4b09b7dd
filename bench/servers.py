"""The servers under test, the app under uvicorn or the baseline, pinned to core 0 and watched via /proc."""

import contextlib
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.devservices.processes import stop_process_group

ROOT = Path(__file__).resolve().parent.parent
GC_LOG = ROOT / "bench" / "gclog"
GC_MARK = "bench-gc-full"  # what GC_LOG's sitecustomize writes for each full collection
SERVER_CORE, CLIENT_CORE = 0, 1
FD_LIMIT = 65536
FD_RESERVE = 64  # descriptors a process needs besides its sockets: files, epoll, pipes, listener
NICE = -10  # ahead of unrelated work sharing the machine (test suites), equally for every server
TICKS = os.sysconf("SC_CLK_TCK")
UNLIMITED = "1000000"  # posting limits high enough that no poster is ever throttled


def prepare_process() -> None:
    """Give a benchmark process as many sockets as the system allows, and priority over other work."""
    # Raising priority needs root or CAP_SYS_NICE; without it, run at the usual priority.
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
    except ValueError:  # raising the hard limit needs CAP_SYS_RESOURCE; settle for the hard limit
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def socket_budget() -> int:
    """How many sockets one process may hold under its descriptor limit."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] - FD_RESERVE


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(directory: Path, secret: str) -> dict[str, str]:
    """The app's production environment, with its database and files in directory."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "APP_ENV": "production", "SECRET_KEY": secret,
            "SQLITE_PATH": str(directory / "videologue.sqlite"),
            "MEDIA_DIR": str(directory / "media"), "SESSION_DIR": str(directory / "sessions"),
            # Production settings but for the posting and reaction rate limits, which would
            # throttle the benchmark's posters; the live backlog keeps its production default.
            "ANNOTATION_BURST": UNLIMITED, "ANNOTATION_PER_SECOND": UNLIMITED,
            "REACTION_BURST": UNLIMITED, "REACTION_PER_SECOND": UNLIMITED}


class Server:
    """One server process ("app" or "baseline") on a fresh copy of the seeded database."""

    def __init__(self, kind: str, template: Path, directory: Path, secret: str,
                 deflate: bool = False) -> None:
        self.kind, self.deflate = kind, deflate
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        self.env = production_env(directory, secret)
        self.env["PYTHONPATH"] = str(GC_LOG)  # its sitecustomize logs full collections
        self.db_path = Path(self.env["SQLITE_PATH"])
        shutil.copy(template, self.db_path)
        self.log_path = directory / f"{kind}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def command(self) -> list[str]:
        """The command line, pinned to the server core with taskset."""
        pin = ["taskset", "-c", str(SERVER_CORE), sys.executable, "-m"]
        if self.kind == "baseline":
            return [*pin, "bench.baseline", "--port", str(self.port), "--db", str(self.db_path),
                    *(["--deflate"] if self.deflate else [])]
        return [*pin, "app", "--host", "127.0.0.1", "--port", str(self.port),
                *(["--deflate"] if self.deflate else []), "--no-access-log", "--log-level", "warning"]

    def start(self, timeout: float = 30) -> "Server":
        """Start the process and wait until it accepts connections."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=prepare_process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log_path.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"{self.kind} did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        """Stop the process by its own process group."""
        stop_process_group(self.process, timeout=30)

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process (all its threads) has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def _status_kib(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    def open_files(self) -> int:
        """File descriptors the process holds now (sockets included)."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_kib(self) -> int:
        """Resident memory now."""
        return self._status_kib("VmRSS")

    def peak_kib(self) -> int:
        """Peak resident memory since the last reset_peak."""
        return self._status_kib("VmHWM")

    def reset_peak(self) -> None:
        """Start tracking peak resident memory afresh (Linux clear_refs)."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def full_collections(self, start_ns: int, end_ns: int) -> dict:
        """The full garbage collections that started between two monotonic_ns times: how many,
        and their pauses in ms (total and longest)."""
        pauses = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            mark, _, times = line.partition(" ")
            if mark == GC_MARK:
                began, ended = map(int, times.split())
                if start_ns <= began <= end_ns:
                    pauses.append((ended - began) / 1e6)
        return {"count": len(pauses), "total_ms": round(sum(pauses), 1),
                "max_ms": round(max(pauses, default=0), 1)}

    def stored_markers(self) -> int:
        """How many annotations the harness posted that the database holds."""
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM annotations WHERE body GLOB 'm[0-9]*t[0-9]*'").fetchone()[0]
