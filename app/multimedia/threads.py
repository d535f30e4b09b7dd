"""Reading a video's annotations: threads for its page and exports, and changes for replays.

Each read is one statement, so it sees one snapshot: a page's list and its cursor, or a page of
changes and the replies of the threads in it, can never disagree.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from app.multimedia.ids import MAX_ID, is_id
from app.multimedia.tables import Annotation


@dataclass(frozen=True, slots=True)
class AnnotationView:
    """An annotation or a reply as pages and sockets show it, with its author's username.

    A reply has its thread's `at` and `parent_id`; a top-level annotation read as a thread has
    its live replies in `replies`, in posting order. `seq` is the change number of its latest
    change and `created_seq` that of its posting; `reply_count` is the live replies of its
    thread. Replies read as changes also carry their parent's `seq` (`thread_seq`) and whether
    it is deleted (`thread_deleted`): a deleted thread leaves with its last reply. `reactions`
    is the summary reactions.py keeps and parses; `resolved_at`/`resolved_by` mark a resolved
    top-level annotation and who resolved it; `mentions` the users its body mentions, as
    " id:username … "; `guest` marks an author who is a share link's guest.
    """

    id: int
    video_id: int
    user_id: int
    username: str
    body: str
    at: int
    created_at: datetime
    until: int | None = None
    parent_id: int | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    seq: int = 0
    created_seq: int = 0
    reply_count: int = 0
    replies: tuple["AnnotationView", ...] = ()
    thread_seq: int = 0
    thread_deleted: bool = False
    reactions: str = ""
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    mentions: str = ""
    guest: bool = False  # its author is a guest of a share link, not an account

    @property
    def thread_gone(self) -> bool:
        """True for a deleted reply that was the last of a deleted annotation's thread."""
        return self.deleted and self.thread_deleted and self.reply_count == 0


# Written out rather than built with Piccolo's query builder: every join's replay runs these,
# and composing the SQL cost more than running it.
COLUMNS = ('a."id", a."video", a."user", u."username" AS "username", a."body", a."at", a."until", '
           'a."parent", a."created_at", a."edited_at", a."deleted_at", a."seq", a."created_seq", '
           'a."replies", a."reactions", a."resolved_at", a."resolved_by", '
           'a."mentions", u."guest" AS "guest"')


def view_of(row: dict) -> AnnotationView:
    """A view of one row read with COLUMNS (and, for a reply read as a change, its thread's)."""
    return AnnotationView(
        row["id"], row["video"], row["user"], row["username"], row["body"], row["at"],
        row["created_at"], row["until"], row["parent"], row["edited_at"],
        row["deleted_at"] is not None, row["seq"], row["created_seq"],
        row["replies"] if row.get("thread_replies") is None else row["thread_replies"], (),
        row.get("thread_seq") or 0, row.get("thread_deleted_at") is not None, row["reactions"],
        row["resolved_at"], row["resolved_by"], row["mentions"], bool(row["guest"]))


def threads_of(rows: list[dict]) -> list[AnnotationView]:
    """Top-level views in the rows' order, each with its replies from the rows in id order."""
    replies: dict[int, list[AnnotationView]] = {}
    for row in rows:
        if row["parent"] is not None:
            replies.setdefault(row["parent"], []).append(view_of(row))
    return [replace(view_of(row), replies=tuple(sorted(replies[row["id"]], key=lambda r: r.id)))
            if row["id"] in replies else view_of(row) for row in rows if row["parent"] is None]


# What a page shows: live annotations, deleted ones that still have replies, and live replies.
_SHOWN = ('(a."deleted_at" IS NULL OR (a."parent" IS NULL AND a."replies" > 0))')
_SNAPSHOT_SQL = (
    f'SELECT v."change_seq" AS "cursor", {COLUMNS} FROM videos AS v '
    f'LEFT JOIN annotations AS a ON a."video" = v."id" AND {_SHOWN} '
    'LEFT JOIN users AS u ON u."id" = a."user" WHERE v."id" = {} ORDER BY a."at", a."id"')


async def list_annotations_with_cursor(video_id: int) -> tuple[int, list[AnnotationView]]:
    """The video's threads ordered by (at, id), and the change number they are current to."""
    if not is_id(video_id):
        return 0, []
    rows = await Annotation.raw(_SNAPSHOT_SQL, video_id)
    if not rows:
        return 0, []
    return rows[0]["cursor"], threads_of([row for row in rows if row["id"] is not None])


async def list_annotations(video_id: int) -> list[AnnotationView]:
    """The video's threads ordered by (at, id), in one query."""
    return (await list_annotations_with_cursor(video_id))[1]


async def current_change_seq(video_id: int) -> int:
    """The last change number the video's annotations took (0 for none, or no such video)."""
    if not is_id(video_id):
        return 0
    row = await Annotation.raw('SELECT "change_seq" FROM videos WHERE "id" = {}', video_id)
    return row[0]["change_seq"] if row else 0


# One page of changes in change-number order, and the live replies of the top-level annotations
# among them (marked "in_thread"), which a replay renders with their thread.
_CHANGES_SQL = (
    'WITH page AS (SELECT * FROM annotations WHERE "video" = {} AND "seq" > {} '
    'ORDER BY "seq", "id" LIMIT {}) '
    f'SELECT {COLUMNS}, p."seq" AS "thread_seq", p."replies" AS "thread_replies", '
    'p."deleted_at" AS "thread_deleted_at", 0 AS "in_thread" '
    'FROM page AS a LEFT JOIN users AS u ON u."id" = a."user" '
    'LEFT JOIN annotations AS p ON p."id" = a."parent" '
    f'UNION ALL SELECT {COLUMNS}, NULL, NULL, NULL, 1 FROM page AS t '
    'JOIN annotations AS a ON a."parent" = t."id" AND a."deleted_at" IS NULL '
    'LEFT JOIN users AS u ON u."id" = a."user" WHERE t."parent" IS NULL AND t."replies" > 0 '
    'ORDER BY 22, 12, 1')  # in_thread, seq, id


@dataclass(frozen=True)
class ChangePage:
    """Items changed after a change number, each in its current state, in change order.

    Top-level items carry their live replies; `last_seq` is the highest change number read.
    """

    items: list[AnnotationView]
    last_seq: int


async def list_change_page(video_id: int, after_seq: int, limit: int) -> ChangePage:
    """Up to `limit` items of the video changed after `after_seq`, in change-number order."""
    if not is_id(video_id) or after_seq >= MAX_ID or limit <= 0:
        return ChangePage([], after_seq)
    rows = await Annotation.raw(_CHANGES_SQL, video_id, max(after_seq, 0), limit)
    replies: dict[int, list[AnnotationView]] = {}
    items = []
    for row in rows:
        if row["in_thread"]:
            replies.setdefault(row["parent"], []).append(view_of(row))
        else:
            items.append(view_of(row))
    # Most items have no replies: only those are copied to carry theirs.
    items = [replace(item, replies=tuple(sorted(replies[item.id], key=lambda r: r.id)))
             if item.id in replies and item.parent_id is None else item for item in items]
    return ChangePage(items, items[-1].seq if items else after_seq)


async def count_annotations(video_ids: list[int]) -> dict[int, int]:
    """How many live annotations and replies each of these videos has, in one query."""
    if not video_ids:
        return {}
    rows = await Annotation.raw(
        "SELECT video, COUNT(*) AS n FROM annotations WHERE deleted_at IS NULL "
        "AND video IN (" + ",".join(str(int(v)) for v in video_ids) + ") GROUP BY video"
    )
    return {row["video"]: row["n"] for row in rows}
