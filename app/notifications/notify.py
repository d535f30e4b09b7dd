"""Creating notifications after a change is stored: mentions, replies in one's threads, and
reactions gathered into one unread group per annotation."""

from datetime import UTC, datetime

from app import multimedia
from app.accounts import User
from app.multimedia import AnnotationView, ReactionChange
from app.notifications.people import person
from app.notifications.preferences import muted_among
from app.notifications.tables import Notification
from app.templating import seconds

EXCERPT = 100  # characters of the annotation's text a notification shows


async def moment_link(view: AnnotationView) -> str:
    """The watch page at the annotation's moment, highlighting its thread (a reply's is its
    top-level annotation's: a reply has no anchor of its own in a collapsed thread)."""
    video = await multimedia.get_video(view.video_id)
    return (f"/watch/{video.id}-{video.slug}?t={seconds(view.at)}"
            f"#annotation-{view.parent_id or view.id}")


def _excerpt(view: AnnotationView) -> str:
    text = " ".join(view.body.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


async def _mentioned_before(annotation_id: int) -> set[int]:
    """Who was told already that this annotation or reply mentions them."""
    rows = await Notification.select(Notification.user).where(
        Notification.annotation == annotation_id, Notification.kind == "mention")
    return {row["user"] for row in rows}


async def notify_change(actor: User, view: AnnotationView, mentioned_ids: list[int],
                        edited: bool = False) -> list[int]:
    """Notify those a new annotation or reply concerns: each mentioned user ("mention"), and for
    a reply everyone else in its thread ("reply"); at most one each, never the actor, never
    someone who may not watch the video (a private one's), none of a kind someone turned off.
    An edit (`edited`) notifies only the people it newly mentions. Returns the ids of the users
    notified."""
    if view.deleted:
        return []
    if edited and mentioned_ids:
        told = await _mentioned_before(view.id)
        mentioned_ids = [user_id for user_id in mentioned_ids if user_id not in told]
    candidates: dict[int, list[str]] = {}
    for user_id in mentioned_ids:
        candidates.setdefault(user_id, []).append("mention")
    if view.parent_id is not None and not edited:
        for user_id in await multimedia.list_thread_authors(view.parent_id):
            candidates.setdefault(user_id, []).append("reply")
    candidates.pop(actor.id, None)
    watching = await multimedia.may_watch_among(view.video_id, candidates)
    candidates = {user_id: kinds for user_id, kinds in candidates.items() if user_id in watching}
    muted = await muted_among(candidates)
    chosen = {}
    for user_id, kinds in candidates.items():  # a mention outranks a reply, unless turned off
        kind = next((kind for kind in kinds if (user_id, kind) not in muted), None)
        if kind:
            chosen[user_id] = kind
    if not chosen:
        return []
    link, now, actors = await moment_link(view), datetime.now(UTC), " " + person(actor.id, actor.username)
    rows = await Notification.insert(*(
        Notification(user=user_id, kind=kind, annotation=view.id, actors=actors,
                     excerpt=_excerpt(view), link=link, created_at=now, updated_at=now)
        for user_id, kind in chosen.items())).returning(Notification.user)
    send_elsewhere([row["user"] for row in rows])
    return sorted(chosen)


# One unread group per (user, annotation): the partial unique index of the notifications
# migration is the conflict target. A repeat actor or emoji is not listed twice.
_GROUP = (
    'INSERT INTO notifications ("user", kind, annotation, actors, emojis, reactions, excerpt, link, '
    "created_at, updated_at) VALUES ({}, 'reaction', {}, {}, {}, 1, {}, {}, {}, {}) "
    "ON CONFLICT (\"user\", annotation) WHERE kind = 'reaction' AND read_at IS NULL DO UPDATE SET "
    "actors = CASE WHEN notifications.actors LIKE {} ESCAPE '\\' THEN notifications.actors "
    "ELSE notifications.actors || {} END, "
    "emojis = CASE WHEN notifications.emojis LIKE {} ESCAPE '\\' THEN notifications.emojis "
    "ELSE notifications.emojis || {} END, "
    "reactions = notifications.reactions + 1, updated_at = excluded.updated_at RETURNING reactions")


def _containing(entry: str) -> str:
    """A LIKE pattern matching a space-separated list that holds `entry` (ending in a space)."""
    escaped = entry.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


async def notify_reaction(actor: User, view: AnnotationView | ReactionChange, emoji: str) -> list[int]:
    """Tell the author of a reacted annotation or reply (its view, or the reaction's change), in
    their unread group for it ("alice and 2 others reacted"), unless they reacted themselves or
    turned reactions off. Returns the id of a user whose unread count grew (a new group), or none
    when a group only grew."""
    author = view.user_id
    if author == actor.id or view.deleted or (author, "reaction") in await muted_among([author]):
        return []
    if not await multimedia.may_watch_among(view.video_id, [author]):
        return []  # no longer allowed to watch it
    actor_entry, emoji_entry, now = person(actor.id, actor.username), f"{emoji} ", datetime.now(UTC)
    rows = await Notification.raw(
        _GROUP, author, view.id, " " + actor_entry, " " + emoji_entry, _excerpt(view),
        await moment_link(view), now, now, _containing(actor_entry), actor_entry,
        _containing(emoji_entry), emoji_entry)
    if rows[0]["reactions"] != 1:
        return []
    send_elsewhere([author])
    return [author]


def send_elsewhere(user_ids: list[int]) -> None:
    """Where an email or web-push sender would hand new notifications on: nothing is sent today.

    A sender plugs in here, after the notifications are stored, and must not run on the
    socket's path: queue the work (the users' addresses or push subscriptions are read there).
    """
