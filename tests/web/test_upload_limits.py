"""The new-video form under upload limits: the limits shown, refusals explained beside the file field."""

import os
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from app import multimedia
from app.main import create_app
from app.settings import ConfigurationError, Settings
from tests.conftest import csrf_token, sign_in
from tests.factories import make_user
from tests.multimedia.test_uploads import CLOCK, files_in
from tests.web.conftest import field_error
from tests.web.test_upload import multipart, upload

OVER_QUOTA = ("That file does not fit in your 2 MB of upload space (0 MB left). "
              "Delete a video you uploaded to make room, or give a link instead.")
LOW_ON_SPACE = ("The site is short of storage space and cannot take uploads right now. "
                "Please try again later, or give a link instead.")


@contextmanager
def signed_in_client(**env: str):
    """A signed-in browser on an app built with the given settings on top of the test environment."""
    app = create_app(Settings.from_env({**os.environ, **env}))
    with TestClient(app=app, base_url="http://testserver.local") as client:
        client.user = client.blocking_portal.call(make_user)
        assert sign_in(client, client.user.username).status_code == 302
        client.media = app.state.settings.media_dir
        yield client


@pytest.fixture
def quota_client():
    """A signed-in browser on an app with 4 MB files, 2 MB of space per user, 3 uploads at once."""
    with signed_in_client(UPLOAD_MAX_MB="4", UPLOAD_QUOTA_MB="2", UPLOADS_IN_FLIGHT="3") as client:
        yield client


@pytest.fixture
def full_disk_client():
    """A signed-in browser on an app whose free-space reserve is more than any disk holds."""
    with signed_in_client(UPLOAD_FREE_RESERVE_MB=str(2**40)) as client:
        yield client


def user_videos(client) -> list:
    """The signed-in user's videos."""
    return client.blocking_portal.call(multimedia.list_user_videos, client.user)


def test_the_form_shows_the_largest_file_the_space_left_and_the_uploads_allowed_at_once(quota_client):
    page = quota_client.get("/manage/videos/new").text
    assert "An MP4 or WebM file of up to 4 MB, instead of a link." in page
    assert "Your upload space: 2 MB left of 2 MB;\n  3 uploads at a time." in page
    assert upload(quota_client, CLOCK).status_code == 302
    page = quota_client.get("/manage/videos/new").text
    assert "Your upload space: 0 MB left of 2 MB;" in page  # 0.8 MB, rounded down


@pytest.mark.parametrize("chunked", [False, True], ids=["announced-length", "chunked"])
def test_an_upload_past_the_quota_is_refused_beside_the_field_keeping_what_was_typed_and_storing_nothing(
        quota_client, chunked):
    assert upload(quota_client, CLOCK, title="First").status_code == 302
    before = files_in(quota_client.media)
    token = csrf_token(quota_client)
    body, content_type = multipart([("_csrf_token", token), ("title", "One too many"), ("video", CLOCK)])
    content = iter([body[i:i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    response = quota_client.post("/manage/videos", content=content, headers={"content-type": content_type})
    assert response.status_code == 413
    assert field_error(response.text, "video") == OVER_QUOTA
    assert 'value="One too many"' in response.text
    assert f'name="_csrf_token" value="{token}"' in response.text  # the form can be sent again
    assert [video.title for video in user_videos(quota_client)] == ["First"]
    assert files_in(quota_client.media) == before


def test_deleting_an_uploaded_video_gives_its_space_back(quota_client):
    upload(quota_client, CLOCK)
    [video] = user_videos(quota_client)
    quota_client.post(f"/manage/videos/{video.id}/delete", data={"_csrf_token": csrf_token(quota_client)})
    assert "Your upload space: 2 MB left of 2 MB;" in quota_client.get("/manage/videos/new").text
    assert upload(quota_client, CLOCK).status_code == 302


def test_below_the_free_space_reserve_an_upload_is_refused_but_a_link_is_still_accepted(full_disk_client):
    before = files_in(full_disk_client.media)
    response = upload(full_disk_client, CLOCK, title="No room", description="Kept")
    assert response.status_code == 507
    assert field_error(response.text, "video") == LOW_ON_SPACE
    assert 'value="No room"' in response.text and ">Kept</textarea>" in response.text
    assert files_in(full_disk_client.media) == before
    assert user_videos(full_disk_client) == []
    link = {"title": "Linked", "url": "https://youtu.be/dQw4w9WgXcQ",
            "_csrf_token": csrf_token(full_disk_client)}
    response = full_disk_client.post("/manage/videos", data=link, files={"video": ("", b"")},
                                     follow_redirects=False)
    assert response.status_code == 302
    assert [video.title for video in user_videos(full_disk_client)] == ["Linked"]


@pytest.mark.parametrize("seconds", ["0", "-5"])
def test_a_read_timeout_that_would_end_every_upload_at_once_stops_the_app_starting(seconds):
    with pytest.raises(ConfigurationError, match="UPLOAD_READ_TIMEOUT must be a number of seconds above 0"):
        Settings.from_env({"UPLOAD_READ_TIMEOUT": seconds})
