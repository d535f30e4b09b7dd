"""Reactions and resolving over the socket against a real server: counts and resolved states
reach every viewer as the same bytes, bursts are merged without losing a change, refusals reach
their sender alone, and a page that was away (even across a restart) gets the latest state."""

import asyncio
import re

import pytest
from websockets.asyncio.client import connect

from app import multimedia
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.live.test_socket import cursor_after
from tests.live.test_threads import frames_with_all, swap
from tests.server import AppServer

COUNTS = re.compile(r'data-emoji="([^"]+)" data-count="(\d+)" data-by="([^"]*)"')
NO_ERROR = swap("#live-error", "innerHTML") + "</hx-partial>"


def counts(frame: str) -> list[tuple[str, int, str]]:
    """The reaction counts a frame shows: (emoji, count, data-by)."""
    return [(emoji, int(count), by) for emoji, count, by in COUNTS.findall(frame)]


async def test_a_reaction_reaches_every_viewer_as_the_same_counts_and_the_reactor_sees_no_error(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    reactor, author, guest = await join(video, bob), await join(video, alice), await join(video)
    for viewer in (author, guest):
        await viewer.joined()
    await reactor.send("react", id=str(note.id), emoji="👍")
    slot = swap(f"#annotation-{note.id} > .note > .reactions", "innerHTML")
    mine = await frames_with_all(reactor, slot, NO_ERROR)
    frames = [(await viewer.frames_until(slot))[-1] for viewer in (author, guest)]
    assert frames[0] == frames[1] and frames[0] in mine  # rendered once, the same for everyone
    assert counts(frames[0]) == [("👍", 1, f" {bob.id} ")]
    assert cursor_after(frames) == await multimedia.current_change_seq(video.id)


async def test_taking_a_reaction_back_on_a_reply_empties_its_counts(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    reply = await multimedia.reply_to_annotation(bob, note.id, "Yes")
    await multimedia.toggle_reaction(alice, reply.id, "❤️")
    reactor = await join(video, alice)
    await reactor.joined()
    await reactor.send("react", id=str(reply.id), emoji="❤️")
    slot = swap(f"#reply-{reply.id} > .reactions", "innerHTML")
    frame = (await reactor.frames_until(slot))[-1]
    assert slot + "</hx-partial>" in frame


@pytest.mark.parametrize(("values", "message"), [
    ({"emoji": "🍕"}, "That reaction is not one of those offered."),
    ({"emoji": "👍", "id": "999999999"}, "That annotation is gone"),
    ({"emoji": "👍", "id": "x"}, "That annotation is gone"),
    ({"event": "resolve", "resolved": "maybe"}, "Say whether to resolve or reopen it."),
    ({"event": "resolve", "resolved": "1", "of": "reply"}, "A reply cannot be resolved on its own"),
    ({"event": "resolve", "resolved": "1", "of": "others"},
     "Only its author, the video&#39;s owner or a moderator"),
], ids=["unknown emoji", "unknown id", "garbage id", "resolved neither", "resolving a reply",
        "resolving another's"])
async def test_each_bad_reaction_or_resolve_is_explained_to_its_sender_only(join, values, message):
    owner, alice, bob = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    mine = await make_annotation(alice, video)
    others = await make_annotation(bob, video)
    reply = await multimedia.reply_to_annotation(alice, mine.id, "Mine too")
    targets = {"reply": reply.id, "others": others.id}
    sender, watcher = await join(video, alice), await join(video)
    await watcher.replay()
    await sender.replay()
    values = {"event": "react", "id": str(targets.get(values.pop("of", ""), mine.id)), **values}
    await sender.send(values.pop("event"), **values)
    error = await sender.frame()
    assert swap("#live-error", "innerHTML") in error and message in error
    await sender.post("Still connected", at=1)
    assert await watcher.frames_before("Still connected") == []  # nobody else heard of it
    assert await multimedia.current_change_seq(video.id) == reply.seq + 1  # only the post


@pytest.mark.parametrize(("event", "message"), [("react", "Sign in to react."),
                                                ("resolve", "Sign in to resolve annotations.")])
async def test_anonymous_viewers_see_counts_but_cannot_react_or_resolve(join, event, message):
    alice = await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    guest = await join(video)
    await guest.replay()
    await guest.send(event, id=str(note.id), emoji="👍", resolved="1")
    assert message in await guest.frame()


async def test_the_author_resolves_and_the_owner_reopens_live_for_every_viewer(join):
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    note = await make_annotation(author, video, "Cut this shot")
    by_author, by_owner, guest = await join(video, author), await join(video, owner), await join(video)
    await guest.joined()
    await by_owner.joined()
    await by_author.send("resolve", id=str(note.id), resolved="1")
    frame = (await guest.frames_until("Resolved by"))[-1]
    assert frame.startswith(swap(f"#annotation-{note.id}", "outerMorph"))
    assert f'data-resolved="{author.username}"' in frame and ">Reopen</button>" in frame
    await by_owner.send("resolve", id=str(note.id), resolved=False)
    frame = (await guest.frames_until("Resolve</button>"))[-1]
    assert "data-resolved" not in frame and "Resolved by" not in frame
    assert (await multimedia.list_annotations(video.id))[0].resolved_at is None


async def test_a_page_away_gets_reactions_and_resolving_once_in_their_latest_state(join):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video, "Check the sound", at=1000)
    page = await join(video)
    cursor = cursor_after(await page.replay())
    await page.close()
    for person, emoji in ((bob, "👍"), (carol, "👍"), (carol, "😮"), (carol, "😮"), (bob, "❓")):
        await multimedia.toggle_reaction(person, note.id, emoji)
    await multimedia.resolve_annotation(alice, note.id, True)
    back = await join(video, cursor=cursor)
    [frame] = await back.replay()
    assert frame.count(swap(f"#annotation-{note.id}", "outerMorph")) == 1
    assert counts(frame) == [("👍", 2, f" {bob.id} {carol.id} "), ("❓", 1, f" {bob.id} ")]
    assert f'data-resolved="{alice.username}"' in frame
    assert cursor_after([frame]) == await multimedia.current_change_seq(video.id)


@pytest.fixture(scope="module")
def held_server():
    """A server whose reaction window never ends by itself: a burst is held until another
    change comes, so what it merges does not depend on timing."""
    app_server = AppServer({"ANNOTATION_BURST": "1000", "LIVE_REACTION_WINDOW_MS": "3600000",
                            "REACTION_BURST": "3", "REACTION_PER_SECOND": "0"}).start()
    yield app_server
    app_server.stop()


async def open_viewer(server: AppServer, video, user=None, cursor=None) -> Viewer:
    """A socket on the video through `server`, as the watch page opens it."""
    query = [f"token={token_for(user)}"] if user else []
    query += [f"cursor={cursor}"] if cursor is not None else []
    url = f"{server.ws_url}/live/videos/{video.id}?{'&'.join(query)}"
    return Viewer(await connect(url, additional_headers={"Origin": server.url}, compression=None))


async def react_and_wait(viewer: Viewer, annotation_id: int, emoji: str) -> None:
    """React and wait until the server says it is stored (the reactor's own error slot empties)."""
    await viewer.send("react", id=str(annotation_id), emoji=emoji)
    await frames_with_all(viewer, NO_ERROR)


async def test_a_burst_goes_out_as_one_update_with_exact_counts_before_the_next_post(held_server):
    alice = await make_user()
    people = [await make_user() for _ in range(3)]
    video = await make_video(alice)
    first, second = await make_annotation(alice, video), await make_annotation(alice, video, at=2000)
    watcher = await open_viewer(held_server, video)
    reactors = [await open_viewer(held_server, video, person) for person in people]
    try:
        await watcher.replay()
        for reactor in reactors:
            await reactor.replay()
        await react_and_wait(reactors[0], first.id, "👍")
        opened = (await watcher.frames_until(".reactions"))[-1]  # the first goes out at once
        for reactor in reactors:
            for target, emoji in ((first.id, "❤️"), (second.id, "😂")):
                await react_and_wait(reactor, target, emoji)
        await react_and_wait(reactors[1], second.id, "😂")  # taken back
        await reactors[0].post("After the burst", at=1)
        held = await watcher.frames_before("After the burst")
        assert len(held) == 1  # seven reactions, one update
        [merged] = held
        assert merged.count(f"#annotation-{first.id} > .note > .reactions") == 1
        assert counts(merged) == [
            ("👍", 1, f" {people[0].id} "), ("❤️", 3, " " + " ".join(str(p.id) for p in people) + " "),
            ("😂", 2, f" {people[0].id} {people[2].id} ")]
        assert cursor_after([opened, merged]) == await multimedia.current_change_seq(video.id) - 1
    finally:
        for viewer in (watcher, *reactors):
            await viewer.close()


async def test_reactions_have_their_own_per_user_budget_refused_to_the_reactor_alone(held_server):
    alice = await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    reactor, watcher = await open_viewer(held_server, video, alice), await open_viewer(held_server, video)
    try:
        await watcher.replay()
        await reactor.replay()
        for emoji in ("👍", "❤️", "😂"):
            await react_and_wait(reactor, note.id, emoji)
        await reactor.send("react", id=str(note.id), emoji="😮")
        assert "You are reacting too fast" in (await reactor.frames_until("too fast"))[-1]
        await reactor.post("Posting still works", at=1)  # its own budget, untouched
        frames = await watcher.frames_before("Posting still works")
        assert "too fast" not in "".join(frames) and "😮" not in "".join(frames)
    finally:
        await reactor.close()
        await watcher.close()


async def test_a_restart_in_the_middle_of_a_burst_loses_no_reaction(held_server):
    alice = await make_user()
    people = [await make_user() for _ in range(3)]
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    watcher = await open_viewer(held_server, video)
    reactors = [await open_viewer(held_server, video, person) for person in people]
    try:
        cursor = cursor_after(await watcher.replay())
        for reactor in reactors:
            await reactor.replay()
        await react_and_wait(reactors[0], note.id, "👍")
        cursor = cursor_after(await watcher.frames_until(".reactions"))
        for reactor in reactors:  # stored, and held by the node: nobody has them yet
            await react_and_wait(reactor, note.id, "✅")
        await asyncio.to_thread(held_server.restart)
    finally:
        for viewer in (watcher, *reactors):
            await viewer.close()
    back = await open_viewer(held_server, video, cursor=cursor)
    try:
        [frame] = await back.replay()
    finally:
        await back.close()
    everyone = " " + " ".join(str(p.id) for p in people) + " "
    assert counts(frame) == [("👍", 1, f" {people[0].id} "), ("✅", 3, everyone)]
    assert cursor_after([frame]) == await multimedia.current_change_seq(video.id)
