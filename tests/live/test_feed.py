"""A viewer's feed: the join's replay read in pages, and live changes that arrive meanwhile."""

import asyncio
from itertools import pairwise

from app import multimedia
from app.live import fragments
from app.live.wire import CHANGE, CLOSE, VIDEO_DELETED, Broadcast, Close
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


async def test_a_replay_longer_than_a_page_is_sent_page_by_page_in_change_order_each_by_time(
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
    assert viewer.texts()[-1].endswith(fragments.cursor(posted[-1].seq))
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

    async def query_then_close(video_id, after, limit):
        reads.append(after)
        viewer.channel.outbox.close(Close(1001, "Going away"))
        return await LIST_PAGE(video_id, after, limit)
    monkeypatch.setattr(multimedia, "list_change_page", query_then_close)
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
        viewer.hear(await multimedia.delete_annotation(alice, held.id))
        for index in range(5):
            await viewer.post(alice, video, f"new {index}", 100 + index)
    queries = during_first_query(monkeypatch, delete_then_five_posts)
    await viewer.channel.join(held.seq)  # the page holds `held`
    await viewer.channel.leave()

    assert len(queries) == 2  # the backlog of 3 overflowed: everything was read back
    removal = f'<hx-partial hx-target="#annotation-{held.id}" hx-swap="delete"></hx-partial>'
    assert sum(text.count(removal) for text in viewer.texts()) == 1
    assert sorted(annotation_ids(viewer.texts())) == [v.id for v in await LIST_ANNOTATIONS(video.id)]


async def test_changes_the_replay_already_holds_are_dropped_and_later_ones_pushed_in_order(live):
    alice = await make_user()
    video = await make_video(alice)
    first = await multimedia.annotate_video(alice, video.id, "first", 0)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    viewer.hear(first)  # a late broadcast of a change the replay sent: a repeat
    second = await multimedia.annotate_video(alice, video.id, "second", 10)
    viewer.hear(second)
    await viewer.channel.leave()
    assert annotation_ids(viewer.texts()) == [first.id, second.id]
    assert viewer.channel.feed.replayed_to == second.seq


async def test_an_edit_made_while_away_is_replayed_once_in_place_with_the_latest_text(live):
    alice = await make_user()
    video = await make_video(alice)
    held = await multimedia.annotate_video(alice, video.id, "Frist", 0)
    await multimedia.edit_annotation(alice, held.id, "First?")
    latest = await multimedia.edit_annotation(alice, held.id, "First")
    viewer = Recorder(live, video)
    await viewer.channel.join(held.seq)  # the page shows the original text
    await viewer.channel.leave()
    [frame] = viewer.texts()
    assert frame.count(f'hx-target="#annotation-{held.id}" hx-swap="outerMorph"') == 1
    assert "First</span>" in frame and "Frist" not in frame and "First?" not in frame
    assert frame.endswith(fragments.cursor(latest.seq))


async def test_a_catch_up_page_overlapping_what_the_replay_sent_closes_the_socket_to_rejoin(live):
    alice = await make_user()
    video = await make_video(alice)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    first = await multimedia.annotate_video(alice, video.id, "first", 0)
    viewer.hear(first)
    # Changes 0..2 read from the database as one page, while this viewer holds change 1.
    viewer.channel.feed.receive(viewer.channel.topic, Broadcast(CHANGE, "page", 0, first.seq + 1))
    await asyncio.sleep(0)  # the close frame goes out from its own task
    await viewer.channel.leave()
    assert viewer.channel.outbox.closed
    assert "page" not in viewer.texts()


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
