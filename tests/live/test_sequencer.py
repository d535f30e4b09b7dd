"""The node's sequencer: each video's changes reach its viewers in order and once, and what a
pub/sub outage or an early arrival leaves out is read from the database."""

import asyncio

from app import multimedia
from app.live.channel import change_broadcast
from app.live.transport.outbox import Outbox
from app.live.wire import video_topic
from tests.factories import make_user, make_video
from tests.live.recorder import (
    BACKLOG,
    LIST_ANNOTATIONS,
    LIST_PAGE,
    PAGE,
    Recorder,
    during_first_query,
)
from tests.live.test_socket import annotation_ids


async def test_a_change_that_arrives_before_the_one_it_follows_is_delivered_after_it_once(live):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    # Stored in one order, published in the other: two nodes' publishes can overtake.
    first = await multimedia.annotate_video(alice, video.id, "first", 10)
    second = await multimedia.annotate_video(bob, video.id, "second", 20)
    for view in (second, first, second):  # and a late repeat
        live.sequencer.deliver(viewer.channel.topic, change_broadcast(view))
    await live.sequencer.quiet()
    await viewer.channel.leave()
    assert sorted(annotation_ids(viewer.texts())) == [first.id, second.id]
    assert viewer.channel.feed.replayed_to == second.seq


async def test_changes_in_order_go_straight_through_without_reading_the_database(live, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    reads = []

    async def counted(*args):
        reads.append(args)
        return await LIST_PAGE(*args)
    monkeypatch.setattr(multimedia, "list_change_page", counted)
    posted = [await multimedia.annotate_video(alice, video.id, f"n{i}", i) for i in range(3)]
    for view in posted:
        live.sequencer.deliver(viewer.channel.topic, change_broadcast(view))
    await viewer.channel.leave()
    assert annotation_ids(viewer.texts()) == [view.id for view in posted]
    assert reads == []


async def test_a_deletion_and_an_edit_lost_in_a_pub_sub_outage_reach_viewers_when_it_is_back(live):
    alice = await make_user()
    video = await make_video(alice)
    edited, gone = [await multimedia.annotate_video(alice, video.id, body, 0) for body in "ab"]
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    await multimedia.delete_annotation(alice, gone.id)  # their broadcasts are lost: never sent
    await multimedia.edit_annotation(alice, edited.id, "a, edited")
    viewer.sent.clear()
    await live.resync()
    await live.sequencer.quiet()
    await viewer.channel.leave()
    [frame] = viewer.texts()
    assert f'hx-target="#annotation-{gone.id}" hx-swap="delete"' in frame
    assert f'hx-target="#annotation-{edited.id}" hx-swap="outerMorph"' in frame
    assert "a, edited" in frame


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
    await live.sequencer.quiet()
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
    await paged_live.resync()
    await asyncio.wait_for(paged_live.sequencer.quiet(), 5)
    assert sorted(annotation_ids(ready.texts())) == [view.id for view in missed]
    assert stalled.channel.outbox.closed  # past its backlog: it rejoins from its cursor
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
    await live.sequencer.quiet()
    await viewer.channel.leave()
    ids = annotation_ids(viewer.texts())
    assert sorted(ids) == [v.id for v in await LIST_ANNOTATIONS(video.id)]
    assert len(ids) == len(set(ids))


async def test_a_topic_nobody_watches_here_any_more_is_forgotten(live):
    alice = await make_user()
    video = await make_video(alice)
    viewer = Recorder(live, video)
    await viewer.channel.join(0)
    await viewer.channel.leave()
    later = await multimedia.annotate_video(alice, video.id, "nobody hears", 0)
    live.sequencer.deliver(video_topic(video.id), change_broadcast(later))  # no member, no read
    await live.sequencer.quiet()
    assert viewer.texts() == []
