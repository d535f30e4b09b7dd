"""Share links: an owner lets whoever opens a link watch a video (role "viewer") or comment on
it ("commenter"), until it expires or is revoked, optionally behind a password.

Opening one makes a signed-in user a member of the link (link_members), so what they may do
follows the link from then on; a browser without an account holds the link's id in a signed
cookie (app/share_cookie.py), and on a comment link may become a guest: a user row
(accounts.create_guest) that is a member of this link alone.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app import accounts
from app.accounts.passwords import hash_password, verify_password
from app.accounts.tables import User
from app.multimedia.access import LINK_ROLES, clean_choice, link_is_live, owned_access
from app.multimedia.ids import is_id
from app.multimedia.tables import LinkMember, ShareLink, Video
from app.validation import UNSTORABLE, NotFoundError, ValidationError, storable

# How long a new link may last: the form's choices, "" for until it is revoked.
EXPIRIES = {"": None, "1h": timedelta(hours=1), "1d": timedelta(days=1),
            "7d": timedelta(days=7), "30d": timedelta(days=30)}
MAX_LINKS = 50  # live links per video
MAX_PASSWORD = 200


class LinkClosed(Exception):
    """A share link that exists but no longer works: revoked or expired (`reason`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


REVOKED = "This share link was revoked by the video's owner."
EXPIRED = "This share link has expired."


@dataclass(frozen=True, slots=True)
class LinkView:
    """One share link as its owner sees it on the sharing page."""

    id: int
    name: str
    role: str
    token: str
    has_password: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime

    @property
    def live(self) -> bool:
        """Whether the link still lets people in."""
        return self.revoked_at is None and link_is_live(self.expires_at)


@dataclass(frozen=True, slots=True)
class OpenedLink:
    """A link someone opened: which, on which video (its id and slug), with what role, and until
    when."""

    id: int
    video_id: int
    slug: str
    role: str
    expires_at: datetime | None


def _view(row: dict) -> LinkView:
    return LinkView(row["id"], row["name"], row["role"], row["token"], bool(row["password_hash"]),
                    row["expires_at"], row["revoked_at"], row["last_used_at"], row["created_at"])


async def list_share_links(owner: User, video_id: int) -> list[LinkView]:
    """The share links of one of the owner's videos, newest first, revoked ones included."""
    await owned_access(owner, video_id)
    rows = await ShareLink.select().where(ShareLink.video == video_id).order_by(
        ShareLink.id, ascending=False)
    return [_view(row) for row in rows]


def _clean_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise ValidationError({"name": "Name the link, say “client review”, to tell it apart."})
    if len(text) > 60:
        raise ValidationError({"name": "Use at most 60 characters."})
    if not storable(text):
        raise ValidationError({"name": UNSTORABLE})
    return text


async def create_share_link(owner: User, video_id: int, name: object, role: object,
                            expires: object = "", password: object = "") -> LinkView:
    """Make a share link for one of the owner's videos, or raise ValidationError per bad field.
    `expires` is one of EXPIRIES; an empty password means none."""
    await owned_access(owner, video_id)
    errors: dict[str, str] = {}
    values = {}
    for field, clean in (("name", lambda: _clean_name(name)),
                         ("role", lambda: clean_choice(role, LINK_ROLES, "role",
                                                       "Pick whether the link lets people comment.")),
                         ("expires", lambda: clean_choice(expires if expires else "", tuple(EXPIRIES),
                                                          "expires", "Pick when the link expires."))):
        try:
            values[field] = clean()
        except ValidationError as error:
            errors.update(error.errors)
    secret = password if isinstance(password, str) else ""
    if len(secret) > MAX_PASSWORD:
        errors["password"] = f"Use at most {MAX_PASSWORD} characters."
    live = [link for link in await list_share_links(owner, video_id) if link.live]
    if len(live) >= MAX_LINKS:
        errors["name"] = f"A video may have {MAX_LINKS} working links: revoke one first."
    if errors:
        raise ValidationError(errors)
    now = datetime.now(UTC)
    lifetime = EXPIRIES[values["expires"]]
    link = ShareLink(video=video_id, name=values["name"], role=values["role"],
                     token=secrets.token_urlsafe(16), created_at=now,
                     password_hash=await hash_password(secret) if secret else "",
                     expires_at=now + lifetime if lifetime else None)
    await link.save()
    return _view(link.to_dict())


async def revoke_share_link(owner: User, video_id: int, link_id: int) -> None:
    """Revoke one of the links of one of the owner's videos at once (NotFoundError if it is not
    one); its members and guests lose what it gave them."""
    await owned_access(owner, video_id)
    revoked = await ShareLink.update({ShareLink.revoked_at: datetime.now(UTC)}).where(
        ShareLink.id == link_id, ShareLink.video == video_id,
        ShareLink.revoked_at.is_null()).returning(ShareLink.id)
    if not revoked:
        raise NotFoundError("share link", link_id)


async def find_share_link(token: object) -> tuple[dict, Video]:
    """The link a token names, with its video; NotFoundError for an unknown token, LinkClosed
    for a revoked or expired link."""
    row = None
    if isinstance(token, str) and 0 < len(token) <= 32:
        row = await ShareLink.select().where(ShareLink.token == token).first()
    if row is None:
        raise NotFoundError("share link", token)
    if row["revoked_at"] is not None:
        raise LinkClosed(REVOKED)
    if not link_is_live(row["expires_at"]):
        raise LinkClosed(EXPIRED)
    video = await Video.objects().where(Video.id == row["video"]).first()
    if video is None:
        raise NotFoundError("share link", token)
    return row, video


async def open_share_link(token: object, password: object, user: User | None) -> OpenedLink:
    """Let someone in through a link: check its password (ValidationError when wrong), note it
    was used, and make a signed-in user (not a guest) a member. NotFoundError, LinkClosed."""
    row, video = await find_share_link(token)
    if row["password_hash"] and not await verify_password(
            row["password_hash"], password if isinstance(password, str) else ""):
        raise ValidationError({"password": "That is not the link's password."})
    now = datetime.now(UTC)
    await ShareLink.update({ShareLink.last_used_at: now}).where(ShareLink.id == row["id"])
    if user is not None and not user.guest:
        await _add_member(row["id"], user.id, now)
    return OpenedLink(row["id"], video.id, video.slug, row["role"], row["expires_at"])


# How long a link's "last used" may lag behind a visit: watching through it writes at most this often.
USED_EVERY = timedelta(minutes=1)


async def note_link_used(link_id: int) -> None:
    """Note that someone watched through a link (a watch page their access came by), keeping
    its "last used" within USED_EVERY of the latest visit."""
    now = datetime.now(UTC)
    await ShareLink.update({ShareLink.last_used_at: now}).where(
        ShareLink.id == link_id,
        ShareLink.last_used_at.is_null() | (ShareLink.last_used_at < now - USED_EVERY))


async def _add_member(link_id: int, user_id: int, now: datetime) -> None:
    await LinkMember.insert(LinkMember(link=link_id, user=user_id, created_at=now)).on_conflict(
        action="DO NOTHING")


async def join_as_guest(link_id: int, name: object) -> User:
    """Make a guest for a live comment link under the display name they chose; ValidationError
    for a bad name, NotFoundError / LinkClosed when the link no longer lets anyone comment."""
    row = await ShareLink.select().where(ShareLink.id == link_id).first() if is_id(link_id) else None
    if row is None or row["role"] != "commenter":
        raise NotFoundError("share link", link_id)
    if row["revoked_at"] is not None or not link_is_live(row["expires_at"]):
        raise LinkClosed(REVOKED if row["revoked_at"] is not None else EXPIRED)
    guest = await accounts.create_guest(name)
    await _add_member(link_id, guest.id, datetime.now(UTC))
    return guest


async def find_guest(link_id: int, user_id: int) -> User | None:
    """The guest of this link with this id, if they still are one (None otherwise)."""
    if not (is_id(link_id) and is_id(user_id)):
        return None
    member = await LinkMember.exists().where(LinkMember.link == link_id, LinkMember.user == user_id)
    if not member:
        return None
    user = await User.objects().where(User.id == user_id, User.guest.eq(True)).first()
    return user
