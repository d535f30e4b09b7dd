"""A person's recent annotations and replies across every video, for their profile page."""

from dataclasses import dataclass

from app.multimedia.access import listed_sql
from app.multimedia.ids import is_id
from app.multimedia.tables import Annotation
from app.multimedia.threads import COLUMNS, AnnotationView, view_of


@dataclass(frozen=True, slots=True)
class RecentAnnotation:
    """One of a person's annotations or replies, with the video it is on."""

    annotation: AnnotationView
    video_title: str
    video_slug: str


# Newest first by id: walking the primary key backwards stops at the limit.
_RECENT_SQL = (
    f'SELECT {COLUMNS}, v."title" AS "video_title", v."slug" AS "video_slug" FROM annotations AS a '
    'JOIN videos AS v ON v."id" = a."video" LEFT JOIN users AS u ON u."id" = a."user" '
    'WHERE a."user" = {} AND a."deleted_at" IS NULL AND LISTED ORDER BY a."id" DESC LIMIT {}')


async def list_recent_annotations(user_id: int, limit: int = 20,
                                  viewer_id: int = 0) -> list[RecentAnnotation]:
    """The user's latest live annotations and replies, newest first, on the videos lists show
    the viewer (viewer_id; 0 for anonymous: access.listed_sql)."""
    if not is_id(user_id) or limit <= 0:
        return []
    sql = _RECENT_SQL.replace("LISTED", listed_sql("v", viewer_id))
    rows = await Annotation.raw(sql, user_id, int(limit))
    return [RecentAnnotation(view_of(row), row["video_title"], row["video_slug"]) for row in rows]


async def list_commenter_ids(video_id: int) -> list[int]:
    """The users with a live annotation or reply on the video, in one query."""
    if not is_id(video_id):
        return []
    rows = await Annotation.raw('SELECT DISTINCT "user" FROM annotations WHERE "video" = {} '
                                'AND "deleted_at" IS NULL', video_id)
    return [row["user"] for row in rows]
