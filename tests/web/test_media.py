"""Tests for the media router: ranges, conditional requests and path traversal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote

import anyio
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from app.web.media import media_router

CONTENT = (bytes(range(256)) * 4)[:1000]


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    media = tmp_path / "media"
    (media / "sub").mkdir(parents=True)
    (media / "clip.mp4").write_bytes(CONTENT)
    # One level above the media folder: every traversal test tries to reach it.
    (tmp_path / "secret.txt").write_text("top secret")
    return media


@pytest.fixture
def app(media_dir: Path) -> Litestar:
    return Litestar(route_handlers=[media_router(media_dir)])


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


async def raw_get(app: Litestar, raw_path: str) -> tuple[int, bytes]:
    """Call the ASGI app with an unnormalised path, as a server would pass `..` through."""
    messages: list[dict] = []
    response_done = anyio.Event()
    request_sent = False

    async def receive() -> dict:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await response_done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            response_done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return messages[0]["status"], body


def test_full_get_returns_whole_file_with_accept_ranges(client: TestClient) -> None:
    response = client.get("/media/clip.mp4")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-length"] == "1000"
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["etag"]
    assert response.headers["last-modified"]


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [(".webm", "video/webm"), (".ogv", "video/ogg"), (".bin", "application/octet-stream")],
)
def test_content_type_follows_the_file_extension(
    media_dir: Path, client: TestClient, suffix: str, content_type: str
) -> None:
    (media_dir / f"video{suffix}").write_bytes(b"x")
    assert client.get(f"/media/video{suffix}").headers["content-type"] == content_type


def test_closed_range_returns_partial_content(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 0-99/1000"
    assert response.headers["content-length"] == "100"
    assert response.content == CONTENT[:100]


def test_suffix_range_returns_the_last_bytes(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": "bytes=-100"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 900-999/1000"
    assert response.content == CONTENT[-100:]


def test_open_range_returns_the_rest_of_the_file(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": "bytes=100-"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 100-999/1000"
    assert response.headers["content-length"] == "900"
    assert response.content == CONTENT[100:]


def test_range_ending_past_the_file_is_clamped(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": "bytes=990-2000"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 990-999/1000"
    assert response.content == CONTENT[990:]


@pytest.mark.parametrize("range_header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_range_returns_416_with_the_size(
    client: TestClient, range_header: str
) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": range_header})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */1000"


@pytest.mark.parametrize("range_header", ["bytes=abc", "items=0-10", "bytes=-", "bytes=50-10"])
def test_malformed_range_is_ignored(client: TestClient, range_header: str) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": range_header})
    assert response.status_code == 200
    assert response.content == CONTENT


def test_multiple_ranges_get_the_full_file(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"Range": "bytes=0-1,5-6"})
    assert response.status_code == 200
    assert response.content == CONTENT


def test_head_has_the_get_headers_and_no_body(client: TestClient) -> None:
    get = client.get("/media/clip.mp4")
    head = client.head("/media/clip.mp4")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-length", "content-type", "etag", "last-modified", "accept-ranges"):
        assert head.headers[name] == get.headers[name]


def test_head_with_a_range_reports_the_partial_length(client: TestClient) -> None:
    head = client.head("/media/clip.mp4", headers={"Range": "bytes=0-9"})
    assert head.status_code == 206
    assert head.headers["content-length"] == "10"
    assert head.content == b""


@pytest.mark.parametrize("template", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_with_the_etag_returns_304(client: TestClient, template: str) -> None:
    etag = client.get("/media/clip.mp4").headers["etag"]
    response = client.get("/media/clip.mp4", headers={"If-None-Match": template.format(etag=etag)})
    assert response.status_code == 304
    assert response.headers["etag"] == etag
    assert response.content == b""


def test_if_none_match_with_another_etag_returns_the_file(client: TestClient) -> None:
    response = client.get("/media/clip.mp4", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.content == CONTENT


def test_if_modified_since_not_older_than_the_file_returns_304(client: TestClient) -> None:
    last_modified = client.get("/media/clip.mp4").headers["last-modified"]
    response = client.get("/media/clip.mp4", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304


def test_if_modified_since_older_than_the_file_returns_the_file(
    media_dir: Path, client: TestClient
) -> None:
    mtime = (media_dir / "clip.mp4").stat().st_mtime
    since = formatdate(mtime - 3600, usegmt=True)
    response = client.get("/media/clip.mp4", headers={"If-Modified-Since": since})
    assert response.status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(client: TestClient) -> None:
    last_modified = client.get("/media/clip.mp4").headers["last-modified"]
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert client.get("/media/clip.mp4", headers=headers).status_code == 200


def test_if_range_with_the_current_etag_honours_the_range(client: TestClient) -> None:
    etag = client.get("/media/clip.mp4").headers["etag"]
    headers = {"Range": "bytes=0-9", "If-Range": etag}
    response = client.get("/media/clip.mp4", headers=headers)
    assert response.status_code == 206
    assert response.content == CONTENT[:10]


@pytest.mark.parametrize("if_range", ['"stale-etag"', "Mon, 01 Jan 2001 00:00:00 GMT"])
def test_if_range_mismatch_returns_the_full_file(client: TestClient, if_range: str) -> None:
    headers = {"Range": "bytes=0-9", "If-Range": if_range}
    response = client.get("/media/clip.mp4", headers=headers)
    assert response.status_code == 200
    assert response.content == CONTENT


@pytest.mark.parametrize(
    "raw_path",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/sub/../../secret.txt",
    ],
)
async def test_traversal_out_of_the_media_folder_is_not_found(app: Litestar, raw_path: str) -> None:
    status, body = await raw_get(app, raw_path)
    assert status == 404
    assert b"top secret" not in body


def test_symlink_pointing_outside_the_media_folder_is_not_found(
    media_dir: Path, client: TestClient
) -> None:
    os.symlink(media_dir.parent / "secret.txt", media_dir / "link.txt")
    assert client.get("/media/link.txt").status_code == 404


def test_symlink_inside_the_media_folder_is_served(media_dir: Path, client: TestClient) -> None:
    os.symlink(media_dir / "clip.mp4", media_dir / "alias.mp4")
    assert client.get("/media/alias.mp4").content == CONTENT


def test_absolute_path_is_not_found(media_dir: Path, client: TestClient) -> None:
    secret = (media_dir.parent / "secret.txt").as_posix()
    assert client.get(f"/media/{secret}").status_code == 404


@pytest.mark.parametrize("path", ["/media/sub", "/media/", "/media/missing.mp4"])
def test_directories_and_missing_files_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_hidden_files_are_not_found(media_dir: Path, client: TestClient) -> None:
    (media_dir / ".env").write_text("SECRET=1")
    (media_dir / ".private").mkdir()
    (media_dir / ".private" / "clip.mp4").write_bytes(CONTENT)
    assert client.get("/media/.env").status_code == 404
    assert client.get("/media/.private/clip.mp4").status_code == 404


async def test_nul_byte_in_the_path_is_not_found(app: Litestar) -> None:
    status, _ = await raw_get(app, "/media/clip.mp4%00.txt")
    assert status == 404


def test_symlink_loop_is_not_found(media_dir: Path, client: TestClient) -> None:
    os.symlink(media_dir / "loop.mp4", media_dir / "loop.mp4")
    assert client.get("/media/loop.mp4").status_code == 404
