"""Fixtures for the multimedia context's tests that need PostgreSQL as well as SQLite."""

from dataclasses import replace

import pytest

from app.database import close_pool, open_pool, use_database
from app.devservices.postgres import PostgresCluster
from app.settings import Settings
from tests.diagnostics import watch_log
from tests.test_migrations import migrate


@pytest.fixture(scope="module")
def postgres_url():
    """A private, migrated PostgreSQL server for this module."""
    with PostgresCluster() as cluster:
        watch_log("postgres", cluster.log_path)
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
