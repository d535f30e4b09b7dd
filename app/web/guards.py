"""Guards for pages that need a signed-in user, and what happens when there is none."""

from urllib.parse import quote

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
    back = request.url.path if request.method == "GET" else request.headers.get("referer", "/")
    return Redirect(f"/sign-in?next={quote(safe_next(back), safe='/')}")


def safe_next(target: str | None) -> str:
    """A local path to go back to, never another site."""
    if not target:
        return "/"
    if "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
