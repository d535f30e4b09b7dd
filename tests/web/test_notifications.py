"""The notifications page, marking read with and without htmx, the settings page, and the
header badge on every page."""

import re

import pytest

from app import multimedia, notifications
from app.live import fragments
from app.templating import render_partial
from tests.conftest import csrf_token, post_form
from tests.factories import make_annotation, make_user, make_video

HTMX = {"HX-Request": "true"}


def badge(html: str) -> int | None:
    """The unread count the header badge shows, or None when the page has no badge."""
    match = re.search(r'<span id="notification-count" class="notification-count" data-count="(\d+)"', html)
    return int(match.group(1)) if match else None


@pytest.fixture
def replied(run, user):
    """Two replies by someone else in a thread of the signed-in user's, each notified: (top, replies)."""
    bob = run(make_user)
    top = run(make_annotation, user, run(make_video, user, title="Team review"), at=42_000)
    replies = []
    for body in ("First answer", "Second answer"):
        replies.append(run(multimedia.reply_to_annotation, bob, top.id, body))
        run(notifications.notify_change, bob, replies[-1], [])
    return top, replies


def test_every_page_shows_the_signed_in_users_unread_count(client, user, replied):
    assert badge(client.get("/").text) == 2
    assert badge(client.get("/manage/videos").text) == 2


def test_the_page_renders_the_badge_from_the_partial_the_socket_pushes(client, user, replied):
    top, _ = replied
    rendered = render_partial("notifications/_count.html", count=2)
    assert rendered in fragments.notification_count(2)
    assert rendered in client.get(f"/watch/{top.video_id}-team-review").text


def test_a_visitor_sees_no_badge_and_is_sent_to_sign_in_from_the_pages(client):
    assert badge(client.get("/").text) is None
    for path in ("/notifications", "/settings/notifications"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"] == f"/sign-in?next={path}"


def test_the_badge_alone_is_current_for_a_page_that_asks_again_and_empty_for_a_visitor(
        client, user, replied):
    response = client.get("/notifications/count")
    assert (response.status_code, badge(response.text)) == (200, 2)
    assert response.text == render_partial("notifications/_count.html", count=2)
    client.cookies.clear()
    response = client.get("/notifications/count", follow_redirects=False)
    assert (response.status_code, response.text) == (204, "")


def test_a_visitor_posting_to_mark_read_is_sent_to_sign_in(client):
    response = post_form(client, "/notifications/read", {}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/sign-in?next=")


def test_the_page_lists_notifications_newest_first_each_linking_to_its_moment(client, user, replied):
    top, _ = replied
    page = client.get("/notifications").text
    assert page.index("Second answer") < page.index("First answer")
    assert page.count(f'href="/watch/{top.video_id}-team-review?t=42#annotation-{top.id}"') == 2
    assert page.count("data-unread") == 2
    assert "Mark all read" in page


def test_mark_read_without_javascript_redirects_back_with_the_item_read(client, user, run, replied):
    newest = run(notifications.list_notifications, user)[0]
    response = post_form(client, f"/notifications/{newest.id}/read", {}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/notifications")
    page = client.get("/notifications").text
    assert page.count("data-unread") == 1
    assert badge(page) == 1


def test_mark_read_with_htmx_answers_the_item_and_the_badge(client, user, run, replied):
    newest = run(notifications.list_notifications, user)[0]
    response = post_form(client, f"/notifications/{newest.id}/read", {}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="notification-{newest.id}" class="notification"')
    assert "data-unread" not in response.text
    assert ('<hx-partial hx-target="#notification-count" hx-swap="outerHTML">'
            '<span id="notification-count" class="notification-count" data-count="1"') in response.text


def test_mark_all_read_with_htmx_answers_the_list_and_an_empty_badge(client, user, replied):
    response = post_form(client, "/notifications/read", {}, headers=HTMX)
    assert '<section id="notification-list"' in response.text
    assert "data-unread" not in response.text and "Mark all read" not in response.text
    assert 'data-count="0" hidden hx-get="/notifications/count"' in response.text


def test_mark_all_read_without_javascript_clears_the_badge(client, user, replied):
    response = post_form(client, "/notifications/read", {}, follow_redirects=False)
    assert response.status_code == 303
    assert badge(client.get("/notifications").text) == 0


def test_someone_elses_notification_cannot_be_marked_read(client, user, run):
    other = run(make_user)
    top = run(make_annotation, other, run(make_video, other))
    run(notifications.notify_change, user, run(multimedia.reply_to_annotation, user, top.id, "Hi"), [])
    [theirs] = run(notifications.list_notifications, other)
    response = post_form(client, f"/notifications/{theirs.id}/read", {})
    assert response.status_code == 404
    assert run(notifications.count_unread, other) == 1


def test_mark_read_needs_the_csrf_token(client, user, run, replied):
    csrf_token(client)
    newest = run(notifications.list_notifications, user)[0]
    assert client.post(f"/notifications/{newest.id}/read", data={}).status_code == 403
    assert run(notifications.count_unread, user) == 2


def test_the_settings_page_turns_kinds_off_and_on(client, user, run):
    page = client.get("/settings/notifications").text
    assert page.count("checked") == 3

    response = post_form(client, "/settings/notifications", {"saved": "1", "mention": "on"},
                         follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/settings/notifications")
    assert run(notifications.list_enabled_kinds, user) == {"mention"}
    page = client.get("/settings/notifications").text
    assert "Your notification settings are saved." in page
    assert re.findall(r'name="(\w+)" value="on" checked', page) == ["mention"]

    post_form(client, "/settings/notifications", {"saved": "1", "mention": "on", "reply": "on",
                                                  "reaction": "on"})
    assert run(notifications.list_enabled_kinds, user) == {"mention", "reply", "reaction"}


def test_saving_settings_needs_the_csrf_token(client, user, run):
    csrf_token(client)
    assert client.post("/settings/notifications", data={"saved": "1"}).status_code == 403
    assert run(notifications.list_enabled_kinds, user) == {"mention", "reply", "reaction"}
