"""Uploads held open against a real uvicorn: a per-user limit on uploads in flight, a read timeout."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, unique_username
from tests.multimedia.test_uploads import CLOCK, files_in
from tests.server import AppServer
from tests.web.conftest import field_error
from tests.web.test_upload import multipart
from tests.web.test_upload_interrupted import partial_bytes, raw_upload, read_response, wait_for

IN_FLIGHT = ("You already have 2 uploads in progress, the most at once. "
             "Wait for one to finish, then try again.")
STALLED = "Nothing more of the upload arrived for 2 seconds, so it was ended. Please try again."


def start_server(root, **env: str) -> AppServer:
    """A uvicorn with its own MEDIA_DIR and temp folder and the given settings."""
    (root / "media").mkdir()
    (root / "tmp").mkdir()
    server = AppServer({"MEDIA_DIR": str(root / "media"), "TMPDIR": str(root / "tmp"), **env}).start()
    server.media = root / "media"
    return server


@pytest.fixture(scope="module")
def patient_server(tmp_path_factory):
    """Two uploads in flight per user, and a read timeout no held upload in these tests reaches."""
    server = start_server(tmp_path_factory.mktemp("held"), UPLOADS_IN_FLIGHT="2",
                          UPLOAD_READ_TIMEOUT="600")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory):
    """A server that ends an upload when nothing of it arrives for 2 seconds."""
    server = start_server(tmp_path_factory.mktemp("stalled"), UPLOAD_READ_TIMEOUT="2")
    yield server
    server.stop()


@contextmanager
def signed_in(server) -> Iterator[httpx.Client]:
    """A new user's client, registered and signed in on the server."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.get("/sign-in")
        client.post("/register", data={"name": "Uploader", "username": unique_username("held"),
                                       "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]})
        yield client


def held_upload(server, client, title: str) -> tuple[socket.socket, bytes]:
    """Start an upload and send only its fields and the first 64 KB of its file; return the rest."""
    body, content_type = multipart([("_csrf_token", csrf_token(client)), ("title", title),
                                    ("video", CLOCK)])
    sock = raw_upload(server, client, body[:len(body) - len(CLOCK) + 65536], content_type, len(body))
    sock.settimeout(60)
    return sock, body[len(body) - len(CLOCK) + 65536:]


def partial_files(server) -> int:
    """How many partial upload files the server holds open."""
    return len(list(server.media.rglob("*.part")))


def post_upload(client, title: str) -> httpx.Response:
    """Upload the clock clip whole through the form."""
    return client.post("/manage/videos", data={"title": title, "_csrf_token": csrf_token(client)},
                       files={"video": ("clock.webm", CLOCK)})


def test_a_third_upload_is_refused_while_two_of_the_same_users_are_arriving(patient_server):
    with signed_in(patient_server) as client, signed_in(patient_server) as neighbour:
        first, rest_of_first = held_upload(patient_server, client, "First")
        second, _ = held_upload(patient_server, client, "Second")
        try:
            assert wait_for(lambda: partial_files(patient_server) == 2), files_in(patient_server.media)

            third = post_upload(client, "Third")
            assert third.status_code == 429
            assert field_error(third.text, "video") == IN_FLIGHT
            assert 'value="Third"' in third.text
            assert post_upload(neighbour, "Someone else's").status_code == 302  # the limit is per user

            first.sendall(rest_of_first)
            assert read_response(first).startswith("HTTP/1.1 302 ")
            assert post_upload(client, "Fourth").status_code == 302  # the first one's place is free
        finally:
            first.close()
            second.close()
        assert wait_for(lambda: partial_files(patient_server) == 0), files_in(patient_server.media)
        titles = client.get("/manage/videos").text
        assert "First" in titles and "Fourth" in titles
        assert "Second" not in titles and "Third" not in titles


def test_a_stalled_upload_is_ended_after_the_read_timeout_and_its_partial_file_removed(impatient_server):
    with signed_in(impatient_server) as client:
        sock, _ = held_upload(impatient_server, client, "Stalled")
        try:
            answer = read_response(sock)  # the answer comes once the timeout ends the upload
            assert answer.startswith("HTTP/1.1 408 ")
            assert field_error(answer, "video") == STALLED
            assert 'value="Stalled"' in answer
            assert partial_bytes(impatient_server) == 0 and files_in(impatient_server.media) == set()
            assert sock.recv(65536) == b""  # and the connection is closed
        finally:
            sock.close()
        assert "upload ended: nothing arrived for 2 s (UPLOAD_READ_TIMEOUT)" in impatient_server.log()
        assert "Stalled" not in client.get("/manage/videos").text
