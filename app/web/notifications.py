"""The signed-in user's notifications at /notifications, and which kinds they get."""

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import notifications
from app.live import fragments, update_badges
from app.web.guards import require_user
from app.web.pages import FormData, page


def _enhanced(request: Request) -> bool:
    """True for an htmx request that swaps a part of the page (a boosted one wants the page)."""
    return request.headers.get("hx-request") == "true" and "hx-boosted" not in request.headers


async def _answer(request: Request, template: str, **context) -> Template | Redirect:
    """After marking read: the changed part and the header badge for htmx, else the page again."""
    if not _enhanced(request):
        return Redirect("/notifications", status_code=303)
    count = await notifications.count_unread(request.state.user)
    return Template(template, context={**context, "badge": fragments.notification_count(count)})


@get("/notifications/count")
async def unread_count(request: Request) -> Template | Response:
    """The header badge alone, current, for a page whose socket came back (204, nothing to swap,
    for a visitor who is no longer signed in: the page says so already)."""
    user = request.state.get("user")
    if user is None:
        return Response(content=b"", status_code=204)
    return Template("notifications/_count.html", context={"count": await notifications.count_unread(user)})


class NotificationsController(Controller):
    """List one's notifications newest first, and mark them read one by one or all at once."""

    path = "/notifications"
    guards = [require_user]

    @get()
    async def index(self, request: Request) -> Template:
        """List the user's notifications, each linking to its moment."""
        return page(request, "notifications/index.html",
                    notifications=await notifications.list_notifications(request.state.user))

    @post("/{notification_id:int}/read")
    async def read(self, request: Request, notification_id: FromPath[int]) -> Template | Redirect:
        """Mark one notification read."""
        user = request.state.user
        if await notifications.mark_read(user, notification_id):
            await update_badges(request.app, [user.id])
        return await _answer(request, "notifications/_marked.html",
                             note=await notifications.get_notification(user, notification_id))

    @post("/read")
    async def read_all(self, request: Request) -> Template | Redirect:
        """Mark every notification read."""
        user = request.state.user
        if await notifications.mark_all_read(user):
            await update_badges(request.app, [user.id])
        return await _answer(request, "notifications/_marked.html",
                             notifications=await notifications.list_notifications(user))


class NotificationSettingsController(Controller):
    """Turn each kind of notification on or off."""

    path = "/settings/notifications"
    guards = [require_user]

    @get()
    async def edit(self, request: Request) -> Template:
        """Show which kinds the user gets."""
        return page(request, "settings/notifications.html", kinds=notifications.KINDS,
                    enabled=await notifications.list_enabled_kinds(request.state.user))

    @post()
    async def update(self, request: Request, data: FormData) -> Response:
        """Save the kinds ticked; the others are no longer created for the user."""
        enabled = [kind for kind in notifications.KINDS if data.get(kind)]
        await notifications.set_enabled_kinds(request.state.user, enabled)
        flash(request, "Your notification settings are saved.", category="success")
        return Redirect("/settings/notifications", status_code=303)
