"""Annotations: comments pinned to a moment or a stretch of a video, and replies to them.

Every change (post, reply, edit, delete) takes the video's next change number in the same
transaction that makes it: the UPDATE of the video's row locks it until the commit, so on
PostgreSQL two changes to one video commit in the order of their numbers (SQLite has one
writer). The numbers have no gaps, and a reader that sees change n has seen every change
before it: a page that holds every change up to n misses nothing by asking for those after n.
The users a body mentions (mentions.py) are looked up first and written in the same statement.
"""

import re
from datetime import UTC, datetime

from app.accounts.tables import User
from app.database import Statement, atomically
from app.multimedia.access import speaking_access, video_access
from app.multimedia.ids import is_id
from app.multimedia.mentions import find_mentions
from app.multimedia.tables import Annotation
from app.multimedia.threads import COLUMNS, AnnotationView, threads_of, view_of
from app.validation import UNSTORABLE, NotAllowedError, NotFoundError, ValidationError, storable

MAX_BODY = 500
MAX_AT = 86_400_000
_DIGITS = re.compile(r"[0-9]{1,12}")  # more is past MAX_AT, and int() would refuse 4,301


def clean_body(body: object) -> str:
    """A posted body stripped, or ValidationError when it is empty, too long or unstorable."""
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError({"body": "Write something first."})
    if len(text) > MAX_BODY:
        raise ValidationError({"body": f"Keep it under {MAX_BODY} characters (this one has {len(text)})."})
    if not storable(text):
        raise ValidationError({"body": UNSTORABLE})
    return text


def _millis(value: object) -> int:
    """A moment in ms from an int or a string of ASCII digits (never a float, a bool, "٣" or
    "1_000"); -1 when it is none, or outside the first 24 hours."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return -1
    return value if 0 <= value <= MAX_AT else -1


def clean_annotation(body: object, at: object, until: object = None) -> tuple[str, int, int | None]:
    """Validate a posted body, `at` and optional `until` (ms), returning them cleaned or raising
    ValidationError with one message per bad field."""
    errors: dict[str, str] = {}
    try:
        text = clean_body(body)
    except ValidationError as error:
        errors.update(error.errors)
        text = ""
    millis = _millis(at)
    if millis < 0:
        errors["at"] = "The time in the video is not valid."
    end = None
    if until not in (None, ""):
        end = _millis(until)
        if end < 0:
            errors["until"] = "The end of the stretch is not a valid time in the video."
        elif millis >= 0 and end <= millis:
            errors["until"] = "The end of the stretch must come after its start."
    if errors:
        raise ValidationError(errors)
    return text, millis, end


def next_change(video_id: int) -> Statement:
    """The video's next change number: required, so a deleted video voids the transaction."""
    return Statement("UPDATE videos SET change_seq = change_seq + 1 WHERE id = {} RETURNING change_seq",
                     (video_id,), required=True)


# The change number the transaction took (after next_change), for a row it changes to record.
CURRENT_CHANGE = "(SELECT change_seq FROM videos WHERE id = {})"
_INSERT = ('INSERT INTO annotations ("user", video, body, mentions, at, until, parent, created_at, '
           "seq, created_seq, replies) SELECT {}, id, {}, {}, {}, {}, {}, {}, change_seq, change_seq, 0 "
           "FROM videos WHERE id = {} RETURNING id")


def thread_statement(top_id: int) -> Statement:
    """A top-level annotation and its live replies, read inside the change's transaction."""
    return Statement(f'SELECT {COLUMNS} FROM annotations AS a LEFT JOIN users AS u ON u."id" = a."user" '
                     'WHERE a."id" = {} OR (a."parent" = {} AND a."deleted_at" IS NULL) ORDER BY a."id"',
                     (top_id, top_id))


async def annotate_video(user: User, video_id: int, body: object, at: object,
                         until: object = None) -> AnnotationView:
    """Post the user's annotation on a video, or raise ValidationError / NotFoundError, or
    NotAllowedError when they may watch it but not comment (access.py)."""
    text, millis, end = clean_annotation(body, at, until)
    await speaking_access(user, video_id)
    mentions, now = await find_mentions(text), datetime.now(UTC)
    results = await atomically(Annotation._meta.db, [
        next_change(video_id),
        Statement(_INSERT, (user.id, text, mentions, millis, end, None, now, video_id), required=True)])
    if results is None:
        raise NotFoundError("video", video_id)
    seq = results[0][0]["change_seq"]
    return AnnotationView(results[1][0]["id"], video_id, user.id, user.username, text, millis, now,
                          until=end, seq=seq, created_seq=seq, mentions=mentions, guest=user.guest)


async def find_live(annotation_id: object) -> dict:
    """A live annotation's or reply's row (id, video, user, parent, at, body, resolved_at), or
    NotFoundError when missing or deleted: what every change checks first (then access.py)."""
    row = None
    if isinstance(annotation_id, int) and is_id(annotation_id):
        row = await Annotation.select(
            Annotation.id, Annotation.video, Annotation.user, Annotation.parent, Annotation.at,
            Annotation.body, Annotation.resolved_at).where(
            Annotation.id == annotation_id, Annotation.deleted_at.is_null()).first()
    if row is None:
        raise NotFoundError("annotation", annotation_id)
    return row


async def reply_to_annotation(user: User, annotation_id: object, body: object) -> AnnotationView:
    """Reply to an annotation (a reply to a reply joins the same thread); ValidationError,
    NotFoundError for an unknown or deleted annotation (or one on a video they may not watch),
    NotAllowedError when they may not comment there."""
    text = clean_body(body)
    target = await find_live(annotation_id)
    await speaking_access(user, target["video"])
    top = await find_live(target["parent"]) if target["parent"] else target
    video_id, mentions, now = top["video"], await find_mentions(text), datetime.now(UTC)
    results = await atomically(Annotation._meta.db, [
        next_change(video_id),
        Statement('UPDATE annotations SET replies = replies + 1 WHERE id = {} '
                  "AND deleted_at IS NULL RETURNING replies", (top["id"],), required=True),
        Statement(_INSERT, (user.id, text, mentions, top["at"], None, top["id"], now, video_id),
                  required=True)])
    if results is None:
        raise NotFoundError("annotation", annotation_id)
    seq = results[0][0]["change_seq"]
    return AnnotationView(results[2][0]["id"], video_id, user.id, user.username, text, top["at"],
                          now, parent_id=top["id"], seq=seq, created_seq=seq,
                          reply_count=results[1][0]["replies"], mentions=mentions, guest=user.guest)


async def edit_annotation(user: User, annotation_id: object, body: object) -> AnnotationView:
    """Replace the body of the user's own annotation or reply; ValidationError, NotFoundError,
    or NotAllowedError for anyone but its author (a video's owner may delete, not rewrite) and
    for an author who may no longer comment there."""
    text = clean_body(body)
    row = await find_live(annotation_id)
    await speaking_access(user, row["video"])
    if row["user"] != user.id:
        raise NotAllowedError(f"annotation {annotation_id}")
    video_id = row["video"]
    statements = [
        next_change(video_id),
        Statement("UPDATE annotations SET body = {}, mentions = {}, edited_at = {}, seq = " + CURRENT_CHANGE +
                  " WHERE id = {} AND deleted_at IS NULL RETURNING id",
                  (text, await find_mentions(text), datetime.now(UTC), video_id, row["id"]),
                  required=True),
        thread_statement(row["id"]) if row["parent"] is None else _item(row["id"], row["parent"])]
    results = await atomically(Annotation._meta.db, statements)
    if results is None:
        raise NotFoundError("annotation", annotation_id)
    return _changed(results[2], row["parent"] is None)


def _item(reply_id: int, top_id: int) -> Statement:
    """A reply with its thread's live replies, change number and deletion."""
    return Statement(f'SELECT {COLUMNS}, p."replies" AS "thread_replies", p."seq" AS "thread_seq", '
                     'p."deleted_at" AS "thread_deleted_at" FROM annotations AS a '
                     'LEFT JOIN users AS u ON u."id" = a."user" JOIN annotations AS p ON p."id" = {} '
                     'WHERE a."id" = {}', (top_id, reply_id))


def _changed(rows: list[dict], top_level: bool) -> AnnotationView:
    """The changed item as read in its transaction: a whole thread for a top-level annotation."""
    return threads_of(rows)[0] if top_level else view_of(rows[0])


async def delete_annotation(user: User, annotation_id: object) -> AnnotationView:
    """Delete an annotation or reply as its author or as the video's owner or a moderator;
    NotFoundError / NotAllowedError otherwise. A deleted annotation's replies stay under a
    "deleted" note."""
    row = await find_live(annotation_id)
    access = await video_access(row["video"], user)
    if row["user"] != user.id and not access.may_moderate:
        raise NotAllowedError(f"annotation {annotation_id}")
    video_id, parent = row["video"], row["parent"]
    # Kept as a row with deleted_at set and a new change number, so viewers who were away learn
    # of it when they rejoin; the condition makes a concurrent second delete void.
    statements = [
        next_change(video_id),
        Statement("UPDATE annotations SET deleted_at = {}, seq = " + CURRENT_CHANGE +
                  " WHERE id = {} AND deleted_at IS NULL RETURNING id",
                  (datetime.now(UTC), video_id, row["id"]), required=True)]
    if parent is None:
        statements.append(thread_statement(row["id"]))
    else:
        # A deleted annotation whose last reply goes leaves the list too: it changes with it.
        statements.append(Statement(
            "UPDATE annotations SET replies = replies - 1, seq = CASE WHEN deleted_at IS NOT NULL "
            "AND replies = 1 THEN " + CURRENT_CHANGE + " ELSE seq END WHERE id = {} RETURNING id",
            (video_id, parent)))
        statements.append(_item(row["id"], parent))
    results = await atomically(Annotation._meta.db, statements)
    if results is None:
        raise NotFoundError("annotation", annotation_id)
    return _changed(results[-1], parent is None)
