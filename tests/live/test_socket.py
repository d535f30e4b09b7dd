"""The video socket against a real server: broadcast, replay, validation and refusals."""

import asyncio
import json
import re

import pytest
from litestar.exceptions import WebSocketDisconnect
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import accounts, multimedia
from app.live import live_video_id
from app.live.channel import VideoChannel
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import token_for
from tests.server import AppServer

ANNOTATION_IDS = re.compile(r'id="annotation-(\d+)"')


CURSORS = re.compile(r'<span id="live-cursor" data-seq="(\d+)" hidden>')


def annotation_ids(frames: list[str]) -> list[int]:
    """The annotation ids in the frames, in the order they arrived."""
    return [int(found) for frame in frames for found in ANNOTATION_IDS.findall(frame)]


def cursor_after(frames: list[str]) -> int:
    """The cursor a page holds after these frames: the last one they set (0 if none)."""
    found = [int(seq) for frame in frames for seq in CURSORS.findall(frame)]
    return found[-1] if found else 0


async def test_a_post_reaches_three_viewers_including_the_sender(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    sender, other, anonymous = await join(video, alice), await join(video, bob), await join(video)
    for viewer in (other, anonymous):
        await viewer.joined()
    await sender.post("First!", at=4200)
    for viewer in (sender, other, anonymous):
        frames = await viewer.frames_until("First!")
        assert 'data-at="4200"' in frames[-1]
        assert f'<span class="author">{alice.username}</span>' in frames[-1]
    stored = await multimedia.list_annotations(video.id)
    assert [(a.body, a.at) for a in stored] == [("First!", 4200)]


async def test_the_sender_gets_a_cleared_form_and_others_do_not(join):
    alice = await make_user()
    video = await make_video(alice)
    sender, other = await join(video, alice), await join(video)
    await other.joined()
    await sender.post("Hello", at=10)
    frames = await sender.frames_until("annotation-body")
    assert 'hx-target="#annotation-body"' in frames[-1]
    assert all("annotation-body" not in frame for frame in await other.frames_until("Hello"))


async def test_bodies_and_usernames_are_escaped(join):
    alice = await make_user()
    video = await make_video(alice)
    viewer = await join(video, alice)
    await viewer.post('<script>alert(1)</script><img src=x onerror="alert(2)">', at=0)
    frame = (await viewer.frames_until("alert(1)"))[-1]
    assert "<script>" not in frame and "<img" not in frame
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in frame


async def test_join_replays_annotations_ordered_by_time_then_id(join):
    alice = await make_user()
    video = await make_video(alice)
    late = await make_annotation(alice, video, "late", at=9000)
    early = await make_annotation(alice, video, "early", at=1000)
    tie = await make_annotation(alice, video, "tie", at=1000)
    viewer = await join(video)
    assert annotation_ids([await viewer.frame()]) == [early.id, tie.id, late.id]


async def test_the_cursor_replays_only_newer_changes_and_says_where_the_page_now_is(join):
    alice = await make_user()
    video = await make_video(alice)
    seen = await make_annotation(alice, video, "seen", at=5000)
    newer = await make_annotation(alice, video, "newer", at=100)
    viewer = await join(video, cursor=seen.seq)
    replay = await viewer.replay()
    assert len(replay) == 1 and annotation_ids(replay) == [newer.id]
    assert replay[0].endswith(f'<span id="live-cursor" data-seq="{newer.seq}" hidden></span></hx-partial>')


@pytest.mark.parametrize("garbage", ["abc", "-3", "%C2%B2", "1e3", "9" * 19])
async def test_an_unusable_cursor_replays_everything(join, garbage):
    alice = await make_user()
    video = await make_video(alice)
    first = await make_annotation(alice, video, "first", at=100)
    viewer = await join(video, alice, cursor=garbage)  # "%C2%B2" is "²": a digit, not a decimal
    assert annotation_ids([await viewer.frame()]) == [first.id]
    await viewer.post("still works")
    assert "still works" in "".join(await viewer.frames_until("still works"))


async def test_a_large_history_arrives_in_batches_in_order(join):
    alice = await make_user()
    video = await make_video(alice)
    for index in range(450):
        await make_annotation(alice, video, f"n{index}", at=index)
    viewer = await join(video)
    frames = await viewer.replay()
    ids = annotation_ids(frames)
    assert len(frames) == 3 and len(ids) == 450 and ids == sorted(ids)


BAD_POSTS = [
    ("empty body", {"body": ""}, "Write something first."),
    ("whitespace body", {"body": "   \n\t "}, "Write something first."),
    ("too long", {"body": "x" * 501}, "Keep it under 500 characters"),
    ("negative at", {"at": "-1"}, "The time in the video is not valid."),
    ("at past a day", {"at": "86400001"}, "The time in the video is not valid."),
    ("at not a number", {"at": "soon"}, "The time in the video is not valid."),
]


@pytest.mark.parametrize(("case", "fields", "message"), BAD_POSTS, ids=[c[0] for c in BAD_POSTS])
async def test_bad_posts_are_explained_to_the_sender_only_and_the_socket_stays_open(
        join, case, fields, message):
    alice = await make_user()
    video = await make_video(alice)
    sender, other = await join(video, alice), await join(video)
    await other.joined()  # it would hear a broadcast
    await sender.post(**{"body": "ok", "at": 1, **fields})
    error = await sender.frame()
    assert 'hx-target="#live-error"' in error and message in error
    assert await multimedia.list_annotations(video.id) == []
    await sender.post("Still here", at=2)
    assert "Still here" in (await sender.frames_until("Still here"))[-1]
    assert await other.frames_before("Still here") == []  # the bad post reached nobody else


@pytest.mark.parametrize(("frame", "message"), [
    ("{not json", "could not be read"),
    (json.dumps({"event": "new_annotation", "body": "x" * 17_000, "at": "1"}), "too large"),
    (json.dumps({"event": "delete_everything", "headers": {}}), "Unknown event"),
    (json.dumps(["new_annotation"]), "Unknown event"),
], ids=["malformed json", "frame over 16 KiB", "unknown event", "not an object"])
async def test_unreadable_frames_get_an_error_and_the_socket_stays_open(join, frame, message):
    alice = await make_user()
    video = await make_video(alice)
    sender = await join(video, alice)
    await sender.socket.send(frame)
    assert message in await sender.frame()
    await sender.post("After the bad frame", at=3)
    assert "After the bad frame" in (await sender.frames_until("After the bad frame"))[-1]


async def test_anonymous_viewers_cannot_post(join):
    alice = await make_user()
    video = await make_video(alice)
    anonymous = await join(video)
    await anonymous.post("Sneaky", at=1)
    assert "Sign in to post" in await anonymous.frame()
    assert await multimedia.list_annotations(video.id) == []


async def test_extra_fields_are_never_forwarded(join):
    alice = await make_user()
    video = await make_video(alice)
    sender, other = await join(video, alice), await join(video)
    await other.joined()
    await sender.post("Plain", at=1, user_id=2_000_000_001, html="<b>injected</b>")
    frame = (await other.frames_until("Plain"))[-1]
    # A value no id of this run reaches: an id like 12999 must not look like a forwarded field.
    assert "injected" not in frame and "2000000001" not in frame
    assert f'data-user-id="{alice.id}"' in frame


@pytest.mark.parametrize(("how", "code"), [
    ("bad token", 4401), ("foreign origin", 4403), ("unknown video", 4404)])
async def test_refused_sockets_are_closed_with_a_clear_code_and_no_data(server, how, code):
    alice = await make_user()
    video = await make_video(alice)
    path = f"/live/videos/{video.id}"
    headers = {"Origin": server.url}
    if how == "bad token":
        path += "?token=WzEsMV0.forged.signature"
    elif how == "foreign origin":
        headers = {"Origin": "https://evil.example"}
    else:
        path = "/live/videos/999999"
    async with connect(server.ws_url + path, additional_headers=headers) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd.code == code
    assert closed.value.rcvd.reason


async def test_a_token_from_before_sign_out_is_refused(join, server):
    alice = await make_user()
    video = await make_video(alice)
    old_token = token_for(alice)
    await accounts.sign_out_everywhere(alice)
    async with connect(f"{server.ws_url}/live/videos/{video.id}?token={old_token}") as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd.code == 4401


async def test_an_exception_in_one_handler_is_logged_and_leaves_other_sockets_working(join, server):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    broken, healthy = await join(video, alice), await join(video, bob)
    # Every input the database cannot take is refused before it gets there, so the database
    # itself refuses this one body (a trigger in the test database the server shares).
    trigger = f"refuse_{video.id}"
    await multimedia.Annotation.raw(
        f"CREATE TRIGGER {trigger} BEFORE INSERT ON annotations WHEN NEW.body = 'refused {video.id}' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    try:
        await broken.post(f"refused {video.id}", at=1)
        assert "could not be saved" in await broken.frame()
    finally:
        await multimedia.Annotation.raw(f"DROP TRIGGER {trigger}")
    await healthy.post("Unaffected", at=5)
    assert "Unaffected" in (await healthy.frames_until("Unaffected"))[-1]
    assert "Unaffected" in (await broken.frames_until("Unaffected"))[-1]
    assert f"video {video.id}, user {alice.id}" in server.log()


async def test_posting_is_rate_limited_per_user_across_tabs(tmp_root):
    # A bucket that never refills: the sixth post is refused however long the five took.
    limited = AppServer({"ANNOTATION_BURST": "5", "ANNOTATION_PER_SECOND": "0"})
    try:
        limited.start()
        alice = await make_user()
        video = await make_video(alice)
        url = f"{limited.ws_url}/live/videos/{video.id}?token={token_for(alice)}"
        async with connect(url) as tab_one, connect(url) as tab_two, asyncio.timeout(20):
            for index in range(6):
                tab = tab_one if index % 2 else tab_two
                await tab.send(json.dumps({"event": "new_annotation", "body": f"p{index}",
                                           "at": "1", "headers": {}}))
            replies = []  # each post gets exactly one reply in its sender's error slot
            for tab in (tab_one, tab_two):
                while sum("#live-error" in text for sender, text in replies if sender is tab) < 3:
                    replies.append((tab, await tab.recv()))
        assert sum("too fast" in frame for _, frame in replies) == 1
        assert len(await multimedia.list_annotations(video.id)) == 5
    finally:
        limited.stop()


@pytest.mark.parametrize(("scope", "video_id"), [
    ({"type": "websocket", "path": "/live/videos/12"}, 12),
    ({"type": "websocket", "path": "/live/videos/12/"}, 12),
    # No possible id: the live layer refuses it (4404) rather than the router.
    ({"type": "websocket", "path": "/live/videos/abc"}, 0),
    ({"type": "websocket", "path": "/live/videos/-1"}, 0),
    ({"type": "websocket", "path": "/live/videos/" + "9" * 30}, 0),
    ({"type": "websocket", "path": "/live/videos/\u0663"}, 0),  # an Arabic-Indic 3 is not an id
    ({"type": "websocket", "path": "/live/videos/12/extra"}, None),
    ({"type": "http", "path": "/live/videos/12"}, None),
])
def test_only_a_video_socket_goes_straight_to_the_live_layer(scope, video_id):
    assert live_video_id(scope) == video_id


async def test_a_socket_whose_join_fails_is_closed_with_1011_and_the_app_carries_on(
        client, monkeypatch, caplog):
    alice = await make_user()
    video = await make_video(alice)
    await make_annotation(alice, video, body="Still here")

    async def broken_join(self, cursor):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(VideoChannel, "join", broken_join)
        with (client.websocket_connect(f"/live/videos/{video.id}") as socket,
              pytest.raises(WebSocketDisconnect) as closed):
            socket.receive_text()
    assert closed.value.code == 1011
    assert "live socket failed" in caplog.text
    with client.websocket_connect(f"/live/videos/{video.id}") as socket:
        assert "Still here" in socket.receive_text()


async def test_a_sign_out_between_connect_and_join_still_closes_the_socket(client, monkeypatch):
    alice = await make_user()
    video = await make_video(alice)
    join = VideoChannel.join

    async def join_after_a_missed_sign_out(self, cursor):
        # Signed out elsewhere after the token was checked; its broadcast went out before this
        # channel subscribed to alice's topic, so only the database knows.
        await accounts.sign_out_everywhere(self.user)
        await join(self, cursor)

    monkeypatch.setattr(VideoChannel, "join", join_after_a_missed_sign_out)
    with (client.websocket_connect(f"/live/videos/{video.id}?token={token_for(alice)}") as socket,
          pytest.raises(WebSocketDisconnect) as closed):
        socket.receive(timeout=5)  # without the close, this times out
    assert closed.value.code == 4001


async def test_a_page_from_before_change_numbers_is_asked_to_reload(join):
    alice = await make_user()
    video = await make_video(alice)
    old_page = await join(video, query=[("last_seen_id", "5"), ("since", "1764700000000")])
    assert "Videologue was updated — reload the page" in await old_page.frame()
    with pytest.raises(ConnectionClosed) as closed:
        await old_page.frame()
    assert closed.value.rcvd.code == 4409


async def test_posting_to_a_video_deleted_meanwhile_is_explained_and_the_socket_stays(join, server):
    alice = await make_user()
    video = await make_video(alice)
    viewer = await join(video, alice)
    await viewer.panel_showing(alice.username)  # joined: presence follows the replay
    await multimedia.delete_video(alice, video.id)
    await viewer.post("Too late", at=5)
    assert "This video has been deleted" in await viewer.frame()
    await viewer.post("", at=5)  # still connected: the next frame is answered too
    assert "Write something first." in await viewer.frame()


@pytest.mark.parametrize("event", ["post", "reply", "edit", "delete"])
async def test_a_write_after_a_missed_sign_out_is_refused_and_closes_the_socket(join, event):
    alice = await make_user()
    video = await make_video(alice)
    annotation = await make_annotation(alice, video, body="Before")
    viewer = await join(video, alice)
    await viewer.panel_showing(alice.username)  # joined: its user topic is subscribed
    # Signed out in the database only: the broadcast that closes her sockets never comes, as
    # when it is lost in a pub/sub reconnect.
    await accounts.sign_out_everywhere(alice)
    cursor = await multimedia.current_change_seq(video.id)
    write = {"post": lambda: viewer.post("After", at=5),
             "reply": lambda: viewer.reply(annotation.id, "After"),
             "edit": lambda: viewer.edit(annotation.id, "After"),
             "delete": lambda: viewer.delete(annotation.id)}[event]
    await write()
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await viewer.frame()
    assert closed.value.rcvd.code == 4001
    assert await multimedia.current_change_seq(video.id) == cursor  # nothing was stored
