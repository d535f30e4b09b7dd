"""Security headers on every kind of response, and CSRF protection of forms."""

import re
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from app import multimedia
from app.main import create_app
from app.settings import Settings
from tests.conftest import post_form
from tests.factories import make_user, make_video


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as directive -> sources."""
    directives = (part.split() for part in response.headers["content-security-policy"].split(";"))
    return {name: set(sources) for name, *sources in directives}


@pytest.fixture
def watch_path(run) -> str:
    video = run(make_video, run(make_user), title="Headers")
    return f"/watch/{video.id}-headers"


@pytest.mark.parametrize("path", ["/", "/sign-in", "/manage/videos", "/watch/999999999", "/no-such-page",
                                  "/static/app.css"])
@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_every_response_carries_the_security_headers(client, path, accept):
    response = client.get(path, headers={"accept": accept}, follow_redirects=False)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert policy(response)["frame-ancestors"] == {"'none'"}


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/app.css"])
def test_only_production_tells_browsers_to_keep_to_https(path):
    for production, expected in ((True, "max-age=63072000; includeSubDomains"), (False, None)):
        settings = replace(Settings.from_env(), production=production, secret_key="its own")
        with TestClient(app=create_app(settings), base_url="http://testserver.local") as client:
            response = client.get(path, headers={"accept": "text/html"})
        assert response.headers.get("strict-transport-security") == expected, (path, production)


def test_scripts_and_frames_come_only_from_this_site_and_youtube(client, watch_path):
    csp = policy(client.get(watch_path))
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'", "https://www.youtube.com", "https://s.ytimg.com"}
    assert csp["frame-src"] == {"https://www.youtube.com", "https://www.youtube-nocookie.com"}
    assert csp["object-src"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'none'"}
    for name, sources in csp.items():
        assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "*"}, name
        assert "data:" not in sources or name == "img-src", name


def test_the_pages_need_no_inline_script_or_style(client, user, watch_path):
    for path in ("/", watch_path, "/manage/videos", "/manage/videos/new", "/account/password"):
        page = client.get(path).text
        assert not re.search(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", page), path


def test_a_form_post_without_a_csrf_token_is_forbidden_and_changes_nothing(client, user, run):
    response = client.post("/manage/videos", data={"title": "Forged", "url": "https://youtu.be/dQw4w9WgXcQ"})
    assert response.status_code == 403
    assert run(multimedia.list_user_videos, user) == []


def test_a_form_post_with_another_browsers_csrf_token_is_forbidden(client, second_client, user, run):
    second_client.get("/sign-in")
    foreign = second_client.cookies["csrftoken"]
    response = client.post("/manage/videos", data={"title": "Forged", "url": "https://youtu.be/dQw4w9WgXcQ",
                                                   "_csrf_token": foreign})
    assert response.status_code == 403
    assert run(multimedia.list_user_videos, user) == []


def test_a_form_post_with_its_csrf_token_is_accepted(client, user, run):
    post_form(client, "/manage/videos", {"title": "Genuine", "url": "https://youtu.be/dQw4w9WgXcQ"})
    assert [video.title for video in run(multimedia.list_user_videos, user)] == ["Genuine"]
