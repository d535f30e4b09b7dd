"""Reporting over the socket: thanked alone, counted on the owner's open pages, refused alone."""

import pytest

from app import multimedia
from tests.factories import make_annotation, make_user, make_video

REPORTS_LINK = 'hx-target="#reports-link" hx-swap="outerHTML"'


async def test_a_report_thanks_its_sender_alone_and_updates_the_owners_count_live(join):
    owner, author, reporter, bystander = [await make_user() for _ in range(4)]
    video = await make_video(owner)
    note = await make_annotation(author, video, "Buy cheap watches")
    owners, reporters, bystanders = (await join(video, owner), await join(video, reporter),
                                     await join(video, bystander))
    for viewer in (owners, reporters, bystanders):
        await viewer.replay()
    await reporters.send("report", id=str(note.id), reason="spam")
    thanked = await reporters.frame()
    assert 'hx-target="#live-error"' in thanked and "will take a look" in thanked
    counted = await owners.frame()
    assert REPORTS_LINK in counted and '<span class="notification-count">1</span>' in counted
    # The owner deletes it from their page: it leaves the queue, and the count follows.
    await owners.delete(note.id)
    frames = await owners.frames_until(REPORTS_LINK)
    assert '<span class="notification-count">0</span>' in frames[-1] and " hidden>" in frames[-1]
    await owners.post("Barrier")
    assert not any("report" in frame for frame in await bystanders.frames_before("Barrier"))
    assert await multimedia.count_reported(owner.id) == 0


@pytest.mark.parametrize("values, message", [
    ({"reason": "boring"}, "Pick a reason for the report."),
    ({"reason": "spam", "of": "own"}, "That is your own"),
    ({"reason": "spam", "id": "999999999"}, "That annotation does not exist"),
    ({"reason": "spam", "id": "<b>"}, "That annotation does not exist"),
])
async def test_a_report_that_cannot_be_made_is_explained_to_its_sender_alone(join, values, message):
    owner, author = await make_user(), await make_user()
    video = await make_video(owner)
    note = await make_annotation(owner, video, "Mine")
    authors, owners = await join(video, author), await join(video, owner)
    await authors.replay()
    await owners.replay()
    own = await make_annotation(author, video, "Their own")
    values = {"id": str(own.id if values.pop("of", None) else note.id), **values}
    await authors.send("report", **values)
    assert message in await authors.frame()
    await authors.post("Still connected")
    assert "Still connected" in (await authors.frames_until("Still connected"))[-1]
    assert not any("reports-link" in frame for frame in await owners.frames_before("Still connected"))
    assert await multimedia.count_reported(owner.id) == 0


async def test_an_anonymous_viewer_is_asked_to_sign_in(join):
    owner = await make_user()
    video = await make_video(owner)
    note = await make_annotation(owner, video)
    anonymous = await join(video)
    await anonymous.replay()
    await anonymous.send("report", id=str(note.id), reason="spam")
    assert "Sign in to report annotations." in await anonymous.frame()
