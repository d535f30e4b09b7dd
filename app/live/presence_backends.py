"""Where presence entries live: in this process, or in Redis for many workers and machines."""

from collections import defaultdict

from redis.asyncio import Redis

Entry = tuple[str, int | None]  # (connection id, user id or None for a guest)


class LocalPresenceBackend:
    """Entries in this process: right for one process, and gone when it stops."""

    def __init__(self) -> None:
        self._topics: defaultdict[str, dict[str, int | None]] = defaultdict(dict)

    async def track(self, topic: str, connection_id: str, user_id: int | None) -> None:
        """Record one open connection on a topic."""
        self._topics[topic][connection_id] = user_id

    async def untrack(self, topic: str, connection_id: str) -> None:
        """Forget one connection."""
        entries = self._topics.get(topic)
        if entries is not None:
            entries.pop(connection_id, None)
            if not entries:
                del self._topics[topic]

    async def entries(self, topic: str) -> list[Entry]:
        """Every connection on the topic."""
        return list(self._topics.get(topic, {}).items())

    async def heartbeat(self) -> None:
        """Nothing to keep alive in-process."""

    async def clear(self) -> None:
        """Forget everything this node tracked."""
        self._topics.clear()


class RedisPresenceBackend:
    """Entries per node in Redis hashes that expire unless the node's heartbeat renews them."""

    def __init__(self, redis: Redis, node_id: str, ttl: float) -> None:
        self._redis, self._node, self._ttl = redis, node_id, max(int(ttl), 1)
        self._local: defaultdict[str, set[str]] = defaultdict(set)

    def _key(self, topic: str, node: str) -> str:
        return f"videologue:presence:{topic}:{node}"

    def _nodes_key(self, topic: str) -> str:
        return f"videologue:presence-nodes:{topic}"

    async def track(self, topic: str, connection_id: str, user_id: int | None) -> None:
        """Record one open connection of this node on a topic."""
        self._local[topic].add(connection_id)
        key = self._key(topic, self._node)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, connection_id, "" if user_id is None else str(user_id))
            pipe.expire(key, self._ttl)
            pipe.sadd(self._nodes_key(topic), self._node)
            await pipe.execute()

    async def untrack(self, topic: str, connection_id: str) -> None:
        """Forget one connection of this node."""
        self._local[topic].discard(connection_id)
        if not self._local[topic]:
            del self._local[topic]
        await self._redis.hdel(self._key(topic, self._node), connection_id)

    async def entries(self, topic: str) -> list[Entry]:
        """Every live connection on the topic, across all nodes whose heartbeat is fresh."""
        nodes = [n.decode() for n in await self._redis.smembers(self._nodes_key(topic))]
        async with self._redis.pipeline(transaction=False) as pipe:
            for node in nodes:
                pipe.hgetall(self._key(topic, node))
            hashes = await pipe.execute()
        entries: list[Entry] = []
        for node, fields in zip(nodes, hashes, strict=True):
            if not fields:  # expired (a crashed node) or empty: stop looking there
                await self._redis.srem(self._nodes_key(topic), node)
            for connection_id, user_id in fields.items():
                entries.append((connection_id.decode(), int(user_id) if user_id else None))
        return entries

    async def heartbeat(self) -> None:
        """Renew the expiry of every entry this node holds."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic in self._local:
                pipe.expire(self._key(topic, self._node), self._ttl)
                pipe.sadd(self._nodes_key(topic), self._node)
            await pipe.execute()

    async def clear(self) -> None:
        """Remove this node's entries at once (a clean shutdown leaves no ghosts)."""
        topics = list(self._local)
        self._local.clear()
        if topics:
            await self._redis.delete(*(self._key(topic, self._node) for topic in topics))
