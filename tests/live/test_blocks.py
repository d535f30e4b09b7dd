"""Blocking over the socket: who may block, the blocked person's pages turning read-only at
once, and every post, reply and reaction of theirs refused to them alone."""

from types import SimpleNamespace

import pytest

from app import multimedia
from app.live import block_changed
from app.live.blocking import SpeakingChanged
from app.live.channel import change_broadcast
from app.live.wire import SPEAKING, Broadcast, video_topic
from app.validation import Blocked
from tests.factories import make_annotation, make_user, make_video
from tests.live.test_access import recorded, text_arrives

BLOCKED_NOTE = 'id="blocked-note"'


async def test_a_moderator_blocks_an_author_whose_page_turns_read_only_and_whose_posts_are_refused(join):
    owner, moderator, troll, bystander = (await make_user(), await make_user(), await make_user(),
                                          await make_user())
    video = await make_video(owner)
    elsewhere = await make_video(await make_user(), title="Someone else's")
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    note = await make_annotation(troll, video, "Spam spam spam")
    trolls, trolls_elsewhere = await join(video, troll), await join(elsewhere, troll)
    moderators, bystanders = await join(video, moderator), await join(video, bystander)
    for viewer in (trolls, trolls_elsewhere, moderators, bystanders):
        await viewer.replay()
    await moderators.send("block", user_id=str(troll.id))
    confirmed = await moderators.frame()
    assert 'hx-target="#live-error"' in confirmed and "can no longer post, reply or react" in confirmed
    pushed = await trolls.frame()
    assert 'hx-target="#annotate-form" hx-swap="outerHTML"' in pushed and BLOCKED_NOTE in pushed
    assert "blocked you from commenting" in pushed
    for attempt in (trolls.post("Again"), trolls.reply(note.id, "Me too"),
                    trolls.send("react", id=str(note.id), emoji="👍")):
        await attempt
        assert Blocked.public_message.replace("'", "&#39;") in await trolls.frame()
    # The barrier: a later post reaches everyone after anything the block could have sent them.
    await moderators.post("Carry on")
    for viewer in (bystanders, trolls):
        frames = await viewer.frames_before("Carry on")
        assert not any(BLOCKED_NOTE in frame or "blocked" in frame for frame in frames)
    await trolls_elsewhere.post("Still welcome here")  # another owner's video: not blocked there
    frames = await trolls_elsewhere.frames_until("Still welcome here")
    assert not any(BLOCKED_NOTE in frame for frame in frames)
    [thread, *_] = await multimedia.list_annotations(video.id)
    assert (thread.body, thread.reply_count, thread.reactions) == ("Spam spam spam", 0, "")
    assert [view.body for view in await multimedia.list_annotations(elsewhere.id)] == ["Still welcome here"]


@pytest.mark.parametrize("role", ["commenter", "viewer"])
async def test_only_moderators_block_and_the_refusal_reaches_the_sender_alone(join, role):
    owner, someone, troll = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, someone.username, role)
    trolls, senders, owners = await join(video, troll), await join(video, someone), await join(video, owner)
    for viewer in (trolls, senders, owners):
        await viewer.replay()
    await senders.send("block", user_id=str(troll.id))
    assert "Only the video&#39;s owner or a moderator can block people." in await senders.frame()
    await owners.post("Barrier")
    assert await trolls.frames_before("Barrier") == []
    assert await multimedia.list_blocked(owner) == []


@pytest.mark.parametrize("target, message", [
    ("owner", "The owner of a video cannot be blocked on it."),
    ("self", "You cannot block yourself."),
    ("nobody", "That person does not exist."),
    ("garbage", "That person does not exist."),
])
async def test_a_block_that_cannot_be_made_is_explained_and_the_socket_stays_up(join, target, message):
    owner, moderator = await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    moderators = await join(video, moderator)
    await moderators.replay()
    user_id = {"owner": str(owner.id), "self": str(moderator.id), "nobody": "999999999",
               "garbage": "<b>"}[target]
    await moderators.send("block", user_id=user_id)
    assert message.replace("'", "&#39;") in await moderators.frame()
    await moderators.post("Still connected")
    assert "Still connected" in (await moderators.frames_until("Still connected"))[-1]
    assert await multimedia.list_blocked(owner) == []


async def test_unblocking_tells_the_persons_open_pages_on_the_owners_videos_only(live):
    owner, other_owner, troll = await make_user(), await make_user(), await make_user()
    video, others = await make_video(owner), await make_video(other_owner)
    change = await multimedia.block_person(owner, video.id, troll.id)
    on_video, on_others = await recorded(live, video, troll), await recorded(live, others, troll)
    change = await multimedia.unblock_person(owner, troll.id)
    await block_changed(SimpleNamespace(state=SimpleNamespace(live=live)), change, blocked=False)
    told = await text_arrives(on_video, "unblocked you")
    assert 'hx-target="#blocked-note" hx-swap="outerHTML"' in told
    # A later change on the other video reaches its page after anything the unblock sent it.
    later = await make_annotation(other_owner, others, "Later")
    await live.publish(video_topic(others.id), change_broadcast(later))
    await text_arrives(on_others, "Later")
    assert not any("unblocked" in event.get("text", "") for event in on_others.events)
    for viewer in (on_video, on_others):
        await viewer.channel.leave()


def test_a_block_travels_between_nodes_unchanged():
    said = SpeakingChanged(42, '<hx-partial hx-target="#x">a\nb</hx-partial>')
    broadcast = Broadcast.decode(said.broadcast().encode())
    assert broadcast.kind == SPEAKING and SpeakingChanged.of(broadcast) == said


async def test_a_page_that_connects_after_the_block_is_told_at_its_join(join):
    owner, troll = await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.block_person(owner, video.id, troll.id)
    trolls = await join(video, troll)
    # Sent after the replay, before the viewers panel its join brings.
    told = [frame for frame in await trolls.replay() if BLOCKED_NOTE in frame]
    assert told and 'hx-target="#annotate-form"' in told[0] and 'hx-target="#blocked-note"' in told[0]
