"""Replies, edits and ranges over the socket against a real server: every viewer sees each change
live and in place, each refusal reaches its sender alone, and a rejoin from the page's cursor
brings each item once in its latest state."""

import re

import pytest
from websockets.asyncio.client import connect

from app import multimedia
from app.live import fragments
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.live.test_socket import annotation_ids, cursor_after
from tests.server import AppServer

REPLY_IDS = re.compile(r'<li id="reply-(\d+)"')


async def frames_with_all(viewer, *needles: str) -> str:
    """The frames, joined, up to the one that completes the needles (they may come in any order:
    the answer to a sender overtakes the broadcast of their change)."""
    seen = ""
    while not all(needle in seen for needle in needles):
        seen += await viewer.frame()
    return seen


def swap(target: str, how: str) -> str:
    """The opening of a partial that swaps `target` the `how` way."""
    return f'<hx-partial hx-target="{target}" hx-swap="{how}">'


async def test_a_reply_reaches_every_viewer_inside_its_thread_with_the_new_count(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Look at the light", at=7000)
    author, replier, guest = await join(video, alice), await join(video, bob), await join(video)
    for viewer in (author, guest):
        await viewer.joined()
    await replier.reply(parent.id, "<b>Golden</b> hour")
    closed_form = swap(f"#annotation-{parent.id} > .reply-slot", "innerHTML")
    assert closed_form in await frames_with_all(replier, "hour", closed_form)
    for viewer in (author, guest):
        frame = (await viewer.frames_until("hour"))[-1]
        assert swap(f"#annotation-{parent.id} > .thread > .replies", "beforeend") in frame
        assert f'data-parent-id="{parent.id}"' in frame and "&lt;b&gt;Golden&lt;/b&gt; hour" in frame
        count = swap(f"#annotation-{parent.id} > .thread > summary", "innerHTML")
        assert count + "1 reply</hx-partial>" in frame
    [thread] = await multimedia.list_annotations(video.id)
    assert [(r.body, r.username) for r in thread.replies] == [("<b>Golden</b> hour", bob.username)]


async def test_a_reply_to_a_reply_joins_the_same_thread(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    first = await multimedia.reply_to_annotation(bob, parent.id, "First")
    viewer = await join(video, alice)
    await viewer.joined()
    await viewer.reply(first.id, "Second")
    frame = (await viewer.frames_until("Second"))[-1]
    assert swap(f"#annotation-{parent.id} > .thread > .replies", "beforeend") in frame
    assert "2 replies" in frame


async def test_the_author_edits_and_every_viewer_sees_the_new_text_in_place_marked_edited(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Teh end", at=3000)
    reply = await multimedia.reply_to_annotation(bob, parent.id, "Typo!")
    author, other = await join(video, alice), await join(video, bob)
    await other.joined()
    await author.edit(parent.id, "The end")
    closed_form = swap(f"#annotation-{parent.id} > .note > .edit-slot", "innerHTML")
    await frames_with_all(author, "The end", closed_form)
    for viewer in (other,):
        frame = (await viewer.frames_until("The end"))[-1]
        assert frame.startswith(swap(f"#annotation-{parent.id}", "outerMorph"))
        assert 'data-edited="' in frame and 'data-at="3000"' in frame
        assert f'id="reply-{reply.id}"' in frame  # the thread stays whole
    await other.edit(reply.id, "Typo! Fixed now.")
    frame = (await author.frames_until("Fixed now."))[-1]
    assert frame.startswith(swap(f"#reply-{reply.id}", "outerMorph")) and 'data-edited="' in frame


async def test_a_ranged_annotation_carries_its_end_and_its_span(join):
    alice = await make_user()
    video = await make_video(alice)
    viewer = await join(video, alice)
    await viewer.joined()
    await viewer.post("The chase", at=12_000, until="20000")
    frame = (await viewer.frames_until("The chase"))[-1]
    assert 'data-at="12000" data-until="20000"' in frame and "0:12–0:20" in frame
    [stored] = await multimedia.list_annotations(video.id)
    assert (stored.at, stored.until) == (12_000, 20_000)


@pytest.mark.parametrize(("send", "message"), [
    (lambda v, ids: v.post("Backwards", at=5000, until="5000"),
     "The end of the stretch must come after its start."),
    (lambda v, ids: v.post("Too long", at=5000, until="86400001"),
     "The end of the stretch is not a valid time in the video."),
    (lambda v, ids: v.reply(ids["parent"], ""), "Write something first."),
    (lambda v, ids: v.reply(ids["parent"], "x" * 501), "Keep it under 500 characters"),
    (lambda v, ids: v.reply(999_999_999, "To nothing"), "That annotation is gone"),
    (lambda v, ids: v.reply("nonsense", "To nothing"), "That annotation is gone"),
    (lambda v, ids: v.edit(ids["parent"], " "), "Write something first."),
    (lambda v, ids: v.edit(ids["parent"], "x" * 501), "Keep it under 500 characters"),
    (lambda v, ids: v.edit(ids["others"], "Rewritten"), "Only its author can edit an annotation."),
    (lambda v, ids: v.edit(999_999_999, "Nothing"), "That annotation does not exist"),
    (lambda v, ids: v.delete(ids["others_reply"]), "Only its author, the video&#39;s owner or a moderator"),
], ids=["until not after at", "until out of bounds", "empty reply", "long reply",
        "reply to unknown", "reply to garbage", "empty edit", "long edit", "edit of another's",
        "edit of unknown", "delete of another's reply"])
async def test_each_bad_change_is_explained_to_its_sender_only_and_nothing_changes(
        join, send, message):
    owner, alice, bob = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    parent = await make_annotation(alice, video, "Mine")
    others = await make_annotation(bob, video, "Bob's")
    others_reply = await multimedia.reply_to_annotation(bob, others.id, "Bob's reply")
    sender, watcher = await join(video, alice), await join(video)
    await watcher.replay()
    await sender.replay()
    before = await multimedia.list_annotations(video.id)
    await send(sender, {"parent": parent.id, "others": others.id, "others_reply": others_reply.id})
    error = await sender.frame()
    assert swap("#live-error", "innerHTML") in error and message in error
    await sender.post("Still connected", at=1)
    assert await watcher.frames_before("Still connected") == []  # nobody else heard of it
    after = await multimedia.list_annotations(video.id)
    assert [(t.id, t.body, t.replies) for t in after if t.body != "Still connected"] == [
        (t.id, t.body, t.replies) for t in before]


async def test_the_videos_owner_may_not_rewrite_anyones_words(join):
    owner, alice = await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(alice, video, "My words")
    viewer = await join(video, owner)
    await viewer.replay()
    await viewer.edit(annotation.id, "Better words")
    assert "Only its author can edit an annotation." in await viewer.frame()
    assert (await multimedia.list_annotations(video.id))[0].body == "My words"


@pytest.mark.parametrize("event", ["reply", "edit"])
async def test_anonymous_viewers_cannot_reply_or_edit(join, event):
    alice = await make_user()
    video = await make_video(alice)
    annotation = await make_annotation(alice, video)
    guest = await join(video)
    await guest.replay()
    await getattr(guest, event)(annotation.id, "Hi")
    assert ("Sign in to reply." if event == "reply" else "Sign in to edit annotations.") in (
        await guest.frame())


async def test_a_deleted_reply_leaves_and_a_deleted_annotation_keeps_its_replies(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Question?")
    kept = await multimedia.reply_to_annotation(bob, parent.id, "An answer")
    dropped = await multimedia.reply_to_annotation(bob, parent.id, "A mistake")
    owner, watcher = await join(video, alice), await join(video, bob)
    await watcher.joined()
    await owner.delete(dropped.id)
    frame = (await watcher.frames_until(f"#reply-{dropped.id}"))[-1]
    assert swap(f"#reply-{dropped.id}", "delete") in frame and "1 reply" in frame
    await owner.delete(parent.id)
    frame = (await watcher.frames_until("This annotation was deleted."))[-1]
    assert frame.startswith(swap(f"#annotation-{parent.id}", "outerMorph"))
    assert "Question?" not in frame and REPLY_IDS.findall(frame) == [str(kept.id)]
    await watcher.delete(kept.id)  # the last reply of a deleted annotation: the thread goes
    frame = (await owner.frames_until(swap(f"#annotation-{parent.id}", "delete")))[-1]
    assert f"#reply-{kept.id}" not in frame  # it leaves with its thread


async def test_replies_share_the_posting_rate_limit():
    limited = AppServer({"ANNOTATION_BURST": "2", "ANNOTATION_PER_SECOND": "0"}).start()
    try:
        alice = await make_user()
        video = await make_video(alice)
        parent = await make_annotation(alice, video)
        socket = await connect(f"{limited.ws_url}/live/videos/{video.id}?token={token_for(alice)}",
                               additional_headers={"Origin": limited.url})
        viewer = Viewer(socket)
        try:
            await viewer.replay()
            await viewer.post("One", at=1)
            await viewer.reply(parent.id, "Two")
            await viewer.frames_until("Two")
            await viewer.reply(parent.id, "Three")
            frames = await viewer.frames_until("too fast")
            assert "Three" not in "".join(frames)
        finally:
            await viewer.close()
    finally:
        limited.stop()


async def test_a_page_away_during_edits_and_replies_gets_each_item_once_in_its_latest_state(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Draft one", at=1000)
    untouched = await make_annotation(bob, video, "Untouched", at=2000)
    page = await join(video)
    cursor = cursor_after(await page.replay())
    await page.close()
    # While the page is away: edits, a reply, an edit of the reply, and a new annotation.
    await multimedia.edit_annotation(alice, parent.id, "Draft two")
    reply = await multimedia.reply_to_annotation(bob, parent.id, "Reply one")
    await multimedia.edit_annotation(bob, reply.id, "Reply two")
    await multimedia.edit_annotation(alice, parent.id, "Final")
    newer = await make_annotation(bob, video, "Newer", at=500)

    back = await join(video, cursor=cursor)
    [frame] = await back.replay()
    assert frame.count(swap(f"#annotation-{parent.id}", "outerMorph")) == 1
    assert "Final" in frame and "Reply two" in frame
    assert not any(old in frame for old in ("Draft one", "Draft two", "Reply one"))
    assert frame.count(f'id="reply-{reply.id}"') == 1  # with its thread, not again on its own
    assert f'id="annotation-{untouched.id}"' not in frame
    assert annotation_ids([frame]).count(newer.id) == 1
    assert cursor_after([frame]) == await multimedia.current_change_seq(video.id)
    again = await join(video, cursor=cursor_after([frame]))
    assert await again.replay() == []  # nothing twice
    assert fragments.cursor(0) not in frame
