"""Media file router with HTTP Range, conditional requests and path-traversal protection."""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Literal

import anyio
import anyio.to_thread
from litestar import HttpMethod, MediaType, Request, Router, route
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Stream

_CHUNK_SIZE = 64 * 1024
_RANGE_RE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.IGNORECASE)
# A byte position of more digits than this is past the end of any file (and int() refuses
# strings of over 4,300 digits), so it is read as this number instead of being converted.
_POSITION_DIGITS = 18
_PAST_ANY_FILE = 10**_POSITION_DIGITS
# Host mime.types files differ between machines; pin the types the <video> player relies on.
_VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}
_UNSATISFIABLE: Literal["unsatisfiable"] = "unsatisfiable"
PUBLIC_CACHE = "public, max-age=3600"
# Asked before a file is served: the Cache-Control to serve it with, or None to answer 404.
Guard = Callable[[Request, str], Awaitable[str | None]]


async def _anyone(_: Request, __: str) -> str:
    return PUBLIC_CACHE


def media_router(media_dir: Path, path: str = "/media", guard: Guard = _anyone) -> Router:
    """Serve files under media_dir with HTTP Range, conditional requests and no path traversal.

    Only single ranges are honoured: a multi-range request gets the full 200 response, which
    RFC 9110 allows because a server may always ignore Range; so does a malformed one (not
    digits, or a start after its end). A suffix range (`bytes=-N`) serves the last N bytes, the
    whole file when N is larger; a start at or past the end, or `bytes=-0`, answers 416. A
    position of any number of digits is accepted: one too long to be an offset is past the end.
    `guard` is asked first, with the file's URL path, whether this request may have it.
    """
    root = media_dir.resolve()

    @route("/{file_path:path}", http_method=[HttpMethod.GET, HttpMethod.HEAD])
    async def serve_media(request: Request, file_path: FromPath[Path]) -> Response:
        cache_control = await guard(request, f"{path}/{str(file_path).lstrip('/')}")
        found = await anyio.to_thread.run_sync(_locate, root, str(file_path)) if cache_control else None
        if found is None:
            raise NotFoundException()
        file, info = found
        etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
        headers = {
            "Accept-Ranges": "bytes",
            "Cache-Control": cache_control,
            "ETag": etag,
            "Last-Modified": formatdate(info.st_mtime, usegmt=True),
        }
        if _not_modified(request, etag, info.st_mtime):
            return Response(b"", status_code=304, headers=headers)

        size = info.st_size
        span = None
        if (range_header := request.headers.get("range")) is not None:
            if_range = request.headers.get("if-range")
            if if_range is None or _if_range_matches(if_range, etag, info.st_mtime):
                span = _parse_range(range_header, size)
        if span == _UNSATISFIABLE:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(b"", status_code=416, headers=headers, media_type=MediaType.TEXT)

        start, end = span or (0, size - 1)
        if span:
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        headers["Content-Length"] = str(end - start + 1)
        headers["Content-Type"] = _content_type(file)
        status = 206 if span else 200
        if request.method == HttpMethod.HEAD:
            return Response(b"", status_code=status, headers=headers)
        body = _read_chunks(file, start, end - start + 1)
        return Stream(body, status_code=status, headers=headers)

    return Router(path=path, route_handlers=[serve_media])


def _locate(root: Path, requested: str) -> tuple[Path, os.stat_result] | None:
    """Return the regular file under root named by requested with its stat, or None."""
    parts = [part for part in requested.split("/") if part]
    if "\x00" in requested or _is_hidden(parts):
        return None
    try:
        # resolve() follows symlinks, so links escaping root fail the containment check too.
        candidate = root.joinpath(*parts).resolve()
        if not candidate.is_relative_to(root) or _is_hidden(candidate.relative_to(root).parts):
            return None
        info = candidate.stat()
    except (OSError, RuntimeError, ValueError):  # RuntimeError: symlink loop on Python 3.11
        return None
    return (candidate, info) if stat.S_ISREG(info.st_mode) else None


def _is_hidden(parts: list[str] | tuple[str, ...]) -> bool:
    """Tell whether any path component is a dotfile; '..' is left to the containment check."""
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def _content_type(file: Path) -> str:
    """Guess the Content-Type of file from its extension."""
    guessed = _VIDEO_TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0]
    return guessed or "application/octet-stream"


def _http_date(value: str) -> int | None:
    """Parse an HTTP date into a Unix timestamp, or None if it is malformed."""
    try:
        parsed = parsedate_to_datetime(value)
        # A "-0000" zone yields a naive datetime; HTTP dates are always GMT.
        return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())
    except (TypeError, ValueError, OverflowError):  # OverflowError: a year past C's int
        return None


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    """Evaluate If-None-Match (weak comparison) or else If-Modified-Since."""
    if (if_none_match := request.headers.get("if-none-match")) is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = _http_date(request.headers.get("if-modified-since", ""))
    return since is not None and int(mtime) <= since


def _if_range_matches(value: str, etag: str, mtime: float) -> bool:
    """Tell whether an If-Range validator still matches, so the Range may be honoured."""
    value = value.strip()
    if value.startswith(('"', "W/")):
        # If-Range demands strong comparison, so a weak tag can never match.
        return value == etag
    return _http_date(value) == int(mtime)


def _parse_range(value: str, size: int) -> tuple[int, int] | Literal["unsatisfiable"] | None:
    """Return the inclusive span of a single byte range, 'unsatisfiable', or None to ignore it."""
    match = _RANGE_RE.fullmatch(value.strip())
    if match is None or match.groups() == ("", ""):
        return None  # malformed or multi-range: ignoring Range is always allowed
    first, last = (_position(digits) if digits else None for digits in match.groups())
    if first is None:
        return (max(size - last, 0), size - 1) if last and size else _UNSATISFIABLE
    if last is not None and last < first:
        return None  # invalid byte-range-spec, so the whole header is ignored
    if first >= size:
        return _UNSATISFIABLE
    return first, size - 1 if last is None else min(last, size - 1)


def _position(digits: str) -> int:
    """The byte position a run of digits names; past the end of any file when it is too long."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= _POSITION_DIGITS else _PAST_ANY_FILE


async def _read_chunks(file: Path, start: int, length: int) -> AsyncIterator[bytes]:
    """Yield length bytes of file from start in bounded chunks."""
    async with await anyio.open_file(file, "rb") as handle:
        await handle.seek(start)
        while length > 0:
            chunk = await handle.read(min(_CHUNK_SIZE, length))
            if not chunk:
                break  # the file shrank since stat(); stop instead of looping forever
            length -= len(chunk)
            yield chunk
