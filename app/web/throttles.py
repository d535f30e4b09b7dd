"""Sign-in, registration and share-link throttles, checked before any password is hashed.

Sign-in counts failures: every attempt takes a token from its client's address bucket and
from its username's bucket, and a successful one gives both back. The username's bucket is
shared by every address the account has never signed in from; each address it signed in from
in the last KNOWN_ADDRESS_DAYS has a bucket of its own, so guessing from elsewhere cannot lock
the owner out at home. Registration takes a token from its address's bucket per attempt, and
so does a share link's form (its password, or a guest's name), given back unless the password was
wrong or a guest was made.
"""

import ipaddress
import math
from dataclasses import dataclass

from litestar import Request

from app import accounts
from app.accounts import User
from app.clients import client_ip
from app.settings import Settings
from app.throttle import Limit, ThrottleStore

KNOWN_ADDRESS_DAYS = 30
# Usernames are at most 20 characters; a longer guess needs no more of a key than this.
_USERNAME_KEY = 64


class Throttled(Exception):
    """Too many attempts; the next one is allowed in `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"throttled for {retry_after:.0f} s")
        self.retry_after = max(1, math.ceil(retry_after))


def throttle_address(address: str) -> str:
    """The address a throttle counts: an IPv6 client by its /64, which one subscriber gets whole."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else address


@dataclass(frozen=True)
class Attempt:
    """The tokens one attempt took, to give back if it does not count."""

    buckets: tuple[tuple[str, Limit], ...]
    username: str = ""
    address: str = ""


class AuthThrottle:
    """The sign-in, registration and share-link limits of one app, over a (local or shared) store."""

    def __init__(self, store: ThrottleStore, settings: Settings) -> None:
        self.store, self.settings = store, settings

    async def sign_in(self, address: str, username: str) -> Attempt:
        """Take the tokens for one sign-in attempt, or raise Throttled."""
        address, username = throttle_address(address), username.strip().lower()[:_USERNAME_KEY]
        per_username = f"sign-in:user:{username}"
        if await self.store.remembers(_known(username, address)):
            # Its own prefix: no typed username can name another account's bucket at an address.
            per_username = f"sign-in:user-from:{address} {username}"
        return await self._take(Attempt(((f"sign-in:ip:{address}", self.settings.sign_in_per_ip),
                                         (per_username, self.settings.sign_in_per_username)),
                                        username, address))

    async def signed_in(self, attempt: Attempt) -> None:
        """A successful sign-in: it does not count, and its address is now known to its account."""
        await self.store.give_back(attempt.buckets)
        await self.store.remember(_known(attempt.username, attempt.address),
                                  KNOWN_ADDRESS_DAYS * 24 * 3600)

    async def register(self, address: str) -> Attempt:
        """Take the token for one registration attempt, or raise Throttled."""
        address = throttle_address(address)
        return await self._take(Attempt(((f"register:ip:{address}", self.settings.register_per_ip),)))

    async def share_link(self, address: str) -> Attempt:
        """Take the token for one post of a share link's form, or raise Throttled."""
        address = throttle_address(address)
        return await self._take(Attempt(((f"share-link:ip:{address}", self.settings.share_link_per_ip),)))

    async def give_back(self, attempt: Attempt) -> None:
        """An attempt that does not count (never judged, as when the hashing queue was full)."""
        await self.store.give_back(attempt.buckets)

    async def close(self) -> None:
        """Release the store's connection, if it has one."""
        await self.store.close()

    async def _take(self, attempt: Attempt) -> Attempt:
        if wait := await self.store.take(attempt.buckets):
            raise Throttled(wait)
        return attempt


def _known(username: str, address: str) -> str:
    return f"known:{address} {username}"  # an address has no space: the key reads one way only


def _throttle(request: Request) -> tuple[AuthThrottle, str]:
    throttle: AuthThrottle = request.app.state.throttle
    return throttle, client_ip(request.scope, throttle.settings.trusted_proxies)


async def authenticate(request: Request, username: str, password: str) -> User | None:
    """Check a sign-in within the throttles; raises Throttled or HashingBusy without hashing."""
    throttle, address = _throttle(request)
    attempt = await throttle.sign_in(address, username)
    try:
        user = await accounts.authenticate_user(username, password)
    except accounts.HashingBusy:
        await throttle.give_back(attempt)
        raise
    if user is not None:
        await throttle.signed_in(attempt)
    return user


async def register(request: Request, name: str, username: str, password: str) -> User:
    """Register within the throttle; raises Throttled, HashingBusy or ValidationError."""
    throttle, address = _throttle(request)
    attempt = await throttle.register(address)
    try:
        return await accounts.register_user(name, username, password)
    except accounts.HashingBusy:
        await throttle.give_back(attempt)
        raise


async def share_link_attempt(request: Request) -> tuple[AuthThrottle, Attempt]:
    """Take the token for one post of a share link's form (see share_link), or raise Throttled."""
    throttle, address = _throttle(request)
    return throttle, await throttle.share_link(address)
