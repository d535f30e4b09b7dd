"""Taking access away on one node closes the sockets it shuts out on the other: a revoked share
link's (4411) and, for a video made private, everyone's who may no longer watch it (4410),
while those who still may keep theirs."""

import asyncio
import re

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.share_cookie import LINKS_COOKIE, links_cookie_value
from tests.cluster.conftest import NODE_ENV, Browser
from tests.live.conftest import Viewer
from tests.server import AppServer


@pytest.fixture
async def handshake():
    """Open a socket as a browser's page does: with the page's Origin and, when given, the
    share-link cookie the browser holds; closed after the test."""
    opened = []

    async def open_socket(url: str, node: AppServer, links_cookie: str | None = None) -> Viewer:
        headers = {"Origin": node.url}
        if links_cookie is not None:
            headers["Cookie"] = f"{LINKS_COOKIE}={links_cookie}"
        opened.append(Viewer(await connect(url, additional_headers=headers, open_timeout=30)))
        return opened[-1]

    yield open_socket
    for viewer in opened:
        await viewer.close()


def sharing(video: int) -> str:
    """The path of a video's sharing page."""
    return f"/manage/videos/{video}/sharing"


async def make_private(owner: Browser, video: int) -> None:
    """Set the video private through its sharing page's visibility form."""
    page = await owner.submit(f"{sharing(video)}/visibility",
                              {"visibility": "private", "comments": "everyone"})
    assert page.status_code == 200 and "Who may watch and comment is saved." in page.text, page.text


async def create_link(owner: Browser, video: int, name: str, role: str) -> int:
    """Make a share link through the sharing page's form; returns its id."""
    page = await owner.submit(f"{sharing(video)}/links",
                              {"name": name, "role": role, "expires": "", "password": ""})
    assert page.status_code == 200 and f"The link “{name}” is ready" in page.text, page.text
    [link_id] = re.findall(r'<li id="link-(\d+)" class="share-link">', page.text)
    return int(link_id)


async def close_code(viewer: Viewer) -> int:
    """The code the server closes the socket with (frames meanwhile are read and dropped)."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(20):  # a missed close fails here instead of hanging the run
            while True:
                await viewer.socket.recv()
    return closed.value.rcvd.code


async def test_revoking_a_link_on_one_node_closes_its_holders_socket_on_the_other(
        cluster, browser, handshake):
    owner = browser()  # on node A
    await owner.register("owner")
    video = await owner.create_video("Private cut")
    await make_private(owner, video)
    link_id = await create_link(owner, video, "client review", "viewer")
    holding = links_cookie_value(NODE_ENV["SECRET_KEY"], {link_id: 0})
    anonymous = browser(cluster.b)  # a browser with no account that opened the link
    anonymous.client.cookies.set(LINKS_COOKIE, holding)
    holder = await handshake(await anonymous.socket_url(cluster.b, video), cluster.b, holding)
    owners_tab = await handshake(await owner.socket_url(cluster.b, video), cluster.b)
    await holder.joined()  # let in by the link: a private video refuses anyone else with 4404
    await owners_tab.joined()

    page = await owner.on(cluster.a).submit(f"{sharing(video)}/links/{link_id}/revoke", {})
    assert page.status_code == 200 and "The link no longer works." in page.text

    assert await close_code(holder) == 4411
    # Posted after the revocation was published: reaching the owner's tab proves it outlived it.
    await owners_tab.post("Still watching", at=1500)
    await owners_tab.frames_until("Still watching")


async def test_making_a_video_private_on_one_node_closes_a_strangers_socket_on_the_other(
        cluster, browser, handshake):
    owner, stranger, collaborator = browser(), browser(cluster.b), browser(cluster.b)
    await owner.register("owner")
    await stranger.register("stranger")
    invited = await collaborator.register("collab")
    video = await owner.create_video("Public for now")
    page = await owner.submit(f"{sharing(video)}/collaborators", {"username": invited, "role": "viewer"})
    assert f"@{invited} is invited as viewer." in page.text
    strangers_tab = await handshake(await stranger.socket_url(cluster.b, video), cluster.b)
    collaborators_tab = await handshake(await collaborator.socket_url(cluster.b, video), cluster.b)
    owners_tab = await handshake(await owner.socket_url(cluster.a, video), cluster.a)
    for tab in (strangers_tab, collaborators_tab, owners_tab):
        await tab.joined()

    await make_private(owner.on(cluster.a), video)

    assert await close_code(strangers_tab) == 4410
    # Posted after the change was published: reaching the collaborator proves their socket outlived it.
    await owners_tab.post("Just the team now", at=2500)
    await collaborators_tab.frames_until("Just the team now")


async def test_a_revocation_whose_broadcast_was_lost_in_a_redis_outage_closes_the_socket_once_back(
        cluster, browser, handshake):
    owner = browser()
    await owner.register("owner")
    video = await owner.create_video("Private cut")
    await make_private(owner, video)
    link_id = await create_link(owner, video, "client review", "viewer")
    holding = links_cookie_value(NODE_ENV["SECRET_KEY"], {link_id: 0})
    anonymous = browser(cluster.b)
    anonymous.client.cookies.set(LINKS_COOKIE, holding)
    holder = await handshake(await anonymous.socket_url(cluster.b, video), cluster.b, holding)
    owners_url = await owner.socket_url(cluster.b, video)
    owners_tab = await handshake(owners_url, cluster.b)
    await holder.joined()
    await owners_tab.joined()

    await asyncio.to_thread(cluster.redis.kill)
    try:
        # Revoked while no node could hear of it: as if its broadcast were lost.
        await cluster.query("UPDATE share_links SET revoked_at = now() WHERE id = $1", link_id)
    finally:
        await asyncio.to_thread(cluster.redis.start)
    # Node B, back on Redis (resubscribed first), reads who may still watch and closes the
    # link's socket; the owner's, on the same node, stays.
    assert await close_code(holder) == 4411
    await owners_tab.post("Still watching", at=1500)
    await owners_tab.frames_until("Still watching")
    # Node A had no viewer through the restart, so nothing read its dead connection: a socket
    # opened there now makes it reconnect, and it hears node B again.
    # (Sessions were in that Redis: the owner's page token, signed, still opens a socket.)
    on_a = await handshake(owners_url.replace(cluster.b.ws_url, cluster.a.ws_url), cluster.a)
    await on_a.joined()
    await owners_tab.post("Heard on A", at=2000)
    await on_a.frames_until("Heard on A")
