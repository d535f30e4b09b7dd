"""The header badge over the socket against a real server: a reply pushes the new unread count
to the thread's author alone, as the same partial the page renders, on every page they have open."""

from app import notifications
from app.live import fragments
from tests.factories import make_annotation, make_user, make_video

BADGE = 'hx-target="#notification-count"'


async def badges_before(viewer, barrier: str) -> list[str]:
    """The badge frames that reach the viewer before the frame holding `barrier`."""
    return [frame for frame in await viewer.frames_before(barrier) if BADGE in frame]


async def test_a_reply_pushes_the_badge_to_the_thread_author_and_to_nobody_else(join):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Which take?", at=3000)
    author, replier = await join(video, alice), await join(video, bob)
    bystander, guest = await join(video, carol), await join(video)
    for viewer in (author, replier, bystander, guest):
        await viewer.joined()

    await replier.reply(parent.id, "Take two")

    frame = (await author.frames_until(BADGE))[-1]
    assert frame == fragments.notification_count(1)
    assert await notifications.count_unread(alice) == 1
    # A later post is a barrier: a badge sent to the others would have reached them before it.
    await replier.post("A barrier", at=9000)
    for viewer in (replier, bystander, guest):
        assert await badges_before(viewer, "A barrier") == []


async def test_every_open_page_of_the_author_gets_the_badge_even_on_another_video(join):
    alice, bob = await make_user(), await make_user()
    video, elsewhere = await make_video(alice), await make_video(alice)
    parent = await make_annotation(alice, video)
    await notifications.notify_reaction(bob, parent, "👍")  # one unread already
    on_video, on_other = await join(video, alice), await join(elsewhere, alice)
    replier = await join(video, bob)
    for viewer in (on_video, on_other, replier):
        await viewer.joined()

    await replier.reply(parent.id, "Seen from the other tab too")

    for viewer in (on_video, on_other):
        assert (await viewer.frames_until(BADGE))[-1] == fragments.notification_count(2)


async def test_a_reply_by_the_thread_author_pushes_no_badge_to_them(join):
    alice = await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    author = await join(video, alice)
    await author.joined()

    await author.reply(parent.id, "Answering myself")
    await author.post("A barrier", at=9000)

    assert await badges_before(author, "A barrier") == []
    assert await notifications.count_unread(alice) == 0


async def test_a_reaction_pushes_the_badge_to_the_author_once_per_group_and_taking_it_back_none(join):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    noted = await make_annotation(alice, video)
    author, reactor, other = await join(video, alice), await join(video, bob), await join(video, carol)
    for viewer in (author, reactor, other):
        await viewer.joined()

    await reactor.send("react", id=str(noted.id), emoji="👍")
    assert (await author.frames_until(BADGE))[-1] == fragments.notification_count(1)
    [group] = await notifications.list_notifications(alice)
    assert group.headline == f"{bob.username} reacted 👍 to your annotation"
    await reactor.send("react", id=str(noted.id), emoji="👍")  # taken back: nothing new
    await other.send("react", id=str(noted.id), emoji="❤️")  # the unread group grows
    await other.post("A barrier", at=9000)
    assert await badges_before(author, "A barrier") == []
    [group] = await notifications.list_notifications(alice)
    assert carol.username in group.headline and await notifications.count_unread(alice) == 1
