"""The page a throttled or turned-away form post gets: the form again, saying when to retry."""

from litestar import Request
from litestar.response import Template

from app.accounts import HashingBusy
from app.web.pages import page
from app.web.throttles import Throttled

TOO_MANY = "Too many attempts for now."
BUSY = "Videologue is busy checking other passwords right now; nothing you typed was lost."


def wait_in_words(seconds: int) -> str:
    """`45 seconds`, `18 minutes`, `2 hours 5 minutes`: a wait, rounded up, for people."""
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = -(-seconds // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] * bool(hours)
    parts += [f"{minutes} minute{'s' * (minutes != 1)}"] * bool(minutes)
    return " ".join(parts)


def refusal_page(request: Request, template: str, refusal: Throttled | HashingBusy,
                 **context) -> Template:
    """The form's page again with 429 (throttled) or 503 (hashing busy) and Retry-After."""
    throttled = isinstance(refusal, Throttled)
    response = page(request, template, 429 if throttled else 503, **context,
                    refusal={"reason": TOO_MANY if throttled else BUSY,
                             "wait": wait_in_words(refusal.retry_after)})
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response
