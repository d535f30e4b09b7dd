"""Who may join a video's socket and speak on it, and closing those shut out while they watch."""

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from app.live import access_changed, speakers_changed
from app.live.channel import VideoChannel
from app.live.ratelimit import LocalRateLimiter
from app.live.revocation import AccessRule
from app.live.speakers import SpeakersRule
from app.live.transport.outbox import Outbox
from app.live.wire import ACCESS, LINK_EXPIRED, LINK_REVOKED, NOT_ALLOWED, Broadcast
from app.settings import Settings
from app.share_cookie import LINKS_COOKIE, links_cookie_value
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.live.recorder import BACKLOG

MAY_NOT_COMMENT = "You can watch this video, but not comment on it."


async def private_video(owner):
    """A video only its owner, collaborators and share links may watch."""
    video = await make_video(owner, title="Rough cut")
    await multimedia.set_visibility(owner, video.id, "private", "everyone")
    return video


def links_cookie(links: dict[int, int]) -> str:
    """The Cookie header of a browser holding these share links (link id -> guest id)."""
    return f"{LINKS_COOKIE}={links_cookie_value(Settings.from_env().secret_key, links)}"


async def join_holding(server, video, links: dict[int, int], user=None) -> Viewer:
    """A socket on the video from a browser holding share links (and signed in as `user`)."""
    url = f"{server.ws_url}/live/videos/{video.id}?cursor=0"
    if user is not None:
        url += f"&token={token_for(user)}"
    socket = await connect(url, compression=None, additional_headers={
        "Origin": server.url, "Cookie": links_cookie(links)})
    return Viewer(socket)


async def close_code(viewer: Viewer) -> int:
    """The code the server closes the socket with (frames before it are skipped)."""
    try:
        async with asyncio.timeout(10):
            while True:
                await viewer.socket.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code


async def test_a_stranger_and_an_anonymous_viewer_are_told_a_private_video_does_not_exist(join):
    owner, stranger = await make_user(), await make_user()
    video = await private_video(owner)
    for viewer in (await join(video, stranger), await join(video)):
        assert await close_code(viewer) == 4404
    owners = await join(video, owner)
    await owners.joined()  # the owner is let in


async def test_a_browser_holding_a_view_link_watches_and_a_forged_cookie_holds_nothing(join, server):
    owner = await make_user()
    video = await private_video(owner)
    await make_annotation(owner, video, "For the client's eyes")
    link = await multimedia.create_share_link(owner, video.id, "Preview", "viewer")
    holder = await join_holding(server, video, {link.id: 0})
    assert "For the client&#39;s eyes" in (await holder.replay())[0]
    await holder.post("Can I?")
    assert "Sign in to post annotations." in await holder.frame()
    url = f"{server.ws_url}/live/videos/{video.id}?cursor=0"
    forged = await connect(url, compression=None, additional_headers={
        "Origin": server.url, "Cookie": f"{LINKS_COOKIE}=[[{link.id},0]].forged"})
    assert await close_code(Viewer(forged)) == 4404
    await holder.close()


async def test_a_collaborator_who_may_only_watch_is_told_so_and_stays_connected(join):
    owner, friend = await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    watcher, owners = await join(video, friend), await join(video, owner)
    await watcher.joined()
    await owners.joined()
    await watcher.post("Let me in")
    assert MAY_NOT_COMMENT in await watcher.frame()
    await owners.post("Still here?")
    assert "Still here?" in (await watcher.frames_until("Still here?"))[-1]
    assert [view.body for view in await multimedia.list_annotations(video.id)] == ["Still here?"]


async def test_a_guest_posts_as_themselves_marked_as_a_guest(join, server):
    owner = await make_user()
    video = await private_video(owner)
    link = await multimedia.create_share_link(owner, video.id, "Client review", "commenter")
    guest = await multimedia.join_as_guest(link.id, "Carla")
    commenter, owners = await join(video, guest), await join(video, owner)
    await commenter.joined()
    await owners.joined()
    await commenter.post("Trim the intro")
    seen = (await owners.frames_until("Trim the intro"))[-1]
    assert 'Carla</span> <span class="guest-mark">guest</span>' in seen


def closes_recorded(events: list[dict]) -> list[int]:
    """The close codes among the events a recorded socket was sent."""
    return [event["code"] for event in events if event["type"] == "websocket.close"]


class Recorded:
    """A channel on a video in this process, whose socket records what it is sent."""

    def __init__(self, live, video, user, access) -> None:
        self.events: list[dict] = []
        self.closed = asyncio.Event()
        self.channel = VideoChannel(live, video.id, user, Outbox(self.send, BACKLOG), access,
                                    "198.51.100.7" if user and user.guest else "")

    async def send(self, event: dict) -> None:
        self.events.append(event)
        if event["type"] == "websocket.close":
            self.closed.set()

    async def close_code(self) -> int:
        async with asyncio.timeout(10):
            await self.closed.wait()
        return closes_recorded(self.events)[0]


async def recorded(live, video, user=None, links=()) -> Recorded:
    """A joined channel for this person, with the access the socket's connect would find."""
    viewer = Recorded(live, video, user, await multimedia.video_access(video.id, user, links))
    await viewer.channel.join(0)
    return viewer


async def test_revoking_a_link_closes_its_holders_and_guests_and_no_one_else(live):
    owner, friend = await make_user(), await make_user()
    video = await private_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "commenter")
    revoked = await multimedia.create_share_link(owner, video.id, "Client", "commenter")
    kept = await multimedia.create_share_link(owner, video.id, "Team", "viewer")
    guest = await multimedia.join_as_guest(revoked.id, "Carla")
    holder, guests = await recorded(live, video, None, [revoked.id]), await recorded(live, video, guest)
    others = [await recorded(live, video, None, [kept.id]), await recorded(live, video, owner),
              await recorded(live, video, friend)]
    await multimedia.revoke_share_link(owner, video.id, revoked.id)
    await access_changed(SimpleNamespace(state=SimpleNamespace(live=live)), video.id, (revoked.id,))
    assert [await holder.close_code(), await guests.close_code()] == [LINK_REVOKED.code] * 2
    await make_annotation(owner, video, "After")  # a later change reaches the others, open
    for viewer in others:
        await viewer.channel.leave()
        assert closes_recorded(viewer.events) == []
    await holder.channel.leave()
    await guests.channel.leave()


async def test_making_a_video_private_closes_everyone_but_its_owner_collaborators_and_links(live):
    owner, friend, stranger = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    link = await multimedia.create_share_link(owner, video.id, "Team", "viewer")
    shut_out = [await recorded(live, video), await recorded(live, video, stranger)]
    staying = [await recorded(live, video, owner), await recorded(live, video, friend)]
    await multimedia.set_visibility(owner, video.id, "private", "everyone")
    holder = await recorded(live, video, None, [link.id])
    staying.append(holder)
    await access_changed(SimpleNamespace(state=SimpleNamespace(live=live)), video.id)
    assert [await viewer.close_code() for viewer in shut_out] == [NOT_ALLOWED.code] * 2
    for viewer in staying + shut_out:
        await viewer.channel.leave()
    assert [closes_recorded(viewer.events) for viewer in staying] == [[], [], []]


async def test_a_socket_through_an_expiring_link_closes_when_it_expires(live):
    owner = await make_user()
    video = await private_video(owner)
    link = await multimedia.create_share_link(owner, video.id, "Brief", "viewer", "1h")
    access = await multimedia.video_access(video.id, None, [link.id])
    assert access.expires_at == link.expires_at
    # As if it expired while the socket connected: the close comes at once, not in an hour.
    viewer = Recorded(live, video, None, replace(access, expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    await viewer.channel.join(0)
    assert await viewer.close_code() == LINK_EXPIRED.code
    await viewer.channel.leave()


async def test_guests_at_one_address_share_a_budget_beside_their_own(live):
    owner = await make_user()
    video = await private_video(owner)
    link = await multimedia.create_share_link(owner, video.id, "Client", "commenter")
    live.guest_address_limiter = LocalRateLimiter(2, 0)
    first = await recorded(live, video, await multimedia.join_as_guest(link.id, "One"))
    second = await recorded(live, video, await multimedia.join_as_guest(link.id, "Two"))
    for viewer, body in ((first, "a"), (second, "b"), (second, "c")):
        await viewer.channel.handle_in(json.dumps({"event": "new_annotation", "body": body, "at": 0}))
    assert [view.body for view in await multimedia.list_annotations(video.id)] == ["a", "b"]
    assert any("posting too fast" in event.get("text", "") for event in second.events)
    assert not any("posting too fast" in event.get("text", "") for event in first.events)
    for viewer in (first, second):
        await viewer.channel.leave()


def test_an_access_rule_travels_between_nodes_unchanged():
    rule = AccessRule(frozenset({3}), True, frozenset({1, 2}), frozenset({4}))
    broadcast = rule.broadcast()
    assert broadcast.kind == ACCESS
    assert AccessRule.of(Broadcast.decode(broadcast.encode())) == rule
    assert AccessRule.of(AccessRule(frozenset({5})).broadcast()) == AccessRule(frozenset({5}))
    assert [rule.closes(1, 0), rule.closes(9, 3), rule.closes(9, 4), rule.closes(0, 0)] == [
        None, LINK_REVOKED, None, NOT_ALLOWED]


async def test_after_a_pub_sub_outage_a_node_closes_what_a_lost_revocation_shut_out(live):
    owner, friend = await make_user(), await make_user()
    video, open_video = await private_video(owner), await make_video(owner, title="Trailer")
    await multimedia.set_visibility(owner, open_video.id, "public", "collaborators")
    await multimedia.invite_collaborator(owner, video.id, friend.username, "viewer")
    link = await multimedia.create_share_link(owner, video.id, "Client", "viewer")
    comment_link = await multimedia.create_share_link(owner, open_video.id, "Press", "commenter")
    holder, friends = await recorded(live, video, None, [link.id]), await recorded(live, video, friend)
    press = await recorded(live, open_video, None, [comment_link.id])
    staying = [await recorded(live, video, owner), await recorded(live, open_video)]
    # Taken away while no broadcast could go out (no access_changed): no socket was told.
    await multimedia.revoke_share_link(owner, video.id, link.id)
    await multimedia.revoke_share_link(owner, open_video.id, comment_link.id)
    await multimedia.remove_collaborator(owner, video.id, friend.id)
    await live.resync()  # what the relay runs once it is back
    assert [await holder.close_code(), await friends.close_code(), await press.close_code()] == [
        LINK_REVOKED.code, NOT_ALLOWED.code, LINK_REVOKED.code]
    # Each rule reached every socket on its video at once: those who may still watch stay.
    for viewer in staying + [holder, friends, press]:
        await viewer.channel.leave()
    assert [closes_recorded(viewer.events) for viewer in staying] == [[], []]


async def text_arrives(viewer: Recorded, needle: str) -> str:
    """The first text a recorded socket is sent that contains needle, waiting for it."""
    async with asyncio.timeout(10):
        while not (texts := [e["text"] for e in viewer.events if needle in e.get("text", "")]):
            await asyncio.sleep(0.01)
    return texts[0]


READ_ONLY = 'id="read-only-note"'
MAY_COMMENT = 'id="may-comment-note"'


async def test_those_who_may_no_longer_comment_turn_read_only_and_no_one_else(live):
    owner, demoted, commenter, stranger = [await make_user() for _ in range(4)]
    video = await make_video(owner)
    for person in (demoted, commenter):
        await multimedia.invite_collaborator(owner, video.id, person.username, "commenter")
    link = await multimedia.create_share_link(owner, video.id, "Press", "commenter")
    guest = await multimedia.join_as_guest(link.id, "Carla")
    app = SimpleNamespace(state=SimpleNamespace(live=live))
    pages = {name: await recorded(live, video, person) for name, person in (
        ("demoted", demoted), ("commenter", commenter), ("stranger", stranger), ("owner", owner),
        ("guest", guest), ("anonymous", None))}
    # Comments kept to collaborators: the stranger may comment no more.
    await multimedia.set_visibility(owner, video.id, "public", "collaborators")
    await speakers_changed(app, video.id)
    assert 'hx-target="#annotate-form"' in await text_arrives(pages["stranger"], READ_ONLY)
    # Then a collaborator made a viewer.
    await multimedia.change_collaborator(owner, video.id, demoted.id, "viewer")
    await speakers_changed(app, video.id)
    await text_arrives(pages["demoted"], READ_ONLY)
    # Made a commenter again: their page, which could not comment, is told it may once reloaded.
    await multimedia.change_collaborator(owner, video.id, demoted.id, "commenter")
    await speakers_changed(app, video.id)
    granted = await text_arrives(pages["demoted"], MAY_COMMENT)
    assert 'hx-target="#read-only-note"' in granted and 'hx-target="#watch-only-note"' in granted
    # The rule reaches every socket on the video at once: those still allowed were passed over.
    for viewer in pages.values():
        await viewer.channel.leave()
    def told(needle: str) -> set[str]:
        return {name for name, viewer in pages.items()
                if any(needle in event.get("text", "") for event in viewer.events)}

    assert told(READ_ONLY) == {"demoted", "stranger"}
    assert told(MAY_COMMENT) == {"demoted", "commenter", "owner", "guest"}  # no page of the anonymous


def test_a_speakers_rule_travels_between_nodes_unchanged():
    rule = SpeakersRule(False, frozenset({1, 2}), frozenset({7}), frozenset({2}),
                        '<hx-partial>read\nonly</hx-partial>', "<hx-partial>granted\n</hx-partial>")
    assert SpeakersRule.of(Broadcast.decode(rule.broadcast().encode())) == rule
    said = [rule.fragment_for(user, link) for user, link in ((1, 0), (2, 0), (3, 0), (3, 7), (0, 0))]
    assert said == [rule.granted, rule.html, rule.html, rule.granted, ""]  # user 2 is blocked
    everyone = SpeakersRule(True, frozenset(), frozenset(), frozenset(), "r", "g")
    assert [everyone.fragment_for(5, 0), everyone.fragment_for(5, 9)] == ["g", "r"]  # 9: a link they lost
