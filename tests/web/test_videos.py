"""Managing one's own videos at /manage/videos: list, create, edit, delete."""

import re

import pytest

from app import multimedia
from app.validation import NotFoundError
from tests.conftest import post_form
from tests.factories import make_user, make_video
from tests.multimedia.expected import BAD_URLS, GOOD_URLS, SEEDED_CATEGORIES
from tests.web.conftest import field_error

VALID = {"title": "Sunset timelapse", "url": "https://youtu.be/dQw4w9WgXcQ", "description": "Golden hour"}


def test_my_videos_lists_only_mine_with_edit_and_delete(client, user, run):
    mine = run(make_video, user, title="Mine to manage")
    theirs = run(make_video, run(make_user), title="Someone else's")
    page = client.get("/manage/videos").text
    assert "Mine to manage" in page
    assert f'href="/manage/videos/{mine.id}/edit"' in page
    assert f'action="/manage/videos/{mine.id}/delete"' in page
    assert theirs.title not in page


def test_the_new_video_form_offers_the_seeded_categories_alphabetically(client, user, categories):
    page = client.get("/manage/videos/new").text
    options = re.findall(r'<option value="(\d+)" >(.*?)</option>', page)
    assert [name for _, name in options] == SEEDED_CATEGORIES
    assert {name: int(value) for value, name in options} == categories


def test_creating_a_video_stores_it_and_lists_it(client, user, run, categories):
    response = post_form(client, "/manage/videos", {**VALID, "category_id": str(categories["Drama"])},
                         follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/manage/videos")
    [video] = run(multimedia.list_user_videos, user)
    assert (video.title, video.description) == ("Sunset timelapse", "Golden hour")
    assert video.category.name == "Drama"
    page = client.get("/manage/videos").text
    assert "“Sunset timelapse” is ready to watch." in page
    assert f'href="/watch/{video.id}-sunset-timelapse"' in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "Give the video a title."),
    ({"title": "x" * 121}, "title", "Use at most 120 characters."),
    ({"description": "x" * 2001}, "description", "Use at most 2,000 characters."),
    ({"category_id": "999999"}, "category_id", "Pick a category from the list."),
    ({"category_id": "9" * 30}, "category_id", "Pick a category from the list."),
])
def test_a_bad_field_is_explained_next_to_it_and_nothing_is_stored(client, user, run, changes, field,
                                                                   message):
    response = post_form(client, "/manage/videos", {**VALID, **changes})
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert f'aria-describedby="{field}-error"' in response.text
    assert 'value="https://youtu.be/dQw4w9WgXcQ"' in response.text  # what was typed is kept
    assert run(multimedia.list_user_videos, user) == []


@pytest.mark.parametrize(("url", "source"), GOOD_URLS)
def test_a_supported_link_is_accepted_by_the_form(client, user, run, url, source):
    response = post_form(client, "/manage/videos", {**VALID, "url": url}, follow_redirects=False)
    assert response.status_code == 302
    [video] = run(multimedia.list_user_videos, user)
    assert multimedia.parse_video_url(video.url) == source


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_an_unsupported_or_dangerous_link_is_refused_by_the_form(client, user, run, url, message):
    response = post_form(client, "/manage/videos", {**VALID, "url": url})
    assert response.status_code == 422
    assert field_error(response.text, "url") == message
    assert run(multimedia.list_user_videos, user) == []


def test_editing_shows_the_video_and_saving_changes_it(client, user, run, categories):
    video = run(make_video, user, title="Before", category_id=str(categories["Music"]))
    form = client.get(f"/manage/videos/{video.id}/edit").text
    assert 'value="Before"' in form
    assert f'<option value="{categories["Music"]}" selected>Music</option>' in form
    response = post_form(client, f"/manage/videos/{video.id}", {**VALID, "title": "After"},
                         follow_redirects=False)
    assert response.headers["location"] == "/manage/videos"
    updated = run(multimedia.get_video, video.id)
    assert (updated.title, updated.slug, updated.category.id) == ("After", "after", None)


def test_a_bad_edit_is_explained_and_the_video_is_unchanged(client, user, run):
    video = run(make_video, user, title="Keep me")
    response = post_form(client, f"/manage/videos/{video.id}", {**VALID, "url": "javascript:alert(1)"})
    assert response.status_code == 422
    assert field_error(response.text, "url") is not None
    assert run(multimedia.get_video, video.id).title == "Keep me"


def test_deleting_a_video_removes_it(client, user, run):
    video = run(make_video, user, title="Short-lived")
    response = post_form(client, f"/manage/videos/{video.id}/delete", {}, follow_redirects=False)
    assert response.headers["location"] == "/manage/videos"
    assert "“Short-lived” was deleted." in client.get("/manage/videos").text
    with pytest.raises(NotFoundError):
        run(multimedia.get_video, video.id)


def test_deleting_a_video_while_pub_sub_is_down_still_deletes_it(client, user, run, caplog,
                                                                monkeypatch):
    video = run(make_video, user, title="Deleted in an outage")

    async def unreachable(topic, message):
        raise ConnectionError("pub/sub is down")
    # The open pages are not closed then; they are told at their next post.
    monkeypatch.setattr(client.app.state.live, "publish", unreachable)
    response = post_form(client, f"/manage/videos/{video.id}/delete", {}, follow_redirects=False)
    assert response.headers["location"] == "/manage/videos"
    with pytest.raises(NotFoundError):
        run(multimedia.get_video, video.id)
    assert f"closing the sockets of deleted video {video.id} failed" in caplog.text


def test_another_users_video_is_not_found_for_edit_update_or_delete(client, user, run):
    video = run(make_video, run(make_user), title="Not yours")
    assert client.get(f"/manage/videos/{video.id}/edit").status_code == 404
    assert post_form(client, f"/manage/videos/{video.id}", {**VALID, "title": "Hijacked"}).status_code == 404
    assert post_form(client, f"/manage/videos/{video.id}/delete", {}).status_code == 404
    assert run(multimedia.get_video, video.id).title == "Not yours"


@pytest.mark.parametrize("path", ["/manage/videos", "/manage/videos/new"])
def test_managing_videos_needs_a_signed_in_user(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.headers["location"] == f"/sign-in?next={path}"



@pytest.mark.parametrize("video_id", ["999999999", "9" * 30])
def test_a_video_that_does_not_exist_is_not_found_for_editing(client, user, video_id):
    assert client.get(f"/manage/videos/{video_id}/edit").status_code == 404
