"""The sharing page of one's own video (app/web/sharing.py): visibility, collaborators, links;
and the visibility fields of the video forms (app/web/videos.py)."""

import re
from html import unescape

import pytest

from app import multimedia
from tests.conftest import post_form
from tests.factories import make_user, make_video
from tests.web.conftest import field_error

VALID = {"title": "Rough cut", "url": "https://youtu.be/dQw4w9WgXcQ", "description": ""}


def sharing(video) -> str:
    """The sharing page's address for a video."""
    return f"/manage/videos/{video.id}/sharing"


def flashes(html: str) -> list[str]:
    """The flash messages a page shows."""
    return [unescape(text) for text in re.findall(r'<p class="flash[^"]*" role="status">(.*?)</p>', html)]


def link_item(html: str, link_id: int) -> str:
    """One share link's item in the page's list."""
    return re.search(rf'<li id="link-{link_id}" class="share-link">(.*?)</li>', html, re.S)[1]


@pytest.fixture
def access_changes(monkeypatch) -> list[tuple]:
    """Each call the pages make to close the sockets that may no longer watch, as
    (video_id, revoked_links)."""
    calls = []

    async def access_changed(app, video_id, revoked_links=()):
        calls.append((video_id, tuple(revoked_links)))

    for module in ("app.web.sharing", "app.web.videos"):
        monkeypatch.setattr(f"{module}.access_changed", access_changed)
    return calls


@pytest.fixture
def speakers_changes(monkeypatch) -> list[int]:
    """Each call the pages make to turn read-only the pages that may no longer comment (video ids)."""
    calls = []

    async def speakers_changed(app, video_id):
        calls.append(video_id)

    for module in ("app.web.sharing", "app.web.videos"):
        monkeypatch.setattr(f"{module}.speakers_changed", speakers_changed)
    return calls


@pytest.fixture
def video(run, user):
    """A video of the signed-in user's."""
    return run(make_video, user, title="Rough cut")


def test_the_owner_sees_the_sharing_page_and_a_stranger_gets_404_everywhere(client, run, video):
    assert "Sharing “Rough cut”" in client.get(sharing(video)).text
    stranger_video = run(make_video, run(make_user), title="Not yours")
    base = sharing(stranger_video)
    assert client.get(base).status_code == 404
    for path, data in ((f"{base}/visibility", {"visibility": "private", "comments": "everyone"}),
                       (f"{base}/collaborators", {"username": "anyone", "role": "viewer"}),
                       (f"{base}/links", {"name": "Mine now", "role": "viewer"})):
        assert post_form(client, path, data).status_code == 404
    assert run(multimedia.get_video, stranger_video.id).visibility == "public"


def test_the_sharing_page_needs_a_signed_in_user(client, run):
    video = run(make_video, run(make_user))
    response = client.get(sharing(video), follow_redirects=False)
    assert response.headers["location"] == f"/sign-in?next=/manage/videos/{video.id}/sharing"


def test_my_videos_shows_each_videos_visibility_and_links_to_its_sharing_page(client, run, user, video):
    run(multimedia.set_visibility, user, video.id, "unlisted", "everyone")
    page = client.get("/manage/videos").text
    assert "<td>Unlisted</td>" in page
    assert f'href="/manage/videos/{video.id}/sharing"' in page


def test_changing_visibility_and_the_comment_rule_on_the_sharing_page_stores_them(
        client, run, video, access_changes, speakers_changes):
    response = post_form(client, f"{sharing(video)}/visibility",
                         {"visibility": "private", "comments": "collaborators"})
    assert "Who may watch and comment is saved." in flashes(response.text)
    stored = run(multimedia.get_video, video.id)
    assert (stored.visibility, stored.comments) == ("private", "collaborators")
    assert '<option value="private" selected>' in response.text
    assert '<option value="collaborators" selected>' in response.text
    assert access_changes == [(video.id, ())]  # pages that may no longer watch close
    assert speakers_changes == [video.id]  # and those that may no longer comment go read-only
    post_form(client, f"{sharing(video)}/visibility", {"visibility": "private", "comments": "collaborators"})
    assert len(access_changes) == 1 and len(speakers_changes) == 1  # unchanged: nobody's access


def test_a_bad_visibility_is_explained_and_nothing_changes(client, run, video):
    response = post_form(client, f"{sharing(video)}/visibility",
                         {"visibility": "secret", "comments": "anyone"})
    assert response.status_code == 422
    assert field_error(response.text, "visibility") == "Pick public, unlisted or private."
    assert field_error(response.text, "comments") == "Pick who may comment."
    assert run(multimedia.get_video, video.id).visibility == "public"


def test_the_new_video_form_defaults_to_automatic_visibility_and_stores_a_choice(client, run, user):
    form = client.get("/manage/videos/new").text
    assert '<option value="" selected>Automatic: private for an upload, public for a link</option>' in form
    post_form(client, "/manage/videos", {**VALID, "visibility": "unlisted", "comments": "collaborators"})
    [video] = run(multimedia.list_user_videos, user)
    assert (video.visibility, video.comments) == ("unlisted", "collaborators")


def test_the_edit_form_shows_the_current_visibility_and_saving_changes_it(client, run, user, video,
                                                                          access_changes,
                                                                          speakers_changes):
    form = client.get(f"/manage/videos/{video.id}/edit").text
    assert '<option value="public" selected>' in form
    assert "Automatic:" not in form
    post_form(client, f"/manage/videos/{video.id}", {**VALID, "visibility": "public",
                                                     "comments": "everyone"})
    assert access_changes == [] and speakers_changes == []  # nothing about access changed
    post_form(client, f"/manage/videos/{video.id}", {**VALID, "visibility": "private",
                                                     "comments": "everyone"})
    assert run(multimedia.get_video, video.id).visibility == "private"
    assert access_changes == [(video.id, ())] and speakers_changes == [video.id]


def test_inviting_someone_lists_them_with_their_role_and_the_role_can_change(client, run, user, video,
                                                                            speakers_changes):
    friend = run(make_user)
    response = post_form(client, f"{sharing(video)}/collaborators",
                         {"username": f"@{friend.username}", "role": "commenter"})
    assert f"@{friend.username} is invited as commenter." in flashes(response.text)
    row = re.search(rf'<tr id="collaborator-{friend.id}">(.*?)</tr>', response.text, re.S)[1]
    assert f"@{friend.username}" in row and '<option value="commenter" selected>' in row
    assert "<time datetime=" in row
    post_form(client, f"{sharing(video)}/collaborators/{friend.id}", {"role": "moderator"})
    [collaborator] = run(multimedia.list_collaborators, user, video.id)
    assert (collaborator.user_id, collaborator.role) == (friend.id, "moderator")
    assert speakers_changes == [video.id]  # a role changed: pages that may no longer comment go read-only


@pytest.mark.parametrize(("username", "role", "field", "message"), [
    ("nobody_by_this_name", "viewer", "invite-username", "Nobody is called “nobody_by_this_name”."),
    ("", "viewer", "invite-username", "Give the username of the person to invite."),
    ("ME", "viewer", "invite-username", "That is you: the owner may always do everything."),
    ("FRIEND", "owner", "invite-role", "Pick viewer, commenter or moderator."),
])
def test_a_bad_invitation_is_explained_on_the_form_and_nobody_is_invited(client, run, user, video,
                                                                        username, role, field, message):
    friend = run(make_user)
    username = {"ME": user.username, "FRIEND": friend.username}.get(username, username)
    response = post_form(client, f"{sharing(video)}/collaborators", {"username": username, "role": role})
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert f'value="{username}"' in response.text  # what was typed is kept
    assert run(multimedia.list_collaborators, user, video.id) == []


def test_a_bad_role_change_is_explained_beside_that_collaborator(client, run, user, video):
    friend = run(make_user)
    run(multimedia.invite_collaborator, user, video.id, friend.username, "viewer")
    response = post_form(client, f"{sharing(video)}/collaborators/{friend.id}", {"role": "owner"})
    assert response.status_code == 422
    message = field_error(response.text, f"collaborator-{friend.id}-role")
    assert message == "Pick viewer, commenter or moderator."
    assert run(multimedia.list_collaborators, user, video.id)[0].role == "viewer"


def test_removing_a_collaborator_takes_them_off_and_closes_their_pages(client, run, user, video,
                                                                      access_changes, speakers_changes):
    friend = run(make_user)
    run(multimedia.invite_collaborator, user, video.id, friend.username, "viewer")
    response = post_form(client, f"{sharing(video)}/collaborators/{friend.id}/delete", {})
    assert "They are no longer a collaborator." in flashes(response.text)
    assert run(multimedia.list_collaborators, user, video.id) == []
    assert access_changes == [(video.id, ())] and speakers_changes == [video.id]
    assert post_form(client, f"{sharing(video)}/collaborators/{friend.id}/delete", {}).status_code == 404


def test_a_new_link_is_listed_with_its_address_settings_and_never_used(client, run, user, video):
    response = post_form(client, f"{sharing(video)}/links",
                         {"name": "Client review", "role": "commenter", "expires": "7d",
                          "password": "open sesame"})
    assert "The link “Client review” is ready: copy it from the list." in flashes(response.text)
    [link] = run(multimedia.list_share_links, user, video.id)
    item = link_item(response.text, link.id)
    assert f'value="http://testserver.local/s/{link.token}" readonly' in item
    assert "<h3>Client review</h3>" in item
    for fact in ("<dd class=\"link-state\">Working</dd>", "<dd>Watch and comment</dd>", "<dd>Yes</dd>",
                 "<dd class=\"link-used\">never</dd>"):
        assert fact in item
    assert "open sesame" not in response.text
    assert (link.role, link.has_password, link.expires_at is not None) == ("commenter", True, True)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "role": "viewer"}, "link-name", "Name the link, say “client review”, to tell it apart."),
    ({"name": "x" * 61, "role": "viewer"}, "link-name", "Use at most 60 characters."),
    ({"name": "Review", "role": "moderator"}, "link-role", "Pick whether the link lets people comment."),
    ({"name": "Review", "role": "viewer", "expires": "1y"}, "link-expires", "Pick when the link expires."),
    ({"name": "Review", "role": "viewer", "password": "p" * 201}, "link-password",
     "Use at most 200 characters."),
])
def test_a_bad_link_is_explained_on_the_form_and_none_is_made(client, run, user, video, data, field,
                                                             message):
    response = post_form(client, f"{sharing(video)}/links", data)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert run(multimedia.list_share_links, user, video.id) == []


def test_revoking_a_link_shows_it_revoked_without_its_address_and_closes_its_pages(client, run, user,
                                                                                  video, access_changes):
    link = run(multimedia.create_share_link, user, video.id, "Old cut", "viewer")
    response = post_form(client, f"{sharing(video)}/links/{link.id}/revoke", {})
    assert "The link no longer works." in flashes(response.text)
    item = link_item(response.text, link.id)
    assert "Revoked <time" in item
    assert link.token not in item and f"/links/{link.id}/revoke" not in item
    assert access_changes == [(video.id, (link.id,))]
    assert post_form(client, f"{sharing(video)}/links/{link.id}/revoke", {}).status_code == 404


def test_the_list_shows_when_a_link_was_last_used_once_someone_opens_it(client, run, user, video,
                                                                       second_client):
    link = run(multimedia.create_share_link, user, video.id, "Team", "viewer")
    assert 'class="link-used">never' in link_item(client.get(sharing(video)).text, link.id)
    second_client.get(f"/s/{link.token}", follow_redirects=False)
    used = link_item(client.get(sharing(video)).text, link.id)
    assert 'class="link-used"><time datetime=' in used
