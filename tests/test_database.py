"""The SQLite engine keeps its connections: few opened, writes seen at once, Piccolo's behaviour kept."""

import asyncio
import os
import sqlite3
import threading
from datetime import UTC, datetime

import aiosqlite
import pytest

from app import multimedia
from app.database import KeptConnectionsSQLiteEngine, close_pool
from app.multimedia.tables import Annotation, Video
from piccolo_conf import DB
from tests.factories import make_annotation, make_user, make_video


@pytest.fixture
def opened(monkeypatch) -> list[aiosqlite.Connection]:
    """Every aiosqlite connection opened from now on, starting from a closed pool."""
    connections = []
    connect = aiosqlite.connect

    def counting_connect(*args, **kwargs):
        connections.append(connect(*args, **kwargs))
        return connections[-1]

    monkeypatch.setattr(aiosqlite, "connect", counting_connect)
    return connections


def test_the_suite_and_the_app_use_the_engine_that_keeps_connections():
    assert isinstance(DB, KeptConnectionsSQLiteEngine)
    assert Annotation._meta.db is DB and Video._meta.db is DB


async def test_a_hundred_queries_open_one_writer_and_at_most_the_readers(opened):
    await close_pool(DB)
    user = await make_user()
    video = await make_video(user)
    for at in range(50):
        await make_annotation(user, video, at=at)
        await multimedia.list_annotations(video.id)
    assert 2 <= len(opened) <= 1 + DB.readers


def descriptors_on(path: str) -> int:
    """How many of this process's file descriptors are open on the file."""
    return sum(os.path.realpath(f"/proc/self/fd/{fd}") == os.path.realpath(path)
               for fd in os.listdir("/proc/self/fd"))


async def test_a_burst_of_first_queries_opens_the_connections_once_and_leaks_no_descriptors(opened):
    user = await make_user()
    video = await make_video(user)
    await close_pool(DB)
    before = descriptors_on(DB.path)
    await asyncio.gather(*(multimedia.list_annotations(video.id) for _ in range(50)),
                         *(make_annotation(user, video, at=at) for at in range(10)))
    assert len(opened) <= 1 + DB.readers
    await close_pool(DB)
    assert descriptors_on(DB.path) == before


async def test_each_write_is_seen_by_the_very_next_read():
    user = await make_user()
    video = await make_video(user)
    for count in range(1, 21):
        posted = await make_annotation(user, video, at=count)
        listed = await multimedia.list_annotations(video.id)
        assert (len(listed), listed[-1].id) == (count, posted.id)


async def test_foreign_keys_are_enforced():
    user = await make_user()
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await Annotation.insert(Annotation(user=user.id, video=10**9, body="orphan", at=0))


async def test_rows_come_back_as_piccolo_makes_them():
    user = await make_user()
    video = await make_video(user)
    annotation = Annotation(user=user.id, video=video.id, body="typed", at=7)
    await annotation.save()
    assert isinstance(annotation.id, int)  # save() read the id back through RETURNING

    row = await Annotation.select().where(Annotation.id == annotation.id).first()
    assert row["created_at"].tzinfo == UTC and isinstance(row["created_at"], datetime)
    assert row["deleted_at"] is None
    stamped = await Annotation.update({Annotation.body: "edited"}).where(
        Annotation.id == annotation.id).returning(Annotation.id, Annotation.body)
    assert stamped == [{"id": annotation.id, "body": "edited"}]
    assert await Annotation.raw('SELECT 1 AS "flag [BOOLEAN]"') == [{"flag": True}]


async def test_fifty_concurrent_posts_are_all_stored():
    user = await make_user()
    video = await make_video(user)
    posted = await asyncio.gather(*(make_annotation(user, video, at=at) for at in range(50)))
    assert len({view.id for view in posted}) == 50
    assert len(await multimedia.list_annotations(video.id)) == 50


@pytest.fixture
async def held_read(monkeypatch):
    """A read that runs until the test releases it: (task, running, release), on a fresh pool.

    Every connection opened from now on has a SQL function hold() that, on the connection's own
    thread, signals `running` and then waits for `release`.
    """
    running, release = threading.Event(), threading.Event()

    def hold() -> int:
        running.set()
        return int(release.wait(30))

    open_connection = DB._open

    async def open_with_hold(read_only: bool) -> aiosqlite.Connection:
        connection = await open_connection(read_only)
        await connection.create_function("hold", 0, hold)
        return connection

    await close_pool(DB)
    monkeypatch.setattr(DB, "_open", open_with_hold)
    task = asyncio.create_task(Annotation.raw("SELECT hold() AS held").run())
    try:
        yield task, running, release
    finally:
        release.set()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30)
        await close_pool(DB)  # later tests get connections without hold()


async def test_a_long_read_holds_up_neither_writes_nor_other_reads(held_read):
    slow, running, release = held_read
    assert await asyncio.to_thread(running.wait, 20)  # the read is under way on a reader
    async with asyncio.timeout(20):  # were they held up, they would wait for the release
        user = await make_user()
        video = await make_video(user)
        posted = await make_annotation(user, video)
        assert await multimedia.list_annotations(video.id) == [posted]
    assert not slow.done()
    release.set()
    assert await asyncio.wait_for(slow, 20) == [{"held": 1}]


async def test_a_transaction_commits_or_rolls_back_on_its_own_connection():
    user = await make_user()
    video = await make_video(user)
    with pytest.raises(RuntimeError):
        async with DB.transaction():
            await make_annotation(user, video, "rolled back")
            raise RuntimeError("abandon")
    async with DB.transaction():
        kept = await make_annotation(user, video, "committed")
    assert await multimedia.list_annotations(video.id) == [kept]


async def test_close_pool_closes_the_kept_connections_and_the_next_query_opens_new_ones(opened):
    await close_pool(DB)
    await make_user()
    assert opened, "the first query opened a connection"

    await close_pool(DB)
    with pytest.raises(ValueError, match="no active connection"):
        await opened[0].execute("SELECT 1")
    before = len(opened)
    assert await make_user()
    assert len(opened) > before
