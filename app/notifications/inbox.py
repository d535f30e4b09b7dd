"""Reading one's notifications, counting the unread ones, and marking them read."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app import multimedia
from app.accounts import User
from app.multimedia.ids import is_id
from app.notifications.tables import Notification
from app.validation import NotFoundError

PAGE = 100  # the newest notifications the page lists


@dataclass(frozen=True, slots=True)
class NotificationView:
    """A notification as its page lists it; `actors` are usernames, oldest first."""

    id: int
    kind: str
    actors: tuple[str, ...]
    emojis: tuple[str, ...]
    reactions: int
    excerpt: str
    link: str
    updated_at: datetime
    read: bool

    @property
    def headline(self) -> str:
        """What happened, in words: "bob and 2 others reacted 👍 ❤️ to your annotation"."""
        latest = self.actors[-1] if self.actors else "Someone"
        if self.kind == "mention":
            return f"{latest} mentioned you"
        if self.kind == "reply":
            return f"{latest} replied in a thread you are in"
        others = len(self.actors) - 1
        who = {0: latest, 1: f"{latest} and {self.actors[0]}"}.get(
            others, f"{latest} and {others} others")
        return " ".join([who, "reacted", *self.emojis, "to your annotation"])


_COLUMNS = (Notification.id, Notification.kind, Notification.actors, Notification.emojis,
            Notification.reactions, Notification.excerpt, Notification.link,
            Notification.updated_at, Notification.read_at)


def _view_of(row: dict) -> NotificationView:
    actors = tuple(name for _, name in multimedia.parse_mentions(row["actors"]))
    return NotificationView(row["id"], row["kind"], actors,
                            tuple(row["emojis"].split()), row["reactions"], row["excerpt"],
                            row["link"], row["updated_at"], row["read_at"] is not None)


async def list_notifications(user: User, limit: int = PAGE) -> list[NotificationView]:
    """The user's newest notifications first (a reaction group counts from its latest arrival)."""
    rows = await Notification.select(*_COLUMNS).where(Notification.user == user.id).order_by(
        Notification.updated_at, Notification.id, ascending=False).limit(limit)
    return [_view_of(row) for row in rows]


async def get_notification(user: User, notification_id: int) -> NotificationView:
    """One of the user's notifications, or NotFoundError (someone else's is not found either)."""
    row = None
    if is_id(notification_id):
        row = await Notification.select(*_COLUMNS).where(
            Notification.id == notification_id, Notification.user == user.id).first()
    if row is None:
        raise NotFoundError("notification", notification_id)
    return _view_of(row)


async def count_unread(user: User) -> int:
    """How many of the user's notifications are unread."""
    return (await count_unread_of([user.id]))[user.id]


async def count_unread_of(user_ids: Iterable[int]) -> dict[int, int]:
    """How many unread notifications each of these users has (0 included), in one query."""
    ids = sorted({int(user_id) for user_id in user_ids})
    if not ids:
        return {}
    rows = await Notification.raw(
        'SELECT "user", COUNT(*) AS n FROM notifications WHERE read_at IS NULL AND "user" IN ('
        + ",".join(str(user_id) for user_id in ids) + ') GROUP BY "user"')
    counts = {row["user"]: row["n"] for row in rows}
    return {user_id: counts.get(user_id, 0) for user_id in ids}


async def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of the user's notifications read; True when it was unread (the count fell)."""
    rows = await Notification.update({Notification.read_at: datetime.now(UTC)}).where(
        Notification.id == notification_id, Notification.user == user.id,
        Notification.read_at.is_null()).returning(Notification.id)
    return bool(rows)


async def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    rows = await Notification.update({Notification.read_at: datetime.now(UTC)}).where(
        Notification.user == user.id, Notification.read_at.is_null()).returning(Notification.id)
    return len(rows)
