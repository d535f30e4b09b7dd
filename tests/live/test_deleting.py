"""Deleting annotations over the socket: who may, who sees them go, and rejoins that carry deletions."""

import pytest

from app import multimedia
from app.live import fragments
from tests.factories import make_annotation, make_user, make_video
from tests.live.test_socket import annotation_ids

NOT_ALLOWED = "Only its author, the video&#39;s owner or a moderator can delete an annotation."
GONE = "That annotation does not exist (perhaps it was just deleted)."


def removal(annotation) -> str:
    """The fragment that takes an annotation off a viewer's list."""
    return f'<hx-partial hx-target="#annotation-{annotation.id}" hx-swap="delete"></hx-partial>'


async def test_the_author_deletes_and_every_viewer_of_the_video_sees_it_go(join):
    owner, alice, bob = await make_user(), await make_user(), await make_user()
    video, elsewhere = await make_video(owner), await make_video(owner)
    annotation = await make_annotation(alice, video, "Oops, wrong moment")
    author, other, guest = await join(video, alice), await join(video, bob), await join(video)
    away = await join(elsewhere, bob)
    for viewer in (author, other, guest):
        assert annotation_ids([await viewer.frame()]) == [annotation.id]  # the join replay
    await away.joined()  # it would hear a stray removal
    await author.delete(annotation.id)
    for viewer in (author, other, guest):
        assert (await viewer.frames_until(removal(annotation)))[-1] == (
            removal(annotation) + fragments.cursor(annotation.seq + 1))
    await away.post("Meanwhile, elsewhere")  # broadcast after the removal was
    assert await away.frames_before("Meanwhile, elsewhere") == [fragments.posted()]
    assert await multimedia.list_annotations(video.id) == []


async def test_the_videos_owner_deletes_anyones_annotation_on_it(join):
    owner, alice = await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(alice, video)
    by_owner, author = await join(video, owner), await join(video, alice)
    for viewer in (by_owner, author):
        await viewer.frame()
    await by_owner.delete(annotation.id)
    for viewer in (by_owner, author):
        await viewer.frames_until(removal(annotation))
    assert await multimedia.list_annotations(video.id) == []


@pytest.mark.parametrize(("who", "message"), [("stranger", NOT_ALLOWED),
                                               ("guest", "Sign in to delete annotations.")])
async def test_a_refused_delete_is_explained_to_the_requester_only_and_nothing_changes(
        join, who, message):
    owner, alice, stranger = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(alice, video, "Mine")
    requester = await join(video, stranger if who == "stranger" else None)
    author = await join(video, alice)
    for viewer in (requester, author):
        await viewer.frame()
    await requester.delete(annotation.id)
    error = await requester.frame()
    assert 'hx-target="#live-error"' in error and message in error
    assert await multimedia.list_annotations(video.id) == [annotation]
    assert annotation_ids([await (await join(video)).frame()]) == [annotation.id]
    await author.post("Still mine")  # broadcast after any removal the refusal could have sent
    assert await author.frames_before("Still mine") == [fragments.posted()]
    await requester.frames_until("Still mine")
    await requester.delete(annotation.id)  # the socket stays open, and the answer stays no
    assert message in await requester.frame()


@pytest.mark.parametrize("annotation_id", ["999999999", "nonsense", "", "-3", "1.5"])
async def test_deleting_an_annotation_that_does_not_exist_is_explained(join, annotation_id):
    alice = await make_user()
    video = await make_video(alice)
    viewer = await join(video, alice)
    await viewer.delete(annotation_id)
    error = await viewer.frame()
    assert 'hx-target="#live-error"' in error and GONE in error


async def test_deleting_twice_removes_once_and_explains_the_second_time(join):
    alice = await make_user()
    video = await make_video(alice)
    annotation = await make_annotation(alice, video)
    viewer = await join(video, alice)
    await viewer.frame()
    await viewer.delete(annotation.id)
    await viewer.frames_until(removal(annotation))
    await viewer.delete(annotation.id)
    error = await viewer.frame()
    assert GONE in error and removal(annotation) not in error


async def test_a_viewer_away_during_a_deletion_has_it_removed_when_it_rejoins(join):
    owner = await make_user()
    video = await make_video(owner)
    kept = await make_annotation(owner, video, "kept", at=1000)
    gone = await make_annotation(owner, video, "gone", at=2000)
    viewer = await join(video)
    assert annotation_ids([await viewer.frame()]) == [kept.id, gone.id]
    await viewer.close()

    deleter = await join(video, owner)
    await deleter.frame()
    await deleter.delete(gone.id)
    await deleter.frames_until(removal(gone))
    newer = await make_annotation(owner, video, "newer", at=500)

    back = await join(video, cursor=gone.seq)  # the cursor the first page ended with
    frames = await back.replay()
    assert len(frames) == 1 and annotation_ids(frames) == [newer.id]  # gone is not replayed
    assert removal(gone) in frames[0] and removal(kept) not in frames[0]


async def test_a_deleted_annotation_is_not_replayed_to_a_new_viewer(join):
    owner = await make_user()
    video = await make_video(owner)
    gone = await make_annotation(owner, video, "gone", at=1000)
    kept = await make_annotation(owner, video, "kept", at=2000)
    await multimedia.delete_annotation(owner, gone.id)
    viewer = await join(video)
    replay = await viewer.replay()
    assert len(replay) == 1 and annotation_ids(replay) == [kept.id]  # no removal: it never had it


async def test_a_rejoin_hears_of_a_deletion_only_if_its_cursor_is_from_before_it(join):
    owner = await make_user()
    video = await make_video(owner)
    gone = await make_annotation(owner, video)
    deleted = await multimedia.delete_annotation(owner, gone.id)
    # A page rendered after the deletion already lacks it: nothing to remove.
    later_page = await join(video, cursor=deleted.seq)
    assert await later_page.replay() == []
    earlier_page = await join(video, cursor=gone.seq)
    assert await earlier_page.frame() == removal(gone) + fragments.cursor(deleted.seq)


async def test_a_deletion_during_the_join_replay_reaches_the_joining_viewer(join):
    owner = await make_user()
    video = await make_video(owner)
    annotations = [await make_annotation(owner, video, f"n{index}", at=index) for index in range(300)]
    deleter = await join(video, owner, cursor=annotations[-1].seq)
    viewer = await join(video)
    first = await viewer.frame()  # 200 of 300: subscribed, and holding the one deleted next
    assert annotations[0].id in annotation_ids([first])
    await deleter.delete(annotations[0].id)  # lands during the rest of the replay, or after it
    frames = [first, *await viewer.frames_until(removal(annotations[0]))]
    await deleter.post("After the deletion")  # reaches the viewer after anything still owed
    frames += await viewer.frames_before("After the deletion")
    assert annotation_ids(frames) == [a.id for a in annotations]  # each once, then the removal
    assert frames[-1].startswith(removal(annotations[0]))
