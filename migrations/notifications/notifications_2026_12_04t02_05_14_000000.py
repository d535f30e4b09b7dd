"""One unread reaction group per person and annotation: the partial unique index the grouping
upsert names as its conflict target.

Apart from the migration that adds the table: Piccolo runs a migration's raw steps before its
table changes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T02:05:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "one unread reaction group per person and annotation"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def one_unread_group():
        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS notifications_unread_group ON notifications '
            '("user", annotation) WHERE kind = \'reaction\' AND read_at IS NULL')

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS notifications_unread_group")

    manager.add_raw(one_unread_group)
    manager.add_raw_backwards(drop_index)
    return manager
