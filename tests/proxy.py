"""Debian's nginx in front of app nodes, configured with exactly the block docs/deploy.md shows.

Only what must differ on a test machine is substituted: the upstream servers, the port it
listens on, the certificate (a throwaway self-signed one) and the log folder.
"""

import getpass
import re
import socket
import subprocess
import time
from pathlib import Path

from app.devservices.ports import free_port
from app.devservices.processes import stop_process_group
from tests.diagnostics import watch_log
from tests.server import ROOT

NGINX = "/usr/sbin/nginx"
MISSING = "nginx was not found: run `make test-deps` (it installs Debian's nginx)"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"


def documented_proxy_config() -> str:
    """The first nginx block under docs/deploy.md's "Reverse proxy" heading."""
    text = DEPLOY_DOC.read_text()
    section = text[text.index("## Reverse proxy"):]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def adapt(config: str, upstreams: list[str], port: int, folder: Path) -> str:
    """The documented config with this machine's upstreams, port, certificate and logs."""
    servers = "".join(f"    server {address};\n" for address in upstreams)
    config, count = re.subn(r"(upstream videologue \{\n)(?:\s*server [^;]+;\n)+", rf"\g<1>{servers}",
                            config)
    replacements = [
        (r"listen 443 ssl", f"listen 127.0.0.1:{port} ssl"),
        (r"ssl_certificate\s+\S+;", f"ssl_certificate {folder}/cert.pem;"),
        (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder}/key.pem;"),
        (r"/var/log/nginx/", f"{folder}/logs/"),
    ]
    for pattern, value in replacements:
        config, found = re.subn(pattern, value, config)
        count = count and found
    assert count, "docs/deploy.md's nginx block no longer has the parts this test substitutes"
    return config


class NginxProxy:
    """One nginx master process in its own folder and session, stopped by its own pid."""

    def __init__(self, folder: Path, upstreams: list[str]) -> None:
        if not Path(NGINX).exists():
            raise RuntimeError(MISSING)
        self.folder = folder
        self.upstreams = upstreams
        self.port = 0
        self.process: subprocess.Popen | None = None
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "logs" / "error.log"
        watch_log("nginx", self.log_path)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", folder / "key.pem",
                        "-out", folder / "cert.pem"], check=True, capture_output=True)

    @property
    def url(self) -> str:
        """The proxy's https address, on its non-default port."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """The same address for sockets."""
        return f"wss://127.0.0.1:{self.port}"

    def _main_config(self) -> Path:
        temp = self.folder / "temp"
        temp.mkdir(exist_ok=True)
        paths = "".join(f"    {kind}_temp_path {temp}/{kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        documented = adapt(documented_proxy_config(), self.upstreams, self.port, self.folder)
        main = (f"user {getpass.getuser()};\ndaemon off;\nworker_processes 1;\n"
                f"pid {self.folder}/nginx.pid;\nerror_log {self.log_path} info;\n"
                f"events {{ worker_connections 512; }}\nhttp {{\n{paths}{documented}}}\n")
        path = self.folder / "nginx.conf"
        path.write_text(main)
        return path

    def start(self, timeout: float = 30) -> "NginxProxy":
        """Start on a free port (another one if that port was taken meanwhile); wait until it accepts."""
        for _ in range(5):
            self.port = free_port()
            config = self._main_config()
            with open(self.log_path, "ab") as log:  # what nginx says before it opens its log
                self.process = subprocess.Popen([NGINX, "-p", str(self.folder), "-c", str(config)],
                                                stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True)
            if self._accepting(time.monotonic() + timeout):
                return self
            if "Address already in use" not in self.log():
                raise RuntimeError(f"nginx did not start:\n{self.log()[-3000:]}")
        raise RuntimeError("nginx found no free port in five tries")

    def _accepting(self, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)  # nginx binds within milliseconds; nothing to wait on instead
        stop_process_group(self.process)
        raise TimeoutError(f"nginx did not accept connections:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        """Stop the master and its worker (SIGTERM to its own process group)."""
        stop_process_group(self.process)

    def log(self) -> str:
        """nginx's error log so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def access_log(self) -> str:
        """The documented access log, as written so far."""
        path = self.folder / "logs" / "videologue.log"
        return path.read_text(errors="replace") if path.exists() else ""
