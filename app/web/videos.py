"""Managing one's own videos at /manage/videos."""

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import multimedia
from app.live import access_changed, close_video, speakers_changed
from app.multimedia.upload_limits import MIB
from app.validation import ValidationError
from app.web.guards import require_user
from app.web.pages import FormData, page
from app.web.video_form import FormRefused, read_video_form


async def _upload_limits(request: Request) -> dict[str, int]:
    settings = request.app.state.settings
    left = await multimedia.upload_space_left(request.state.user, settings.upload_quota_bytes)
    return {"max_mb": settings.upload_max_bytes // MIB, "quota_mb": settings.upload_quota_bytes // MIB,
            "left_mb": left // MIB, "in_flight": settings.uploads_in_flight}


async def _form_page(request: Request, video=None, form=None, errors=None, status=200):
    categories = await multimedia.list_categories()
    uploads = None if video else await _upload_limits(request)
    return page(request, "videos/edit.html" if video else "videos/new.html", status,
                video=video, form=form or {}, errors=errors or {}, categories=categories,
                uploads=uploads)


def _form_of(video) -> dict[str, str]:
    category = video.category.id if video.category and video.category.id else ""
    return {"title": video.title, "url": video.url, "description": video.description,
            "category_id": str(category), "visibility": video.visibility, "comments": video.comments}


class ManageVideosController(Controller):
    """List, create, edit and delete the signed-in user's videos."""

    path = "/manage/videos"
    guards = [require_user]

    @get()
    async def index(self, request: Request) -> Template:
        """List the user's videos."""
        videos = await multimedia.list_user_videos(request.state.user)
        return page(request, "videos/index.html", videos=videos)

    @get("/new")
    async def new(self, request: Request) -> Template:
        """Show the new-video form."""
        return await _form_page(request)

    # read_video_form checks the CSRF token and the size limit on the stream itself (see its module).
    @post(exclude_from_csrf=True, request_max_body_size=None)
    async def create(self, request: Request) -> Template | Redirect:
        """Create the video from a link or an uploaded file, or show the form's errors."""
        try:
            async with read_video_form(request, request.app.state.upload_rules) as form:
                video = await multimedia.create_video(request.state.user, form.fields, form.upload)
        except FormRefused as refused:
            return await _form_page(request, form=refused.fields, errors=refused.errors,
                                    status=refused.status)
        except ValidationError as error:
            status = error.status if isinstance(error, multimedia.UploadRefused) else 422
            return await _form_page(request, form=form.fields, errors=error.errors, status=status)
        flash(request, f"“{video.title}” is ready to watch.", category="success")
        return Redirect("/manage/videos")

    @get("/{video_id:int}/edit")
    async def edit(self, request: Request, video_id: FromPath[int]) -> Template:
        """Show the edit form for one of the user's videos."""
        video = await multimedia.get_user_video(request.state.user, video_id)
        return await _form_page(request, video=video, form=_form_of(video))

    @post("/{video_id:int}")
    async def update(self, request: Request, video_id: FromPath[int], data: FormData) -> Template | Redirect:
        """Save changes to one of the user's videos, or show the form's errors."""
        video = await multimedia.get_user_video(request.state.user, video_id)
        try:
            saved = await multimedia.update_video(request.state.user, video_id, data,
                                                  request.app.state.settings.media_dir)
        except ValidationError as error:
            return await _form_page(request, video=video, form=data, errors=error.errors,
                                    status=422)
        if (saved.visibility, saved.comments) != (video.visibility, video.comments):
            await access_changed(request.app, video_id)  # open pages that may no longer watch close
            await speakers_changed(request.app, video_id)  # those that may no longer comment go read-only
        flash(request, "Your changes are saved.", category="success")
        return Redirect("/manage/videos")

    @post("/{video_id:int}/delete")
    async def delete(self, request: Request, video_id: FromPath[int]) -> Redirect:
        """Delete one of the user's videos."""
        video = await multimedia.get_user_video(request.state.user, video_id)
        await multimedia.delete_video(request.state.user, video.id, request.app.state.settings.media_dir)
        await close_video(request.app, video.id)  # its open watch pages say so
        flash(request, f"“{video.title}” was deleted.", category="info")
        return Redirect("/manage/videos")
