"""A newcomer registers, adds the bundled clip and seeks it in Chromium (issue 2)."""

from playwright.async_api import expect

from tests.browser.conftest import artifact, wait_at
from tests.factories import PASSWORD, unique_username


async def test_a_new_user_adds_a_video_and_seeks_it_to_thirty_seconds(new_page, clock_url):
    page = await new_page()
    partial_media = []
    page.on("response", lambda response: partial_media.append(response)
            if response.url.endswith(clock_url) and response.status == 206 else None)
    username = unique_username("newbie")

    await page.goto("/register")
    await page.fill("#name", "New Bie")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await expect(page.locator(".whoami")).to_contain_text(username)

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    await expect(page.locator(".whoami")).to_have_count(0)

    await page.get_by_role("link", name="Sign in").click()
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.locator(".whoami")).to_contain_text(username)

    await page.goto("/manage/videos/new")
    await page.fill("#title", "The clock")
    await page.fill("#url", clock_url)
    await page.get_by_role("button", name="Save video").click()
    await expect(page.get_by_text("“The clock” is ready to watch.")).to_be_visible()

    await page.get_by_role("link", name="The clock").click()
    await expect(page.get_by_role("heading", name="The clock")).to_be_visible()
    await expect(page.locator("#live-status")).to_have_text("Live")

    await page.evaluate("document.querySelector('video').play()")
    await page.wait_for_function("() => { const v = document.querySelector('video');"
                                 " return !v.paused && v.currentTime > 0; }")
    await page.evaluate("window.videologuePlayer.seekTo(30000)")
    # Seeking into an unbuffered part of a file needs HTTP Range; readyState recovering
    # means the player fetched and decoded frames there.
    await wait_at(page, 30)
    played = await page.evaluate("() => { const v = document.querySelector('video');"
                                 " v.pause(); return v.currentTime; }")
    assert 29.5 <= played <= 31
    assert partial_media, "the player never got a 206 Partial Content for the clip"
    await page.screenshot(path=artifact("watch-after-seek.png"))
