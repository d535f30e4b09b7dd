"""Rendering full pages with the common context, and reading urlencoded form posts."""

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """Render a full page with the signed-in user in its context."""
    return Template(
        template_name=template,
        context={"user": request.state.get("user"), "request_path": request.url.path, **context},
        status_code=status_code,
    )
