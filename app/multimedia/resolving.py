"""Resolving: the author of an annotation, or the video's owner or a moderator, marks it
resolved, or reopens it.

A change like an edit: it takes the video's next change number, so every page, live or away,
gets the thread in its new state.
"""

from datetime import UTC, datetime

from app.accounts.tables import User
from app.database import Statement, atomically
from app.multimedia.access import video_access
from app.multimedia.annotations import CURRENT_CHANGE, find_live, next_change, thread_statement
from app.multimedia.tables import Annotation
from app.multimedia.threads import AnnotationView, threads_of
from app.validation import Blocked, NotAllowedError, ValidationError


async def resolve_annotation(user: User, annotation_id: object,
                             resolved: bool) -> AnnotationView | None:
    """Mark a top-level annotation resolved by the user (or reopen it, `resolved` False) as its
    author (while they may comment) or as the video's owner or a moderator, returning the
    thread; None when it already was in that state. NotFoundError, NotAllowedError for anyone
    else, ValidationError for a reply."""
    row = await find_live(annotation_id)
    access = await video_access(row["video"], user)
    if access.blocked:
        raise Blocked(f"resolving annotation {annotation_id}")
    if not (access.may_moderate or (row["user"] == user.id and access.may_comment)):
        raise NotAllowedError(f"annotation {annotation_id}")
    if row["parent"] is not None:
        raise ValidationError({"id": "A reply cannot be resolved on its own: resolve its annotation."})
    if (row["resolved_at"] is not None) == resolved:
        return None
    when, by = (datetime.now(UTC), user.username) if resolved else (None, None)
    # The state is part of the condition, so of two simultaneous resolves one is void.
    state = "IS NULL" if resolved else "IS NOT NULL"
    results = await atomically(Annotation._meta.db, [
        next_change(row["video"]),
        Statement('UPDATE annotations SET "resolved_at" = {}, "resolved_by" = {}, '
                  f'"seq" = {CURRENT_CHANGE} WHERE "id" = {{}} AND "deleted_at" IS NULL '
                  f'AND "resolved_at" {state} RETURNING "id"',
                  (when, by, row["video"], row["id"]), required=True),
        thread_statement(row["id"])])
    if results is None:
        await find_live(annotation_id)  # deleted meanwhile: NotFoundError
        return None
    return threads_of(results[2])[0]
