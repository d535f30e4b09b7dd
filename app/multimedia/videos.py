"""Videos: browsing everyone's, and managing one's own."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from app.accounts.tables import User
from app.multimedia.access import (
    COMMENT_RULES,
    EVERYONE,
    PICK_COMMENTS,
    PICK_VISIBILITY,
    PRIVATE,
    PUBLIC,
    VISIBILITIES,
)
from app.multimedia.ids import MAX_ID, is_id, parse_id
from app.multimedia.tables import Category, Video
from app.multimedia.uploads import PartialUpload, is_uploaded_file, remove_uploaded_file
from app.multimedia.urls import parse_video_url
from app.validation import UNSTORABLE, NotFoundError, ValidationError, storable

PER_PAGE = 12
LAST_PAGE = MAX_ID // PER_PAGE + 1
LINK_AND_FILE = "Give a link or choose a file, not both."
NOT_YOURS = "That is another video's uploaded file: upload your own copy instead."
CHOOSE_AGAIN = "Fix the other errors, then choose the file again."


@dataclass(frozen=True)
class VideoPage:
    """One page of the video listing."""

    videos: list[Video]
    number: int
    has_next: bool


def slugify(title: str) -> str:
    """Make the URL slug for a title: ascii words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "video"


def _with_relations():
    return Video.objects(Video.user, Video.category)


async def list_videos(page: int = 1, category_id: int | None = None) -> VideoPage:
    """Everyone's public videos, newest first, one page at a time, optionally in one category."""
    page = min(max(page, 1), LAST_PAGE)
    query = _with_relations().where(Video.visibility == PUBLIC).order_by(Video.id, ascending=False)
    if category_id:
        query = query.where(Video.category == category_id)
    rows = await query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    return VideoPage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


async def list_user_videos(user: User, viewer_id: int | None = None) -> list[Video]:
    """The user's videos, newest first: all of them for the user themselves (the default), the
    public ones for anyone else (viewer_id, 0 when anonymous), as access.listed_sql says."""
    query = _with_relations().where(Video.user == user.id)
    if viewer_id is not None and viewer_id != user.id:
        query = query.where(Video.visibility == PUBLIC)
    return await query.order_by(Video.id, ascending=False)


async def _find(video_id: int, *conditions) -> Video:
    video = None
    if is_id(video_id):
        video = await _with_relations().where(Video.id == video_id, *conditions).first()
    if video is None:
        raise NotFoundError("video", video_id)
    return video


async def get_video(video_id: int) -> Video:
    """Any video by id, or NotFoundError: for code that checked access first (access.py)."""
    return await _find(video_id)


async def video_of_file(url: str) -> int | None:
    """The id of the video whose URL is this media file's (/media/...), or None."""
    rows = await Video.raw('SELECT "id" FROM "videos" WHERE "url" = {} LIMIT 1', url)
    return rows[0]["id"] if rows else None


async def get_user_video(user: User, video_id: int) -> Video:
    """One of the user's own videos, or NotFoundError for anyone else's."""
    return await _find(video_id, Video.user == user.id)


def _url_error(url: str, upload: PartialUpload | None, current_url: str | None) -> dict[str, str]:
    if upload is not None:
        if url:
            return {"video": LINK_AND_FILE}
        return {"video": message} if (message := upload.refusal()) else {}
    if is_uploaded_file(url) and url != current_url:
        # Only the video a file was uploaded for may use it: deleting that video deletes the file.
        return {"url": NOT_YOURS}
    try:
        parse_video_url(url)
    except ValueError as error:
        return {"url": str(error)}
    return {}


async def _clean(attrs: dict[str, str], upload: PartialUpload | None = None,
                 current_url: str | None = None) -> dict:
    title = attrs.get("title", "").strip()
    url = attrs.get("url", "").strip()
    description = attrs.get("description", "").strip()
    category = attrs.get("category_id", "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the video a title."
    elif len(title) > 120:
        errors["title"] = "Use at most 120 characters."
    elif not storable(title):
        errors["title"] = UNSTORABLE
    errors.update(_url_error(url, upload, current_url))
    if len(description) > 2000:
        errors["description"] = "Use at most 2,000 characters."
    elif not storable(description):
        errors["description"] = UNSTORABLE
    category_id = parse_id(category)
    if category and (category_id is None or not await Category.exists().where(
            Category.id == category_id)):
        errors["category_id"] = "Pick a category from the list."
    visibility = attrs.get("visibility", "").strip()
    if visibility and visibility not in VISIBILITIES:
        errors["visibility"] = PICK_VISIBILITY
    comments = attrs.get("comments", "").strip() or EVERYONE
    if comments not in COMMENT_RULES:
        errors["comments"] = PICK_COMMENTS
    if errors and upload is not None:
        errors.setdefault("video", CHOOSE_AGAIN)  # a file input cannot be filled in again for them
    if errors:
        raise ValidationError(errors)
    values = {Video.title: title, Video.url: url, Video.description: description,
              Video.category: category_id, Video.slug: slugify(title), Video.comments: comments}
    if visibility:
        values[Video.visibility] = visibility
    return values


async def create_video(user: User, attrs: dict[str, str], upload: PartialUpload | None = None) -> Video:
    """Create a video owned by the user from a link or an uploaded file, or raise ValidationError.

    An upload is moved into place here, and removed again if its `async with` exits by an error;
    its size counts against the user's quota from then on.
    """
    values = await _clean(attrs, upload)
    # Unless the form says otherwise, an upload (an unreleased cut, say) starts private, a link public.
    values.setdefault(Video.visibility, PRIVATE if upload is not None else PUBLIC)
    if upload is not None:
        await upload.recheck_quota(user)
        values[Video.url] = await upload.keep()
        values[Video.upload_bytes] = upload.size
    video = Video({**values, Video.user: user.id})
    await video.save()
    return video


async def update_video(user: User, video_id: int, attrs: dict[str, str],
                       media_dir: Path | None = None) -> Video:
    """Change one of the user's videos, or raise ValidationError / NotFoundError.

    With media_dir, a file uploaded for the video is deleted when its URL no longer names it.
    """
    video = await get_user_video(user, video_id)
    values = await _clean(attrs, current_url=video.url)
    if values[Video.url] != video.url:
        values[Video.upload_bytes] = 0  # an edit can only link elsewhere, never to a new file
    await Video.update(values).where(Video.id == video.id)
    if media_dir is not None and values[Video.url] != video.url:
        remove_uploaded_file(media_dir, video.url)
    return await get_user_video(user, video_id)


async def delete_video(user: User, video_id: int, media_dir: Path | None = None) -> None:
    """Delete one of the user's videos with its annotations, or raise NotFoundError.

    With media_dir, the file uploaded for the video is deleted too.
    """
    video = await get_user_video(user, video_id)
    await Video.delete().where(Video.id == video.id)
    if media_dir is not None:
        remove_uploaded_file(media_dir, video.url)
