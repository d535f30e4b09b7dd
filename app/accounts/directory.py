"""Finding people by username: profiles, mentions and the suggestions shown while typing `@`."""

from collections.abc import Iterable

from app.accounts.tables import User
from app.accounts.users import USERNAME_PATTERN
from app.validation import NotFoundError

# Characters a username may hold: a name that has any other cannot be anyone's.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _is_prefix(text: str) -> bool:
    return len(text) <= 20 and set(text) <= _NAME_CHARS


async def get_user_by_username(username: str) -> User:
    """The user with this username in any case, or NotFoundError."""
    key = username.strip().lower()
    user = None
    if USERNAME_PATTERN.match(key):
        user = await User.objects().where(User.username_key == key).first()
    if user is None:
        raise NotFoundError("user", username)
    return user


async def find_users_by_usernames(names: Iterable[str]) -> dict[str, User]:
    """The users these usernames name, in one query, keyed by lowercased username; names that
    are no one's are left out."""
    keys = sorted({name.lower() for name in names if USERNAME_PATTERN.match(name)})
    if not keys:
        return {}
    users = await User.select(User.id, User.username, User.username_key).where(
        User.username_key.is_in(keys))
    return {row["username_key"]: User(_exists_in_db=True, **row) for row in users}


async def list_users_by_prefix(prefix: str, limit: int, first: Iterable[int] = ()) -> list[User]:
    """Up to `limit` users whose username starts with `prefix` (any case), those in `first`
    before the rest, each group by username; none when the prefix cannot begin a username."""
    key = prefix.lower()
    if not _is_prefix(key) or limit <= 0:
        return []
    ahead = ",".join(str(int(user_id)) for user_id in first) or "0"
    # "_" is LIKE's any-character wildcard and a username character: escaped, it means itself.
    rows = await User.raw(
        'SELECT "id", "username" FROM "users" WHERE "username_key" LIKE {} ESCAPE \'!\' '
        f'ORDER BY CASE WHEN "id" IN ({ahead}) THEN 0 ELSE 1 END, "username_key" LIMIT {{}}',
        key.replace("_", "!_") + "%", int(limit))
    return [User(_exists_in_db=True, **row) for row in rows]
