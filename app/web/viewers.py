"""Who is looking at a video over HTTP (and at the socket's handshake): the signed-in user, or
a guest, and the share links their browser holds, and what they may do there (multimedia.access).

The links live in a signed cookie: a list of [link id, guest id] pairs (guest id 0 when the
browser only holds the link), newest last. It proves only that this browser opened the link
(and became that guest): whether the link still works is asked of the database every time.
"""

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from litestar import Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from app import accounts, multimedia
from app.web.session import SESSION_MAX_AGE

LINKS_COOKIE = "videologue_links"
_SALT = "videologue share links"
MAX_HELD = 20  # links a browser keeps; opening one more forgets the oldest


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


def held_links(secret_key: str, cookie: str | None) -> dict[int, int]:
    """The links a cookie value holds, each with its guest id (0: none); none when it is
    missing, forged or malformed."""
    if not cookie:
        return {}
    try:
        pairs = URLSafeSerializer(secret_key, salt=_SALT).loads(cookie)
        return {int(link): int(guest) for link, guest in pairs[-MAX_HELD:]}
    except (BadSignature, ValueError, TypeError):
        return {}


def links_of(connection: ASGIConnection) -> dict[int, int]:
    """The links the request's browser holds (see held_links)."""
    secret = connection.app.state.settings.secret_key
    return held_links(secret, connection.cookies.get(LINKS_COOKIE))


def hold_link(connection: ASGIConnection, response: Response, link_id: int, guest_id: int = 0) -> None:
    """Have the browser hold a link (as a guest of it when guest_id is given), keeping what it
    held, and the guest it was already, otherwise."""
    held = links_of(connection)
    guest_id = guest_id or held.pop(link_id, 0)
    held.pop(link_id, None)
    pairs = [*([link, guest] for link, guest in held.items()), [link_id, guest_id]][-MAX_HELD:]
    settings = connection.app.state.settings
    value = URLSafeSerializer(settings.secret_key, salt=_SALT).dumps(pairs)
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
