"""An index on annotations (video, id) for PostgreSQL, so a join's replay pages need no sort.

The replay reads `video = ? AND id > ? ORDER BY id LIMIT n` page by page. SQLite's index on
`video` already ends in the rowid (the id), so only PostgreSQL gets the two-column index.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "annotations (video, id) index on PostgreSQL for keyset replay pages"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def create_index():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(
                "CREATE INDEX IF NOT EXISTS annotations_video_id ON annotations (video, id)")

    async def drop_index():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl("DROP INDEX IF EXISTS annotations_video_id")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
