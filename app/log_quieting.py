"""A client's bad input costs at most one log line, never a traceback; a server error logs its stack.

Litestar's exception middleware logs each exception a handler raises, with its stack, in debug
mode only: every 404 and refused form of a development server is a traceback, while production
logs nothing, not even a 500. uvicorn logs a text frame that is not UTF-8 (which it closes with
1007) with the stack of its own decode.
"""

import logging

from litestar.logging.config import LoggingConfig

# uvicorn's websockets-sansio message for a text frame that does not decode.
INVALID_UTF8 = "Invalid UTF-8 sequence received from client."


def litestar_logging(*client_errors: type[Exception]) -> LoggingConfig:
    """Litestar's logging with the stack of every server error, in every mode, and nothing for a
    client's mistake: any 4xx, and the `client_errors` the app's own handlers answer with one."""
    return LoggingConfig(log_exceptions="always",
                         disable_stack_trace={*range(400, 500), *client_errors})


class DropClientStacks(logging.Filter):
    """Keeps uvicorn's line about a frame that is not UTF-8 and drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Strip the stack from that one record; never drops a record."""
        if record.msg == INVALID_UTF8:
            record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """Put the filter on uvicorn's error logger, once; safe to call again."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DropClientStacks) for f in logger.filters):
        logger.addFilter(DropClientStacks())
