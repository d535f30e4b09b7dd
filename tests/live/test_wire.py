"""The wire vocabulary: broadcasts survive the trip between nodes, and each name is made once."""

import pytest

from app.live.wire import (
    CHANGE,
    CLOSE,
    PRESENCE_CHANGED,
    VIDEO_DELETED,
    Broadcast,
    partial,
    presence_topic,
    topic_of_presence,
    video_of_topic,
    video_topic,
)


@pytest.mark.parametrize("broadcast", [
    Broadcast(CHANGE, '<li id="annotation-7">two\nlines</li>', 6, 9),
    Broadcast(CLOSE, close=VIDEO_DELETED),
    Broadcast(PRESENCE_CHANGED),
], ids=["change", "close", "presence changed"])
def test_a_broadcast_decodes_to_what_was_encoded(broadcast):
    assert Broadcast.decode(broadcast.encode()) == broadcast


def test_the_frame_and_event_carry_the_html_and_are_made_once():
    broadcast = Broadcast.decode(Broadcast(CHANGE, "<li>é</li>", 2, 3).encode())
    assert broadcast.event == {"type": "websocket.send", "text": "<li>é</li>"}
    assert broadcast.frame == b"\x81\x0b" + "<li>é</li>".encode()
    assert broadcast.frame is broadcast.frame and broadcast.event is broadcast.event


@pytest.mark.parametrize(("topic", "video_id"), [
    (video_topic(12), 12), ("users:12", None), (presence_topic(video_topic(12)), None)])
def test_only_a_video_topic_names_a_video(topic, video_id):
    assert video_of_topic(topic) == video_id


def test_a_topics_presence_topic_leads_back_to_it():
    assert topic_of_presence(presence_topic(video_topic(12))) == "videos:12"


def test_a_partial_names_its_target_and_swap():
    assert partial("#live-error", "innerHTML", "<p>x</p>") == (
        '<hx-partial hx-target="#live-error" hx-swap="innerHTML"><p>x</p></hx-partial>')
