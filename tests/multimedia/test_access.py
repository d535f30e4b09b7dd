"""The access rule: who may watch a video and who may speak on it, and every change asking it."""

from datetime import UTC, datetime, timedelta

import pytest

from app import accounts, multimedia
from app.multimedia.tables import ShareLink
from app.validation import MayNotComment, NotAllowedError, NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video
from tests.multimedia.test_upload_limits import policy, upload_video
from tests.multimedia.test_uploads import tiny_mp4


async def private_video(owner, **attrs):
    """A video of the owner's that only they (and whom they let in) may watch."""
    video = await make_video(owner, title="Rough cut", **attrs)
    await multimedia.set_visibility(owner, video.id, "private", "everyone")
    return video


async def role(video_id, user=None, links=()):
    """The role video_access gives, or None for someone who may not watch."""
    try:
        return (await multimedia.video_access(video_id, user, links)).role
    except NotFoundError:
        return None


async def test_a_public_video_is_watched_by_anyone_and_commented_on_by_every_account():
    owner, someone = await make_user(), await make_user()
    video = await make_video(owner)
    assert video.visibility == "public" and video.comments == "everyone"  # as before sharing existed
    assert [await role(video.id), await role(video.id, someone), await role(video.id, owner)] == [
        "viewer", "commenter", "owner"]
    await multimedia.set_visibility(owner, video.id, "public", "collaborators")
    assert await role(video.id, someone) == "viewer"
    await multimedia.invite_collaborator(owner, video.id, someone.username, "commenter")
    assert await role(video.id, someone) == "commenter"


async def test_a_private_video_is_no_ones_but_its_owners_and_collaborators():
    owner, stranger, friend = await make_user(), await make_user(), await make_user()
    video = await private_video(owner)
    assert await role(video.id) is None
    assert await role(video.id, stranger) is None
    assert await role(video.id, owner) == "owner"
    for invited in ("viewer", "commenter", "moderator"):
        await multimedia.invite_collaborator(owner, video.id, friend.username, invited)
        assert await role(video.id, friend) == invited
    await multimedia.remove_collaborator(owner, video.id, friend.id)
    assert await role(video.id, friend) is None
    with pytest.raises(NotFoundError):  # the refusal says no more than "no such video"
        await multimedia.video_access(video.id, stranger)


async def test_an_unlisted_video_is_watched_by_link_and_never_listed():
    owner = await make_user()
    listed, unlisted, private = [await make_video(owner, title=title) for title in ("A", "B", "C")]
    await multimedia.set_visibility(owner, unlisted.id, "unlisted", "everyone")
    await multimedia.set_visibility(owner, private.id, "private", "everyone")
    assert await role(unlisted.id) == "viewer"
    titles = [video.title for video in (await multimedia.list_videos()).videos]
    assert "A" in titles and "B" not in titles and "C" not in titles
    assert [video.title for video in await multimedia.list_user_videos(owner, 0)] == ["A"]
    assert [video.title for video in await multimedia.list_user_videos(owner, owner.id)] == ["C", "B", "A"]


async def test_a_link_lets_its_holders_in_with_its_role_until_it_expires_or_is_revoked():
    owner, member = await make_user(), await make_user()
    video = await private_video(owner)
    viewing = await multimedia.create_share_link(owner, video.id, "Preview", "viewer")
    commenting = await multimedia.create_share_link(owner, video.id, "Client review", "commenter")
    assert await role(video.id, None, [viewing.id]) == "viewer"
    assert await role(video.id, None, [viewing.id, commenting.id]) == "commenter"
    await multimedia.open_share_link(commenting.token, "", member)  # signed in: now a member
    access = await multimedia.video_access(video.id, member)
    assert (access.role, access.link_id) == ("commenter", commenting.id)
    await ShareLink.update({ShareLink.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        ShareLink.id == commenting.id)
    assert await role(video.id, member) is None
    assert await role(video.id, None, [viewing.id, commenting.id]) == "viewer"
    await multimedia.revoke_share_link(owner, video.id, viewing.id)
    assert await role(video.id, None, [viewing.id]) is None


async def test_a_link_of_another_video_opens_nothing_here():
    owner = await make_user()
    video, other = await private_video(owner), await private_video(owner)
    link = await multimedia.create_share_link(owner, other.id, "Other", "commenter")
    assert await role(video.id, None, [link.id]) is None


async def test_a_guest_speaks_only_where_their_link_lets_them():
    owner = await make_user()
    video, public = await private_video(owner), await make_video(owner)
    link = await multimedia.create_share_link(owner, video.id, "Client", "commenter")
    guest = await multimedia.join_as_guest(link.id, "  Client   Carla ")
    assert (guest.guest, guest.username) == (True, "Client Carla")
    assert await role(video.id, guest) == "commenter"
    assert await role(public.id, guest) == "viewer"  # a guest is no account
    view = await multimedia.annotate_video(guest, video.id, "Looks good", 1000)
    assert view.guest and [item.guest for item in await multimedia.list_annotations(video.id)] == [True]
    assert await multimedia.find_guest(link.id, guest.id) is not None
    with pytest.raises(MayNotComment):
        await multimedia.annotate_video(guest, public.id, "Here too?", 0)
    await multimedia.revoke_share_link(owner, video.id, link.id)
    assert await role(video.id, guest) is None
    assert await accounts.authenticate_user(guest.username_key, "") is None  # never signs in


async def test_a_view_link_makes_no_guests_and_a_guest_needs_a_name():
    owner = await make_user()
    video = await private_video(owner)
    viewing = await multimedia.create_share_link(owner, video.id, "Preview", "viewer")
    commenting = await multimedia.create_share_link(owner, video.id, "Client", "commenter")
    with pytest.raises(NotFoundError):
        await multimedia.join_as_guest(viewing.id, "Carla")
    for name in ("", "   ", "x" * 21, "bad\x00name"):
        with pytest.raises(ValidationError):
            await multimedia.join_as_guest(commenting.id, name)


async def test_a_viewer_watches_and_is_refused_every_change_but_deleting_their_own():
    owner, friend = await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "commenter")
    mine = await make_annotation(friend, video, "Mine")
    theirs = await make_annotation(owner, video, "The owner's")
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    for change in (lambda: make_annotation(friend, video),
                   lambda: multimedia.reply_to_annotation(friend, theirs.id, "Hm"),
                   lambda: multimedia.toggle_reaction(friend, theirs.id, "👍"),
                   lambda: multimedia.edit_annotation(friend, mine.id, "Changed"),
                   lambda: multimedia.resolve_annotation(friend, mine.id, True)):
        with pytest.raises(NotAllowedError):
            await change()
    with pytest.raises(NotAllowedError):
        await multimedia.delete_annotation(friend, theirs.id)
    assert (await multimedia.delete_annotation(friend, mine.id)).deleted


async def test_a_moderator_deletes_and_resolves_anyones_and_a_commenter_only_their_own():
    owner, moderator, commenter = await make_user(), await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, moderator.username, "moderator")
    await multimedia.invite_collaborator(owner, video.id, commenter.username, "commenter")
    first = await make_annotation(owner, video, "One")
    second = await make_annotation(owner, video, "Two")
    with pytest.raises(NotAllowedError):
        await multimedia.delete_annotation(commenter, first.id)
    with pytest.raises(NotAllowedError):
        await multimedia.resolve_annotation(commenter, first.id, True)
    assert (await multimedia.resolve_annotation(moderator, first.id, True)).resolved_by == moderator.username
    assert (await multimedia.delete_annotation(moderator, second.id)).deleted


async def test_nobody_reaches_a_private_videos_annotations_through_another_video():
    owner, stranger = await make_user(), await make_user()
    video = await private_video(owner)
    secret = await make_annotation(owner, video, "Secret")
    for change in (lambda: multimedia.reply_to_annotation(stranger, secret.id, "Peek"),
                   lambda: multimedia.toggle_reaction(stranger, secret.id, "👍"),
                   lambda: multimedia.delete_annotation(stranger, secret.id),
                   lambda: multimedia.resolve_annotation(stranger, secret.id, True)):
        with pytest.raises(NotFoundError):
            await change()


async def test_the_audience_of_a_private_video_is_its_owner_collaborators_and_live_links_not_revoked_ones():
    owner, friend = await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    live = await multimedia.create_share_link(owner, video.id, "Live", "viewer")
    revoked = await multimedia.create_share_link(owner, video.id, "Gone", "viewer")
    await multimedia.revoke_share_link(owner, video.id, revoked.id)
    assert await multimedia.audience(video.id) == multimedia.Audience(
        True, frozenset({owner.id, friend.id}), frozenset({live.id}), frozenset({revoked.id}))
    await multimedia.set_visibility(owner, video.id, "unlisted", "everyone")
    assert await multimedia.audience(video.id) == multimedia.Audience(
        False, revoked_link_ids=frozenset({revoked.id}))


async def test_only_those_who_may_watch_are_among_the_watchers():
    owner, friend, stranger = await make_user(), await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    assert await multimedia.may_watch_among(video.id, [owner.id, friend.id, stranger.id]) == {
        owner.id, friend.id}


async def test_an_upload_starts_private_a_link_public_unless_the_form_says(tmp_path):
    owner = await make_user()
    uploaded = await upload_video(owner, policy(tmp_path), tiny_mp4())
    linked = await make_video(owner)
    chosen = await make_video(owner, visibility="unlisted", comments="collaborators")
    assert [uploaded.visibility, linked.visibility, chosen.visibility] == ["private", "public", "unlisted"]
    assert chosen.comments == "collaborators"
    assert await multimedia.video_of_file(uploaded.url) == uploaded.id
    with pytest.raises(ValidationError) as refused:
        await make_video(owner, visibility="secret", comments="nobody")
    assert set(refused.value.errors) == {"visibility", "comments"}


async def test_recent_annotations_on_a_profile_are_those_on_listed_videos():
    owner = await make_user()
    public, private = await make_video(owner), await private_video(owner)
    await make_annotation(owner, public, "Seen by all")
    await make_annotation(owner, private, "Seen by me")
    assert [item.annotation.body for item in await multimedia.list_recent_annotations(owner.id, 10)] == [
        "Seen by all"]
    assert [item.annotation.body for item in await multimedia.list_recent_annotations(
        owner.id, 10, owner.id)] == ["Seen by me", "Seen by all"]
