"""The sign-in storm: real sign-ins through the form, CSRF token and all, at a steady rate."""

import asyncio
import itertools
import ssl
import time

import httpx

from bench.measure import percentiles_ms

REDIRECT = (302, 303)
TLS = ssl.create_default_context()


class SignInStorm:
    """Starts one browser-like sign-in every 1/rate seconds until stopped (none when rate is 0)."""

    def __init__(self, base_url: str, username: str, password: str, rate: float) -> None:
        self.base_url, self.username, self.password, self.rate = base_url, username, password, rate
        self.started = 0
        self.results: list[tuple[bool, int]] = []  # (signed in, ns taken), of those that finished
        self._pending: set[asyncio.Task] = set()
        self._task: asyncio.Task | None = None

    async def warm(self) -> None:
        """Load the sign-in page once: httpx imports its transport on first use (~0.3 s here),
        which would otherwise stall the load generator inside the measured window."""
        if self.rate:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=60, verify=TLS) as client:
                await client.get("/sign-in")

    def start(self) -> None:
        """Begin signing in at the rate."""
        if self.rate:
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for n in itertools.count(1):
            self.started += 1
            task = asyncio.create_task(self._sign_in())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            await asyncio.sleep(max(0.0, start + n / self.rate - loop.time()))

    async def _sign_in(self) -> None:
        started = time.monotonic_ns()
        # A fresh client per sign-in: a new browser, with no cookies and its own connection.
        # One TLS context for all (the URL is plain http): building one per client costs the
        # load generator ~10 ms of CPU each, which stalls its timing of the deliveries.
        async with httpx.AsyncClient(base_url=self.base_url, timeout=60, verify=TLS) as client:
            form = await client.get("/sign-in")
            token = form.cookies["csrftoken"]
            # The cookie is Secure in production, so httpx would not send it over http: send it by hand.
            client.cookies.clear()
            answer = await client.post("/sign-in", headers={"Cookie": f"csrftoken={token}"}, data={
                "username": self.username, "password": self.password, "_csrf_token": token})
        self.results.append((answer.status_code in REDIRECT, time.monotonic_ns() - started))

    def stop(self) -> None:
        """Start no more sign-ins."""
        if self._task is not None:
            self._task.cancel()

    async def summary(self) -> dict:
        """Let the sign-ins under way finish, then summarise them all."""
        if self._task is None:
            return {}
        await asyncio.gather(*self._pending, return_exceptions=True)
        ok = [taken for signed_in, taken in self.results if signed_in]
        return {"attempts": self.started, "signed_in": len(ok),
                "latency_ms": percentiles_ms([taken for _, taken in self.results])}
