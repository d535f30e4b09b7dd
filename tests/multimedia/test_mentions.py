"""Mentions: which @names in a body become mentions of existing users, stored with the change."""

import pytest

from app import multimedia
from app.multimedia.mentions import find_mentions, mentioned_names
from tests.factories import make_annotation, make_user, make_video, unique_username


async def people(*prefixes: str):
    """Users with fresh usernames starting with each prefix."""
    return [await make_user(unique_username(prefix)) for prefix in prefixes]


@pytest.mark.parametrize(("body", "names"), [
    ("thanks @bob, and @carol.", ["bob", "carol"]),
    ("(@bob) @bob! @BOB?", ["bob"]),
    ("mail a@bob.com or bob@example.org", []),
    ("see https://example.org/@bob", []),
    ("@@bob and @bob@home", []),
    ("@ab is too short, @" + "x" * 21 + " too long", []),
    ("héllo@bob", []),
    ("line one\n@bob's turn", ["bob"]),
])
def test_only_an_at_that_starts_a_word_and_a_username_shaped_name_can_be_a_mention(body, names):
    assert mentioned_names(body) == names


async def test_only_existing_usernames_become_mentions_in_the_order_they_first_appear():
    alice, bob = await people("alice", "bob")
    body = f"@{bob.username} meet @{alice.username}; @nobody_{alice.id} is not here, @{bob.username} again"
    assert await find_mentions(body) == f" {bob.id}:{bob.username} {alice.id}:{alice.username} "
    assert await find_mentions("no one at all") == ""
    assert await find_mentions(f"@nobody_{alice.id}") == ""


async def test_a_mention_in_another_case_names_the_user_as_they_spell_themselves():
    [alice] = await people("Alice")
    assert await find_mentions(f"hi @{alice.username.upper()}!") == f" {alice.id}:{alice.username} "


async def test_posting_stores_the_mentions_with_the_annotation_and_every_read_returns_them():
    owner, alice, bob = await people("owner", "alice", "bob")
    video = await make_video(owner)
    posted = await make_annotation(owner, video, f"@{alice.username}, @{bob.username}: look")
    assert multimedia.mentioned_user_ids(posted) == [alice.id, bob.id]
    [thread] = await multimedia.list_annotations(video.id)
    assert thread.mentions == posted.mentions == f" {alice.id}:{alice.username} {bob.id}:{bob.username} "
    [change] = (await multimedia.list_change_page(video.id, 0, 10)).items
    assert change.mentions == posted.mentions


async def test_a_reply_stores_its_own_mentions():
    owner, alice = await people("owner", "alice")
    video = await make_video(owner)
    parent = await make_annotation(owner, video, "A question")
    reply = await multimedia.reply_to_annotation(owner, parent.id, f"@{alice.username} knows")
    assert multimedia.mentioned_user_ids(reply) == [alice.id]
    [thread] = await multimedia.list_annotations(video.id)
    assert thread.mentions == "" and thread.replies[0].mentions == f" {alice.id}:{alice.username} "


async def test_an_edit_replaces_the_mentions_with_those_of_the_new_text():
    owner, alice, bob = await people("owner", "alice", "bob")
    video = await make_video(owner)
    posted = await make_annotation(owner, video, f"@{alice.username} look")
    edited = await multimedia.edit_annotation(owner, posted.id, f"@{bob.username} look instead")
    assert multimedia.mentioned_user_ids(edited) == [bob.id]
    cleared = await multimedia.edit_annotation(owner, posted.id, "never mind")
    assert cleared.mentions == "" and multimedia.mentioned_user_ids(cleared) == []
    [thread] = await multimedia.list_annotations(video.id)
    assert thread.mentions == ""


async def test_sql_finds_the_annotations_that_mention_a_user_with_like():
    owner, alice = await people("owner", "alice")
    video = await make_video(owner)
    mentioning = await make_annotation(owner, video, f"cc @{alice.username}")
    await make_annotation(owner, video, f"not {alice.username}")
    rows = await multimedia.Annotation.raw(
        "SELECT id FROM annotations WHERE video = {} AND mentions LIKE {}", video.id, f"% {alice.id}:%")
    assert [row["id"] for row in rows] == [mentioning.id]
