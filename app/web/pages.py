"""Rendering full pages with the common context, and reading urlencoded form posts."""

from typing import Annotated, Any

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from app import multimedia, notifications

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """Render a full page with the signed-in user in its context."""
    return Template(
        template_name=template,
        context={"user": request.state.get("user"), "request_path": request.url.path, **context},
        status_code=status_code,
    )


async def add_notification_count(response: Response) -> Response:
    """Give a page rendered for a signed-in user their unread count and the reported items in
    their moderation queue, for the header's badges.

    An after-request hook, so it costs two counts only where a page with a user is rendered (not
    for media, sockets or redirects), whichever handler rendered it.
    """
    if isinstance(response, Template) and (user := response.context.get("user")):
        response.context["notification_count"] = await notifications.count_unread(user)
        response.context["report_count"] = await multimedia.count_reported(user.id)
    return response
