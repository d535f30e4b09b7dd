"""Registration, sign-in, sign-out and password change; sign-in and registration throttled."""

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from app import accounts
from app.accounts import HashingBusy
from app.live import disconnect_user
from app.validation import ValidationError
from app.web import throttles
from app.web.guards import require_user, safe_next
from app.web.pages import FormData, page
from app.web.refusals import refusal_page
from app.web.session import current_user, sign_in, sign_out
from app.web.throttles import Throttled

SIGN_IN_FAILED = "That username and password do not match an account."


class RegistrationController(Controller):
    """Creating an account."""

    path = "/register"

    @get()
    async def new(self, request: Request) -> Template:
        """Show the registration form."""
        return page(request, "users/new.html", errors={}, form={})

    @post()
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        """Register the user and sign them in, or show the form's errors."""
        try:
            user = await throttles.register(
                request, data.get("name", ""), data.get("username", ""), data.get("password", ""))
        except ValidationError as error:
            return page(request, "users/new.html", 422, errors=error.errors, form=data)
        except (Throttled, HashingBusy) as refusal:
            return refusal_page(request, "users/new.html", refusal, errors={}, form=data)
        sign_in(request, user)
        flash(request, f"Welcome to Videologue, {user.name}!", category="success")
        return Redirect(safe_next(data.get("next")))


class SessionController(Controller):
    """Signing in and out."""

    @get("/sign-in")
    async def new(self, request: Request, next: FromQuery[str] = "/") -> Template:
        """Show the sign-in form."""
        return page(request, "sessions/new.html", error=None, form={"next": safe_next(next)})

    @post("/sign-in")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        """Sign the user in and go back where they came from, or say it did not work."""
        form = {"username": data.get("username", ""), "next": safe_next(data.get("next"))}
        try:
            user = await throttles.authenticate(request, form["username"], data.get("password", ""))
        except (Throttled, HashingBusy) as refusal:
            return refusal_page(request, "sessions/new.html", refusal, error=None, form=form)
        if user is None:
            return page(request, "sessions/new.html", 401, error=SIGN_IN_FAILED, form=form)
        sign_in(request, user)
        flash(request, f"Welcome back, {user.name}!", category="success")
        return Redirect(safe_next(data.get("next")))

    @post("/sign-out")
    async def delete(self, request: Request) -> Redirect:
        """Sign out everywhere: every session and every open live socket of this user."""
        user = await current_user(request)
        if user is not None:
            await accounts.sign_out_everywhere(user)
            await disconnect_user(request.app, user.id)
        sign_out(request)
        flash(request, "You have signed out.", category="info")
        return Redirect("/")


class PasswordController(Controller):
    """Changing one's password."""

    path = "/account/password"
    guards = [require_user]

    @get()
    async def edit(self, request: Request) -> Template:
        """Show the change-password form."""
        return page(request, "users/password.html", errors={})

    @post()
    async def update(self, request: Request, data: FormData) -> Template | Redirect:
        """Change the password, then sign out every other session and socket."""
        user = await current_user(request)
        try:
            await accounts.change_password(
                user, data.get("current_password", ""), data.get("new_password", ""))
        except ValidationError as error:
            return page(request, "users/password.html", 422, errors=error.errors)
        except HashingBusy as refusal:
            return refusal_page(request, "users/password.html", refusal, errors={})
        await disconnect_user(request.app, user.id)
        sign_in(request, user)
        flash(request, "Your password has changed; other sessions were signed out.", "success")
        return Redirect("/")
