"""Uploading a video file through the real form in Chromium (issue 6), boosted by htmx."""

import re

from playwright.async_api import expect

from tests.browser.conftest import CLOCK, seek, sign_in, wait_live
from tests.factories import make_user


async def test_an_uploaded_clip_plays_and_seeks_from_its_generated_name(new_page):
    owner = await make_user()
    page = await new_page()
    await sign_in(page, owner.username)
    await page.goto("/manage/videos/new")
    await page.fill("#title", "Uploaded clock")
    await page.set_input_files("#video", str(CLOCK))
    await page.get_by_role("button", name="Save video").click()
    await expect(page.get_by_text("“Uploaded clock” is ready to watch.")).to_be_visible()

    await page.get_by_role("link", name="Uploaded clock").click()
    video = page.locator("video")
    await expect(video).to_have_attribute("src", re.compile(r"^/media/[0-9a-f]{32}\.webm$"))
    await wait_live(page)  # the player shim has taken this page over
    await seek(page, 30_000)  # seeking into an uploaded file needs Range on it too


async def test_a_file_that_is_not_video_is_refused_beside_the_field(new_page, tmp_path):
    owner = await make_user()
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"definitely not a video\n" * 100)
    page = await new_page()
    await sign_in(page, owner.username)
    await page.goto("/manage/videos/new")
    await page.fill("#title", "Not a video")
    await page.set_input_files("#video", str(fake))
    await page.get_by_role("button", name="Save video").click()

    await expect(page.locator("#video-error")).to_be_visible()
    await expect(page.locator("#video")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#title")).to_have_value("Not a video")  # nothing typed is lost
