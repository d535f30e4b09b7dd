"""A viewer's feed: the join's replay read in pages, and live changes that arrive meanwhile."""

import asyncio
from datetime import UTC, datetime
from itertools import pairwise

from app import multimedia
from app.live import fragments
from app.live.wire import ANNOTATION, CLOSE, DELETED, VIDEO_DELETED, Broadcast, Close
from tests.factories import make_user, make_video
from tests.live.recorder import (
    LIST_ANNOTATIONS,
    LIST_PAGE,
    PAGE,
    Recorder,
    during_first_query,
    frames_sent_at_each_page_read,
)
from tests.live.test_socket import annotation_ids


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
