"""Throwaway PostgreSQL clusters: initdb into a temp dir, served on a Unix socket inside it.

Tests never use a TCP port, so no two runs or restarts can race for one; `make cluster` asks for
a TCP port as well, for the developer's own clients.
"""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

MISSING = ("PostgreSQL's initdb/pg_ctl were not found on PATH or under /usr/lib/postgresql/*/bin: "
           "run `make test-deps` (it installs Debian's postgresql package)")


def find_pg_bin() -> Path:
    """The folder holding initdb and pg_ctl (Debian keeps them off PATH)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    if not found:
        raise RuntimeError(MISSING)
    return Path(found[-1]).parent


class PostgresCluster:
    """One private PostgreSQL server with a `videologue` database, gone when closed.

    It listens on a Unix socket in its own folder only, unless given a TCP `port` as well.
    """

    def __init__(self, database: str = "videologue", port: int | None = None,
                 root: Path | None = None) -> None:
        self.bin = find_pg_bin()
        self.database = database
        self.tcp = port is not None
        self.port = port or 5432  # also names the socket file; without TCP nobody else sees it
        self.root = root or Path(tempfile.mkdtemp(prefix="videologue-pg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log_path = self.root / "postgres.log"
        # PostgreSQL refuses to run as root, so root runs it as the package's postgres user.
        self.as_root = os.geteuid() == 0
        try:
            if self.as_root:
                shutil.chown(self.root, "postgres", "postgres")
            if not (self.data / "PG_VERSION").exists():  # a kept folder (make cluster) is reused
                self._pg("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--no-sync")
            self._run(["mkdir", "-p", str(self.sockets)])
        except LookupError:
            shutil.rmtree(self.root, ignore_errors=True)
            raise RuntimeError("running as root needs the `postgres` system user: "
                               "run `make test-deps` (Debian's postgresql package adds it)") from None
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        """The DATABASE_URL the app takes: over TCP when it has a port, else its Unix socket."""
        if self.tcp:
            return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"
        return f"postgresql://postgres@/{self.database}?host={self.sockets}&port={self.port}"

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs (a stale pid file, left by a kill, gives None)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            alive = Path(f"/proc/{pid}/comm").read_text().strip() in ("postgres", "postmaster")
        except (FileNotFoundError, IndexError, ValueError):
            return None
        return pid if alive else None

    def start(self) -> "PostgresCluster":
        """Start (or start again) on the same port and make sure the database exists."""
        listen = "127.0.0.1" if self.tcp else "''"
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses={listen} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._pg("pg_ctl", "-D", self.data, "-l", self.log_path, "-o", options, "-w", "-t", "30",
                 "start")
        databases = self._pg("psql", "-h", self.sockets, "-p", str(self.port), "-U", "postgres",
                             "-Atc", "SELECT datname FROM pg_database").stdout.split()
        if self.database not in databases:
            self._pg("createdb", "-h", self.sockets, "-p", str(self.port), "-U", "postgres",
                     self.database)
        return self

    def stop(self) -> None:
        """Stop at once, as a crash or an outage would (its own pid, nobody else's)."""
        pid = self.pid
        if pid is None:
            return
        try:
            self._pg("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "30", "stop")
        except RuntimeError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # pg_ctl could not: end the postmaster itself
            _wait_gone(pid)

    def close(self) -> None:
        """Stop the server and remove its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        """What the server logged so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""

    def __enter__(self) -> "PostgresCluster":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _pg(self, program: str, *args) -> subprocess.CompletedProcess:
        return self._run([str(self.bin / program), *map(str, args)])

    def _run(self, command: list[str]) -> subprocess.CompletedProcess:
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}\n{self.log()[-2000:]}")
        return result


def _wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
