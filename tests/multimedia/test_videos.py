"""Videos: slugs, browsing everyone's, and managing one's own."""

import pytest

from app import multimedia
from app.multimedia import slugify
from app.validation import NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


@pytest.mark.parametrize(("title", "slug"), [
    ("Hello, World!", "hello-world"),
    ("  Café au lait — été 2024  ", "cafe-au-lait-ete-2024"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("!!!", "video"),
    ("日本語", "video"),
])
def test_a_slug_is_lowercase_ascii_words_joined_by_hyphens(title, slug):
    assert slugify(title) == slug


def test_a_long_title_makes_a_slug_of_at_most_60_characters_without_a_trailing_hyphen():
    slug = slugify("word " * 40)
    assert len(slug) <= 60
    assert not slug.endswith("-")


async def test_creating_a_video_stores_it_for_its_owner_with_a_slug_and_category():
    await multimedia.seed_categories()
    music = {c.name: c.id for c in await multimedia.list_categories()}["Music"]
    user = await make_user()
    video = await make_video(user, title="Live at the Hall", category_id=str(music), description="Encore")
    stored = await multimedia.get_user_video(user, video.id)
    assert (stored.title, stored.slug) == ("Live at the Hall", "live-at-the-hall")
    assert stored.description == "Encore"
    assert (stored.category.name, stored.user.username) == ("Music", user.username)


@pytest.mark.parametrize(("attrs", "field"), [
    ({"title": "   "}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"description": "x" * 2001}, "description"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"category_id": "999999"}, "category_id"),
    ({"category_id": "music"}, "category_id"),
    ({"category_id": "9" * 5000}, "category_id"),
    ({"title": "a\x00b"}, "title"),  # PostgreSQL refuses NUL in text
    ({"description": "half \ud800 a character"}, "description"),
    ({"url": "https://example.com/" + "a" * 3000 + ".mp4"}, "url"),
])
async def test_invalid_video_attributes_are_rejected_and_nothing_is_stored(attrs, field):
    user = await make_user()
    with pytest.raises(ValidationError) as error:
        await make_video(user, **attrs)
    assert set(error.value.errors) == {field}
    assert await multimedia.list_user_videos(user) == []


async def test_a_title_of_120_and_a_description_of_2000_characters_are_accepted():
    user = await make_user()
    video = await make_video(user, title="t" * 120, description="d" * 2000)
    assert (len(video.title), len(video.description)) == (120, 2000)


async def test_updating_a_video_changes_its_title_and_slug():
    user = await make_user()
    video = await make_video(user, title="Old title")
    updated = await multimedia.update_video(user, video.id, {"title": "New title", "url": video.url})
    assert (updated.title, updated.slug) == ("New title", "new-title")


async def test_another_users_video_cannot_be_fetched_updated_or_deleted_by_them():
    owner, stranger = await make_user(), await make_user()
    video = await make_video(owner, title="Mine")
    with pytest.raises(NotFoundError):
        await multimedia.get_user_video(stranger, video.id)
    with pytest.raises(NotFoundError):
        await multimedia.update_video(stranger, video.id, {"title": "Theirs", "url": video.url})
    with pytest.raises(NotFoundError):
        await multimedia.delete_video(stranger, video.id)
    assert (await multimedia.get_video(video.id)).title == "Mine"


async def test_deleting_a_video_deletes_its_annotations_too():
    user = await make_user()
    video = await make_video(user)
    await make_annotation(user, video)
    assert await multimedia.may_watch(video.id, user)
    await multimedia.delete_video(user, video.id)
    with pytest.raises(NotFoundError):
        await multimedia.get_video(video.id)
    assert not await multimedia.may_watch(video.id, user)
    assert await multimedia.list_annotations(video.id) == []


async def test_a_users_videos_list_newest_first_and_only_theirs():
    user, other = await make_user(), await make_user()
    first, second = await make_video(user, title="First"), await make_video(user, title="Second")
    await make_video(other)
    assert [v.id for v in await multimedia.list_user_videos(user)] == [second.id, first.id]


async def test_everyones_videos_list_newest_first_twelve_to_a_page():
    user = await make_user()
    made = [await make_video(user, title=f"Video {n}") for n in range(13)]
    first, second = await multimedia.list_videos(1), await multimedia.list_videos(2)
    assert [v.id for v in first.videos] == [v.id for v in reversed(made[1:])]
    assert first.has_next
    assert second.videos[0].id == made[0].id


async def test_everyones_videos_can_be_narrowed_to_one_category():
    await multimedia.seed_categories()
    ids = {c.name: c.id for c in await multimedia.list_categories()}
    user = await make_user()
    drama = await make_video(user, category_id=str(ids["Drama"]))
    await make_video(user, category_id=str(ids["Comedy"]))
    listed = (await multimedia.list_videos(1, ids["Drama"])).videos
    assert drama.id in [v.id for v in listed]
    assert {v.category.name for v in listed} == {"Drama"}
