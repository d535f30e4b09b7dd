"""Registering, authenticating and resolving signed-in users through the accounts context."""

from datetime import datetime

import pytest

from app import accounts
from app.accounts import Identity, User
from app.validation import ValidationError
from tests.factories import PASSWORD, make_user, unique_username


async def test_registering_stores_the_name_username_and_only_an_argon2_hash():
    username = unique_username("Reg")
    user = await accounts.register_user("  Ada Lovelace ", username, PASSWORD)
    stored = await accounts.get_signed_in_user(Identity(user.id, user.session_generation))
    assert (stored.name, stored.username) == ("Ada Lovelace", username)
    assert stored.password_hash.startswith("$argon2")
    assert PASSWORD not in stored.password_hash


async def test_duplicate_username_in_another_case_is_rejected():
    username = unique_username("case")
    await make_user(username)
    with pytest.raises(ValidationError) as error:
        await make_user(username.upper())
    assert error.value.errors == {"username": "That username is taken."}


@pytest.mark.parametrize("username", ["ab", "a" * 21, "has space", "dash-name", "dot.name", "héllo",
                                      "<b>x</b>", ""])
async def test_usernames_outside_3_to_20_letters_digits_and_underscores_are_rejected(username):
    with pytest.raises(ValidationError) as error:
        await accounts.register_user("Name", username, PASSWORD)
    assert set(error.value.errors) == {"username"}


async def test_usernames_of_exactly_3_and_20_characters_are_accepted():
    shortest, longest = "Z_9", unique_username("longest").ljust(20, "_")
    for username in (shortest, longest):
        assert (await accounts.register_user("Name", username, PASSWORD)).username == username


@pytest.mark.parametrize(("name", "password", "field"), [
    ("   ", PASSWORD, "name"),
    ("N" * 101, PASSWORD, "name"),
    ("Name", "seven77", "password"),
    ("Name", "", "password"),
])
async def test_a_blank_or_long_name_and_a_short_password_are_rejected(name, password, field):
    with pytest.raises(ValidationError) as error:
        await accounts.register_user(name, unique_username(), password)
    assert set(error.value.errors) == {field}


async def test_a_password_of_exactly_8_characters_is_accepted():
    user = await accounts.register_user("Name", unique_username(), "8chars!!")
    assert (await accounts.authenticate_user(user.username, "8chars!!")).id == user.id


async def test_authenticating_accepts_the_username_in_any_case():
    user = await make_user()
    assert (await accounts.authenticate_user(user.username.upper(), PASSWORD)).id == user.id


async def test_authenticating_with_a_wrong_password_or_unknown_username_returns_none():
    user = await make_user()
    assert await accounts.authenticate_user(user.username, "wrong password") is None
    assert await accounts.authenticate_user(unique_username("ghost"), PASSWORD) is None


async def test_a_signed_in_identity_resolves_to_its_user_whole_and_saveable():
    user = await make_user()
    found = await accounts.get_signed_in_user(Identity(user.id, user.session_generation))
    assert found.to_dict() == (await User.objects().where(User.id == user.id).first()).to_dict()
    assert isinstance(found.created_at, datetime) and found.created_at.tzinfo is not None
    found.name = "Renamed"
    await found.save()  # an update of the stored row, not a second user
    assert [u.name for u in await User.objects().where(User.username == user.username)] == ["Renamed"]


async def test_an_identity_from_an_older_session_generation_resolves_to_nobody():
    user = await make_user()
    old = Identity(user.id, user.session_generation)
    await accounts.sign_out_everywhere(user)
    assert await accounts.get_signed_in_user(old) is None
    assert (await accounts.get_signed_in_user(Identity(user.id, user.session_generation))).id == user.id


async def test_no_identity_or_an_unknown_user_resolves_to_nobody():
    assert await accounts.get_signed_in_user(None) is None
    assert await accounts.get_signed_in_user(Identity(10**9, 1)) is None


async def test_changing_the_password_replaces_it_and_ends_other_sessions():
    user = await make_user()
    old = Identity(user.id, user.session_generation)
    await accounts.change_password(user, PASSWORD, "a brand new secret")
    assert await accounts.authenticate_user(user.username, PASSWORD) is None
    assert (await accounts.authenticate_user(user.username, "a brand new secret")).id == user.id
    assert await accounts.get_signed_in_user(old) is None


async def test_changing_the_password_refuses_a_wrong_current_password_and_a_short_new_one():
    user = await make_user()
    with pytest.raises(ValidationError) as error:
        await accounts.change_password(user, "not my password", "short")
    assert set(error.value.errors) == {"current_password", "new_password"}
    assert (await accounts.authenticate_user(user.username, PASSWORD)).id == user.id


async def test_users_are_listed_by_id_in_one_call():
    alice, bob = await make_user(), await make_user()
    found = await accounts.list_users_by_ids([alice.id, bob.id])
    assert {user_id: user.username for user_id, user in found.items()} == {
        alice.id: alice.username, bob.id: bob.username}
    assert await accounts.list_users_by_ids([]) == {}
