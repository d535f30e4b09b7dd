"""Piccolo's CLI (migrations): the engine for the environment's settings, and the apps.

The app itself never reads this: create_app(settings) binds the tables to its own engine.
"""

from piccolo.conf.apps import AppRegistry

from app.database import engine_for
from app.settings import Settings

DB = engine_for(Settings.from_env())

APP_REGISTRY = AppRegistry(apps=["app.accounts.piccolo_app", "app.multimedia.piccolo_app",
                                  "app.notifications.piccolo_app"])
