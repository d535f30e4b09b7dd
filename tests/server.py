"""Real uvicorn processes for tests: started on a free port, stopped by their own pid."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.devservices.ports import free_port
from app.devservices.processes import stop_process_group

ROOT = Path(__file__).resolve().parent.parent


class AppServer:
    """One uvicorn process serving the app with the given environment."""

    def __init__(self, env: dict[str, str], port: int | None = None, workers: int = 1,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.port = port or free_port()
        self.env = {**os.environ, **env}
        self.args = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
                     "--host", "127.0.0.1", "--port", str(self.port),
                     "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
                     "--workers", str(workers), *extra_args]
        self.process: subprocess.Popen | None = None
        log_dir = Path(self.env.get("SQLITE_PATH", "/tmp/videologue")).parent
        self.log_path = log_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """The server's base WebSocket URL."""
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> "AppServer":
        """Start the process and wait until it answers HTTP."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/static/app.css", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process (and its workers) by its own process group."""
        stop_process_group(self.process, sig)

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""
