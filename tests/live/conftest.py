"""A real uvicorn serving the test database, and WebSocket clients that speak like hx-ws."""

import asyncio
import json
import os
from collections import deque
from dataclasses import replace

import pytest
from websockets.asyncio.client import connect

from app import accounts
from app.live.node import LiveService
from app.settings import Settings
from tests.live.recorder import BACKLOG, PAGE
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


def is_panel(frame: str) -> bool:
    """True for a viewers-panel update, which arrives whenever anyone joins or leaves."""
    return 'hx-target="#user-list"' in frame


class Viewer:
    """One WebSocket client on a video, collecting the frames it receives.

    Viewers-panel updates are kept apart (in `panels`) from the other frames, and no frame is
    lost while a method waits for one of the other kind.
    """

    def __init__(self, socket):
        self.socket = socket
        self.panels: list[str] = []  # viewers-panel frames, kept apart from the others
        self._unread: deque[str] = deque()  # other frames that arrived while waiting for a panel

    async def post(self, body="Hello", at=1000, **extra):
        """Send the annotate form as hx-ws does: the form values plus headers."""
        frame = {"event": "new_annotation", "body": body, "at": str(at),
                 "headers": {"HX-Request": "true"}, **extra}
        await self.socket.send(json.dumps(frame))

    async def delete(self, annotation_id):
        """Press an annotation's Delete button as hx-ws sends it: the form's values plus headers."""
        await self.send("delete_annotation", id=str(annotation_id))

    async def reply(self, parent_id, body="Indeed"):
        """Send a thread's reply form."""
        await self.send("reply", parent_id=str(parent_id), body=body)

    async def edit(self, annotation_id, body="Edited"):
        """Send an item's edit form."""
        await self.send("edit", id=str(annotation_id), body=body)

    async def send(self, event: str, **values):
        """Send a form's values as hx-ws does, with its headers."""
        await self.socket.send(json.dumps({"event": event, **values,
                                           "headers": {"HX-Request": "true"}}))

    async def frame(self, timeout: float = 10) -> str:
        """The next frame the server pushes, other than a viewers-panel update."""
        if self._unread:
            return self._unread.popleft()
        async with asyncio.timeout(timeout):
            while is_panel(frame := await self.socket.recv()):
                self.panels.append(frame)
        return frame

    async def panel_showing(self, *needles: str, without: tuple[str, ...] = (),
                            timeout: float = 10) -> str:
        """Wait for a viewers-panel update that has every needle and none of `without`."""
        def matches(panel: str) -> bool:
            return all(n in panel for n in needles) and not any(n in panel for n in without)

        async with asyncio.timeout(timeout):
            while not (self.panels and matches(self.panels[-1])):
                frame = await self.socket.recv()
                (self.panels if is_panel(frame) else self._unread).append(frame)
        return self.panels[-1]

    async def joined(self, timeout: float = 10) -> None:
        """Wait until the server has joined this viewer to the video, so it hears every broadcast.

        The socket opens before the server subscribes it; a viewers panel reaches it only
        through that subscription, once its join replay is sent.
        """
        await self.panel_showing(timeout=timeout)

    async def frames_until(self, needle: str, timeout: float = 10) -> list[str]:
        """Frames received up to and including the first that contains needle."""
        frames = []
        async with asyncio.timeout(timeout):
            while needle not in (frames[-1] if frames else ""):
                frames.append(await self.frame(timeout))
        return frames

    async def frames_before(self, needle: str, timeout: float = 10) -> list[str]:
        """The frames, viewers panels aside, that arrive before the first frame or panel with needle.

        The needle marks a barrier: something caused after the action under test that reaches
        this viewer after anything the action would have sent it (a later post on the same
        video, or the panel that follows its join replay). So an empty list proves that nothing
        was sent, however slow the server is.
        """
        frames = []
        while self._unread:
            if needle in (frame := self._unread.popleft()):
                return frames
            frames.append(frame)
        async with asyncio.timeout(timeout):
            while needle not in (frame := await self.socket.recv()):
                (self.panels if is_panel(frame) else frames).append(frame)
        if is_panel(frame):
            self.panels.append(frame)
        return frames

    async def replay(self, timeout: float = 10) -> list[str]:
        """Every frame of the join replay: all that comes before the first viewers panel.

        During its join a channel holds back every broadcast, panels included, until the replay
        is sent, so no panel can overtake a replay frame. Call it before any panel was read.
        """
        assert not self.panels, "a panel was read already: the replay's end is behind us"
        return await self.frames_before('hx-target="#user-list"', timeout)

    async def silent(self, wait: float = 0.5) -> bool:
        """True when nothing arrives for `wait` seconds.

        On its own this proves nothing (a frame could arrive later): use it only after a
        barrier, or use `frames_before` instead.
        """
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
    """Open viewers on a video: join(video, user=None, cursor=None, origin=None, token=None,
    query=()), `query` being extra (name, value) pairs."""
    opened = []

    async def open_viewer(video, user=None, cursor=None, origin=None, token=None, query=()):
        query = [f"{name}={value}" for name, value in query]
        if user is not None or token is not None:
            query.append(f"token={token or token_for(user)}")
        if cursor is not None:
            query.append(f"cursor={cursor}")
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


@pytest.fixture
async def live():
    """This process's live service, with a small backlog."""
    service = LiveService(replace(Settings.from_env(), live_backlog=BACKLOG))
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def paged_live():
    """This process's live service, replaying in pages of 3 annotations."""
    service = LiveService(replace(Settings.from_env(), live_backlog=BACKLOG, replay_batch=PAGE))
    await service.start()
    yield service
    await service.stop()

