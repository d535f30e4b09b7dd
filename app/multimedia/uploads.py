"""Uploaded video files: received into a hidden partial file, typed by their bytes, kept under a new name."""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import anyio

from app.accounts.tables import User
from app.multimedia.upload_limits import (
    QuotaExceeded,
    UploadPolicy,
    UploadTooLarge,
    check_free_space,
    upload_space_left,
)
from app.multimedia.video_types import HEAD_BYTES, sniff_video_type
from app.validation import ValidationError

UPLOAD_URL = re.compile(r"^/media/[0-9a-f]{32}\.(?:mp4|webm)$")
PARTIAL_DIR = ".uploads"  # inside MEDIA_DIR, so the final rename stays on one filesystem; never served
STALE_AFTER = 24 * 3600  # a partial file this old was left by a process that died mid-upload
FLUSH_BYTES = 256 * 1024
# A Content-Length counts the form's other fields too; only what is above them is surely file.
FIELDS_MAX = 64 * 1024  # every text field together: room for a 2,000-character description
NOT_A_VIDEO = "That file is not an MP4 or WebM video."


def is_uploaded_file(url: str) -> bool:
    """Tell whether a video URL names a file uploaded to this site (as opposed to a link)."""
    return bool(UPLOAD_URL.match(url))


def remove_uploaded_file(media_dir: Path, url: str) -> None:
    """Delete the uploaded file a video URL names; links and other media files are left alone."""
    if is_uploaded_file(url):
        (media_dir / url.rsplit("/", 1)[1]).unlink(missing_ok=True)


def _sweep_stale(partial_dir: Path) -> None:
    cutoff = time.time() - STALE_AFTER
    for leftover in partial_dir.glob("*.part"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass  # another request removed it first


async def start_upload(user: User, policy: UploadPolicy, coming_bytes: int | None) -> PartialUpload:
    """A partial upload for the user, or a refusal when the quota or the disk's reserve has no room.

    coming_bytes is what the request announced it still has to send (None when it did not say):
    a file announced too large is refused before any of it is stored.
    """
    left = await upload_space_left(user, policy.quota_bytes)
    if coming_bytes is not None and coming_bytes - FIELDS_MAX > left:
        raise QuotaExceeded(policy.quota_bytes, left)
    check_free_space(policy, min(policy.max_bytes, left) if coming_bytes is None else coming_bytes)
    return PartialUpload(policy, left)


class PartialUpload:
    """A video file being received into MEDIA_DIR/.uploads, removed on leaving unless kept.

    Used as an async context manager: leaving it by an exception removes the file even after
    keep(), so a video whose row failed to save leaves no file behind. It refuses a file past
    the site's limit or the owner's quota left, and stops writing before the disk's free space
    falls below the reserve.
    """

    def __init__(self, policy: UploadPolicy, left_bytes: int) -> None:
        self.policy = policy
        self.media_dir = policy.media_dir
        self.left_bytes = left_bytes
        self.size = 0
        self.path: Path | None = None
        self._head = bytearray()
        self._buffer = bytearray()
        self._file: anyio.AsyncFile | None = None
        self._kept = False

    async def __aenter__(self) -> PartialUpload:
        partial_dir = self.media_dir / PARTIAL_DIR
        partial_dir.mkdir(parents=True, exist_ok=True)
        _sweep_stale(partial_dir)
        handle, name = tempfile.mkstemp(dir=partial_dir, suffix=".part")
        self.path = Path(name)
        self._file = anyio.wrap_file(os.fdopen(handle, "wb"))
        return self

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        # Synchronous close and unlink: they are quick, and they must also run when cancelled.
        if self._file is not None:
            self._file.wrapped.close()
        if (exc_type is not None or not self._kept) and self.path is not None:
            self.path.unlink(missing_ok=True)

    async def write(self, chunk: bytes) -> None:
        """Append a chunk, refusing the file as soon as it is too large or its first bytes are no video."""
        self.size += len(chunk)
        if self.size > self.policy.max_bytes:
            raise UploadTooLarge(self.policy.max_bytes)
        if self.size > self.left_bytes:
            raise QuotaExceeded(self.policy.quota_bytes, self.left_bytes)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[:HEAD_BYTES - len(self._head)]
            if len(self._head) == HEAD_BYTES and self.refusal():
                raise ValidationError({"video": NOT_A_VIDEO})
        self._buffer += chunk
        if len(self._buffer) >= FLUSH_BYTES:
            await self._flush()

    def refusal(self) -> str | None:
        """Why the file received so far cannot be kept, or None when it is an MP4 or WebM video."""
        return None if sniff_video_type(bytes(self._head)) else NOT_A_VIDEO

    async def recheck_quota(self, owner: User) -> None:
        """Refuse the whole file when the owner's uploads finished meanwhile left it no room."""
        left = await upload_space_left(owner, self.policy.quota_bytes)
        if self.size > left:
            raise QuotaExceeded(self.policy.quota_bytes, left)

    async def keep(self) -> str:
        """Move the finished file to a generated name in MEDIA_DIR and return its media URL."""
        extension = sniff_video_type(bytes(self._head))
        if extension is None or self.path is None or self._file is None:
            raise ValidationError({"video": NOT_A_VIDEO})
        await self._flush()
        await self._file.aclose()
        final = self.media_dir / f"{uuid.uuid4().hex}{extension}"
        os.replace(self.path, final)  # atomic: the file appears whole or not at all
        self.path, self._kept = final, True
        return f"/media/{final.name}"

    async def _flush(self) -> None:
        if self._buffer and self._file is not None:
            check_free_space(self.policy, len(self._buffer))  # other uploads may have used it
            await self._file.write(bytes(self._buffer))
            self._buffer.clear()
