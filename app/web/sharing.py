"""The sharing page of one's own video: its visibility, its collaborators and its share links.

The page holds several forms, so each form's fields and errors are named with its prefix
(`invite-username`, `link-name`, `collaborator-7-role`): every input and error has an id of its
own, and a form shown again with errors leaves the others as they are.
"""

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import multimedia
from app.live import access_changed, speakers_changed
from app.validation import ValidationError
from app.web.guards import require_user
from app.web.pages import FormData, page

PATH = "/manage/videos/{video_id:int}/sharing"


def _prefixed(prefix: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}{key}": value for key, value in values.items()}


def _typed(prefix: str, data: dict[str, str]) -> dict[str, str]:
    """What was typed in a form, to show it again: never its password."""
    return _prefixed(prefix, {key: value for key, value in data.items() if key != "password"})


async def _sharing_page(request: Request, video_id: int, form: dict | None = None,
                        errors: dict | None = None, status: int = 200) -> Template:
    owner = request.state.user
    video = await multimedia.get_user_video(owner, video_id)
    form = {"visibility": video.visibility, "comments": video.comments, **(form or {})}
    return page(request, "videos/sharing.html", status, video=video, form=form,
                errors=errors or {}, roles=multimedia.INVITED_ROLES, expiries=multimedia.EXPIRIES,
                collaborators=await multimedia.list_collaborators(owner, video_id),
                links=await multimedia.list_share_links(owner, video_id),
                link_base=f"{request.base_url}s/")


def _back(video_id: int) -> Redirect:
    return Redirect(f"/manage/videos/{video_id}/sharing")


class SharingController(Controller):
    """Who may find one of the user's videos and who may comment on it; 404 for anyone else's."""

    path = PATH
    guards = [require_user]

    @get()
    async def show(self, request: Request, video_id: FromPath[int]) -> Template:
        """Show the video's visibility, collaborators and share links."""
        return await _sharing_page(request, video_id)

    @post("/visibility")
    async def update(self, request: Request, video_id: FromPath[int], data: FormData) -> Template | Redirect:
        """Change the video's visibility and comment rule, or show the form's errors."""
        try:
            changed = await multimedia.set_visibility(request.state.user, video_id,
                                                      data.get("visibility"), data.get("comments"))
        except ValidationError as error:
            return await _sharing_page(request, video_id, data, error.errors, 422)
        if changed:
            await access_changed(request.app, video_id)  # open pages that may no longer watch close
            await speakers_changed(request.app, video_id)  # those that may no longer comment go read-only
        flash(request, "Who may watch and comment is saved.", category="success")
        return _back(video_id)


class CollaboratorsController(Controller):
    """Inviting people to one of the user's videos by username, each with a role."""

    path = f"{PATH}/collaborators"
    guards = [require_user]

    @post()
    async def create(self, request: Request, video_id: FromPath[int], data: FormData) -> Template | Redirect:
        """Invite someone (or give someone invited a new role), or show the form's errors."""
        try:
            invited = await multimedia.invite_collaborator(request.state.user, video_id,
                                                           data.get("username"), data.get("role"))
        except ValidationError as error:
            return await _sharing_page(request, video_id, _typed("invite-", data),
                                       _prefixed("invite-", error.errors), 422)
        flash(request, f"@{invited.username} is invited as {data['role'].strip()}.", category="success")
        return _back(video_id)

    @post("/{user_id:int}")
    async def update(self, request: Request, video_id: FromPath[int], user_id: FromPath[int],
                     data: FormData) -> Template | Redirect:
        """Give a collaborator another role, or show why not."""
        try:
            await multimedia.change_collaborator(request.state.user, video_id, user_id, data.get("role"))
        except ValidationError as error:
            prefix = f"collaborator-{user_id}-"
            return await _sharing_page(request, video_id, _typed(prefix, data),
                                       _prefixed(prefix, error.errors), 422)
        await speakers_changed(request.app, video_id)  # a viewer now: their open pages go read-only
        flash(request, f"Their role is now {data['role'].strip()}.", category="success")
        return _back(video_id)

    @post("/{user_id:int}/delete")
    async def delete(self, request: Request, video_id: FromPath[int], user_id: FromPath[int]) -> Redirect:
        """Take a collaborator off the video; their open pages of it close."""
        await multimedia.remove_collaborator(request.state.user, video_id, user_id)
        await access_changed(request.app, video_id)
        await speakers_changed(request.app, video_id)
        flash(request, "They are no longer a collaborator.", category="info")
        return _back(video_id)


class ShareLinksController(Controller):
    """Making and revoking the share links of one of the user's videos."""

    path = f"{PATH}/links"
    guards = [require_user]

    @post()
    async def create(self, request: Request, video_id: FromPath[int], data: FormData) -> Template | Redirect:
        """Make a share link, or show the form's errors."""
        try:
            link = await multimedia.create_share_link(
                request.state.user, video_id, data.get("name"), data.get("role"),
                data.get("expires", ""), data.get("password", ""))
        except ValidationError as error:
            return await _sharing_page(request, video_id, _typed("link-", data),
                                       _prefixed("link-", error.errors), 422)
        flash(request, f"The link “{link.name}” is ready: copy it from the list.", category="success")
        return _back(video_id)

    @post("/{link_id:int}/revoke")
    async def delete(self, request: Request, video_id: FromPath[int], link_id: FromPath[int]) -> Redirect:
        """Revoke a link at once; the pages opened through it close."""
        await multimedia.revoke_share_link(request.state.user, video_id, link_id)
        await access_changed(request.app, video_id, revoked_links=(link_id,))
        flash(request, "The link no longer works.", category="info")
        return _back(video_id)
