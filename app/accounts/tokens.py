"""Signed socket tokens, the equivalent of Phoenix.Token, built on itsdangerous."""

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.tables import User

_SALT = "videologue user socket"


@dataclass(frozen=True)
class Identity:
    """Who a session or token says the user is: their id and session generation."""

    user_id: int
    generation: int


def sign_socket_token(secret_key: str, user: User) -> str:
    """Sign a token that identifies the user on the live socket."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    return serializer.dumps([user.id, user.session_generation])


def verify_socket_token(secret_key: str, token: str, max_age: int) -> Identity | None:
    """Return the identity in a token, or None when it is forged, malformed or expired."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    try:
        user_id, generation = serializer.loads(token, max_age=max_age)
        return Identity(int(user_id), int(generation))
    except (BadSignature, ValueError, TypeError):
        return None
