"""Ids from forms, query strings and paths: only ones that could exist reach the database."""

import pytest

from app import multimedia
from app.validation import NotFoundError
from tests.factories import make_annotation, make_user, make_video

TOO_BIG = 2**31


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), (" 42 ", 42), (str(TOO_BIG - 1), TOO_BIG - 1),
    ("", None), ("0", None), ("-3", None), ("abc", None), ("1.5", None), ("²", None), ("١٢", None),
    (str(TOO_BIG), None), ("9" * 5000, None),
])
def test_an_id_is_parsed_only_when_a_row_could_have_it(text, expected):
    assert multimedia.parse_id(text) == expected


@pytest.mark.parametrize("video_id", [0, -1, TOO_BIG, 10**30])
async def test_a_video_id_no_row_could_have_is_simply_not_found(video_id):
    user = await make_user()
    with pytest.raises(NotFoundError):
        await multimedia.get_video(video_id)
    with pytest.raises(NotFoundError):
        await multimedia.get_user_video(user, video_id)
    with pytest.raises(NotFoundError):
        await multimedia.annotate_video(user, video_id, body="Hello", at=0)
    assert not await multimedia.may_watch(video_id, user)
    assert await multimedia.list_annotations(video_id) == []


async def test_replaying_after_a_change_number_beyond_any_lists_nothing_and_below_zero_lists_all():
    user = await make_user()
    video = await make_video(user)
    annotation = await make_annotation(user, video)
    assert (await multimedia.list_change_page(video.id, 10**30, 10)).items == []
    assert (await multimedia.list_change_page(video.id, -(10**30), 10)).items == [annotation]


async def test_a_page_number_beyond_any_listing_is_an_empty_page():
    listing = await multimedia.list_videos(page=10**30)
    assert (listing.videos, listing.has_next) == ([], False)
