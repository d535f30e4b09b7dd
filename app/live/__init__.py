"""Live layer: the video socket, its channel, fan-out between nodes, presence and rate limits."""

import logging

from litestar import Litestar

from app import multimedia
from app.live import blocking, speakers
from app.live.badges import push_badges, push_report_count
from app.live.channel import change_broadcast, publish_stored
from app.live.node import LiveService
from app.live.revocation import AccessRule
from app.live.socket import live_video_id, video_socket
from app.live.wire import CLOSE, SIGNED_OUT, VIDEO_DELETED, Broadcast, user_topic, video_topic

log = logging.getLogger("videologue.live")


async def disconnect_user(app: Litestar, user_id: int) -> None:
    """Close every open socket of the user, on every node."""
    await app.state.live.publish(user_topic(user_id), Broadcast(CLOSE, close=SIGNED_OUT))


async def close_video(app: Litestar, video_id: int) -> None:
    """Close every open socket on a video just deleted, on every node, with 4404.

    A failure is logged, not raised: the video is gone either way, and a viewer still connected
    is told so when they next post.
    """
    try:
        await app.state.live.publish(video_topic(video_id), Broadcast(CLOSE, close=VIDEO_DELETED))
    except Exception:
        log.warning("closing the sockets of deleted video %s failed", video_id, exc_info=True)


async def access_changed(app: Litestar, video_id: int, revoked_links: tuple[int, ...] = ()) -> None:
    """Close, on every node at once, the sockets of those who may no longer watch a video
    since its owner changed who may (its visibility, a collaborator removed, share links
    revoked: `revoked_links`): 4411 for a revoked link's, 4410 for the others. Someone who may
    still watch keeps their socket; a post they may no longer make is refused when they try.

    A failure is logged, not raised: the change is stored, and whoever it shuts out is refused
    on their next page, post or reconnect.
    """
    try:
        watching = await multimedia.audience(video_id)
        if revoked_links or watching.private:
            rule = AccessRule(frozenset(revoked_links), watching.private, watching.user_ids,
                              watching.link_ids)
            await app.state.live.publish(video_topic(video_id), rule.broadcast())
    except Exception:
        log.warning("closing the sockets shut out of video %s failed (links revoked: %s)",
                    video_id, revoked_links, exc_info=True)


async def speakers_changed(app: Litestar, video_id: int) -> None:
    """Turn read-only, on every node at once, the open pages of those who may no longer comment
    on a video since its owner changed who may (a collaborator's role, the comment rule).

    A failure is logged, not raised: the change is stored, and their next post is refused.
    """
    try:
        rule = await speakers.rule_of(video_id)
        await app.state.live.publish(video_topic(video_id), rule.broadcast())
    except Exception:
        log.warning("making the pages of video %s read-only failed", video_id, exc_info=True)


async def publish_change(app: Litestar, view: multimedia.AnnotationView) -> None:
    """Publish a change made outside a socket (the moderation page's delete) to every viewer of
    its video on every node. A failure is logged, not raised: the change is stored, and every
    node reads a change it missed from the database (the sequencer)."""
    await publish_stored(app.state.live, view.video_id, change_broadcast(view))


async def block_changed(app: Litestar, change: multimedia.BlockChange, blocked: bool) -> None:
    """Tell the open pages of someone just blocked (or, `blocked` False, unblocked) on the
    owner's videos, on every node: read-only at once, or told they may comment again.

    A failure is logged, not raised (blocking.announce).
    """
    await blocking.announce(app.state.live, change, blocked)


async def update_report_count(app: Litestar, owner_id: int) -> None:
    """Push the owner's count of reported items to their open pages, on every node (a failure
    is logged: their next page shows the right count)."""
    await push_report_count(app.state.live, owner_id)


async def update_badges(app: Litestar, user_ids: list[int]) -> None:
    """Push these users' unread-notification counts to their open pages, on every node.

    A failure is logged, not raised: what they read is marked read either way, and their next
    page load shows the right count.
    """
    try:
        await push_badges(app.state.live, user_ids)
    except Exception:
        log.warning("updating the notification badges of %s failed", user_ids, exc_info=True)


async def count_watching(app: Litestar, video_ids: list[int]) -> dict[int, int]:
    """How many watch each of these videos now, on every node (videos nobody watches are left out)."""
    try:
        counts = await app.state.live.presence.watching([video_topic(v) for v in video_ids])
    except Exception:
        # A page must not fail because presence is unreachable (Redis down): show no counts.
        log.warning("counting viewers failed", exc_info=True)
        return {}
    return {video_id: counts[video_topic(video_id)] for video_id in video_ids
            if counts.get(video_topic(video_id))}


async def watching_user_ids(app: Litestar, video_id: int) -> set[int]:
    """The signed-in users watching a video now, on every node (none if presence is unreachable)."""
    try:
        return await app.state.live.presence.watching_users(video_topic(video_id))
    except Exception:
        log.warning("reading who watches video %s failed", video_id, exc_info=True)
        return set()


__all__ = ["LiveService", "access_changed", "block_changed", "close_video", "count_watching",
           "disconnect_user", "live_video_id", "publish_change", "speakers_changed", "update_badges",
           "update_report_count", "video_socket", "watching_user_ids"]
