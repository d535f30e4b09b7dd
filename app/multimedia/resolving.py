"""Resolving: the author of an annotation or its video's owner marks it resolved, or reopens it.

A change like an edit: it takes the video's next change number, so every page, live or away,
gets the thread in its new state.
"""

from datetime import UTC, datetime

from app.accounts.tables import User
from app.database import Statement, atomically
from app.multimedia.annotations import _NEXT, _bump, _thread
from app.multimedia.ids import is_id
from app.multimedia.tables import Annotation
from app.multimedia.threads import AnnotationView, threads_of
from app.validation import NotAllowedError, NotFoundError, ValidationError


async def _annotation(annotation_id: object) -> dict:
    """The live item with its video's owner and whether it is resolved, or NotFoundError."""
    row = None
    if isinstance(annotation_id, int) and is_id(annotation_id):
        row = await Annotation.select(
            Annotation.id, Annotation.video, Annotation.user, Annotation.parent,
            Annotation.resolved_at, Annotation.video.user.as_alias("owner")).where(
            Annotation.id == annotation_id, Annotation.deleted_at.is_null()).first()
    if row is None:
        raise NotFoundError("annotation", annotation_id)
    return row


async def resolve_annotation(user: User, annotation_id: object,
                             resolved: bool) -> AnnotationView | None:
    """Mark a top-level annotation resolved by the user (or reopen it, `resolved` False) as its
    author or its video's owner, returning the thread; None when it already was in that state.
    NotFoundError, NotAllowedError for anyone else, ValidationError for a reply."""
    row = await _annotation(annotation_id)
    if user.id not in (row["user"], row["owner"]):
        raise NotAllowedError(f"annotation {annotation_id}")
    if row["parent"] is not None:
        raise ValidationError({"id": "A reply cannot be resolved on its own: resolve its annotation."})
    if (row["resolved_at"] is not None) == resolved:
        return None
    when, by = (datetime.now(UTC), user.username) if resolved else (None, None)
    # The state is part of the condition, so of two simultaneous resolves one is void.
    state = "IS NULL" if resolved else "IS NOT NULL"
    results = await atomically(Annotation._meta.db, [
        _bump(row["video"]),
        Statement(f'UPDATE annotations SET "resolved_at" = {{}}, "resolved_by" = {{}}, "seq" = {_NEXT} '
                  f'WHERE "id" = {{}} AND "deleted_at" IS NULL AND "resolved_at" {state} RETURNING "id"',
                  (when, by, row["video"], row["id"]), required=True),
        _thread(row["id"])])
    if results is None:
        await _annotation(annotation_id)  # deleted meanwhile: NotFoundError
        return None
    return threads_of(results[2])[0]
