"""Who is looking at a video over HTTP: the signed-in user, or the guest one of their share
links made them, with the links their browser holds (app/share_cookie.py), and what they may do
there (multimedia.access)."""

from dataclasses import dataclass

from litestar import Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from app import accounts, multimedia
from app.share_cookie import LINKS_COOKIE, held_links, links_cookie_value
from app.web.session import SESSION_MAX_AGE


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone looking at a video: who (a signed-in user, a guest of one of their links, or
    None), and what they may do there."""

    user: accounts.User | None
    access: multimedia.Access

    @property
    def is_guest(self) -> bool:
        """A guest of a comment link, commenting without an account."""
        return self.user is not None and self.user.guest


def links_of(connection: ASGIConnection) -> dict[int, int]:
    """The links the request's browser holds (see held_links)."""
    secret = connection.app.state.settings.secret_key
    return held_links(secret, connection.cookies.get(LINKS_COOKIE))


def hold_link(connection: ASGIConnection, response: Response, link_id: int, guest_id: int = 0) -> None:
    """Have the browser hold a link (as a guest of it when guest_id is given), keeping what it
    held, and the guest it was already, otherwise."""
    held = links_of(connection)
    held[link_id] = guest_id or held.pop(link_id, 0)  # moved to the end: the newest
    settings = connection.app.state.settings
    value = links_cookie_value(settings.secret_key, held)
    response.set_cookie(Cookie(key=LINKS_COOKIE, value=value, max_age=SESSION_MAX_AGE, path="/",
                               httponly=True, secure=settings.production, samesite="lax"))


async def viewer_of(user: accounts.User | None, held: dict[int, int], video_id: int) -> Viewer:
    """Who is looking at the video and what they may do: the signed-in user, or else the guest
    the browser is through the link that lets it in; NotFoundError when they may not watch."""
    access = await multimedia.video_access(video_id, user, held)
    if user is None and (guest_id := held.get(access.link_id)):
        guest = await multimedia.find_guest(access.link_id, guest_id)
        if guest is not None:
            return Viewer(guest, await multimedia.video_access(video_id, guest, held))
    return Viewer(user, access)


async def request_viewer(connection: ASGIConnection, video_id: int) -> Viewer:
    """viewer_of for an HTTP request: its session's user and its browser's links."""
    return await viewer_of(connection.state.get("user"), links_of(connection), video_id)
