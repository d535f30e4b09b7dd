"""The header's badges, pushed to a user's open pages on every node: their unread notifications,
and, for an owner, the reported annotations waiting in their moderation queue."""

import logging
from collections.abc import Iterable

from app import multimedia, notifications
from app.live import fragments
from app.live.pubsub.hub import PubSub
from app.live.wire import NOTIFY, Broadcast, user_topic

log = logging.getLogger("videologue.live")


async def push_badges(pubsub: PubSub, user_ids: Iterable[int]) -> None:
    """Publish each user's current unread count, read in one query, to their user topic."""
    for user_id, count in (await notifications.count_unread_of(user_ids)).items():
        await pubsub.publish(user_topic(user_id),
                             Broadcast(NOTIFY, fragments.notification_count(count)))


async def push_report_count(pubsub: PubSub, owner_id: int) -> None:
    """Publish how many reported items wait in the owner's queue to their user topic. A failure
    is logged, not raised: what changed the queue is stored, and their next page counts it."""
    try:
        count = await multimedia.count_reported(owner_id)
        await pubsub.publish(user_topic(owner_id), Broadcast(NOTIFY, fragments.reports_link(count)))
    except Exception:
        log.warning("updating the report count of user %s failed", owner_id, exc_info=True)
