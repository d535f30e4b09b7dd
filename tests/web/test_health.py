"""/healthz and /readyz (app/web/health.py), against real PostgreSQL and Redis that go away."""

import asyncio
import time
import urllib.error
import urllib.request

import pytest

from app.devservices.postgres import PostgresCluster
from app.devservices.redis_server import RedisServer
from tests.diagnostics import watch_log
from tests.server import AppServer
from tests.test_migrations import migrate

RECOVERY_S = 30  # a generous bound on a pool or client reconnecting; nothing asserts how fast


def probe(server: AppServer, path: str) -> tuple[int, str]:
    """The status and text of one GET."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_ready(server: AppServer) -> tuple[int, str]:
    """Probe /readyz until it says ready (a reconnecting pool may fail once or twice first)."""
    deadline = time.monotonic() + RECOVERY_S
    while True:
        status, text = probe(server, "/readyz")
        if status == 200 or time.monotonic() > deadline:
            return status, text


def test_both_probes_answer_on_the_embedded_database(client):
    assert client.get("/healthz").text == "ok\n"
    ready = client.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready\n")
    assert "set-cookie" not in ready.headers  # a prober keeps no session


@pytest.fixture(scope="module")
def services():
    """PostgreSQL, Redis and an app node using both, all of this module's own."""
    with PostgresCluster() as postgres, RedisServer() as redis:
        watch_log("postgres", postgres.log_path)
        watch_log("redis", redis.log_path)
        migrate(DATABASE_URL=postgres.url)
        server = AppServer({"DATABASE_URL": postgres.url, "REDIS_URL": redis.url}).start()
        try:
            yield postgres, redis, server
        finally:
            server.stop()


async def test_readiness_names_the_database_or_redis_while_it_is_down(services):
    postgres, redis, server = services
    assert await asyncio.to_thread(wait_ready, server) == (200, "ready\n")

    await asyncio.to_thread(postgres.stop)
    status, text = await asyncio.to_thread(probe, server, "/readyz")
    assert (status, text) == (503, "not ready: database not answering\n")
    assert await asyncio.to_thread(probe, server, "/healthz") == (200, "ok\n")  # still alive
    await asyncio.to_thread(postgres.start)
    assert await asyncio.to_thread(wait_ready, server) == (200, "ready\n")

    await asyncio.to_thread(redis.stop)
    status, text = await asyncio.to_thread(probe, server, "/readyz")
    assert (status, text) == (503, "not ready: redis not answering\n")
    await asyncio.to_thread(redis.start)
    assert await asyncio.to_thread(wait_ready, server) == (200, "ready\n")
