"""Web-test fixtures: context calls on the client's event loop, signed-in users, page scraping."""

import re
from functools import partial
from html import unescape

import pytest
from litestar.testing import TestClient

from app import multimedia
from app.main import create_app
from app.settings import Settings
from app.templating import TEMPLATE_CONFIG
from tests.conftest import sign_in
from tests.factories import make_user


@pytest.fixture(autouse=True)
def template_reloading_restored(monkeypatch):
    """Every create_app sets whether templates reload (off in production): put it back after."""
    engine = TEMPLATE_CONFIG.engine_instance.engine
    monkeypatch.setattr(engine, "auto_reload", engine.auto_reload)


@pytest.fixture
def run(client):
    """Call a context function on the app's own event loop, as the handlers do, and return its result."""

    def call(function, *args, **kwargs):
        return client.blocking_portal.call(partial(function, *args, **kwargs))

    return call


@pytest.fixture
def categories(run) -> dict[str, int]:
    """The seeded categories, name to id."""
    run(multimedia.seed_categories)
    return {category.name: category.id for category in run(multimedia.list_categories)}


@pytest.fixture
def user(client, run):
    """A registered user, signed in on `client`."""
    user = run(make_user)
    assert sign_in(client, user.username).status_code == 302
    return user


@pytest.fixture
def second_client():
    """Another browser, talking to another app instance that shares the database and session store."""
    with TestClient(app=create_app(Settings.from_env()), base_url="http://testserver.local") as other:
        yield other


def field_error(html: str, field: str) -> str | None:
    """The error message shown next to a form field, or None when there is none."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else None


def signed_in_as(client: TestClient) -> str | None:
    """The username the page header says is signed in, or None for a visitor."""
    match = re.search(r"Signed in as <strong>(.*?)</strong>", client.get("/").text)
    return match.group(1) if match else None
