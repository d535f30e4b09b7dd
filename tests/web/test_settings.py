"""Settings from the environment, and what production changes about cookies and memory."""

import gc
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from app.collector import NEVER
from app.main import create_app
from app.settings import (
    DEVELOPMENT_SECRET_FILE,
    PUBLISHED_SECRET,
    ConfigurationError,
    Settings,
    development_secret,
)
from app.web import session_config

OWN_SECRET = "a production secret nobody else has"


@pytest.mark.parametrize("env", [
    {"APP_ENV": "production"},
    {"APP_ENV": "production", "SECRET_KEY": ""},
    {"APP_ENV": "production", "SECRET_KEY": PUBLISHED_SECRET},
])
def test_production_without_a_secret_key_of_its_own_refuses_to_start(env):
    with pytest.raises(ConfigurationError):
        Settings.from_env(env)


def test_production_with_its_own_secret_key_starts():
    settings = Settings.from_env({"APP_ENV": "production", "SECRET_KEY": OWN_SECRET})
    assert (settings.production, settings.secret_key) == (True, OWN_SECRET)


@pytest.mark.parametrize("env", [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": PUBLISHED_SECRET}])
def test_development_without_a_key_uses_this_checkouts_generated_one(env):
    settings = Settings.from_env(env)
    assert settings.secret_key == DEVELOPMENT_SECRET_FILE.read_text().strip()
    assert settings.secret_key != PUBLISHED_SECRET and len(settings.secret_key) >= 64


def test_the_generated_key_is_random_private_and_reused(tmp_path):
    first = development_secret(tmp_path / "var" / "secret-key")
    assert stat.S_IMODE((tmp_path / "var" / "secret-key").stat().st_mode) == 0o600
    assert development_secret(tmp_path / "var" / "secret-key") == first
    assert development_secret(tmp_path / "other" / "secret-key") != first
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == ["secret-key"]  # no drafts left


def test_processes_starting_at_once_all_read_the_same_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: development_secret(tmp_path / "secret-key"), range(32)))
    assert len(keys) == 1 and len(keys.pop()) >= 64


@pytest.mark.parametrize(("production", "secure"), [(True, True), (False, False)])
def test_the_session_cookie_is_httponly_lax_and_secure_only_in_production(production, secure):
    config = session_config(replace(Settings.from_env({}), production=production))
    assert (config.httponly, config.samesite, config.secure) == (True, "lax", secure)


def cookie_attributes(response, name: str) -> set[str]:
    """The lowercased attributes of one Set-Cookie header."""
    header = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}="))
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_a_production_app_sets_secure_httponly_lax_session_and_csrf_cookies():
    settings = replace(Settings.from_env(), production=True, secret_key=OWN_SECRET)
    with TestClient(app=create_app(settings), base_url="http://testserver.local") as client:
        response = client.get("/manage/videos", follow_redirects=False)  # the sign-in flash needs a session
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(response, "session")
    assert {"secure", "httponly"} <= cookie_attributes(response, "csrftoken")


def test_a_production_app_freezes_what_startup_loaded_and_times_full_collections():
    settings = replace(Settings.from_env(), production=True, secret_key=OWN_SECRET)
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        with TestClient(app=create_app(settings), base_url="http://testserver.local"):
            assert gc.get_freeze_count() > 10_000
            assert gc.get_threshold()[2] == NEVER
        assert gc.get_threshold() == thresholds  # the timer stopped with the app
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_a_development_app_leaves_the_collector_alone():
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        with TestClient(app=create_app(Settings.from_env()), base_url="http://testserver.local"):
            assert gc.get_freeze_count() == 0
            assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_full_collection_period_is_read_from_the_environment():
    assert Settings.from_env({}).gc_full_every == 300.0
    assert Settings.from_env({"GC_FULL_EVERY": "60"}).gc_full_every == 60.0
