"""One report per annotation and reporter: the unique index reporting twice relies on. Apart from
the migration that adds the table: Piccolo runs a migration's raw steps before its table changes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T19:40:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "one report per annotation and reporter"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def unique_reports():
        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS reports_once ON reports (annotation, "user")')

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS reports_once")

    manager.add_raw(unique_reports)
    manager.add_raw_backwards(drop_index)
    return manager
