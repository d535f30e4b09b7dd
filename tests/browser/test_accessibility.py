"""Accessibility (issue 6): axe-core finds nothing serious, live announcements, focus, a phone screen."""

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.browser.conftest import play, seek, sign_in, wait_live
from tests.factories import make_annotation, make_user, make_video

SERIOUS = {"serious", "critical"}
PHONE = {"width": 375, "height": 740}

# Notes, for each annotation the moment it is shown, whether the list was marked busy then.
RECORD_REVEALS = """() => {
  const list = document.getElementById('annotations');
  window.reveals = [];
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName === 'hidden' && !r.target.hidden) {
        window.reveals.push([r.target.querySelector('.body').textContent,
                             list.getAttribute('aria-busy')]);
      }
    }
  }).observe(list, {subtree: true, attributes: true, attributeFilter: ['hidden']});
}"""
# Every element that takes focus when tabbing, and the focus ring it draws.
FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const text = (el.getAttribute('aria-label') || el.textContent).trim().slice(0, 40);
  return {tag: el.tagName, id: el.id, text,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def watch_path(video) -> str:
    """The canonical watch URL of a video."""
    return f"/watch/{video.id}-{video.slug}"


async def assert_no_serious_violations(page: Page, where: str) -> None:
    """Run axe-core on the page and fail on any serious or critical violation."""
    results = (await Axe().run(page)).response
    # A sanity check that axe really ran over this page's content.
    assert results["url"].endswith(page.url.split("://", 1)[1].split("/", 1)[1]), results["url"]
    problems = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                for v in results["violations"] if v["impact"] in SERIOUS]
    assert problems == [], f"{where}: {problems}"


async def test_axe_finds_no_serious_problems_on_the_main_pages(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for everyone", url=clock_url)
    await make_annotation(owner, video, "Early on", at=2_000)
    await make_annotation(owner, video, "Later on", at=40_000)
    page = await new_page()

    async def check_all(who: str) -> None:
        for path in ("/", "/sign-in", "/register", "/manage/videos/new"):
            await page.goto(path)
            await page.wait_for_load_state("networkidle")
            await assert_no_serious_violations(page, f"{path} ({who})")
        await page.goto(watch_path(video))
        await wait_live(page)
        await expect(page.locator(".marker")).to_have_count(2)
        await seek(page, 5_000)
        await assert_no_serious_violations(page, f"watch ({who})")
        await page.keyboard.press("?")
        await expect(page.get_by_role("dialog")).to_be_visible()
        await assert_no_serious_violations(page, f"watch with the shortcuts open ({who})")
        await page.keyboard.press("Escape")

    await check_all("signed out")
    await sign_in(page, owner.username)
    await check_all("signed in")
    await page.goto("/manage/videos")
    await assert_no_serious_violations(page, "/manage/videos (signed in)")


@pytest.mark.parametrize("signed_in", [False, True])
async def test_axe_finds_no_serious_problems_on_a_phone(new_page, clock_url, signed_in):
    owner = await make_user()
    video = await make_video(owner, title="Clock in a pocket", url=clock_url)
    await make_annotation(owner, video, "Small screen, same comments", at=1_000)
    page = await new_page()
    await page.set_viewport_size(PHONE)
    if signed_in:
        await sign_in(page, owner.username)
    for path in ("/", "/sign-in", "/register"):
        await page.goto(path)
        await assert_no_serious_violations(page, f"{path} on a phone")
    await page.goto(watch_path(video))
    await wait_live(page)
    await assert_no_serious_violations(page, "watch on a phone")


async def test_the_annotation_list_announces_what_arrives_but_not_a_burst_of_them(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for a screen reader", url=clock_url)
    for at, body in ((2_000, "One"), (3_000, "Two"), (4_000, "Three"), (30_000, "At half a minute")):
        await make_annotation(owner, video, body, at=at)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)

    annotations = page.locator("#annotations")
    await expect(annotations).to_have_attribute("aria-live", "polite")
    await expect(annotations).to_have_attribute("aria-relevant", "additions")
    # Annotations ahead of playback are hidden, so out of the accessibility tree: not read yet.
    await expect(annotations.get_by_role("listitem")).to_have_count(0)

    await page.evaluate(RECORD_REVEALS)
    await seek(page, 10_000)
    await expect(annotations.get_by_role("listitem")).to_have_count(3)
    await expect(annotations).not_to_have_attribute("aria-busy", "true")
    assert await page.evaluate("window.reveals") == [["One", "true"], ["Two", "true"], ["Three", "true"]]

    # Playback reaching one annotation reveals it alone: announced, the list not busy.
    await seek(page, 29_000)
    await play(page)
    await expect(annotations.get_by_role("listitem")).to_have_count(4)
    assert (await page.evaluate("window.reveals"))[3:] == [["At half a minute", None]]


async def test_every_control_on_the_watch_page_shows_where_the_focus_is(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for tabbing", url=clock_url)
    await make_annotation(owner, video, "Seek here", at=1_000)
    page = await new_page()
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 2_000)
    await expect(page.locator(".marker")).to_have_count(1)

    seen, missing = [], []
    await page.locator("body").focus()
    for _ in range(40):
        await page.keyboard.press("Tab")
        focus = await page.evaluate(FOCUS_RING)
        if focus["tag"] == "BODY" or (seen and focus == seen[0]):
            break
        # Tabbing on from the <video> walks its native controls, which draw their own rings.
        native_control = focus["tag"] == "VIDEO" and seen and seen[-1]["tag"] == "VIDEO"
        seen.append(focus)
        if not focus["outline"] and not native_control:
            missing.append(focus)
    reached = {f["text"] for f in seen}
    for control in ("Skip to content", "Sign out", f"0:01 {owner.username}: Seek here",
                    "Keyboard shortcuts", "Play from 0:01", "Post"):
        assert control in reached, (control, reached)
    assert any(f["id"] == "annotation-body" for f in seen)
    assert any(f["tag"] == "VIDEO" for f in seen)
    assert missing == []


async def test_the_watch_page_on_a_phone_puts_the_player_on_top_and_comments_below(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock on a phone", url=clock_url)
    await make_annotation(owner, video, "Readable on a phone", at=1_000)
    page = await new_page()
    await page.set_viewport_size(PHONE)
    await sign_in(page, owner.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 2_000)

    player = await page.locator("video").bounding_box()
    strip = await page.locator("[data-timeline]").bounding_box()
    comments = await page.locator("#annotations").bounding_box()
    box = await page.locator("#annotation-body").bounding_box()
    assert player["x"] >= 0 and player["x"] + player["width"] <= PHONE["width"]
    assert player["y"] + player["height"] <= strip["y"] < comments["y"] < box["y"]
    assert player["width"] > PHONE["width"] * 0.8
    # Nothing wider than the screen: no sideways scrolling.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    await page.locator("#annotation-body").fill("Typed on a phone")
    await page.get_by_role("button", name="Post").click()
    await expect(page.locator("#annotations > li", has_text="Typed on a phone")).to_be_visible()
