"""Security headers on every HTTP response."""

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


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so each HTTP response carries the security headers."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
