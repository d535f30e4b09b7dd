"""Browsing videos, the watch page and its annotation exports."""

import re
from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app import accounts, multimedia
from app.live import count_watching
from app.web import exports, filters
from app.web.pages import page
from app.web.viewers import request_viewer

# A link's moment in seconds, as "Copy link" writes it (the player shim reads the same form).
MOMENT = re.compile(r"\d{1,7}(\.\d{1,3})?")


class HomeController(Controller):
    """The home page: everyone's videos, newest first."""

    @get("/")
    async def index(self, request: Request, category: FromQuery[str] = "",
                    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1) -> Template:
        """List videos, a page at a time, optionally in one category, with their live counts."""
        # The filter form sends category= for "All categories": anything but an id means all.
        category_id = multimedia.parse_id(category)
        listing = await multimedia.list_videos(page_number, category_id)
        video_ids = [video.id for video in listing.videos]
        return page(request, "home/index.html", listing=listing,
                    counts=await multimedia.count_annotations(video_ids),
                    watching=await count_watching(request.app, video_ids),
                    categories=await multimedia.list_categories(), category=category_id)


class WatchController(Controller):
    """The watch page at /watch/{id}-{slug}."""

    path = "/watch"

    @get("/{video_id:int}")
    async def short(self, request: Request, video_id: FromPath[int]) -> Redirect:
        """Redirect an id-only link to the canonical URL (a link's moment, ?t=, kept)."""
        await request_viewer(request, video_id)
        video = await multimedia.get_video(video_id)
        return _canonical(request, video)

    @get("/{ref:str}")
    async def show(self, request: Request, ref: FromPath[str]) -> Template | Redirect:
        """Show the player and the live panels, redirecting a stale slug; 404 for a video they may
        not watch, as for one that does not exist."""
        head, _, slug = ref.partition("-")
        viewer = await request_viewer(request, multimedia.parse_id(head) or 0)
        video = await multimedia.get_video(viewer.access.video_id)
        if slug != video.slug:
            return _canonical(request, video)
        user = viewer.user  # the signed-in user, or the guest their share link made them
        if viewer.access.link_id:  # watching through a share link: its owner sees it in use
            await multimedia.note_link_used(viewer.access.link_id)
        settings = request.app.state.settings
        token = accounts.sign_socket_token(settings.secret_key, user) if user else None
        # Read together: the socket sends this page every change after the list's cursor.
        cursor, annotations = await multimedia.list_annotations_with_cursor(video.id)
        return page(request, "watch/show.html", video=video, token=token, cursor=cursor,
                    source=multimedia.parse_video_url(video.url), annotations=annotations,
                    finding=await filters.find_threads(request, video), viewers=None, guests=0,
                    viewer=viewer, moderator_ids=await multimedia.list_moderator_ids(video.id)
                    if viewer.access.may_moderate else [])

    @get("/{video_id:int}/annotations.vtt", media_type="text/vtt")  # Litestar adds the charset
    async def captions(self, request: Request, video_id: FromPath[int]) -> str:
        """The video's annotations as WebVTT captions, one cue each (for those who may watch it)."""
        viewer = await request_viewer(request, video_id)
        return exports.webvtt(await multimedia.list_annotations(viewer.access.video_id))

    @get("/{video_id:int}/annotations.json")
    async def export(self, request: Request, video_id: FromPath[int]) -> list[dict]:
        """The video's annotations as JSON, in the order they appear in the video (for those who
        may watch it)."""
        viewer = await request_viewer(request, video_id)
        return exports.as_json(await multimedia.list_annotations(viewer.access.video_id))


def _canonical(request: Request, video: multimedia.Video) -> Redirect:
    """A permanent redirect to the video's canonical watch URL, keeping a link's moment (?t=)
    and what it filters and searches (filter, q), and nothing else."""
    moment = request.query_params.get("t", "")
    kept = {"t": moment} if MOMENT.fullmatch(moment) else {}
    name = multimedia.clean_filter(request.query_params.get("filter"), request.state.user)
    q = " ".join(multimedia.search_terms(request.query_params.get("q", "")))
    kept |= ({"filter": name} if name != "all" else {}) | ({"q": q} if q else {})
    query = f"?{urlencode(kept)}" if kept else ""
    return Redirect(f"/watch/{video.id}-{video.slug}{query}", status_code=301)
