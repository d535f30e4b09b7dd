"""Which kinds of notification each person wants: every kind, unless they turned it off."""

from collections.abc import Iterable

from app.accounts import User
from app.database import Statement, atomically
from app.notifications.tables import MutedKind

# Each kind, as the settings page offers it.
KINDS = {
    "mention": "Someone mentions me",
    "reply": "Someone replies in a thread I am in (I wrote the annotation or a reply in it)",
    "reaction": "Someone reacts to my annotation or reply",
}


async def list_enabled_kinds(user: User) -> set[str]:
    """The kinds of notification the user gets."""
    rows = await MutedKind.select(MutedKind.kind).where(MutedKind.user == user.id)
    return set(KINDS) - {row["kind"] for row in rows}


async def set_enabled_kinds(user: User, enabled: Iterable[str]) -> set[str]:
    """Turn off every kind not in `enabled` (names that are no kind are ignored); returns the kinds
    now enabled."""
    muted = sorted(set(KINDS) - set(enabled))
    await atomically(MutedKind._meta.db, [
        Statement('DELETE FROM notification_mutes WHERE "user" = {}', (user.id,)),
        *(Statement('INSERT INTO notification_mutes ("user", kind) VALUES ({}, {})', (user.id, kind))
          for kind in muted)])
    return set(KINDS) - set(muted)


async def muted_among(user_ids: Iterable[int]) -> set[tuple[int, str]]:
    """The (user id, kind) pairs these users turned off."""
    ids = [int(user_id) for user_id in user_ids]
    if not ids:
        return set()
    rows = await MutedKind.select(MutedKind.user, MutedKind.kind).where(MutedKind.user.is_in(ids))
    return {(row["user"], row["kind"]) for row in rows}
