"""Piccolo app registration for the notifications tables."""

from piccolo.conf.apps import AppConfig

from app.notifications.tables import MutedKind, Notification
from app.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(ROOT / "migrations" / "notifications"),
    table_classes=[Notification, MutedKind],
    migration_dependencies=["app.multimedia.piccolo_app"],
)
