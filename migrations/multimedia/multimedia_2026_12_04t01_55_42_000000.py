"""One reaction of each emoji per person and annotation: a unique index the toggle relies on.

Apart from the migration that adds the table: Piccolo runs a migration's raw steps before its
table changes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T01:55:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "a reaction is unique per annotation, user and emoji"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def unique_reactions():
        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS reactions_once ON reactions (annotation, "user", emoji)')

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS reactions_once")

    manager.add_raw(unique_reactions)
    manager.add_raw_backwards(drop_index)
    return manager
