"""A guest's channel whose socket records everything, and helpers that act during its replay."""

from app import multimedia
from app.live.channel import VideoChannel, change_broadcast
from app.live.node import LiveService
from app.live.transport.outbox import Outbox

BACKLOG = 3
PAGE = 3
LIST_ANNOTATIONS = multimedia.list_annotations
LIST_PAGE = multimedia.list_change_page


class Recorder:
    """A guest's channel on a video whose socket accepts everything and records it."""

    def __init__(self, live: LiveService, video) -> None:
        self.sent: list[dict] = []
        self.channel = VideoChannel(live, video.id, None, Outbox(self.send, BACKLOG))

    async def send(self, event: dict) -> None:
        self.sent.append(event)

    def texts(self) -> list[str]:
        return [event["text"] for event in self.sent if event["type"] == "websocket.send"]

    async def post(self, user, video, body: str, at: int) -> None:
        """Store an annotation and hand its broadcast to this channel, as the hub would."""
        self.hear(await multimedia.annotate_video(user, video.id, body, at))

    def hear(self, view) -> None:
        """Hand a stored change's broadcast to this channel, as the hub would."""
        self.channel.feed.receive(self.channel.topic, change_broadcast(view))



def during_first_query(monkeypatch, changes) -> list[int]:
    """Run `changes()` while the channel's first replay query is out; return every query's cursor."""
    queries = []

    async def slow_query(video_id, after, limit):
        page = await LIST_PAGE(video_id, after, limit)
        if not queries:
            await changes()
        queries.append(after)
        return page
    monkeypatch.setattr(multimedia, "list_change_page", slow_query)
    return queries


def frames_sent_at_each_page_read(monkeypatch, viewer: Recorder) -> list[int]:
    """Count, each time the replay reads a page, how many frames the viewer had been sent by then."""
    reads = []

    async def counted_query(video_id, after, limit):
        reads.append(len(viewer.texts()))
        return await LIST_PAGE(video_id, after, limit)
    monkeypatch.setattr(multimedia, "list_change_page", counted_query)
    return reads

