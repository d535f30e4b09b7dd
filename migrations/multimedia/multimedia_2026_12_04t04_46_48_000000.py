"""One collaborator row per video and user, one membership per link and user: unique indexes
the invitations and link visits rely on; and an index on videos.url, which serving a media file
asks (whose file is it, and may this request watch that video?). A hash index on PostgreSQL: a
URL may be longer than a B-tree entry.

Apart from the migration that adds the tables: Piccolo runs a migration's raw steps before its
table changes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T04:46:48:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique collaborators and link members; videos found by their file's URL"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def unique_rows():
        engine = engine_finder()
        await engine.run_ddl('CREATE UNIQUE INDEX IF NOT EXISTS collaborators_once '
                             'ON collaborators (video, "user")')
        await engine.run_ddl('CREATE UNIQUE INDEX IF NOT EXISTS link_members_once '
                             'ON link_members (link, "user")')
        method = "USING hash " if engine.engine_type == "postgres" else ""
        await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS videos_url ON videos {method}(url)")

    async def drop_indexes():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS collaborators_once")
        await engine.run_ddl("DROP INDEX IF EXISTS link_members_once")
        await engine.run_ddl("DROP INDEX IF EXISTS videos_url")

    manager.add_raw(unique_rows)
    manager.add_raw_backwards(drop_indexes)
    return manager
