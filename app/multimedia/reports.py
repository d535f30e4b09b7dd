"""Reports: a viewer tells a video's owner that an annotation or reply needs a look.

Anyone signed in (a share link's guest too) who may watch a video may report someone else's
annotation there, once, with a reason; a second report by the same person only updates the
reason. Reports wait in the owner's queue (their moderation page) until the owner dismisses
them or the annotation is deleted. The queue says how many reported an item and why, never who.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.accounts.tables import User
from app.multimedia.access import video_access
from app.multimedia.annotations import find_live
from app.multimedia.ids import is_id
from app.multimedia.tables import Report
from app.validation import NotFoundError, ValidationError

# What a report may give as its reason, and how the owner's queue names it.
REASONS = {"spam": "Spam", "abuse": "Harassment or abuse", "spoiler": "Spoiler",
           "other": "Something else"}


@dataclass(frozen=True, slots=True)
class ReportedItem:
    """One reported annotation or reply in an owner's queue, with its open reports' reasons
    (reason -> how many) and when the latest came."""

    annotation_id: int
    video_id: int
    video_title: str
    video_slug: str
    at: int
    author_id: int
    author: str
    body: str
    is_reply: bool
    reasons: dict[str, int]
    latest: datetime

    @property
    def count(self) -> int:
        """How many people reported it."""
        return sum(self.reasons.values())


async def report_annotation(user: User, annotation_id: object, reason: object) -> int:
    """Report someone else's live annotation or reply on a video the user may watch, returning
    the owner whose queue it joins; NotFoundError for one they cannot see, ValidationError for
    their own or for a reason not among REASONS."""
    if not isinstance(reason, str) or reason not in REASONS:
        raise ValidationError({"reason": "Pick a reason for the report."})
    row = await find_live(annotation_id)
    access = await video_access(row["video"], user)
    if row["user"] == user.id:
        raise ValidationError({"id": "That is your own: delete or edit it instead."})
    now = datetime.now(UTC)
    updated = await Report.update({Report.reason: reason, Report.created_at: now,
                                   Report.dismissed_at: None}).where(
        Report.annotation == row["id"], Report.user == user.id).returning(Report.id)
    if not updated:
        await Report.insert(Report(annotation=row["id"], user=user.id, owner=access.owner_id,
                                   reason=reason, created_at=now)).on_conflict(action="DO NOTHING")
    return access.owner_id


_OPEN = ('FROM reports AS r JOIN annotations AS a ON a."id" = r."annotation" ')
_OPEN_WHERE = 'WHERE r."owner" = {} AND r."dismissed_at" IS NULL AND a."deleted_at" IS NULL'
_QUEUE_SQL = ('SELECT r."annotation", r."reason", r."created_at", a."video", a."at", '
              'a."user" AS "author_id", a."body", a."parent", v."title", v."slug", u."username" '
              + _OPEN + 'JOIN videos AS v ON v."id" = a."video" JOIN users AS u ON u."id" = a."user" '
              + _OPEN_WHERE + ' {one} ORDER BY r."created_at"')


async def count_reported(owner_id: int) -> int:
    """How many annotations and replies on the owner's videos have open reports."""
    rows = await Report.raw(f'SELECT COUNT(DISTINCT r."annotation") AS n {_OPEN}{_OPEN_WHERE}',
                            int(owner_id))
    return rows[0]["n"] if rows else 0


async def list_reported(owner: User) -> list[ReportedItem]:
    """The owner's queue: each reported live annotation or reply once, most recently reported
    first."""
    return await _queue(owner, None)


async def find_reported(owner: User, annotation_id: int) -> ReportedItem:
    """One item of the owner's queue, or NotFoundError when it is not there."""
    if not is_id(annotation_id) or not (items := await _queue(owner, annotation_id)):
        raise NotFoundError("report", annotation_id)
    return items[0]


async def _queue(owner: User, annotation_id: int | None) -> list[ReportedItem]:
    """The owner's queue, or its one item for this annotation."""
    if annotation_id is None:
        rows = await Report.raw(_QUEUE_SQL.replace("{one}", ""), owner.id)
    else:
        one = _QUEUE_SQL.replace("{one}", 'AND r."annotation" = {}')
        rows = await Report.raw(one, owner.id, annotation_id)
    first: dict[int, dict] = {}
    reasons: dict[int, dict[str, int]] = {}
    latest: dict[int, datetime] = {}
    for row in rows:
        first.setdefault(row["annotation"], row)
        counts = reasons.setdefault(row["annotation"], {})
        counts[row["reason"]] = counts.get(row["reason"], 0) + 1
        latest[row["annotation"]] = row["created_at"]  # in order: the last row is the latest
    items = [ReportedItem(row["annotation"], row["video"], row["title"], row["slug"], row["at"],
                          row["author_id"], row["username"], row["body"], row["parent"] is not None,
                          reasons[key], latest[key]) for key, row in first.items()]
    return sorted(items, key=lambda item: item.latest, reverse=True)


async def is_reported(annotation_id: int) -> bool:
    """Whether the annotation or reply has open reports (deleted or not): whether deleting it
    changed its owner's queue."""
    return await Report.exists().where(Report.annotation == annotation_id, Report.dismissed_at.is_null())


async def dismiss_reports(owner: User, annotation_id: int) -> None:
    """Take an annotation off the owner's queue, keeping it; NotFoundError when it had no open
    report there."""
    dismissed = [] if not is_id(annotation_id) else await Report.update(
        {Report.dismissed_at: datetime.now(UTC)}).where(
        Report.owner == owner.id, Report.annotation == annotation_id,
        Report.dismissed_at.is_null()).returning(Report.id)
    if not dismissed:
        raise NotFoundError("report", annotation_id)
