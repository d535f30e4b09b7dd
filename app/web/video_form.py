"""Reading the new-video form as it arrives, so a video file streams to disk and never sits in memory.

Litestar's own form parsing (which its CSRF middleware would run first) spools a file to the system
temp folder under a 10 MB body limit, so the handler that accepts uploads opts out of both and this
module does the same checks on the stream itself.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from hmac import compare_digest
from urllib.parse import parse_qsl

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import InternalServerException, PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.utils.scope.state import ScopeState
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser

from app import multimedia
from app.multimedia.uploads import FIELDS_MAX
from app.validation import ValidationError
from app.web.upload_rules import FormRefused, UploadRules, arriving
from app.web.upload_slots import Slot

PARTS_MAX = 16
FILE_FIELD = "video"
INTERRUPTED = "The upload was cut off before the whole file arrived. Please try again."
FORM_TOO_LARGE = "The form is too large to accept."
ONE_FILE = "Send one video file, in the video field."


@dataclass
class VideoForm:
    """The form's text fields and, when a file was chosen, its partial upload."""

    fields: dict[str, str] = field(default_factory=dict)
    upload: multimedia.PartialUpload | None = None


@asynccontextmanager
async def read_video_form(request: Request, rules: UploadRules) -> AsyncIterator[VideoForm]:
    """Read a urlencoded or multipart video form; a file is removed on leaving unless it was kept.

    The CSRF token is checked before the first byte of a file is stored, which is why the form
    puts its hidden token first, and so are the limits on the signed-in user's uploads. A body
    that stops arriving for the read timeout is ended. Refusals raise FormRefused, a bad token
    PermissionDeniedException.
    """
    content_type, options = request.content_type
    config = request.app.csrf_config
    # As for a page load, a form shown again carries the cookie's token, even when this request
    # was refused before its own token was read.
    ScopeState.from_scope(request.scope).csrf_token = request.cookies.get(config.cookie_name, "")
    form = VideoForm()
    async with AsyncExitStack() as stack:
        try:
            if content_type == RequestEncodingType.URL_ENCODED:
                form.fields = await _read_urlencoded(request, rules.read_timeout)
            elif content_type == RequestEncodingType.MULTI_PART and options.get("boundary"):
                max_bytes = rules.policy.max_bytes
                if (request.content_length or 0) > max_bytes + FIELDS_MAX:
                    raise multimedia.UploadTooLarge(max_bytes)  # refused before reading anything
                await _Reader(request, form, stack, rules).read(options["boundary"])
            else:
                raise FormRefused(415, {"form": "Send the form as multipart/form-data."})
            _check_csrf(request, form.fields)
        except ValidationError as error:
            status = error.status if isinstance(error, multimedia.UploadRefused) else 422
            raise _refused(FormRefused(status, error.errors), form) from None
        except FormRefused as refused:
            raise _refused(refused, form) from None
        yield form


def _refused(refused: FormRefused, form: VideoForm) -> FormRefused:
    refused.fields = form.fields
    return refused


async def _read_urlencoded(request: Request, read_timeout: float) -> dict[str, str]:
    body = bytearray()
    try:
        async for chunk in arriving(request, read_timeout, "form"):
            body += chunk
            if len(body) > FIELDS_MAX:
                raise FormRefused(413, {"form": FORM_TOO_LARGE})
    except InternalServerException:  # Litestar's word for a client that disconnected
        raise FormRefused(400, {"form": INTERRUPTED}) from None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _check_csrf(request: Request, fields: dict[str, str]) -> None:
    """Refuse the request unless it carries the CSRF cookie's token, exactly as the middleware would."""
    config = request.app.csrf_config
    sent = request.headers.get(config.header_name) or fields.get("_csrf_token", "")
    secret = _token_secret(sent, config.secret)
    cookie_secret = _token_secret(request.cookies.get(config.cookie_name, ""), config.secret)
    if secret is None or cookie_secret is None or not compare_digest(secret, cookie_secret):
        raise PermissionDeniedException("CSRF token verification failed")


def _token_secret(token: str, secret: str) -> str | None:
    value, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    if len(value) < CSRF_SECRET_LENGTH or not signature:
        return None
    return value if compare_digest(signature, generate_csrf_hash(value, secret)) else None


class _Reader:
    """Feeds the request stream through an incremental multipart parser into fields and one file."""

    def __init__(self, request: Request, form: VideoForm, stack: AsyncExitStack, rules: UploadRules) -> None:
        self.request, self.form, self.stack, self.rules = request, form, stack, rules
        self.received = self.field_bytes = 0
        self.file: multimedia.PartialUpload | None = None  # set while the part being read is the file
        self.slot: Slot | None = None
        self.text = bytearray()
        self.name = ""

    async def read(self, boundary: str) -> None:
        """Parse the whole body, chunk by chunk as the server hands it over."""
        try:
            with PushMultipartParser(boundary, max_segment_count=PARTS_MAX) as parser:
                async for chunk in arriving(self.request, self.rules.read_timeout, FILE_FIELD):
                    self.received += len(chunk)
                    if self.slot is not None:
                        await self.slot.renew()
                    for event in parser.parse(chunk):
                        await self._handle(event)
                    if parser.closed:
                        break
        except (InternalServerException, ParserError):  # disconnected, or the body stops short
            raise FormRefused(400, {"video": INTERRUPTED}) from None
        except ParserLimitReached:
            raise FormRefused(413, {"form": FORM_TOO_LARGE}) from None

    async def _handle(self, event: MultipartSegment | bytes | None) -> None:
        if isinstance(event, MultipartSegment):
            await self._begin(event)
        elif event is None:
            if self.file is None and self.name:
                self.form.fields[self.name] = self.text.decode("utf-8", "replace")
        elif self.file is not None:
            await self.file.write(event)
        else:
            self.field_bytes += len(event)
            if self.field_bytes > FIELDS_MAX:
                raise FormRefused(413, {"form": FORM_TOO_LARGE})
            self.text += event

    async def _begin(self, segment: MultipartSegment) -> None:
        self.file, self.text, self.name = None, bytearray(), segment.name or ""
        if segment.filename is None:
            return
        self.name = ""  # not a text field: never stored among the fields
        if not segment.filename:
            return  # a file input left empty arrives as an unnamed, empty file
        if segment.name != FILE_FIELD or self.form.upload is not None:
            raise FormRefused(400, {"video": ONE_FILE})
        _check_csrf(self.request, self.form.fields)
        user = self.request.state.user
        self.slot = await self.stack.enter_async_context(self.rules.slots.hold(user.id))
        length = self.request.content_length
        coming = None if length is None else max(length - self.received, 0)
        upload = await multimedia.start_upload(user, self.rules.policy, coming)
        self.file = self.form.upload = await self.stack.enter_async_context(upload)
