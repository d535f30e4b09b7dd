"""Choosing and opening the database engine for the settings."""

import sqlite3
from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from app.settings import Settings


def build_engine(settings: Settings) -> Engine:
    """SQLite at settings.sqlite_path, or PostgreSQL when a DATABASE_URL is set."""
    if settings.database_url:
        parts = urlsplit(settings.database_url)
        return PostgresEngine(config={
            "host": parts.hostname or "localhost",
            "port": parts.port or 5432,
            "user": parts.username or "postgres",
            "password": parts.password or "",
            "database": parts.path.lstrip("/") or "videologue",
        })
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers carry on during a write; it is a property of the file, set once.
    with sqlite3.connect(settings.sqlite_path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return SQLiteEngine(path=str(settings.sqlite_path), timeout=10)


async def open_pool(engine: Engine) -> None:
    """Open PostgreSQL's connection pool (SQLite needs none)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)


async def close_pool(engine: Engine) -> None:
    """Close PostgreSQL's connection pool."""
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
