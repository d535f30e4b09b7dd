"""A list of what a fake socket or transport was handed, that a test can wait on."""

import asyncio


class Recording(list):
    """Items appended as they are written; `until(count)` waits for that many."""

    def __init__(self) -> None:
        super().__init__()
        self._grew = asyncio.Event()

    def append(self, item) -> None:
        super().append(item)
        self._grew.set()

    async def until(self, count: int, timeout: float = 5) -> list:
        """Wait until `count` items were appended; return them all."""
        async with asyncio.timeout(timeout):
            while len(self) < count:
                self._grew.clear()
                await self._grew.wait()
        return self
