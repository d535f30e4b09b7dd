"""docs/deploy.md's nginx config, run for real in front of both nodes on a non-default port."""

import ssl

import pytest
from websockets.asyncio.client import connect

from tests.cluster.conftest import Browser
from tests.live.conftest import Viewer
from tests.proxy import NginxProxy


@pytest.fixture(scope="module")
def proxy(cluster, tmp_path_factory):
    """nginx with the documented config, balancing over node A and node B."""
    nginx = NginxProxy(tmp_path_factory.mktemp("nginx"),
                       [f"127.0.0.1:{node.port}" for node in (cluster.a, cluster.b)])
    try:
        yield nginx.start()
    finally:
        nginx.stop()


def self_signed() -> ssl.SSLContext:
    """A TLS client that accepts the proxy's throwaway certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.fixture
async def proxied(proxy):
    """A browser (cookies, forms) that reaches the app only through the proxy."""
    browser = Browser(proxy, verify=False)
    yield browser
    await browser.client.aclose()


async def test_a_signed_in_socket_and_a_post_work_through_the_proxy_on_any_port(
        cluster, proxy, proxied):
    await proxied.register("proxied")
    video = await proxied.create_video("Behind nginx")
    url = await proxied.socket_url(proxy, video)
    token = url.split("token=")[1]
    # A browser on https://127.0.0.1:<port> sends that origin; the proxy must pass the port on.
    socket = await connect(url, ssl=self_signed(), additional_headers={"Origin": proxy.url},
                           open_timeout=30)
    viewer = Viewer(socket)
    try:
        await viewer.joined()
        await viewer.post("Through the proxy", at=1200)
        await viewer.frames_until("Through the proxy")
    finally:
        await viewer.close()
    rows = await cluster.query("SELECT body FROM annotations WHERE video = $1", video)
    assert [row["body"] for row in rows] == ["Through the proxy"]
    assert f"/live/videos/{video}" in proxy.access_log()
    assert token not in proxy.access_log() + proxy.log()


async def test_a_range_request_through_the_proxy_gets_exactly_those_bytes(cluster, proxied):
    clip = bytes(range(256)) * 400
    cluster.media_dir.mkdir(parents=True, exist_ok=True)
    (cluster.media_dir / "proxied-range.mp4").write_bytes(clip)
    response = await proxied.client.get("/media/proxied-range.mp4",
                                        headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 1000-1999/{len(clip)}"
    assert response.content == clip[1000:2000]
