"""`make cluster`'s runner: everything up and answering, then all of it gone after Ctrl-C."""

import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from tests.server import ROOT

READY = "Ctrl-C stops them all"


def distinct_free_ports(count: int) -> list[int]:
    """Ports nobody listens on, all different: each stays bound until every one is picked."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def answers(url: str) -> bool:
    """True when the URL answers 200 (the timeout only bounds a hung server)."""
    try:
        return urllib.request.urlopen(url, timeout=30).status == 200
    except OSError:
        return False


def read_until(stream, text: str, timeout: float = 120) -> str:
    """What the stream printed up to the first line containing text; fails if it ends first.

    A thread reads (readline cannot be given a deadline), so a runner that hangs fails the
    test after `timeout` instead of blocking it.
    """
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:  # it keeps draining, so the nodes never block on a full pipe later
        for line in stream:
            lines.put(line)
        lines.put("")
    threading.Thread(target=pump, daemon=True).start()
    printed, deadline = "", time.monotonic() + timeout
    while text not in printed:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise AssertionError(f"no {text!r} within {timeout:.0f} s:\n{printed}") from None
        assert line, f"the runner exited before printing {text!r}:\n{printed}"
        printed += line
    return printed


def descendants(pid: int) -> dict[int, str]:
    """Every process below pid, each with its start time (so a reused pid is not mistaken for it)."""
    children: dict[int, list[tuple[int, str]]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append((int(stat.parent.name), fields[19]))
    found, parents = {}, [pid]
    while parents:
        for child, started in children.get(parents.pop(), []):
            found[child] = started
            parents.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    """Those of the processes that still run (zombies, already dead, do not count)."""
    running = []
    for pid, started in processes.items():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if fields[19] == started and fields[0] != "Z":
                running.append(pid)
    return running


def test_the_cluster_serves_two_nodes_and_ctrl_c_stops_everything():
    folder = Path(tempfile.mkdtemp(prefix="videologue-cluster-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    ports = distinct_free_ports(2)
    env = {**os.environ, "CLUSTER_DIR": str(folder), "CLUSTER_PORTS": ",".join(map(str, ports))}
    runner = subprocess.Popen([sys.executable, "-m", "app.devservices.cluster"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    started: dict[int, str] = {}
    try:
        printed = read_until(runner.stdout, READY)
        started = descendants(runner.pid)  # the nodes and Redis (pg_ctl detaches PostgreSQL)
        assert all(answers(f"http://127.0.0.1:{port}/") for port in ports)
        assert "PostgreSQL  postgresql://" in printed and "Redis       redis://" in printed
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            tree = subprocess.run(["ps", "-ef", "--forest"], capture_output=True, text=True,
                                  timeout=30).stdout
            postmaster = folder / "postgres" / "data" / "postmaster.pid"
            detached = [int(postmaster.read_text().split()[0])] if postmaster.exists() else []
            for pid in [runner.pid, *still_running(started), *detached]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            runner.wait(timeout=30)
            raise AssertionError("the runner did not stop within 60 s:\n" + tree) from None
    # The runner waits for each process it stops, so by its exit every one must be gone.
    assert still_running(started) == [], "processes the runner started outlived it"
    assert not (folder / "postgres").exists()  # the throwaway database went with it
    assert subprocess.run(["pgrep", "-f", str(folder)], capture_output=True,
                          timeout=30).returncode == 1
    shutil.rmtree(folder, ignore_errors=True)
