"""Uploading a video file through the real form in Chromium (issue 6), boosted by htmx."""

import asyncio
import os
import re
from pathlib import Path

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

    await page.get_by_role("link", name="Uploaded clock", exact=True).click()
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


async def throttle_uploads(page, bytes_per_second: int) -> None:
    """Make the page's uploads crawl (Chromium's network emulation), so progress can be seen."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second})


def partial_uploads() -> list[Path]:
    """The files the server is receiving right now (MEDIA_DIR/.uploads)."""
    folder = Path(os.environ["MEDIA_DIR"]) / ".uploads"
    return [path for path in folder.iterdir() if path.is_file()] if folder.exists() else []


async def wait_until(condition, what: str, timeout: float = 20) -> None:
    """Poll a condition the server's files expose until it holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)  # pacing the poll, not a wait for something to happen


async def test_an_upload_shows_its_progress_and_then_the_page_the_server_answered(new_page):
    owner = await make_user()
    page = await new_page()
    await sign_in(page, owner.username)
    await page.goto("/manage/videos/new")
    await throttle_uploads(page, 400 * 1024)  # the clip's 1.2 MB take about three seconds
    await page.fill("#title", "Watched while it went up")
    await page.set_input_files("#video", str(CLOCK))
    await page.get_by_role("button", name="Save video").click()

    status = page.locator("[data-upload-text]")
    await expect(status).to_have_text(re.compile(r"^Uploading… \d+% · [\d.]+ MB/s · \d+ s left$"))
    await expect(page.get_by_role("button", name="Save video")).to_be_disabled()
    await expect(page.get_by_text("“Watched while it went up” is ready to watch.")).to_be_visible()
    assert page.url.endswith("/manage/videos")
    await expect(page.get_by_role("link", name="Watched while it went up", exact=True)).to_be_visible()


async def test_cancel_stops_an_upload_and_the_server_keeps_nothing(new_page, tmp_path):
    owner = await make_user()
    big = tmp_path / "long-take.webm"
    big.write_bytes(CLOCK.read_bytes() + bytes(8 * 1024 * 1024))  # a real header, then 8 MB more
    page = await new_page()
    await sign_in(page, owner.username)
    await page.goto("/manage/videos/new")
    await throttle_uploads(page, 256 * 1024)
    await page.fill("#title", "Never finished")
    await page.set_input_files("#video", str(big))
    await page.get_by_role("button", name="Save video").click()
    await expect(page.locator("[data-upload-text]")).to_have_text(re.compile(r"^Uploading… \d+%"))
    await wait_until(lambda: partial_uploads(), "the server receiving the file")

    await page.get_by_role("button", name="Cancel upload").click()

    await expect(page.locator("[data-upload-text]")).to_have_text("Upload cancelled: nothing was kept.")
    await expect(page.get_by_role("button", name="Save video")).to_be_enabled()
    await wait_until(lambda: not partial_uploads(), "the partial file removed")
    await page.goto("/manage/videos")
    await expect(page.get_by_text("Never finished")).to_have_count(0)
