"""Turning kinds of notification off and on, through the context."""

from app import notifications
from tests.factories import make_user


async def test_everyone_gets_every_kind_until_they_turn_one_off():
    alice = await make_user()
    assert await notifications.list_enabled_kinds(alice) == {"mention", "reply", "reaction"}


async def test_turning_kinds_off_and_back_on_is_remembered_and_unknown_kinds_are_ignored():
    alice, bob = await make_user(), await make_user()
    assert await notifications.set_enabled_kinds(alice, ["reply", "email"]) == {"reply"}
    assert await notifications.list_enabled_kinds(alice) == {"reply"}
    assert await notifications.list_enabled_kinds(bob) == {"mention", "reply", "reaction"}

    await notifications.set_enabled_kinds(alice, notifications.KINDS)
    assert await notifications.list_enabled_kinds(alice) == {"mention", "reply", "reaction"}
