"""Piccolo's engine and apps: SQLite by default, PostgreSQL when DATABASE_URL is set."""

from piccolo.conf.apps import AppRegistry

from app.database import build_engine
from app.settings import Settings

DB = build_engine(Settings.from_env())

APP_REGISTRY = AppRegistry(apps=["app.accounts.piccolo_app", "app.multimedia.piccolo_app"])
