"""The watch page's keyboard (c, j/k, space, Ctrl/Cmd+Enter, ?) and pausing while typing (issue 6)."""

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import PLAYING_PAST, play, seek, sign_in, wait_at, wait_for_video, wait_live
from tests.factories import make_annotation, make_user, make_video

PAUSED = "document.querySelector('video').paused"
# paused, and where it stopped no longer moves: pause() takes effect a moment after `paused` is
# true, and the shim follows the picture until then, so the pinned moment is read after this
SETTLED = """() => new Promise(done => { const v = document.querySelector('video');
                                         const t = v.currentTime;
                                         setTimeout(() => done(v.paused && v.currentTime === t), 150); })"""


def watch_path(video) -> str:
    """The canonical watch URL of a video."""
    return f"/watch/{video.id}-{video.slug}"


def clock(ms: int) -> str:
    """m:ss, as the page shows a moment under an hour."""
    return f"{ms // 60_000}:{ms // 1000 % 60:02d}"


async def video_time(page: Page) -> float:
    """Where the video is now, in seconds."""
    return await page.evaluate("document.querySelector('video').currentTime")


async def video_ms(page: Page) -> int:
    """Where the video is now, in ms rounded as the player shim rounds it: JavaScript's
    Math.round takes x.5 up, where Python's round() takes it to the even neighbour."""
    return await page.evaluate("Math.round(document.querySelector('video').currentTime * 1000)")


async def test_question_mark_lists_the_shortcuts_in_a_dialog_that_escape_closes(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock with a cheat sheet", url=clock_url)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    await expect(dialog).to_be_hidden()
    await page.keyboard.press("?")
    await expect(dialog).to_be_visible()
    for key in ("c", "j", "k", "Space", "Ctrl", "Enter", "?"):
        await expect(dialog.locator("kbd", has_text=key).first).to_be_visible()
    await expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    # The same list from a button, for a mouse; its Close button closes it.
    opener = page.get_by_role("button", name="Keyboard shortcuts")
    await opener.click()
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()
    await expect(opener).to_be_focused()


async def test_j_and_k_jump_to_the_previous_and_next_annotation(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock to jump through", url=clock_url)
    for at in (10_000, 20_000, 40_000):
        await make_annotation(owner, video, f"At {at // 1000} seconds", at=at)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)
    await seek(page, 25_000)

    await page.keyboard.press("k")
    await wait_at(page, 40)
    await expect(page.locator("#annotations > li", has_text="At 40 seconds")).to_be_visible()
    await page.keyboard.press("j")
    await wait_at(page, 20)
    await page.keyboard.press("j")
    await wait_at(page, 10)
    await page.keyboard.press("k")
    await wait_at(page, 20)
    # Playing on a little past an annotation, j goes back to it before the ones earlier.
    await seek(page, 23_000)
    await page.keyboard.press("j")
    await wait_at(page, 20)
    # After the last annotation, k stays put.
    await seek(page, 45_000)
    await page.keyboard.press("k")
    assert 44.5 <= await video_time(page) <= 45.5
    assert await page.evaluate(PAUSED)


async def test_space_plays_and_pauses_and_c_focuses_the_box_without_typing_a_c(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock under the space bar", url=clock_url)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)

    await page.keyboard.press(" ")
    await wait_for_video(page, PLAYING_PAST, 0)
    await page.keyboard.press(" ")
    await wait_for_video(page, PAUSED)

    box = page.locator("#annotation-body")
    await page.keyboard.press("c")
    await expect(box).to_be_focused()
    await expect(box).to_have_value("")


async def test_keys_type_normally_in_the_box_and_ctrl_or_cmd_enter_posts(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for typists", url=clock_url)
    await make_annotation(owner, video, "Somewhere later", at=50_000)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 5_000)

    box = page.locator("#annotation-body")
    await box.click()
    await page.keyboard.type("jk c? keys")
    await expect(box).to_have_value("jk c? keys")
    await expect(page.get_by_role("dialog")).to_be_hidden()
    assert await page.evaluate(PAUSED)
    assert 4.5 <= await video_time(page) <= 5.5

    await page.keyboard.press("Control+Enter")
    posted = page.locator("#annotations > li", has_text="jk c? keys")
    await expect(posted).to_be_visible()
    await expect(posted).to_have_attribute("data-at", "5000")
    await expect(box).to_have_value("")
    await expect(box).to_be_focused()

    await page.keyboard.type("Sent the Mac way")
    await page.keyboard.press("Meta+Enter")
    await expect(page.locator("#annotations > li", has_text="Sent the Mac way")).to_be_visible()


async def test_focusing_the_box_pauses_and_pins_the_moment_and_posting_resumes(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock that waits for you", url=clock_url)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 10_000)
    await play(page, past_seconds=11)

    box = page.locator("#annotation-body")
    await box.click()
    await wait_for_video(page, SETTLED)
    pinned_ms = await video_ms(page)
    await expect(box).to_have_accessible_name(f"Comment at {clock(pinned_ms)} · video paused")
    await page.keyboard.type("Pinned where I started typing")

    # The moment stays pinned even if the video moves on before the post is sent.
    await play(page, past_seconds=pinned_ms / 1000 + 1.5)
    await page.get_by_role("button", name="Post").click()
    posted = page.locator("#annotations > li", has_text="Pinned where I started typing")
    await expect(posted).to_have_attribute("data-at", str(pinned_ms))
    await expect(box).to_have_value("")

    # After a post the box keeps focus and the video plays on; typing again pauses and pins
    # the new moment, and sending resumes playback.
    await expect(box).to_be_focused()
    await wait_for_video(page, PLAYING_PAST, 0)
    await page.keyboard.type("Then once more")
    await wait_for_video(page, SETTLED)
    second_ms = await video_ms(page)
    await expect(box).to_have_accessible_name(f"Comment at {clock(second_ms)} · video paused")
    await page.keyboard.press("Control+Enter")
    again = page.locator("#annotations > li", has_text="Then once more")
    await expect(again).to_have_attribute("data-at", str(second_ms))
    await wait_for_video(page, PLAYING_PAST, second_ms / 1000 + 0.5)
    await expect(box).to_have_accessible_name(re.compile(r"^Comment at 0:\d\d$"))


async def test_a_viewer_can_turn_pausing_off_and_it_stays_off(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock that keeps going", url=clock_url)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)

    toggle = page.get_by_role("checkbox", name="Pause the video while I type")
    await expect(toggle).to_be_checked()
    await toggle.uncheck()
    await page.reload()
    await wait_live(page)
    await expect(toggle).not_to_be_checked()

    await play(page, past_seconds=1)
    await page.locator("#annotation-body").click()
    focused_at = await video_time(page)
    await page.keyboard.type("Still rolling")
    await wait_for_video(page, PLAYING_PAST, focused_at + 1)
    await page.keyboard.press("Control+Enter")
    posted = page.locator("#annotations > li", has_text="Still rolling")
    await expect(posted).to_be_attached()
    # Without the pin, an annotation is stamped when it is sent, as before.
    assert int(await posted.get_attribute("data-at")) >= (focused_at + 1) * 1000
    await expect(page.locator("#annotation-body")).to_have_accessible_name(re.compile(r"^Comment at 0:\d\d$"))

    await toggle.check()
    await page.reload()
    await wait_live(page)
    await expect(toggle).to_be_checked()
