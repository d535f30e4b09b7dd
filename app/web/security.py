"""Security headers on every HTTP response."""

from collections.abc import Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

YOUTUBE_SCRIPTS = "https://www.youtube.com https://s.ytimg.com"
YOUTUBE_FRAMES = "https://www.youtube.com https://www.youtube-nocookie.com"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' {YOUTUBE_SCRIPTS}",
    f"frame-src {YOUTUBE_FRAMES}",
    "img-src 'self' data: https://i.ytimg.com",
    # Direct links to .mp4/.webm files on other sites are a supported kind of video.
    "media-src 'self' https: http:",
    "style-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


# Production is served over HTTPS only (docs/deploy.md): browsers keep to it for two years.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def security_headers(production: bool) -> dict[str, str]:
    """The headers every response carries; production adds Strict-Transport-Security."""
    if not production:
        return HEADERS
    return {**HEADERS, "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY}


def security_headers_middleware(production: bool) -> Callable[[ASGIApp], ASGIApp]:
    """A middleware factory: each HTTP response carries `security_headers(production)`."""
    headers = security_headers(production)

    def wrap(app: ASGIApp) -> ASGIApp:
        return _with_headers(app, headers)

    return wrap


def _with_headers(app: ASGIApp, wanted: dict[str, str]) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
