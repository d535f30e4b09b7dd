"""The owner's moderation page: the annotations and replies viewers reported on their videos,
each with its reasons, to dismiss, delete or block the author of."""

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import multimedia
from app.live import block_changed, publish_change, update_report_count
from app.validation import ValidationError
from app.web.guards import require_user
from app.web.pages import page

BACK = Redirect("/manage/moderation")


class ModerationController(Controller):
    """The signed-in owner's queue of reported annotations."""

    path = "/manage/moderation"
    guards = [require_user]

    @get()
    async def index(self, request: Request) -> Template:
        """List the reported items, most recently reported first."""
        return page(request, "moderation/index.html", reasons=multimedia.REPORT_REASONS,
                    items=await multimedia.list_reported(request.state.user))

    @post("/{annotation_id:int}/dismiss")
    async def dismiss(self, request: Request, annotation_id: FromPath[int]) -> Redirect:
        """Keep a reported item and take it off the queue."""
        await multimedia.dismiss_reports(request.state.user, annotation_id)
        await update_report_count(request.app, request.state.user.id)
        flash(request, "Dismissed: the annotation stays.", category="info")
        return BACK

    @post("/{annotation_id:int}/delete")
    async def delete(self, request: Request, annotation_id: FromPath[int]) -> Redirect:
        """Delete a reported item for every viewer, live."""
        item = await multimedia.find_reported(request.state.user, annotation_id)
        view = await multimedia.delete_annotation(request.state.user, item.annotation_id)
        await publish_change(request.app, view)
        await update_report_count(request.app, request.state.user.id)
        flash(request, "Deleted for everyone.", category="success")
        return BACK

    @post("/{annotation_id:int}/block")
    async def block(self, request: Request, annotation_id: FromPath[int]) -> Redirect:
        """Block a reported item's author on all the owner's videos (the item stays queued)."""
        item = await multimedia.find_reported(request.state.user, annotation_id)
        try:
            change = await multimedia.block_person(request.state.user, item.video_id, item.author_id)
        except ValidationError as error:
            flash(request, " ".join(error.errors.values()), category="error")
            return BACK
        await block_changed(request.app, change, blocked=True)
        flash(request, f"{change.username} can no longer post, reply or react on your videos.",
              category="success")
        return BACK
