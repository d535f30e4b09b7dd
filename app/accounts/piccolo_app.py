"""Piccolo app registration for the accounts tables."""

from piccolo.conf.apps import AppConfig

from app.accounts.tables import User
from app.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(ROOT / "migrations" / "accounts"),
    table_classes=[User],
)
