"""Filter and find on the watch page: which threads match, for the page and for htmx.

The page always holds every thread, matching or not: the socket's replays and morphs address
threads by id (`#annotation-{id}`) and assume the page has each change up to its cursor, so a
thread left out could never come back when an edit or a reply makes it match. The ones that do
not match are marked `data-unmatched`, which the stylesheet hides: without JavaScript that is
the whole filter (a GET of the page with `?filter=&q=`); with it, the player shim re-marks them
from the ids this module's fragment lists, asking again after each live change.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import multimedia
from app.web.viewers import request_viewer

LABELS = {"all": "All", "open": "Open", "resolved": "Resolved", "mine": "Mine",
          "mentioning": "Mentioning me"}


@dataclass(frozen=True)
class Finding:
    """What a viewer asked for (a filter and the search box's text) and the threads that match
    it: `matching` is None when nothing is asked, every thread showing."""

    video: multimedia.Video
    name: str
    q: str
    matching: set[int] | None
    signed_in: bool

    @property
    def active(self) -> bool:
        """Whether some threads may be hidden."""
        return self.matching is not None

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The filters this viewer may choose, as (name, label): Mine and Mentioning me need one."""
        return [(name, label) for name, label in LABELS.items()
                if self.signed_in or name not in ("mine", "mentioning")]

    def query(self, name: str | None = None) -> str:
        """The query string for this search under a filter (this one by default), "" for none."""
        params = {"filter": name or self.name, "q": self.q}
        params = {key: value for key, value in params.items() if value and value != "all"}
        return f"?{urlencode(params)}" if params else ""

    def page_url(self, name: str | None = None) -> str:
        """The watch page showing this search under a filter: what works without JavaScript."""
        return f"/watch/{self.video.id}-{self.video.slug}{self.query(name)}"


async def find_threads(request: Request, video: multimedia.Video) -> Finding:
    """The filter and search the request asks for on this video, and the threads matching them."""
    user = request.state.get("user")
    name = multimedia.clean_filter(request.query_params.get("filter"), user)
    # The box shows what is searched: the terms read, one space apart.
    q = " ".join(multimedia.search_terms(request.query_params.get("q", "")))
    matching = None
    if name != "all" or q:
        matching = await multimedia.search_video_annotations(video.id, q, user, name)
    return Finding(video, name, q, matching, user is not None)


class AnnotationFilterController(Controller):
    """The matching threads of a video as a fragment, for the watch page's filter bar."""

    path = "/watch"

    @get("/{video_id:int}/matches")
    async def index(self, request: Request, video_id: FromPath[int]) -> Template | Redirect:
        """The matches fragment for htmx (the address bar follows); the page for anyone else;
        404 for a video they may not watch."""
        viewer = await request_viewer(request, video_id)
        finding = await find_threads(request, await multimedia.get_video(viewer.access.video_id))
        if request.headers.get("HX-Request") != "true":
            return Redirect(finding.page_url(), status_code=303)
        return Template("watch/_matches.html", context={"finding": finding},
                        headers={"HX-Replace-Url": finding.page_url(), "Vary": "HX-Request"})
