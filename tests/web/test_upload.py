"""Uploading a video file on the new-video form: stored, played with Range, or refused leaving nothing."""

import os
import re

import pytest
from litestar.datastructures.upload_file import UploadFile
from litestar.testing import TestClient

from app import multimedia
from app.main import create_app
from app.multimedia.urls import URL_HELP
from app.settings import Settings
from tests.conftest import csrf_token, sign_in
from tests.factories import make_user
from tests.multimedia.test_uploads import CLOCK, files_in, tiny_mp4
from tests.web.conftest import field_error

NOT_A_VIDEO = "That file is not an MP4 or WebM video."
INTERRUPTED = "The upload was cut off before the whole file arrived. Please try again."


@pytest.fixture
def media_dir(app):
    """The folder the app stores and serves media from."""
    return app.state.settings.media_dir


@pytest.fixture
def media_before(media_dir):
    """What MEDIA_DIR holds before the test uploads anything."""
    return files_in(media_dir)


@pytest.fixture
def opened(monkeypatch) -> list:
    """Every partial upload file the app opens during the test."""
    opened_uploads = []
    enter = multimedia.PartialUpload.__aenter__

    async def recording_enter(self):
        opened_uploads.append(self)
        return await enter(self)

    monkeypatch.setattr(multimedia.PartialUpload, "__aenter__", recording_enter)
    return opened_uploads


def upload(client: TestClient, content: bytes, filename: str = "clip.webm", token: str | None = "",
           **fields):
    """Submit the new-video form with a file, as a browser sends it (fields first, then the file)."""
    data = {"title": "Uploaded clip", "url": "", "description": "", **fields}
    if token is not None:
        data["_csrf_token"] = token or csrf_token(client)
    return client.post("/manage/videos", data=data, files={"video": (filename, content)},
                       follow_redirects=False)


def new_files(media_dir, before) -> set[str]:
    """Files in MEDIA_DIR (partial uploads included) that were not there before."""
    return files_in(media_dir) - before


def test_the_new_video_form_offers_an_upload_beside_the_link_with_its_size_limit(client, user):
    page = client.get("/manage/videos/new").text
    assert re.search(r'<form method="post" action="/manage/videos" enctype="multipart/form-data"', page)
    assert '<label for="video">Or upload a video file</label>' in page
    assert re.search(r'<input id="video" name="video" type="file" accept="[^"]*video/mp4[^"]*video/webm"',
                     page)
    assert "An MP4 or WebM file of up to 500 MB, instead of a link." in page
    assert page.index('name="_csrf_token"') < page.index('name="video"')  # checked before the file


def test_an_uploaded_webm_becomes_a_video_that_plays_from_the_media_route_with_ranges(
        client, user, run, media_dir, media_before):
    response = upload(client, CLOCK, title="Clock")
    assert (response.status_code, response.headers["location"]) == (302, "/manage/videos")
    [video] = run(multimedia.list_user_videos, user)
    assert re.fullmatch(r"/media/[0-9a-f]{32}\.webm", video.url)
    assert new_files(media_dir, media_before) == {video.url.removeprefix("/media/")}
    watch = client.get(f"/watch/{video.id}-clock").text
    assert f'<video id="player" data-player="html5" src="{video.url}"' in watch
    ranged = client.get(video.url, headers={"Range": "bytes=1000-1999"})
    assert ranged.status_code == 206
    assert ranged.headers["content-range"] == f"bytes 1000-1999/{len(CLOCK)}"
    assert ranged.headers["content-type"] == "video/webm"
    assert ranged.content == CLOCK[1000:2000]


def test_an_mp4_is_stored_as_mp4_whatever_its_name_says(client, user, run, media_dir, media_before):
    assert upload(client, tiny_mp4(), filename="holiday.webm").status_code == 302
    [video] = run(multimedia.list_user_videos, user)
    assert re.fullmatch(r"/media/[0-9a-f]{32}\.mp4", video.url)
    assert (media_dir / video.url.removeprefix("/media/")).read_bytes() == tiny_mp4()
    ranged = client.get(video.url, headers={"Range": "bytes=0-7"})
    assert (ranged.status_code, ranged.headers["content-type"]) == (206, "video/mp4")
    assert ranged.content == tiny_mp4()[:8]


@pytest.mark.parametrize("content", [b"MZ\x90\x00 a program named like a film", b"%PDF-1.7 " * 100_000],
                         ids=["small", "larger-than-what-is-sniffed"])
def test_a_file_named_mp4_whose_bytes_are_no_video_is_refused_and_leaves_nothing(
        client, user, run, media_dir, media_before, content):
    response = upload(client, content, filename="film.mp4", title="Not a film")
    assert response.status_code == 422
    assert field_error(response.text, "video") == NOT_A_VIDEO
    assert 'value="Not a film"' in response.text  # what was typed is kept
    assert f'name="_csrf_token" value="{csrf_token(client)}"' in response.text
    assert run(multimedia.list_user_videos, user) == []
    assert new_files(media_dir, media_before) == set()


def test_a_link_and_a_file_together_are_refused_and_the_file_is_not_kept(
        client, user, run, media_dir, media_before):
    response = upload(client, CLOCK, url="https://youtu.be/dQw4w9WgXcQ")
    assert response.status_code == 422
    assert field_error(response.text, "video") == "Give a link or choose a file, not both."
    assert run(multimedia.list_user_videos, user) == []
    assert new_files(media_dir, media_before) == set()


def test_other_errors_ask_for_the_file_again_and_it_is_not_kept(client, user, run, media_dir, media_before):
    response = upload(client, CLOCK, title="")
    assert response.status_code == 422
    assert field_error(response.text, "title") == "Give the video a title."
    assert field_error(response.text, "video") == "Fix the other errors, then choose the file again."
    assert 'aria-describedby="video-hint video-error"' in response.text
    assert new_files(media_dir, media_before) == set()


def test_neither_a_link_nor_a_file_is_explained_at_the_link(client, user, run):
    response = client.post("/manage/videos", data={"title": "Nothing", "url": "",
                                                   "_csrf_token": csrf_token(client)},
                           files={"video": ("", b"")})  # a file input left empty
    assert response.status_code == 422
    assert field_error(response.text, "url") == URL_HELP
    assert field_error(response.text, "video") is None


def test_a_link_sent_through_the_multipart_form_still_works(client, user, run, media_dir, media_before):
    response = client.post("/manage/videos", data={"title": "Linked", "url": "https://youtu.be/dQw4w9WgXcQ",
                                                   "_csrf_token": csrf_token(client)},
                           files={"video": ("", b"")}, follow_redirects=False)
    assert response.status_code == 302
    [video] = run(multimedia.list_user_videos, user)
    assert video.url == "https://youtu.be/dQw4w9WgXcQ"
    assert new_files(media_dir, media_before) == set()


@pytest.mark.parametrize("token", [None, "forged" * 20], ids=["missing", "forged"])
def test_an_upload_without_its_csrf_token_is_forbidden_before_anything_is_stored(
        client, user, run, media_dir, media_before, opened, token):
    client.get("/manage/videos/new")
    assert upload(client, CLOCK, token=token).status_code == 403
    assert opened == []
    assert run(multimedia.list_user_videos, user) == []
    assert new_files(media_dir, media_before) == set()


def test_a_token_sent_after_the_file_is_too_late(client, user, media_dir, media_before, opened):
    body, content_type = multipart([("title", "Late"), ("video", CLOCK), ("_csrf_token", csrf_token(client))])
    response = client.post("/manage/videos", content=body, headers={"content-type": content_type})
    assert response.status_code == 403
    assert opened == [] and new_files(media_dir, media_before) == set()


def test_an_upload_may_carry_its_csrf_token_in_the_header_as_htmx_can(client, user, run):
    response = client.post("/manage/videos", data={"title": "Header"}, files={"video": ("a.mp4", tiny_mp4())},
                           headers={"x-csrftoken": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 302
    assert [v.title for v in run(multimedia.list_user_videos, user)] == ["Header"]


def test_a_visitor_cannot_upload_and_nothing_is_stored(client, media_dir, media_before):
    response = upload(client, CLOCK)
    assert response.headers["location"].startswith("/sign-in")
    assert new_files(media_dir, media_before) == set()


def test_a_body_that_stops_mid_file_is_refused_as_interrupted_and_leaves_nothing(
        client, user, run, media_dir, media_before):
    body, content_type = multipart([("_csrf_token", csrf_token(client)), ("title", "Cut"), ("video", CLOCK)])
    response = client.post("/manage/videos", content=body[:len(body) // 2],
                           headers={"content-type": content_type})
    assert response.status_code == 400
    assert field_error(response.text, "video") == INTERRUPTED
    assert run(multimedia.list_user_videos, user) == []
    assert new_files(media_dir, media_before) == set()


def test_the_upload_streams_past_litestars_in_memory_form_parsing(client, user, run, media_dir, media_before,
                                                                   monkeypatch):
    def buffered(*args, **kwargs):
        raise AssertionError("the upload was buffered by Litestar")

    # Litestar's own form parsing spools a file in memory (and in the system temp folder past 1 MB),
    # and Request.body() holds the whole request: an upload must go through neither.
    monkeypatch.setattr("litestar.connection.request.parse_multipart_form", buffered)
    monkeypatch.setattr("litestar._kwargs.extractors.parse_multipart_form", buffered)
    monkeypatch.setattr("litestar.connection.Request.body", buffered)
    monkeypatch.setattr(UploadFile, "write", buffered)
    big = CLOCK + bytes(12 * 1024 * 1024)  # far above Litestar's 1 MB spool and 10 MB body limit
    assert upload(client, big, title="Big").status_code == 302
    [video] = run(multimedia.list_user_videos, user)
    assert new_files(media_dir, media_before) == {video.url.removeprefix("/media/")}
    assert (media_dir / video.url.removeprefix("/media/")).stat().st_size == len(big)


def test_deleting_an_uploaded_video_deletes_its_file(client, user, run, media_dir, media_before):
    upload(client, CLOCK)
    [video] = run(multimedia.list_user_videos, user)
    client.post(f"/manage/videos/{video.id}/delete", data={"_csrf_token": csrf_token(client)})
    assert new_files(media_dir, media_before) == set()
    assert client.get(video.url).status_code == 404


@pytest.fixture
def small_client():
    """A signed-in browser on an app that accepts uploads of at most 1 MB."""
    app = create_app(Settings.from_env({**os.environ, "UPLOAD_MAX_MB": "1"}))
    with TestClient(app=app, base_url="http://testserver.local") as small:
        user = small.blocking_portal.call(make_user)
        assert sign_in(small, user.username).status_code == 302
        small.user = user
        yield small


def test_the_form_shows_the_configured_limit(small_client):
    page = small_client.get("/manage/videos/new").text
    assert "An MP4 or WebM file of up to 1 MB, instead of a link." in page


@pytest.mark.parametrize("chunked", [False, True], ids=["announced-length", "chunked"])
def test_a_file_over_the_limit_is_refused_with_413_and_leaves_nothing(small_client, media_dir, media_before,
                                                                     chunked):
    token = csrf_token(small_client)
    body, content_type = multipart([("_csrf_token", token), ("title", "Too big"),
                                    ("video", CLOCK[:4096] + bytes(1024 * 1024))])  # 1 MB + 4 KB
    content = iter([body[i:i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    response = small_client.post("/manage/videos", content=content, headers={"content-type": content_type})
    assert response.status_code == 413
    assert field_error(response.text, "video") == "That file is larger than 1 MB, the most this site accepts."
    assert 'value="Too big"' in response.text
    assert f'name="_csrf_token" value="{token}"' in response.text  # the form can be sent again
    assert small_client.blocking_portal.call(multimedia.list_user_videos, small_client.user) == []
    assert new_files(media_dir, media_before) == set()


def test_a_request_announcing_more_than_the_limit_is_refused_before_it_is_read(small_client, opened):
    response = upload(small_client, CLOCK + bytes(200_000))
    assert response.status_code == 413
    assert field_error(response.text, "video") == "That file is larger than 1 MB, the most this site accepts."
    assert f'name="_csrf_token" value="{csrf_token(small_client)}"' in response.text
    assert opened == []


def multipart(parts: list[tuple[str, str | bytes]], boundary: str = "videologue-test-boundary"):
    """Encode parts in the given order (bytes values as files); return the body and its Content-Type."""
    body = bytearray()
    for name, value in parts:
        if isinstance(value, bytes):
            head = f'Content-Disposition: form-data; name="{name}"; filename="{name}.webm"\r\n' \
                   "Content-Type: video/webm\r\n"
        else:
            head, value = f'Content-Disposition: form-data; name="{name}"\r\n', value.encode()
        body += f"--{boundary}\r\n{head}\r\n".encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"
