"""Profile pages at /users/{username}: a person's videos and their latest annotations."""

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import accounts, multimedia
from app.web.pages import page

RECENT = 20


class ProfileController(Controller):
    """A person's public page, which mentions of them link to."""

    path = "/users"

    @get("/{username:str}")
    async def show(self, request: Request, username: FromPath[str]) -> Template | Redirect:
        """Show the person's videos and recent annotations, newest first, as far as lists show
        them to this viewer (their public videos; all, on one's own page); 404 for no one."""
        person = await accounts.get_user_by_username(username)
        if username != person.username:  # /users/ALICE: one address per person
            return Redirect(f"/users/{person.username}", status_code=301)
        viewer_id = request.state.user.id if request.state.user else 0
        return page(request, "users/show.html", person=person,
                    videos=await multimedia.list_user_videos(person, viewer_id),
                    recent=await multimedia.list_recent_annotations(person.id, RECENT, viewer_id))
