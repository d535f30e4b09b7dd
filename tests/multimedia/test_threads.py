"""Replies, edits, ranges and the video's change numbers, through the multimedia context."""

import pytest

from app import multimedia
from app.multimedia import clean_annotation
from app.validation import NotAllowedError, NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


@pytest.mark.parametrize(("until", "field_error"), [
    (1000, "The end of the stretch must come after its start."),
    (999, "The end of the stretch must come after its start."),
    (86_400_001, "The end of the stretch is not a valid time in the video."),
    ("soon", "The end of the stretch is not a valid time in the video."),
])
def test_a_stretch_must_end_after_it_starts_and_within_the_bounds(until, field_error):
    with pytest.raises(ValidationError) as error:
        clean_annotation("Nice", 1000, until)
    assert error.value.errors == {"until": field_error}


@pytest.mark.parametrize(("until", "cleaned"), [(None, None), ("", None), ("1001", 1001),
                                                (86_400_000, 86_400_000)])
def test_a_stretch_is_optional_and_kept_in_milliseconds(until, cleaned):
    assert clean_annotation("Nice", 1000, until) == ("Nice", 1000, cleaned)


async def test_a_ranged_annotation_is_listed_with_its_end():
    alice = await make_user()
    video = await make_video(alice)
    ranged = await multimedia.annotate_video(alice, video.id, "The chase", 12_000, 20_000)
    assert [(a.id, a.at, a.until) for a in await multimedia.list_annotations(video.id)] == [
        (ranged.id, 12_000, 20_000)]


async def test_every_change_takes_the_videos_next_number_and_other_videos_keep_their_own():
    alice, bob = await make_user(), await make_user()
    video, other = await make_video(alice), await make_video(alice)
    posted = await make_annotation(alice, video)
    elsewhere = await make_annotation(alice, other)
    reply = await multimedia.reply_to_annotation(bob, posted.id, "Agreed")
    edited = await multimedia.edit_annotation(bob, reply.id, "Agreed, mostly")
    deleted = await multimedia.delete_annotation(alice, posted.id)
    assert [posted.seq, reply.seq, edited.seq, deleted.seq] == [1, 2, 3, 4]
    assert elsewhere.seq == 1
    assert await multimedia.current_change_seq(video.id) == 4


async def test_replies_join_one_thread_in_posting_order_and_a_reply_to_a_reply_joins_it_too():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video, at=5000)
    first = await multimedia.reply_to_annotation(bob, parent.id, "First")
    second = await multimedia.reply_to_annotation(alice, first.id, "Second, to the first")
    assert (first.parent_id, second.parent_id) == (parent.id, parent.id)
    assert (first.at, second.reply_count) == (5000, 2)  # a reply shows with its thread's moment
    [thread] = await multimedia.list_annotations(video.id)
    assert [r.body for r in thread.replies] == ["First", "Second, to the first"]
    assert thread.reply_count == 2
    assert await multimedia.count_annotations([video.id]) == {video.id: 3}


@pytest.mark.parametrize("body", ["", "  ", "x" * 501, None])
async def test_a_reply_is_validated_like_an_annotation_and_nothing_is_stored(body):
    alice = await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    with pytest.raises(ValidationError):
        await multimedia.reply_to_annotation(alice, parent.id, body)
    assert (await multimedia.list_annotations(video.id))[0].replies == ()


@pytest.mark.parametrize("target", ["deleted", "missing"])
async def test_replying_to_a_deleted_or_missing_annotation_raises_not_found(target):
    alice = await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    await multimedia.delete_annotation(alice, parent.id)
    with pytest.raises(NotFoundError):
        await multimedia.reply_to_annotation(alice, parent.id if target == "deleted" else 10**9, "Hi")
    assert await multimedia.current_change_seq(video.id) == 2  # the refused reply took no number


async def test_the_author_edits_their_text_and_the_moment_and_thread_stay():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await multimedia.annotate_video(alice, video.id, "Typo hree", 3000, 4000)
    reply = await multimedia.reply_to_annotation(bob, parent.id, "Spotted")
    edited = await multimedia.edit_annotation(alice, parent.id, "  Typo here  ")
    assert (edited.body, edited.at, edited.until) == ("Typo here", 3000, 4000)
    assert edited.edited_at is not None and edited.created_seq == parent.seq
    assert [r.id for r in edited.replies] == [reply.id]  # the thread comes with the change
    [thread] = await multimedia.list_annotations(video.id)
    assert (thread.body, thread.edited_at) == ("Typo here", edited.edited_at)
    again = await multimedia.edit_annotation(bob, reply.id, "Spotted it")
    assert (again.body, again.parent_id, again.reply_count) == ("Spotted it", parent.id, 1)


async def test_nobody_but_the_author_edits_not_even_the_videos_owner():
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    annotation = await make_annotation(author, video, "Mine")
    with pytest.raises(NotAllowedError):
        await multimedia.edit_annotation(owner, annotation.id, "Rewritten")
    assert (await multimedia.list_annotations(video.id))[0].body == "Mine"


@pytest.mark.parametrize("body", ["", "x" * 501])
async def test_an_edit_is_validated_and_the_old_text_stays(body):
    alice = await make_user()
    video = await make_video(alice)
    annotation = await make_annotation(alice, video, "Kept")
    with pytest.raises(ValidationError):
        await multimedia.edit_annotation(alice, annotation.id, body)
    assert (await multimedia.list_annotations(video.id))[0].body == "Kept"


async def test_editing_a_deleted_annotation_raises_not_found():
    alice = await make_user()
    video = await make_video(alice)
    annotation = await make_annotation(alice, video)
    await multimedia.delete_annotation(alice, annotation.id)
    with pytest.raises(NotFoundError):
        await multimedia.edit_annotation(alice, annotation.id, "Back")


async def test_a_deleted_annotation_keeps_its_replies_under_a_deleted_note_until_the_last_goes():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    first = await multimedia.reply_to_annotation(bob, parent.id, "One")
    second = await multimedia.reply_to_annotation(bob, parent.id, "Two")
    deleted = await multimedia.delete_annotation(alice, parent.id)
    assert deleted.deleted and [r.id for r in deleted.replies] == [first.id, second.id]
    [thread] = await multimedia.list_annotations(video.id)
    assert thread.deleted and [r.id for r in thread.replies] == [first.id, second.id]

    gone = await multimedia.delete_annotation(bob, first.id)
    assert (gone.deleted, gone.reply_count, gone.thread_gone) == (True, 1, False)
    last = await multimedia.delete_annotation(bob, second.id)
    assert last.thread_gone
    assert await multimedia.list_annotations(video.id) == []
    # The thread's own row changed with its last reply, so a replay sees it go.
    page = await multimedia.list_change_page(video.id, last.seq - 1, 10)
    assert {(item.id, item.deleted) for item in page.items} == {(parent.id, True), (second.id, True)}


async def test_a_deleted_reply_leaves_its_live_thread_and_its_count():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    reply = await multimedia.reply_to_annotation(bob, parent.id, "Oops")
    gone = await multimedia.delete_annotation(alice, reply.id)  # the video's owner may delete it
    assert (gone.reply_count, gone.thread_gone) == (0, False)
    [thread] = await multimedia.list_annotations(video.id)
    assert (thread.replies, thread.reply_count) == ((), 0)


async def test_the_page_list_and_its_cursor_are_read_together():
    alice = await make_user()
    video = await make_video(alice)
    assert await multimedia.list_annotations_with_cursor(video.id) == (0, [])
    posted = await make_annotation(alice, video)
    await multimedia.edit_annotation(alice, posted.id, "Edited")
    cursor, threads = await multimedia.list_annotations_with_cursor(video.id)
    assert (cursor, [t.body for t in threads]) == (2, ["Edited"])


async def test_a_change_page_brings_threads_with_their_replies_and_replies_with_their_threads_number():
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    parent = await make_annotation(alice, video)
    reply = await multimedia.reply_to_annotation(bob, parent.id, "Reply")
    edited = await multimedia.edit_annotation(alice, parent.id, "Edited after the reply")
    page = await multimedia.list_change_page(video.id, 0, 10)
    assert [item.id for item in page.items] == [reply.id, parent.id]  # by change number
    replied, thread = page.items
    assert (replied.thread_seq, replied.reply_count) == (edited.seq, 1)
    assert [r.id for r in thread.replies] == [reply.id]
    assert page.last_seq == edited.seq
