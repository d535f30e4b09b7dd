"""Web layer: HTTP controllers, guards, sessions, security headers and media serving."""

from app.web.auth import PasswordController, RegistrationController, SessionController
from app.web.blocked import BlockedPeopleController
from app.web.errors import not_found
from app.web.filters import AnnotationFilterController
from app.web.gallery import fragment_gallery
from app.web.guards import SignInRequired, redirect_to_sign_in, require_user
from app.web.health import healthz, readyz
from app.web.media import media_router
from app.web.media_access import may_fetch
from app.web.metrics import HTTP_METRICS, MetricsController
from app.web.moderation import ModerationController
from app.web.notifications import NotificationsController, NotificationSettingsController, unread_count
from app.web.pages import add_notification_count
from app.web.people import people
from app.web.profiles import ProfileController
from app.web.security import security_headers_middleware
from app.web.session import current_user, purge_sessions_every, session_config
from app.web.share_links import ShareLinkController
from app.web.sharing import CollaboratorsController, ShareLinksController, SharingController
from app.web.throttles import AuthThrottle
from app.web.upload_rules import upload_rules
from app.web.videos import ManageVideosController
from app.web.watch import HomeController, WatchController

__all__ = [
    "HTTP_METRICS",
    "AnnotationFilterController",
    "AuthThrottle",
    "BlockedPeopleController",
    "CollaboratorsController",
    "HomeController",
    "ManageVideosController",
    "MetricsController",
    "ModerationController",
    "NotificationSettingsController",
    "NotificationsController",
    "PasswordController",
    "ProfileController",
    "RegistrationController",
    "SessionController",
    "ShareLinkController",
    "ShareLinksController",
    "SharingController",
    "SignInRequired",
    "WatchController",
    "add_notification_count",
    "current_user",
    "fragment_gallery",
    "healthz",
    "may_fetch",
    "media_router",
    "not_found",
    "people",
    "purge_sessions_every",
    "readyz",
    "redirect_to_sign_in",
    "require_user",
    "security_headers_middleware",
    "session_config",
    "unread_count",
    "upload_rules",
]
