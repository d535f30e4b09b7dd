"""Sharing in Chromium: an owner sends a comment link to someone without an account, who
comments as a guest live until the link is revoked; a video made private shuts out a stranger's
open page while the owner's stays live."""

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, post, watch_path
from tests.factories import make_user, make_video, unique_username

REVOKED = "This share link was revoked, so this page can no longer follow the video."
NOT_ALLOWED = "You may no longer watch this video: its owner changed who may."


def sharing_path(video) -> str:
    """The owner's sharing page of a video."""
    return f"/manage/videos/{video.id}/sharing"


async def create_link(page: Page, name: str, lets_people: str) -> str:
    """Make a share link through the sharing page's form; returns the URL the page shows for it."""
    await page.fill("#link-name", name)
    await page.select_option("#link-role", label=lets_people)
    await page.get_by_role("button", name="Create link").click()
    await expect(page.locator(".flash")).to_contain_text(f"The link “{name}” is ready")
    link = page.locator(".share-link", has=page.get_by_role("heading", name=name))
    await expect(link.locator(".link-state")).to_have_text("Working")
    return await link.get_by_label("Link to send").input_value()


async def set_private(page: Page) -> None:
    """Make the video private through the sharing page's visibility form."""
    form = page.locator("section", has=page.get_by_role("heading", name="Who may find it"))
    await form.get_by_label("Visibility").select_option("private")
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator(".flash")).to_have_text("Who may watch and comment is saved.")


async def assert_still_live(page: Page, body: str) -> None:
    """The page's socket outlived the change: a post it makes afterwards comes back on it."""
    await expect(page.locator("#annotate-form"), "the page was shut out").to_be_visible()
    await post(page, body)
    await expect(annotation(page, body)).to_be_visible()
    await expect(page.locator("#live-status")).to_have_text("Live")


async def test_a_guest_comments_through_a_link_live_until_the_owner_revokes_it(new_page, clock_url):
    owner = await make_user(unique_username("owner"))
    video = await make_video(owner, title="Rough cut for the client", url=clock_url,
                             visibility="private")
    sharing = await new_page()
    await sign_in(sharing, owner.username, next_path=sharing_path(video))
    url = await create_link(sharing, "client review", "Watch and comment")
    assert re.fullmatch(r"http://[^/]+/s/[\w-]+", url), url

    guest = await new_page()  # a browser with no account
    await guest.goto(url)
    await guest.get_by_label("Your name").fill("Ada")
    await guest.get_by_role("button", name="Watch and comment").click()
    await expect(guest).to_have_url(re.compile(re.escape(watch_path(video)) + "$"))
    await expect(guest.locator(".guest-note")).to_have_text("Commenting as Ada guest")
    await wait_live(guest)

    watching = await new_page(sharing.context)  # the owner's watch page, in a second tab
    await watching.goto(watch_path(video))
    await wait_live(watching)
    await seek(watching, 3_000)
    await seek(guest, 2_000)
    await post(guest, "The logo comes in late")

    posted = annotation(watching, "The logo comes in late")
    await expect(posted).to_be_visible()
    await expect(posted.locator(".author")).to_have_text("Ada")
    await expect(posted.locator(".guest-mark")).to_have_text("guest")

    link = sharing.locator(".share-link", has=sharing.get_by_role("heading", name="client review"))
    await link.get_by_role("button", name="Revoke client review").click()
    await expect(sharing.locator(".flash")).to_have_text("The link no longer works.")
    await expect(link.locator(".link-state")).to_contain_text("Revoked")

    status = guest.locator("#live-status")
    await expect(status).to_have_text(REVOKED)
    await expect(status).to_have_attribute("data-state", "closed")
    await expect(guest.locator("#annotate-form")).to_be_hidden()
    await assert_still_live(watching, "Noted, thanks")

    response = await guest.reload()
    assert response is not None and response.status == 404
    await expect(guest.get_by_role("heading", name="Not found")).to_be_visible()
    await expect(guest.get_by_text("No such video.")).to_be_visible()


async def test_making_a_video_private_shuts_out_a_strangers_page_and_leaves_the_owners_live(
        new_page, clock_url):
    owner, stranger = await make_user(unique_username("owner")), await make_user(unique_username("stranger"))
    video = await make_video(owner, title="Public for now", url=clock_url, visibility="public")
    watching_stranger = await new_page()
    await sign_in(watching_stranger, stranger.username, next_path=watch_path(video))
    await wait_live(watching_stranger)
    watching_owner = await new_page()
    await sign_in(watching_owner, owner.username, next_path=watch_path(video))
    await wait_live(watching_owner)

    sharing = await new_page(watching_owner.context)
    await sharing.goto(sharing_path(video))
    await set_private(sharing)

    status = watching_stranger.locator("#live-status")
    await expect(status).to_have_text(NOT_ALLOWED)
    await expect(status).to_have_attribute("data-state", "closed")
    await expect(watching_stranger.locator("#annotate-form")).to_be_hidden()
    await assert_still_live(watching_owner, "Only us now")
