"""Piccolo app registration for the multimedia tables."""

from piccolo.conf.apps import AppConfig

from app.multimedia.tables import (
    Annotation,
    Block,
    Category,
    Collaborator,
    LinkMember,
    Reaction,
    Report,
    ShareLink,
    Video,
)
from app.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="multimedia",
    migrations_folder_path=str(ROOT / "migrations" / "multimedia"),
    table_classes=[Category, Video, Annotation, Reaction, Collaborator, ShareLink, LinkMember,
                   Block, Report],
    migration_dependencies=["app.accounts.piccolo_app"],
)
