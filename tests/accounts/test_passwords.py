"""Password hashing: argon2 only, computed in a worker thread."""

import asyncio

from app.accounts.passwords import hash_password, verify_password
from tests.factories import PASSWORD


async def test_a_hash_is_argon2_and_does_not_contain_the_password():
    password_hash = await hash_password(PASSWORD)
    assert password_hash.startswith("$argon2")
    assert PASSWORD not in password_hash


async def test_the_event_loop_serves_other_tasks_while_a_password_hashes():
    hashing = asyncio.create_task(hash_password(PASSWORD))
    await asyncio.sleep(0)  # hashing has started; on the loop it would now have finished
    assert await asyncio.create_task(asyncio.sleep(0, result="served")) == "served"
    assert not hashing.done()
    assert (await hashing).startswith("$argon2")


async def test_the_event_loop_serves_other_tasks_while_a_password_is_verified():
    password_hash = await hash_password(PASSWORD)
    verifying = asyncio.create_task(verify_password(password_hash, PASSWORD))
    await asyncio.sleep(0)
    assert await asyncio.create_task(asyncio.sleep(0, result="served")) == "served"
    assert not verifying.done()
    assert await verifying is True


async def test_verifying_rejects_a_wrong_password_a_missing_hash_and_a_malformed_hash():
    password_hash = await hash_password(PASSWORD)
    assert await verify_password(password_hash, "wrong password") is False
    assert await verify_password(None, PASSWORD) is False
    assert await verify_password("not a hash", PASSWORD) is False
