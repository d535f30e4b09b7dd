"""Annotations: validation, ordering by moment, pages of changes, and deletion."""

import pytest

from app import multimedia
from app.multimedia import clean_annotation
from app.validation import NotAllowedError, NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


@pytest.mark.parametrize("body", ["", "   \n\t ", None, 42])
def test_an_empty_or_blank_body_is_rejected(body):
    with pytest.raises(ValidationError) as error:
        clean_annotation(body, 1000)
    assert error.value.errors == {"body": "Write something first."}


def test_a_body_over_500_characters_is_rejected_and_500_is_accepted():
    with pytest.raises(ValidationError) as error:
        clean_annotation("x" * 501, 1000)
    assert set(error.value.errors) == {"body"}
    assert clean_annotation("x" * 500, 1000) == ("x" * 500, 1000, None)


@pytest.mark.parametrize("body", ["a\x00b", "broken \ud800 half"])
def test_a_body_no_database_can_store_is_rejected(body):
    with pytest.raises(ValidationError) as error:
        clean_annotation(body, 1000)
    assert error.value.errors == {"body": "Remove the invisible or broken characters from this text."}


def test_the_body_is_trimmed_before_it_is_measured():
    assert clean_annotation(f"  {'x' * 500}  ", 0) == ("x" * 500, 0, None)


@pytest.mark.parametrize("at", [-1, 86_400_001, "abc", None, "", 1.5, 1000.0, True, [1000],
                                "\u0661\u0665\u0660\u0660", "1_500", "9" * 5000, "-5", float("nan")])
def test_a_moment_outside_the_first_24_hours_or_not_a_number_is_rejected(at):
    with pytest.raises(ValidationError) as error:
        clean_annotation("Nice", at)
    assert set(error.value.errors) == {"at"}


@pytest.mark.parametrize(("at", "millis"), [(0, 0), (86_400_000, 86_400_000), ("1500", 1500),
                                             (" 1500 ", 1500)])
def test_a_moment_within_the_first_24_hours_is_accepted_as_milliseconds(at, millis):
    assert clean_annotation("Nice", at) == ("Nice", millis, None)


def test_a_bad_body_and_a_bad_moment_are_reported_together():
    with pytest.raises(ValidationError) as error:
        clean_annotation(" ", -5)
    assert set(error.value.errors) == {"body", "at"}


async def test_annotations_list_by_moment_then_by_id_with_their_authors():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    late = await make_annotation(alice, video, "late", at=3000)
    first_tie = await make_annotation(bob, video, "tie one", at=1000)
    second_tie = await make_annotation(alice, video, "tie two", at=1000)
    middle = await make_annotation(bob, video, "middle", at=2000)
    listed = await multimedia.list_annotations(video.id)
    assert [a.id for a in listed] == [first_tie.id, second_tie.id, middle.id, late.id]
    assert [a.username for a in listed] == [bob.username, alice.username, bob.username, alice.username]


async def test_annotations_of_other_videos_are_not_listed():
    user = await make_user()
    video, other = await make_video(user), await make_video(user)
    await make_annotation(user, other, "elsewhere")
    assert await multimedia.list_annotations(video.id) == []


async def test_a_page_of_changes_is_the_next_items_by_change_number_after_a_cursor():
    alice, bob = await make_user(), await make_user()
    video, other = await make_video(alice), await make_video(alice)
    first = await make_annotation(alice, video, "first", at=9000)
    gone = await make_annotation(bob, video, "gone", at=1)
    await make_annotation(alice, other, "elsewhere", at=2)
    rest = [await make_annotation(bob, video, f"note {at}", at=at) for at in (500, 100, 300)]
    await multimedia.delete_annotation(bob, gone.id)  # change 6: the deleted item comes last

    page = await multimedia.list_change_page(video.id, 0, 3)
    assert [a.id for a in page.items] == [first.id, rest[0].id, rest[1].id]  # by change, not moment
    assert [a.username for a in page.items] == [alice.username, bob.username, bob.username]
    assert page.last_seq == rest[1].seq
    last = await multimedia.list_change_page(video.id, page.last_seq, 3)
    assert [(a.id, a.deleted) for a in last.items] == [(rest[2].id, False), (gone.id, True)]
    assert (await multimedia.list_change_page(video.id, last.last_seq, 3)).items == []


async def test_annotating_stores_the_cleaned_body_and_moment():
    user = await make_user()
    video = await make_video(user)
    view = await multimedia.annotate_video(user, video.id, body="  Look here  ", at="2500")
    assert (view.body, view.at, view.username) == ("Look here", 2500, user.username)
    assert await multimedia.list_annotations(video.id) == [view]


async def test_annotating_a_missing_video_raises_not_found():
    user = await make_user()
    with pytest.raises(NotFoundError):
        await multimedia.annotate_video(user, 10**9, body="Hello", at=0)


async def test_annotating_a_video_deleted_after_it_was_opened_raises_not_found_and_stores_nothing():
    owner, viewer = await make_user(), await make_user()
    video = await multimedia.get_video((await make_video(owner)).id)
    await multimedia.delete_video(owner, video.id)
    with pytest.raises(NotFoundError, match=f"video {video.id}"):
        await multimedia.annotate_video(viewer, video.id, body="Too late", at=0)
    assert await multimedia.list_annotations(video.id) == []


async def test_annotations_are_counted_per_video():
    user = await make_user()
    busy, quiet = await make_video(user), await make_video(user)
    for at in (1, 2, 3):
        await make_annotation(user, busy, at=at)
    assert await multimedia.count_annotations([busy.id, quiet.id]) == {busy.id: 3}


async def test_the_author_deletes_their_annotation_and_it_is_no_longer_listed_or_counted():
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    kept = await make_annotation(owner, video, "kept", at=1)
    gone = await make_annotation(author, video, "gone", at=2)
    deleted = await multimedia.delete_annotation(author, gone.id)
    assert (deleted.id, deleted.video_id, deleted.body) == (gone.id, video.id, "gone")
    assert [a.id for a in await multimedia.list_annotations(video.id)] == [kept.id]
    assert [(a.id, a.deleted) for a in (await multimedia.list_change_page(video.id, kept.seq, 10)).items] == [
        (gone.id, True)]
    assert await multimedia.count_annotations([video.id]) == {video.id: 1}


async def test_the_videos_owner_deletes_anyones_annotation_on_their_video():
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(author, video)
    await multimedia.delete_annotation(owner, annotation.id)
    assert await multimedia.list_annotations(video.id) == []


async def test_nobody_else_may_delete_and_the_annotation_stays():
    owner, author, stranger = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(author, video)
    with pytest.raises(NotAllowedError):
        await multimedia.delete_annotation(stranger, annotation.id)
    assert await multimedia.list_annotations(video.id) == [annotation]


async def test_an_author_may_not_delete_other_annotations_on_a_video_they_do_not_own():
    owner, author, other = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(other, video)
    await make_annotation(author, video)
    with pytest.raises(NotAllowedError):
        await multimedia.delete_annotation(author, annotation.id)


@pytest.mark.parametrize("annotation_id", [0, -1, 10**9, 2**40])
async def test_deleting_a_missing_annotation_raises_not_found(annotation_id):
    with pytest.raises(NotFoundError):
        await multimedia.delete_annotation(await make_user(), annotation_id)


async def test_an_annotation_is_deleted_once_and_a_second_delete_finds_nothing():
    owner = await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(owner, video)
    await multimedia.delete_annotation(owner, annotation.id)
    with pytest.raises(NotFoundError):
        await multimedia.delete_annotation(owner, annotation.id)
