"""Notifications on a two-node cluster: a reply stored on node A reaches the badge of a thread
author whose page is on node B, and marking read on A clears it there too."""

import re

from tests.live.test_socket import annotation_ids

BADGE = '<hx-partial hx-target="#notification-count" hx-swap="outerHTML">'


def count_in(frame: str) -> int:
    """The unread count a badge frame sets."""
    return int(re.search(r'id="notification-count"[^>]*data-count="(\d+)"', frame).group(1))


async def test_a_reply_on_node_a_reaches_the_badge_of_the_thread_author_on_node_b(
        alice_and_bob, cluster, sockets):
    alice, bob, video = alice_and_bob
    on_b = await sockets(await bob.socket_url(cluster.b, video))
    replier = await sockets(await alice.socket_url(cluster.a, video))
    await on_b.post("Is the audio late here?", at=4200)
    [annotation_id] = annotation_ids(await replier.frames_until("Is the audio late here?"))

    await replier.reply(annotation_id, "Yes, by two frames")

    frame = (await on_b.frames_until(BADGE))[-1]
    assert frame.startswith(BADGE) and count_in(frame) == 1
    page = (await bob.on(cluster.b).client.get("/notifications")).text
    assert f"?t=4.2#annotation-{annotation_id}" in page and "Yes, by two frames" in page

    await bob.on(cluster.a).submit("/notifications/read", {})
    assert count_in((await on_b.frames_until(BADGE))[-1]) == 0
