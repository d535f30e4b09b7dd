"""Guards for pages that need a signed-in user, and what happens when there is none."""

from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.plugins.flash import flash
from litestar.response import Redirect

from app.web.session import current_user


class SignInRequired(Exception):
    """Raised by the guard when a page needs a signed-in user."""


async def require_user(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Let the request through only when someone is signed in."""
    if await current_user(connection) is None:
        raise SignInRequired


def redirect_to_sign_in(request: Request, _: SignInRequired) -> Response:
    """Send the visitor to sign in, with a message, and bring them back afterwards."""
    flash(request, "Please sign in to continue.", category="info")
    back = request.url.path if request.method == "GET" else _referring_path(request)
    return Redirect(f"/sign-in?next={quote(safe_next(back), safe='/')}")


def _referring_path(request: Request) -> str:
    try:
        referer = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # a malformed IPv6 host, such as "http://["
        return "/"
    return referer.path if referer.netloc == request.url.netloc else "/"


def safe_next(target: str | None) -> str:
    """A path on this site to go back to; anything that could lead elsewhere becomes '/'."""
    # Browsers drop tabs and newlines inside URLs and read '\\' as '/', so '/\t/x' means '//x'.
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(char.isspace() or not char.isprintable() for char in target)):
        return "/"
    return target
