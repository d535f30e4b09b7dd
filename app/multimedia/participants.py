"""Who takes part in a thread: what notifications ask to know whom a reply concerns."""

from app.multimedia.ids import is_id
from app.multimedia.tables import Annotation


async def list_thread_authors(thread_id: int) -> list[int]:
    """The ids of everyone who wrote a thread's top-level annotation or one of its live replies."""
    if not is_id(thread_id):
        return []
    rows = await Annotation.raw(
        'SELECT DISTINCT "user" FROM annotations WHERE ("id" = {} OR "parent" = {}) '
        'AND "deleted_at" IS NULL', thread_id, thread_id)
    return [row["user"] for row in rows]
