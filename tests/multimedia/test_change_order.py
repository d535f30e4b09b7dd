"""Change numbers under concurrent writers on PostgreSQL: no gaps, no duplicates, and no reader
ever sees a change before one with a lower number (a page asking for the changes after its
cursor could otherwise skip one forever)."""

import asyncio

import asyncpg

from app import multimedia
from tests.factories import make_annotation, make_user, make_video

WRITERS = 8
CHANGES_EACH = 12


async def test_concurrent_changes_take_every_number_once_and_commit_in_number_order(on_postgres):
    users = [await make_user() for _ in range(WRITERS)]
    video = await make_video(users[0])
    seed = await make_annotation(users[0], video, "Seed")
    reader = await asyncpg.connect(on_postgres)
    seen_gaps, writing = [], True

    async def read_until_done():
        # What a replay sees at any instant: the numbers committed so far must be 1..n.
        while writing:
            rows = await reader.fetch("SELECT seq FROM annotations WHERE video = $1", video.id)
            numbers = sorted(row["seq"] for row in rows)  # posts and replies: one number each
            if numbers != list(range(1, len(numbers) + 1)):
                seen_gaps.append(numbers)
            await asyncio.sleep(0)  # pacing: let the writers' coroutines run between reads

    async def write(user):
        numbers = []
        for index in range(CHANGES_EACH):
            if index % 3 == 2:
                view = await multimedia.reply_to_annotation(user, seed.id, f"reply {index}")
            else:
                view = await multimedia.annotate_video(user, video.id, f"post {index}", index)
            numbers.append(view.seq)
        return numbers

    watcher = asyncio.create_task(read_until_done())
    try:
        results = await asyncio.gather(*(write(user) for user in users))
    finally:
        writing = False
        await watcher
        await reader.close()
    numbers = sorted(n for numbers in results for n in numbers)
    assert numbers == list(range(2, 2 + WRITERS * CHANGES_EACH))  # each once, no gaps
    assert all(each == sorted(each) for each in results)
    assert seen_gaps == []
    assert await multimedia.current_change_seq(video.id) == 1 + WRITERS * CHANGES_EACH


async def test_a_reader_never_sees_a_later_change_before_an_earlier_one(on_postgres):
    user = await make_user()
    video = await make_video(user)
    seed = await make_annotation(user, video, "Seed")
    held = await asyncpg.connect(on_postgres)
    try:
        # A writer holds the video's row (as a slow change's transaction would) ...
        transaction = held.transaction()
        await transaction.start()
        await held.execute("UPDATE videos SET change_seq = change_seq + 1 WHERE id = $1", video.id)
        # ... so a second change must wait for it: it cannot commit number 3 before 2 exists.
        second = asyncio.create_task(multimedia.edit_annotation(user, seed.id, "Second"))
        await asyncio.wait_for(until_waiting_on_a_lock(held), 10)
        assert not second.done()
        await held.execute("INSERT INTO annotations (\"user\", video, body, at, created_at, seq, "
                           "created_seq, replies) VALUES ($1, $2, 'First', 0, now(), 2, 2, 0)",
                           user.id, video.id)
        await transaction.commit()
        edited = await asyncio.wait_for(second, 10)
    finally:
        await held.close()
    assert edited.seq == 3
    page = await multimedia.list_change_page(video.id, 1, 10)
    assert [(item.body, item.seq) for item in page.items] == [("First", 2), ("Second", 3)]


async def until_waiting_on_a_lock(connection) -> None:
    """Return once another session waits on a row lock (the blocked change)."""
    while not await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"):
        await asyncio.sleep(0.01)  # pacing between polls of the server's own lock table
