"""Conversations in Chromium (issue 14): ranges, replies, edits, click-to-seek, and a restart."""

import asyncio

from playwright.async_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, artifact, seek, sign_in, wait_live
from tests.browser.test_live_annotations import (
    RECORD_STATUS,
    annotation,
    wait_reconnected,
    watch_path,
)
from tests.factories import make_annotation, make_user, make_video
from tests.server import AppServer

# Every seek the <video> starts, with the time it seeks to, so a test can wait for the next one.
RECORD_SEEKS = """() => { const v = document.querySelector('video'); window.seeks = [];
  v.addEventListener('seeking', () => window.seeks.push(v.currentTime)); }"""
MARKER_SHARE = """id => { const m = document.querySelector(`.marker[data-for="${id}"]`);
  const track = document.querySelector('[data-markers]');
  return m.getBoundingClientRect().width / track.getBoundingClientRect().width; }"""
DURATION = "() => window.videologuePlayer.player.duration()"


def thread_of(page: Page, body: str):
    """The thread (replies) of the annotation with this body."""
    return annotation(page, body).locator(".thread")


def replies(page: Page):
    """Every reply on the page."""
    return page.locator("#annotations .reply")


async def reply(page: Page, body: str, text: str) -> None:
    """Open the annotation's reply form, write and send a reply with Ctrl+Enter."""
    await annotation(page, body).locator(".note").get_by_role("button", name="Reply").click()
    box = annotation(page, body).get_by_role("textbox", name="Reply to")
    await box.fill(text)
    await box.press("Control+Enter")


async def edit(page: Page, item, text: str) -> None:
    """Open an item's edit form, replace its text and press Save."""
    await item.get_by_role("button", name="Edit").first.click()
    box = item.get_by_role("textbox", name="Edit your text")
    await box.fill(text)
    await item.get_by_role("button", name="Save").click()


async def wait_for_status(page: Page, text: str) -> None:
    """Wait until the page's live status says `text`."""
    await expect(page.locator("#live-status")).to_have_text(text)


async def test_two_people_talk_over_a_stretch_live_and_across_a_restart(new_page, clock_url):
    # A server of its own: the restart below must not cut other tests' sockets.
    own = await asyncio.to_thread(AppServer({"ANNOTATION_BURST": "1000"}).start)
    try:
        alice, bob = await make_user(), await make_user()
        video = await make_video(alice, title="Clock under review", url=clock_url)
        page_a, page_b = await new_page(base_url=own.url), await new_page(base_url=own.url)
        await sign_in(page_a, alice.username, next_path=watch_path(video))
        await sign_in(page_b, bob.username, next_path=watch_path(video))
        await wait_live(page_a)
        await wait_live(page_b)

        # Alice pins 0:12, moves the playhead to 0:20 and ends the stretch there with "To now".
        await seek(page_a, 12_000)
        await page_a.fill("#annotation-body", "The minute hand is wrong here")
        await seek(page_a, 20_000)
        await page_a.get_by_role("button", name="To now").click()
        await expect(page_a.locator("[data-clock]")).to_have_text("0:12–0:20")
        await page_a.get_by_role("button", name="Post").click()
        await expect(page_a.locator("#annotation-body")).to_have_value("")
        await expect(page_a.locator("[data-clock]")).to_have_text("0:20")  # the next is a moment
        await seek(page_a, 16_000)  # inside the stretch, so Alice sees it too

        in_b = annotation(page_b, "The minute hand is wrong here")
        await expect(in_b).to_be_attached()
        assert await in_b.get_attribute("data-at") == "12000"
        assert await in_b.get_attribute("data-until") == "20000"
        await expect(in_b.locator(".seek")).to_have_text("0:12–0:20")
        await expect(in_b).to_be_hidden()  # Bob's playhead is at 0:00
        await seek(page_b, 15_000)
        await expect(in_b).to_be_visible()
        await seek(page_b, 25_000)
        await expect(in_b).to_be_hidden()  # past the end of the stretch
        await seek(page_b, 15_000)
        await expect(in_b).to_be_visible()
        # Its marker spans the stretch: 8 s of the clip's length.
        item_id = await in_b.get_attribute("id")
        duration = await page_b.evaluate(DURATION)
        share = await page_b.evaluate(MARKER_SHARE, item_id)
        assert abs(share - 8_000 / duration) < 0.02, (share, duration)

        # Clicking the text plays from the start of the stretch.
        await page_b.evaluate(RECORD_SEEKS)
        await in_b.locator(".body").click()
        await page_b.wait_for_function("() => window.seeks.length > 0", timeout=TIMEOUT_MS)
        assert await page_b.evaluate("window.seeks.at(-1)") == 12
        await page_b.wait_for_function("() => !document.querySelector('video').paused",
                                       timeout=TIMEOUT_MS)
        await page_b.evaluate("document.querySelector('video').pause()")
        await seek(page_b, 15_000)

        # Only the author may edit; anyone signed in may reply.
        await expect(in_b.locator(".note").get_by_role("button", name="Edit")).to_be_hidden()
        await reply(page_b, "The minute hand is wrong here", "Agreed, it lags")
        await expect(in_b.get_by_role("textbox", name="Reply to")).to_have_count(0)  # closed
        await expect(thread_of(page_b, "The minute hand is wrong here")).to_have_attribute("open", "")
        await expect(replies(page_b).locator(".body")).to_have_text(["Agreed, it lags"])
        in_a = page_a.locator(f"#{item_id}")  # found by id: its text is about to change
        await expect(in_a.locator(".thread summary")).to_have_text("1 reply")
        await in_a.locator(".thread summary").click()
        await expect(replies(page_a).locator(".body")).to_have_text(["Agreed, it lags"])
        await expect(replies(page_a).get_by_role("button", name="Edit")).to_be_hidden()

        # Alice fixes her wording; Bob sees it in place, marked edited, his thread still open.
        await edit(page_a, in_a.locator(".note"), "The minute hand lags here")
        fixed_b = annotation(page_b, "The minute hand lags here")
        await expect(fixed_b.locator(".note .edited")).to_have_text("edited")
        assert await fixed_b.get_attribute("data-edited")
        assert await fixed_b.get_attribute("id") == item_id  # the same item, not a new one
        await expect(thread_of(page_b, "The minute hand lags here")).to_have_attribute("open", "")
        await expect(page_b.locator("#annotations > li")).to_have_count(1)
        await expect(in_a.get_by_role("textbox", name="Edit your text")).to_have_count(0)
        await page_b.screenshot(path=artifact("threads-b-after-edit.png"))

        # The server goes away while Alice edits again and Bob replies again: both are sent
        # once the pages are back, and both pages end with one copy of each, latest text.
        for page in (page_a, page_b):
            await page.evaluate(RECORD_STATUS)
        await asyncio.to_thread(own.stop)
        for page in (page_a, page_b):
            await wait_for_status(page, "Reconnecting…")
        await edit(page_a, in_a.locator(".note"), "The minute hand lags by a second")
        await reply(page_b, "The minute hand lags here", "Still lagging after the restart")
        await asyncio.to_thread(own.start)
        for page in (page_a, page_b):
            await wait_reconnected(page)
        for page in (page_a, page_b):
            await expect(annotation(page, "The minute hand lags by a second")).to_have_count(1)
            await expect(page.locator("#annotations > li")).to_have_count(1)
            await expect(replies(page).locator(".body")).to_have_text(
                ["Agreed, it lags", "Still lagging after the restart"])
            await expect(page.locator(".thread summary")).to_have_text("2 replies")
        await page_a.reload()
        await expect(annotation(page_a, "The minute hand lags by a second")).to_have_count(1)
        await expect(replies(page_a)).to_have_count(2)
    finally:
        await asyncio.to_thread(own.stop)


async def test_i_and_o_mark_a_stretch_that_single_moment_undoes(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock with marks", url=clock_url)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 5_000)
    await page.keyboard.press("i")
    await seek(page, 9_000)
    await page.keyboard.press("o")
    await expect(page.locator("[data-clock]")).to_have_text("0:05–0:09")
    assert await page.locator("[data-until]").input_value() == "9000"
    await page.get_by_role("button", name="Single moment").click()
    await expect(page.locator("[data-clock]")).to_have_text("0:05")
    assert await page.locator("[data-until]").input_value() == ""
    # An out mark before the in mark is explained, and changes nothing.
    await seek(page, 2_000)
    await page.keyboard.press("o")
    await expect(page.locator("#live-error")).to_contain_text("A stretch must end after it starts")
    assert await page.locator("[data-until]").input_value() == ""
    await page.keyboard.press("i")
    await seek(page, 4_000)
    await page.keyboard.press("o")
    await page.fill("#annotation-body", "Two seconds of clock")
    await page.keyboard.press("Control+Enter")
    posted = annotation(page, "Two seconds of clock")
    await expect(posted.locator(".seek")).to_have_text("0:02–0:04")
    await expect(page.locator("#live-error")).to_be_empty()


async def test_clicking_a_moment_seeks_but_its_controls_and_replies_do_not(new_page, clock_url):
    owner, guest = await make_user(), await make_user()
    video = await make_video(owner, title="Clock to click", url=clock_url)
    await make_annotation(owner, video, "Look at the second hand", at=7_000)
    page = await new_page()
    await sign_in(page, guest.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 10_000)
    item = annotation(page, "Look at the second hand")
    await page.evaluate(RECORD_SEEKS)
    await item.locator(".author").click()
    await page.wait_for_function("() => window.seeks.length === 1", timeout=TIMEOUT_MS)
    assert await page.evaluate("window.seeks[0]") == 7
    assert await page.evaluate("document.querySelector('video').paused")  # a moment only seeks
    await item.get_by_role("button", name="Reply").click()
    await expect(item.get_by_role("textbox", name="Reply to")).to_be_focused()
    await item.get_by_role("button", name="Cancel").click()
    await expect(item.get_by_role("textbox", name="Reply to")).to_have_count(0)
    await expect(item.get_by_role("button", name="Reply")).to_be_focused()
    # The timecode seeks too: its seek is the next one recorded, so none came in between.
    await seek(page, 10_000)
    before = await page.evaluate("window.seeks.length")
    await item.locator(".seek").click()
    await page.wait_for_function("n => window.seeks.length > n", arg=before, timeout=TIMEOUT_MS)
    assert await page.evaluate("window.seeks.slice(1)") == [10, 7]
