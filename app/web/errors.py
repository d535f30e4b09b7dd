"""Error pages."""

from litestar import Request, Response
from litestar.exceptions import NotFoundException
from litestar.response import Template

from app.validation import NotFoundError
from app.web.security import security_headers


def not_found(request: Request, error: NotFoundException | NotFoundError) -> Response:
    """A friendly 404 page for browsers, plain text for everything else.

    The one place a missing record becomes a 404: an unknown route, or a context's NotFoundError
    raised from any handler.
    """
    message = error.public_message if isinstance(error, NotFoundError) else error.detail
    # An unknown path fails in the router, before the security-headers middleware, so set them here.
    headers = security_headers(request.app.state.settings.production)
    if "text/html" not in request.headers.get("accept", ""):
        return Response(message or "Not Found", status_code=404, media_type="text/plain",
                        headers=headers)
    # Nor has the session middleware run, and the layout reads flash messages from the session.
    request.scope.setdefault("session", {})
    user = request.state.get("user")
    return Template("errors/404.html", context={"user": user, "message": message},
                    status_code=404, headers=headers)
