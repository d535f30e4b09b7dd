"""Presence between real Chromium pages (issue 4): who is watching, tabs, guests, hidden tabs."""

from playwright.async_api import Page, expect

from tests.browser.conftest import sign_in, wait_live
from tests.factories import make_user, make_video

HIDE_TAB = """() => {
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


async def watch(page: Page, video) -> Page:
    await page.goto(f"/watch/{video.id}-{video.slug}")
    await wait_live(page)
    return page


def viewers(page: Page):
    return page.locator("#user-list")


async def test_viewers_see_each_other_with_tab_counts_and_guests(new_page):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Presence")
    alice_page = await new_page()
    await sign_in(alice_page, alice.username)
    bob_page = await new_page()
    await sign_in(bob_page, bob.username)
    await watch(alice_page, video)
    await watch(bob_page, video)
    await expect(viewers(alice_page)).to_contain_text(f"{bob.username} (1)")
    await expect(viewers(bob_page)).to_contain_text(f"{alice.username} (1)")

    second_tab = await watch(await new_page(alice_page.context), video)
    await expect(viewers(bob_page)).to_contain_text(f"{alice.username} (2)")
    guest = await watch(await new_page(), video)
    await expect(viewers(bob_page)).to_contain_text("and 1 guest")

    await second_tab.close()
    await expect(viewers(bob_page)).to_contain_text(f"{alice.username} (1)")
    await guest.close()
    await expect(viewers(bob_page)).not_to_contain_text("guest")
    await alice_page.close()
    await expect(viewers(bob_page)).not_to_contain_text(alice.username)
    await expect(viewers(bob_page)).to_contain_text(f"{bob.username} (1)")


async def test_a_hidden_tab_keeps_watching(new_page):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice, title="Background tab")
    alice_page, bob_page = await new_page(), await new_page()
    for page, user in ((alice_page, alice), (bob_page, bob)):
        await sign_in(page, user.username)
        await watch(page, video)
    await expect(viewers(bob_page)).to_contain_text(f"{alice.username} (1)")

    # htmx 4 would close a background tab's socket (pauseOnBackground); the shim turns that off.
    await alice_page.evaluate(HIDE_TAB)
    carol_page = await new_page()
    await sign_in(carol_page, carol.username)
    await watch(carol_page, video)
    await expect(viewers(bob_page)).to_contain_text(f"{carol.username} (1)")
    await expect(viewers(bob_page)).to_contain_text(f"{alice.username} (1)")
    await expect(alice_page.locator("#live-status")).to_have_text("Live")
