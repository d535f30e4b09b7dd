"""Shared fixtures: a throwaway database (and a PostgreSQL server for tests on both engines),
the app, an HTTP client and signed-in helpers."""

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import TestClient

from app.database import close_pool, open_pool, use_database
from app.devservices.postgres import PostgresCluster
from app.main import create_app
from app.settings import Settings
from tests import diagnostics
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
_TMP = Path(tempfile.mkdtemp(prefix="videologue-tests-"))
# What this run's servers, and Settings.from_env() in its tests, read: a throwaway database,
# media and sessions, on the embedded path (no DATABASE_URL, REDIS_URL or APP_ENV).
TEST_ENV = {
    "SQLITE_PATH": str(_TMP / "test.sqlite"),
    "MEDIA_DIR": str(_TMP / "media"),
    "SESSION_DIR": str(_TMP / "sessions"),
    "ANNOTATION_BURST": "1000",
    # Every test registers from 127.0.0.1, and the cluster tests alone register dozens of users
    # through one Redis: far past one household's 20 a day. tests/web/test_throttle.py tests it.
    "REGISTER_PER_IP": "1000/1d",
}


def pytest_configure(config: pytest.Config) -> None:
    """Point the run at its throwaway folder, migrate it, and bind the app's tables to it."""
    os.environ.update(TEST_ENV)
    for name in ("DATABASE_URL", "REDIS_URL", "APP_ENV"):
        os.environ.pop(name, None)
    subprocess.run([sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    use_database(Settings.from_env())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note where every server's log stands before the test's fixtures run."""
    diagnostics.mark_start(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed setup or test gets the servers' log lines and its artifact folder in its report."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        diagnostics.attach_logs(item, report)
    return report


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    """The folder holding this run's database, media and sessions."""
    return _TMP


@pytest.fixture
def app():
    """The app, built from the test environment."""
    return create_app(Settings.from_env())


@pytest.fixture
def client(app):
    """An HTTP client that keeps cookies, like a browser."""
    with TestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


def csrf_token(client: TestClient) -> str:
    """The CSRF token a form would carry, fetching a page first if there is no cookie yet."""
    if "csrftoken" not in client.cookies:
        client.get("/sign-in")
    return client.cookies["csrftoken"]


def post_form(client: TestClient, url: str, data: dict, **kwargs):
    """Submit a form as a browser does, CSRF token included."""
    return client.post(url, data={**data, "_csrf_token": csrf_token(client)}, **kwargs)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    """Sign the client in through the real form."""
    return post_form(client, "/sign-in", {"username": username, "password": password},
                     follow_redirects=False)


@pytest.fixture(scope="module")
def postgres_url():
    """A private, migrated PostgreSQL server for the module that asks for it."""
    from tests.test_migrations import migrate  # a test module's helper: imported once it is needed

    with PostgresCluster() as cluster:
        diagnostics.watch_log("postgres", cluster.log_path)
        migrate(DATABASE_URL=cluster.url)
        yield cluster.url


@pytest.fixture
async def on_postgres(postgres_url):
    """The app's tables bound to PostgreSQL for one test, then back to the test database."""
    engine = use_database(replace(Settings.from_env(), database_url=postgres_url))
    await open_pool(engine)
    try:
        yield postgres_url
    finally:
        await close_pool(engine)
        use_database(Settings.from_env())


@pytest.fixture(params=["sqlite", "postgres"])
def either_engine(request):
    """Each test once on the test SQLite database and once on a migrated PostgreSQL server."""
    if request.param == "postgres":
        request.getfixturevalue("on_postgres")
    yield request.param
