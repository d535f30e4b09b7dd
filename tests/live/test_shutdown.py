"""A node stopped with SIGTERM closes every socket with 1012, so pages reconnect, and exits cleanly."""

import asyncio
import signal
import socket

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.devservices.processes import stop_process_group
from tests.factories import make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.server import AppServer


@pytest.fixture
def own_server():
    """A server of the test's own, which the test stops."""
    server = AppServer({"ANNOTATION_BURST": "1000"})
    try:
        yield server.start()
    finally:
        server.stop(signal.SIGKILL)


async def open_viewer(server, video, user=None) -> Viewer:
    """A joined viewer on the server's video."""
    url = f"{server.ws_url}/live/videos/{video.id}" + (f"?token={token_for(user)}" if user else "")
    viewer = Viewer(await connect(url, additional_headers={"Origin": server.url}))
    await viewer.joined()
    return viewer


async def test_sigterm_closes_every_socket_with_1012_and_the_process_exits_cleanly(own_server):
    alice = await make_user()
    video = await make_video(alice)
    viewers = [await open_viewer(own_server, video, alice), await open_viewer(own_server, video)]
    await viewers[0].post("Before the restart", at=1)
    for viewer in viewers:
        await viewer.frames_until("Before the restart")

    stopping = asyncio.create_task(asyncio.to_thread(own_server.stop, signal.SIGTERM))
    for viewer in viewers:
        with pytest.raises(ConnectionClosed) as closed:
            await viewer.frame(timeout=30)
        assert closed.value.rcvd.code == 1012
    await stopping
    # uvicorn ends by re-raising the SIGTERM it handled; a SIGKILL (-9) would mean it hung.
    assert own_server.process.returncode == -signal.SIGTERM
    log = own_server.log()
    assert "Application shutdown complete." in log and "Traceback" not in log


def test_a_request_that_never_finishes_holds_the_shutdown_only_for_shutdown_timeout():
    server = AppServer({"SHUTDOWN_TIMEOUT": "1"}).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as stalled:
            stalled.sendall(b"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n"
                            b"Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n")
            # uvicorn answers 100 Continue once the app reads the body: the request is running.
            assert stalled.recv(100).startswith(b"HTTP/1.1 100 ")
            stalled.sendall(b"username=")  # and never the rest
            # Far longer than SHUTDOWN_TIMEOUT: without that bound the wait would never end.
            stop_process_group(server.process, signal.SIGTERM, timeout=120)
        assert server.process.returncode == -signal.SIGTERM
        assert "timeout graceful shutdown exceeded" in server.log()
    finally:
        server.stop(signal.SIGKILL)
