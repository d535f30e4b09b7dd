"""Reports: who may report what, and the owner's queue."""

import pytest

from app import multimedia
from app.validation import NotFoundError, ValidationError
from tests.factories import make_annotation, make_user, make_video


async def test_reports_queue_up_for_the_owner_once_per_person_and_item(either_engine):
    owner, author, first, second = [await make_user() for _ in range(4)]
    video = await make_video(owner, title="Launch stream")
    note = await make_annotation(author, video, "Buy cheap watches", at=65_000)
    reply = await multimedia.reply_to_annotation(author, note.id, "Really cheap")
    assert await multimedia.report_annotation(first, note.id, "spam") == owner.id
    await multimedia.report_annotation(second, note.id, "abuse")
    await multimedia.report_annotation(second, note.id, "spam")  # changes their reason, not the count
    await multimedia.report_annotation(first, reply.id, "other")
    assert await multimedia.count_reported(owner.id) == 2
    [latest, earlier] = await multimedia.list_reported(owner)
    assert (latest.annotation_id, latest.is_reply, latest.reasons, latest.count) == (
        reply.id, True, {"other": 1}, 1)
    assert (earlier.annotation_id, earlier.reasons, earlier.count) == (note.id, {"spam": 2}, 2)
    assert (earlier.video_id, earlier.video_title, earlier.at, earlier.author, earlier.body) == (
        video.id, "Launch stream", 65_000, author.username, "Buy cheap watches")
    assert await multimedia.list_reported(author) == [] and await multimedia.count_reported(first.id) == 0


async def test_dismissing_or_deleting_takes_an_item_off_the_queue_and_a_new_report_brings_it_back():
    owner, author, reporter = [await make_user() for _ in range(3)]
    video = await make_video(owner)
    kept, removed = await make_annotation(author, video, "Edgy"), await make_annotation(author, video, "Bad")
    for note in (kept, removed):
        await multimedia.report_annotation(reporter, note.id, "abuse")
    found = await multimedia.find_reported(owner, kept.id)
    assert (found.annotation_id, found.body, found.reasons) == (kept.id, "Edgy", {"abuse": 1})
    for who, what in ((author, kept.id), (owner, 999_999_999), (owner, 0)):
        with pytest.raises(NotFoundError):  # another owner's queue, or nothing queued
            await multimedia.find_reported(who, what)
    await multimedia.dismiss_reports(owner, kept.id)
    await multimedia.delete_annotation(owner, removed.id)
    assert await multimedia.count_reported(owner.id) == 0 and await multimedia.list_reported(owner) == []
    with pytest.raises(NotFoundError):
        await multimedia.dismiss_reports(owner, kept.id)
    await multimedia.report_annotation(reporter, kept.id, "spoiler")
    assert [item.reasons for item in await multimedia.list_reported(owner)] == [{"spoiler": 1}]
    with pytest.raises(NotFoundError):  # another owner's queue is not theirs to empty
        await multimedia.dismiss_reports(author, kept.id)


async def test_a_report_is_refused_for_ones_own_a_bad_reason_and_what_the_reporter_cannot_see():
    owner, author, stranger = [await make_user() for _ in range(3)]
    video = await make_video(owner)
    note = await make_annotation(author, video)
    with pytest.raises(ValidationError, match="reason"):
        await multimedia.report_annotation(stranger, note.id, "boring")
    with pytest.raises(ValidationError):
        await multimedia.report_annotation(author, note.id, "spam")
    for missing in (999_999_999, "1", None):
        with pytest.raises(NotFoundError):
            await multimedia.report_annotation(stranger, missing, "spam")
    await multimedia.set_visibility(owner, video.id, "private", "everyone")
    with pytest.raises(NotFoundError):  # a private video's stranger may not know it is there
        await multimedia.report_annotation(stranger, note.id, "spam")
    assert await multimedia.count_reported(owner.id) == 0
