"""The one way the app connects to Redis (sessions, pub/sub, presence, rate limits)."""

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError


def connect_redis(url: str) -> Redis:
    """A Redis client that retries a command on a dropped connection.

    After Redis restarts, every pooled connection is stale; without a retry the first command
    on each fails (a 500 for a page, a lost session write) although Redis is back.
    """
    return Redis.from_url(url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                          retry_on_error=[ConnectionError, TimeoutError])
