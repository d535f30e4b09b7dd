"""Uploads cut off or refused mid-stream, against a real uvicorn: nothing is left behind."""

import re
import socket
import time

import httpx
import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, unique_username
from tests.multimedia.test_uploads import CLOCK, files_in
from tests.server import AppServer
from tests.web.test_upload import multipart

LIMIT_MB = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn serving the app with its own MEDIA_DIR and its own temp folder (TMPDIR)."""
    root = tmp_path_factory.mktemp("uploads-server")
    (root / "media").mkdir()
    (root / "tmp").mkdir()
    app_server = AppServer({"MEDIA_DIR": str(root / "media"), "TMPDIR": str(root / "tmp"),
                            "UPLOAD_MAX_MB": str(LIMIT_MB)}).start()
    app_server.media, app_server.tmp = root / "media", root / "tmp"
    yield app_server
    app_server.stop()


@pytest.fixture
def browser(server):
    """A client registered and signed in on the server."""
    with httpx.Client(base_url=server.url) as client:
        client.get("/sign-in")
        client.post("/register", data={"name": "Uploader", "username": unique_username("upl"),
                                       "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]})
        yield client


def raw_upload(server, browser, body: bytes, content_type: str, length: int) -> socket.socket:
    """Open a socket and send the request head and the given start of the body."""
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    head = (f"POST /manage/videos HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {length}\r\nCookie: {cookies}\r\n\r\n")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(head.encode() + body)
    return sock


def received(sock: socket.socket) -> bytes:
    """The next bytes from the socket (each read bounded by its timeout), never an early end."""
    data = sock.recv(65536)
    assert data, "the server closed the connection before the response was complete"
    return data


def read_response(sock: socket.socket) -> str:
    """Read one HTTP response (head and Content-Length body) from the socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += received(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
    while len(body) < length:
        body += received(sock)
    return (head + b"\r\n\r\n" + body).decode("utf-8", "replace")


def wait_for(check, timeout: float = 20) -> bool:
    """Poll check until it holds or the timeout passes; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        # Pacing between looks at the disk: the server announces nothing about its files, so
        # the test checks the condition itself, a few times a second until the bound.
        time.sleep(0.05)
    return False


def partial_bytes(server) -> int:
    """Bytes held in partial upload files on the server."""
    return sum(path.stat().st_size for path in server.media.rglob("*.part"))


def test_a_client_that_disconnects_mid_upload_leaves_nothing_in_media_or_tmp(server, browser):
    body, content_type = multipart([("_csrf_token", csrf_token(browser)), ("title", "Cut off"),
                                    ("video", CLOCK + bytes(6 * 1024 * 1024))])
    sock = raw_upload(server, browser, body[:len(body) // 2], content_type, len(body))
    # While the request is still open, what arrived is on disk in MEDIA_DIR, not held in memory.
    assert wait_for(lambda: partial_bytes(server) >= 2 * 1024 * 1024), files_in(server.media)
    sock.close()
    assert wait_for(lambda: files_in(server.media) == set()), files_in(server.media)
    assert files_in(server.tmp) == set()
    assert "Cut off" not in browser.get("/manage/videos").text


def test_an_announced_oversized_upload_is_answered_413_while_the_client_is_still_sending(server, browser):
    body, content_type = multipart([("_csrf_token", csrf_token(browser)), ("title", "Huge"),
                                    ("video", CLOCK[:4096])])
    sock = raw_upload(server, browser, body[:-200], content_type, (LIMIT_MB + 1) * 1024 * 1024)
    answer = read_response(sock)
    sock.close()
    assert answer.startswith("HTTP/1.1 413 ")
    assert f"That file is larger than {LIMIT_MB} MB, the most this site accepts." in answer
    assert files_in(server.media) == set() and files_in(server.tmp) == set()


def test_a_whole_upload_over_the_real_server_is_stored_once_with_no_temp_files(server, browser):
    response = browser.post("/manage/videos", data={"title": "Whole", "_csrf_token": csrf_token(browser)},
                            files={"video": ("clock.webm", CLOCK)}, follow_redirects=True)
    assert response.status_code == 200 and "“Whole” is ready to watch." in response.text
    [stored] = files_in(server.media)
    assert (server.media / stored).read_bytes() == CLOCK
    assert files_in(server.tmp) == set()
