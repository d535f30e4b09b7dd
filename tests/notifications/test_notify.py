"""Who a new annotation, reply or reaction notifies, and with what, through the context."""

from dataclasses import replace

from app import multimedia, notifications
from tests.factories import make_annotation, make_user, make_video


def mentioning(view, *users):
    """The view as the mentions work stores it: its `mentions` column naming these users."""
    return replace(view, mentions=" " + "".join(f"{u.id}:{u.username} " for u in users))


async def test_a_mention_notifies_the_mentioned_user_with_a_link_to_the_moment():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Launch day")
    view = mentioning(await make_annotation(alice, video, f"@{bob.username} look", at=12_345), bob)

    assert await notifications.notify_change(alice, view, multimedia.mentioned_user_ids(view)) == [bob.id]

    [note] = await notifications.list_notifications(bob)
    assert (note.kind, note.headline, note.read) == ("mention", f"{alice.username} mentioned you", False)
    assert note.link == f"/watch/{video.id}-launch-day?t=12.345#annotation-{view.id}"
    assert note.excerpt == f"@{bob.username} look"


async def test_mentioning_oneself_notifies_nobody():
    alice = await make_user()
    view = mentioning(await make_annotation(alice, await make_video(alice)), alice)
    assert await notifications.notify_change(alice, view, [alice.id]) == []
    assert await notifications.count_unread(alice) == 0


async def test_a_reply_notifies_the_thread_author_and_earlier_repliers_but_not_the_replier():
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    top = await make_annotation(alice, video, at=30_000)
    first = await multimedia.reply_to_annotation(bob, top.id, "I agree")
    assert await notifications.notify_change(bob, first, []) == [alice.id]

    second = await multimedia.reply_to_annotation(carol, top.id, "Me too")
    assert await notifications.notify_change(carol, second, []) == sorted([alice.id, bob.id])

    [to_bob] = await notifications.list_notifications(bob)
    assert to_bob.headline == f"{carol.username} replied in a thread you are in"
    assert to_bob.link.endswith(f"?t=30#annotation-{top.id}")  # the thread's anchor, not the reply's
    assert await notifications.count_unread(carol) == 0
    assert await notifications.count_unread(alice) == 2


async def test_someone_mentioned_in_a_reply_to_their_thread_gets_one_notification_a_mention():
    alice, bob = await make_user(), await make_user()
    top = await make_annotation(alice, await make_video(alice))
    reply = mentioning(await multimedia.reply_to_annotation(bob, top.id, "see this"), alice)
    assert await notifications.notify_change(bob, reply, [alice.id]) == [alice.id]
    assert [n.kind for n in await notifications.list_notifications(alice)] == ["mention"]


async def test_a_top_level_annotation_without_mentions_notifies_nobody():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    await make_annotation(bob, video)
    assert await notifications.notify_change(alice, await make_annotation(alice, video), []) == []


async def test_reactions_gather_into_one_unread_group_per_annotation():
    alice, bob, carol, dave = [await make_user() for _ in range(4)]
    view = await make_annotation(alice, await make_video(alice), at=5_000)

    assert await notifications.notify_reaction(bob, view, "👍") == [alice.id]
    assert await notifications.notify_reaction(carol, view, "❤️") == []  # the group grew
    assert await notifications.notify_reaction(dave, view, "👍") == []
    assert await notifications.notify_reaction(dave, view, "😂") == []

    [group] = await notifications.list_notifications(alice)
    assert group.headline == f"{dave.username} and 2 others reacted 👍 ❤️ 😂 to your annotation"
    assert (group.reactions, group.actors) == (4, (bob.username, carol.username, dave.username))
    assert group.link.endswith(f"?t=5#annotation-{view.id}")
    assert await notifications.count_unread(alice) == 1


async def test_a_read_reaction_group_is_left_alone_and_the_next_reaction_starts_a_new_one():
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    view = await make_annotation(alice, await make_video(alice))
    await notifications.notify_reaction(bob, view, "👍")
    await notifications.mark_all_read(alice)

    assert await notifications.notify_reaction(carol, view, "❤️") == [alice.id]

    newest, older = await notifications.list_notifications(alice)
    assert (newest.headline, newest.read) == (f"{carol.username} reacted ❤️ to your annotation", False)
    assert (older.headline, older.read) == (f"{bob.username} reacted 👍 to your annotation", True)


async def test_two_reactors_read_as_both_names():
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    view = await make_annotation(alice, await make_video(alice))
    await notifications.notify_reaction(bob, view, "👍")
    await notifications.notify_reaction(carol, view, "👍")
    [group] = await notifications.list_notifications(alice)
    assert group.headline == f"{carol.username} and {bob.username} reacted 👍 to your annotation"


async def test_reacting_to_ones_own_annotation_notifies_nobody():
    alice = await make_user()
    view = await make_annotation(alice, await make_video(alice))
    assert await notifications.notify_reaction(alice, view, "👍") == []
    assert await notifications.list_notifications(alice) == []


async def test_a_reaction_on_a_reply_notifies_its_author_and_links_to_the_thread():
    alice, bob = await make_user(), await make_user()
    top = await make_annotation(alice, await make_video(alice), at=2_500)
    reply = await multimedia.reply_to_annotation(bob, top.id, "Good one")
    assert await notifications.notify_reaction(alice, reply, "✅") == [bob.id]
    [note] = await notifications.list_notifications(bob)
    assert note.link.endswith(f"?t=2.5#annotation-{top.id}")


async def test_a_kind_turned_off_creates_no_notification_of_that_kind():
    alice, bob = await make_user(), await make_user()
    top = await make_annotation(alice, await make_video(alice))
    await notifications.set_enabled_kinds(alice, {"mention"})

    reply = await multimedia.reply_to_annotation(bob, top.id, "hello")
    assert await notifications.notify_change(bob, reply, []) == []
    assert await notifications.notify_reaction(bob, top, "👍") == []
    assert await notifications.notify_change(bob, mentioning(reply, alice), [alice.id]) == [alice.id]
    assert [n.kind for n in await notifications.list_notifications(alice)] == ["mention"]


async def test_a_mentioned_thread_author_who_turned_mentions_off_still_hears_of_the_reply():
    alice, bob = await make_user(), await make_user()
    top = await make_annotation(alice, await make_video(alice))
    await notifications.set_enabled_kinds(alice, {"reply", "reaction"})
    reply = mentioning(await multimedia.reply_to_annotation(bob, top.id, "see"), alice)
    assert await notifications.notify_change(bob, reply, [alice.id]) == [alice.id]
    assert [n.kind for n in await notifications.list_notifications(alice)] == ["reply"]
