"""Uploaded video files: received into a hidden partial file, typed by their bytes, kept under a new name."""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import anyio

from app.validation import ValidationError

UPLOAD_URL = re.compile(r"^/media/[0-9a-f]{32}\.(?:mp4|webm)$")
PARTIAL_DIR = ".uploads"  # inside MEDIA_DIR, so the final rename stays on one filesystem; never served
STALE_AFTER = 24 * 3600  # a partial file this old was left by a process that died mid-upload
HEAD_BYTES = 4096  # enough for an MP4 ftyp box or a WebM EBML header
FLUSH_BYTES = 256 * 1024
MIB = 1024 * 1024
NOT_A_VIDEO = "That file is not an MP4 or WebM video."
# The smallest sensible set of ISO base media brands a browser plays as video/mp4; QuickTime ("qt  ")
# and still-image brands (HEIC, AVIF) share the ftyp box but are not MP4 video.
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
              b"M4V ", b"mmp4"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282


class UploadTooLarge(ValidationError):
    """A video file larger than the configured limit."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__({"video": f"That file is larger than {max_bytes // MIB} MB, "
                                   "the most this site accepts."})


def sniff_video_type(head: bytes) -> str | None:
    """The extension (".mp4" or ".webm") that a file's first bytes show it to be, or None."""
    if _is_mp4(head):
        return ".mp4"
    if _is_webm(head):
        return ".webm"
    return None


def _is_mp4(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size % 4:
        return False
    compatible = head[16:min(size, len(head))]
    brands = [head[8:12], *(compatible[i:i + 4] for i in range(0, len(compatible) - 3, 4))]
    return any(brand in MP4_BRANDS for brand in brands)


def _is_webm(head: bytes) -> bool:
    if not head.startswith(EBML_MAGIC):
        return False
    try:
        size, pos = _vint(head, len(EBML_MAGIC))
        end = min(pos + size, len(head))
        while pos < end:
            element, pos = _vint(head, pos, keep_marker=True)
            length, pos = _vint(head, pos)
            if element == EBML_DOCTYPE:
                return head[pos:pos + length].rstrip(b"\0") == b"webm"
            pos += length
    except (IndexError, ValueError):
        pass  # a truncated or malformed header is simply not WebM
    return False


def _vint(data: bytes, pos: int, keep_marker: bool = False) -> tuple[int, int]:
    """Read an EBML variable-length integer at pos; return it and the position after it."""
    first = data[pos]
    if first == 0:
        raise ValueError("EBML integers are at most 8 bytes long")
    length = 9 - first.bit_length()
    if pos + length > len(data):
        raise IndexError("truncated EBML integer")
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1:pos + length]:
        value = value << 8 | byte
    return value, pos + length


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


class PartialUpload:
    """A video file being received into MEDIA_DIR/.uploads, removed on leaving unless kept.

    Used as an async context manager: leaving it by an exception removes the file even after
    keep(), so a video whose row failed to save leaves no file behind.
    """

    def __init__(self, media_dir: Path, max_bytes: int) -> None:
        self.media_dir = media_dir
        self.max_bytes = max_bytes
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
        if self.size > self.max_bytes:
            raise UploadTooLarge(self.max_bytes)
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
            await self._file.write(bytes(self._buffer))
            self._buffer.clear()
