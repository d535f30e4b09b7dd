"""The channel's join, in process: a replay read in pages, and live changes that arrive meanwhile."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from app import multimedia
from app.live import fragments
from app.live.channel import VideoChannel
from app.live.node import LiveService
from app.live.transport.outbox import Outbox
from app.live.wire import ANNOTATION, CLOSE, DELETED, VIDEO_DELETED, Broadcast, Close
from app.settings import Settings
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids

BACKLOG = 3
PAGE = 3
LIST_ANNOTATIONS = multimedia.list_annotations
LIST_PAGE = multimedia.list_annotation_page


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
        self.channel.feed.receive(self.channel.topic, Broadcast(ANNOTATION, fragments.annotations([view]),
                                                           view.id))


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


def during_first_query(monkeypatch, changes) -> list[int]:
    """Run `changes()` while the channel's first replay query is out; return every query's id."""
    queries = []

    async def slow_query(video_id, after_id, limit):
        views = await LIST_PAGE(video_id, after_id, limit)
        if not queries:
            await changes()
        queries.append(after_id)
        return views
    monkeypatch.setattr(multimedia, "list_annotation_page", slow_query)
    return queries


def frames_sent_at_each_page_read(monkeypatch, viewer: Recorder) -> list[int]:
    """Count, each time the replay reads a page, how many frames the viewer had been sent by then."""
    reads = []

    async def counted_query(video_id, after_id, limit):
        reads.append(len(viewer.texts()))
        return await LIST_PAGE(video_id, after_id, limit)
    monkeypatch.setattr(multimedia, "list_annotation_page", counted_query)
    return reads


async def test_a_replay_longer_than_a_page_is_sent_page_by_page_in_id_order_each_by_time(
        paged_live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    # Pinned out of posting order, so each frame's time order differs from its id order.
    moments = [3000, 1000, 2000, 1000, 5000, 4000, 0]
    posted = [await multimedia.annotate_video(alice, video.id, f"note {at}", at) for at in moments]
    at = {view.id: view.at for view in posted}
    viewer = Recorder(paged_live, video)
    reads = frames_sent_at_each_page_read(monkeypatch, viewer)
    await viewer.channel.join(0)
    await viewer.channel.leave()

    frames = [ids for ids in (annotation_ids([text]) for text in viewer.texts()) if ids]
    assert reads == [0, 1, 2]  # each page was sent before the next was read
    assert [len(frame) for frame in frames] == [PAGE, PAGE, 1]
    assert all(max(before) < min(after) for before, after in pairwise(frames))
    assert all(frame == sorted(frame, key=lambda i: (at[i], i)) for frame in frames)
    assert sorted(sum(frames, [])) == [view.id for view in posted]


async def test_a_viewer_gone_during_the_replay_costs_no_further_page_reads(paged_live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    for index in range(2 * PAGE + 1):
        await multimedia.annotate_video(alice, video.id, f"note {index}", index)
    viewer = Recorder(paged_live, video)
    reads = []

    async def query_then_close(video_id, after_id, limit):
        reads.append(after_id)
        viewer.channel.outbox.close(Close(1001, "Going away"))
        return await LIST_PAGE(video_id, after_id, limit)
    monkeypatch.setattr(multimedia, "list_annotation_page", query_then_close)
    await viewer.channel.join(0)
    await viewer.channel.leave()
    assert reads == [0]


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
        viewer.channel.feed.receive(viewer.channel.topic,
                               Broadcast(DELETED, fragments.removals([held.id]), held.id))
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
        viewer.channel.feed.receive(viewer.channel.topic, Broadcast(ANNOTATION, fragments.annotations([view]),
                                                               view.id))
    await viewer.channel.leave()
    assert annotation_ids(viewer.texts()) == [replayed.id, second.id, first.id]


async def test_after_a_pub_sub_outage_each_viewer_catches_up_on_its_own_video_only(live):
    alice = await make_user()
    watched, other = await make_video(alice), await make_video(alice)
    on_watched, on_other = Recorder(live, watched), Recorder(live, other)
    # One user on both videos: their channels also share the user's topic on this node.
    for recorder in (on_watched, on_other):
        recorder.channel.user = alice
        await recorder.channel.join(0)
        recorder.sent.clear()
    missed = [await multimedia.annotate_video(alice, watched.id, f"missed {i}", i) for i in range(2)]
    await live.resync()
    for recorder in (on_watched, on_other):
        await recorder.channel.leave()
    assert annotation_ids(on_watched.texts()) == [view.id for view in missed]
    assert on_other.texts() == []


async def test_a_viewer_that_cannot_take_the_catch_up_holds_nobody_else_up(paged_live):
    alice = await make_user()
    video = await make_video(alice)
    stalled, ready = Recorder(paged_live, video), Recorder(paged_live, video)
    for recorder in (stalled, ready):
        await recorder.channel.join(0)
    never = asyncio.Event()

    async def never_drains(event: dict) -> None:
        await never.wait()
    stalled.channel.outbox = stalled.channel.feed.outbox = Outbox(never_drains, BACKLOG)
    missed = [await multimedia.annotate_video(alice, video.id, f"missed {i}", i)
              for i in range(PAGE * (BACKLOG + 1) + 1)]
    await asyncio.wait_for(paged_live.resync(), 5)
    assert sorted(annotation_ids(ready.texts())) == [view.id for view in missed]
    assert stalled.channel.outbox.closed  # past its backlog: it rejoins by last_seen_id
    never.set()  # lets the close frame through, so no task outlives the test
    for recorder in (stalled, ready):
        await recorder.channel.leave()


async def test_a_viewer_still_joining_when_the_outage_ends_gets_each_missed_post_once(
        live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    await multimedia.annotate_video(alice, video.id, "before", 0)
    viewer = Recorder(live, video)

    async def missed_post_then_resync():
        await multimedia.annotate_video(alice, video.id, "missed", 10)  # its broadcast is lost
        await live.resync()
    during_first_query(monkeypatch, missed_post_then_resync)
    await viewer.channel.join(0)
    await viewer.channel.leave()
    assert sorted(annotation_ids(viewer.texts())) == [v.id for v in await LIST_ANNOTATIONS(video.id)]


async def test_a_deleted_video_closes_its_viewers_with_4404(live):
    alice = await make_user()
    video = await make_video(alice)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    viewer.channel.feed.receive(viewer.channel.topic, Broadcast(CLOSE, close=VIDEO_DELETED))
    await asyncio.sleep(0)  # the close frame goes out from its own task
    await viewer.channel.leave()
    assert viewer.channel.outbox.closed
    assert {"type": "websocket.close", "code": 4404, "reason": "This video was deleted"} in viewer.sent
