"""Migrations from zero on both engines, and seeding that knows which engine it is on."""

import os
import sqlite3
import subprocess
import sys

import asyncpg
import pytest

from app.devservices.postgres import PostgresCluster
from tests.diagnostics import watch_log
from tests.server import ROOT

APP_TABLES = {"users", "categories", "videos", "annotations", "reactions", "notifications",
              "notification_mutes", "collaborators", "share_links", "link_members", "blocks",
              "reports"}


def run_module(module: str, *args: str, **env: str) -> str:
    """Run `python -m module` in the project the way `make` does, failing loudly with its output."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                            env={**environment, **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{module} {args} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def migrate(**env: str) -> str:
    """Run every migration forwards."""
    return run_module("piccolo.main", "migrations", "forwards", "all", **env)


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL server, created from nothing for this module."""
    with PostgresCluster() as cluster:
        watch_log("postgres", cluster.log_path)
        yield cluster


def sqlite_snapshot(path) -> tuple[set[str], list[tuple]]:
    """The file's table names and the migrations it has recorded."""
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        applied = connection.execute("SELECT app_name, name FROM migration ORDER BY id").fetchall()
    return tables, applied


def test_migrations_build_a_fresh_sqlite_file_in_wal_mode_and_a_second_run_changes_nothing(tmp_path):
    path = tmp_path / "fresh.sqlite"

    migrate(SQLITE_PATH=str(path))
    tables, applied = sqlite_snapshot(path)
    migrate(SQLITE_PATH=str(path))

    assert APP_TABLES - tables == set(), "missing tables"
    assert applied, "no migration was recorded"
    assert sqlite_snapshot(path) == (tables, applied)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def postgres_tables(url: str) -> set[str]:
    """The table names in the database's public schema."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    return {row["tablename"] for row in rows}


async def test_migrations_build_a_fresh_postgres_database_and_a_second_run_changes_nothing(postgres):
    migrate(DATABASE_URL=postgres.url)
    tables = await postgres_tables(postgres.url)
    connection = await asyncpg.connect(postgres.url)
    try:
        applied = await connection.fetch("SELECT app_name, name FROM migration ORDER BY id")
        migrate(DATABASE_URL=postgres.url)
        assert await connection.fetch("SELECT app_name, name FROM migration ORDER BY id") == applied
    finally:
        await connection.close()

    assert APP_TABLES - tables == set(), "missing tables"
    assert applied, "no migration was recorded"
    assert await postgres_tables(postgres.url) == tables


async def test_postgres_replays_pages_of_annotations_from_the_video_and_id_index(postgres):
    migrate(DATABASE_URL=postgres.url)
    connection = await asyncpg.connect(postgres.url)
    try:
        await connection.execute("SET enable_seqscan = off")  # an empty table: plan as if large
        plan = "\n".join(row[0] for row in await connection.fetch(
            "EXPLAIN SELECT id FROM annotations WHERE video = 1 AND id > 0 "
            "AND deleted_at IS NULL ORDER BY id LIMIT 200"))
    finally:
        await connection.close()
    assert "annotations_video_id" in plan
    assert "Sort" not in plan


async def test_seeding_postgres_adds_the_seven_categories_and_never_a_demo_user(postgres):
    migrate(DATABASE_URL=postgres.url)

    run_module("app.seed", DATABASE_URL=postgres.url)
    run_module("app.seed", DATABASE_URL=postgres.url)

    connection = await asyncpg.connect(postgres.url)
    try:
        categories = await connection.fetchval("SELECT count(*) FROM categories")
        users = await connection.fetchval("SELECT count(*) FROM users")
        videos = await connection.fetchval("SELECT count(*) FROM videos")
    finally:
        await connection.close()
    assert categories == 7
    assert (users, videos) == (0, 0)


def test_seeding_embedded_sqlite_twice_leaves_one_demo_user_with_one_video(tmp_path):
    env = {"SQLITE_PATH": str(tmp_path / "demo.sqlite"), "MEDIA_DIR": str(tmp_path / "media")}
    migrate(**env)

    run_module("app.seed", **env)
    run_module("app.seed", **env)

    with sqlite3.connect(env["SQLITE_PATH"]) as connection:
        users = connection.execute("SELECT username FROM users").fetchall()
        videos = connection.execute("SELECT count(*) FROM videos").fetchone()[0]
        categories = connection.execute("SELECT count(*) FROM categories").fetchone()[0]
    assert users == [("demo",)]
    assert (videos, categories) == (1, 7)
    assert (tmp_path / "media" / "demo-clock.webm").exists()


# The last migrations before private videos and share links: the schema deployments had.
BEFORE_SHARING = (("accounts", "2026-11-28T04:12:47:875495"), ("multimedia", "2026-12-04T02:06:34:000000"),
                  ("notifications", "all"))
OLD_USER = ("INSERT INTO users (name, username, username_key, password_hash, session_generation, "
            "created_at) VALUES ('Old', 'old_timer', 'old_timer', 'x', 1, CURRENT_TIMESTAMP)")
OLD_VIDEO = ("INSERT INTO videos (\"user\", title, url, description, slug, created_at, change_seq, "
             "upload_bytes) VALUES (1, 'Old', 'https://example.com/a.mp4', '', 'old', "
             "CURRENT_TIMESTAMP, 0, 0)")


def migrate_before_sharing(**env: str) -> None:
    """Bring a database to the schema of the release before sharing, app by app."""
    for app_name, migration in BEFORE_SHARING:
        run_module("piccolo.main", "migrations", "forwards", app_name, f"--migration_id={migration}",
                   **env)


def test_an_sqlite_file_from_before_sharing_migrates_and_its_videos_stay_public(tmp_path):
    path = tmp_path / "old.sqlite"
    migrate_before_sharing(SQLITE_PATH=str(path))
    with sqlite3.connect(path) as connection:
        assert "share_links" not in {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
        connection.execute(OLD_USER)
        connection.execute(OLD_VIDEO)
    migrate(SQLITE_PATH=str(path))
    with sqlite3.connect(path) as connection:
        video = connection.execute("SELECT visibility, comments FROM videos").fetchone()
        guest = connection.execute("SELECT guest FROM users").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert video == ("public", "everyone")
    assert guest == 0
    assert {"collaborators", "share_links", "link_members"} <= tables


async def test_a_postgres_database_from_before_sharing_migrates_and_its_videos_stay_public(postgres):
    database = f"old_{os.getpid()}"
    admin = await asyncpg.connect(postgres.url)
    try:
        await admin.execute(f"CREATE DATABASE {database}")
    finally:
        await admin.close()
    url = postgres.url.replace(f"/{postgres.database}", f"/{database}", 1)
    migrate_before_sharing(DATABASE_URL=url)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(OLD_USER)
        await connection.execute(OLD_VIDEO)
        migrate(DATABASE_URL=url)
        video = await connection.fetchrow("SELECT visibility, comments FROM videos")
        guest = await connection.fetchval("SELECT guest FROM users")
    finally:
        await connection.close()
    assert tuple(video) == ("public", "everyone")
    assert guest is False
    assert {"collaborators", "share_links", "link_members"} <= await postgres_tables(url)
