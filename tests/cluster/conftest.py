"""Two app nodes on a real PostgreSQL and a real Redis, all started and stopped by the tests."""

import asyncio
import contextlib
import os
import re
import subprocess
import sys
from html import unescape

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import connect

from app.devservices import PostgresCluster, RedisServer
from app.redis_client import connect_redis
from tests.diagnostics import watch_log
from tests.factories import PASSWORD, unique_username
from tests.live.conftest import Viewer
from tests.server import ROOT, AppServer

# A rate of 0 never refills the bucket, so a rate-limit test has no hidden time budget.
NODE_ENV = {"ANNOTATION_BURST": "5", "ANNOTATION_PER_SECOND": "0", "PRESENCE_TTL": "3",
            "PRESENCE_HEARTBEAT": "0.5", "SECRET_KEY": "cluster-test-secret"}


class Cluster:
    """PostgreSQL, Redis and two app nodes sharing them; a failed start stops what had started."""

    def __init__(self, tmp_root) -> None:
        self._started = contextlib.ExitStack()
        try:
            self._start(tmp_root)
        except BaseException:
            self.close()
            raise

    def _start(self, tmp_root) -> None:
        self.postgres = PostgresCluster()
        self._started.callback(self.postgres.close)
        watch_log("postgres", self.postgres.log_path)
        self.postgres.start()
        self.redis = RedisServer()
        self._started.callback(self.redis.stop)
        watch_log("redis", self.redis.log_path)
        self.redis.start()
        self.media_dir = tmp_root / "cluster-media"
        env = {**NODE_ENV, "DATABASE_URL": self.postgres.url, "REDIS_URL": self.redis.url,
               "MEDIA_DIR": str(self.media_dir)}
        for command in (["piccolo.main", "migrations", "forwards", "all"], ["app.seed"]):
            result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT,
                                    env={**os.environ, **env}, capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 0, f"{command} failed:\n{result.stdout}{result.stderr}"
        self.a = self.start_node({**env, "NODE_ID": "node-a"})
        self.b = self.start_node({**env, "NODE_ID": "node-b"})

    def start_node(self, env: dict[str, str], workers: int = 1) -> AppServer:
        """Start an app server on these services; it is stopped with the cluster."""
        node = AppServer(env, workers=workers)
        self._started.callback(node.stop)
        return node.start()

    def close(self) -> None:
        """Stop every process (the nodes first) and remove PostgreSQL's folder."""
        self._started.close()

    async def query(self, sql: str, *args):
        """Run a query against the cluster's database directly."""
        connection = await asyncpg.connect(self.postgres.url)
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()


@pytest.fixture(scope="package")
def cluster(tmp_root):
    """The running cluster, shared by the cluster tests."""
    running = Cluster(tmp_root)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
async def redis(cluster):
    """A client of the cluster's Redis (retrying on a dropped connection, as the app's does)."""
    client = connect_redis(cluster.redis.url)
    yield client
    await client.aclose()


class Browser:
    """An HTTP client with cookies, driving the real forms like a person would."""

    def __init__(self, node: AppServer, verify: bool = True) -> None:
        self.client = httpx.AsyncClient(base_url=node.url, follow_redirects=True, timeout=30,
                                        verify=verify)

    def on(self, node: AppServer) -> "Browser":
        """Point this browser, cookies and all, at another node."""
        self.client.base_url = node.url
        return self

    async def submit(self, path: str, data: dict) -> httpx.Response:
        """Post a form with its CSRF token."""
        if "csrftoken" not in self.client.cookies:
            await self.client.get("/sign-in")
        return await self.client.post(
            path, data={**data, "_csrf_token": self.client.cookies["csrftoken"]})

    async def register(self, prefix: str) -> str:
        """Register and sign in; return the username."""
        username = unique_username(prefix)
        await self.submit("/register", {"name": prefix.title(), "username": username,
                                        "password": PASSWORD})
        return username

    async def create_video(self, title: str = "Cluster video") -> int:
        """Create a video and return its id."""
        page = await self.submit("/manage/videos", {"title": title, "description": "",
                                                    "url": "https://youtu.be/dQw4w9WgXcQ"})
        return int(re.findall(r'href="/watch/(\d+)-', page.text)[0])

    async def socket_url(self, node: AppServer, video_id: int) -> str:
        """The socket URL the watch page on that node embeds (token included when signed in)."""
        page = (await self.on(node).client.get(f"/watch/{video_id}")).text
        return node.ws_url + unescape(re.search(r'hx-ws:connect="([^"]+)"', page).group(1))

    async def home_card(self, video_id: int) -> str:
        """The video's card on the home page, following its pages (12 videos each) to find it."""
        path: str | None = "/"
        while path is not None:
            page = (await self.client.get(path)).text
            start = page.find(f'href="/watch/{video_id}-')
            if start >= 0:
                return page[start:page.index("</li>", start)]
            older = re.search(r'rel="next" href="([^"]+)"', page)
            path = unescape(older.group(1)) if older else None
        raise AssertionError(f"video {video_id} is on no page of the home page")


@pytest.fixture
async def browser(cluster):
    """Open a fresh browser on node A."""
    opened = []

    def open_browser(node=None):
        opened.append(Browser(node or cluster.a))
        return opened[-1]

    yield open_browser
    for item in opened:
        await item.client.aclose()


@pytest.fixture
async def alice_and_bob(cluster, browser):
    """Alice signed up on node A with a video of hers, Bob signed up on node B: (alice, bob, video)."""
    alice, bob = browser(), browser(cluster.b)
    await alice.register("alice")
    await bob.register("bob")
    return alice, bob, await alice.create_video()


@pytest.fixture
async def sockets():
    """Open viewers from socket URLs; closed after the test."""
    opened = []

    async def open_socket(url: str) -> Viewer:
        opened.append(Viewer(await connect(url, open_timeout=30)))
        return opened[-1]

    yield open_socket
    for viewer in opened:
        await viewer.close()


async def eventually(check, timeout: float = 30):
    """Poll a condition the servers expose until check() is truthy, and return its value.

    It waits on the condition, not on a time: the timeout only bounds a run in which the
    condition never comes true, and the pause between checks only paces the polling.
    """
    async with asyncio.timeout(timeout):
        while True:
            value = check()
            value = await value if asyncio.iscoroutine(value) else value
            if value:
                return value
            await asyncio.sleep(0.1)  # pacing between polls, not a wait for something
