"""Sign-in and registration throttles over HTTP (app/web/throttles.py), checked before hashing."""

import asyncio
import re
import threading
from dataclasses import replace
from html import unescape

import pytest
from litestar.testing import TestClient

from app.accounts import passwords
from app.clients import parse_networks
from app.devservices import RedisServer
from app.main import create_app
from app.settings import Settings
from app.throttle import Limit
from tests.conftest import post_form, sign_in
from tests.diagnostics import watch_log
from tests.factories import PASSWORD, make_user, unique_username
from tests.web.conftest import signed_in_as

HOME, ELSEWHERE = "203.0.113.10", "198.51.100."
GENEROUS = Limit(1000, 3600)


class FromAddress:
    """The app as reached from `address` (the test client's own peer is "testclient")."""

    def __init__(self, app) -> None:
        self.app, self.address = app, HOME

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "client": (self.address, 50000)}
        await self.app(scope, receive, send)


class CountingHasher:
    """The real argon2 hasher, counting the hashes it computes and verifies."""

    def __init__(self, real) -> None:
        self.real, self.calls = real, 0

    def hash(self, password):
        self.calls += 1
        return self.real.hash(password)

    def verify(self, password_hash, password):
        self.calls += 1
        return self.real.verify(password_hash, password)

    def check_needs_rehash(self, password_hash):
        return self.real.check_needs_rehash(password_hash)


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    """Every password hash from now on, counted."""
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


def throttled_client(**limits):
    """A browser on an app with these limits (the others generous), and its address to change."""
    settings = replace(Settings.from_env(), **{"sign_in_per_ip": GENEROUS, "sign_in_per_username":
                                               GENEROUS, "register_per_ip": GENEROUS, **limits})
    peer = FromAddress(create_app(settings))
    return TestClient(app=peer, base_url="http://testserver.local"), peer


@pytest.fixture
def limits():
    """The limits the next `browser` is built with; a test sets them before asking for it."""
    return {}


@pytest.fixture
def browser(limits):
    """(client, peer): a browser whose address the test sets through `peer.address`."""
    client, peer = throttled_client(**limits)
    with client:
        yield client, peer


def run(client, function, *args):
    """Call a context function on the app's event loop."""
    return client.blocking_portal.call(function, *args)


def alert(response) -> str:
    """The alert the form shows."""
    return unescape(re.search(r'role="alert">(.*?)</p>', response.text, re.S)[1])


def sign_out(client) -> None:
    """Sign out through the header's button."""
    post_form(client, "/sign-out", {})


@pytest.mark.parametrize("limits", [{"sign_in_per_username": Limit(3, 3600)}])
def test_one_wrong_password_too_many_gets_429_saying_when_and_nothing_is_hashed(browser, hasher):
    client, peer = browser
    user = run(client, make_user)
    hasher.calls = 0
    assert [sign_in(client, user.username, "wrong guess").status_code for _ in range(3)] == [401] * 3
    refused = sign_in(client, user.username, "wrong guess")
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1200")
    assert alert(refused) == "Too many attempts for now. Please try again in 20 minutes."
    assert f'value="{user.username}"' in refused.text
    assert sign_in(client, user.username).status_code == 429  # even the right password waits
    assert hasher.calls == 3


@pytest.mark.parametrize("limits", [{"sign_in_per_username": Limit(3, 3600)}])
def test_the_owner_still_signs_in_from_their_usual_address_while_others_guess(browser):
    client, peer = browser
    user = run(client, make_user)
    assert sign_in(client, user.username).status_code == 302
    sign_out(client)
    for n in range(1, 5):  # a botnet: every guess from another address
        peer.address = f"{ELSEWHERE}{n}"
        guessed = sign_in(client, user.username, f"guess {n}")
    assert guessed.status_code == 429
    peer.address = f"{ELSEWHERE}99"
    assert sign_in(client, user.username).status_code == 429  # a new address waits too
    peer.address = HOME
    assert sign_in(client, user.username).status_code == 302
    assert signed_in_as(client) == user.username


@pytest.mark.parametrize("limits", [{"sign_in_per_ip": Limit(3, 3600)}])
def test_wrong_guesses_across_usernames_from_one_address_hit_its_limit(browser):
    client, peer = browser
    statuses = [sign_in(client, unique_username("ghost"), "guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    peer.address = f"{ELSEWHERE}1"
    assert sign_in(client, unique_username("ghost"), "guess").status_code == 401


@pytest.mark.parametrize("limits", [{"sign_in_per_ip": Limit(2, 3600),
                                     "sign_in_per_username": Limit(2, 3600)}])
def test_successful_sign_ins_never_count(browser):
    client, peer = browser
    user = run(client, make_user)
    for _ in range(6):
        assert sign_in(client, user.username).status_code == 302
        sign_out(client)


@pytest.mark.parametrize("limits", [{"register_per_ip": Limit(2, 24 * 3600)}])
def test_registrations_from_one_address_are_limited_and_the_form_keeps_what_was_typed(
        browser, hasher):
    client, peer = browser
    for _ in range(2):
        form = {"name": "Grace", "username": unique_username("reg"), "password": PASSWORD}
        assert post_form(client, "/register", form, follow_redirects=False).status_code == 302
        sign_out(client)
    hasher.calls = 0
    username = unique_username("reg")
    refused = post_form(client, "/register", {"name": "Grace", "username": username,
                                              "password": PASSWORD})
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "43200")
    assert alert(refused) == "Too many attempts for now. Please try again in 12 hours."
    assert f'value="{username}"' in refused.text and 'value="Grace"' in refused.text
    assert PASSWORD not in refused.text
    assert hasher.calls == 0
    assert sign_in(client, username).status_code == 401  # no account was made
    peer.address = f"{ELSEWHERE}1"
    assert post_form(client, "/register", {"name": "Grace", "username": username,
                                           "password": PASSWORD},
                     follow_redirects=False).status_code == 302


@pytest.mark.parametrize("limits", [{"register_per_ip": Limit(1, 24 * 3600),
                                     "trusted_proxies": parse_networks("10.0.0.0/8")}])
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit_and_no_one_else_can_forge_one(
        browser):
    client, peer = browser

    def register(forwarded_for: str) -> int:
        form = {"name": "Grace", "username": unique_username("fwd"), "password": PASSWORD}
        response = post_form(client, "/register", form, headers={"x-forwarded-for": forwarded_for},
                             follow_redirects=False)
        sign_out(client)
        return response.status_code

    peer.address = "10.0.0.2"  # the proxy
    assert [register("203.0.113.1"), register("203.0.113.2"), register("203.0.113.1")] == [302, 302, 429]
    peer.address = f"{ELSEWHERE}7"  # no proxy: its header is its own invention
    assert [register("203.0.113.3"), register("203.0.113.4")] == [302, 429]


def test_ipv6_clients_are_counted_by_their_64_bit_prefix():
    client, peer = throttled_client(sign_in_per_ip=Limit(2, 3600))
    with client:
        for host in ("2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:ffff::1"):
            peer.address = host
            status = sign_in(client, unique_username("v6"), "guess").status_code
        assert status == 429
        peer.address = "2001:db8:1:3::a"
        assert sign_in(client, unique_username("v6"), "guess").status_code == 401


@pytest.fixture
def block_hashing():
    """Call it to hold the hashing thread with a job the queue does not count; set to release."""
    release = threading.Event()
    yield lambda: passwords.HASHING.submit(release.wait, 60) and release
    release.set()


async def queued_hash() -> asyncio.Task:
    """A hash waiting in the queue: started, and counted, before this returns."""
    task = asyncio.create_task(passwords.hash_password("a waiting password"))
    await asyncio.sleep(0)  # the task's first step runs before this one resumes: it is queued
    assert passwords._Queue.pending == 1 and not task.done()
    return task


@pytest.mark.parametrize("limits", [{"hash_queue": 1, "sign_in_per_ip": Limit(1, 3600)}])
def test_a_full_hashing_queue_answers_503_at_once_and_the_attempt_does_not_count(
        browser, hasher, block_hashing):
    client, peer = browser
    user = run(client, make_user)
    hasher.calls = 0
    hashing_blocked = block_hashing()
    waiting = run(client, queued_hash)
    refused = sign_in(client, user.username)
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "2")
    assert alert(refused) == ("Videologue is busy checking other passwords right now; nothing you "
                              "typed was lost. Please try again in 2 seconds.")
    assert f'value="{user.username}"' in refused.text
    assert hasher.calls == 0
    hashing_blocked.set()
    run(client, asyncio.wait_for, waiting, 60)
    # The per-address limit of one failure is intact: the refused attempt was given back.
    assert sign_in(client, user.username, "wrong").status_code == 401
    assert sign_in(client, user.username).status_code == 429


@pytest.mark.parametrize("limits", [{"hash_queue": 1}])
def test_a_full_hashing_queue_turns_a_registration_away_without_making_the_account(
        browser, block_hashing):
    client, peer = browser
    hashing_blocked = block_hashing()
    waiting = run(client, queued_hash)
    username = unique_username("busy")
    refused = post_form(client, "/register", {"name": "Grace", "username": username,
                                              "password": PASSWORD})
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "2")
    assert f'value="{username}"' in refused.text
    hashing_blocked.set()
    run(client, asyncio.wait_for, waiting, 60)
    assert sign_in(client, username).status_code == 401


@pytest.fixture(scope="module")
def redis_url():
    """A redis-server of this module's own."""
    with RedisServer() as server:
        watch_log("redis", server.log_path)
        yield server.url


def test_with_redis_every_node_counts_the_same_failures(redis_url):
    nodes = [throttled_client(redis_url=redis_url, sign_in_per_username=Limit(2, 3600))
             for _ in range(2)]
    with nodes[0][0] as a, nodes[1][0] as b:
        username = unique_username("shared")
        assert [sign_in(a, username, "guess").status_code, sign_in(b, username, "guess").status_code,
                sign_in(a, username, "guess").status_code] == [401, 401, 429]
        assert sign_in(b, username, "guess").status_code == 429


@pytest.mark.parametrize("limits", [{"hash_queue": 1}])
def test_a_full_hashing_queue_turns_a_password_change_away_and_the_old_password_still_works(
        browser, block_hashing):
    client, peer = browser
    user = run(client, make_user)
    assert sign_in(client, user.username).status_code == 302
    hashing_blocked = block_hashing()
    waiting = run(client, queued_hash)
    refused = post_form(client, "/account/password", {"current_password": PASSWORD,
                                                      "new_password": "a brand new secret"})
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "2")
    assert "Please try again in 2 seconds." in alert(refused)
    hashing_blocked.set()
    run(client, asyncio.wait_for, waiting, 60)
    assert signed_in_as(client) == user.username
    sign_out(client)
    assert sign_in(client, user.username).status_code == 302
