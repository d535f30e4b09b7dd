"""Listing, counting and marking read one's notifications, through the context."""

from app import multimedia, notifications
from tests.factories import make_annotation, make_user, make_video


async def replies_to(author, count: int):
    """`count` replies by someone else in a thread of `author`'s, each notified; returns them."""
    replier = await make_user()
    top = await make_annotation(author, await make_video(author))
    replies = []
    for n in range(count):
        reply = await multimedia.reply_to_annotation(replier, top.id, f"reply {n}")
        await notifications.notify_change(replier, reply, [])
        replies.append(reply)
    return replies


async def test_notifications_are_listed_newest_first_and_counted_while_unread():
    alice = await make_user()
    await replies_to(alice, 3)
    listed = await notifications.list_notifications(alice)
    assert [n.excerpt for n in listed] == ["reply 2", "reply 1", "reply 0"]
    assert await notifications.count_unread(alice) == 3


async def test_marking_one_read_lowers_the_count_once_and_only_for_its_owner():
    alice, mallory = await make_user(), await make_user()
    await replies_to(alice, 2)
    newest, older = await notifications.list_notifications(alice)

    assert await notifications.mark_read(mallory, newest.id) is False
    assert await notifications.mark_read(alice, newest.id) is True
    assert await notifications.mark_read(alice, newest.id) is False  # already read

    assert await notifications.count_unread(alice) == 1
    assert [n.read for n in await notifications.list_notifications(alice)] == [True, False]


async def test_marking_all_read_clears_the_count():
    alice, bob = await make_user(), await make_user()
    await replies_to(alice, 3)
    await replies_to(bob, 1)
    assert await notifications.mark_all_read(alice) == 3
    assert await notifications.count_unread_of([alice.id, bob.id]) == {alice.id: 0, bob.id: 1}
    assert all(n.read for n in await notifications.list_notifications(alice))


async def test_counting_nobody_is_an_empty_answer():
    assert await notifications.count_unread_of([]) == {}
