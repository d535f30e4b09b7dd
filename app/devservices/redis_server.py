"""A real redis-server for tests: started on a free port, stopped or killed by its own pid."""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from app.devservices.ports import free_port

MISSING = "redis-server was not found on PATH: run `make test-deps` (it installs Debian's redis-server)"


class RedisServer:
    """One redis-server process that keeps nothing on disk; start() again reuses its port."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError(MISSING)
        self.port = port or free_port()
        self.log_path = log_path or Path(tempfile.gettempdir()) / f"videologue-redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL the app takes."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> "RedisServer":
        """Start the process and wait until it answers PING."""
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(args, cwd=tempfile.gettempdir(), stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log()[-2000:]}")
            if self._answers_ping():
                return self
            time.sleep(0.05)
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
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False
