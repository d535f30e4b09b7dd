"""Password hashing with argon2id, in one low-priority worker thread so sockets never wait on it.

The parameters are OWASP's recommended minimum for argon2id (19 MiB, 2 passes, 1 lane): about
30 ms of one core per hash, where argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes) cost ~220 ms
and let a few sign-ins a second starve the event loop (docs/benchmarks.md, scenario 6). Hashes
made with other parameters still verify and are replaced at the user's next sign-in.

The queue in front of that thread is bounded (`HASH_QUEUE`): a hash asked for while that many
wait or run is refused at once with HashingBusy, so a flood cannot make every sign-in wait
without limit; callers answer 503 with Retry-After.
"""

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this keeps unknown usernames as slow as wrong passwords.
_DUMMY_HASH = _hasher.hash("not a real password")


def _lowest_priority() -> None:
    # Linux gives each thread its own niceness: under load the event loop's thread comes first.
    # Elsewhere (no setpriority, or refused) hashing simply shares the CPU as any thread does.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# One thread: sign-ins queue for it instead of crowding the event loop off the CPU.
HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-hashing",
                             initializer=_lowest_priority)


# A full queue drains in about this long: each hash takes ~30 ms of one core (see above).
BUSY_RETRY_AFTER = 2


class HashingBusy(Exception):
    """Too many password hashes are waiting already; try again in `retry_after` seconds."""

    retry_after = BUSY_RETRY_AFTER


class _Queue:
    limit = 32  # the default of Settings.hash_queue
    pending = 0  # hashes asked for and not finished, whether waiting or running

    @classmethod
    def finished(cls, _hashed) -> None:
        cls.pending -= 1


def bound_hashing_queue(limit: int) -> None:
    """Refuse a hash (HashingBusy) while `limit` hashes are already waiting or running."""
    _Queue.limit = limit


async def _in_hashing_thread(function, *args):
    if _Queue.pending >= _Queue.limit:
        raise HashingBusy
    hashed = asyncio.get_running_loop().run_in_executor(HASHING, function, *args)
    _Queue.pending += 1
    # Counted down when the hash finishes, or when a caller gone away cancelled it unstarted.
    hashed.add_done_callback(_Queue.finished)
    return await hashed


async def hash_password(password: str) -> str:
    """Return an argon2id hash of the password, computed off the event loop."""
    return await _in_hashing_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether the password matches the hash, taking as long when there is no hash."""

    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await _in_hashing_thread(verify)


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a valid hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
