"""`make cluster`'s runner: everything up and answering, then all of it gone after Ctrl-C."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app.devservices.ports import free_port
from tests.server import ROOT


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=1).status == 200
    except OSError:
        return False


def test_the_cluster_serves_two_nodes_and_ctrl_c_stops_everything():
    folder = Path(tempfile.mkdtemp(prefix="videologue-cluster-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    ports = (free_port(), free_port())
    env = {**os.environ, "CLUSTER_DIR": str(folder), "CLUSTER_PORTS": ",".join(map(str, ports))}
    runner = subprocess.Popen([sys.executable, "-m", "app.devservices.cluster"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        lines = []
        while not any("Ctrl-C stops them all" in line for line in lines):
            line = runner.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert all(answers(f"http://127.0.0.1:{port}/") for port in ports)
        printed = "".join(lines)
        assert "PostgreSQL  postgresql://" in printed and "Redis       redis://" in printed
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            tree = subprocess.run(["ps", "-ef", "--forest"], capture_output=True, text=True).stdout
            raise AssertionError("the runner did not stop within 60 s:\n" + tree) from None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(answers(f"http://127.0.0.1:{p}/") for p in ports):
        time.sleep(0.2)
    assert not any(answers(f"http://127.0.0.1:{port}/") for port in ports)
    assert not (folder / "postgres").exists()  # the throwaway database went with it
    assert subprocess.run(["pgrep", "-f", str(folder)], capture_output=True).returncode == 1
