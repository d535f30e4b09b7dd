"""Who may find a video and who may comment on it, as its owner sets them on the sharing page."""

from app.accounts.tables import User
from app.multimedia.access import (
    COMMENT_RULES,
    PICK_COMMENTS,
    PICK_VISIBILITY,
    VISIBILITIES,
    clean_choice,
    owned_access,
)
from app.multimedia.tables import Video
from app.validation import ValidationError


async def set_visibility(owner: User, video_id: int, visibility: object, comments: object) -> bool:
    """Set one of the owner's videos' visibility and comment rule, telling whether either
    changed; ValidationError per bad field, NotFoundError for anyone else's video."""
    access = await owned_access(owner, video_id)
    errors: dict[str, str] = {}
    values = {}
    for column, value, choices, message in (
            (Video.visibility, visibility, VISIBILITIES, PICK_VISIBILITY),
            (Video.comments, comments, COMMENT_RULES, PICK_COMMENTS)):
        try:
            values[column] = clean_choice(value, choices, column._meta.name, message)
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    if (values[Video.visibility], values[Video.comments]) == (access.visibility, access.comments):
        return False
    await Video.update(values).where(Video.id == video_id)
    return True
