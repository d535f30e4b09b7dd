"""Places for uploads in flight: per user, in one process or shared by every node through Redis."""

import os
import time
from contextlib import AsyncExitStack

import pytest

from app.devservices.redis_server import RedisServer
from app.main import create_app
from app.redis_client import connect_redis
from app.settings import Settings
from app.web.upload_slots import REDIS_KEY, LocalUploadSlots, RedisUploadSlots, UploadsInFlight


@pytest.fixture(scope="module")
def redis_url():
    """A private redis-server for this module."""
    with RedisServer() as server:
        yield server.url


async def hold(stack: AsyncExitStack, slots, user_id: int) -> None:
    """Take one of the user's places until the stack closes."""
    await stack.enter_async_context(slots.hold(user_id))


async def test_in_one_process_a_user_gets_the_limit_and_a_place_comes_back_when_an_upload_ends():
    slots = LocalUploadSlots(2)
    async with AsyncExitStack() as stack:
        await hold(stack, slots, 1)
        async with AsyncExitStack() as ending:
            await hold(ending, slots, 1)
            with pytest.raises(UploadsInFlight) as refused:
                await hold(stack, slots, 1)
            await hold(stack, slots, 2)  # someone else's uploads are theirs
        await hold(stack, slots, 1)
    assert refused.value.status == 429


async def test_through_redis_the_limit_holds_across_nodes(redis_url):
    first_node, second_node = connect_redis(redis_url), connect_redis(redis_url)
    on_first, on_second = RedisUploadSlots(first_node, 2, 90), RedisUploadSlots(second_node, 2, 90)
    try:
        async with AsyncExitStack() as stack:
            await hold(stack, on_first, 7)
            async with AsyncExitStack() as ending:
                await hold(ending, on_second, 7)
                for slots in (on_first, on_second):
                    with pytest.raises(UploadsInFlight):
                        await hold(stack, slots, 7)
                await hold(stack, on_second, 8)
            await hold(stack, on_first, 7)
        assert await first_node.zcard(REDIS_KEY.format(user_id=7)) == 0
    finally:
        await first_node.aclose()
        await second_node.aclose()


async def test_a_place_left_by_a_process_that_died_lapses_with_its_lease(redis_url):
    redis = connect_redis(redis_url)
    try:
        key = REDIS_KEY.format(user_id=9)
        await redis.zadd(key, {"died-mid-upload": time.time() - 1, "still-arriving": time.time() + 90})
        slots = RedisUploadSlots(redis, 2, 90)
        async with AsyncExitStack() as stack:
            await hold(stack, slots, 9)
            with pytest.raises(UploadsInFlight):
                await hold(stack, slots, 9)
    finally:
        await redis.aclose()


async def test_while_redis_is_unreachable_each_process_counts_alone(tmp_path):
    redis = connect_redis(f"unix://{tmp_path / 'nobody-listens.sock'}?db=0")
    slots = RedisUploadSlots(redis, 1, 90)
    try:
        async with AsyncExitStack() as stack:
            await hold(stack, slots, 3)
            with pytest.raises(UploadsInFlight):
                await hold(stack, slots, 3)
    finally:
        await redis.aclose()


def test_an_app_with_redis_counts_uploads_in_flight_there_and_one_without_in_its_process(redis_url):
    with_redis = Settings.from_env({**os.environ, "REDIS_URL": redis_url})
    assert isinstance(create_app(Settings.from_env()).state.upload_rules.slots, LocalUploadSlots)
    assert isinstance(create_app(with_redis).state.upload_rules.slots, RedisUploadSlots)
