"""Annotations: validation, ordering by moment, and replay since an id."""

import pytest

from app import multimedia
from app.multimedia import clean_annotation
from app.validation import NotFoundError, ValidationError
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
    assert clean_annotation("x" * 500, 1000) == ("x" * 500, 1000)


def test_the_body_is_trimmed_before_it_is_measured():
    assert clean_annotation(f"  {'x' * 500}  ", 0) == ("x" * 500, 0)


@pytest.mark.parametrize("at", [-1, 86_400_001, "abc", None, "", 1.5, True, [1000]])
def test_a_moment_outside_the_first_24_hours_or_not_a_number_is_rejected(at):
    with pytest.raises(ValidationError) as error:
        clean_annotation("Nice", at)
    assert set(error.value.errors) == {"at"}


@pytest.mark.parametrize(("at", "millis"), [(0, 0), (86_400_000, 86_400_000), ("1500", 1500)])
def test_a_moment_within_the_first_24_hours_is_accepted_as_milliseconds(at, millis):
    assert clean_annotation("Nice", at) == ("Nice", millis)


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


async def test_listing_since_an_id_returns_only_later_annotations_still_in_moment_order():
    user = await make_user()
    video = await make_video(user)
    seen = await make_annotation(user, video, "seen", at=5000)
    newer_late = await make_annotation(user, video, "newer, late", at=9000)
    newer_early = await make_annotation(user, video, "newer, early", at=100)
    listed = await multimedia.list_annotations(video.id, since_id=seen.id)
    assert [a.id for a in listed] == [newer_early.id, newer_late.id]
    assert await multimedia.list_annotations(video.id, since_id=newer_early.id) == []


async def test_annotations_of_other_videos_are_not_listed():
    user = await make_user()
    video, other = await make_video(user), await make_video(user)
    await make_annotation(user, other, "elsewhere")
    assert await multimedia.list_annotations(video.id) == []


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


async def test_annotations_are_counted_per_video():
    user = await make_user()
    busy, quiet = await make_video(user), await make_video(user)
    for at in (1, 2, 3):
        await make_annotation(user, busy, at=at)
    assert await multimedia.count_annotations([busy.id, quiet.id]) == {busy.id: 3}
