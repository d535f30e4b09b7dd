"""Blocks: who may block whom, and what a blocked person may still do on the owner's videos."""

import pytest

from app import multimedia
from app.validation import Blocked, NotAllowedError, NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


async def blocked_on(owner, troll):
    """A public video of the owner's with the troll's annotation on it, then the troll blocked."""
    video = await make_video(owner)
    note = await make_annotation(troll, video, "First!")
    await multimedia.block_person(owner, video.id, troll.id)
    return video, note


async def test_a_blocked_person_watches_but_may_not_speak_on_any_of_the_owners_videos(either_engine):
    owner, troll, other_owner = await make_user(), await make_user(), await make_user()
    video, note = await blocked_on(owner, troll)
    later = await make_video(owner, title="A later one")
    access = await multimedia.video_access(video.id, troll)
    assert access.blocked and access.role == "commenter" and not access.may_comment
    attempts = [
        lambda: multimedia.annotate_video(troll, video.id, "Again", 500),
        lambda: multimedia.annotate_video(troll, later.id, "Elsewhere", 500),
        lambda: multimedia.reply_to_annotation(troll, note.id, "Reply"),
        lambda: multimedia.toggle_reaction(troll, note.id, "👍"),
        lambda: multimedia.edit_annotation(troll, note.id, "Rewritten"),
        lambda: multimedia.resolve_annotation(troll, note.id, True),
    ]
    for attempt in attempts:
        with pytest.raises(Blocked):
            await attempt()
    [thread] = await multimedia.list_annotations(video.id)
    assert (thread.body, thread.reply_count, thread.reactions, thread.resolved_at) == ("First!", 0, "", None)
    assert await multimedia.list_annotations(later.id) == []
    # Someone else's videos are not the owner's to close.
    elsewhere = await make_video(other_owner)
    assert (await multimedia.annotate_video(troll, elsewhere.id, "Hello", 0)).body == "Hello"
    # Deleting their own annotation stays theirs to do.
    assert (await multimedia.delete_annotation(troll, note.id)).deleted


async def test_unblocking_lets_them_speak_again_and_only_the_owner_keeps_the_list(either_engine):
    owner, moderator, troll = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    change = await multimedia.block_person(moderator, video.id, troll.id)
    assert (change.owner_id, change.user_id, change.username) == (owner.id, troll.id, troll.username)
    await multimedia.block_person(owner, video.id, troll.id)  # twice changes nothing
    [listed] = await multimedia.list_blocked(owner)
    assert (listed.user_id, listed.username, listed.blocked_by, listed.guest) == (
        troll.id, troll.username, moderator.username, False)
    assert await multimedia.list_blocked(moderator) == []
    with pytest.raises(NotFoundError):  # a moderator's own list has nobody on it
        await multimedia.unblock_person(moderator, troll.id)
    await multimedia.unblock_person(owner, troll.id)
    assert await multimedia.list_blocked(owner) == []
    assert (await multimedia.annotate_video(troll, video.id, "Sorry", 0)).body == "Sorry"
    with pytest.raises(NotFoundError):
        await multimedia.unblock_person(owner, troll.id)


@pytest.mark.parametrize("role", ["viewer", "commenter"])
async def test_only_the_owner_and_moderators_block(role):
    owner, collaborator, troll = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, collaborator.username, role)
    with pytest.raises(NotAllowedError):
        await multimedia.block_person(collaborator, video.id, troll.id)
    stranger = await make_user()
    with pytest.raises(NotAllowedError):  # every account comments on a public video, none blocks
        await multimedia.block_person(stranger, video.id, troll.id)
    await multimedia.set_visibility(owner, video.id, "private", "everyone")
    with pytest.raises(NotFoundError):  # a private video's stranger may not know it exists
        await multimedia.block_person(stranger, video.id, troll.id)
    assert await multimedia.list_blocked(owner) == []


async def test_nobody_blocks_themselves_the_owner_a_moderator_or_someone_who_does_not_exist():
    owner, moderator = await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    for actor, target, message in [(owner, owner.id, "yourself"), (moderator, owner.id, "owner"),
                                   (owner, moderator.id, "moderates this video")]:
        with pytest.raises(ValidationError) as refused:
            await multimedia.block_person(actor, video.id, target)
        assert message in refused.value.errors["user_id"]
    for target in (999_999_999, 0, "1", None):
        with pytest.raises(NotFoundError):
            await multimedia.block_person(owner, video.id, target)
    assert await multimedia.list_blocked(owner) == []


async def test_a_blocked_moderator_loses_moderation_too():
    owner, moderator, someone = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    note = await make_annotation(someone, video)
    await multimedia.block_person(owner, video.id, moderator.id)  # blocked before being invited
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    access = await multimedia.video_access(video.id, moderator)
    assert access.role == "moderator" and not access.may_moderate
    with pytest.raises(NotAllowedError):
        await multimedia.delete_annotation(moderator, note.id)


async def test_who_may_speak_on_a_video_leaves_out_those_its_owner_blocked():
    owner, troll, friend = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "commenter")
    await multimedia.block_person(owner, video.id, troll.id)
    speakers = await multimedia.speakers(video.id)
    assert (speakers.everyone, speakers.user_ids, speakers.blocked_ids) == (
        True, frozenset({owner.id, friend.id}), frozenset({troll.id}))
