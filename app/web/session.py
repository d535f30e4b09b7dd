"""Who is signed in over HTTP: the session cookie, renewed at sign-in, kept only with content."""

import asyncio
import logging
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import StorageObject
from litestar.stores.file import FileStore
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.scope.state import ScopeState

from app import accounts
from app.accounts import Identity, User

_RENEW = "_renew"
SESSION_MAX_AGE = 14 * 24 * 3600
# Expired files only cost disk space (an expired session is refused on read), so an hourly sweep
# is plenty; Redis expires its keys by itself (each is written with a TTL of SESSION_MAX_AGE).
SESSION_PURGE_EVERY = 3600.0

logger = logging.getLogger(__name__)


class RenewingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that move to a fresh id when asked, to defeat session fixation.

    An empty session is never stored: a visitor with nothing to keep gets no cookie, and one
    whose session emptied (its flash was shown) has the entry deleted and the cookie cleared.
    """

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        """Store the session, first moving it to a new id if sign-in asked for that."""
        had_cookie = connection.cookies.get(self.config.key) not in (None, "", "null")
        if isinstance(scope_session, dict) and scope_session.pop(_RENEW, False):
            old_id = connection.cookies.pop(self.config.key, None)
            if old_id:
                await self.delete(old_id, self.config.get_store_from_app(connection.app))
            ScopeState.from_scope(connection.scope).session_id = self.generate_session_id()
        if scope_session is Empty or not scope_session:
            if had_cookie:
                await self._forget(message, connection)
            return
        await super().store_in_message(scope_session, message, connection)

    async def _forget(self, message: Message, connection: ASGIConnection) -> None:
        await self.delete(self.get_session_id(connection), self.config.get_store_from_app(connection.app))
        # Not the base class's clearing cookie: it carries the config's Max-Age, which outranks
        # its Expires, so browsers would keep "session=null" for the full lifetime.
        cookie = Cookie(key=self.config.key, value="", max_age=0, path=self.config.path,
                        domain=self.config.domain, secure=self.config.secure,
                        httponly=self.config.httponly, samesite=self.config.samesite)
        MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))


@dataclass
class RenewingSessionConfig(ServerSideSessionConfig):
    """Session config whose backend renews the session id on sign-in."""

    _backend_class = RenewingSessionBackend


async def current_user(connection: ASGIConnection) -> User | None:
    """The signed-in user of this request, looked up once per request."""
    if "user" not in connection.state:
        session = connection.session if "session" in connection.scope else {}
        identity = None
        if session.get("user_id"):
            identity = Identity(int(session["user_id"]), int(session.get("generation", 0)))
        connection.state.user = await accounts.get_signed_in_user(identity)
    return connection.state.user


def sign_in(connection: ASGIConnection, user: User) -> None:
    """Start a fresh session for the user."""
    connection.set_session({"user_id": user.id, "generation": user.session_generation, _RENEW: True})
    connection.state.user = user


def sign_out(connection: ASGIConnection) -> None:
    """End this browser's session; what is added next (the sign-out notice) gets a fresh one."""
    # Not clear_session(): the sign-out flash needs a session to live in, under a new id.
    connection.set_session({_RENEW: True})
    connection.state.user = None


def session_config(settings) -> RenewingSessionConfig:
    """Session cookies: HttpOnly, SameSite=Lax, Secure in production, stored server-side; read
    for media files too, which go only to those who may watch their video."""
    return RenewingSessionConfig(secure=settings.production, httponly=True, samesite="lax",
                                 max_age=SESSION_MAX_AGE, store="sessions",
                                 exclude=["/static", "/live"])


async def purge_expired_sessions(store: FileStore) -> None:
    """Delete the session files whose time is up (the file store keeps them until read)."""
    # Not FileStore.delete_expired(): one unreadable file (a write in progress, or one a crash
    # left half-written) raises out of it, and every file after that one would never be purged.
    async for path in store.path.iterdir():
        try:
            expired = StorageObject.from_bytes(await path.read_bytes()).expired
        except (OSError, ValueError):  # gone already, or not (yet) a whole stored session
            continue
        if expired:
            await path.unlink(missing_ok=True)


async def purge_sessions_every(store: FileStore, seconds: float = SESSION_PURGE_EVERY) -> None:
    """Purge expired sessions at startup, then every `seconds`, for as long as the app runs."""
    while True:
        try:
            await purge_expired_sessions(store)
        except Exception:  # a failed sweep (say, the folder went away) must not end the timer
            logger.exception("Purging expired sessions failed; trying again in %.0f s", seconds)
        await asyncio.sleep(seconds)
