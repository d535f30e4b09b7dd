"""The channel's join, in process: live posts that arrive while the replay is being read."""

from dataclasses import replace
from datetime import UTC, datetime

from app import multimedia
from app.live import fragments
from app.live.channel import VideoChannel
from app.live.outbox import Outbox
from app.live.service import LiveService
from app.live.topics import Message
from app.settings import Settings
from tests.factories import make_user, make_video
from tests.live.test_socket import annotation_ids


async def test_posts_that_overflow_the_backlog_during_a_slow_query_are_read_back(monkeypatch):
    live = LiveService(replace(Settings.from_env(), live_backlog=3))
    await live.start()
    alice = await make_user()
    video = await make_video(alice)
    for index in range(2):
        await multimedia.annotate_video(alice, video.id, f"old {index}", index)
    sent = []

    async def send(event):
        sent.append(event)
    channel = VideoChannel(live, video.id, None, Outbox(send, live.settings.live_backlog))
    list_annotations, queries = multimedia.list_annotations, []

    async def slow_query(video_id, since=0):
        views = await list_annotations(video_id, since)
        if not queries:  # six posts are stored and broadcast while the first query runs
            for index in range(6):
                view = await multimedia.annotate_video(alice, video.id, f"new {index}", 100 + index)
                channel.receive(channel.topic, Message("annotation", view.id,
                                                       fragments.annotations([view])))
        queries.append(since)
        return views
    monkeypatch.setattr(multimedia, "list_annotations", slow_query)
    try:
        await channel.join(0)
    finally:
        await channel.leave()
        await live.stop()

    ids = annotation_ids([event["text"] for event in sent if event["type"] == "websocket.send"])
    assert sorted(ids) == [view.id for view in await list_annotations(video.id)]  # each once
    assert len(queries) == 2  # the six did not fit the backlog of 3: read back from the database
    assert not channel.outbox.closed and all(event["type"] != "websocket.close" for event in sent)


async def test_a_deletion_that_overflows_the_backlog_during_a_slow_query_is_read_back(monkeypatch):
    live = LiveService(replace(Settings.from_env(), live_backlog=3))
    await live.start()
    alice = await make_user()
    video = await make_video(alice)
    held = await multimedia.annotate_video(alice, video.id, "held", 0)
    sent = []

    async def send(event):
        sent.append(event)
    channel = VideoChannel(live, video.id, None, Outbox(send, live.settings.live_backlog))
    list_annotations, queries = multimedia.list_annotations, []

    async def slow_query(video_id, since=0):
        views = await list_annotations(video_id, since)
        if not queries:  # the held one is deleted, then five posts, all while the query runs
            await multimedia.delete_annotation(alice, held.id)
            channel.receive(channel.topic, Message("deleted", held.id, fragments.removals([held.id])))
            for index in range(5):
                view = await multimedia.annotate_video(alice, video.id, f"new {index}", 100 + index)
                channel.receive(channel.topic, Message("annotation", view.id,
                                                       fragments.annotations([view])))
        queries.append(since)
        return views
    monkeypatch.setattr(multimedia, "list_annotations", slow_query)
    try:
        await channel.join(held.id, since=datetime.now(UTC))  # the page was read just now
    finally:
        await channel.leave()
        await live.stop()

    texts = [event["text"] for event in sent if event["type"] == "websocket.send"]
    assert len(queries) == 2  # the backlog of 3 overflowed: everything was read back
    assert fragments.removals([held.id]) in texts
    assert sorted(annotation_ids(texts)) == [view.id for view in await list_annotations(video.id)]


async def test_deletions_lost_in_a_pub_sub_outage_reach_viewers_when_it_is_back():
    live = LiveService(Settings.from_env())
    await live.start()
    alice = await make_user()
    video = await make_video(alice)
    first, second = [await multimedia.annotate_video(alice, video.id, body, 0) for body in "ab"]
    sent = []

    async def send(event):
        sent.append(event)
    channel = VideoChannel(live, video.id, None, Outbox(send, live.settings.live_backlog))
    try:
        await channel.join(0, since=datetime.now(UTC))
        await multimedia.delete_annotation(alice, second.id)  # its broadcast is lost: never sent
        sent.clear()
        await live.resync()
    finally:
        await channel.leave()
        await live.stop()
    assert [event["text"] for event in sent] == [fragments.removals([second.id])]
