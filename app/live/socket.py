"""The video socket at /live/videos/{id}: connect (verify token and origin), join, then converse."""

import logging
import re
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from litestar.types import Receive, Scope, Send

from app import accounts, multimedia
from app.clients import client_ip
from app.live import fragments
from app.live.channel import Node, VideoChannel
from app.live.transport.outbox import Outbox
from app.live.wire import (
    BAD_TOKEN,
    FOREIGN_ORIGIN,
    OUTDATED_PAGE,
    SERVER_ERROR,
    SIGNED_OUT,
    UNKNOWN_VIDEO,
    Close,
)
from app.origins import origin_allowed
from app.share_cookie import LINKS_COOKIE, held_links
from app.validation import NotFoundError

log = logging.getLogger("videologue.live")
BAD_FRAME_TYPE = "Send text frames only."
_PATH = re.compile(r"/live/videos/([^/]*)/?")
_CURSOR = re.compile(r"[0-9]{1,18}")


def live_video_id(scope: Scope) -> int | None:
    """The video id when the scope is a WebSocket to a video's socket (0 when its path names
    no possible id: 30 digits, a negative number, a word), else None."""
    if scope["type"] != "websocket" or not (match := _PATH.fullmatch(scope["path"])):
        return None
    # Refused by the socket itself (4404), not by the router: a refusal the page can explain.
    return multimedia.parse_id(match[1]) or 0


def _param(query: dict[str, list[str]], name: str) -> str:
    return query.get(name, [""])[0]


async def _token_user(token: str, node: Node) -> accounts.User | None:
    """The signed-in user the socket's token names, or None (no token, bad, or signed out)."""
    identity = accounts.verify_socket_token(node.settings.secret_key, token,
                                            node.settings.token_max_age)
    return await accounts.get_signed_in_user(identity)


def _held_links(scope: Scope, node: Node) -> dict[int, int]:
    """The share links the browser holds, from the cookie it sent with the handshake."""
    for name, value in scope["headers"]:
        if name == b"cookie":
            try:
                cookie = SimpleCookie(value.decode("latin-1")).get(LINKS_COOKIE)
            except CookieError:
                continue
            if cookie is not None:
                return held_links(node.settings.secret_key, cookie.value)
    return {}


async def _connect(scope: Scope, token: str, node: Node,
                   video_id: int) -> tuple[Close | None, accounts.User | None, multimedia.Access | None]:
    """Decide whether to let the socket in, as whom, and what they may do (Phoenix's
    connect/3): a video they may not watch is refused as if it did not exist."""
    if not origin_allowed(scope, node.settings.public_origins):
        return FOREIGN_ORIGIN, None, None
    user = None
    if token:
        user = await _token_user(token, node)
        if user is None:
            return BAD_TOKEN, None, None
    try:
        access = await multimedia.video_access(video_id, user, _held_links(scope, node))
    except NotFoundError:
        return UNKNOWN_VIDEO, None, None
    return None, user, access


def _cursor(value: str) -> int:
    """The page's cursor: the change number its list is current to (0: it holds nothing)."""
    # At most 18 ASCII digits: within every column's range, and far from int()'s digit limit.
    return int(value) if _CURSOR.fullmatch(value) else 0


async def video_socket(node: Node, video_id: int, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one viewer's socket on a video for as long as it stays open.

    Called by the app before Litestar's router and middleware (see app.main.Videologue): every
    fragment a viewer receives goes straight to uvicorn's send, with no wrapper per viewer.
    """
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    # Latin-1 maps every byte, so no query string fails here; what the page sends is ASCII.
    query = parse_qs(scope["query_string"].decode("latin-1"))
    token = _param(query, "token")
    try:
        refusal, user, access = await _connect(scope, token, node, video_id)
    except Exception:
        log.exception("live connect failed (video %s)", video_id)
        refusal, user, access = SERVER_ERROR, None, None
    if refusal:
        await send({"type": "websocket.close", "code": refusal.code, "reason": refusal.reason})
        return
    if "cursor" not in query and "last_seen_id" in query:
        # A page served before change numbers: it cannot say what it holds, so it must reload.
        await send({"type": "websocket.send", "text": fragments.outdated(OUTDATED_PAGE.reason)})
        await send({"type": "websocket.close", "code": OUTDATED_PAGE.code,
                    "reason": OUTDATED_PAGE.reason})
        return
    outbox = Outbox(send, node.settings.live_backlog)
    channel = VideoChannel(node, video_id, user, outbox, access,
                           client_ip(scope, node.settings.trusted_proxies) if user and user.guest else "")
    try:
        await channel.join(_cursor(_param(query, "cursor")))
        if user and await _token_user(token, node) is None:
            # Signed out after _connect but before the join subscribed to the user's topic, so
            # that broadcast was missed; any sign-out from now on reaches the channel.
            outbox.close(SIGNED_OUT)
        await _converse(channel, receive)  # until the disconnect, as after any close
    except Exception:
        log.exception("live socket failed (video %s, user %s)", video_id, user.id if user else None)
        outbox.close(SERVER_ERROR)
    finally:
        await channel.leave()


async def _converse(channel: VideoChannel, receive: Receive) -> None:
    """Handle the viewer's frames until the socket closes; a failed frame is explained to them."""
    while (message := await receive())["type"] == "websocket.receive":
        try:
            text = message.get("text")
            await (channel.handle_in(text) if text is not None
                   else channel.reply_error(BAD_FRAME_TYPE, "not_text"))
        except Exception:
            log.exception("live frame failed (video %s, user %s)", channel.video_id,
                          channel.user.id if channel.user else None)
            await channel.reply_error("Something went wrong; please try again.", "failed")
