"""Opening a share link at /s/{token}: straight on to the video, or first a form asking for the
link's password, or for a guest's name on a comment link; 410 for a link that no longer works."""

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import accounts, multimedia
from app.validation import ValidationError
from app.web import throttles
from app.web.pages import FormData, page
from app.web.refusals import refusal_page
from app.web.throttles import Throttled
from app.web.viewers import hold_link, links_of

OPEN = "sharing/open.html"
JUST_WATCH = "just_watch"  # the form's second button: in without a name, to watch only


def _watch(request: Request, link: multimedia.OpenedLink, guest: accounts.User | None = None) -> Redirect:
    response = Redirect(f"/watch/{link.video_id}-{link.slug}", status_code=303)
    hold_link(request, response, link.id, guest.id if guest else 0)
    return response


def _closed(request: Request, closed: multimedia.LinkClosed) -> Template:
    return page(request, "sharing/closed.html", 410, reason=closed.reason)


def _asks_name(request: Request, row: dict) -> bool:
    """Whether to offer commenting as a guest: a comment link, in a browser without an account
    that is not a guest of it yet."""
    return (row["role"] == "commenter" and request.state.get("user") is None
            and not links_of(request).get(row["id"]))


def _form_context(request: Request, token: str, row: dict, video: multimedia.Video, name: str = "") -> dict:
    # Behind a password, not even the title shows before it is typed.
    return {"token": token, "asks_password": bool(row["password_hash"]), "form": {"name": name},
            "asks_name": _asks_name(request, row), "title": "" if row["password_hash"] else video.title}


class ShareLinkController(Controller):
    """The address a share link gives: /s/{token}."""

    path = "/s/{token:str}"

    @get()
    async def show(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        """Go on to the video when the link asks nothing more, else show its form."""
        try:
            row, video = await multimedia.find_share_link(token)
            context = _form_context(request, token, row, video)
            if context["asks_password"] or context["asks_name"]:
                return page(request, OPEN, errors={}, **context)
            link = await multimedia.open_share_link(token, "", request.state.get("user"))
        except multimedia.LinkClosed as closed:
            return _closed(request, closed)
        return _watch(request, link)

    @post()
    async def create(self, request: Request, token: FromPath[str], data: FormData) -> Template | Redirect:
        """Check the password and make a guest of someone who gave a name, within their address's
        throttle, then go on to the video; the form again with what went wrong otherwise."""
        try:
            row, video = await multimedia.find_share_link(token)
            context = _form_context(request, token, row, video, data.get("name", ""))
            as_guest = context["asks_name"] and not data.get(JUST_WATCH)
            return await _let_in(request, token, data, as_guest)
        except multimedia.LinkClosed as closed:
            return _closed(request, closed)
        except (Throttled, accounts.HashingBusy) as refusal:
            return refusal_page(request, OPEN, refusal, errors={}, **context)
        except ValidationError as error:
            return page(request, OPEN, 422, errors=error.errors, **context)


async def _let_in(request: Request, token: str, data: dict[str, str], as_guest: bool) -> Redirect:
    """Open the link; only a wrong password and a new guest count against the throttle."""
    if as_guest:
        accounts.clean_guest_name(data.get("name"))  # first, so a right password need not be retyped
    throttle, attempt = await throttles.share_link_attempt(request)
    try:
        link = await multimedia.open_share_link(token, data.get("password", ""),
                                                request.state.get("user"))
    except accounts.HashingBusy:
        await throttle.give_back(attempt)
        raise
    if not as_guest:
        await throttle.give_back(attempt)
        return _watch(request, link)
    guest = await multimedia.join_as_guest(link.id, data.get("name"))
    flash(request, f"You are commenting as {guest.name} (guest).", category="success")
    return _watch(request, link, guest)
