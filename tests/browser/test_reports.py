"""Reports in Chromium: a viewer reports someone else's annotation through the menu of reasons
(never their own), is thanked, and the owner's open page counts it live; the owner deletes a
reported annotation from the moderation page and it vanishes from a viewer's open page."""

import re

from playwright.async_api import Page, expect

from app import multimedia
from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, watch_path
from tests.factories import make_annotation, make_user, make_video, unique_username

THANKS = "Thank you: the video's owner will take a look."
REASONS = ["Spam", "Harassment or abuse", "Spoiler", "Something else"]


async def watching(new_page, user, video, at_ms: int = 2_000) -> Page:
    """A signed-in viewer's watch page in a browser of their own, joined, at `at_ms`.

    "Live" shows when the socket opens; the viewer's own name in the viewers panel shows the
    server finished the join (which subscribes the page's topics before it tracks presence),
    so a broadcast made after this reaches the page.
    """
    page = await new_page()
    await sign_in(page, user.username, next_path=watch_path(video))
    await wait_live(page)
    await expect(page.locator("#user-list")).to_contain_text(user.username)
    await seek(page, at_ms)
    return page


def report_button(page: Page, body: str):
    """The Report button of the annotation with this body, shown or hidden (the tests'
    annotations have no replies)."""
    return annotation(page, body).locator("[data-report]")


def report_menu(page: Page):
    """The menu of reasons a Report button opens."""
    return page.get_by_role("menu", name="Why report it?")


async def test_a_viewer_reports_an_annotation_and_the_owners_count_rises_live(new_page, clock_url):
    owner, author = await make_user(unique_username("owner")), await make_user(unique_username("author"))
    reporter = await make_user(unique_username("reporter"))
    video = await make_video(owner, title="Reported cut", url=clock_url)
    await make_annotation(author, video, body="Buy cheap watches here", at=1_000)
    await make_annotation(reporter, video, body="Lovely lighting in this shot", at=1_000)

    owning = await watching(new_page, owner, video)
    reports_link = owning.locator("#reports-link")
    await expect(reports_link).to_have_count(1)
    await expect(reports_link).to_be_hidden()

    reporting = await watching(new_page, reporter, video)
    await expect(annotation(reporting, "Buy cheap watches here")).to_be_visible()
    await expect(annotation(reporting, "Lovely lighting in this shot")).to_be_visible()
    report = report_button(reporting, "Buy cheap watches here")
    await expect(report).to_be_visible()
    await expect(report).to_have_attribute("aria-haspopup", "menu")
    await expect(report).to_have_attribute("aria-label", re.compile(r"^Report the annotation at \d+:\d\d$"))
    # Their own item carries the button too (the same bytes for everyone), hidden by the page.
    await expect(report_button(reporting, "Lovely lighting in this shot")).to_have_count(1)
    await expect(report_button(reporting, "Lovely lighting in this shot")).to_be_hidden()

    menu = report_menu(reporting)
    await expect(menu).to_be_hidden()
    await report.click()
    await expect(menu).to_be_visible()
    for reason in REASONS:
        await expect(menu.get_by_role("menuitem", name=reason, exact=True)).to_be_visible()
    await expect(menu.get_by_role("menuitem", name="Spam", exact=True)).to_be_focused()
    await reporting.keyboard.press("Escape")
    await expect(menu).to_be_hidden()
    await expect(report).to_be_focused()
    await expect(reporting.locator("#live-error")).to_be_empty()  # nothing was sent

    await report.click()
    await expect(menu).to_be_visible()
    await menu.get_by_role("menuitem", name="Spam", exact=True).click()
    await expect(menu).to_be_hidden()
    await expect(reporting.locator("#live-error")).to_have_text(THANKS)
    # The reporter owns nothing here, so their own header never shows a queue.
    await expect(reporting.locator("#reports-link")).to_be_hidden()

    # The owner's open page, without a reload.
    await expect(reports_link).to_be_visible()
    await expect(reports_link).to_have_text("Reports 1")
    await expect(reports_link).to_have_attribute("href", "/manage/moderation")
    await expect(owning.locator("#live-status")).to_have_text("Live")
    assert await multimedia.count_reported(owner.id) == 1


async def test_the_owner_deletes_a_reported_annotation_from_the_moderation_page_and_it_vanishes_live(
        new_page, clock_url):
    owner, author, reporter, viewer = [await make_user(unique_username(name))
                                       for name in ("owner", "author", "reporter", "viewer")]
    video = await make_video(owner, title="Moderated cut", url=clock_url)
    note = await make_annotation(author, video, body="You are all idiots", at=1_000)
    await make_annotation(viewer, video, body="The pacing works well", at=1_000)
    await multimedia.report_annotation(reporter, note.id, "abuse")

    looking_on = await watching(new_page, viewer, video)
    await expect(annotation(looking_on, "You are all idiots")).to_be_visible()
    await expect(annotation(looking_on, "The pacing works well")).to_be_visible()

    managing = await new_page()
    await sign_in(managing, owner.username, next_path="/manage/moderation")
    await expect(managing.get_by_role("heading", name="Moderation")).to_be_visible()
    await expect(managing.locator("#reports-link")).to_have_text("Reports 1")
    item = managing.locator(f"#reported-{note.id}")
    await expect(item).to_be_visible()
    await expect(item.locator(".body")).to_have_text("You are all idiots")
    await expect(item).to_contain_text(author.username)
    await expect(item.locator(".reasons")).to_have_text("1 report: Harassment or abuse")
    await expect(item.get_by_role("button", name=f"Dismiss the annotation by {author.username}",
                                  exact=True)).to_be_visible()
    await expect(item.get_by_role("button", name=f"Block {author.username}", exact=True)).to_be_visible()

    await item.get_by_role("button", name=f"Delete the annotation by {author.username}", exact=True).click()
    await expect(managing.locator(".flash")).to_have_text("Deleted for everyone.")
    await expect(managing.get_by_text("Nothing is waiting")).to_be_visible()
    await expect(managing.locator(f"#reported-{note.id}")).to_have_count(0)
    await expect(managing.locator("#reports-link")).to_be_hidden()

    # The viewer's open page, without a reload: gone, and the rest as it was.
    await expect(annotation(looking_on, "You are all idiots")).to_have_count(0)
    await expect(annotation(looking_on, "The pacing works well")).to_be_visible()
    await expect(looking_on.locator("#live-status")).to_have_text("Live")
    assert await multimedia.count_reported(owner.id) == 0
