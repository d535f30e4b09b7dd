"""The one way Videologue is served: uvicorn configured from Settings, plus what differs per launch.

`make run`, `make cluster`, the tests' servers and the benchmarks all start `python -m app`, so
a transport setting (the WebSocket implementation, compression, the message limit, pings, the
shutdown grace) is decided here once and never forgotten by one of them.
"""

import argparse
from dataclasses import dataclass

import uvicorn

from app.settings import ROOT, Settings

APP = "app.main:create_app"
# The outbox and the prepared broadcast frames rely on this implementation (docs/deploy.md),
# served through a subclass that closes a refused connection without a reset.
WEBSOCKETS = "websockets-sansio"
PROTOCOL = "app.live.transport.protocol:WebSocketProtocol"


@dataclass(frozen=True)
class Launch:
    """What one start of the server chooses for itself; everything else comes from Settings."""

    host: str | None = None  # None: Settings.host (HOST)
    port: int | None = None  # None: Settings.port (PORT)
    fd: int | None = None  # serve a listening socket the caller bound, instead of host/port
    reload: bool = False
    workers: int = 1
    log_level: str = "info"
    access_log: bool = True
    ws: str = WEBSOCKETS  # another implementation only to compare with it (tests, benchmarks)
    deflate: bool = False  # per-message deflate only to measure what it costs (benchmarks)


def uvicorn_options(settings: Settings, launch: Launch) -> dict:
    """The keyword arguments of `uvicorn.Config` (and `uvicorn.run`) for this app and launch."""
    options = {
        "app": APP, "factory": True,
        "ws": PROTOCOL if launch.ws == WEBSOCKETS else launch.ws,
        # Browsers always offer deflate; its default window costs ~300 KiB per socket for
        # fragments of a few hundred bytes (docs/benchmarks.md).
        "ws_per_message_deflate": launch.deflate,
        # A larger message is refused with close 1009 as its frame header arrives, before its
        # payload is buffered; below it, the channel refuses frames over LIVE_MAX_FRAME politely.
        "ws_max_size": settings.live_max_message,
        "ws_ping_interval": settings.live_ping_interval,
        "ws_ping_timeout": settings.live_ping_timeout,
        # On SIGTERM uvicorn stops accepting and closes every socket with 1012; this bounds the
        # wait for requests still running (a slow upload) before the app's own shutdown.
        "timeout_graceful_shutdown": settings.shutdown_timeout,
        # uvicorn rewrites the client address and scheme from X-Forwarded-* sent by these peers
        # only: the same TRUSTED_PROXIES the app's own client_ip trusts (by default uvicorn
        # would trust 127.0.0.1, and any local request could choose its address).
        "forwarded_allow_ips": [str(network) for network in settings.trusted_proxies],
        "workers": launch.workers,
        "log_level": launch.log_level,
        "access_log": launch.access_log,
    }
    if launch.fd is not None:
        options["fd"] = launch.fd
    else:
        options["host"] = settings.host if launch.host is None else launch.host
        options["port"] = settings.port if launch.port is None else launch.port
    if launch.reload:
        options.update(reload=True, reload_dirs=[str(ROOT / "app")])
    return options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Serve Videologue with uvicorn, configured from the environment (README).")
    parser.add_argument("--host", help="address to bind (default: HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: PORT, else 4000)")
    parser.add_argument("--fd", type=int, help="serve this already-listening socket instead")
    parser.add_argument("--reload", action="store_true",
                        help="development only: restart when a Python file under app/ changes")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes, one per core; more than one needs REDIS_URL")
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="do not log each HTTP request")
    parser.add_argument("--ws", default=WEBSOCKETS, choices=[WEBSOCKETS, "websockets"],
                        help="comparisons only: another WebSocket implementation (slower)")
    parser.add_argument("--deflate", action="store_true",
                        help="comparisons only: offer per-message deflate (costs memory)")
    return parser


def parse_launch(argv: list[str] | None, settings: Settings) -> Launch:
    """The launch the command line asks for, refusing combinations that cannot be served."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.reload and settings.production:
        parser.error("--reload is for development; APP_ENV=production serves without it")
    if args.reload and args.workers > 1:
        parser.error("--reload runs one process: leave out --workers")
    if args.fd is not None and (args.host is not None or args.port is not None):
        parser.error("--fd serves a socket already bound: leave out --host and --port")
    return Launch(**vars(args))


def main(argv: list[str] | None = None) -> None:
    """Read the settings and the command line, then serve until stopped."""
    settings = Settings.from_env()
    uvicorn.run(**uvicorn_options(settings, parse_launch(argv, settings)))
