"""The socket handshake's Origin check, with and without PUBLIC_ORIGINS."""

import pytest

from app.origins import normalise_origin, origin_allowed
from app.settings import ConfigurationError, Settings


def handshake(origin: str | None, host: str = "videologue.example:8443") -> dict:
    """The parts of a WebSocket scope the check reads."""
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "headers": headers}


@pytest.mark.parametrize(("origin", "allowed"), [
    ("https://videologue.example:8443", True),
    ("https://VIDEOLOGUE.example:8443", True),
    ("https://videologue.example", False),  # the port matters: another site may listen there
    ("https://evil.example:8443", False),
    ("null", False),
    (None, True),  # not a browser
])
def test_without_public_origins_the_origin_must_name_the_host(origin, allowed):
    assert origin_allowed(handshake(origin), ()) is allowed


def test_without_a_host_header_no_browser_origin_passes():
    assert not origin_allowed({"headers": [(b"origin", b"https://a.example")]}, ())


@pytest.mark.parametrize(("origin", "allowed"), [
    ("https://videologue.example", True),
    ("https://videologue.example:443", True),
    ("http://videologue.example", False),  # another scheme is another origin
    ("https://videologue.example:8443", True),
    ("https://internal:4000", False),
    ("https://evil.example", False),
    ("not a url at all", False),
])
def test_with_public_origins_only_those_pass_whatever_the_host(origin, allowed):
    public = Settings.from_env({"PUBLIC_ORIGINS": "https://videologue.example, "
                                                  "https://videologue.example:8443"}).public_origins
    # The proxy passed on its upstream's Host: only the origin list decides.
    assert origin_allowed(handshake(origin, host="internal:4000"), public) is allowed


@pytest.mark.parametrize(("raw", "normal"), [
    ("HTTPS://Example.COM:443/", "https://example.com"),
    ("http://example.com:80", "http://example.com"),
    ("http://[::1]:4000", "http://[::1]:4000"),
    ("https://example.com/path", None),
    ("ftp://example.com", None),
    ("https://user@example.com", None),
    ("https://example.com:99999", None),
])
def test_origins_are_normalised_or_refused(raw, normal):
    assert normalise_origin(raw) == normal


def test_a_malformed_public_origin_refuses_to_start():
    with pytest.raises(ConfigurationError, match="PUBLIC_ORIGINS"):
        Settings.from_env({"PUBLIC_ORIGINS": "videologue.example"})
