"""Who is signed in over HTTP: the session cookie, renewed at sign-in."""

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession
from litestar.utils.scope.state import ScopeState

from app import accounts
from app.accounts import Identity, User

_RENEW = "_renew"


class RenewingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that move to a fresh id when asked, to defeat session fixation."""

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        """Store the session, first moving it to a new id if sign-in asked for that."""
        if isinstance(scope_session, dict) and scope_session.pop(_RENEW, False):
            old_id = connection.cookies.pop(self.config.key, None)
            if old_id:
                await self.delete(old_id, self.config.get_store_from_app(connection.app))
            ScopeState.from_scope(connection.scope).session_id = self.generate_session_id()
        await super().store_in_message(scope_session, message, connection)


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
    """End this browser's session, leaving it a fresh, empty one."""
    # Not clear_session(): the sign-out flash needs a session to live in, under a new id.
    connection.set_session({_RENEW: True})
    connection.state.user = None


def session_config(settings) -> RenewingSessionConfig:
    """Session cookies: HttpOnly, SameSite=Lax, Secure in production, stored server-side."""
    return RenewingSessionConfig(secure=settings.production, httponly=True, samesite="lax",
                                 max_age=14 * 24 * 3600, store="sessions",
                                 exclude=["/static", "/media", "/live"])
