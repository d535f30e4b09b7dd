"""Blocks: the people an owner keeps from speaking on all of their videos.

The owner, or a moderator of one of the owner's videos, blocks someone who commented there; from
then on that person may still watch what they could watch, but posts, replies, reactions, edits
and resolving on any of the owner's videos are refused (access.py: Access.blocked). The owner
sees whom they blocked, and by whom, on their blocked-people page and may unblock them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.accounts.tables import User
from app.multimedia.access import MODERATOR, video_access
from app.multimedia.ids import is_id
from app.multimedia.tables import Block, Collaborator
from app.validation import NotAllowedError, NotFoundError, ValidationError


@dataclass(frozen=True, slots=True)
class BlockChange:
    """Someone just blocked (or unblocked) on an owner's videos: whose sockets to make read-only."""

    owner_id: int
    user_id: int
    username: str


@dataclass(frozen=True, slots=True)
class BlockedPerson:
    """One person on an owner's blocked list, as the page lists them."""

    user_id: int
    username: str
    guest: bool
    blocked_by: str | None
    blocked_at: datetime


async def block_person(actor: User, video_id: int, user_id: object) -> BlockChange:
    """Block a person from speaking on every video of this video's owner, as the owner or one
    of the video's moderators. NotFoundError for a video they may not watch or an unknown
    person; NotAllowedError for anyone who may not moderate; ValidationError for themselves,
    the owner or a moderator of the video. Blocking someone blocked already changes nothing."""
    access = await video_access(video_id, actor)
    if not access.may_moderate:
        raise NotAllowedError(f"blocking on video {video_id}")
    target = await _person(user_id)
    if target.id == actor.id:
        raise ValidationError({"user_id": "You cannot block yourself."})
    if target.id == access.owner_id:
        raise ValidationError({"user_id": "The owner of a video cannot be blocked on it."})
    if await Collaborator.exists().where(Collaborator.video == video_id, Collaborator.user == target.id,
                                         Collaborator.role == MODERATOR):
        raise ValidationError({"user_id": f"{target.username} moderates this video: the owner "
                                          "must take that role away first."})
    await Block.insert(Block(owner=access.owner_id, user=target.id, by=actor.id,
                             created_at=datetime.now(UTC))).on_conflict(action="DO NOTHING")
    return BlockChange(access.owner_id, target.id, target.username)


async def unblock_person(owner: User, user_id: object) -> BlockChange:
    """Let a person the owner blocked speak on the owner's videos again; NotFoundError when the
    owner had not blocked them."""
    target = await _person(user_id)
    removed = await Block.delete().where(Block.owner == owner.id, Block.user == target.id).returning(
        Block.id)
    if not removed:
        raise NotFoundError("block", target.id)
    return BlockChange(owner.id, target.id, target.username)


async def list_blocked(owner: User) -> list[BlockedPerson]:
    """The people the owner blocked, most recent first."""
    rows = await Block.select(Block.user, Block.user.username, Block.user.guest, Block.by.username,
                              Block.created_at).where(Block.owner == owner.id).order_by(
        Block.created_at, ascending=False)
    return [BlockedPerson(row["user"], row["user.username"], bool(row["user.guest"]),
                          row["by.username"], row["created_at"]) for row in rows]


async def _person(user_id: object) -> User:
    """The user an id names, or NotFoundError."""
    person = None
    if isinstance(user_id, int) and is_id(user_id):
        person = await User.objects().where(User.id == user_id).first()
    if person is None:
        raise NotFoundError("person", user_id)
    return person
