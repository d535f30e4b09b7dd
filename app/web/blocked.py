"""The owner's blocked-people page: whom they (or their videos' moderators) blocked from speaking
on their videos, and unblocking them."""

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import multimedia
from app.live import block_changed
from app.web.guards import require_user
from app.web.pages import page


class BlockedPeopleController(Controller):
    """The signed-in owner's blocks."""

    path = "/manage/blocked"
    guards = [require_user]

    @get()
    async def index(self, request: Request) -> Template:
        """List the people the owner blocked, most recent first."""
        return page(request, "videos/blocked.html",
                    people=await multimedia.list_blocked(request.state.user))

    @post("/{user_id:int}/unblock")
    async def unblock(self, request: Request, user_id: FromPath[int]) -> Redirect:
        """Let someone speak on the owner's videos again; their open pages are told at once."""
        change = await multimedia.unblock_person(request.state.user, user_id)
        await block_changed(request.app, change, blocked=False)
        flash(request, f"{change.username} may comment on your videos again.", category="success")
        return Redirect("/manage/blocked")
