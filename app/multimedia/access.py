"""Who may watch a video and who may speak on it: the one rule every page, socket, export,
listing, search and media file asks.

A person's role on a video is the highest of: owner; the role the owner invited them with
(collaborators.py); the role of a live share link they came through (share_links.py: a signed-in
user who opened it, a guest it made, or an anonymous browser holding it); and, on a public or
unlisted video, "viewer" for anyone and "commenter" for every signed-in account unless the owner
keeps comments to collaborators. Someone the owner blocked (blocks.py) keeps their role to watch
but may neither comment nor moderate. Someone with no role may not know the video exists: they
get NotFoundError, never a refusal that says it is there.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.accounts.tables import User
from app.multimedia.ids import is_id
from app.multimedia.tables import Video
from app.validation import Blocked, MayNotComment, NotFoundError, ValidationError

VIEWER, COMMENTER, MODERATOR, OWNER = "viewer", "commenter", "moderator", "owner"
# Roles in rising order: each may do what the ones before it may.
ROLES = (VIEWER, COMMENTER, MODERATOR, OWNER)
INVITED_ROLES = (VIEWER, COMMENTER, MODERATOR)  # what an owner may invite someone as
LINK_ROLES = (VIEWER, COMMENTER)  # what a share link may let its holders do
PUBLIC, UNLISTED, PRIVATE = "public", "unlisted", "private"
VISIBILITIES = (PUBLIC, UNLISTED, PRIVATE)
EVERYONE, COLLABORATORS = "everyone", "collaborators"
COMMENT_RULES = (EVERYONE, COLLABORATORS)
PICK_VISIBILITY = "Pick public, unlisted or private."
PICK_COMMENTS = "Pick who may comment."


@dataclass(frozen=True, slots=True)
class Access:
    """What one person may do on one video: their role, and the share link it comes through
    when it does (`link_id`, with the link's `expires_at`): revoking or expiring that link ends
    it. `user_id` is 0 for an anonymous viewer; `blocked` marks someone the owner blocked."""

    video_id: int
    owner_id: int
    visibility: str
    comments: str
    role: str
    user_id: int = 0
    link_id: int = 0
    expires_at: datetime | None = None
    blocked: bool = False

    @property
    def may_comment(self) -> bool:
        """Post, reply, react and edit their own."""
        return not self.blocked and ROLES.index(self.role) >= ROLES.index(COMMENTER)

    @property
    def may_moderate(self) -> bool:
        """Delete or resolve anyone's annotation, block people."""
        return not self.blocked and ROLES.index(self.role) >= ROLES.index(MODERATOR)

    @property
    def is_owner(self) -> bool:
        """Manage the video: visibility, collaborators, share links."""
        return self.role == OWNER


def _higher(role: str | None, other: str | None) -> str | None:
    if role is None or (other is not None and ROLES.index(other) > ROLES.index(role)):
        return other
    return role


_COLUMNS = 'SELECT v."id", v."user" AS "owner", v."visibility", v."comments", '
_AS_ANYONE = _COLUMNS + 'NULL AS "invited", 0 AS "blocked" FROM "videos" AS v WHERE v."id" = {}'
_AS_USER = (_COLUMNS + '(SELECT c."role" FROM "collaborators" AS c WHERE c."video" = v."id" '
            'AND c."user" = {}) AS "invited", EXISTS (SELECT 1 FROM "blocks" AS b '
            'WHERE b."owner" = v."user" AND b."user" = {}) AS "blocked" '
            'FROM "videos" AS v WHERE v."id" = {}')
# The held links' ids are written in (integers, checked by is_id), the rest are parameters.
_LINKS = ('SELECT l."id", l."role", l."expires_at" FROM "share_links" AS l WHERE l."video" = {{}} '
          'AND l."revoked_at" IS NULL AND (l."id" IN ({held}) OR l."id" IN '
          '(SELECT m."link" FROM "link_members" AS m WHERE m."user" = {{}}))')


def listed_sql(alias: str, viewer_id: int) -> str:
    """The rule for lists (the home page, a profile): SQL true for the videos (table `alias`)
    they show someone (viewer_id, 0 for anonymous): public ones, and the viewer's own. An
    unlisted or private video is reached only by its link (video_access)."""
    return f"({alias}.\"visibility\" = '{PUBLIC}' OR {alias}.\"user\" = {int(viewer_id)})"


def link_is_live(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether a link with this expiry (None: never) still works."""
    return expires_at is None or expires_at > (now or datetime.now(UTC))


async def video_access(video_id: int, user: User | None, link_ids: Iterable[int] = ()) -> Access:
    """What `user` (None: anonymous), holding the share links `link_ids` (from their browser),
    may do on a video; NotFoundError when they may not watch it, or it does not exist."""
    if not is_id(video_id):
        raise NotFoundError("video", video_id)
    user_id = user.id if user is not None else 0
    rows = await (Video.raw(_AS_USER, user_id, user_id, video_id) if user_id
                  else Video.raw(_AS_ANYONE, video_id))
    if not rows:
        raise NotFoundError("video", video_id)
    video = rows[0]
    guest = user is not None and user.guest
    role = OWNER if user_id and video["owner"] == user_id else video["invited"]
    if video["visibility"] != PRIVATE:
        opened = user_id and not guest and video["comments"] == EVERYONE
        role = _higher(role, COMMENTER if opened else VIEWER)
    link_id, expires_at = 0, None
    links = [int(link) for link in link_ids if is_id(link)]
    if (role is None or not _at_least(role, COMMENTER)) and (links or user_id):
        link = await _best_link(video_id, links, user_id)
        if link is not None and _higher(role, link["role"]) != role:
            role, link_id, expires_at = link["role"], link["id"], link["expires_at"]
    if role is None:
        raise NotFoundError("video", video_id)
    return Access(video_id, video["owner"], video["visibility"], video["comments"], role, user_id,
                  link_id, expires_at, bool(video["blocked"]))


def _at_least(role: str, floor: str) -> bool:
    return ROLES.index(role) >= ROLES.index(floor)


async def _best_link(video_id: int, link_ids: list[int], user_id: int) -> dict | None:
    """The live share link of the video giving the highest role that these links (held by the
    browser) or the user's memberships include, or None."""
    held = ",".join(str(link) for link in link_ids[:50]) or "0"
    rows = await Video.raw(_LINKS.format(held=held), video_id, user_id)
    best = None
    for row in rows:
        if link_is_live(row["expires_at"]) and (best is None or _higher(best["role"], row["role"])
                                                 != best["role"]):
            best = row
    return best


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may watch a video, as sockets can tell: everyone, unless it is `private`; then its
    owner and collaborators (`user_ids`) and whoever holds one of its live links (`link_ids`).
    `revoked_link_ids` are the links revoked on it, whose holders it lets in no more."""

    private: bool
    user_ids: frozenset[int] = frozenset()
    link_ids: frozenset[int] = frozenset()
    revoked_link_ids: frozenset[int] = frozenset()


async def audience(video_id: int) -> Audience:
    """Who may watch the video now (a deleted one: a private video nobody may watch)."""
    rows = await Video.raw('SELECT "user", "visibility" FROM "videos" WHERE "id" = {}', video_id)
    if not rows:
        return Audience(True)
    links = await Video.raw('SELECT "id", "expires_at", "revoked_at" FROM "share_links" '
                            'WHERE "video" = {}', video_id)
    revoked = frozenset(row["id"] for row in links if row["revoked_at"] is not None)
    if rows[0]["visibility"] != PRIVATE:
        return Audience(False, revoked_link_ids=revoked)
    users = await Video.raw('SELECT "user" FROM "collaborators" WHERE "video" = {}', video_id)
    return Audience(True, frozenset([rows[0]["user"], *(row["user"] for row in users)]),
                    frozenset(row["id"] for row in links
                              if row["revoked_at"] is None and link_is_live(row["expires_at"])),
                    revoked)


@dataclass(frozen=True, slots=True)
class Speakers:
    """Who may comment on a video, as sockets can tell: every signed-in account not through a
    link when `everyone`; its owner and its commenting collaborators (`user_ids`); whoever
    came through one of its live comment links (`link_ids`); never those the owner blocked
    (`blocked_ids`)."""

    everyone: bool
    user_ids: frozenset[int] = frozenset()
    link_ids: frozenset[int] = frozenset()
    blocked_ids: frozenset[int] = frozenset()


async def speakers(video_id: int) -> Speakers:
    """Who may comment on the video now (a deleted one: nobody)."""
    rows = await Video.raw('SELECT "user", "visibility", "comments" FROM "videos" WHERE "id" = {}',
                           video_id)
    if not rows:
        return Speakers(False)
    video = rows[0]
    users = await Video.raw('SELECT "user" FROM "collaborators" WHERE "video" = {} AND "role" IN '
                            f"('{COMMENTER}', '{MODERATOR}')", video_id)
    links = await Video.raw('SELECT "id", "expires_at" FROM "share_links" WHERE "video" = {} '
                            f"AND \"role\" = '{COMMENTER}' AND \"revoked_at\" IS NULL", video_id)
    blocked = await Video.raw('SELECT "user" FROM "blocks" WHERE "owner" = {}', video["user"])
    return Speakers(video["visibility"] != PRIVATE and video["comments"] == EVERYONE,
                    frozenset([video["user"], *(row["user"] for row in users)]),
                    frozenset(row["id"] for row in links if link_is_live(row["expires_at"])),
                    frozenset(row["user"] for row in blocked))


async def may_watch(video_id: int, user: User | None, link_ids: Iterable[int] = ()) -> bool:
    """Whether they may watch the video (see video_access)."""
    try:
        await video_access(video_id, user, link_ids)
    except NotFoundError:
        return False
    return True


async def speaking_access(user: User, video_id: int) -> Access:
    """The user's access to a video they are about to post, reply or react on: NotFoundError
    when they may not watch it, Blocked when its owner blocked them, MayNotComment when they may
    watch but not comment."""
    access = await video_access(video_id, user)
    if access.blocked:
        raise Blocked(f"commenting on video {video_id}")
    if not access.may_comment:
        raise MayNotComment(f"commenting on video {video_id}")
    return access


async def may_watch_among(video_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of these users who may watch the video (video_access for each): whom a change on
    it may notify."""
    ids = sorted(set(user_ids))
    users = await User.objects().where(User.id.is_in(ids)) if ids else []
    return {user.id for user in users if await may_watch(video_id, user)}


async def owned_access(user: User, video_id: int) -> Access:
    """The owner's access to one of their videos, or NotFoundError for anyone else."""
    access = await video_access(video_id, user)
    if not access.is_owner:
        raise NotFoundError("video", video_id)
    return access


def clean_choice(value: object, choices: tuple[str, ...], field: str, message: str) -> str:
    """One of `choices`, or ValidationError on `field` with `message`."""
    if isinstance(value, str) and value.strip() in choices:
        return value.strip()
    raise ValidationError({field: message})
