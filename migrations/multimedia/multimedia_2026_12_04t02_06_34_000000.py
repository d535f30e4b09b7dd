"""Full-text search over annotation and reply bodies, on each engine its own way.

SQLite: an FTS5 table over `annotations.body` (external content: the text is kept once, in
`annotations`), kept in step by triggers on insert, on an edit of `body` and on delete, then
built from the rows already there. Diacritics are kept (`remove_diacritics 0`), so "cafe" and
"café" are different words on both engines. PostgreSQL: a GIN index on
`to_tsvector('simple', body)`, the expression app/multimedia/search.py queries ("simple": no
stemming or stop words, the same for every language).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T02:06:34:000000"
VERSION = "1.38.0"
DESCRIPTION = "full-text search over annotation bodies"

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS annotations_fts USING fts5(body, content='annotations', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS annotations_fts_insert AFTER INSERT ON annotations BEGIN "
    "INSERT INTO annotations_fts (rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS annotations_fts_edit AFTER UPDATE OF body ON annotations BEGIN "
    "INSERT INTO annotations_fts (annotations_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO annotations_fts (rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS annotations_fts_delete AFTER DELETE ON annotations BEGIN "
    "INSERT INTO annotations_fts (annotations_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "INSERT INTO annotations_fts (annotations_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS annotations_fts_insert",
    "DROP TRIGGER IF EXISTS annotations_fts_edit",
    "DROP TRIGGER IF EXISTS annotations_fts_delete",
    "DROP TABLE IF EXISTS annotations_fts",
]
POSTGRES_FORWARDS = ["CREATE INDEX IF NOT EXISTS annotations_body_search ON annotations "
                     "USING gin (to_tsvector('simple', body))"]
POSTGRES_BACKWARDS = ["DROP INDEX IF EXISTS annotations_body_search"]


async def _run(sqlite: list[str], postgres: list[str]) -> None:
    engine = engine_finder()
    for statement in sqlite if engine.engine_type == "sqlite" else postgres:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="multimedia", description=DESCRIPTION)

    async def add_search():
        await _run(SQLITE_FORWARDS, POSTGRES_FORWARDS)

    async def drop_search():
        await _run(SQLITE_BACKWARDS, POSTGRES_BACKWARDS)

    manager.add_raw(add_search)
    manager.add_raw_backwards(drop_search)
    return manager
