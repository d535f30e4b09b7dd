"""Notifications context: mentions, replies in one's threads and grouped reactions, each
linking to its moment; unread counts; and the kinds each person turned off."""

from app.notifications.inbox import (
    NotificationView,
    count_unread,
    count_unread_of,
    get_notification,
    list_notifications,
    mark_all_read,
    mark_read,
)
from app.notifications.notify import moment_link, notify_change, notify_reaction, send_elsewhere
from app.notifications.preferences import KINDS, list_enabled_kinds, set_enabled_kinds

__all__ = [
    "KINDS",
    "NotificationView",
    "count_unread",
    "count_unread_of",
    "get_notification",
    "list_enabled_kinds",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "moment_link",
    "notify_change",
    "notify_reaction",
    "send_elsewhere",
    "set_enabled_kinds",
]
