"""Absurd lengths and digit counts in headers, query strings, path ids and form fields: each gets
its 4xx (or the answer app/web/media.py documents), never a 500, and the app logs no traceback."""

import logging

import pytest

from app import multimedia
from app.validation import UNSTORABLE
from app.web.video_form import FORM_TOO_LARGE
from tests.conftest import csrf_token, post_form
from tests.factories import make_video
from tests.web.conftest import field_error

DIGITS = "9" * 5000  # past int()'s 4,300-digit limit
HUGE_ID = "9" * 30  # past every integer column
SIZE = 1000
FILE = "bounded-inputs.mp4"
VALID = {"title": "Clock", "url": "https://youtu.be/dQw4w9WgXcQ", "description": "", "category_id": ""}


class Tracebacks(logging.Handler):
    """Collects every record that carries a stack, as the app's log would show it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info or "Traceback" in text:
            self.found.append(f"{record.name}: {text[:2000]}")


@pytest.fixture
def tracebacks(client):
    """What the app logs with a stack during the test, from the app's own loggers.

    Taken from the loggers themselves, where records arrive as they are logged: Litestar's
    handler hands them to a thread, and its logger does not propagate to pytest's capture.
    Added after the app was built, since building it reconfigures these loggers.
    """
    handler = Tracebacks()
    loggers = [logging.getLogger(name) for name in ("litestar", "")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.found
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def media_file(app):
    """A 1,000-byte video in the app's media folder."""
    path = app.state.settings.media_dir / FILE
    path.write_bytes(b"v" * SIZE)
    return f"/media/{FILE}"


@pytest.mark.parametrize(("range_header", "status", "content_range"), [
    (f"bytes={DIGITS}-", 416, f"bytes */{SIZE}"),  # a start past the end
    (f"bytes={DIGITS}-{DIGITS}", 416, f"bytes */{SIZE}"),
    (f"bytes=-{DIGITS}", 206, f"bytes 0-999/{SIZE}"),  # a suffix longer than the file: all of it
    (f"bytes=0-{DIGITS}", 206, f"bytes 0-999/{SIZE}"),  # an end past the end: clamped
    ("bytes=" + "0" * 40 + "5-", 206, f"bytes 5-999/{SIZE}"),  # leading zeros are still 5
    (f"bytes={SIZE}-", 416, f"bytes */{SIZE}"),
    ("bytes=-0", 416, f"bytes */{SIZE}"),
    ("bytes=9-1", 200, None),  # start after end: the header is ignored
    ("bytes=0-1,5-9", 200, None),  # several ranges: the whole file
    ("bytes=" + "0-1," * 5000 + "2-3", 200, None),
    ("bytes=abc-", 200, None),
    (b"bytes=\xb2-", 200, None),  # Latin-1 superscript two: a digit to Unicode, not to HTTP
    ("items=0-1", 200, None),
])
def test_an_absurd_range_gets_a_part_416_or_the_whole_file(client, tracebacks, media_file,
                                                           range_header, status, content_range):
    response = client.get(media_file, headers={"Range": range_header})
    assert response.status_code == status
    assert response.headers.get("content-range") == content_range
    assert tracebacks == []


@pytest.mark.parametrize("headers", [
    {"If-Modified-Since": "Mon, 01 Jan 99999999999999 00:00:00 GMT"},  # a year past C's int
    {"If-Modified-Since": "x" * 20_000},
    {"If-None-Match": '"a",' * 10_000},
    {"If-Range": "Mon, 01 Jan 99999999999999 00:00:00 GMT", "Range": "bytes=0-1"},
    {"If-Range": '"' + "x" * 20_000 + '"', "Range": "bytes=0-1"},
])
def test_absurd_validators_serve_the_whole_file(client, tracebacks, media_file, headers):
    response = client.get(media_file, headers=headers)
    assert response.status_code == 200 and len(response.content) == SIZE
    assert tracebacks == []


@pytest.mark.parametrize("path", [
    f"/watch/{HUGE_ID}", f"/watch/{HUGE_ID}-slug", f"/watch/{DIGITS}", "/watch/-1", "/watch/-1-slug",
    "/watch/0", f"/watch/{2**31}-slug", f"/watch/{2**63}",
    f"/watch/{HUGE_ID}/annotations.json", f"/watch/{HUGE_ID}/annotations.vtt",
    "/watch/-1/annotations.json", "/watch/-5/annotations.vtt", f"/watch/{2**63}/annotations.vtt",
    f"/watch/{DIGITS}/annotations.json",
    f"/media/{HUGE_ID}.mp4", "/media/" + "a/" * 2000 + "x.mp4", "/media/" + "a" * 5000 + ".mp4",
])
def test_an_id_or_file_that_cannot_exist_is_not_found(client, tracebacks, path):
    assert client.get(path).status_code == 404
    assert tracebacks == []


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/manage/videos/{HUGE_ID}/edit"), ("GET", "/manage/videos/-1/edit"),
    ("GET", f"/manage/videos/{2**40}/edit"), ("POST", f"/manage/videos/{HUGE_ID}"),
    ("POST", "/manage/videos/-1/delete"), ("POST", f"/manage/videos/{DIGITS}/delete"),
])
def test_managing_a_video_id_that_cannot_exist_is_not_found(client, user, tracebacks, method, path):
    data = {**VALID, "_csrf_token": csrf_token(client)}
    response = client.request(method, path, data=data if method == "POST" else None)
    assert response.status_code == 404
    assert tracebacks == []


@pytest.mark.parametrize(("query", "status"), [
    (f"page={DIGITS}", 400), ("page=-1", 400), (f"page={HUGE_ID}", 200), ("page=%00", 400),
    (f"category={DIGITS}", 200), ("category=-1", 200), (f"t={DIGITS}", 200),
])
def test_absurd_query_strings_on_the_home_page_are_refused_or_ignored(client, tracebacks, query, status):
    assert client.get(f"/?{query}").status_code == status
    assert tracebacks == []


def test_absurd_query_strings_on_the_watch_and_sign_in_pages_are_ignored(client, run, user, tracebacks):
    video = run(make_video, user)
    assert client.get(f"/watch/{video.id}-{video.slug}?t={DIGITS}&cursor={DIGITS}").status_code == 200
    response = client.get("/sign-in?next=" + "a" * 20_000)
    assert response.status_code == 200 and 'name="next" value="/"' in response.text
    assert tracebacks == []


@pytest.mark.parametrize("headers", [
    {"Cookie": "session=" + "a" * 60_000}, {"Cookie": "csrftoken=" + "a" * 60_000},
    {"Cookie": "session=../../../etc/passwd; csrftoken=%00"},
    {"Origin": "http://" + "a" * 60_000}, {"Origin": "http://["}, {"Referer": "http://["},
    {"Accept": "text/html" + ",a" * 20_000}, {"Accept-Language": "a" * 60_000},
    {"Host": "["}, {"Host": "a" * 10_000},
])
def test_absurd_headers_still_get_the_home_page(client, tracebacks, headers):
    assert client.get("/", headers=headers).status_code == 200
    assert tracebacks == []


@pytest.mark.parametrize("referer", ["http://[", "http://testserver.local:99999999/x", "x" * 20_000])
def test_a_guarded_post_from_an_absurd_referer_is_sent_to_sign_in(client, tracebacks, referer):
    response = client.post("/manage/videos/1/delete", data={"_csrf_token": csrf_token(client)},
                           headers={"Referer": referer}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/sign-in?next=/"
    assert tracebacks == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    # Longer than the videos.url column: PostgreSQL would refuse the row with a 500.
    ({"url": "https://example.com/" + "a" * 3000 + ".mp4"}, "url", "Use a link of at most 2,048 characters."),
    ({"url": "https://example.com/a\x00.mp4"}, "url",
     "That link has invisible or broken characters in it; paste it again."),
    ({"url": "https://[/clip.mp4"}, "url", "Use a YouTube link, or a link to an .mp4, .webm or .ogv file."),
    ({"title": "t" * 10_000}, "title", "Use at most 120 characters."),
    ({"title": "a\x00b"}, "title", UNSTORABLE),  # PostgreSQL refuses NUL in text
    ({"description": "d" * 3000}, "description", "Use at most 2,000 characters."),
    ({"description": "d\x00"}, "description", UNSTORABLE),
    ({"category_id": DIGITS}, "category_id", "Pick a category from the list."),
    ({"category_id": "-1"}, "category_id", "Pick a category from the list."),
])
def test_an_absurd_video_field_is_explained_on_the_form_and_nothing_is_stored(
        client, run, user, tracebacks, changes, field, message):
    video = run(make_video, user, title="Before")
    for path in ("/manage/videos", f"/manage/videos/{video.id}"):  # creating and editing
        response = post_form(client, path, {**VALID, **changes})
        assert response.status_code == 422
        assert field_error(response.text, field) == message
    [kept] = run(multimedia.list_user_videos, user)
    assert (kept.id, kept.title, kept.url) == (video.id, "Before", video.url)
    assert tracebacks == []


def test_a_video_form_over_its_size_is_refused_whole(client, run, user, tracebacks):
    response = post_form(client, "/manage/videos", {**VALID, "description": "d" * 70_000})
    assert response.status_code == 413 and FORM_TOO_LARGE in response.text
    assert run(multimedia.list_user_videos, user) == []
    assert tracebacks == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "n" * 10_000}, "name", "Use at most 100 characters."),
    ({"name": "a\x00b"}, "name", UNSTORABLE),
    ({"username": "u" * 10_000}, "username", "Use 3–20 letters, digits or underscores."),
    ({"password": "p" * 100_000}, "password", "Use at most 1024 characters."),
])
def test_an_absurd_registration_field_is_explained_on_the_form(client, tracebacks, changes, field, message):
    form = {"name": "Ann", "username": "ann_bounded", "password": "correct horse battery", **changes}
    response = post_form(client, "/register", form)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert tracebacks == []


def test_an_absurd_sign_in_is_refused_like_a_wrong_password(client, tracebacks):
    response = post_form(client, "/sign-in", {"username": "u" * 100_000, "password": "p" * 100_000})
    assert response.status_code == 401
    assert tracebacks == []


@pytest.mark.parametrize("path", ["/sign-in", "/register", "/manage/videos/1"])
def test_a_form_field_sent_twice_is_a_bad_request(client, user, tracebacks, path):
    token = csrf_token(client)
    body = f"username=a&username=b&name=a&name=b&title=a&title=b&password=x&_csrf_token={token}"
    response = client.post(path, content=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert tracebacks == []
