"""No secret in any log line: socket tokens are cut out of every URL that is logged.

uvicorn logs each accepted WebSocket with its whole query string (`"WebSocket
/live/videos/1?cursor=0&token=…" [accepted]`), and the access log does the same for HTTP; a
socket token is valid for two weeks and lets anyone post and delete as its user.
"""

import logging
import re

# `token=` in a query string, up to the next parameter, quote or space.
_TOKEN = re.compile(r"((?:^|[?&\s])token=)[^&\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "app")


def redact(text: str) -> str:
    """The text with the value of every `token=` query parameter replaced by [redacted]."""
    return _TOKEN.sub(rf"\g<1>{REDACTED}", text) if "token=" in text.lower() else text


class RedactTokens(logging.Filter):
    """Rewrites a record's message and string arguments so no token reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(value) if isinstance(value, str) else value
                           for key, value in record.args.items()}
        return True


def install() -> None:
    """Put the filter on uvicorn's and the app's loggers and on every handler they write to.

    On the handlers too: a logger's filters see only records logged on that logger itself, a
    handler's see every record it writes, propagated ones included. Safe to call again.
    """
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactTokens) for f in target.filters):
                target.addFilter(RedactTokens())
