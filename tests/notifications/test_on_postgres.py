"""The notification statements on PostgreSQL: reactions arriving at once gather into one group,
and the rest of the context behaves as on SQLite."""

import asyncio

from app import multimedia, notifications
from tests.factories import make_annotation, make_user, make_video

REACTORS = 6


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
