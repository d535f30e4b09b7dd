"""Choosing and opening the database engine for the settings."""

import asyncio
import sqlite3
from collections import Counter
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, dict_factory
from piccolo.querystring import QueryString

from app.settings import Settings


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine on long-lived connections: one for every write, a few for reads.

    Piccolo opens a connection (a thread, up to three file descriptors) for each query outside a
    transaction. Here SELECTs go to the least busy of up to `readers` read-only connections and
    every other statement to one writer, so the app's own writes queue instead of sleeping in
    SQLite's busy handler; under WAL a long read holds up no write, and other reads take another
    reader.
    Transactions and batches still get a connection of their own from Piccolo.

    Connections are opened one at a time and never opened only to be closed again: SQLite keeps
    the descriptor of a connection closed while others in the process hold locks on the file
    until those locks are released, which for kept connections is never.
    """

    def __init__(self, path: str, readers: int = 2, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.readers = readers
        self.writer: aiosqlite.Connection | None = None
        self.read_connections: list[aiosqlite.Connection] = []
        self._in_flight: Counter[aiosqlite.Connection] = Counter()  # queries queued on each
        self._opening: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def _open(self, read_only: bool) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # CLI commands (piccolo migrations, app.seed) never call close_pool, and a non-daemon
        # thread would keep them from exiting; every statement is committed when it returns.
        connection._thread.daemon = True
        await connection
        # Piccolo's own setup in get_connection(); the connection arguments above are its too.
        connection.row_factory = dict_factory
        await connection.execute("PRAGMA foreign_keys = 1")
        # Under WAL, NORMAL survives an app crash (not a power loss) without an fsync per commit.
        await connection.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            await connection.execute("PRAGMA query_only = 1")  # a misrouted write fails loudly
        return connection

    def _opening_lock(self) -> asyncio.Lock:
        # One engine serves every event loop of a test run (pytest-asyncio makes one per test).
        loop = asyncio.get_running_loop()
        if self._opening is None or self._opening[0] is not loop:
            self._opening = (loop, asyncio.Lock())
        return self._opening[1]

    async def _writer(self) -> aiosqlite.Connection:
        if self.writer is None:
            async with self._opening_lock():
                if self.writer is None:  # not opened by a query that held the lock first
                    self.writer = await self._open(read_only=False)
        return self.writer

    async def _reader(self) -> aiosqlite.Connection:
        idle = [c for c in self.read_connections if not self._in_flight[c]]
        if not idle and len(self.read_connections) < self.readers:
            async with self._opening_lock():
                if len(self.read_connections) < self.readers:  # re-checked after waiting
                    self.read_connections.append(await self._open(read_only=True))
                    return self.read_connections[-1]
        return idle[0] if idle else min(self.read_connections, key=self._in_flight.__getitem__)

    async def _run_in_new_connection(self, query: str, args: list | None = None,
                                     query_type: str = "generic", table: Any = None) -> Any:
        # Piccolo calls this for every statement outside a transaction; it now runs on a kept one.
        if query_type == "insert" and self.get_version_sync() < 3.35:
            # No RETURNING before 3.35: Piccolo reads the cursor's lastrowid on a fresh connection.
            return await super()._run_in_new_connection(query, args, query_type, table)
        # A WITH is a read here too (the replay's change pages); a write misrouted to a reader
        # fails loudly, since readers are query_only.
        reads = query.lstrip()[:6].upper().startswith(("SELECT", "WITH"))
        connection = await (self._reader() if reads else self._writer())
        self._in_flight[connection] += 1
        try:
            # One job on the connection's thread: execute, fetch every row and finish the
            # statement, so no other query runs in between (in autocommit mode an unfinished
            # statement keeps its transaction open, and a write would not be committed yet).
            return await connection.execute_fetchall(query, args or [])
        finally:
            self._in_flight[connection] -= 1

    async def run_transaction(self, statements: list["Statement"]) -> list[list[dict]] | None:
        """Run the statements as one transaction on the writer, as a single job on its thread
        so no other statement can fall in between; see `atomically`."""
        compiled = [(*QueryString(statement.sql, *statement.args).compile_string("sqlite"),
                     statement.required) for statement in statements]

        def transaction(connection: sqlite3.Connection) -> list[list[dict]] | None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                results = []
                for sql, args, required in compiled:
                    rows = connection.execute(sql, args).fetchall()
                    if required and not rows:
                        connection.execute("ROLLBACK")
                        return None
                    results.append(rows)
                connection.execute("COMMIT")
                return results
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        writer = await self._writer()
        self._in_flight[writer] += 1
        try:
            return await writer._execute(transaction, writer._conn)
        finally:
            self._in_flight[writer] -= 1

    async def close_connections(self) -> None:
        """Close the kept connections; the next query opens new ones."""
        connections = [c for c in (self.writer, *self.read_connections) if c is not None]
        self.writer, self.read_connections = None, []
        self._in_flight.clear()
        for connection in connections:
            await connection.close()


class Statement(NamedTuple):
    """One statement of a transaction: Piccolo's `{}` placeholders, and whether the transaction
    is void when it touches no row (it must RETURNING something then)."""

    sql: str
    args: tuple = ()
    required: bool = False


async def atomically(engine: Engine, statements: list[Statement]) -> list[list[dict]] | None:
    """Run statements in one transaction and return each one's rows; roll back and return None
    when a required statement returns none. Inside a transaction the caller opened, they run
    in it behind a savepoint. On PostgreSQL an UPDATE's row locks last until the commit, so
    transactions that update the same row commit one after the other."""
    outer = engine.current_transaction.get()
    if outer is not None:
        return await _within(engine, outer, statements)
    if isinstance(engine, KeptConnectionsSQLiteEngine):
        return await engine.run_transaction(statements)

    class Rollback(Exception):
        pass

    results = []
    try:
        async with engine.transaction():
            for statement in statements:
                rows = [dict(row) for row in await engine.run_querystring(
                    QueryString(statement.sql, *statement.args))]
                if statement.required and not rows:
                    raise Rollback
                results.append(rows)
    except Rollback:
        return None
    return results


async def _within(engine: Engine, transaction: Any, statements: list[Statement]) -> list[list[dict]] | None:
    """The statements inside a transaction the caller opened, behind a savepoint."""
    savepoint = await transaction.savepoint()
    results = []
    for statement in statements:
        rows = [dict(row) for row in await engine.run_querystring(
            QueryString(statement.sql, *statement.args))]
        if statement.required and not rows:
            await savepoint.rollback_to()
            return None
        results.append(rows)
    await savepoint.release()
    return results


_engines: dict[tuple[str | None, str], Engine] = {}


def use_database(settings: Settings) -> Engine:
    """The engine for these settings, with every table of the app bound to it.

    One engine per database for the whole process: apps built again for the same database (the
    tests build many) share its connections instead of each opening their own.
    """
    from app.accounts.piccolo_app import APP_CONFIG as ACCOUNTS
    from app.multimedia.piccolo_app import APP_CONFIG as MULTIMEDIA
    from app.notifications.piccolo_app import APP_CONFIG as NOTIFICATIONS

    engine = engine_for(settings)
    for table in (*ACCOUNTS.table_classes, *MULTIMEDIA.table_classes, *NOTIFICATIONS.table_classes):
        table._meta.db = engine
    return engine


def engine_for(settings: Settings) -> Engine:
    """The process's one engine for the database these settings name, built on first use."""
    key = (settings.database_url, str(settings.sqlite_path))
    if key not in _engines:
        _engines[key] = _build_engine(settings)
    return _engines[key]


def _build_engine(settings: Settings) -> Engine:
    """SQLite at settings.sqlite_path, or PostgreSQL when a DATABASE_URL is set.

    As in libpq, `?host=/a/folder` (with an empty host part) reaches the server by the Unix
    socket in that folder, and `?port=` names the socket file's port.
    """
    if settings.database_url:
        parts = urlsplit(settings.database_url)
        query = parse_qs(parts.query)
        return PostgresEngine(config={
            "host": query.get("host", [parts.hostname or "localhost"])[0],
            "port": int(query.get("port", [parts.port or 5432])[0]),
            "user": parts.username or "postgres",
            "password": parts.password or "",
            "database": parts.path.lstrip("/") or "videologue",
        })
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers carry on during a write; it is a property of the file, set once.
    with sqlite3.connect(settings.sqlite_path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return KeptConnectionsSQLiteEngine(path=str(settings.sqlite_path), timeout=10)


async def open_pool(engine: Engine) -> None:
    """Open PostgreSQL's connection pool (SQLite's connections open on first use)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)


async def close_pool(engine: Engine) -> None:
    """Close PostgreSQL's connection pool, or the SQLite engine's kept connections."""
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, KeptConnectionsSQLiteEngine):
        await engine.close_connections()


async def ping(engine: Engine) -> None:
    """Run one trivial query; raises when the database cannot answer it."""
    await engine.run_querystring(QueryString("SELECT 1"))
