"""No socket token in any log line (app/log_redaction.py), checked on a real server's log."""

import asyncio
import logging
import urllib.request

from websockets.asyncio.client import connect

from app.log_redaction import RedactTokens, redact
from tests.factories import make_user, make_video
from tests.live.conftest import token_for
from tests.server import AppServer


def test_every_token_parameter_is_cut_and_nothing_else():
    assert redact("/live/videos/1?cursor=3&token=WzEs.abc-_x&x=1") == \
        "/live/videos/1?cursor=3&token=[redacted]&x=1"
    assert redact('"GET /x?token=secret HTTP/1.1"') == '"GET /x?token=[redacted] HTTP/1.1"'
    assert redact("/search?mytoken=kept&q=token") == "/search?mytoken=kept&q=token"


def test_the_filter_rewrites_a_records_arguments_before_any_handler_formats_them():
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1,
                               '%s - "WebSocket %s" [accepted]',
                               ("127.0.0.1:5", "/live/videos/1?token=abc"), None)
    assert RedactTokens().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "WebSocket /live/videos/1?token=[redacted]" [accepted]'


async def test_a_real_server_logs_sockets_and_requests_without_their_tokens():
    server = await asyncio.to_thread(AppServer({}).start)
    try:
        user = await make_user()
        video = await make_video(user)
        token = token_for(user)
        url = f"{server.ws_url}/live/videos/{video.id}?cursor=0&token={token}"
        async with connect(url, additional_headers={"Origin": server.url}, compression=None) as socket:
            await asyncio.wait_for(socket.recv(), 10)  # joined: the accept was logged before this
        probe = f"{server.url}/static/app.css?token={token}"
        await asyncio.to_thread(lambda: urllib.request.urlopen(probe, timeout=10).read())
        log = server.log()
        assert token not in log
        assert f'"WebSocket /live/videos/{video.id}?cursor=0&token=[redacted]" [accepted]' in log
        assert '"GET /static/app.css?token=[redacted] HTTP/1.1" 200' in log
    finally:
        await asyncio.to_thread(server.stop)
