"""The app factory: create_app(settings) -> Videologue, Litestar with the live sockets in front."""

import asyncio
import logging

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from litestar.types import Receive, Scope, Send

from app import log_quieting, log_redaction
from app.accounts.passwords import bound_hashing_queue
from app.collector import collect_fully_every, freeze_startup_objects
from app.database import close_pool, open_pool, use_database
from app.live import LiveService, live_video_id, video_socket
from app.live.metrics import OPEN_SOCKETS
from app.redis_client import connect_redis
from app.settings import ROOT, Settings
from app.templating import TEMPLATE_CONFIG, reload_templates
from app.throttle import LocalThrottleStore, RedisThrottleStore
from app.validation import NotFoundError
from app.web import (
    HTTP_METRICS,
    AnnotationFilterController,
    AuthThrottle,
    BlockedPeopleController,
    CollaboratorsController,
    HomeController,
    ManageVideosController,
    MetricsController,
    ModerationController,
    NotificationsController,
    NotificationSettingsController,
    PasswordController,
    ProfileController,
    RegistrationController,
    SessionController,
    ShareLinkController,
    ShareLinksController,
    SharingController,
    SignInRequired,
    WatchController,
    add_notification_count,
    current_user,
    fragment_gallery,
    healthz,
    may_fetch,
    media_router,
    not_found,
    people,
    purge_sessions_every,
    readyz,
    redirect_to_sign_in,
    security_headers_middleware,
    session_config,
    unread_count,
    upload_rules,
)


def _stores(settings: Settings) -> StoreRegistry:
    if settings.redis_url:
        sessions = RedisStore(connect_redis(settings.redis_url), namespace="videologue-sessions",
                              handle_client_shutdown=True)
    else:
        sessions = FileStore(settings.session_dir, create_directories=True)
    return StoreRegistry(stores={"sessions": sessions})


def _throttle(settings: Settings) -> AuthThrottle:
    if settings.redis_url:
        return AuthThrottle(RedisThrottleStore(connect_redis(settings.redis_url)), settings)
    return AuthThrottle(LocalThrottleStore(), settings)


class Videologue(Litestar):
    """Litestar, except that a video's WebSocket goes straight to the live layer.

    The socket needs none of the HTTP machinery (sessions, CSRF, security headers, exception
    pages), and every middleware layer would otherwise wrap the send of every fragment to every
    viewer: the fan-out's hottest path (docs/benchmarks.md).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (video_id := live_video_id(scope)) is not None:
            with OPEN_SOCKETS.track_inprogress():
                await video_socket(self.state.live, video_id, scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> Videologue:
    """Build the Videologue app for the given settings (read from the environment by default)."""
    settings = settings or Settings.from_env()
    log_redaction.install()  # uvicorn configured its loggers before it called this factory
    log_quieting.install()
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    reload_templates(not settings.production)
    engine = use_database(settings)
    live = LiveService(settings)
    throttle = _throttle(settings)
    bound_hashing_queue(settings.hash_queue)

    background: list[asyncio.Task] = []

    async def on_startup(app: Litestar) -> None:
        await open_pool(engine)
        await live.start()
        if isinstance(sessions := app.stores.get("sessions"), FileStore):
            background.append(asyncio.create_task(purge_sessions_every(sessions)))
        if settings.production:
            # Every full collection stalls every viewer's fragments while it runs (65 ms for the
            # startup objects alone, 0.3 s at 10,000 sockets: docs/benchmarks.md). Development
            # servers reload and tests build many apps, so only production tunes the collector.
            freeze_startup_objects()
            background.append(asyncio.create_task(collect_fully_every(settings.gc_full_every)))

    async def on_shutdown(app: Litestar) -> None:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await live.stop()
        await throttle.close()
        await close_pool(engine)

    async def load_user(request: Request) -> None:
        await current_user(request)

    return Videologue(
        route_handlers=[
            HomeController, WatchController, AnnotationFilterController, people, ProfileController,
            RegistrationController, SessionController, PasswordController, ManageVideosController,
            SharingController, CollaboratorsController, ShareLinksController, ShareLinkController,
            BlockedPeopleController, ModerationController, NotificationsController,
            NotificationSettingsController, unread_count, healthz, readyz, MetricsController,
            media_router(settings.media_dir, guard=may_fetch),
            create_static_files_router("/static", [ROOT / "static"], name="static"),
            *([] if settings.production else [fragment_gallery]),  # a designer's page, not a user's
        ],
        middleware=[HTTP_METRICS.middleware, security_headers_middleware(settings.production),
                    session_config(settings).middleware],
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_secure=settings.production,
                               cookie_httponly=True, exclude=["/static", "/media"]),
        template_config=TEMPLATE_CONFIG,
        plugins=[FlashPlugin(config=FlashConfig(template_config=TEMPLATE_CONFIG))],
        stores=_stores(settings),
        before_request=load_user,
        after_request=add_notification_count,
        exception_handlers={SignInRequired: redirect_to_sign_in, NotFoundException: not_found,
                            NotFoundError: not_found},
        logging_config=log_quieting.litestar_logging(SignInRequired, NotFoundError),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        state=State({"settings": settings, "live": live, "engine": engine, "throttle": throttle,
                     "upload_rules": upload_rules(settings, live.redis)}),
        debug=not settings.production,
    )


logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
