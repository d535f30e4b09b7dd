"""Notifications on a two-node cluster: a reply or a mention stored on node A reaches the badge
of the person it concerns whose page is on node B, and marking read on A clears it there too."""

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


async def test_a_mention_posted_on_node_a_reaches_the_mentioned_users_badge_on_node_b(
        alice_and_bob, cluster, browser, sockets):
    alice, _, video = alice_and_bob
    carol = browser(cluster.b)
    carols_name = await carol.register("carol")
    elsewhere = await carol.create_video()  # she watches a video of her own, on node B
    on_b = await sockets(await carol.socket_url(cluster.b, elsewhere))
    poster = await sockets(await alice.socket_url(cluster.a, video))
    await on_b.joined()

    await poster.post(f"@{carols_name} what do you think?", at=1500)

    assert count_in((await on_b.frames_until(BADGE))[-1]) == 1
    page = (await carol.on(cluster.b).client.get("/notifications")).text
    assert "mentioned you" in page and "what do you think?" in page
