"""Where presence entries live: in this process, or in Redis for many workers and machines."""

from collections import defaultdict

from redis.asyncio import Redis

from app.live.wire import presence_key, presence_nodes_key

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

    async def entries_for(self, topics: list[str]) -> dict[str, list[Entry]]:
        """Every connection on each of these topics."""
        return {topic: list(self._topics.get(topic, {}).items()) for topic in topics}

    async def heartbeat(self) -> None:
        """Nothing to keep alive in-process."""

    async def clear(self) -> None:
        """Forget everything this node tracked."""
        self._topics.clear()


class RedisPresenceBackend:
    """Entries per node in Redis hashes that expire unless the node's heartbeat renews them."""

    def __init__(self, redis: Redis, node_id: str, ttl: float) -> None:
        self._redis, self._node, self._ttl = redis, node_id, max(int(ttl), 1)
        # This node's own entries, kept so a heartbeat can rewrite them after Redis restarts.
        self._local: defaultdict[str, dict[str, str]] = defaultdict(dict)

    async def track(self, topic: str, connection_id: str, user_id: int | None) -> None:
        """Record one open connection of this node on a topic."""
        self._local[topic][connection_id] = "" if user_id is None else str(user_id)
        await self._write({topic: {connection_id: self._local[topic][connection_id]}})

    async def _write(self, entries: dict[str, dict[str, str]]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic, fields in entries.items():
                key = presence_key(topic, self._node)
                pipe.hset(key, mapping=fields)
                pipe.expire(key, self._ttl)
                pipe.sadd(presence_nodes_key(topic), self._node)
            await pipe.execute()

    async def untrack(self, topic: str, connection_id: str) -> None:
        """Forget one connection of this node."""
        self._local[topic].pop(connection_id, None)
        if not self._local[topic]:
            del self._local[topic]
        await self._redis.hdel(presence_key(topic, self._node), connection_id)

    async def entries(self, topic: str) -> list[Entry]:
        """Every live connection on the topic, across all nodes whose heartbeat is fresh."""
        nodes = [n.decode() for n in await self._redis.smembers(presence_nodes_key(topic))]
        async with self._redis.pipeline(transaction=False) as pipe:
            for node in nodes:
                pipe.hgetall(presence_key(topic, node))
            hashes = await pipe.execute()
        entries: list[Entry] = []
        for node, fields in zip(nodes, hashes, strict=True):
            if not fields:  # expired (a crashed node) or empty: stop looking there
                await self._redis.srem(presence_nodes_key(topic), node)
            for connection_id, user_id in fields.items():
                entries.append((connection_id.decode(), int(user_id) if user_id else None))
        return entries

    async def entries_for(self, topics: list[str]) -> dict[str, list[Entry]]:
        """Every live connection on each of these topics, in two round trips whatever their number."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic in topics:
                pipe.smembers(presence_nodes_key(topic))
            node_sets = await pipe.execute()
        keys = [(topic, node.decode()) for topic, nodes in zip(topics, node_sets, strict=True)
                for node in nodes]
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic, node in keys:
                pipe.hgetall(presence_key(topic, node))
            hashes = await pipe.execute()
        found: dict[str, list[Entry]] = {topic: [] for topic in topics}
        # Expired hashes (a crashed node) read as empty; entries() prunes them from the node sets.
        for (topic, _), fields in zip(keys, hashes, strict=True):
            found[topic].extend((connection_id.decode(), int(user_id) if user_id else None)
                                for connection_id, user_id in fields.items())
        return found

    async def heartbeat(self) -> None:
        """Rewrite this node's entries with a fresh expiry (they survive a Redis restart too)."""
        if self._local:
            await self._write({topic: dict(fields) for topic, fields in self._local.items()})

    async def clear(self) -> None:
        """Remove this node's entries at once (a clean shutdown leaves no ghosts)."""
        topics = list(self._local)
        self._local.clear()
        if topics:
            await self._redis.delete(*(presence_key(topic, self._node) for topic in topics))
