"""A block made on one node turns the blocked person's page on the other read-only at once: the
annotate form gives way to the note, and their next post there is refused to them alone."""

from app.validation import Blocked
from tests.cluster.conftest import Browser

BLOCKED_NOTE = 'id="blocked-note"'
REFUSAL = Blocked.public_message.replace("'", "&#39;")  # as the error partial escapes it


async def user_id(cluster, username: str) -> int:
    """The id of the user with this username, read from the cluster's database."""
    [row] = await cluster.query("SELECT id FROM users WHERE username = $1", username)
    return row["id"]


async def invite(owner: Browser, video: int, username: str, role: str) -> None:
    """Invite a collaborator through the video's sharing page."""
    page = await owner.submit(f"/manage/videos/{video}/sharing/collaborators",
                              {"username": username, "role": role})
    assert page.status_code == 200 and f"@{username} is invited as {role}." in page.text, page.text


async def test_a_block_on_node_a_makes_the_blocked_persons_socket_on_node_b_read_only(
        cluster, browser, sockets):
    owner, moderator = browser(), browser()  # on node A
    troll, bystander = browser(cluster.b), browser(cluster.b)
    await owner.register("owner")
    moderator_name = await moderator.register("mod")
    troll_name = await troll.register("troll")
    await bystander.register("bystander")
    video = await owner.create_video("Moderated")
    await invite(owner, video, moderator_name, "moderator")
    trolls = await sockets(await troll.socket_url(cluster.b, video))
    bystanders = await sockets(await bystander.socket_url(cluster.b, video))
    moderators = await sockets(await moderator.socket_url(cluster.a, video))
    for viewer in (trolls, bystanders, moderators):
        await viewer.replay()  # joined: subscribed to the video's topic and to their user's
    await trolls.post("Spam spam spam", at=1000)
    await trolls.frames_until('hx-target="#annotation-body"')  # their form cleared: it is stored
    for viewer in (bystanders, moderators):
        await viewer.frames_until("Spam spam spam")

    await moderators.send("block", user_id=str(await user_id(cluster, troll_name)))

    confirmed = (await moderators.frames_until("can no longer post, reply or react"))[-1]
    assert 'hx-target="#live-error"' in confirmed and troll_name in confirmed
    pushed = (await trolls.frames_until(BLOCKED_NOTE))[-1]
    assert '<hx-partial hx-target="#annotate-form" hx-swap="outerHTML">' in pushed
    await trolls.post("Spam again", at=1200)
    refused = await trolls.frame()
    assert 'hx-target="#live-error"' in refused and REFUSAL in refused
    assert BLOCKED_NOTE not in refused  # a refusal of its own, not the note again
    # The barrier: posted after the block and the refusal, it reaches the bystander after
    # anything either could have sent them, and the blocked person still watches.
    await moderators.post("Carry on", at=1500)
    frames = await bystanders.frames_before("Carry on")
    assert not any(BLOCKED_NOTE in frame or REFUSAL in frame for frame in frames), frames
    assert await trolls.frames_before("Carry on") == []
    rows = await cluster.query("SELECT body FROM annotations WHERE video = $1 ORDER BY id", video)
    assert [row["body"] for row in rows] == ["Spam spam spam", "Carry on"]
    blocks = await cluster.query(
        'SELECT u.username AS blocked, m.username AS blocker FROM blocks b'
        ' JOIN videos v ON v."user" = b.owner JOIN users u ON u.id = b."user"'
        ' JOIN users m ON m.id = b."by" WHERE v.id = $1', video)
    assert [(row["blocked"], row["blocker"]) for row in blocks] == [(troll_name, moderator_name)]
