"""The owner's blocked-people page (app/web/blocked.py), and the watch page of someone blocked."""

import pytest

from app import multimedia
from tests.conftest import post_form, sign_in
from tests.factories import make_annotation, make_user, make_video
from tests.web.test_sharing import flashes


@pytest.fixture
def unblocks(monkeypatch) -> list[tuple[int, int]]:
    """Each call the page makes to tell an unblocked person's open pages, as (owner, user)."""
    calls = []

    async def block_changed(app, change, blocked):
        assert not blocked
        calls.append((change.owner_id, change.user_id))

    monkeypatch.setattr("app.web.blocked.block_changed", block_changed)
    return calls


def test_the_owner_lists_whom_they_blocked_and_unblocks_them(client, run, user, unblocks):
    video = run(make_video, user)
    troll = run(make_user)
    guest_link = run(multimedia.create_share_link, user, video.id, "Client", "commenter")
    guest = run(multimedia.join_as_guest, guest_link.id, "Carla")
    assert "You have not blocked anyone." in client.get("/manage/blocked").text
    run(multimedia.block_person, user, video.id, troll.id)
    run(multimedia.block_person, user, video.id, guest.id)
    page = client.get("/manage/blocked").text
    assert f'<a href="/users/{troll.username}">@{troll.username}</a>' in page
    assert 'Carla <span class="guest-mark">guest</span>' in page
    assert page.count(f"@{user.username}</td>") == 2  # blocked by the owner themselves
    response = post_form(client, f"/manage/blocked/{troll.id}/unblock", {})
    assert response.status_code == 200
    assert f"{troll.username} may comment on your videos again." in flashes(response.text)
    assert unblocks == [(user.id, troll.id)]
    assert [person.user_id for person in run(multimedia.list_blocked, user)] == [guest.id]
    assert post_form(client, f"/manage/blocked/{troll.id}/unblock", {}).status_code == 404
    assert unblocks == [(user.id, troll.id)]


def test_the_list_is_the_owners_own(client, run, user, second_client, unblocks):
    owner, troll = run(make_user), run(make_user)
    video = run(make_video, owner)
    run(multimedia.block_person, owner, video.id, troll.id)
    assert "You have not blocked anyone." in client.get("/manage/blocked").text
    assert post_form(client, f"/manage/blocked/{troll.id}/unblock", {}).status_code == 404
    assert [person.user_id for person in run(multimedia.list_blocked, owner)] == [troll.id]
    assert second_client.get("/manage/blocked", follow_redirects=False).status_code in (302, 303)
    assert unblocks == []


def test_a_blocked_person_watches_with_a_note_in_place_of_the_form_and_no_block_form(client, run, user):
    owner = run(make_user)
    video = run(make_video, owner)
    run(make_annotation, user, video, "Before")
    run(multimedia.block_person, owner, video.id, user.id)
    page = client.get(f"/watch/{video.id}").text
    assert "Before" in page and 'id="blocked-note"' in page
    assert 'id="annotate-form"' not in page and "data-may-comment" not in page
    assert 'id="live-error"' in page  # refusals still have their slot


def test_only_a_moderators_page_has_the_block_form(client, run, user):
    owner = run(make_user)
    video = run(make_video, owner)
    assert 'id="block-form"' not in client.get(f"/watch/{video.id}").text
    run(multimedia.invite_collaborator, owner, video.id, user.username, "moderator")
    page = client.get(f"/watch/{video.id}").text
    assert 'id="block-form"' in page and f'data-moderator data-moderator-ids=" {user.id} "' in page
    assert sign_in(client, owner.username).status_code == 302
    assert 'id="block-form"' in client.get(f"/watch/{video.id}").text
