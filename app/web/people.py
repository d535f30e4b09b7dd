"""The people a watch page suggests while someone types @ in a comment, reply or edit box."""

from typing import Annotated

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from app import accounts, multimedia
from app.live import watching_user_ids
from app.web.viewers import request_viewer

SUGGESTIONS = 8


@get("/watch/{video_id:int}/people")
async def people(request: Request, video_id: FromPath[int],
                 q: Annotated[str, QueryParameter(max_length=100)] = "") -> Template:
    """Listbox options for the users whose username starts with `q` (an @ before it allowed):
    those who commented on or are watching the video first, then everyone else; 404 for a
    video they may not watch."""
    video = await multimedia.get_video((await request_viewer(request, video_id)).access.video_id)
    nearby = set(await multimedia.list_commenter_ids(video.id))
    nearby |= await watching_user_ids(request.app, video.id)
    found = await accounts.list_users_by_prefix(q.strip().removeprefix("@"), SUGGESTIONS, nearby)
    return Template("watch/_people.html", context={"people": found})
