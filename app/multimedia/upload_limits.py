"""What an upload may take: the site's largest file, the owner's quota, the disk's free-space reserve."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from piccolo.query.functions.aggregate import Sum

from app.accounts.tables import User
from app.multimedia.tables import Video
from app.validation import ValidationError

MIB = 1024 * 1024
log = logging.getLogger("videologue.uploads")


def disk_free_bytes(path: Path) -> int:
    """The bytes an unprivileged process may still write on the filesystem holding path."""
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


@dataclass(frozen=True)
class UploadPolicy:
    """The site's limits on uploaded files, as the settings give them."""

    media_dir: Path
    max_bytes: int
    quota_bytes: int
    free_reserve_bytes: int
    free_bytes: Callable[[Path], int] = disk_free_bytes  # replaceable, so tests can fill the disk


class UploadRefused(ValidationError):
    """An upload the limits refuse, with the HTTP status that says why."""

    status = 422

    def __init__(self, message: str) -> None:
        super().__init__({"video": message})


class UploadTooLarge(UploadRefused):
    """A video file larger than the configured limit."""

    status = 413

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"That file is larger than {max_bytes // MIB} MB, the most this site accepts.")


class QuotaExceeded(UploadRefused):
    """A file that does not fit in what is left of its owner's upload quota."""

    status = 413

    def __init__(self, quota_bytes: int, left_bytes: int) -> None:
        super().__init__(f"That file does not fit in your {quota_bytes // MIB} MB of upload space "
                         f"({max(left_bytes, 0) // MIB} MB left). Delete a video you uploaded to "
                         "make room, or give a link instead.")


class LowOnSpace(UploadRefused):
    """An upload that would leave the media disk with less free space than the reserve."""

    status = 507

    def __init__(self) -> None:
        super().__init__("The site is short of storage space and cannot take uploads right now. "
                         "Please try again later, or give a link instead.")


def check_free_space(policy: UploadPolicy, coming_bytes: int) -> None:
    """Refuse, and tell the operator, when writing coming_bytes would eat into the free-space reserve."""
    free = policy.free_bytes(policy.media_dir)
    if free - coming_bytes < policy.free_reserve_bytes:
        log.warning("upload refused: %d MB free on MEDIA_DIR, %d MB coming, UPLOAD_FREE_RESERVE_MB "
                    "is %d", free // MIB, coming_bytes // MIB, policy.free_reserve_bytes // MIB)
        raise LowOnSpace()


async def stored_upload_bytes(user: User) -> int:
    """The bytes of the files the user uploaded and still keeps: what counts against their quota."""
    row = await Video.select(Sum(Video.upload_bytes)).where(Video.user == user.id).first()
    return int(row["sum"] or 0) if row else 0


async def upload_space_left(user: User, quota_bytes: int) -> int:
    """How many bytes the user may still upload under the quota (never below zero)."""
    return max(quota_bytes - await stored_upload_bytes(user), 0)
