"""Two app nodes on a real PostgreSQL and a real Redis, all started and stopped by the tests."""

import asyncio
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
from tests.factories import PASSWORD, unique_username
from tests.live.conftest import Viewer
from tests.server import ROOT, AppServer

NODE_ENV = {"ANNOTATION_BURST": "5", "ANNOTATION_PER_SECOND": "1", "PRESENCE_TTL": "3",
            "PRESENCE_HEARTBEAT": "0.5", "SECRET_KEY": "cluster-test-secret"}
PING = ("--ws-ping-interval", "1", "--ws-ping-timeout", "2")


class Cluster:
    """PostgreSQL, Redis and two app nodes sharing them."""

    def __init__(self, tmp_root) -> None:
        self.postgres = PostgresCluster().start()
        self.redis = RedisServer().start()
        env = {**NODE_ENV, "DATABASE_URL": self.postgres.url, "REDIS_URL": self.redis.url,
               "MEDIA_DIR": str(tmp_root / "cluster-media")}
        subprocess.run([sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
                       cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "app.seed"], cwd=ROOT, env={**os.environ, **env},
                       check=True, capture_output=True)
        self.a = AppServer({**env, "NODE_ID": "node-a"}, extra_args=PING).start()
        self.b = AppServer({**env, "NODE_ID": "node-b"}, extra_args=PING).start()

    def close(self) -> None:
        """Stop every process and remove PostgreSQL's folder."""
        for node in (self.a, self.b):
            node.stop()
        self.redis.stop()
        self.postgres.close()

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
    yield running
    running.close()


class Browser:
    """An HTTP client with cookies, driving the real forms like a person would."""

    def __init__(self, node: AppServer) -> None:
        self.client = httpx.Client(base_url=node.url, follow_redirects=True)

    def on(self, node: AppServer) -> "Browser":
        """Point this browser, cookies and all, at another node."""
        self.client.base_url = node.url
        return self

    def submit(self, path: str, data: dict) -> httpx.Response:
        """Post a form with its CSRF token."""
        if "csrftoken" not in self.client.cookies:
            self.client.get("/sign-in")
        return self.client.post(path, data={**data, "_csrf_token": self.client.cookies["csrftoken"]})

    def register(self, prefix: str) -> str:
        """Register and sign in; return the username."""
        username = unique_username(prefix)
        self.submit("/register", {"name": prefix.title(), "username": username, "password": PASSWORD})
        return username

    def create_video(self, title: str = "Cluster video") -> int:
        """Create a video and return its id."""
        page = self.submit("/manage/videos", {"title": title, "description": "",
                                              "url": "https://youtu.be/dQw4w9WgXcQ"}).text
        return int(re.findall(r'href="/watch/(\d+)-', page)[0])

    def socket_url(self, node: AppServer, video_id: int) -> str:
        """The socket URL the watch page on that node embeds (token included when signed in)."""
        page = self.on(node).client.get(f"/watch/{video_id}").text
        return node.ws_url + unescape(re.search(r'hx-ws:connect="([^"]+)"', page).group(1))


@pytest.fixture
def browser(cluster):
    """Open a fresh browser on node A."""
    opened = []

    def open_browser(node=None):
        opened.append(Browser(node or cluster.a))
        return opened[-1]

    yield open_browser
    for item in opened:
        item.client.close()


@pytest.fixture
async def sockets():
    """Open viewers from socket URLs; closed after the test."""
    opened = []

    async def open_socket(url: str) -> Viewer:
        opened.append(Viewer(await connect(url)))
        return opened[-1]

    yield open_socket
    for viewer in opened:
        await viewer.close()


async def eventually(check, timeout: float = 20, every: float = 0.2):
    """Wait until check() is truthy (awaiting it if needed), and return its value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        value = await value if asyncio.iscoroutine(value) else value
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(every)
