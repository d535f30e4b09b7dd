"""Threads on a two-node cluster: edits and replies cross nodes, changes published in the other
order than they were stored still reach every viewer once, and a node killed mid-thread loses
nothing for the pages that were on it."""

import asyncio
import re
import signal

import pytest
from websockets.exceptions import ConnectionClosed

from tests.cluster.test_faults import with_cursor
from tests.live.test_socket import annotation_ids, cursor_after

REPLY_IDS = re.compile(r'<li id="reply-(\d+)"')


async def test_an_edit_and_a_reply_on_one_node_reach_viewers_on_the_other(alice_and_bob, cluster, sockets):
    alice, bob, video = alice_and_bob
    author = await sockets(await alice.socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    await author.post("Frist", at=1000)
    [annotation_id] = annotation_ids(await on_b.frames_until("Frist"))
    await author.edit(annotation_id, "First")
    frame = (await on_b.frames_until("First<"))[-1]
    assert f'hx-target="#annotation-{annotation_id}" hx-swap="outerMorph"' in frame
    await on_b.reply(annotation_id, "Answered from B")
    frame = (await author.frames_until("Answered from B"))[-1]
    assert f'hx-target="#annotation-{annotation_id} > .thread > .replies" hx-swap="beforeend"' in frame


async def test_posts_on_both_nodes_at_once_reach_every_viewer_once_in_change_order(
        alice_and_bob, cluster, sockets):
    alice, bob, video = alice_and_bob
    on_a = await sockets(await alice.socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    await on_b.joined()
    await on_a.joined()
    # Both nodes store and publish at once: their broadcasts can cross in Redis.
    await asyncio.gather(*(viewer.post(f"{name} {index}", at=index)
                           for index in range(4) for viewer, name in ((on_a, "a"), (on_b, "b"))))
    for viewer in (on_a, on_b):
        frames = []
        while sum(body in "".join(frames) for body in
                  [f"{name} {index}<" for index in range(4) for name in "ab"]) < 8:
            frames.append(await viewer.frame(timeout=30))
        ids = annotation_ids(frames)
        assert len(ids) == 8 and len(set(ids)) == 8
        cursors = [int(seq) for seq in re.findall(r'data-seq="(\d+)"', "".join(frames))]
        assert cursors == sorted(cursors) and cursors[-1] == 8  # in order, none skipped at the end


async def test_a_node_killed_mid_thread_loses_nothing_for_the_pages_that_were_on_it(
        alice_and_bob, cluster, browser, sockets):
    alice, bob, video = alice_and_bob
    author = await sockets(await alice.socket_url(cluster.a, video))
    guest_url_b = await browser(cluster.b).socket_url(cluster.b, video)
    guest = await sockets(await browser().socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    await author.post("Which take?", at=2000)
    [parent] = annotation_ids(await on_b.frames_until("Which take?"))
    await on_b.reply(parent, "Take two")
    held = await guest.frames_until("Take two")

    await asyncio.to_thread(cluster.a.stop, signal.SIGKILL)
    try:
        with pytest.raises(ConnectionClosed):
            await guest.frame(timeout=30)
        # While the guest's node is gone: a new reply and an edit of it, on node B.
        await on_b.reply(parent, "Take three")
        [reply] = [int(found) for found in REPLY_IDS.findall(
            (await on_b.frames_until("Take three"))[-1])]
        await on_b.edit(reply, "Take three, final")
        await on_b.frames_until("Take three, final")

        resumed = await sockets(with_cursor(guest_url_b, cursor_after(held)))
        [frame] = await resumed.replay()
        assert frame.count(f'id="reply-{reply}"') == 1 and "Take three, final" in frame
        assert "Take two" not in frame and "Which take?" not in frame  # held already
        await on_b.post("A barrier", at=9000)
        assert annotation_ids(await resumed.frames_before("A barrier")) == []
    finally:
        await asyncio.to_thread(cluster.a.start)


async def test_reactions_and_resolving_on_one_node_reach_viewers_on_the_other(
        alice_and_bob, cluster, sockets):
    alice, bob, video = alice_and_bob
    author = await sockets(await alice.socket_url(cluster.a, video))
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    await on_b.joined()
    await author.post("React to me", at=1000)
    [annotation_id] = annotation_ids(await on_b.frames_until("React to me"))
    await on_b.send("react", id=str(annotation_id), emoji="😂")
    frame = (await author.frames_until(f"#annotation-{annotation_id} > .note > .reactions"))[-1]
    assert 'data-emoji="😂" data-count="1"' in frame
    await author.send("resolve", id=str(annotation_id), resolved="1")
    frame = (await on_b.frames_until("Resolved by"))[-1]
    assert 'data-resolved="alice' in frame
    assert cursor_after([frame]) == 3  # the post, the reaction and the resolve, in order
