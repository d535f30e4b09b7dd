"""One block per owner and person: the unique index blocking twice relies on. Apart from the
migration that adds the table: Piccolo runs a migration's raw steps before its table changes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T19:26:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "one block per owner and person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def unique_blocks():
        await engine_finder().run_ddl('CREATE UNIQUE INDEX IF NOT EXISTS blocks_once ON blocks (owner, "user")')

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS blocks_once")

    manager.add_raw(unique_blocks)
    manager.add_raw_backwards(drop_index)
    return manager
