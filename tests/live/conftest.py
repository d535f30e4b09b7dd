"""A real uvicorn serving the test database, and WebSocket clients that speak like hx-ws."""

import asyncio
import json
import os

import pytest
from websockets.asyncio.client import connect

from app import accounts
from app.settings import Settings
from tests.server import AppServer


@pytest.fixture(scope="package")
def server():
    """One app process for the live tests, sharing the test database."""
    app_server = AppServer({"ANNOTATION_BURST": "1000", "LIVE_BACKLOG": "8"}).start()
    yield app_server
    app_server.stop()


def token_for(user) -> str:
    """The socket token the watch page would embed for this user."""
    return accounts.sign_socket_token(Settings.from_env(os.environ).secret_key, user)


class Viewer:
    """One WebSocket client on a video, collecting the frames it receives."""

    def __init__(self, socket):
        self.socket = socket
        self.panels: list[str] = []  # viewers-panel frames, kept apart from the others

    async def post(self, body="Hello", at=1000, **extra):
        """Send the annotate form as hx-ws does: the form values plus headers."""
        frame = {"event": "new_annotation", "body": body, "at": str(at),
                 "headers": {"HX-Request": "true"}, **extra}
        await self.socket.send(json.dumps(frame))

    async def delete(self, annotation_id):
        """Press an annotation's Delete button as hx-ws sends it: the form's values plus headers."""
        frame = {"event": "delete_annotation", "id": str(annotation_id),
                 "headers": {"HX-Request": "true"}}
        await self.socket.send(json.dumps(frame))

    async def frame(self, timeout: float = 5) -> str:
        """The next frame the server pushes, other than a viewers-panel update."""
        while True:
            frame = await asyncio.wait_for(self.socket.recv(), timeout)
            if 'hx-target="#user-list"' not in frame:
                return frame
            self.panels.append(frame)

    async def panel_showing(self, *needles: str, without: tuple[str, ...] = (),
                            timeout: float = 10) -> str:
        """Wait for a viewers-panel update that has every needle and none of `without`."""
        def matches(panel: str) -> bool:
            return all(n in panel for n in needles) and not any(n in panel for n in without)

        async def wait() -> str:
            while True:
                if self.panels and matches(self.panels[-1]):
                    return self.panels[-1]
                frame = await self.socket.recv()
                if 'hx-target="#user-list"' in frame:
                    self.panels.append(frame)
        return await asyncio.wait_for(wait(), timeout)

    async def frames_until(self, needle: str, timeout: float = 5) -> list[str]:
        """Frames received up to and including the first that contains needle."""
        frames = []
        while True:
            frames.append(await self.frame(timeout))
            if needle in frames[-1]:
                return frames

    async def silent(self, wait: float = 0.5) -> bool:
        """True when nothing arrives for a while."""
        try:
            await self.frame(wait)
        except TimeoutError:
            return True
        return False

    async def close(self):
        """Close the socket."""
        await self.socket.close()


@pytest.fixture
async def join(server):
    """Open viewers on a video: join(video, user=None, last_seen_id=None, origin=None, since=None)."""
    opened = []

    async def open_viewer(video, user=None, last_seen_id=None, origin=None, token=None, since=None):
        query = []
        if user is not None or token is not None:
            query.append(f"token={token or token_for(user)}")
        if last_seen_id is not None:
            query.append(f"last_seen_id={last_seen_id}")
        if since is not None:
            query.append(f"since={since}")
        url = f"{server.ws_url}/live/videos/{video if isinstance(video, int) else video.id}"
        if query:
            url += "?" + "&".join(query)
        headers = {"Origin": origin or server.url}
        socket = await connect(url, additional_headers=headers, compression=None)
        viewer = Viewer(socket)
        opened.append(viewer)
        return viewer

    yield open_viewer
    for viewer in opened:
        await viewer.close()
