"""Reactions: one of a fixed set of emoji per person on an annotation or a reply, toggled.

Each toggle is a change like a post or an edit: it takes the video's next change number, and in
the same transaction rewrites the item's `reactions` summary from the `reactions` rows, so a
replay renders counts and reactors from the item's row alone and a page that was away gets the
counts as they are now.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.accounts.tables import User
from app.database import Statement, atomically
from app.multimedia.access import speaking_access
from app.multimedia.annotations import CURRENT_CHANGE, find_live, next_change
from app.multimedia.tables import Annotation
from app.validation import NotFoundError, ValidationError

# The reactions offered, in the order they are shown.
EMOJI = ("👍", "❤️", "😂", "😮", "❓", "✅")
# Reactors named in a count's label; the rest are counted ("and 12 others").
NAMED = 8


@dataclass(frozen=True, slots=True)
class ReactionCount:
    """One emoji's reactions on an item: how many, who (ids for the page, names for people)."""

    emoji: str
    count: int
    user_ids: str  # " 3 17 ": the page marks the viewer's own reactions from it
    who: str  # "alice, bob and 3 others"


@dataclass(frozen=True, slots=True)
class ReactionChange:
    """An item's reactions after a toggle, with the change number the toggle took, and what a
    notification of it quotes: its author (`user_id`), text and moment."""

    id: int
    video_id: int
    parent_id: int | None
    user_id: int
    at: int
    body: str
    seq: int
    reactions: str
    added: bool
    deleted: bool = False  # a deleted item takes no reactions; read like an AnnotationView's


def reaction_counts(summary: str) -> list[ReactionCount]:
    """The counts a `reactions` summary holds, in EMOJI order (none for an empty summary)."""
    if not summary:
        return []
    by_emoji: dict[str, list[tuple[int, str, str]]] = {}
    for line in summary.split("\n"):
        reaction_id, emoji, user_id, username = line.split(" ", 3)
        by_emoji.setdefault(emoji, []).append((int(reaction_id), user_id, username))
    counts = []
    for emoji in EMOJI:
        if reactors := sorted(by_emoji.get(emoji, ())):
            names = ", ".join(name for _, _, name in reactors[:NAMED])
            if len(reactors) > NAMED:
                names += f" and {len(reactors) - NAMED} others"
            counts.append(ReactionCount(emoji, len(reactors),
                                        " " + " ".join(uid for _, uid, _ in reactors) + " ", names))
    return counts


def _summary(engine_type: str) -> str:
    """SQL computing an item's summary from its rows: "id emoji user_id username" per line."""
    line = 'r."id" || \' \' || r."emoji" || \' \' || r."user" || \' \' || u."username"'
    aggregate = (f"string_agg({line}, chr(10))" if engine_type == "postgres"
                 else f"group_concat({line}, char(10))")
    return (f'COALESCE((SELECT {aggregate} FROM reactions AS r JOIN users AS u ON u."id" = r."user" '
            'WHERE r."annotation" = {}), \'\')')


async def toggle_reaction(user: User, annotation_id: object, emoji: object) -> ReactionChange | None:
    """Add the user's `emoji` reaction to an annotation or reply, or take it back if they had
    it; ValidationError for an emoji not offered, NotFoundError for a missing or deleted item,
    None when a simultaneous toggle of the same reaction (another tab) made this one moot;
    NotAllowedError when they may not comment on its video."""
    if emoji not in EMOJI:
        raise ValidationError({"emoji": "That reaction is not one of those offered."})
    target = await find_live(annotation_id)
    await speaking_access(user, target["video"])
    engine = Annotation._meta.db
    had = await Annotation.raw('SELECT "id" FROM reactions WHERE "annotation" = {} AND "user" = {} '
                               'AND "emoji" = {}', target["id"], user.id, emoji)
    if had:
        toggle = Statement('DELETE FROM reactions WHERE "id" = {} RETURNING "id"', (had[0]["id"],),
                           required=True)
    else:
        toggle = Statement('INSERT INTO reactions ("annotation", "user", "emoji", "created_at") '
                           'VALUES ({}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING "id"',
                           (target["id"], user.id, emoji, datetime.now(UTC)), required=True)
    video_id = target["video"]
    results = await atomically(engine, [
        next_change(video_id), toggle,
        Statement(f'UPDATE annotations SET "reactions" = {_summary(engine.engine_type)}, '
                  f'"seq" = {CURRENT_CHANGE} WHERE "id" = {{}} AND "deleted_at" IS NULL '
                  'RETURNING "seq", "reactions"', (target["id"], video_id, target["id"]),
                  required=True)])
    if results is None:
        if not await Annotation.exists().where(Annotation.id == target["id"],
                                               Annotation.deleted_at.is_null()):
            raise NotFoundError("annotation", annotation_id)
        return None
    row = results[2][0]
    return ReactionChange(target["id"], video_id, target["parent"], target["user"], target["at"],
                          target["body"], row["seq"], row["reactions"], added=not had)
