"""The header's unread-notification badge, pushed to a user's open pages on every node."""

from collections.abc import Iterable

from app import notifications
from app.live import fragments
from app.live.pubsub.hub import PubSub
from app.live.wire import NOTIFY, Broadcast, user_topic


async def push_badges(pubsub: PubSub, user_ids: Iterable[int]) -> None:
    """Publish each user's current unread count, read in one query, to their user topic."""
    for user_id, count in (await notifications.count_unread_of(user_ids)).items():
        await pubsub.publish(user_topic(user_id),
                             Broadcast(NOTIFY, fragments.notification_count(count)))
