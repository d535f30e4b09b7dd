"""Throttles: token buckets taken all-or-none, in this process or shared through Redis."""

from app.throttle.buckets import LocalThrottleStore, ThrottleStore
from app.throttle.limits import Limit
from app.throttle.shared import RedisThrottleStore

__all__ = ["Limit", "LocalThrottleStore", "RedisThrottleStore", "ThrottleStore"]
