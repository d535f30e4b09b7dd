"""Opening a share link at /s/{token} (app/web/share_links.py): straight to the video, through
its password, as a guest; closed, unknown and throttled links."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from html import unescape

import pytest
from litestar.testing import TestClient

from app import multimedia
from app.main import create_app
from app.multimedia.tables import ShareLink
from app.settings import Settings
from app.share_cookie import LINKS_COOKIE, held_links
from app.throttle import Limit
from tests.conftest import post_form, sign_in
from tests.factories import make_user, make_video
from tests.web.conftest import field_error


@pytest.fixture
def owner(run):
    """The owner of the shared video, signed in nowhere."""
    return run(make_user)


@pytest.fixture
def video(run, owner):
    """A private video: only its links let anyone else in."""
    video = run(make_video, owner, title="Secret cut")
    run(multimedia.set_visibility, owner, video.id, "private", "everyone")
    return video


def watch(video) -> str:
    """The watch page's address."""
    return f"/watch/{video.id}-{video.slug}"


def held(client) -> dict[int, int]:
    """The links (with their guest ids) the browser's cookie holds."""
    return held_links(client.app.state.settings.secret_key, client.cookies.get(LINKS_COOKIE))


def test_a_view_link_goes_straight_to_a_private_video_which_only_that_browser_may_watch(
        client, run, owner, video, second_client):
    link = run(multimedia.create_share_link, owner, video.id, "Team", "viewer")
    assert second_client.get(watch(video)).status_code == 404
    response = client.get(f"/s/{link.token}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, watch(video))
    assert held(client) == {link.id: 0}
    assert client.get(watch(video)).status_code == 200
    assert second_client.get(watch(video)).status_code == 404


def test_watching_through_a_link_keeps_its_last_use_current(client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Team", "viewer")
    client.get(f"/s/{link.token}", follow_redirects=False)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    run(ShareLink.update({ShareLink.last_used_at: long_ago}).where(ShareLink.id == link.id).run)
    assert client.get(watch(video)).status_code == 200
    [listed] = run(multimedia.list_share_links, owner, video.id)
    assert listed.last_used_at > datetime.now(UTC) - timedelta(minutes=5)


def test_a_link_with_a_password_asks_for_it_refuses_a_wrong_one_and_lets_the_right_one_in(
        client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Client", "viewer", "", "open sesame")
    form = client.get(f"/s/{link.token}")
    assert form.status_code == 200
    assert 'type="password"' in form.text and "Secret cut" not in form.text
    wrong = post_form(client, f"/s/{link.token}", {"password": "guess"})
    assert wrong.status_code == 422
    assert field_error(wrong.text, "password") == "That is not the link's password."
    assert held(client) == {}
    assert client.get(watch(video)).status_code == 404
    right = post_form(client, f"/s/{link.token}", {"password": "open sesame"}, follow_redirects=False)
    assert (right.status_code, right.headers["location"]) == (303, watch(video))
    assert client.get(watch(video)).status_code == 200


def test_a_comment_link_asks_an_anonymous_visitor_for_a_name_and_makes_them_a_guest(
        client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Reviewers", "commenter")
    form = client.get(f"/s/{link.token}")
    assert form.status_code == 200 and 'id="name"' in form.text and "Just watch" in form.text
    response = post_form(client, f"/s/{link.token}", {"name": "  Ada  "}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, watch(video))
    [(link_id, guest_id)] = held(client).items()
    guest = run(multimedia.find_guest, link.id, guest_id)
    assert (link_id, guest.name, guest.guest) == (link.id, "Ada", True)
    assert "You are commenting as Ada (guest)." in unescape(client.get(watch(video)).text)
    again = client.get(f"/s/{link.token}", follow_redirects=False)  # already its guest: no form
    assert again.status_code == 303
    assert held(client) == {link.id: guest_id}


def test_just_watch_opens_a_comment_link_without_making_a_guest(client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Reviewers", "commenter")
    response = post_form(client, f"/s/{link.token}", {"name": "", "just_watch": "1"},
                         follow_redirects=False)
    assert response.status_code == 303
    assert held(client) == {link.id: 0}
    assert client.get(watch(video)).status_code == 200


@pytest.mark.parametrize(("name", "message"), [
    ("", "Choose the name others will see beside your comments."),
    ("x" * 21, "Use at most 20 characters."),
])
def test_a_bad_guest_name_is_explained_and_nothing_is_opened(client, run, owner, video, name, message):
    link = run(multimedia.create_share_link, owner, video.id, "Reviewers", "commenter")
    response = post_form(client, f"/s/{link.token}", {"name": name})
    assert response.status_code == 422
    assert field_error(response.text, "name") == message
    assert held(client) == {}
    assert run(multimedia.list_share_links, owner, video.id)[0].last_used_at is None


def test_a_signed_in_user_goes_straight_through_a_comment_link_and_becomes_a_member(
        client, run, owner, video):
    reviewer = run(make_user)
    assert sign_in(client, reviewer.username).status_code == 302
    link = run(multimedia.create_share_link, owner, video.id, "Reviewers", "commenter")
    response = client.get(f"/s/{link.token}", follow_redirects=False)
    assert response.status_code == 303
    # The membership, not the cookie, lets them comment: their account holds the link.
    assert run(multimedia.video_access, video.id, reviewer).role == "commenter"


def test_a_revoked_link_answers_410_saying_so(client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Old", "viewer")
    run(multimedia.revoke_share_link, owner, video.id, link.id)
    for response in (client.get(f"/s/{link.token}"), post_form(client, f"/s/{link.token}", {})):
        assert response.status_code == 410
        assert "This share link was revoked by the video&#39;s owner." in response.text
    assert held(client) == {}


def test_an_expired_link_answers_410_saying_so_and_lets_nobody_in_any_more(client, run, owner, video):
    link = run(multimedia.create_share_link, owner, video.id, "Brief", "viewer", "1h")
    client.get(f"/s/{link.token}")
    assert client.get(watch(video)).status_code == 200
    past = datetime.now(UTC) - timedelta(minutes=1)
    run(ShareLink.update({ShareLink.expires_at: past}).where(ShareLink.id == link.id).run)
    response = client.get(f"/s/{link.token}")
    assert response.status_code == 410
    assert "This share link has expired." in response.text
    assert client.get(watch(video)).status_code == 404


@pytest.mark.parametrize("token", ["no-such-token", "x" * 40])
def test_an_unknown_link_is_not_found(client, token):
    assert client.get(f"/s/{token}").status_code == 404
    assert post_form(client, f"/s/{token}", {"password": "guess"}).status_code == 404


@pytest.fixture
def limited():
    """A browser on an app that allows two counted share-link attempts an hour from an address."""
    settings = replace(Settings.from_env(), share_link_per_ip=Limit(2, 3600))
    with TestClient(app=create_app(settings), base_url="http://testserver.local") as browser:
        yield browser, partial(browser.blocking_portal.call)


def test_wrong_passwords_are_throttled_with_429_even_before_the_right_one(limited):
    browser, run = limited
    owner = run(make_user)
    video = run(make_video, owner)
    link = run(multimedia.create_share_link, owner, video.id, "Client", "viewer", "", "open sesame")
    statuses = [post_form(browser, f"/s/{link.token}", {"password": "guess"}).status_code
                for _ in range(2)]
    assert statuses == [422, 422]
    refused = post_form(browser, f"/s/{link.token}", {"password": "open sesame"})
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1800")
    alert = re.search(r'role="alert">(.*?)</p>', refused.text, re.S)[1]
    assert alert == "Too many attempts for now. Please try again in 30 minutes."
    assert held(browser) == {}


def test_making_guests_counts_but_right_passwords_do_not(limited):
    browser, run = limited
    owner = run(make_user)
    video = run(make_video, owner)
    locked = run(multimedia.create_share_link, owner, video.id, "Client", "viewer", "", "open sesame")
    for _ in range(3):
        assert post_form(browser, f"/s/{locked.token}", {"password": "open sesame"},
                         follow_redirects=False).status_code == 303
    talk = run(multimedia.create_share_link, owner, video.id, "Talk", "commenter")
    statuses = []
    for name in ("Ada", "Grace", "Edsger"):
        browser.cookies.delete(LINKS_COOKIE)  # each time a new visitor
        statuses.append(post_form(browser, f"/s/{talk.token}", {"name": name},
                                  follow_redirects=False).status_code)
    assert statuses == [303, 303, 429]
