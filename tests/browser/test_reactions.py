"""Reactions and resolving in Chromium: the picker, counts pressed for their own reactor only,
who reacted on focus, toggling back, and resolving seen live by another viewer."""

from playwright.async_api import Page, expect

from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, watch_path
from tests.factories import make_annotation, make_user, make_video


def count(page: Page, body: str, emoji: str):
    """The count button of one emoji on the annotation with this body."""
    return annotation(page, body).locator(f'.note > .reactions > .reaction[data-emoji="{emoji}"]')


async def open_watching(new_page, video, user=None) -> Page:
    """A page, signed in as `user` (or anonymous), live on the video past its first second."""
    page = await new_page()
    if user is not None:
        await sign_in(page, user.username)
    await page.goto(watch_path(video))
    await wait_live(page)
    await seek(page, 2_000)
    return page


async def test_reactions_toggle_live_and_each_page_presses_only_its_own(new_page, clock_url):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Reacting", url=clock_url)
    await make_annotation(alice, video, body="Nice shot", at=1_000)
    owner, fan, guest = (await open_watching(new_page, video, alice),
                         await open_watching(new_page, video, bob), await open_watching(new_page, video))

    react = annotation(fan, "Nice shot").get_by_role("button", name="React to the annotation")
    await react.click()
    picker = fan.get_by_role("menu", name="Reactions")
    await expect(picker).to_be_visible()
    await expect(picker.get_by_role("menuitem", name="👍")).to_be_focused()
    await fan.keyboard.press("Escape")
    await expect(picker).to_be_hidden()
    await expect(react).to_be_focused()
    await react.click()
    await picker.get_by_role("menuitem", name="👍").click()
    await expect(picker).to_be_hidden()

    for page, pressed in ((fan, "true"), (owner, "false"), (guest, "false")):
        await expect(count(page, "Nice shot", "👍")).to_have_text("👍 1")
        await expect(count(page, "Nice shot", "👍")).to_have_attribute("aria-pressed", pressed)
    await expect(count(guest, "Nice shot", "👍")).to_have_attribute("aria-disabled", "true")
    await expect(annotation(guest, "Nice shot").get_by_role("button", name="React to")).to_be_hidden()

    await count(owner, "Nice shot", "👍").click()  # the owner joins in through the count
    for page in (fan, owner, guest):
        await expect(count(page, "Nice shot", "👍")).to_have_text("👍 2")
    await expect(count(owner, "Nice shot", "👍")).to_have_attribute("aria-pressed", "true")
    await count(guest, "Nice shot", "👍").focus()
    await expect(count(guest, "Nice shot", "👍")).to_have_attribute(
        "aria-label", f"👍 2: {bob.username}, {alice.username}")
    await count(guest, "Nice shot", "👍").dispatch_event("click")  # read-only when signed out
    await count(fan, "Nice shot", "👍").click()  # taken back
    for page in (fan, owner, guest):
        await expect(count(page, "Nice shot", "👍")).to_have_text("👍 1")
    await expect(count(fan, "Nice shot", "👍")).to_have_attribute("aria-pressed", "false")
    await expect(count(owner, "Nice shot", "👍")).to_have_attribute("aria-label", f"👍 1: {alice.username}")


async def test_the_owner_resolves_and_reopens_and_other_viewers_see_it_live(new_page, clock_url):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Resolving", url=clock_url)
    await make_annotation(bob, video, body="Colour is off", at=1_000)
    owner, author = await open_watching(new_page, video, alice), await open_watching(new_page, video, bob)
    guest = await open_watching(new_page, video)
    await expect(annotation(guest, "Colour is off").get_by_role("button", name="Resolve")).to_be_hidden()

    await annotation(owner, "Colour is off").get_by_role("button", name="Resolve").click()
    for page in (owner, author, guest):
        item = annotation(page, "Colour is off")
        await expect(item).to_have_attribute("data-resolved", alice.username)
        await expect(item.locator(".resolved-note")).to_have_text(f"Resolved by {alice.username}")
    await expect(annotation(guest, "Colour is off").get_by_role("button", name="Reopen")).to_be_hidden()

    await annotation(author, "Colour is off").get_by_role("button", name="Reopen").click()
    for page in (owner, author, guest):
        await expect(annotation(page, "Colour is off")).not_to_have_attribute("data-resolved", alice.username)
        await expect(annotation(page, "Colour is off").locator(".resolved-note")).to_have_count(0)
    await expect(annotation(owner, "Colour is off").get_by_role("button", name="Resolve")).to_be_visible()
