"""Mentions over the socket against a real server: a mention of an existing user is pushed as a
link to their profile with data-mentions, the same bytes to every viewer, and replays keep it."""

from app import multimedia
from tests.factories import make_annotation, make_user, make_video


def link(user) -> str:
    """How a body shows a mention of the user, written as they spell their username."""
    return f'<a class="mention" href="/users/{user.username}">@{user.username}</a>'


async def test_a_posted_mention_reaches_every_viewer_as_the_same_link(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    sender, mentioned, guest = await join(video, alice), await join(video, bob), await join(video)
    for viewer in (mentioned, guest):
        await viewer.joined()
    await sender.post(f"Over to @{bob.username} <now>, not @nobody_{bob.id}", at=2000)
    frames = [(await viewer.frames_until("Over to"))[-1] for viewer in (sender, mentioned, guest)]
    assert frames[0] == frames[1] == frames[2]
    assert f'data-mentions=" {bob.id} "' in frames[0]
    assert f"Over to {link(bob)} &lt;now&gt;, not @nobody_{bob.id}" in frames[0]
    [stored] = await multimedia.list_annotations(video.id)
    assert multimedia.mentioned_user_ids(stored) == [bob.id]


async def test_a_reply_and_its_edit_carry_their_mentions_to_every_viewer(join):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, "Who knows?")
    replier, other = await join(video, bob), await join(video, alice)
    await other.joined()
    await replier.reply(parent.id, f"@{carol.username} does")
    frame = (await other.frames_until("does"))[-1]
    assert f'data-mentions=" {carol.id} "' in frame and f"{link(carol)} does" in frame
    [thread] = await multimedia.list_annotations(video.id)
    await replier.edit(thread.replies[0].id, f"Ask @{alice.username} instead")
    frame = (await other.frames_until("instead"))[-1]
    assert f'<hx-partial hx-target="#reply-{thread.replies[0].id}" hx-swap="outerMorph">' in frame
    assert f'data-mentions=" {alice.id} "' in frame and f"Ask {link(alice)} instead" in frame


async def test_a_viewer_who_was_away_gets_the_mentions_in_the_replay(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    posted = await make_annotation(alice, video, f"cc @{bob.username.upper()}")
    late = await join(video, bob, cursor=0)
    replay = "".join(await late.replay())
    assert f'id="annotation-{posted.id}"' in replay and f'data-mentions=" {bob.id} "' in replay
    assert f'<a class="mention" href="/users/{bob.username}">@{bob.username.upper()}</a>' in replay
