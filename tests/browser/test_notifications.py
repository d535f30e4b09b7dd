"""Notifications in Chromium: someone acts on your annotation, your badge counts it live, the
notification's link seeks to the moment and highlights it, and marking it read clears the badge.

Each way of notifying someone is a small function (`reply_in_thread`); another kind (a mention)
is one more such function and one more parameter."""

import asyncio
import re

import pytest
from playwright.async_api import Page, expect

from app import multimedia, notifications
from tests.browser.conftest import artifact, seek, sign_in, wait_at, wait_live
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.browser.test_live_annotations import RECORD_STATUS, annotation, wait_reconnected, watch_path
from tests.browser.test_threads import reply
from tests.factories import make_annotation, make_user, make_video, unique_username
from tests.server import AppServer


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


async def test_three_people_a_mention_and_a_reply_reach_two_badges_live_and_each_reads_their_own(
        new_page, clock_url):
    owner, critic, editor = (await make_user(unique_username("owner")),
                             await make_user(unique_username("critic")),
                             await make_user(unique_username("editor")))
    video = await make_video(owner, title="Three people", url=clock_url)
    noted = await make_annotation(owner, video, body="Music too loud?", at=8_250)
    owner_page, editor_page = await open_watch_page(new_page, owner, video), await open_watch_page(
        new_page, editor, video)
    critic_page = await open_watch_page(new_page, critic, video)

    await seek(critic_page, 9_000)
    await reply(critic_page, "Music too loud?", f"Yes. @{editor.username} can you fix it?")

    for page in (owner_page, editor_page):  # a reply in the owner's thread, a mention of the editor
        await expect(badge(page)).to_have_attribute("data-count", "1")
    await expect(badge(critic_page)).to_have_attribute("data-count", "0")
    await seek(editor_page, 9_000)  # the annotation shows once playback reaches it
    await annotation(editor_page, "Music too loud?").locator(".thread > summary").click()
    mention = annotation(editor_page, "Music too loud?").get_by_role("link", name=f"@{editor.username}")
    await expect(mention).to_have_attribute("href", f"/users/{editor.username}")

    await editor_page.goto("/notifications")
    said = f"{critic.username} mentioned you"
    await editor_page.get_by_role("link", name=said).click()
    await wait_at(editor_page, 8.25)
    assert editor_page.url.endswith(f"{watch_path(video)}?t=8.25#annotation-{noted.id}")
    await expect(annotation(editor_page, "Music too loud?")).to_have_attribute("data-highlighted", "")
    await editor_page.goto("/notifications")
    await editor_page.get_by_role("button", name="Mark all read").click()
    await expect(badge(editor_page)).to_have_attribute("data-count", "0")
    await expect(badge(owner_page)).to_have_attribute("data-count", "1")  # the owner's is their own


async def test_a_page_whose_socket_comes_back_counts_what_it_missed_meanwhile(new_page, clock_url):
    # A server of its own: the restart below must not cut other tests' sockets.
    own = await asyncio.to_thread(AppServer({"ANNOTATION_BURST": "1000"}).start)
    try:
        author, replier = await make_user(), await make_user()
        video = await make_video(author, title="Away for a while", url=clock_url)
        noted = await make_annotation(author, video, body="Check this", at=1_000)
        page = await new_page(base_url=own.url)
        await sign_in(page, author.username, next_path=watch_path(video))
        await wait_live(page)
        await page.evaluate(RECORD_STATUS)
        await expect(badge(page)).to_have_attribute("data-count", "0")
        # Stored without any socket to push it (as while a node is down): the page never hears.
        reply_view = await multimedia.reply_to_annotation(replier, noted.id, "Done")
        assert await notifications.notify_change(replier, reply_view, []) == [author.id]
        await asyncio.to_thread(own.restart)
        await wait_reconnected(page)
        await expect(badge(page)).to_have_attribute("data-count", "1")
        await expect(badge(page)).to_be_visible()
    finally:
        await asyncio.to_thread(own.stop)
