"""A real redis-server for tests and `make cluster`, stopped or killed by its own pid.

Tests reach it by a Unix socket in its own folder, so no two runs or restarts can race for a
TCP port; `make cluster` asks for a TCP port as well, for the developer's own clients.
"""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

MISSING = "redis-server was not found on PATH: run `make test-deps` (it installs Debian's redis-server)"


class RedisServer:
    """One redis-server process that keeps nothing on disk; start() again reuses its address."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError(MISSING)
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="videologue-redis-"))
        self.socket_path = self.root / "redis.sock"
        self.log_path = log_path or self.root / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL the app takes: over TCP when it has a port, else its Unix socket."""
        if self.port is not None:
            return f"redis://127.0.0.1:{self.port}/0"
        return f"unix://{self.socket_path}?db=0"

    def start(self, timeout: float = 10) -> "RedisServer":
        """Start the process and wait until it answers PING."""
        args = [self.binary, "--port", str(self.port or 0), "--bind", "127.0.0.1",
                "--unixsocket", str(self.socket_path), "--unixsocketperm", "700",
                "--save", "", "--appendonly", "no"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(args, cwd=self.root, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log()[-2000:]}")
            if self._answers_ping():
                return self
            time.sleep(0.05)  # redis-server binds within milliseconds; nothing to wait on instead
        self.kill()
        raise TimeoutError(f"redis-server did not start: {self.log()[-2000:]}")

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM to its own pid)."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """End it abruptly (SIGKILL), as a crash would."""
        self._signal(signal.SIGKILL)

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _signal(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _answers_ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(1)
                sock.connect(str(self.socket_path))
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False
