"""Sessions (app/web/session.py): stored only with content, renewed at sign-in, purged once expired."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar.stores.base import StorageObject
from litestar.stores.file import FileStore
from litestar.testing import TestClient
from redis import Redis

from app.devservices.redis_server import RedisServer
from app.main import create_app
from app.settings import Settings
from app.web.session import SESSION_MAX_AGE, purge_expired_sessions, purge_sessions_every
from tests.conftest import post_form, sign_in
from tests.diagnostics import watch_log
from tests.factories import make_user
from tests.web.conftest import signed_in_as

VISITOR_PAGES = ["/", "/sign-in", "/register", "/no-such-page"]


@pytest.fixture
def app(tmp_path):
    """The app, with a session folder of this test's own so that what it stores can be counted."""
    return create_app(replace(Settings.from_env(), session_dir=tmp_path / "sessions"))


@pytest.fixture
def second_client(app):
    """Another browser, on another app instance sharing this test's session folder."""
    settings = app.state.settings
    with TestClient(app=create_app(settings), base_url="http://testserver.local") as other:
        yield other


def stored_sessions(app) -> list[Path]:
    """The session files on disk."""
    folder = app.state.settings.session_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def session_cookies(response) -> list[str]:
    """The Set-Cookie headers of a response that are about the session."""
    return [c for c in response.headers.get_list("set-cookie") if c.startswith("session=")]


def expire(path: Path) -> None:
    """Rewrite a stored session as one whose time ran out long ago."""
    stored = StorageObject.from_bytes(path.read_bytes())
    path.write_bytes(StorageObject(expires_at=datetime(2000, 1, 1, tzinfo=UTC), data=stored.data).to_bytes())


def test_a_thousand_visitors_without_a_cookie_store_nothing_and_get_no_session_cookie(app, client):
    for i in range(1000):
        client.cookies.clear()
        response = client.get(VISITOR_PAGES[i % len(VISITOR_PAGES)])
        assert response.status_code in (200, 404)
        assert session_cookies(response) == []
    assert stored_sessions(app) == []


def test_a_visitors_flash_is_kept_until_shown_and_then_the_session_is_deleted(app, client):
    response = client.get("/manage/videos/new", follow_redirects=False)
    assert session_cookies(response) and len(stored_sessions(app)) == 1
    assert "Please sign in to continue." in client.get(response.headers["location"]).text
    assert stored_sessions(app) == []
    assert "session" not in client.cookies
    assert session_cookies(client.get("/")) == []


def test_signing_in_stores_one_session_that_keeps_the_user_signed_in(app, client, run):
    user = run(make_user)
    client.get("/sign-in")
    assert stored_sessions(app) == []
    assert session_cookies(sign_in(client, user.username))
    assert signed_in_as(client) == user.username  # also shows, and so consumes, the welcome flash
    assert signed_in_as(client) == user.username
    assert len(stored_sessions(app)) == 1


def test_signing_out_shows_its_notice_in_a_fresh_session_that_then_goes_away(app, client, user):
    signed_in_session = client.cookies["session"]
    response = post_form(client, "/sign-out", {}, follow_redirects=False)
    assert client.cookies["session"] != signed_in_session
    assert session_cookies(response) and len(stored_sessions(app)) == 1
    assert "You have signed out." in client.get("/").text
    assert stored_sessions(app) == []
    assert "session" not in client.cookies
    assert signed_in_as(client) is None


def test_the_purge_deletes_expired_sessions_and_keeps_live_ones(app, client, second_client, user, run):
    live = stored_sessions(app)
    sign_in(second_client, user.username)
    [stale] = set(stored_sessions(app)) - set(live)
    expire(stale)
    run(purge_expired_sessions, app.stores.get("sessions"))
    assert stored_sessions(app) == live
    assert signed_in_as(client) == user.username
    assert signed_in_as(second_client) is None


def test_a_file_the_purge_cannot_read_does_not_stop_it(app, client, user, run):
    [stale] = stored_sessions(app)
    expire(stale)
    half_written = stale.with_name(stale.name + ".tmpcrash")
    half_written.write_bytes(b"")  # what a crash between creating and writing a file leaves
    run(purge_expired_sessions, app.stores.get("sessions"))
    assert stored_sessions(app) == [half_written]


@pytest.fixture(scope="module")
def redis_url():
    """A real redis-server for this module."""
    with RedisServer() as server:
        watch_log("redis", server.log_path)
        yield server.url


def test_with_redis_visitors_store_nothing_and_a_signed_in_session_expires_by_ttl(redis_url):
    redis = Redis.from_url(redis_url)
    redis.flushall()
    settings = replace(Settings.from_env(), redis_url=redis_url)
    with TestClient(app=create_app(settings), base_url="http://testserver.local") as browser:
        for page in VISITOR_PAGES:
            browser.cookies.clear()
            assert session_cookies(browser.get(page)) == []
        assert redis.keys("videologue-sessions:*") == []
        user = browser.blocking_portal.call(make_user)
        sign_in(browser, user.username)
        [key] = redis.keys("videologue-sessions:*")
        assert SESSION_MAX_AGE - 60 < redis.ttl(key) <= SESSION_MAX_AGE
    redis.close()


async def test_the_timer_keeps_sweeping_and_survives_a_failed_sweep(tmp_path, caplog):
    folder = tmp_path / "sessions"
    store = FileStore(folder)  # the folder does not exist yet: the first sweeps fail
    timer = asyncio.create_task(purge_sessions_every(store, seconds=0.01))
    try:
        async with asyncio.timeout(30):  # bounds a timer that stopped; the loops wait on files
            while "Purging expired sessions failed" not in caplog.text:
                await asyncio.sleep(0.01)
            folder.mkdir()
            for key in ("first", "second"):
                await store.set(key, b"{}", expires_in=3600)
                [stored] = folder.iterdir()
                expire(stored)
                while stored.exists():
                    await asyncio.sleep(0.01)
    finally:
        timer.cancel()
