"""`make cluster`: PostgreSQL, Redis and two app nodes on this machine, stopped together on Ctrl-C.

A rehearsal of a scaled-out deployment for development; production runs the same app with
DATABASE_URL and REDIS_URL pointing at real services (docs/deploy.md).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.devservices.ports import free_port
from app.devservices.postgres import PostgresCluster
from app.devservices.processes import stop_process_group
from app.devservices.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]

def _node_ports() -> tuple[int, ...]:
    return tuple(int(port) for port in os.environ.get("CLUSTER_PORTS", "4001,4002").split(","))


def _start_node(env: dict[str, str], port: int) -> subprocess.Popen:
    # The one launcher (app/launcher.py); HOST, like every other setting, comes from `env`.
    args = [sys.executable, "-m", "app", "--port", str(port)]
    return subprocess.Popen(args, cwd=ROOT, env={**env, "NODE_ID": f"node-{port}"},
                            start_new_session=True)


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the node for {url} exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url + "/static/app.css", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Start everything, migrate and seed, serve until interrupted, then stop it all."""
    # Ctrl-C or SIGTERM stops it all, even when started from a shell's background job, which
    # would otherwise hand Python SIGINT already ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    var = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster"))
    var.mkdir(parents=True, exist_ok=True)
    ports = _node_ports()
    postgres = PostgresCluster(port=free_port(), root=var / "postgres").start()
    redis = RedisServer(port=free_port(), log_path=var / "redis.log").start()
    nodes: list[subprocess.Popen] = []
    try:
        env = {**os.environ, "DATABASE_URL": postgres.url, "REDIS_URL": redis.url,
               "MEDIA_DIR": os.environ.get("MEDIA_DIR", str(ROOT / "var" / "media"))}
        for command in (["-m", "piccolo.main", "migrations", "forwards", "all"], ["-m", "app.seed"]):
            subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True)
        for port in ports:
            nodes.append(_start_node(env, port))
        for port, node in zip(ports, nodes, strict=True):
            _wait_for(f"http://127.0.0.1:{port}", node)
        print(f"\nPostgreSQL  {postgres.url}\nRedis       {redis.url}")
        for port in ports:
            print(f"Node        http://127.0.0.1:{port}")
        print("Ctrl-C stops them all.\n", flush=True)
        while all(node.poll() is None for node in nodes):
            time.sleep(0.5)
        print("a node exited; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans
        for node in nodes:
            stop_process_group(node)
        redis.stop()
        postgres.close()


if __name__ == "__main__":
    main()
