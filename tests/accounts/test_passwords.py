"""Password hashing: argon2id only, in one low-priority thread behind a bounded queue, upgraded at sign-in."""

import asyncio
import os
import threading

import pytest
from argon2 import PasswordHasher

from app.accounts import HashingBusy, User, authenticate_user, passwords, users
from app.accounts.passwords import (
    HASHING,
    bound_hashing_queue,
    hash_password,
    needs_rehash,
    verify_password,
)
from tests.factories import PASSWORD, make_user


async def test_a_hash_is_argon2_and_does_not_contain_the_password():
    password_hash = await hash_password(PASSWORD)
    assert password_hash.startswith("$argon2")
    assert PASSWORD not in password_hash


def hashing_thread_held() -> threading.Event:
    """Occupy the one hashing thread until the returned event is set (bounded at 20 s)."""
    release = threading.Event()
    HASHING.submit(release.wait, 20)
    return release


async def test_the_event_loop_serves_other_tasks_while_a_password_hashes():
    release = hashing_thread_held()  # the hash queues behind it, unless it runs on the loop
    try:
        hashing = asyncio.create_task(hash_password(PASSWORD))
        assert await asyncio.create_task(asyncio.sleep(0, result="served")) == "served"
        assert not hashing.done()
    finally:
        release.set()
    assert (await asyncio.wait_for(hashing, 20)).startswith("$argon2")


async def test_the_event_loop_serves_other_tasks_while_a_password_is_verified():
    password_hash = await hash_password(PASSWORD)
    release = hashing_thread_held()
    try:
        verifying = asyncio.create_task(verify_password(password_hash, PASSWORD))
        assert await asyncio.create_task(asyncio.sleep(0, result="served")) == "served"
        assert not verifying.done()
    finally:
        release.set()
    assert await asyncio.wait_for(verifying, 20) is True


async def test_verifying_rejects_a_wrong_password_a_missing_hash_and_a_malformed_hash():
    password_hash = await hash_password(PASSWORD)
    assert await verify_password(password_hash, "wrong password") is False
    assert await verify_password(None, PASSWORD) is False
    assert await verify_password("not a hash", PASSWORD) is False


async def test_new_hashes_use_owasps_argon2id_parameters():
    assert (await hash_password(PASSWORD)).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_hashing_runs_in_one_thread_at_the_lowest_priority():
    def where() -> tuple[str, int]:
        return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    name, niceness = await asyncio.get_running_loop().run_in_executor(HASHING, where)
    assert name.startswith("password-hashing") and niceness == 19
    assert HASHING._max_workers == 1


async def test_a_hash_with_old_parameters_is_upgraded_at_sign_in():
    user = await make_user()
    old_hash = PasswordHasher().hash(PASSWORD)  # argon2-cffi's defaults: 64 MiB, t=3, p=4
    await User.update({User.password_hash: old_hash}).where(User.id == user.id)
    assert needs_rehash(old_hash)
    assert (await authenticate_user(user.username, PASSWORD)).id == user.id
    stored = (await User.objects().where(User.id == user.id).first()).password_hash
    assert stored != old_hash and not needs_rehash(stored)
    assert await authenticate_user(user.username, PASSWORD) is not None


@pytest.fixture
def queue_of_one():
    """A hashing queue that holds one hash, waiting or running; put back to the default after."""
    default = passwords._Queue.limit
    bound_hashing_queue(1)
    yield
    bound_hashing_queue(default)


async def test_a_hash_asked_for_while_the_queue_is_full_is_refused_at_once(queue_of_one):
    release = hashing_thread_held()
    try:
        waiting = asyncio.create_task(hash_password(PASSWORD))
        await asyncio.sleep(0)  # it has started: queued behind the held thread
        with pytest.raises(HashingBusy):
            await verify_password(None, PASSWORD)
    finally:
        release.set()
    assert (await asyncio.wait_for(waiting, 20)).startswith("$argon2")
    assert await verify_password(None, PASSWORD) is False  # room again once it finished


async def test_a_hash_whose_caller_went_away_frees_its_place_in_the_queue(queue_of_one):
    release = hashing_thread_held()
    try:
        abandoned = asyncio.create_task(hash_password(PASSWORD))
        await asyncio.sleep(0)
        abandoned.cancel()
        with pytest.raises(asyncio.CancelledError):
            await abandoned
        waiting = asyncio.create_task(hash_password(PASSWORD))
        await asyncio.sleep(0)
        assert not waiting.done()  # queued, not refused
    finally:
        release.set()
    assert (await asyncio.wait_for(waiting, 20)).startswith("$argon2")


async def test_a_right_password_signs_in_even_when_its_upgrade_finds_the_queue_full(monkeypatch):
    user = await make_user()
    old_hash = PasswordHasher().hash(PASSWORD)
    await User.update({User.password_hash: old_hash}).where(User.id == user.id)

    async def busy(password):
        raise HashingBusy
    monkeypatch.setattr(users, "hash_password", busy)
    assert (await authenticate_user(user.username, PASSWORD)).id == user.id
    assert (await User.objects().where(User.id == user.id).first()).password_hash == old_hash
