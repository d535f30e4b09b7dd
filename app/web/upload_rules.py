"""What the video form's reader enforces on an upload beyond the file itself, and how it reads the body."""

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Request
from redis.asyncio import Redis

from app import multimedia
from app.settings import Settings
from app.web.upload_slots import UploadSlots, upload_slots

log = logging.getLogger("videologue.uploads")
STALLED = "Nothing more of the upload arrived for {seconds:g} seconds, so it was ended. Please try again."


class FormRefused(Exception):
    """A form the app stopped reading: the status to answer, the errors and the fields read so far."""

    def __init__(self, status: int, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors
        self.fields: dict[str, str] = {}


@dataclass(frozen=True)
class UploadRules:
    """What the form reader enforces on a file: the site's limits, places in flight, a read timeout."""

    policy: multimedia.UploadPolicy
    slots: UploadSlots
    read_timeout: float


def upload_rules(settings: Settings, redis: Redis | None) -> UploadRules:
    """The upload rules the settings describe, counting uploads in flight in Redis when there is one."""
    policy = multimedia.UploadPolicy(settings.media_dir, settings.upload_max_bytes,
                                     settings.upload_quota_bytes, settings.upload_free_reserve_bytes)
    slots = upload_slots(settings.uploads_in_flight, settings.upload_read_timeout, redis)
    return UploadRules(policy, slots, settings.upload_read_timeout)


async def arriving(request: Request, read_timeout: float, field: str) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive, ended by FormRefused when none comes for read_timeout."""
    chunks = request.stream()
    while True:
        try:
            async with asyncio.timeout(read_timeout):
                chunk = await anext(chunks)
        except StopAsyncIteration:
            return
        except TimeoutError:
            log.warning("upload ended: nothing arrived for %g s (UPLOAD_READ_TIMEOUT); "
                        "its partial file is removed", read_timeout)
            raise FormRefused(408, {field: STALLED.format(seconds=read_timeout)}) from None
        yield chunk
