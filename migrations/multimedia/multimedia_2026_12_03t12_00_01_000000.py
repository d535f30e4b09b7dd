"""Measures the files uploaded before videos had `upload_bytes`, so they count against quotas.

Apart from the migration that adds the column: Piccolo runs a migration's raw steps before
its column changes. A file missing from MEDIA_DIR counts as 0.
"""

import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from app.settings import Settings

ID = "2026-12-03T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "measure existing uploaded files"
UPLOADED = re.compile(r"^/media/([0-9a-f]{32}\.(?:mp4|webm))$")  # as app.multimedia.uploads names them


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def measure_uploaded_files():
        engine = engine_finder()
        media_dir = Settings.from_env().media_dir
        for row in await engine.run_ddl("SELECT id, url FROM videos WHERE url LIKE '/media/%'"):
            if (match := UPLOADED.match(row["url"])) and (media_dir / match[1]).is_file():
                size = (media_dir / match[1]).stat().st_size
                await engine.run_ddl(f"UPDATE videos SET upload_bytes = {int(size)} "
                                     f"WHERE id = {int(row['id'])}")

    manager.add_raw(measure_uploaded_files)
    return manager
