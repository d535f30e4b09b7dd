"""Notifications in Chromium: someone acts on your annotation, your badge counts it live, the
notification's link seeks to the moment and highlights it, and marking it read clears the badge.

Each way of notifying someone is a small function (`reply_in_thread`); another kind (a mention)
is one more such function and one more parameter."""

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import artifact, seek, sign_in, wait_at, wait_live
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.browser.test_live_annotations import annotation, watch_path
from tests.browser.test_threads import reply
from tests.factories import make_annotation, make_user, make_video, unique_username


async def open_watch_page(new_page, user, video) -> Page:
    """A signed-in user's watch page, live."""
    page = await new_page()
    await sign_in(page, user.username, next_path=watch_path(video))
    await wait_live(page)
    return page


def badge(page: Page):
    """The header's unread-notification badge."""
    return page.locator("#notification-count")


async def reply_in_thread(page: Page, annotation_body: str, at_ms: int) -> str:
    """Reply to the annotation on the actor's page; returns what the notification will say."""
    await seek(page, at_ms)  # the list shows an annotation once playback reaches it
    await reply(page, annotation_body, "Yes, by a beat")
    return "replied in a thread you are in"


@pytest.mark.parametrize("notify", [reply_in_thread])
async def test_a_notification_counts_live_links_to_its_moment_and_is_marked_read(
        new_page, clock_url, notify):
    author, actor = await make_user(unique_username("author")), await make_user(unique_username("actor"))
    video = await make_video(author, title="Review cut", url=clock_url)
    await make_annotation(author, video, body="Early note", at=2_000)
    noted = await make_annotation(author, video, body="Is the cut late?", at=12_500)
    watching = await open_watch_page(new_page, author, video)
    await expect(badge(watching)).to_have_attribute("data-count", "0")
    await expect(badge(watching)).to_be_hidden()

    said = await notify(await open_watch_page(new_page, actor, video), "Is the cut late?", 13_000)

    await expect(badge(watching)).to_have_attribute("data-count", "1")
    await expect(badge(watching)).to_have_text("1")
    await expect(badge(watching)).to_be_visible()

    await watching.get_by_role("link", name="Notifications").click()
    await expect(watching).to_have_url(re.compile(r"/notifications$"))
    item = watching.locator(".notification", has_text=f"{actor.username} {said}")
    await expect(item).to_have_attribute("data-unread", "")
    await item.get_by_role("link", name=f"{actor.username} {said}").click()
    await wait_at(watching, 12.5)
    assert watching.url.endswith(f"{watch_path(video)}?t=12.5#annotation-{noted.id}")
    await expect(annotation(watching, "Is the cut late?")).to_have_attribute("data-highlighted", "")
    assert await annotation(watching, "Early note").get_attribute("data-highlighted") is None
    await expect(badge(watching)).to_have_attribute("data-count", "1")  # opening it is not reading it

    await watching.goto("/notifications")
    await assert_no_serious_violations(watching, "/notifications")
    await watching.screenshot(path=artifact("notifications.png"), full_page=True)
    item = watching.locator(".notification", has_text=f"{actor.username} {said}")
    await item.get_by_role("button", name="Mark read").click()
    await expect(item).not_to_have_attribute("data-unread", "")
    await expect(badge(watching)).to_have_attribute("data-count", "0")
    await expect(badge(watching)).to_be_hidden()
    await watching.reload()
    await expect(badge(watching)).to_have_attribute("data-count", "0")


async def test_the_settings_page_turns_a_kind_off_and_has_no_serious_accessibility_problems(new_page):
    person = await make_user()
    page = await new_page()
    await sign_in(page, person.username, next_path="/settings/notifications")
    await assert_no_serious_violations(page, "/settings/notifications")
    await page.get_by_label("Someone reacts to my annotation or reply").uncheck()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_have_text("Your notification settings are saved.")
    await expect(page.get_by_label("Someone reacts to my annotation or reply")).not_to_be_checked()
    await expect(page.get_by_label("Someone mentions me")).to_be_checked()
