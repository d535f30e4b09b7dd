"""A client's mistake logs no traceback, a server error always logs its stack (app/log_quieting.py)."""

import logging
import sys

import pytest
from litestar import Litestar, Response, get
from litestar.exceptions import NotFoundException
from litestar.testing import TestClient

from app.log_quieting import INVALID_UTF8, DropClientStacks, litestar_logging


class Refused(Exception):
    """An app exception its own handler answers with a 4xx."""


@get("/broken")
async def broken() -> None:
    raise RuntimeError("a bug")


@get("/missing")
async def missing() -> None:
    raise NotFoundException()


@get("/refused")
async def refused() -> None:
    raise Refused


@pytest.fixture
def litestar_records():
    """The app's Litestar logger's records, taken as they are logged (it does not propagate)."""
    app = Litestar([broken, missing, refused], debug=False, logging_config=litestar_logging(Refused),
                   exception_handlers={Refused: lambda request, error: Response("no", status_code=403)})
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("litestar")
    with TestClient(app) as client:
        logger.addHandler(handler)
        try:
            yield client, records
        finally:
            logger.removeHandler(handler)


def test_a_server_error_logs_its_stack_even_in_production(litestar_records):
    client, records = litestar_records
    assert client.get("/broken").status_code == 500
    [record] = records
    assert record.exc_info[0] is RuntimeError and "/broken" in record.getMessage()


def test_a_4xx_and_an_app_exception_answered_with_one_log_nothing(litestar_records):
    client, records = litestar_records
    assert client.get("/missing").status_code == 404
    assert client.get("/nowhere").status_code == 404
    assert client.get("/refused").status_code == 403
    assert records == []


def test_uvicorns_line_about_a_frame_that_is_not_utf8_keeps_its_line_and_loses_its_stack():
    try:
        b"\xed".decode()
    except UnicodeDecodeError:
        stack = sys.exc_info()
    record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, INVALID_UTF8, (), stack)
    other = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application\n",
                              (), stack)
    assert DropClientStacks().filter(record) and DropClientStacks().filter(other)
    assert record.exc_info is None and record.getMessage() == INVALID_UTF8
    assert other.exc_info is stack  # any other error keeps its stack
