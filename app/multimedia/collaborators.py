"""Collaborators: the people an owner invites to a video by username, each with a role."""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.accounts.directory import get_user_by_username
from app.accounts.tables import User
from app.multimedia.access import INVITED_ROLES, MODERATOR, clean_choice, owned_access
from app.multimedia.tables import Collaborator
from app.validation import NotFoundError, ValidationError

PICK_ROLE = "Pick viewer, commenter or moderator."


@dataclass(frozen=True, slots=True)
class CollaboratorView:
    """One collaborator as the sharing page lists them."""

    user_id: int
    username: str
    role: str
    invited_at: datetime


async def list_collaborators(owner: User, video_id: int) -> list[CollaboratorView]:
    """The collaborators of one of the owner's videos, by username."""
    await owned_access(owner, video_id)
    rows = await Collaborator.select(Collaborator.user, Collaborator.user.username, Collaborator.role,
                                     Collaborator.created_at).where(Collaborator.video == video_id)
    views = [CollaboratorView(row["user"], row["user.username"], row["role"], row["created_at"])
             for row in rows]
    return sorted(views, key=lambda view: view.username.lower())


async def invite_collaborator(owner: User, video_id: int, username: object, role: object) -> User:
    """Invite an existing user to one of the owner's videos with a role (or give someone
    already invited the new role); ValidationError for an unknown name, the owner, or a bad role."""
    await owned_access(owner, video_id)
    role = clean_choice(role, INVITED_ROLES, "role", PICK_ROLE)
    name = username.strip().removeprefix("@") if isinstance(username, str) else ""
    if not name:
        raise ValidationError({"username": "Give the username of the person to invite."})
    try:
        user = await get_user_by_username(name)
    except NotFoundError:
        raise ValidationError({"username": f"Nobody is called “{name[:40]}”."}) from None
    if user.id == owner.id:
        raise ValidationError({"username": "That is you: the owner may always do everything."})
    updated = await Collaborator.update({Collaborator.role: role}).where(
        Collaborator.video == video_id, Collaborator.user == user.id).returning(Collaborator.id)
    if not updated:
        await Collaborator.insert(Collaborator(video=video_id, user=user.id, role=role,
                                               created_at=datetime.now(UTC))).on_conflict(
            action="DO NOTHING")
    return user


async def change_collaborator(owner: User, video_id: int, user_id: int, role: object) -> None:
    """Give a collaborator of one of the owner's videos another role; NotFoundError if they are
    not one, ValidationError for a bad role."""
    await owned_access(owner, video_id)
    role = clean_choice(role, INVITED_ROLES, "role", PICK_ROLE)
    updated = await Collaborator.update({Collaborator.role: role}).where(
        Collaborator.video == video_id, Collaborator.user == user_id).returning(Collaborator.id)
    if not updated:
        raise NotFoundError("collaborator", user_id)


async def remove_collaborator(owner: User, video_id: int, user_id: int) -> None:
    """Take a collaborator off one of the owner's videos; NotFoundError if they were not one."""
    await owned_access(owner, video_id)
    removed = await Collaborator.delete().where(
        Collaborator.video == video_id, Collaborator.user == user_id).returning(Collaborator.id)
    if not removed:
        raise NotFoundError("collaborator", user_id)


async def list_moderator_ids(video_id: int) -> list[int]:
    """The users invited to moderate a video (whom its moderators' pages offer no Block for)."""
    rows = await Collaborator.select(Collaborator.user).where(Collaborator.video == video_id,
                                                             Collaborator.role == MODERATOR)
    return sorted(row["user"] for row in rows)
