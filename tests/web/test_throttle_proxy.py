"""The client address behind a real uvicorn, configured as docs/deploy.md says (TRUSTED_PROXIES)."""

import httpx
import pytest

from tests.factories import unique_username
from tests.server import AppServer

LIMITS = {"SIGN_IN_PER_IP": "2/1h", "SIGN_IN_PER_USERNAME": "1000/1h"}


@pytest.fixture(scope="module", params=["behind a proxy", "no proxy"])
def server(request):
    """A server either trusting the test (as a proxy on 127.0.0.1) or trusting nobody."""
    proxies = "127.0.0.1" if request.param == "behind a proxy" else ""
    # python -m app gives uvicorn's own proxy-header handling the same list: trusting nobody,
    # uvicorn would otherwise still believe X-Forwarded-For from 127.0.0.1.
    app_server = AppServer({**LIMITS, "TRUSTED_PROXIES": proxies}).start()
    try:
        yield request.param, app_server
    finally:
        app_server.stop()


def failed_sign_in(server: AppServer, forwarded_for: str) -> int:
    """The status of one wrong sign-in sent with this X-Forwarded-For."""
    headers = {"x-forwarded-for": forwarded_for}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        token = client.get("/sign-in").cookies["csrftoken"]
        return client.post("/sign-in", data={"username": unique_username("px"), "password": "guess",
                                             "_csrf_token": token}).status_code


def test_forwarded_for_names_the_client_only_when_it_comes_from_a_trusted_proxy(server):
    kind, app_server = server
    statuses = [failed_sign_in(app_server, f"203.0.113.{n}") for n in range(1, 4)]
    if kind == "behind a proxy":  # three clients, one failure each: none is throttled…
        assert statuses == [401, 401, 401]
        # …and what a client wrote left of the address the proxy saw is ignored.
        assert [failed_sign_in(app_server, "1.2.3.4, 203.0.113.1") for _ in range(2)] == [401, 429]
    else:  # one client inventing three addresses: its own is counted, and throttled
        assert statuses == [401, 401, 429]
