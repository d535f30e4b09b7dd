"""Reactions and resolving through the multimedia context, on SQLite and on PostgreSQL."""

import pytest

from app import multimedia
from app.multimedia import reaction_counts
from app.validation import NotAllowedError, NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


async def test_a_reaction_toggles_and_each_toggle_is_a_numbered_change(either_engine):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    added = await multimedia.toggle_reaction(bob, note.id, "👍")
    assert (added.added, added.seq, added.user_id) == (True, note.seq + 1, alice.id)
    [count] = reaction_counts(added.reactions)
    assert (count.emoji, count.count, count.user_ids, count.who) == ("👍", 1, f" {bob.id} ", bob.username)
    taken_back = await multimedia.toggle_reaction(bob, note.id, "👍")
    assert (taken_back.added, taken_back.seq, taken_back.reactions) == (False, note.seq + 2, "")
    assert await multimedia.current_change_seq(video.id) == note.seq + 2


async def test_counts_group_by_emoji_in_the_offered_order_and_name_the_first_reactors(either_engine):
    owner = await make_user()
    video = await make_video(owner)
    note = await make_annotation(owner, video)
    people = [await make_user() for _ in range(10)]
    for person in people:
        change = await multimedia.toggle_reaction(person, note.id, "❤️")
    change = await multimedia.toggle_reaction(people[0], note.id, "👍")
    hearts_and_thumbs = reaction_counts(change.reactions)
    assert [(c.emoji, c.count) for c in hearts_and_thumbs] == [("👍", 1), ("❤️", 10)]
    hearts = hearts_and_thumbs[1]
    assert hearts.who == ", ".join(p.username for p in people[:8]) + " and 2 others"
    assert hearts.user_ids == " " + " ".join(str(p.id) for p in people) + " "


async def test_a_page_that_was_away_gets_the_counts_as_they_are_now(either_engine):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    reply = await multimedia.reply_to_annotation(bob, note.id, "Agreed")
    await multimedia.toggle_reaction(bob, note.id, "😂")
    await multimedia.toggle_reaction(carol, note.id, "😂")
    await multimedia.toggle_reaction(carol, reply.id, "✅")
    page = await multimedia.list_change_page(video.id, reply.seq, 200)
    by_id = {item.id: item for item in page.items}
    assert [(c.emoji, c.count) for c in reaction_counts(by_id[note.id].reactions)] == [("😂", 2)]
    assert [(c.emoji, c.count) for c in reaction_counts(by_id[reply.id].reactions)] == [("✅", 1)]
    [thread] = await multimedia.list_annotations(video.id)
    assert reaction_counts(thread.replies[0].reactions)[0].user_ids == f" {carol.id} "


@pytest.mark.parametrize("emoji", ["🍕", "", None, 1, "👍👍", ["👍"]])
async def test_only_the_offered_reactions_are_accepted(emoji):
    alice = await make_user()
    note = await make_annotation(alice, await make_video(alice))
    with pytest.raises(ValidationError) as error:
        await multimedia.toggle_reaction(alice, note.id, emoji)
    assert error.value.errors == {"emoji": "That reaction is not one of those offered."}


@pytest.mark.parametrize("target", [0, -1, 2**40, "1", None])
async def test_reacting_to_no_annotation_is_not_found(target):
    alice = await make_user()
    with pytest.raises(NotFoundError):
        await multimedia.toggle_reaction(alice, target, "👍")


async def test_a_deleted_annotation_takes_no_reactions(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video)
    await multimedia.delete_annotation(alice, note.id)
    with pytest.raises(NotFoundError):
        await multimedia.toggle_reaction(alice, note.id, "👍")
    assert await multimedia.current_change_seq(video.id) == note.seq + 1


async def test_the_author_or_the_owner_resolves_and_reopens_and_each_is_a_change(either_engine):
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    note = await make_annotation(author, video)
    resolved = await multimedia.resolve_annotation(author, note.id, True)
    assert (resolved.resolved_by, resolved.seq, resolved.resolved_at is not None) == (
        author.username, note.seq + 1, True)
    assert await multimedia.resolve_annotation(owner, note.id, True) is None  # already resolved
    reopened = await multimedia.resolve_annotation(owner, note.id, False)
    assert (reopened.resolved_at, reopened.resolved_by, reopened.seq) == (None, None, note.seq + 2)
    again = await multimedia.resolve_annotation(owner, note.id, True)
    assert again.resolved_by == owner.username
    [listed] = await multimedia.list_annotations(video.id)
    assert (listed.resolved_by, listed.seq) == (owner.username, note.seq + 3)


async def test_a_stranger_cannot_resolve_and_a_reply_is_resolved_with_its_annotation():
    owner, author, stranger = await make_user(), await make_user(), await make_user()
    video = await make_video(owner)
    note = await make_annotation(author, video)
    reply = await multimedia.reply_to_annotation(author, note.id, "Fixed in the next cut")
    with pytest.raises(NotAllowedError):
        await multimedia.resolve_annotation(stranger, note.id, True)
    with pytest.raises(ValidationError):
        await multimedia.resolve_annotation(author, reply.id, True)
    assert await multimedia.current_change_seq(video.id) == reply.seq
