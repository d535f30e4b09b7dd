"""Error pages."""

from litestar import Request, Response
from litestar.exceptions import NotFoundException
from litestar.response import Template

from app.web.security import HEADERS


def not_found(request: Request, error: NotFoundException) -> Response:
    """A friendly 404 page for browsers, plain text for everything else."""
    # An unknown path fails in the router, before the security-headers middleware, so set them here.
    if "text/html" not in request.headers.get("accept", ""):
        return Response(error.detail or "Not Found", status_code=404, media_type="text/plain",
                        headers=HEADERS)
    # Nor has the session middleware run, and the layout reads flash messages from the session.
    request.scope.setdefault("session", {})
    user = request.state.get("user")
    return Template("errors/404.html", context={"user": user, "message": error.detail},
                    status_code=404, headers=HEADERS)
