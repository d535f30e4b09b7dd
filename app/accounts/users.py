"""Registering, authenticating and looking up users."""

import re
import secrets

from app.accounts.passwords import HashingBusy, hash_password, needs_rehash, verify_password
from app.accounts.tables import User
from app.accounts.tokens import Identity
from app.validation import UNSTORABLE, ValidationError, storable

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,20}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def _check_password(password: str, errors: dict[str, str], field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        errors[field] = f"Use at least {MIN_PASSWORD} characters."
    elif len(password) > MAX_PASSWORD:
        errors[field] = f"Use at most {MAX_PASSWORD} characters."


async def register_user(name: str, username: str, password: str) -> User:
    """Create a user, or raise ValidationError naming each bad field."""
    name, username = name.strip(), username.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter your name."
    elif len(name) > 100:
        errors["name"] = "Use at most 100 characters."
    elif not storable(name):
        errors["name"] = UNSTORABLE
    if not USERNAME_PATTERN.match(username):
        errors["username"] = "Use 3–20 letters, digits or underscores."
    elif await User.exists().where(User.username_key == username.lower()):
        errors["username"] = "That username is taken."
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    user = User(
        name=name,
        username=username,
        username_key=username.lower(),
        password_hash=await hash_password(password),
    )
    try:
        await user.save()
    except Exception as error:  # a concurrent registration won the unique index
        if "unique" in str(error).lower():
            raise ValidationError({"username": "That username is taken."}) from error
        raise
    return user


async def authenticate_user(username: str, password: str) -> User | None:
    """Return the user whose username and password match, or None without saying which failed.

    Raises HashingBusy, before any hash is computed, when the hashing queue is full.
    """
    key = username.strip().lower()
    user = await User.objects().where(User.username_key == key, User.guest.eq(False)).first()
    valid = await verify_password(user.password_hash if user else None, password)
    if not (user and valid):
        return None
    if needs_rehash(user.password_hash):  # made with older parameters: upgrade it now
        try:
            new_hash = await hash_password(password)
        except HashingBusy:  # the upgrade can wait for a quieter sign-in; this one succeeded
            return user
        user.password_hash = new_hash
        await User.update({User.password_hash: user.password_hash}).where(User.id == user.id)
    return user


async def get_signed_in_user(identity: Identity | None) -> User | None:
    """Resolve a session's or socket token's identity to a user, if it is still valid."""
    if identity is None:
        return None
    # Every request with a session and every signed-in socket asks this, so the SQL is written
    # out: Piccolo's objects() query cost ~0.15 ms of CPU to build, a raw one microseconds.
    rows = await User.raw('SELECT * FROM "users" WHERE "id" = {}', identity.user_id)
    user = User(_exists_in_db=True, **rows[0]) if rows else None
    if user is None or user.session_generation != identity.generation:
        return None
    return user


async def still_signed_in(user: User) -> bool:
    """Whether the sessions and tokens `user` was loaded with are still valid (no sign-out or
    password change since): what a long-lived socket asks before each write."""
    rows = await User.raw('SELECT "session_generation" FROM "users" WHERE "id" = {}', user.id)
    return bool(rows) and rows[0]["session_generation"] == user.session_generation


async def list_users_by_ids(user_ids: list[int]) -> dict[int, User]:
    """Fetch many users in one query, keyed by id."""
    if not user_ids:
        return {}
    users = await User.objects().where(User.id.is_in(list(user_ids)))
    return {user.id: user for user in users}


async def sign_out_everywhere(user: User) -> None:
    """Invalidate every session and socket token the user holds."""
    await User.update({User.session_generation: User.session_generation + 1}).where(
        User.id == user.id
    )
    user.session_generation += 1


async def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's password and sign them out everywhere else."""
    errors: dict[str, str] = {}
    if not await verify_password(user.password_hash, current):
        errors["current_password"] = "That is not your current password."
    _check_password(new, errors, "new_password")
    if errors:
        raise ValidationError(errors)
    user.password_hash = await hash_password(new)
    await User.update({User.password_hash: user.password_hash}).where(User.id == user.id)
    await sign_out_everywhere(user)


MAX_GUEST_NAME = 20


def clean_guest_name(name: object) -> str:
    """A guest's display name stripped, or ValidationError: 1–20 characters a database stores."""
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise ValidationError({"name": "Choose the name others will see beside your comments."})
    if len(text) > MAX_GUEST_NAME:
        raise ValidationError({"name": f"Use at most {MAX_GUEST_NAME} characters."})
    if not storable(text) or not text.isprintable():
        raise ValidationError({"name": UNSTORABLE})
    return text


async def create_guest(name: object) -> User:
    """A guest: someone without an account, shown under a display name they chose, who can
    never sign in (no password, and a username key no username can be); ValidationError for a
    bad name."""
    display = clean_guest_name(name)
    user = User(name=display, username=display, username_key=f"~{secrets.token_hex(9)}",
                password_hash="", guest=True)
    await user.save()
    return user
