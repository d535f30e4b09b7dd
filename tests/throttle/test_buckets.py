"""Throttle buckets (app/throttle): the same behaviour in this process and in a real Redis."""

import pytest

from app.devservices import RedisServer
from app.redis_client import connect_redis
from app.throttle import Limit, LocalThrottleStore, RedisThrottleStore
from app.throttle import buckets as local_buckets
from tests.diagnostics import watch_log

THREE_PER_MINUTE = Limit(3, 60)  # one token back every 20 s
ONE_PER_HOUR = Limit(1, 3600)


class Clock:
    """A clock the test moves by hand: no bucket ever refills behind its back."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_server():
    """A redis-server of this module's own."""
    with RedisServer() as server:
        watch_log("redis", server.log_path)
        yield server


@pytest.fixture
def clock() -> Clock:
    """The stores' clock."""
    return Clock()


@pytest.fixture(params=["local", "redis"])
async def store(request, clock):
    """A store of either kind; the Redis one starts from an empty database."""
    if request.param == "local":
        yield LocalThrottleStore(clock)
        return
    redis = connect_redis(request.getfixturevalue("redis_server").url)
    await redis.flushdb()
    shared = RedisThrottleStore(redis, clock)
    yield shared
    await shared.close()


async def test_a_bucket_allows_its_burst_then_says_how_long_to_wait(store):
    bucket = [("ip:a", THREE_PER_MINUTE)]
    assert [await store.take(bucket) for _ in range(3)] == [0, 0, 0]
    assert await store.take(bucket) == pytest.approx(20)


async def test_a_bucket_refills_one_token_per_interval(store, clock):
    bucket = [("ip:a", THREE_PER_MINUTE)]
    for _ in range(3):
        await store.take(bucket)
    clock.now += 15
    assert await store.take(bucket) == pytest.approx(5)
    clock.now += 5
    assert await store.take(bucket) == 0
    assert await store.take(bucket) == pytest.approx(20)


async def test_buckets_are_taken_all_or_none(store):
    both = [("ip:a", THREE_PER_MINUTE), ("user:u", ONE_PER_HOUR)]
    assert await store.take(both) == 0
    assert await store.take(both) == pytest.approx(3600)  # the user's bucket is empty…
    # …so the address's bucket was not charged for the refused attempt: two tokens remain.
    assert [await store.take([("ip:a", THREE_PER_MINUTE)]) for _ in range(3)][:2] == [0, 0]


async def test_a_token_given_back_can_be_taken_again_but_never_beyond_the_burst(store):
    bucket = [("user:u", ONE_PER_HOUR)]
    assert await store.take(bucket) == 0
    await store.give_back(bucket)
    await store.give_back(bucket)
    assert await store.take(bucket) == 0
    assert await store.take(bucket) == pytest.approx(3600)


async def test_buckets_with_different_keys_are_independent(store):
    assert await store.take([("ip:a", ONE_PER_HOUR)]) == 0
    assert await store.take([("ip:b", ONE_PER_HOUR)]) == 0
    assert await store.take([("ip:a", ONE_PER_HOUR)]) > 0


async def test_a_remembered_fact_expires(store, clock):
    assert not await store.remembers("known:u@a")
    await store.remember("known:u@a", 60)
    assert await store.remembers("known:u@a")
    assert not await store.remembers("known:u@b")
    if isinstance(store, LocalThrottleStore):  # Redis expires keys on its own clock
        clock.now += 61
        assert not await store.remembers("known:u@a")


async def test_two_nodes_on_one_redis_share_their_buckets(redis_server, clock):
    nodes = [RedisThrottleStore(connect_redis(redis_server.url), clock) for _ in range(2)]
    bucket = [("ip:shared", THREE_PER_MINUTE)]
    try:
        assert [await node.take(bucket) for node in (*nodes, nodes[0])] == [0, 0, 0]
        assert await nodes[1].take(bucket) == pytest.approx(20)
    finally:
        for node in nodes:
            await node.close()


async def test_redis_buckets_expire_once_they_would_be_full_again(redis_server, clock):
    redis = connect_redis(redis_server.url)
    store = RedisThrottleStore(redis, clock)
    try:
        await store.take([("ip:ttl", THREE_PER_MINUTE)])
        assert 0 < await redis.ttl("videologue:throttle:ip:ttl") <= 61
    finally:
        await store.close()


async def test_a_local_store_forgets_full_buckets_first_when_it_holds_too_many(monkeypatch, clock):
    monkeypatch.setattr(local_buckets, "MAX_LOCAL_KEYS", 4)
    store = LocalThrottleStore(clock)
    await store.take([("drained", ONE_PER_HOUR)])
    for n in range(4):
        await store.take([(f"spent-{n}", THREE_PER_MINUTE)])
        await store.give_back([(f"spent-{n}", THREE_PER_MINUTE)])  # full again: same as unknown
    assert len(store._levels) <= 4
    assert await store.take([("drained", ONE_PER_HOUR)]) > 0  # the oldest, but still drained


async def test_a_local_store_stays_bounded_under_a_flood_of_new_keys(monkeypatch, clock):
    monkeypatch.setattr(local_buckets, "MAX_LOCAL_KEYS", 10)
    store = LocalThrottleStore(clock)
    for n in range(100):
        await store.take([(f"user:{n}", ONE_PER_HOUR)])
        await store.remember(f"known:{n}", 60)
    assert len(store._levels) <= 10 and len(store._facts) <= 10
    assert await store.take([("user:99", ONE_PER_HOUR)]) > 0  # the newest are kept
