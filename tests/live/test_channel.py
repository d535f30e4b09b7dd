"""The channel's join, in process: live changes that arrive while the replay is being read."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app import multimedia
from app.live import fragments
from app.live.channel import VideoChannel
from app.live.outbox import Outbox
from app.live.service import LiveService
from app.live.topics import Message
from app.settings import Settings
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids

BACKLOG = 3
LIST_ANNOTATIONS = multimedia.list_annotations


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
        view = await multimedia.annotate_video(user, video.id, body, at)
        self.channel.receive(self.channel.topic, Message("annotation", view.id,
                                                         fragments.annotations([view])))


@pytest.fixture
async def live():
    """This process's live service, with a small backlog."""
    service = LiveService(replace(Settings.from_env(), live_backlog=BACKLOG))
    await service.start()
    yield service
    await service.stop()


def during_first_query(monkeypatch, changes) -> list[int]:
    """Run `changes()` while the channel's first replay query is out; return every query's id."""
    queries = []

    async def slow_query(video_id, since=0):
        views = await LIST_ANNOTATIONS(video_id, since)
        if not queries:
            await changes()
        queries.append(since)
        return views
    monkeypatch.setattr(multimedia, "list_annotations", slow_query)
    return queries


async def test_posts_that_overflow_the_backlog_during_a_slow_query_are_read_back(live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    for index in range(2):
        await multimedia.annotate_video(alice, video.id, f"old {index}", index)
    viewer = Recorder(live, video)

    async def six_posts():
        for index in range(6):
            await viewer.post(alice, video, f"new {index}", 100 + index)
    queries = during_first_query(monkeypatch, six_posts)
    await viewer.channel.join(0)
    await viewer.channel.leave()

    assert sorted(annotation_ids(viewer.texts())) == [v.id for v in await LIST_ANNOTATIONS(video.id)]
    assert len(queries) == 2  # the six did not fit the backlog of 3: read back from the database
    assert not viewer.channel.outbox.closed
    assert all(event["type"] != "websocket.close" for event in viewer.sent)


async def test_a_deletion_that_overflows_the_backlog_during_a_slow_query_is_read_back(
        live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    held = await multimedia.annotate_video(alice, video.id, "held", 0)
    viewer = Recorder(live, video)

    async def delete_then_five_posts():
        await multimedia.delete_annotation(alice, held.id)
        viewer.channel.receive(viewer.channel.topic,
                               Message("deleted", held.id, fragments.removals([held.id])))
        for index in range(5):
            await viewer.post(alice, video, f"new {index}", 100 + index)
    queries = during_first_query(monkeypatch, delete_then_five_posts)
    await viewer.channel.join(held.id, since=datetime.now(UTC))  # the page was read just now
    await viewer.channel.leave()

    assert len(queries) == 2  # the backlog of 3 overflowed: everything was read back
    assert fragments.removals([held.id]) in viewer.texts()
    assert sorted(annotation_ids(viewer.texts())) == [v.id for v in await LIST_ANNOTATIONS(video.id)]


async def test_deletions_lost_in_a_pub_sub_outage_reach_viewers_when_it_is_back(live):
    alice = await make_user()
    video = await make_video(alice)
    first, second = [await multimedia.annotate_video(alice, video.id, body, 0) for body in "ab"]
    viewer = Recorder(live, video)
    await viewer.channel.join(0, since=datetime.now(UTC))
    await multimedia.delete_annotation(alice, second.id)  # its broadcast is lost: never sent
    viewer.sent.clear()
    await live.resync()
    await viewer.channel.leave()
    assert viewer.texts() == [fragments.removals([second.id])]


async def test_broadcasts_that_arrive_out_of_id_order_all_reach_the_viewer(live):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    replayed = await multimedia.annotate_video(alice, video.id, "replayed", 0)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    # Stored in one order, broadcast in the other: two posters' publishes can overtake.
    first = await multimedia.annotate_video(alice, video.id, "first", 10)
    second = await multimedia.annotate_video(bob, video.id, "second", 20)
    for view in (second, first, replayed):  # and a late repeat of one the replay already sent
        viewer.channel.receive(viewer.channel.topic, Message("annotation", view.id,
                                                             fragments.annotations([view])))
    await viewer.channel.leave()
    assert annotation_ids(viewer.texts()) == [replayed.id, second.id, first.id]
