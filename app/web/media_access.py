"""Who may fetch a media file: a file uploaded for a video goes only to those who may watch
the video (multimedia.access, through the session and the browser's share links)."""

from litestar import Request

from app import multimedia
from app.validation import NotFoundError
from app.web.media import PUBLIC_CACHE
from app.web.viewers import request_viewer

# A file of an unlisted or private video: kept by this browser only, never by a shared cache.
PRIVATE_CACHE = "private, max-age=3600"


async def may_fetch(request: Request, url: str) -> str | None:
    """The Cache-Control to serve the file at `url` with, or None (404) when it belongs to a
    video this request may not watch."""
    video_id = await multimedia.video_of_file(url)
    if video_id is None:
        return PUBLIC_CACHE  # no video's file (a demo asset, or one no longer used)
    try:
        viewer = await request_viewer(request, video_id)
    except NotFoundError:
        return None
    return PUBLIC_CACHE if viewer.access.visibility == multimedia.PUBLIC else PRIVATE_CACHE
