"""The owner's moderation page (app/web/moderation.py): the queue of reported annotations, and
dismissing, deleting and blocking from it; the header's count of what waits there."""

import pytest

from app import multimedia
from tests.conftest import post_form
from tests.factories import make_annotation, make_user, make_video
from tests.web.test_sharing import flashes


@pytest.fixture
def pushed(monkeypatch) -> list[tuple]:
    """What the page pushes to open pages: changes, block changes and report counts."""
    calls = []

    async def publish_change(app, view):
        calls.append(("change", view.id, view.deleted))

    async def block_changed(app, change, blocked):
        calls.append(("block", change.user_id, blocked))

    async def update_report_count(app, owner_id):
        calls.append(("count", owner_id))

    for name, fake in (("publish_change", publish_change), ("block_changed", block_changed),
                       ("update_report_count", update_report_count)):
        monkeypatch.setattr(f"app.web.moderation.{name}", fake)
    return calls


@pytest.fixture
def reported(run, user):
    """Two reported annotations on the signed-in user's video, by one author."""
    author, reporter = run(make_user), run(make_user)
    video = run(make_video, user, title="Launch stream")
    notes = [run(make_annotation, author, video, body, at) for body, at in
             (("Buy <cheap> watches", 65_000), ("Spoiler: he dies", 5_000))]
    run(multimedia.report_annotation, reporter, notes[0].id, "spam")
    run(multimedia.report_annotation, reporter, notes[1].id, "spoiler")
    return video, author, notes


def test_the_queue_lists_what_was_reported_and_the_header_counts_it(client, reported):
    video, author, [spam, spoiler] = reported
    page = client.get("/manage/moderation").text
    assert page.index(f'id="reported-{spoiler.id}"') < page.index(f'id="reported-{spam.id}"')
    assert "Buy &lt;cheap&gt; watches" in page and "1 report:\n      Spam" in page
    link = f'href="/watch/{video.id}-{video.slug}?t=65#annotation-{spam.id}">Launch stream at 1:05</a>'
    assert link in page
    assert '<a id="reports-link" href="/manage/moderation" class="notifications-link">Reports ' \
           '<span class="notification-count">2</span></a>' in page


def test_dismiss_delete_and_block_act_and_push(client, run, user, reported, pushed):
    video, author, [spam, spoiler] = reported
    response = post_form(client, f"/manage/moderation/{spoiler.id}/dismiss", {})
    assert "Dismissed: the annotation stays." in flashes(response.text)
    response = post_form(client, f"/manage/moderation/{spam.id}/block", {})
    assert f"{author.username} can no longer post, reply or react on your videos." in flashes(response.text)
    assert [person.user_id for person in run(multimedia.list_blocked, user)] == [author.id]
    response = post_form(client, f"/manage/moderation/{spam.id}/delete", {})
    assert "Deleted for everyone." in flashes(response.text)
    assert "Nothing is waiting" in response.text
    hidden = '<a id="reports-link" href="/manage/moderation" class="notifications-link" hidden>'
    assert hidden in response.text
    assert [thread.body for thread in run(multimedia.list_annotations, video.id)] == ["Spoiler: he dies"]
    assert pushed == [("count", user.id), ("block", author.id, True), ("change", spam.id, True),
                      ("count", user.id)]


def test_another_owners_queue_is_out_of_reach(client, run, user, pushed):
    owner, author, reporter = run(make_user), run(make_user), run(make_user)
    video = run(make_video, owner)
    note = run(make_annotation, author, video)
    run(multimedia.report_annotation, reporter, note.id, "abuse")
    assert "Nothing is waiting" in client.get("/manage/moderation").text
    for action in ("dismiss", "delete", "block"):
        assert post_form(client, f"/manage/moderation/{note.id}/{action}", {}).status_code == 404
    assert run(multimedia.count_reported, owner.id) == 1 and pushed == []
