"""The notification statements on PostgreSQL: reactions arriving at once gather into one group,
and the rest of the context behaves as on SQLite."""

import asyncio
from dataclasses import replace

import pytest

from app import multimedia, notifications
from app.database import close_pool, open_pool, use_database
from app.devservices.postgres import PostgresCluster
from app.settings import Settings
from tests.diagnostics import watch_log
from tests.factories import make_annotation, make_user, make_video
from tests.test_migrations import migrate

REACTORS = 6


@pytest.fixture(scope="module")
def postgres_url():
    """A private, migrated PostgreSQL server for this module."""
    with PostgresCluster() as cluster:
        watch_log("postgres", cluster.log_path)
        migrate(DATABASE_URL=cluster.url)
        yield cluster.url


@pytest.fixture
async def on_postgres(postgres_url):
    """The app's tables bound to PostgreSQL for one test, then back to the test database."""
    engine = use_database(replace(Settings.from_env(), database_url=postgres_url))
    await open_pool(engine)
    try:
        yield postgres_url
    finally:
        await close_pool(engine)
        use_database(Settings.from_env())


async def test_reactions_arriving_at_once_make_one_group_and_one_new_unread(on_postgres):
    alice = await make_user()
    reactors = [await make_user() for _ in range(REACTORS)]
    view = await make_annotation(alice, await make_video(alice))

    grew = await asyncio.gather(*(notifications.notify_reaction(r, view, "👍") for r in reactors))

    assert sorted(grew) == [[]] * (REACTORS - 1) + [[alice.id]]
    [group] = await notifications.list_notifications(alice)
    assert (group.reactions, sorted(group.actors)) == (REACTORS, sorted(r.username for r in reactors))
    assert group.emojis == ("👍",)


async def test_replies_mentions_settings_and_marking_read_work_on_postgres(on_postgres):
    alice, bob = await make_user(), await make_user()
    top = await make_annotation(alice, await make_video(alice))
    reply = await multimedia.reply_to_annotation(bob, top.id, "Agreed")
    assert await notifications.notify_change(bob, reply, []) == [alice.id]
    await notifications.set_enabled_kinds(bob, {"reply"})
    assert await notifications.notify_change(alice, top, [bob.id]) == []  # mentions turned off

    assert await notifications.count_unread_of([alice.id, bob.id]) == {alice.id: 1, bob.id: 0}
    [note] = await notifications.list_notifications(alice)
    assert await notifications.mark_read(alice, note.id) is True
    assert await notifications.mark_all_read(alice) == 0
    assert await notifications.count_unread(alice) == 0
