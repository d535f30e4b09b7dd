"""Catch-up after a pub/sub outage: each viewer gets what it missed from the database, once."""

import asyncio
from datetime import UTC, datetime

from app import multimedia
from app.live import fragments
from app.live.transport.outbox import Outbox
from tests.factories import make_user, make_video
from tests.live.recorder import BACKLOG, LIST_ANNOTATIONS, PAGE, Recorder, during_first_query
from tests.live.test_socket import annotation_ids


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
