"""Real app servers for tests (`python -m app`): serving a socket the test bound, stopped by their own pid."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.devservices.processes import stop_process_group
from tests.diagnostics import watch_log

ROOT = Path(__file__).resolve().parent.parent


def bound_listener() -> socket.socket:
    """A listening TCP socket on a port the kernel picked, for uvicorn to serve by `--fd`.

    The test process keeps it open for the whole run, so the port can never be taken by
    anyone else, not even between a stop and a restart: connections made while no server
    runs wait in its backlog and are answered once the server is back.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


class AppServer:
    """One `python -m app` process (or one with workers) serving the app with the given environment.

    `extra_args` are more of the launcher's flags (app/launcher.py); the transport settings come
    from the environment, as in production.
    """

    def __init__(self, env: dict[str, str], workers: int = 1, extra_args: tuple[str, ...] = ()) -> None:
        self.listener = bound_listener()
        self.port = self.listener.getsockname()[1]
        self.env = {**os.environ, **env}
        self.args = [sys.executable, "-m", "app", "--fd", str(self.listener.fileno()),
                     "--workers", str(workers), *extra_args]
        self.process: subprocess.Popen | None = None
        log_dir = Path(self.env.get("SQLITE_PATH", "/tmp/videologue")).parent
        self.log_path = log_dir / f"server-{self.port}.log"
        watch_log(f"server-{self.port}", self.log_path)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """The server's base WebSocket URL."""
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "AppServer":
        """Start the process and wait until it answers HTTP; kill it if it never does."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            pass_fds=(self.listener.fileno(),))
        try:
            self._wait_until_serving(time.monotonic() + timeout)
        except BaseException:
            self.stop(signal.SIGKILL)
            raise
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process (and its workers) by its own process group; the port stays ours."""
        stop_process_group(self.process, sig)

    def restart(self) -> None:
        """Stop and start again on the same socket."""
        self.stop()
        self.start()

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""

    def _wait_until_serving(self, deadline: float) -> None:
        # The socket is bound already, so a request waits in its backlog until uvicorn accepts
        # it: each try blocks until the server answers or a second passes, no sleep needed.
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/static/app.css", timeout=1)
                return
            except OSError:
                continue
        raise TimeoutError(f"server did not start: {self.log()[-2000:]}")
