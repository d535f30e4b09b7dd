"""Numbers the existing annotations: each takes its id as both change numbers (ids grew in
posting order), and each video the largest; indexes for replays by change number and threads.

Apart from the migration that adds the columns: Piccolo runs a migration's raw steps before
its column changes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T21:48:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "number existing annotations; indexes on (video, seq) and parent"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def number_the_history():
        engine = engine_finder()
        await engine.run_ddl("UPDATE annotations SET seq = id, created_seq = id")
        await engine.run_ddl(
            "UPDATE videos SET change_seq = COALESCE("
            "(SELECT MAX(seq) FROM annotations WHERE annotations.video = videos.id), 0)")
        # Replays read `video = ? AND seq > ? ORDER BY seq`; a thread's replies, by parent.
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS annotations_video_seq ON annotations (video, seq)")
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS annotations_parent ON annotations (parent)")

    async def drop_indexes():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS annotations_video_seq")
        await engine.run_ddl("DROP INDEX IF EXISTS annotations_parent")

    manager.add_raw(number_the_history)
    manager.add_raw_backwards(drop_indexes)
    return manager
