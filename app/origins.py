"""Which pages may open the live socket: the `Origin` check of the WebSocket handshake."""

from urllib.parse import urlsplit

from litestar.types import Scope

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(origin: str) -> str | None:
    """`scheme://host[:port]` lowercased and without a default port, or None if it is not one."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def origin_allowed(scope: Scope, public_origins: tuple[str, ...]) -> bool:
    """Whether the handshake comes from one of this site's pages.

    With `public_origins` (the PUBLIC_ORIGINS setting, normalised) the page's origin must be one
    of them, whatever Host the proxy passed on. Without, it must name the Host the socket was
    asked for. Browsers always send Origin; other clients (bots, CLIs) are not a hijacking risk.
    """
    headers = dict(scope["headers"])
    if (origin := headers.get(b"origin")) is None:
        return True
    text = origin.decode("latin-1")
    if public_origins:
        return normalise_origin(text) in public_origins
    host = headers.get(b"host", b"").decode("latin-1").lower()
    return bool(host) and urlsplit(text).netloc.lower() == host
